package flow_test

import (
	"fmt"
	"testing"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/scenario"
)

// TestDefaultNetworkBehaviour checks that the built-in data reproduces what is known of reality
// under the status quo and moves as expected when relief comes and the gas pipeline is built.
func TestDefaultNetworkBehaviour(t *testing.T) {
	fsys := dataset.Default()
	n, _, err := dataset.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	solveIn := func(file, regime string, projects ...string) *flow.Result {
		sc, err := scenario.Load(fsys, "scenarios/"+file)
		if err != nil {
			t.Fatal(err)
		}
		st, _, err := scenario.Apply(n, sc, scenario.Options{Regime: regime, Year: n.Meta.BaseYear + 10, Projects: projects})
		if err != nil {
			t.Fatal(err)
		}
		res, err := flow.Solve(t.Context(), engine(t), st)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, st, res)
		return res
	}
	lng := func(r *flow.Result) float64 {
		s := 0.0
		for _, m := range r.Markets {
			if m.Commodity == "gas" && m.Kind == "backstop" && m.Node != "BEIJING" {
				s += m.Quantity
			}
		}
		return s
	}
	quo := solveIn("x1-status-quo.yaml", "")
	// Status quo: little traffic on Khasan–Rajin (0–2 Mt/yr in 2017–2022, L32–L34) and Korean
	// gas all by LNG (no pipeline exists).
	if kr := quo.Link("RL-TUM-RAJ-1520"); kr != nil && kr.Forward+kr.Backward > 2e6 {
		t.Errorf("status quo: Khasan–Rajin carries %.3g t/yr, want at most 2 Mt", kr.Forward+kr.Backward)
	}
	if got := lng(quo); got < 60e3 {
		t.Errorf("status quo: Korean LNG imports %.4g mcm/yr, want all Korean gas (about 63 bcm)", got)
	}
	// Relief with Western measures eased and the pipeline built: gas shifts to the pipeline
	// where its delivered cost beats the LNG backstop, and LNG imports fall by as much.
	relief := solveIn("x3-relief-rok.yaml", "relief-west-eased", "GAS_RDK")
	pipe := relief.Link("GP-RDK-JEJ-SAM")
	if pipe == nil || pipe.Forward < 5e3 {
		t.Fatalf("relief with GAS_RDK: pipeline into Korea carries %v mcm/yr, want at least 5 bcm", pipe)
	}
	if drop := lng(quo) - lng(relief); drop < 0.9*pipe.Forward {
		t.Errorf("LNG imports fall by %.4g mcm/yr while the pipeline delivers %.4g", drop, pipe.Forward)
	}
}

// TestLeanMatchesFull re-solves states of the built-in network with a lean and a full problem
// and wants the same results but for what Lean leaves out.
func TestLeanMatchesFull(t *testing.T) {
	fsys := dataset.Default()
	n, _, err := dataset.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Load(fsys, "scenarios/x3-relief-rok.yaml")
	if err != nil {
		t.Fatal(err)
	}
	year := n.Meta.BaseYear + 10
	base, _, err := scenario.Apply(n, sc, scenario.Options{Year: year})
	if err != nil {
		t.Fatal(err)
	}
	full, err := flow.Build(base, flow.Options{Rules: sc.Rules})
	if err != nil {
		t.Fatal(err)
	}
	lean, err := flow.Build(base, flow.Options{Rules: sc.Rules, Lean: true})
	if err != nil {
		t.Fatal(err)
	}
	fullEng, leanEng := engine(t), engine(t)
	if _, err := full.Solve(t.Context(), fullEng); err != nil {
		t.Fatal(err)
	}
	if _, err := lean.Solve(t.Context(), leanEng); err != nil {
		t.Fatal(err)
	}
	for _, regime := range sc.Regimes.States {
		for _, projects := range [][]string{nil, {"GAS_RDK"}, {"KHASAN_RAJIN_UPGRADE", "RAJIN_PORT"}} {
			st, _, err := scenario.Apply(n, sc, scenario.Options{Regime: regime.ID, Year: year, Projects: projects})
			if err != nil {
				t.Fatal(err)
			}
			want, err := full.Update(t.Context(), st, fullEng)
			if err != nil {
				t.Fatal(err)
			}
			got, err := lean.Update(t.Context(), st, leanEng)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Prices) == 0 || len(want.Markets) == 0 {
				t.Fatalf("%s %v: full result has no prices or markets", regime.ID, projects)
			}
			want.Prices, want.Markets, want.Binding = nil, nil, nil
			want.SolveTime, got.SolveTime = 0, 0
			// printed, not reflect.DeepEqual: the enforcement of an inactive rule is NaN
			if g, w := fmt.Sprintf("%+v", *got), fmt.Sprintf("%+v", *want); g != w {
				t.Errorf("%s %v: lean result differs from the full one:\n%s\nwant\n%s", regime.ID, projects, g, w)
			}
		}
	}
}
