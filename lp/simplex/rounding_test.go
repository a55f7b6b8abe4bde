package simplex_test

import (
	"compress/gzip"
	"os"
	"testing"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// TestWarmAfterCostFlip re-solves, warm from its optimum, an LP whose costs are all negated: the
// optimal face of a flow LP as lp/face builds it (testdata/face-flip.mps.gz, 988 rows, 2,490
// columns, many held at a bound). Feasibility does not depend on the costs, so the warm re-solve
// must find the optimum a cold solve finds; before rounding-level violations that no pivot can
// remove were waived, it claimed the LP infeasible.
func TestWarmAfterCostFlip(t *testing.T) {
	f, err := os.Open("testdata/face-flip.mps.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := lp.ReadMPS(z, "face-flip.mps")
	if err != nil {
		t.Fatal(err)
	}
	e := simplex.New(simplex.Config{})
	if s, err := e.Solve(t.Context(), m, lp.Options{}); err != nil || s.Status != lp.StatusOptimal {
		t.Fatalf("cold solve: %v, %v", s.Status, err)
	}
	flipped := *m
	flipped.Vars = append([]lp.Var(nil), m.Vars...)
	idx, cost := make([]int, len(m.Vars)), make([]float64, len(m.Vars))
	for j := range idx {
		idx[j], cost[j] = j, -m.Vars[j].Cost
		flipped.Vars[j].Cost = cost[j]
	}
	if err := e.SetCosts(idx, cost); err != nil {
		t.Fatal(err)
	}
	warm, err := e.Resolve(t.Context(), lp.Options{})
	if err != nil || warm.Status != lp.StatusOptimal {
		t.Fatalf("warm re-solve after negating the costs: %v, %v; want optimal", warm.Status, err)
	}
	cold, err := simplex.New(simplex.Config{}).Solve(t.Context(), &flipped, lp.Options{})
	if err != nil || cold.Status != lp.StatusOptimal {
		t.Fatalf("cold solve of the negated LP: %v, %v", cold.Status, err)
	}
	if d := warm.Objective - cold.Objective; d > 1e-7*max(1, cold.Objective) || d < -1e-7*max(1, -cold.Objective) {
		t.Errorf("warm objective %.12g, cold %.12g", warm.Objective, cold.Objective)
	}
}
