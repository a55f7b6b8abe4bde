package face_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/face"
	"github.com/corridor-dev/corridor/lp/lptest"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// solveFrom solves m warm from the optimal basis of m with its costs perturbed by eps·pert, so
// that the solution returned is an optimal vertex of m chosen by pert: two perturbations give two
// engines' (or two starting bases') different answers to the same LP.
func solveFrom(t *testing.T, m *lp.Model, pert []float64, eps float64) *lp.Solution {
	t.Helper()
	ctx := context.Background()
	q := *m
	q.Vars = append([]lp.Var(nil), m.Vars...)
	for j := range q.Vars {
		q.Vars[j].Cost += eps * pert[j]
	}
	e := simplex.New(simplex.Config{})
	s, err := e.Solve(ctx, &q, lp.Options{})
	if err != nil || s.Status != lp.StatusOptimal {
		t.Fatalf("perturbed solve: %v %v", s, err)
	}
	e2 := simplex.New(simplex.Config{})
	if err := e2.Load(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := e2.SetBasis(ctx, s.Basis); err != nil {
		t.Fatal(err)
	}
	sol, err := e2.Resolve(ctx, lp.Options{})
	if err != nil || sol.Status != lp.StatusOptimal {
		t.Fatalf("warm solve: %v %v", sol, err)
	}
	return sol
}

func pick(t *testing.T, m *lp.Model, sol *lp.Solution) *face.Point {
	t.Helper()
	p, err := face.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	pt, err := p.Pick(t.Context(), m, sol)
	if err != nil {
		t.Fatalf("Pick: %v", err)
	}
	// The point must be an optimum: certify it as a solution of m.
	lptest.Certify(t, m, &lp.Solution{Status: lp.StatusOptimal, Objective: pt.Objective, X: pt.X, RowActivity: pt.RowActivity,
		RowDual: pt.RowDual, ReducedCost: pt.ReducedCost}, 1e-7)
	return pt
}

// TestIntervalPrice: one market, supply of 10 at cost 1 meets demand of 10 worth 5. The price may
// be anything in [1, 5]; the canonical price is the middle, 3.
func TestIntervalPrice(t *testing.T) {
	m := &lp.Model{Sense: lp.Maximize, Vars: []lp.Var{{Name: "s", Upper: 10, Cost: -1}, {Name: "d", Upper: 10, Cost: 5}},
		Rows: []lp.Row{{Name: "balance", Index: []int{0, 1}, Coef: []float64{-1, 1}}}}
	for _, pert := range [][]float64{{0, 0}, {1, -1}, {-1, 1}} {
		sol := solveFrom(t, m, pert, 1e-3)
		pt := pick(t, m, sol)
		if got := pt.RowDual[0]; math.Abs(got-3) > 1e-9 {
			t.Errorf("perturbation %v: engine price %g, canonical %g, want 3", pert, sol.RowDual[0], got)
		}
	}
}

// TestEqualRoutes: 10 units from A to B over two routes of equal cost and capacity 10: the
// canonical flow splits them evenly, whichever route the engine chose.
func TestEqualRoutes(t *testing.T) {
	// columns: supply at A (cost 0, ≤ 10), route 1, route 2 (cost 1 each, ≤ 10), demand at B (≤ 10, worth 5)
	m := &lp.Model{Sense: lp.Maximize, Vars: []lp.Var{{Upper: 10}, {Upper: 10, Cost: -1}, {Upper: 10, Cost: -1}, {Upper: 10, Cost: 5}},
		Rows: []lp.Row{
			{Name: "A", Index: []int{0, 1, 2}, Coef: []float64{-1, 1, 1}},
			{Name: "B", Index: []int{1, 2, 3}, Coef: []float64{-1, -1, 1}},
		}}
	for _, pert := range [][]float64{{0, 1, -1, 0}, {0, -1, 1, 0}} {
		sol := solveFrom(t, m, pert, 1e-3)
		pt := pick(t, m, sol)
		if math.Abs(pt.X[1]-5) > 1e-9 || math.Abs(pt.X[2]-5) > 1e-9 {
			t.Errorf("perturbation %v: engine flows %v, canonical %v, want 5 and 5", pert, sol.X[1:3], pt.X[1:3])
		}
		// supply and demand are both used up: λ_A ∈ [0, 4] and λ_B = λ_A + 1, so the middle is (2, 3)
		if math.Abs(pt.RowDual[0]-2) > 1e-9 || math.Abs(pt.RowDual[1]-3) > 1e-9 {
			t.Errorf("perturbation %v: prices %v, want [2 3]", pert, pt.RowDual)
		}
	}
}

// TestChain: A → J → B, each arc of capacity 5 and cost 1; supply at A of 10 at 0, demand at B of
// 10 worth 10. Both arcs are full; λ_A = 0 and λ_B = 10 are pinned by the partly used steps, and
// the price at J may be anywhere in [1, 9]: the canonical price is 5, so the rent 8 per unit is
// split 4 and 4 between the arcs.
func TestChain(t *testing.T) {
	m := &lp.Model{Sense: lp.Maximize,
		Vars: []lp.Var{{Upper: 10}, {Upper: lp.Inf, Cost: -1}, {Upper: lp.Inf, Cost: -1}, {Upper: 10, Cost: 10}},
		Rows: []lp.Row{
			{Name: "A", Index: []int{0, 1}, Coef: []float64{-1, 1}},
			{Name: "J", Index: []int{1, 2}, Coef: []float64{-1, 1}},
			{Name: "B", Index: []int{2, 3}, Coef: []float64{-1, 1}},
			{Name: "cap1", Index: []int{1}, Coef: []float64{1}, Lower: math.Inf(-1), Upper: 5},
			{Name: "cap2", Index: []int{2}, Coef: []float64{1}, Lower: math.Inf(-1), Upper: 5},
		}}
	want := []float64{0, 5, 10, 4, 4}
	for _, pert := range [][]float64{{0, 0, 0, 0}, {1, 0, 0, -1}, {0, 1, -1, 0}} {
		sol := solveFrom(t, m, pert, 1e-3)
		pt := pick(t, m, sol)
		for i, w := range want {
			if math.Abs(pt.RowDual[i]-w) > 1e-9 {
				t.Errorf("perturbation %v: duals %v, want %v", pert, pt.RowDual, want)
				break
			}
		}
	}
}

// TestCapEqualsCapacity: a cap of 5 on what crosses and an arc of capacity 5 bind together; the
// wedge of 8 per unit between the prices splits evenly between the cap's and the arc's rent.
func TestCapEqualsCapacity(t *testing.T) {
	m := &lp.Model{Sense: lp.Maximize,
		Vars: []lp.Var{{Upper: 10}, {Upper: lp.Inf, Cost: -1}, {Upper: 10, Cost: 9}},
		Rows: []lp.Row{
			{Name: "A", Index: []int{0, 1}, Coef: []float64{-1, 1}},
			{Name: "B", Index: []int{1, 2}, Coef: []float64{-1, 1}},
			{Name: "cap", Index: []int{1}, Coef: []float64{1}, Lower: math.Inf(-1), Upper: 5},
			{Name: "quota", Index: []int{1}, Coef: []float64{1}, Lower: math.Inf(-1), Upper: 5},
		}}
	for _, pert := range [][]float64{{0, 0, 0}, {1, 0, -1}} {
		sol := solveFrom(t, m, pert, 1e-3)
		pt := pick(t, m, sol)
		if math.Abs(pt.RowDual[2]-4) > 1e-9 || math.Abs(pt.RowDual[3]-4) > 1e-9 {
			t.Errorf("perturbation %v: engine rents %v, canonical %v, want 4 and 4", pert, sol.RowDual[2:], pt.RowDual[2:])
		}
	}
}

// TestPickIsCanonical is the property the package exists for: over random degenerate
// transportation LPs (equal costs, capacities that bind together, supplies equal to demands), two
// different optimal vertices of the same LP give the same point, to 1e-9 relative.
func TestPickIsCanonical(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 34))
	for trial := range 200 {
		m := randomTransport(rng)
		n := len(m.Vars)
		p1, p2 := make([]float64, n), make([]float64, n)
		for j := range n {
			p1[j], p2[j] = rng.NormFloat64(), rng.NormFloat64()
		}
		a, b := solveFrom(t, m, p1, 1e-4), solveFrom(t, m, p2, 1e-4)
		pa, pb := pick(t, m, a), pick(t, m, b)
		if trial%2 == 1 {
			// b as a decomposition returns it, without a basis: the extremes are solved on
			// restrictions of the model (restrict.go) and must give the same point.
			nb := *b
			nb.Basis = nil
			pb = pick(t, m, &nb)
		}
		scale := 1.0
		for _, x := range pa.X {
			scale = math.Max(scale, math.Abs(x))
		}
		for j := range pa.X {
			if math.Abs(pa.X[j]-pb.X[j]) > 1e-9*scale {
				t.Fatalf("trial %d: column %d: %g and %g (engine %g and %g)", trial, j, pa.X[j], pb.X[j], a.X[j], b.X[j])
			}
		}
		for i := range pa.RowDual {
			if pa.Determined[i] != pb.Determined[i] {
				t.Fatalf("trial %d: row %d determined in one pick only", trial, i)
			}
			if pa.Determined[i] && math.Abs(pa.RowDual[i]-pb.RowDual[i]) > 1e-9*100 {
				t.Fatalf("trial %d: row %d: dual %g and %g (engine %g and %g)", trial, i, pa.RowDual[i], pb.RowDual[i], a.RowDual[i], b.RowDual[i])
			}
		}
	}
}

// randomTransport returns a maximised transportation LP with supply steps, demand steps and arc
// capacities drawn from small sets of integers, so that ties and coinciding bounds are common.
func randomTransport(rng *rand.Rand) *lp.Model {
	ns, nd := 2+rng.IntN(3), 2+rng.IntN(3)
	m := &lp.Model{Sense: lp.Maximize}
	rows := make([]lp.Row, ns+nd)
	for i := range rows {
		rows[i].Name = fmt.Sprint("node", i)
	}
	for s := range ns { // two supply steps per source
		for k := range 2 {
			j := m.AddVar(lp.Var{Upper: float64(5 * (1 + rng.IntN(2))), Cost: -float64(1 + rng.IntN(3) + k)})
			rows[s].Index, rows[s].Coef = append(rows[s].Index, j), append(rows[s].Coef, -1)
		}
	}
	for d := range nd {
		for k := range 2 {
			j := m.AddVar(lp.Var{Upper: float64(5 * (1 + rng.IntN(2))), Cost: float64(8 + rng.IntN(3) - k)})
			r := &rows[ns+d]
			r.Index, r.Coef = append(r.Index, j), append(r.Coef, 1)
		}
	}
	var caps []lp.Row
	for s := range ns {
		for d := range nd {
			if rng.IntN(4) == 0 {
				continue
			}
			j := m.AddVar(lp.Var{Upper: lp.Inf, Cost: -float64(1 + rng.IntN(2))})
			rows[s].Index, rows[s].Coef = append(rows[s].Index, j), append(rows[s].Coef, 1)
			rows[ns+d].Index, rows[ns+d].Coef = append(rows[ns+d].Index, j), append(rows[ns+d].Coef, -1)
			if rng.IntN(2) == 0 {
				caps = append(caps, lp.Row{Index: []int{j}, Coef: []float64{1}, Lower: math.Inf(-1), Upper: float64(5 * (1 + rng.IntN(2)))})
			}
		}
	}
	m.Rows = append(rows, caps...)
	return m
}

// TestUnboundedFace: a free circulation (two opposite arcs of cost 0 and no capacity) makes the
// optimal face unbounded; the canonical point is its bounded extreme, with no flow going round.
func TestUnboundedFace(t *testing.T) {
	// supply at A (≤ 4, cost 1), arcs A→B and B→A (cost 0, no limit), demand at B (≤ 4, worth 3)
	m := &lp.Model{Sense: lp.Maximize, Vars: []lp.Var{{Upper: 4, Cost: -1}, {Upper: lp.Inf}, {Upper: lp.Inf}, {Upper: 4, Cost: 3}},
		Rows: []lp.Row{
			{Name: "A", Index: []int{0, 1, 2}, Coef: []float64{-1, 1, -1}},
			{Name: "B", Index: []int{1, 2, 3}, Coef: []float64{-1, 1, 1}},
		}}
	sol := solveFrom(t, m, []float64{0, 0, 0, 0}, 0)
	p, err := face.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	pt, err := p.Pick(t.Context(), m, sol)
	if err != nil {
		t.Fatal(err)
	}
	if pt.X[1] != 4 || pt.X[2] != 0 {
		t.Errorf("flows A→B %g, B→A %g; want 4 and 0", pt.X[1], pt.X[2])
	}
	if p.Stats().Unbounded != 1 {
		t.Errorf("Stats().Unbounded = %d, want 1", p.Stats().Unbounded)
	}
}

func TestPickRefusesNonOptimal(t *testing.T) {
	p, err := face.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Pick(t.Context(), &lp.Model{}, &lp.Solution{Status: lp.StatusInfeasible}); err != face.ErrNotOptimal {
		t.Errorf("Pick of an infeasible solution: err = %v, want ErrNotOptimal", err)
	}
}

// TestPriceBoundedByIdleSupplier: a price that may lie anywhere between the cost of the
// supplier in use (1) and that of an idle one (4) is 2.5. Given the optimum without a basis and
// with the price at 1, the idle supplier's column is not complementary to the dual given, so the
// first restriction of one directional LP is infeasible: the pick must box the duals and still
// find the middle of the interval.
func TestPriceBoundedByIdleSupplier(t *testing.T) {
	// max −s1 − 4·s2 s.t. A: −s1 − s2 + arc = 0, B: arc ≥ 5; s1 ≤ 5
	m := &lp.Model{Sense: lp.Maximize, Vars: []lp.Var{{Upper: 5, Cost: -1}, {Upper: lp.Inf, Cost: -4}, {Upper: lp.Inf}},
		Rows: []lp.Row{
			{Name: "A", Index: []int{0, 1, 2}, Coef: []float64{-1, -1, 1}},
			{Name: "B", Index: []int{2}, Coef: []float64{1}, Lower: 5, Upper: lp.Inf},
		}}
	for _, yA := range []float64{1, 4} {
		sol := &lp.Solution{Status: lp.StatusOptimal, Objective: -5, X: []float64{5, 0, 5}, RowActivity: []float64{0, 5},
			RowDual: []float64{yA, -yA}, ReducedCost: []float64{-1 + yA, -4 + yA, 0}}
		pt := pick(t, m, sol)
		if math.Abs(pt.RowDual[0]-2.5) > 1e-9 || math.Abs(pt.RowDual[1]+2.5) > 1e-9 {
			t.Errorf("given price %g: duals %v, want [2.5 -2.5]", yA, pt.RowDual)
		}
	}
}

// TestRoundingIsNotFlow: 10⁸ units go A→B direct at cost 1; the detour A→C→B (cost 2) is idle.
// An engine's warm re-solve may leave 2·10⁻⁹ circling on the detour beside the 10⁸ on the
// direct route: that is rounding, so the canonical point carries nothing there and C's balance
// is not determined (C has no economic price), whatever the engine left.
func TestRoundingIsNotFlow(t *testing.T) {
	// columns: supply at A (≤ 1e8, cost 1), direct A→B, A→C, C→B (cost 1 each), demand at B (≤ 1e8, worth 5)
	m := &lp.Model{Sense: lp.Maximize,
		Vars: []lp.Var{{Name: "s", Upper: 1e8, Cost: -1}, {Name: "ab", Upper: math.Inf(1), Cost: -1}, {Name: "ac", Upper: math.Inf(1), Cost: -1},
			{Name: "cb", Upper: math.Inf(1), Cost: -1}, {Name: "d", Upper: 1e8, Cost: 5}},
		Rows: []lp.Row{
			{Name: "balA", Index: []int{0, 1, 2}, Coef: []float64{-1, 1, 1}},
			{Name: "balB", Index: []int{1, 3, 4}, Coef: []float64{-1, -1, 1}},
			{Name: "balC", Index: []int{2, 3}, Coef: []float64{-1, 1}},
		}}
	sol := solveFrom(t, m, make([]float64, 5), 0)
	if sol.X[1] != 1e8 || sol.X[2] != 0 {
		t.Fatalf("engine's optimum %v, want 1e8 direct", sol.X)
	}
	noisy := *sol
	noisy.X = append([]float64(nil), sol.X...)
	noisy.X[2], noisy.X[3] = 2e-9, 2e-9
	noisy.RowActivity = append([]float64(nil), sol.RowActivity...)
	pt := pick(t, m, &noisy)
	if pt.X[2] != 0 || pt.X[3] != 0 || pt.Determined[2] {
		t.Errorf("detour flows %g, %g, C determined %v: want 0, 0, false", pt.X[2], pt.X[3], pt.Determined[2])
	}
	if pt.X[1] != 1e8 {
		t.Errorf("direct flow %g, want 1e8", pt.X[1])
	}
}
