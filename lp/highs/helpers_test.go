package highs

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/corridor-dev/corridor/lp"
)

// shared is the one Runtime per test binary: compiling is the slow part (about 3–5 s cold,
// 0.2 s from the cache), so tests and benchmarks share it.
var shared struct {
	once sync.Once
	r    *Runtime
	err  error
}

func testRuntime(tb testing.TB) *Runtime {
	tb.Helper()
	shared.once.Do(func() { shared.r, shared.err = NewRuntime(context.Background(), Config{}) })
	if shared.err != nil {
		tb.Fatalf("NewRuntime: %v", shared.err)
	}
	return shared.r
}

// newTestEngine returns an Engine on the shared Runtime, closed at the end of the test.
func newTestEngine(tb testing.TB) *Engine {
	tb.Helper()
	e, err := testRuntime(tb).NewEngine()
	if err != nil {
		tb.Fatalf("NewEngine: %v", err)
	}
	tb.Cleanup(func() { _ = e.Close() })
	return e
}

// mcf generates a multi-commodity-flow-like LP deterministically from seed: k commodities on a
// graph of n nodes (a bidirectional ring plus random arcs, arcs in all), each routing a demand
// from a source to a sink at arc cost, under shared arc capacities. An unmet-demand column per
// commodity at a high price keeps every instance feasible. Rows: k·n conservation equalities
// plus one capacity row per arc; columns: k·arcs flows plus k unmet-demand columns.
// mcf(20, 40, 250, seed) gives 1,050 rows × 5,020 columns.
func mcf(k, n, arcs int, seed uint64) *lp.Model {
	rng := rand.New(rand.NewPCG(seed, 1))
	type arc struct{ from, to int }
	as := make([]arc, 0, arcs)
	for i := range n {
		as = append(as, arc{i, (i + 1) % n}, arc{(i + 1) % n, i})
	}
	for len(as) < arcs {
		a, b := rng.IntN(n), rng.IntN(n)
		if a != b {
			as = append(as, arc{a, b})
		}
	}
	cost := make([]float64, len(as))
	capa := make([]float64, len(as))
	for e := range as {
		cost[e] = 1 + float64(rng.IntN(10))
		capa[e] = 20 + float64(rng.IntN(60))
	}
	m := &lp.Model{Name: fmt.Sprintf("mcf-%d-%d-%d-%d", k, n, arcs, seed)}
	flow := make([][]int, k)
	for c := range k {
		flow[c] = make([]int, len(as))
		for e := range as {
			flow[c][e] = m.AddVar(lp.Var{Upper: lp.Inf, Cost: cost[e] * (1 + 0.1*float64(c%3))})
		}
	}
	for c := range k {
		src, dst := rng.IntN(n), rng.IntN(n)
		for dst == src {
			dst = rng.IntN(n)
		}
		demand := 5 + float64(rng.IntN(16))
		unmet := m.AddVar(lp.Var{Upper: lp.Inf, Cost: 1000})
		for v := range n {
			var idx []int
			var coef []float64
			for e, a := range as {
				if a.from == v {
					idx, coef = append(idx, flow[c][e]), append(coef, 1)
				}
				if a.to == v {
					idx, coef = append(idx, flow[c][e]), append(coef, -1)
				}
			}
			rhs := 0.0
			switch v {
			case src:
				rhs = demand
				idx, coef = append(idx, unmet), append(coef, 1)
			case dst:
				rhs = -demand
				idx, coef = append(idx, unmet), append(coef, -1)
			}
			m.AddRow(lp.Row{Index: idx, Coef: coef, Lower: rhs, Upper: rhs})
		}
	}
	for e := range as {
		idx := make([]int, k)
		coef := make([]float64, k)
		for c := range k {
			idx[c], coef[c] = flow[c][e], 1
		}
		m.AddRow(lp.Row{Index: idx, Coef: coef, Lower: -lp.Inf, Upper: capa[e]})
	}
	return m
}

// perturbCosts returns the indices and new costs of a deterministic 10% of m's columns, each
// scaled by a factor in [0.5, 1.5).
func perturbCosts(m *lp.Model, seed uint64) ([]int, []float64) {
	rng := rand.New(rand.NewPCG(seed, 2))
	var idx []int
	var cost []float64
	for j, v := range m.Vars {
		if rng.IntN(10) == 0 {
			idx = append(idx, j)
			cost = append(cost, v.Cost*(0.5+rng.Float64()))
		}
	}
	return idx, cost
}

// writeMPS writes m in free MPS format (for the scipy peer comparison).
func writeMPS(path string, m *lp.Model) error {
	var b strings.Builder
	fmt.Fprintf(&b, "NAME %s\nOBJSENSE\n    %s\nROWS\n N obj\n", m.Name, map[lp.Sense]string{lp.Minimize: "MIN", lp.Maximize: "MAX"}[m.Sense])
	for i, r := range m.Rows {
		t := "E"
		switch {
		case r.Lower == r.Upper:
		case math.IsInf(r.Lower, -1):
			t = "L"
		default:
			t = "G"
		}
		fmt.Fprintf(&b, " %s R%d\n", t, i)
	}
	cols := make([][]string, len(m.Vars))
	for i, r := range m.Rows {
		for k, j := range r.Index {
			cols[j] = append(cols[j], fmt.Sprintf("    C%d R%d %.17g\n", j, i, r.Coef[k]))
		}
	}
	b.WriteString("COLUMNS\n")
	for j, v := range m.Vars {
		fmt.Fprintf(&b, "    C%d obj %.17g\n", j, v.Cost)
		for _, l := range cols[j] {
			b.WriteString(l)
		}
	}
	b.WriteString("RHS\n")
	for i, r := range m.Rows {
		rhs := r.Upper // E and L rows
		if r.Lower != r.Upper && !math.IsInf(r.Lower, -1) {
			rhs = r.Lower // G rows, including ranges written as G with RANGES
		}
		fmt.Fprintf(&b, "    RHS R%d %.17g\n", i, rhs)
	}
	b.WriteString("RANGES\n")
	for i, r := range m.Rows {
		if r.Lower != r.Upper && !math.IsInf(r.Lower, -1) && !math.IsInf(r.Upper, 1) {
			fmt.Fprintf(&b, "    RNG R%d %.17g\n", i, r.Upper-r.Lower)
		}
	}
	b.WriteString("BOUNDS\n")
	for j, v := range m.Vars {
		switch {
		case math.IsInf(v.Lower, -1) && math.IsInf(v.Upper, 1):
			fmt.Fprintf(&b, " FR BND C%d\n", j)
		default:
			if v.Lower != 0 {
				fmt.Fprintf(&b, " LO BND C%d %.17g\n", j, v.Lower)
			}
			if !math.IsInf(v.Upper, 1) {
				fmt.Fprintf(&b, " UP BND C%d %.17g\n", j, v.Upper)
			}
		}
	}
	b.WriteString("ENDATA\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// TestWriteBenchMPS writes the benchmark LP to $CORRIDOR_BENCH_MPS (skipped when unset), for
// scripts/bench_scipy_highs.py.
func TestWriteBenchMPS(t *testing.T) {
	path := os.Getenv("CORRIDOR_BENCH_MPS")
	if path == "" {
		t.Skip("CORRIDOR_BENCH_MPS not set")
	}
	if err := writeMPS(path, mcf(20, 40, 250, 1)); err != nil {
		t.Fatal(err)
	}
}
