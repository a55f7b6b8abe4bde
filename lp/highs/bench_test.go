package highs

import (
	"context"
	"testing"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// benchModel is the benchmark LP: 20 commodities on 40 nodes and 250 arcs,
// 1,050 rows × 5,020 columns, about 20,000 nonzeros.
func benchModel() *lp.Model { return mcf(20, 40, 250, 1) }

// BenchmarkColdSolve solves the benchmark LP from scratch: copy-in, presolve, simplex, copy-out.
func BenchmarkColdSolve(b *testing.B) {
	e := newTestEngine(b)
	m := benchModel()
	ctx := context.Background()
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		s, err := e.Solve(ctx, m, lp.Options{})
		if err != nil || s.Status != lp.StatusOptimal {
			b.Fatal(s, err)
		}
		iters += s.Iterations
	}
	b.ReportMetric(float64(iters)/float64(b.N), "simplex-iters/op")
}

// BenchmarkColdSolvePresolveOff is BenchmarkColdSolve with Config.Presolve "off".
func BenchmarkColdSolvePresolveOff(b *testing.B) {
	ctx := context.Background()
	testRuntime(b) // warm the cache
	r, err := NewRuntime(ctx, Config{Presolve: "off"})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close(ctx)
	e, err := r.NewEngine()
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	m := benchModel()
	b.ReportAllocs()
	for b.Loop() {
		if s, err := e.Solve(ctx, m, lp.Options{}); err != nil || s.Status != lp.StatusOptimal {
			b.Fatal(s, err)
		}
	}
}

// BenchmarkWarmResolve changes 10% of the costs and re-solves from the previous basis; the
// iterations alternate between the perturbed and the original costs so that every one moves.
func BenchmarkWarmResolve(b *testing.B) {
	warmResolve(b, newTestEngine(b))
}

// BenchmarkWarmResolveSimplex is BenchmarkWarmResolve with the pure-Go simplex (lp/simplex) in
// front of a HiGHS engine, as corridor assess runs it: HiGHS solves cold, the simplex re-solves.
func BenchmarkWarmResolveSimplex(b *testing.B) {
	warmResolve(b, simplex.New(simplex.Config{Fallback: newTestEngine(b)}))
}

func warmResolve(b *testing.B, e lp.Incremental) {
	m := benchModel()
	ctx := context.Background()
	if _, err := e.Solve(ctx, m, lp.Options{}); err != nil {
		b.Fatal(err)
	}
	idx, pert := perturbCosts(m, 1)
	orig := make([]float64, len(idx))
	for k, j := range idx {
		orig[k] = m.Vars[j].Cost
	}
	costs := [2][]float64{pert, orig}
	b.ReportAllocs()
	iters, i := 0, 0
	for b.Loop() {
		if err := e.SetCosts(idx, costs[i%2]); err != nil {
			b.Fatal(err)
		}
		s, err := e.Resolve(ctx, lp.Options{})
		if err != nil || s.Status != lp.StatusOptimal {
			b.Fatal(s, err)
		}
		iters += s.Iterations
		i++
	}
	b.ReportMetric(float64(iters)/float64(b.N), "simplex-iters/op")
}

// BenchmarkFirstSolve measures what a new process pays before its first answer with a warm
// compilation cache: NewRuntime (cache load and self-check), NewEngine and one small solve.
func BenchmarkFirstSolve(b *testing.B) {
	ctx := context.Background()
	testRuntime(b) // make sure the default cache is warm
	m := handLPs()[0].m
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewRuntime(ctx, Config{})
		if err != nil {
			b.Fatal(err)
		}
		e, err := r.NewEngine()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Solve(ctx, m, lp.Options{}); err != nil {
			b.Fatal(err)
		}
		_ = e.Close()
		_ = r.Close(ctx)
	}
}
