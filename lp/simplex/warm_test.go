package simplex_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/lp/lptest"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// TestWarmAgainstHiGHS re-solves netlib problems warm after random changes of costs, column
// bounds and row bounds, and checks every answer against a cold HiGHS solve of the same model:
// status, and objective within lptest.TolNetlib. Every other round first sets the basic set the
// engine is already at (the case in which SetBasis keeps the factorisation), every fourth with
// its boxed nonbasic columns moved to their other bound.
func TestWarmAgainstHiGHS(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles HiGHS")
	}
	rt, err := highs.NewRuntime(context.Background(), highs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(context.Background()) })
	oracle, err := rt.NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	defer oracle.Close()
	fsys := os.DirFS(netlibDir)
	probs, err := lptest.NetlibProblems(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		t.Run(p.Name, func(t *testing.T) {
			m, err := lptest.ReadNetlib(fsys, p)
			if err != nil {
				t.Fatal(err)
			}
			eng := simplex.New(simplex.Config{})
			if err := eng.Load(t.Context(), m); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(7, uint64(len(m.Rows))))
			warmIters := 0
			var prev *lp.Basis
			for round := range 8 {
				if round > 0 {
					perturb(t, eng, m, rng)
				}
				if round%2 == 0 && prev != nil {
					// the basic set the engine is at, so SetBasis keeps its factors; every
					// fourth round with the nonbasic boxed columns moved to their other bound
					if round%4 == 0 {
						flipBoxed(m, prev)
					}
					if err := eng.SetBasis(t.Context(), prev); err != nil {
						t.Fatal(err)
					}
				}
				got, err := eng.Resolve(t.Context(), lp.Options{})
				if err != nil {
					t.Fatalf("round %d: Resolve = %v", round, err)
				}
				want, err := oracle.Solve(t.Context(), m, lp.Options{})
				if err != nil {
					t.Fatalf("round %d: HiGHS = %v", round, err)
				}
				if got.Status != want.Status {
					t.Fatalf("round %d: status %v, HiGHS says %v", round, got.Status, want.Status)
				}
				if want.Status == lp.StatusOptimal {
					if rel := math.Abs(got.Objective-want.Objective) / math.Max(1, math.Abs(want.Objective)); rel > lptest.TolNetlib {
						t.Errorf("round %d: objective %.10g, HiGHS %.10g (relative error %.2g)", round, got.Objective, want.Objective, rel)
					}
				}
				if round > 0 {
					warmIters += got.Iterations
				}
				prev = got.Basis
			}
			t.Logf("%d rows: %d iterations in 7 warm re-solves", len(m.Rows), warmIters)
		})
	}
}

// perturb changes 10 % of the costs by up to ±10 % and 10 % of the finite row and column bounds by
// up to ±5 %, in m and in eng alike.
func perturb(t *testing.T, eng *simplex.Engine, m *lp.Model, rng *rand.Rand) {
	t.Helper()
	var ci, bi, ri []int
	var cv, blo, bhi, rlo, rhi []float64
	f := func(v, span float64) float64 {
		if math.IsInf(v, 0) || v == 0 {
			return v
		}
		return v * (1 + span*(2*rng.Float64()-1))
	}
	for j := range m.Vars {
		v := &m.Vars[j]
		if rng.Float64() < 0.1 {
			v.Cost = f(v.Cost, 0.1)
			ci, cv = append(ci, j), append(cv, v.Cost)
		}
		if rng.Float64() < 0.1 && v.Lower < v.Upper {
			lo, hi := f(v.Lower, 0.05), f(v.Upper, 0.05)
			if lo <= hi {
				v.Lower, v.Upper = lo, hi
				bi, blo, bhi = append(bi, j), append(blo, lo), append(bhi, hi)
			}
		}
	}
	for i := range m.Rows {
		r := &m.Rows[i]
		if rng.Float64() < 0.1 {
			lo, hi := f(r.Lower, 0.05), f(r.Upper, 0.05)
			if r.Lower == r.Upper {
				hi = lo
			}
			if lo <= hi {
				r.Lower, r.Upper = lo, hi
				ri, rlo, rhi = append(ri, i), append(rlo, lo), append(rhi, hi)
			}
		}
	}
	for _, err := range []error{eng.SetCosts(ci, cv), eng.SetColBounds(bi, blo, bhi), eng.SetRowBounds(ri, rlo, rhi)} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// flipBoxed moves every nonbasic column of b with two finite bounds to its other bound.
func flipBoxed(m *lp.Model, b *lp.Basis) {
	for j, st := range b.Cols {
		v := m.Vars[j]
		if math.IsInf(v.Lower, 0) || math.IsInf(v.Upper, 0) || v.Lower == v.Upper {
			continue
		}
		switch st {
		case lp.BasisLower:
			b.Cols[j] = lp.BasisUpper
		case lp.BasisUpper:
			b.Cols[j] = lp.BasisLower
		}
	}
}
