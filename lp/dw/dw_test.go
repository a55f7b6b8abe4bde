package dw_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/dw"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/lp/lptest"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/scenario"
)

// cases are flow problems of several shapes: synthetic grids and the built-in network under
// each built-in scenario with every project.
func cases(t *testing.T) map[string]*flow.Problem {
	t.Helper()
	out := map[string]*flow.Problem{}
	for _, c := range []struct{ nodes, k int }{{16, 2}, {36, 3}, {100, 10}, {144, 5}} {
		for seed := range uint64(3) {
			n := testnet.Generated(c.nodes, c.k, seed+1)
			p, err := flow.Build(testnet.State(n, nil), flow.Options{})
			if err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprintf("grid-%d-%d-seed%d", c.nodes, c.k, seed+1)] = p
		}
	}
	fsys := dataset.Default()
	n, _, err := dataset.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, p := range n.Projects {
		all = append(all, p.ID)
	}
	for _, f := range []string{"x1-status-quo", "x2-bilateral-weak-enforcement", "x3-relief-rok", "x4-china-transit", "x5-hard-enforcement"} {
		sc, err := scenario.Load(fsys, "scenarios/"+f+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, projects := range [][]string{nil, all} {
			st, _, err := scenario.Apply(n, sc, scenario.Options{Year: n.Meta.BaseYear + 10, Projects: projects})
			if err != nil {
				t.Fatal(err)
			}
			p, err := flow.Build(st, flow.Options{Rules: sc.Rules})
			if err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprintf("%s-projects%d", f, len(projects))] = p
		}
	}
	return out
}

// arcs marks the flow columns of p's model from their names and rows: a column with one +1 and
// one −1 in balance rows ("bal_…") is an arc.
func arcs(m *lp.Model) []dw.Arc {
	marks := make([]dw.Arc, len(m.Vars))
	for j := range marks {
		marks[j] = dw.Arc{Tail: -1, Head: -1}
	}
	isFlow := func(j int) bool { return len(m.Vars[j].Name) > 2 && m.Vars[j].Name[:2] == "x_" }
	for i, r := range m.Rows {
		if len(r.Name) < 4 || r.Name[:4] != "bal_" {
			continue
		}
		for k, j := range r.Index {
			if !isFlow(j) {
				continue
			}
			if r.Coef[k] == 1 {
				marks[j].Tail = i
			} else {
				marks[j].Head = i
			}
		}
	}
	return marks
}

// TestAgainstHiGHS solves every case by decomposition (masters solved by lp/simplex) and whole
// by HiGHS, and checks the decomposition's answer with lptest.Certify and against HiGHS's objective.
func TestAgainstHiGHS(t *testing.T) {
	oracle, err := highs.New(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer oracle.Close()
	decomposed := 0
	for name, p := range cases(t) {
		t.Run(name, func(t *testing.T) {
			m := p.Model()
			whole, err := oracle.Solve(t.Context(), m, lp.Options{})
			if err != nil || whole.Status != lp.StatusOptimal {
				t.Fatalf("HiGHS: %v, %v", whole, err)
			}
			sol, stats, err := dw.Solve(t.Context(), simplex.New(simplex.Config{}), m, arcs(m), dw.Options{})
			if err != nil {
				t.Fatalf("dw: %v", err)
			}
			decomposed++
			lptest.Certify(t, m, sol, 1e-7)
			if rel := math.Abs(sol.Objective-whole.Objective) / math.Max(1, math.Abs(whole.Objective)); rel > 1e-9 {
				t.Errorf("objective %.12g, HiGHS %.12g (relative error %.1e)", sol.Objective, whole.Objective, rel)
			}
			t.Logf("%d rows × %d columns: %d rounds, %d paths, %d capacity rows, master %d rows", len(m.Rows), len(m.Vars),
				stats.Rounds, stats.Paths, stats.LazyRows, stats.MasterRows)
		})
	}
	if decomposed == 0 {
		t.Error("no case was decomposed")
	}
}

// TestMalformed checks that models whose arcs do not match their marks, or that are not valid
// LPs, are refused — never answered, never a panic. The cases come from a review of the package.
func TestMalformed(t *testing.T) {
	inf := math.Inf(1)
	// supply at A worth 10 at B, by A→M→B; the arc rows as listed in each case
	build := func(midIndex []int, midCoef []float64) (*lp.Model, []dw.Arc) {
		m := &lp.Model{Sense: lp.Minimize}
		s := m.AddVar(lp.Var{Upper: 5})
		d := m.AddVar(lp.Var{Upper: 5, Cost: -10})
		am := m.AddVar(lp.Var{Upper: inf, Cost: 1})
		mb := m.AddVar(lp.Var{Upper: inf, Cost: 1})
		a := m.AddRow(lp.Row{Index: []int{am, s}, Coef: []float64{1, -1}})
		mid := m.AddRow(lp.Row{Index: midIndex, Coef: midCoef})
		b := m.AddRow(lp.Row{Index: []int{d, mb}, Coef: []float64{1, -1}})
		return m, []dw.Arc{{Tail: -1}, {Tail: -1}, {Tail: a, Head: mid}, {Tail: mid, Head: b}}
	}
	for name, tt := range map[string]struct {
		index []int
		coef  []float64
		want  error
	}{
		"an arc's −1 missing":        {[]int{3}, []float64{1}, dw.ErrUnsupported},
		"an arc's +1 twice":          {[]int{3, 3, 2}, []float64{1, 1, -1}, dw.ErrUnsupported},
		"a column index off the end": {[]int{3, 9}, []float64{1, -1}, lp.ErrInvalidModel},
	} {
		m, arcs := build(tt.index, tt.coef)
		if _, _, err := dw.Solve(t.Context(), simplex.New(simplex.Config{}), m, arcs, dw.Options{}); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tt.want)
		}
	}
	m, arcs := build([]int{3, 2}, []float64{1, -1})
	if sol, _, err := dw.Solve(t.Context(), simplex.New(simplex.Config{}), m, arcs, dw.Options{}); err != nil || sol.Objective != -40 {
		t.Errorf("the well-formed model: %v, %v; want objective −40", sol, err)
	}
}

// TestInfeasibleFirstMaster: a model whose only column is an arc and whose coupling row needs
// flow has an infeasible first master (no columns); HiGHS used to call it optimal.
func TestInfeasibleFirstMaster(t *testing.T) {
	m := &lp.Model{Sense: lp.Minimize}
	uv := m.AddVar(lp.Var{Upper: math.Inf(1), Cost: 1})
	u := m.AddRow(lp.Row{Index: []int{uv}, Coef: []float64{1}})
	v := m.AddRow(lp.Row{Index: []int{uv}, Coef: []float64{-1}})
	m.AddRow(lp.Row{Index: []int{uv}, Coef: []float64{1}, Lower: 1, Upper: math.Inf(1)})
	h, err := highs.New(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for name, eng := range map[string]lp.Engine{"simplex": simplex.New(simplex.Config{}), "highs": h} {
		if _, _, err := dw.Solve(t.Context(), eng, m, []dw.Arc{{Tail: u, Head: v}}, dw.Options{}); !errors.Is(err, dw.ErrUnsupported) {
			t.Errorf("%s: err = %v, want ErrUnsupported", name, err)
		}
	}
}

// TestUnsupported checks that models without the structure are refused with ErrUnsupported.
func TestUnsupported(t *testing.T) {
	m := &lp.Model{Sense: lp.Minimize}
	m.AddVar(lp.Var{Lower: 0, Upper: 5, Cost: 1}) // an arc with a finite upper bound
	m.AddVar(lp.Var{Lower: 0, Upper: 3, Cost: -1})
	m.AddRow(lp.Row{Index: []int{0, 1}, Coef: []float64{1, -1}})
	m.AddRow(lp.Row{Index: []int{0}, Coef: []float64{-1}})
	for name, marks := range map[string][]dw.Arc{
		"bounded arc":   {{Tail: 0, Head: 1}, {Tail: -1}},
		"marks missing": {{Tail: 0, Head: 1}},
		"self loop":     {{Tail: 0, Head: 0}, {Tail: -1}},
	} {
		if _, _, err := dw.Solve(t.Context(), simplex.New(simplex.Config{}), m, marks, dw.Options{}); err == nil || !isUnsupported(err) {
			t.Errorf("%s: err = %v, want ErrUnsupported", name, err)
		}
	}
}

func isUnsupported(err error) bool { return errors.Is(err, dw.ErrUnsupported) }

// TestLargeGrids solves generated networks by decomposition, certifies each optimum and checks
// it against the one found by solving the whole LP elsewhere (docs/benchmarks.md):
//   - 1,024 nodes, 2,945 links, ten commodities (118,010 columns): HiGHS (simplex and interior
//     point, this repository's wasm build, 33–40 s) and the native COIN-OR Clp 1.17 dual simplex
//     (35 s) give 796,513.2510 USD/yr;
//   - 10,000 nodes, 29,601 links (1,184,250 columns), issue #4's size: Clp's dual simplex gives
//     468,750.4043 after 1,166 s and 387,581 iterations.
func TestLargeGrids(t *testing.T) {
	if testing.Short() {
		t.Skip("about 15 s")
	}
	for _, tt := range []struct {
		nodes int
		want  float64
	}{{1_000, 796513.2510}, {10_000, 468750.4043}} {
		t.Run(fmt.Sprint(tt.nodes), func(t *testing.T) {
			p, err := flow.Build(testnet.State(testnet.Generated(tt.nodes, 10, 1), nil), flow.Options{})
			if err != nil {
				t.Fatal(err)
			}
			m := p.Model()
			sol, stats, err := dw.Solve(t.Context(), simplex.New(simplex.Config{}), m, arcs(m), dw.Options{})
			if err != nil {
				t.Fatal(err)
			}
			lptest.Certify(t, m, sol, 1e-7)
			if math.Abs(sol.Objective-tt.want) > 1e-9*tt.want {
				t.Errorf("objective %.10g, want %.10g", sol.Objective, tt.want)
			}
			t.Logf("%d rows × %d columns: %d rounds, %d paths, %d capacity rows", len(m.Rows), len(m.Vars), stats.Rounds, stats.Paths, stats.LazyRows)
		})
	}
}
