package highs_test

import (
	"context"
	"os"
	"testing"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/lp/lptest"
)

// netlibDir is the netlib subset shipped with the repository (testdata/netlib/README.md).
const netlibDir = "../../testdata/netlib"

// sharedRuntime compiles the HiGHS module once for a test or benchmark and closes it at the end.
func sharedRuntime(tb testing.TB) *highs.Runtime {
	tb.Helper()
	rt, err := highs.NewRuntime(context.Background(), highs.Config{})
	if err != nil {
		tb.Fatalf("highs.NewRuntime = %v", err)
	}
	tb.Logf("HiGHS %s, wazero mode %s", rt.Version(), rt.Mode())
	tb.Cleanup(func() {
		if err := rt.Close(context.Background()); err != nil {
			tb.Errorf("Runtime.Close = %v", err)
		}
	})
	return rt
}

func engineFrom(tb testing.TB, rt *highs.Runtime) lp.Engine {
	tb.Helper()
	e, err := rt.NewEngine()
	if err != nil {
		tb.Fatalf("Runtime.NewEngine = %v", err)
	}
	return e
}

// TestLPTestConformance runs the suite every lp.Engine passes (lp/lptest).
func TestLPTestConformance(t *testing.T) {
	rt := sharedRuntime(t)
	lptest.RunTests(t, func(t *testing.T) lp.Engine { return engineFrom(t, rt) })
}

// TestLPTestWarm checks warm re-solves after changes of costs and bounds against gonum.
func TestLPTestWarm(t *testing.T) {
	rt := sharedRuntime(t)
	lptest.RunWarm(t, func(t *testing.T) lp.Incremental {
		e, err := rt.NewEngine()
		if err != nil {
			t.Fatal(err)
		}
		return e
	})
}

// TestLPTestNetlib solves the netlib subset in testdata and compares with the published optima.
func TestLPTestNetlib(t *testing.T) {
	rt := sharedRuntime(t)
	lptest.RunNetlib(t, os.DirFS(netlibDir), func(t *testing.T) lp.Engine { return engineFrom(t, rt) })
}

// TestLPTestNew checks the one-engine constructor the command line uses.
func TestLPTestNew(t *testing.T) {
	e, err := highs.New(t.Context())
	if err != nil {
		t.Fatalf("highs.New = %v", err)
	}
	defer e.Close()
	c := lptest.LPCases()[0]
	sol, err := e.Solve(t.Context(), c.Model(), lp.Options{})
	if err != nil || sol.Status != lp.StatusOptimal || sol.Objective != c.Objective {
		t.Errorf("Solve(%s) = %+v, %v; want objective %g", c.Name, sol, err, c.Objective)
	}
}

// BenchmarkNetlibCold times a cold solve of each netlib problem in testdata:
//
//	go test ./lp/highs -run '^$' -bench BenchmarkNetlibCold -count 5
func BenchmarkNetlibCold(b *testing.B) {
	rt := sharedRuntime(b)
	lptest.RunBenchmarks(b, os.DirFS(netlibDir), func(b *testing.B) lp.Engine { return engineFrom(b, rt) })
}

// BenchmarkNetlibColdPresolveOff is BenchmarkNetlibCold with HiGHS's presolve off: HiGHS 1.15's
// presolve spends much of a small problem's solve in its dependent-equations search.
//
//	go test ./lp/highs -run '^$' -bench BenchmarkNetlibColdPresolveOff -count 5
func BenchmarkNetlibColdPresolveOff(b *testing.B) {
	rt, err := highs.NewRuntime(context.Background(), highs.Config{Presolve: "off"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rt.Close(context.Background()) })
	lptest.RunBenchmarks(b, os.DirFS(netlibDir), func(b *testing.B) lp.Engine { return engineFrom(b, rt) })
}
