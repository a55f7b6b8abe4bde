package appraise_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// TestPrecision: a run with a precision target stops at the first batch (50, 100, 200, …) that
// meets it, or at Draws, and its cases are those of a plain run with as many draws.
func TestPrecision(t *testing.T) {
	for _, tt := range []struct {
		name      string
		capex     float64 // 400: Russia commits in about a third of the draws; 100: in every draw
		precision float64
		ceiling   int
		draws     uint64
		reached   bool
	}{
		{"reached after doubling", 400, 0.04, 1000, 200, true},
		{"stopped at the ceiling", 400, 0.001, 120, 120, false},
		{"certain commitment has no error", 100, 0.001, 1000, 50, true},
		{"ceiling below the first batch", 400, 0.001, 20, 20, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := pipelineNet(t, true).Clone()
			n.Projects[0].Capex = testnet.Q(tt.capex, quantity.DimMoney)
			n = model.Build(*n)
			in := appraise.Input{Net: n, Scenarios: []*scenario.Scenario{{Name: "none"}}, Draws: tt.ceiling, Seed: 3, Workers: 3,
				NewEngine: newEngine(t), ReferenceYear: 2024, Precision: tt.precision}
			out, err := appraise.Run(t.Context(), in)
			if err != nil {
				t.Fatal(err)
			}
			st := out.Stop
			if out.Draws != tt.draws || st == nil || st.Reached != tt.reached || st.Worst != 0 || st.Precision != tt.precision {
				t.Fatalf("draws %d, stop %+v; want %d draws, reached %v", out.Draws, st, tt.draws, tt.reached)
			}
			if se := *out.Cases[0].Bargaining.CommitStdErr; st.WorstStdErr != se || st.Reached != (se <= tt.precision) {
				t.Errorf("worst standard error %g, the case's %g, target %g", st.WorstStdErr, se, tt.precision)
			}
			in.Precision, in.Draws, in.Workers = 0, int(out.Draws), 1
			plain, err := appraise.Run(t.Context(), in)
			if err != nil {
				t.Fatal(err)
			}
			if plain.Stop != nil || !reflect.DeepEqual(plain.Cases, out.Cases) {
				t.Errorf("the run with a precision differs from a plain run of %d draws", out.Draws)
			}
		})
	}
}

// TestSamples: the kept draws are the ones the summaries are made of.
func TestSamples(t *testing.T) {
	n := pipelineNet(t, true).Clone()
	n.Projects[0].Capex = testnet.Q(400, quantity.DimMoney)
	n = model.Build(*n)
	in := appraise.Input{Net: n, Scenarios: []*scenario.Scenario{{Name: "none"}}, Draws: 30, Seed: 3, Workers: 2,
		NewEngine: newEngine(t), ReferenceYear: 2024}
	plain, err := appraise.Run(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	in.KeepSamples = true
	out, err := appraise.Run(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Samples != nil || !reflect.DeepEqual(plain.Cases, out.Cases) {
		t.Fatal("KeepSamples changed the cases, or samples were kept without it")
	}
	if len(out.Samples) != 30 || len(out.Samples[0]) != len(out.Cases) {
		t.Fatalf("%d draws of %d cases kept, want 30 of %d", len(out.Samples), len(out.Samples[0]), len(out.Cases))
	}
	c := out.Cases[0]
	for ci, cr := range c.Countries {
		var npv, sv float64
		for _, d := range out.Samples {
			npv += d[0].NPV[ci]
			sv += d[0].Strategic[ci]
		}
		if math.Abs(npv/30-cr.NPV.Mean) > 1e-9*max(1, math.Abs(cr.NPV.Mean)) || math.Abs(sv/30-cr.Strategic.Mean) > 1e-9*max(1, math.Abs(cr.Strategic.Mean)) {
			t.Errorf("%s: sample means %g, %g; summaries %g, %g", cr.Country, npv/30, sv/30, cr.NPV.Mean, cr.Strategic.Mean)
		}
	}
	bargain, account := 0, 0
	for _, d := range out.Samples {
		if d[0].CommitBargaining {
			bargain++
		}
		if d[0].CommitAccounting {
			account++
		}
		if d[0].Overrun != 1 {
			t.Errorf("overrun %g for a project without a reference class, want 1", d[0].Overrun)
		}
	}
	if float64(bargain)/30 != *c.Bargaining.Commit || float64(account)/30 != *c.Accounting.Commit {
		t.Errorf("commitments %d and %d of 30; P(commit) %g and %g", bargain, account, *c.Bargaining.Commit, *c.Accounting.Commit)
	}
	if *c.Bargaining.Commit == 0 || *c.Bargaining.Commit == 1 {
		t.Errorf("P(commit) %g: the test wants an uncertain commitment", *c.Bargaining.Commit)
	}
}
