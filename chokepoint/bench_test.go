package chokepoint_test

import (
	"testing"

	"github.com/corridor-dev/corridor/chokepoint"
	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/scenario"
)

// defaultState is the built-in data's headline scenario in its initial regime in the reference
// year (base year + 10), no candidate project built.
func defaultState(b testing.TB) *scenario.State {
	b.Helper()
	fsys := dataset.Default()
	n, _, err := dataset.Load(b.Context(), fsys)
	if err != nil {
		b.Fatal(err)
	}
	bi, err := pipeline.LoadBuiltins(fsys)
	if err != nil {
		b.Fatal(err)
	}
	sc, err := bi.Headline(n.Study.HeadlineScenario)
	if err != nil {
		b.Fatal(err)
	}
	st, _, err := scenario.Apply(n, sc, scenario.Options{Year: n.Meta.BaseYear + 10})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkChokepointsDefault ranks every single link and pair of links of the built-in data's
// headline scenario by the loss of total surplus (k = 1 and 2, pruned), on one pure-Go simplex.
func BenchmarkChokepointsDefault(b *testing.B) {
	st := defaultState(b)
	b.ReportAllocs()
	for b.Loop() {
		res, err := chokepoint.Evaluate(b.Context(), chokepoint.Input{State: st, K: 2,
			NewEngine: func() (lp.Incremental, error) { return simplex.New(simplex.Config{}), nil }})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Solves), "solves/op")
	}
}

// BenchmarkChokepointsK3 ranks the sets of k ≤ 3 links of the built-in data's headline scenario
// (the top 5 of each k) by enumeration (two workers, pure-Go simplex) and by interdiction MIPs
// (HiGHS), side by side: go test ./chokepoint -run '^$' -bench K3 -benchtime 1x. The brute force
// (every set solved, no pruning) is its own: -bench Brute.
func BenchmarkChokepointsK3(b *testing.B) {
	benchmarkK3(b, chokepoint.MethodEnumerate, chokepoint.MethodMIP)
}

// BenchmarkChokepointsBrute is BenchmarkChokepointsK3's enumeration without pruning: all
// 98,855 sets solved (for their optimal values only), about a minute on two cores.
func BenchmarkChokepointsBrute(b *testing.B) {
	benchmarkK3(b, "brute")
}

func benchmarkK3(b *testing.B, methods ...string) {
	st := defaultState(b)
	for _, method := range methods {
		b.Run(method, func(b *testing.B) {
			for b.Loop() {
				in := chokepoint.Input{State: st, K: 3, Method: method, Workers: 2,
					NewEngine:    func() (lp.Incremental, error) { return simplex.New(simplex.Config{}), nil },
					NewMIPEngine: newMIPEngine}
				if method == "brute" {
					in.Method, in.NoPrune = chokepoint.MethodEnumerate, true
				}
				res, err := chokepoint.Evaluate(b.Context(), in)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Solves), "solves/op")
				mips := 0
				if method == chokepoint.MethodMIP {
					for _, lv := range res.Levels {
						mips += lv.Solved
					}
				}
				b.ReportMetric(float64(mips), "mips/op")
			}
		})
	}
}
