package simplex_test

import (
	"compress/gzip"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
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
	m := readGzipMPS(t, "testdata/face-flip.mps.gz")
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
	warmAgreesWithCold(t, e, &flipped)
}

// warmAgreesWithCold re-solves e warm and wants the optimum a cold solve of m finds.
func warmAgreesWithCold(t *testing.T, e *simplex.Engine, m *lp.Model) {
	t.Helper()
	warm, err := e.Resolve(t.Context(), lp.Options{})
	if err != nil || warm.Status != lp.StatusOptimal {
		t.Fatalf("warm re-solve: %v, %v; want optimal", warm.Status, err)
	}
	cold, err := simplex.New(simplex.Config{}).Solve(t.Context(), m, lp.Options{})
	if err != nil || cold.Status != lp.StatusOptimal {
		t.Fatalf("cold solve: %v, %v", cold.Status, err)
	}
	if d := math.Abs(warm.Objective - cold.Objective); d > 1e-7*math.Max(1, math.Abs(cold.Objective)) {
		t.Errorf("warm objective %.12g, cold %.12g", warm.Objective, cold.Objective)
	}
}

// TestBoundFlipsThatClearTheViolationExactly re-solves a coalition LP of the network game
// (testdata/bfrt-exact.mps.gz: the built-in network with some countries closed) from the basis of
// the state before the closure (testdata/bfrt-exact.basis.gz). A flow now fixed at 0 is basic at
// 1,496,537 t; two boxed supply steps at their upper bounds, 621,206 and 127,062 with pivot-row
// entries −2, are the only ways to bring it down, and flipping both clears it exactly. Rounding
// left 1e-10 of violation after the second flip, and the bound-flipping ratio test called the LP
// infeasible; it must enter the last breakpoint instead.
func TestBoundFlipsThatClearTheViolationExactly(t *testing.T) {
	m := readGzipMPS(t, "testdata/bfrt-exact.mps.gz")
	b := readBasis(t, "testdata/bfrt-exact.basis.gz")
	e := simplex.New(simplex.Config{})
	if err := e.Load(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if err := e.SetBasis(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	warmAgreesWithCold(t, e, m)
}

func readGzipMPS(t *testing.T, name string) *lp.Model {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := lp.ReadMPS(z, name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readBasis reads a basis written as two lines of lp.BasisStatus codes: the columns', the rows'.
func readBasis(t *testing.T, name string) *lp.Basis {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%s: %d lines, want 2", name, len(lines))
	}
	parse := func(s string) []lp.BasisStatus {
		var out []lp.BasisStatus
		for _, w := range strings.Fields(s) {
			v, err := strconv.Atoi(w)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, lp.BasisStatus(v))
		}
		return out
	}
	return &lp.Basis{Cols: parse(lines[0]), Rows: parse(lines[1])}
}
