package interdict_test

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/lp/interdict"
)

var shared struct {
	once sync.Once
	r    *highs.Runtime
	err  error
}

func engine(t *testing.T) *highs.Engine {
	t.Helper()
	shared.once.Do(func() { shared.r, shared.err = highs.NewRuntime(context.Background(), highs.Config{}) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	e, err := shared.r.NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// flowLP is a maximum flow from s to t worth 10 a unit delivered, arcs (columns 0–4)
//
//	0 s→a cap 3   1 s→b cap 2   2 a→t cap 2   3 b→t cap 3   4 a→b cap 1
//
// and column 5, the flow delivered at t (worth 10). Rows: conservation at a and b, and at t
// (inflow = delivered). Base: s→a 3 (2 to t, 1 over a→b), s→b 2, b→t 3: 5 units, 50.
//
// Closing one arc, by hand: s→a leaves s→b→t, 2 units (20); b→t leaves a→t, 2 (20); a→t leaves
// s→a→b→t 1 and s→b→t 2, 3 (30); s→b leaves s→a, 2 + 1 (30); a→b leaves 2 + 2 (40). The worst
// single closure leaves 20 (s→a, or b→t); two closures can cut s from t (0).
func flowLP() *lp.Model {
	m := &lp.Model{Sense: lp.Maximize}
	for _, c := range []float64{3, 2, 2, 3, 1} {
		m.AddVar(lp.Var{Upper: c})
	}
	m.AddVar(lp.Var{Upper: lp.Inf, Cost: 10})
	m.AddRow(lp.Row{Name: "a", Index: []int{0, 2, 4}, Coef: []float64{1, -1, -1}}) // in = out at a
	m.AddRow(lp.Row{Name: "b", Index: []int{1, 4, 3}, Coef: []float64{1, 1, -1}})  // … at b
	m.AddRow(lp.Row{Name: "t", Index: []int{2, 3, 5}, Coef: []float64{1, 1, -1}})  // delivered at t
	return m
}

// penalty: a unit on an arc can add at most the 10 it is worth delivered.
func penalty() []float64 { return []float64{10, 10, 10, 10, 10, 0} }

func groups() [][]int { return [][]int{{0}, {1}, {2}, {3}, {4}} }

func solve(t *testing.T, spec interdict.Spec) (float64, []int) {
	t.Helper()
	m, err := interdict.Build(flowLP(), spec)
	if err != nil {
		t.Fatal(err)
	}
	sol, err := engine(t).Solve(t.Context(), m, lp.Options{MIPRelGap: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	if sol.Status != lp.StatusOptimal {
		t.Fatalf("status %v", sol.Status)
	}
	return sol.Objective, interdict.Closed(sol, len(spec.Groups))
}

func TestHandDerived(t *testing.T) {
	for _, tt := range []struct {
		name   string
		spec   interdict.Spec
		want   float64
		closed [][]int // any of these
	}{
		{"none", interdict.Spec{K: 0}, 50, [][]int{nil}},
		{"one", interdict.Spec{K: 1}, 20, [][]int{{0}, {3}}},
		{"two", interdict.Spec{K: 2}, 0, nil},
		// s→a and b→t found: the next worst single closures leave 30 (a→t or s→b)
		{"one, the worst excluded", interdict.Spec{K: 1, Exclude: [][]int{{0}, {3}}}, 30, [][]int{{1}, {2}}},
		// s→a and b→t cost 5 to close, the others 1, budget 2
		{"budget", interdict.Spec{K: 1, Cost: []float64{5, 1, 1, 5, 1}, Budget: 2}, 30, [][]int{{1}, {2}}},
		// at most two, each costing 1, budget 1: one closure
		{"at most, budget", interdict.Spec{K: 2, AtMost: true, Cost: []float64{1, 1, 1, 1, 1}, Budget: 1}, 20, [][]int{{0}, {3}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.spec.Groups, tt.spec.Penalty = groups(), penalty()
			got, closed := solve(t, tt.spec)
			if math.Abs(got-tt.want) > 1e-6 {
				t.Errorf("W = %g, want %g (closed %v)", got, tt.want, closed)
			}
			if tt.closed != nil && !slices.ContainsFunc(tt.closed, func(c []int) bool { return slices.Equal(c, closed) }) {
				t.Errorf("closed %v, want one of %v", closed, tt.closed)
			}
		})
	}
}

// TestPenaltyTooSmall shows why the bound matters: with M = 1 < 10 the closed arc still carries
// flow at a penalty of 1 a unit, and the MIP overstates what is left (s→a closed: 20 + 3 × 9).
func TestPenaltyTooSmall(t *testing.T) {
	got, _ := solve(t, interdict.Spec{Groups: [][]int{{0}}, Penalty: []float64{1, 1, 1, 1, 1, 0}, K: 1})
	if math.Abs(got-47) > 1e-6 {
		t.Errorf("W = %g, want 47 (the penalised LP)", got)
	}
}

func TestErrors(t *testing.T) {
	for _, spec := range []interdict.Spec{
		{Groups: groups(), Penalty: penalty(), K: 6},
		{Groups: groups(), Penalty: penalty()[:2], K: 1},
		{Groups: [][]int{{9}}, Penalty: penalty(), K: 1},
		{Groups: groups(), Penalty: []float64{math.Inf(1), 0, 0, 0, 0, 0}, K: 1},
	} {
		if _, err := interdict.Build(flowLP(), spec); err == nil {
			t.Errorf("%+v: no error", spec)
		}
	}
	m := flowLP()
	m.Sense = lp.Minimize
	if _, err := interdict.Build(m, interdict.Spec{Groups: groups(), Penalty: penalty(), K: 1}); err == nil {
		t.Error("a minimising LP: no error")
	}
}
