package simplex_test

import (
	"context"
	"errors"
	"math"
	"os"
	"testing"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/lptest"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// recorder is a fallback engine that counts its solves and delegates to a second simplex.
type recorder struct {
	*simplex.Engine
	resolves int
}

func (r *recorder) Resolve(ctx context.Context, opt lp.Options) (*lp.Solution, error) {
	r.resolves++
	return r.Engine.Resolve(ctx, opt)
}

// TestFallback: cold solves go to the fallback, warm ones do not, and a warm solve stopped by
// the iteration limit is handed on and still answered.
func TestFallback(t *testing.T) {
	c := lptest.LPCases()[1] // Wyndor Glass
	fb := &recorder{Engine: simplex.New(simplex.Config{})}
	eng := simplex.New(simplex.Config{Fallback: fb, MaxIterations: 1})
	defer eng.Close()
	m := c.Model()
	sol, err := eng.Solve(t.Context(), m, lp.Options{})
	if err != nil || sol.Status != lp.StatusOptimal || sol.Objective != c.Objective {
		t.Fatalf("cold Solve = %+v, %v; want objective %g", sol, err, c.Objective)
	}
	if fb.resolves != 1 || eng.Fallbacks() != 1 {
		t.Fatalf("cold solve: fallback resolves %d, Fallbacks() %d; want 1 and 1", fb.resolves, eng.Fallbacks())
	}
	// a small change re-solved without a pivot stays in the engine
	if err := eng.SetCosts([]int{0}, []float64{3.5}); err != nil {
		t.Fatal(err)
	}
	if sol, err = eng.Resolve(t.Context(), lp.Options{}); err != nil || sol.Status != lp.StatusOptimal || sol.Objective != 37 {
		t.Fatalf("warm Resolve = %+v, %v; want objective 37 (x=2, y=6)", sol, err)
	}
	if fb.resolves != 1 {
		t.Fatalf("a warm solve without pivots went to the fallback")
	}
	// x's profit 9 moves the optimum to (4, 3) in one pivot: within MaxIterations = 1
	if err := eng.SetCosts([]int{0}, []float64{9}); err != nil {
		t.Fatal(err)
	}
	if sol, err = eng.Resolve(t.Context(), lp.Options{}); err != nil || sol.Status != lp.StatusOptimal || sol.Objective != 51 {
		t.Fatalf("Resolve = %+v, %v; want objective 51", sol, err)
	}
	if fb.resolves != 1 {
		t.Fatalf("a one-pivot warm solve went to the fallback")
	}
}

// TestFallbackIterationLimit: a warm solve stopped by the iteration limit is handed to the
// fallback, which answers it.
func TestFallbackIterationLimit(t *testing.T) {
	p := lptest.NetlibProblem{Name: "afiro", File: "afiro.mps.gz"}
	m, err := lptest.ReadNetlib(os.DirFS(netlibDir), p)
	if err != nil {
		t.Fatal(err)
	}
	fb := &recorder{Engine: simplex.New(simplex.Config{})}
	eng := simplex.New(simplex.Config{Fallback: fb, MaxIterations: 1})
	defer eng.Close()
	if _, err := eng.Solve(t.Context(), m, lp.Options{}); err != nil {
		t.Fatal(err)
	}
	// reverse the order of the costs: a different vertex, several pivots away
	var idx []int
	var cost []float64
	n := len(m.Vars)
	orig := make([]float64, n)
	for j := range m.Vars {
		orig[j] = m.Vars[j].Cost
	}
	for j := range m.Vars {
		m.Vars[j].Cost = orig[n-1-j]
		idx, cost = append(idx, j), append(cost, m.Vars[j].Cost)
	}
	if err := eng.SetCosts(idx, cost); err != nil {
		t.Fatal(err)
	}
	got, err := eng.Resolve(t.Context(), lp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := simplex.New(simplex.Config{}).Solve(t.Context(), m, lp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != lp.StatusOptimal || math.Abs(got.Objective-want.Objective) > 1e-9*math.Max(1, math.Abs(want.Objective)) {
		t.Fatalf("Resolve = %v %.10g, want optimal %.10g", got.Status, got.Objective, want.Objective)
	}
	if fb.resolves != 2 {
		t.Fatalf("fallback resolves = %d, want 2 (the cold solve and the capped warm one)", fb.resolves)
	}
}

// TestMIPUnsupported: without a fallback a MIP is refused with errors.ErrUnsupported.
func TestMIPUnsupported(t *testing.T) {
	m := lptest.LPCases()[0].Model()
	m.Vars[0].Integer = true
	_, err := simplex.New(simplex.Config{}).Solve(t.Context(), m, lp.Options{})
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("Solve(MIP) = %v, want errors.ErrUnsupported", err)
	}
}
