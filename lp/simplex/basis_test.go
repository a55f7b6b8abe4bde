package simplex

import (
	"math"
	"slices"
	"testing"

	"github.com/corridor-dev/corridor/lp"
)

// TestSetBasisKeepsFactors checks the short cut of setBasis when the basic set is the factorised
// one: the factors and head are kept, and every nonbasic variable lands where a fresh setBasis
// would put it.
func TestSetBasisKeepsFactors(t *testing.T) {
	// maximise x1 + 2·x2 + 3·x3 + x4 with x in [0, 1]⁴, x1 + x2 + x3 + x4 ≤ 2.5, x1 − x4 ≥ −0.5
	m := &lp.Model{Sense: lp.Maximize}
	for _, c := range []float64{1, 2, 3, 1} {
		m.AddVar(lp.Var{Lower: 0, Upper: 1, Cost: c})
	}
	m.AddRow(lp.Row{Index: []int{0, 1, 2, 3}, Coef: []float64{1, 1, 1, 1}, Lower: math.Inf(-1), Upper: 2.5})
	m.AddRow(lp.Row{Index: []int{0, 3}, Coef: []float64{1, -1}, Lower: -0.5, Upper: math.Inf(1)})
	e := New(Config{})
	sol, err := e.Solve(t.Context(), m, lp.Options{})
	if err != nil || sol.Status != lp.StatusOptimal {
		t.Fatalf("Solve = %v, %v", sol, err)
	}
	b := sol.Basis
	flipped := 0
	for j, st := range b.Cols {
		v := m.Vars[j]
		if v.Lower == v.Upper {
			continue
		}
		switch st {
		case lp.BasisLower:
			b.Cols[j] = lp.BasisUpper
			flipped++
		case lp.BasisUpper:
			b.Cols[j] = lp.BasisLower
			flipped++
		}
	}
	if flipped == 0 {
		t.Fatal("no nonbasic column to move")
	}
	s := e.s
	head, f := slices.Clone(s.head), s.f
	if err := s.setBasis(b); err != nil {
		t.Fatal(err)
	}
	if !s.factored || s.f != f || !slices.Equal(s.head, head) {
		t.Error("setBasis with the factorised basic set dropped the factors or reordered head")
	}
	fresh := newSolver(e.model)
	if err := fresh.setBasis(b); err != nil {
		t.Fatal(err)
	}
	if fresh.factored {
		t.Error("a fresh setBasis claims factors")
	}
	for j := range s.status {
		if (s.status[j] == basic) != (fresh.status[j] == basic) || s.status[j] != basic && s.status[j] != fresh.status[j] {
			t.Errorf("variable %d: status %v, a fresh setBasis gives %v", j, s.status[j], fresh.status[j])
		}
	}
	again, err := e.Resolve(t.Context(), lp.Options{})
	if err != nil || math.Abs(again.Objective-sol.Objective) > 1e-9*math.Max(1, math.Abs(sol.Objective)) {
		t.Errorf("Resolve from the moved basis = %v, %v; want objective %v", again.Objective, err, sol.Objective)
	}
}
