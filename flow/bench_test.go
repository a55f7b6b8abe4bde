package flow_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/scenario"
)

// defaultState is the built-in network under the status-quo scenario in its initial regime.
func defaultState(b *testing.B) (*scenario.Scenario, *scenario.State) {
	b.Helper()
	fsys := dataset.Default()
	n, _, err := dataset.Load(b.Context(), fsys)
	if err != nil {
		b.Fatal(err)
	}
	sc, err := scenario.Load(fsys, "scenarios/x1-status-quo.yaml")
	if err != nil {
		b.Fatal(err)
	}
	st, _, err := scenario.Apply(n, sc, scenario.Options{Year: n.Meta.BaseYear + 10})
	if err != nil {
		b.Fatal(err)
	}
	return sc, st
}

// BenchmarkDefaultNetwork measures one state of the built-in network: the build alone; build +
// solve + extract from scratch ("cold"), the LP whole or decomposed (lp/dw); and a warm re-solve
// after a change of the LNG import price ("warm"), with HiGHS and with the pure-Go simplex
// (lp/simplex; cold from the slack basis, no fallback).
func BenchmarkDefaultNetwork(b *testing.B) {
	sc, st := defaultState(b)
	engines := []struct {
		name string
		new  func(testing.TB) lp.Incremental
	}{
		{"highs", func(tb testing.TB) lp.Incremental { return engine(tb) }},
		{"simplex", func(testing.TB) lp.Incremental { return simplex.New(simplex.Config{}) }},
	}
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := flow.Build(st, flow.Options{Rules: sc.Rules}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, e := range engines {
		for _, method := range []flow.Method{flow.MethodWhole, flow.MethodDecompose} {
			b.Run(fmt.Sprintf("cold/method=%s/engine=%s", method, e.name), func(b *testing.B) {
				eng := e.new(b)
				b.ReportAllocs()
				for b.Loop() {
					p, err := flow.Build(st, flow.Options{Rules: sc.Rules, Method: method})
					if err != nil {
						b.Fatal(err)
					}
					res, err := p.Solve(b.Context(), eng)
					if err != nil {
						b.Fatal(err)
					}
					if res.Decomposed != (method == flow.MethodDecompose) {
						b.Fatalf("decomposed = %v", res.Decomposed)
					}
				}
			})
		}
		b.Run("warm/engine="+e.name, func(b *testing.B) {
			eng := e.new(b)
			p, err := flow.Build(st, flow.Options{Rules: sc.Rules})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := p.Solve(b.Context(), eng); err != nil {
				b.Fatal(err)
			}
			// two states that differ in the LNG import price (±5 %), alternated
			var states [2]*scenario.State
			for i, f := range []float64{0.95, 1.05} {
				c := st.Net.Clone()
				for k := range c.Markets {
					if m := &c.Markets[k]; m.Commodity == "gas" && m.Kind == "backstop" {
						m.Steps[0].Price.Value *= f
					}
				}
				s := *st
				s.Net = c
				states[i] = &s
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := p.Update(b.Context(), states[i%2], eng); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkGenerated solves synthetic networks of growing size (testnet.Generated: about three
// links per node, ten commodities) from scratch: build + solve + extract. The whole LP goes to
// HiGHS or to the pure-Go simplex; the decomposition (package lp/dw) solves its master LPs with
// the same engines. The largest size is #4's target, which only the decomposition reaches; it
// runs only with CORRIDOR_BENCH_LARGE=1, because the canonical optimum of a decomposed solution
// (lp/face, solved without an optimal basis to start from) takes far longer than the
// decomposition at that size (docs/benchmarks.md).
func BenchmarkGenerated(b *testing.B) {
	engines := []struct {
		name string
		new  func(testing.TB) lp.Engine
	}{
		{"highs", func(tb testing.TB) lp.Engine { return engine(tb) }},
		{"simplex", func(testing.TB) lp.Engine { return simplex.New(simplex.Config{}) }},
	}
	sizes := []int{100, 1_000}
	if os.Getenv("CORRIDOR_BENCH_LARGE") == "1" {
		sizes = append(sizes, 10_000)
	}
	for _, nodes := range sizes {
		n := testnet.Generated(nodes, 10, 1)
		st := testnet.State(n, nil)
		for _, method := range []flow.Method{flow.MethodWhole, flow.MethodDecompose} {
			if method == flow.MethodWhole && nodes > 100 {
				continue // minutes per solve (docs/benchmarks.md)
			}
			for _, e := range engines {
				name := fmt.Sprintf("nodes=%d/links=%d/method=%s/engine=%s", len(n.Nodes), len(n.Links), method, e.name)
				b.Run(name, func(b *testing.B) {
					eng := e.new(b)
					for b.Loop() {
						p, err := flow.Build(st, flow.Options{Method: method})
						if err != nil {
							b.Fatal(err)
						}
						if _, err := p.Solve(b.Context(), eng); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
