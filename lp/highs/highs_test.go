package highs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/corridor-dev/corridor/lp"
	highswasm "github.com/corridor-dev/corridor/third_party/highs"
	"github.com/tetratelabs/wazero"
)

// tol is the absolute tolerance for objective and primal values of the hand-derived LPs, whose
// optima are exact small rationals; HiGHS's default feasibility tolerance is 1e-7.
const tol = 1e-7

var inf = math.Inf(1)

// TestNameMapMatchesWasm fails loudly when third_party/highs/highs.wasm and exports_gen.go come
// from different releases: run third_party/highs/refresh.sh (or go generate ./lp/highs).
func TestNameMapMatchesWasm(t *testing.T) {
	bin := highswasm.Wasm()
	sum := sha256.Sum256(bin)
	if got := hex.EncodeToString(sum[:]); got != wasmSHA256 {
		t.Fatalf("highs.wasm sha256 %s, name map generated for %s: run go generate ./lp/highs", got, wasmSHA256)
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	cm, err := rt.CompileModule(ctx, bin) // the interpreter compiles in well under a second
	if err != nil {
		t.Fatal(err)
	}
	if err := checkExports(cm); err != nil {
		t.Fatalf("name map does not match the wasm: %v", err)
	}
	if f := cm.ExportedFunctions()[exportName("Highs_lpCall")]; len(f.ParamTypes()) != 21 {
		t.Errorf("Highs_lpCall has %d params, want 21", len(f.ParamTypes()))
	}
	hosts := map[string]hostFunc{}
	for _, h := range hostFuncs(nil, time.Now()) {
		hosts[importName(h.name)] = h
	}
	imps := cm.ImportedFunctions()
	if len(imps) != numImports || len(hosts) != numImports {
		t.Errorf("wasm imports %d functions, name map has %d, host implements %d", len(imps), numImports, len(hosts))
	}
	for _, f := range imps {
		mod, name, _ := f.Import()
		h, ok := hosts[name]
		if mod != "a" || !ok {
			t.Errorf("import %s.%s has no host function", mod, name)
			continue
		}
		if sigString(f.ParamTypes()) != sigString(h.params) || sigString(f.ResultTypes()) != sigString(h.results) {
			t.Errorf("import %s (%s): wasm wants (%s)->(%s), host has (%s)->(%s)", name, h.name,
				sigString(f.ParamTypes()), sigString(f.ResultTypes()), sigString(h.params), sigString(h.results))
		}
	}
}

func TestHiGHSVersion(t *testing.T) {
	r := testRuntime(t)
	if r.Version() != "1.15.1" {
		t.Errorf("HiGHS version %q, want 1.15.1 (update third_party/highs/VERSION and README)", r.Version())
	}
	t.Logf("HiGHS %s, %s", r.Version(), r.Mode())
}

func row(idx []int, coef []float64, lo, hi float64) lp.Row {
	return lp.Row{Index: idx, Coef: coef, Lower: lo, Upper: hi}
}

func nonneg(cost ...float64) []lp.Var {
	vs := make([]lp.Var, len(cost))
	for j, c := range cost {
		vs[j] = lp.Var{Upper: inf, Cost: c}
	}
	return vs
}

// handLPs are small LPs whose optima are derived by hand in the comments.
func handLPs() []struct {
	name   string
	m      *lp.Model
	status lp.Status
	obj    float64
	x      []float64 // nil: not unique or not checked
} {
	return []struct {
		name   string
		m      *lp.Model
		status lp.Status
		obj    float64
		x      []float64
	}{
		// Vertices (0,4)→12, (3,1)→9, (6,0)→12.
		{"two-var min", &lp.Model{Vars: nonneg(2, 3), Rows: []lp.Row{
			row([]int{0, 1}, []float64{1, 1}, 4, inf), row([]int{0, 1}, []float64{1, 3}, 6, inf)}},
			lp.StatusOptimal, 9, []float64{3, 1}},
		// Three constraints meet at (1,1): a degenerate vertex.
		{"degenerate", &lp.Model{Sense: lp.Maximize, Vars: nonneg(1, 1), Rows: []lp.Row{
			row([]int{0}, []float64{1}, -inf, 1), row([]int{1}, []float64{1}, -inf, 1),
			row([]int{0, 1}, []float64{1, 1}, -inf, 2)}},
			lp.StatusOptimal, 2, []float64{1, 1}},
		{"infeasible", &lp.Model{Vars: nonneg(1, 1), Rows: []lp.Row{
			row([]int{0, 1}, []float64{1, 1}, -inf, 1), row([]int{0, 1}, []float64{1, 1}, 2, inf)}},
			lp.StatusInfeasible, 0, nil},
		{"unbounded", &lp.Model{Sense: lp.Maximize, Vars: nonneg(1, 0), Rows: []lp.Row{
			row([]int{0, 1}, []float64{1, -1}, -inf, 1)}},
			lp.StatusUnbounded, 0, nil},
		// x + y ≥ -3 binds and x − y = 1, so (x, y) = (-1, -2).
		{"free variables", &lp.Model{Vars: []lp.Var{{Lower: -inf, Upper: inf, Cost: 1}, {Lower: -inf, Upper: inf, Cost: 1}},
			Rows: []lp.Row{row([]int{0, 1}, []float64{1, 1}, -3, inf), row([]int{0, 1}, []float64{1, -1}, 1, 1)}},
			lp.StatusOptimal, -3, []float64{-1, -2}},
		// x = y + 0.5 and 2 ≤ 3y + 0.5 ≤ 5, so y ≥ 0.5; cost 2y + 0.5 is least at y = 0.5.
		{"equality and range rows", &lp.Model{Vars: nonneg(1, 1), Rows: []lp.Row{
			row([]int{0, 1}, []float64{1, 2}, 2, 5), row([]int{0, 1}, []float64{1, -1}, 0.5, 0.5)}},
			lp.StatusOptimal, 1.5, []float64{1, 0.5}},
		// Vertices (4,0)→12, (3,1)→11, (0,2)→4.
		{"max sense", &lp.Model{Sense: lp.Maximize, Vars: nonneg(3, 2), Rows: []lp.Row{
			row([]int{0, 1}, []float64{1, 1}, -inf, 4), row([]int{0, 1}, []float64{1, 3}, -inf, 6)}},
			lp.StatusOptimal, 12, []float64{4, 0}},
		// The same with an objective constant of 10 and a duplicated entry: x + x + y ≤ 4 means 2x + y ≤ 4.
		{"offset and duplicate entry", &lp.Model{Sense: lp.Maximize, Offset: 10, Vars: nonneg(3, 2), Rows: []lp.Row{
			row([]int{0, 0, 1}, []float64{1, 1, 1}, -inf, 4), row([]int{0, 1}, []float64{1, 3}, -inf, 6)}},
			// vertices (2,0)→6, (1.2,1.6)→6.8, (0,2)→4
			lp.StatusOptimal, 16.8, []float64{1.2, 1.6}},
		{"no rows", &lp.Model{Vars: []lp.Var{{Lower: 1, Upper: 2, Cost: 1}, {Lower: -3, Upper: 5, Cost: -2}}},
			lp.StatusOptimal, -9, []float64{1, 5}},
		{"empty", &lp.Model{Offset: 4}, lp.StatusOptimal, 4, []float64{}},
		// max x + y, x ≤ 1.5, y ≤ x + 1, 2x + 2y ≤ 7, integer: relaxation 3.5 at (1.5, 2), MIP 3 at (1, 2) only.
		{"mip", &lp.Model{Sense: lp.Maximize,
			Vars: []lp.Var{{Upper: 1.5, Cost: 1, Integer: true}, {Upper: inf, Cost: 1, Integer: true}},
			Rows: []lp.Row{row([]int{0, 1}, []float64{-1, 1}, -inf, 1), row([]int{0, 1}, []float64{2, 2}, -inf, 7)}},
			lp.StatusOptimal, 3, []float64{1, 2}},
		// Continuous z takes the fractional slack the integer x cannot: min -x - z, x + z ≤ 2.5, x ≤ 1.7.
		{"mixed integer", &lp.Model{
			Vars: []lp.Var{{Upper: 1.7, Cost: -2, Integer: true}, {Upper: inf, Cost: -1}},
			Rows: []lp.Row{row([]int{0, 1}, []float64{1, 1}, -inf, 2.5)}},
			lp.StatusOptimal, -3.5, []float64{1, 1.5}},
		{"infeasible mip", &lp.Model{Vars: []lp.Var{{Upper: 10, Cost: 1, Integer: true}},
			Rows: []lp.Row{row([]int{0}, []float64{2}, 1, 1)}},
			lp.StatusInfeasible, 0, nil},
	}
}

func TestSolveHandLPs(t *testing.T) {
	e := newTestEngine(t)
	for _, tc := range handLPs() {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.Solve(context.Background(), tc.m, lp.Options{})
			if err != nil {
				t.Fatalf("Solve: %v", err)
			}
			if got.Status != tc.status {
				t.Fatalf("status %v, want %v", got.Status, tc.status)
			}
			if got.Elapsed <= 0 {
				t.Errorf("Elapsed %v, want > 0", got.Elapsed)
			}
			if tc.status != lp.StatusOptimal {
				return
			}
			if math.Abs(got.Objective-tc.obj) > tol {
				t.Errorf("objective %.10g, want %g", got.Objective, tc.obj)
			}
			if tc.x != nil {
				if len(got.X) != len(tc.x) {
					t.Fatalf("len(X) %d, want %d", len(got.X), len(tc.x))
				}
				for j := range tc.x {
					if math.Abs(got.X[j]-tc.x[j]) > tol {
						t.Errorf("x[%d] = %.10g, want %g", j, got.X[j], tc.x[j])
					}
				}
			}
			checkActivity(t, tc.m, got)
			if tc.m.IsMIP() {
				if got.RowDual != nil || got.ReducedCost != nil || got.Basis != nil {
					t.Errorf("MIP solution has duals or basis")
				}
				if got.MIPGap < 0 || got.MIPGap > 1e-4 {
					t.Errorf("MIPGap %g, want within [0, 1e-4]", got.MIPGap)
				}
				return
			}
			if len(got.RowDual) != len(tc.m.Rows) || len(got.ReducedCost) != len(tc.m.Vars) || got.Basis == nil {
				t.Errorf("LP optimum lacks duals or basis")
			}
		})
	}
}

// checkActivity verifies RowActivity = A·x.
func checkActivity(t *testing.T, m *lp.Model, s *lp.Solution) {
	t.Helper()
	for i, r := range m.Rows {
		a := 0.0
		for k, j := range r.Index {
			a += r.Coef[k] * s.X[j]
		}
		if math.Abs(a-s.RowActivity[i]) > tol {
			t.Errorf("row %d activity %g, A·x = %g", i, s.RowActivity[i], a)
		}
	}
}

// TestDualConvention checks lp's documented convention — RowDual[i] = ∂objective/∂(bound of
// row i) and ReducedCost[j] = ∂objective/∂(bound of column j), for the active bound, in the
// model's own sense — first against hand-derived values, then by finite differences.
func TestDualConvention(t *testing.T) {
	tests := []struct {
		name     string
		m        *lp.Model
		obj      float64
		rowDual  []float64
		redCost  []float64
		basisCol []lp.BasisStatus
	}{
		// min 2x + 3y, x + y ≥ 4, x + 3y ≥ 6, x, y ≥ 0: optimum 9 at (3,1). Both rows bind;
		// y solves [1 1; 1 3]ᵀy = (2, 3): y = (1.5, 0.5). Raising either requirement raises the cost.
		{"min, ≥ rows", &lp.Model{Vars: nonneg(2, 3), Rows: []lp.Row{
			row([]int{0, 1}, []float64{1, 1}, 4, inf), row([]int{0, 1}, []float64{1, 3}, 6, inf)}},
			9, []float64{1.5, 0.5}, []float64{0, 0}, []lp.BasisStatus{lp.BasisBasic, lp.BasisBasic}},
		// The same with x ≤ 2: optimum 10 at (2,2). Row 0 binds with dual 3 (y is basic, 3 = 1·y0);
		// x sits at its upper bound with reduced cost 2 − 3 = −1: allowing x = 3 gives (3,1) → 9.
		{"min, column at upper bound", &lp.Model{Vars: []lp.Var{{Upper: 2, Cost: 2}, {Upper: inf, Cost: 3}}, Rows: []lp.Row{
			row([]int{0, 1}, []float64{1, 1}, 4, inf), row([]int{0, 1}, []float64{1, 3}, 6, inf)}},
			10, []float64{3, 0}, []float64{-1, 0}, []lp.BasisStatus{lp.BasisUpper, lp.BasisBasic}},
		// max 3x + 2y, x + y ≤ 4, x + 3y ≤ 6: optimum 12 at (4,0). Row 0 binds with dual 3
		// (capacity 5 gives 15); y is at its lower bound with reduced cost 2 − 3 = −1 (forcing
		// y = 1 gives (3,1) → 11).
		{"max, ≤ rows", &lp.Model{Sense: lp.Maximize, Vars: nonneg(3, 2), Rows: []lp.Row{
			row([]int{0, 1}, []float64{1, 1}, -inf, 4), row([]int{0, 1}, []float64{1, 3}, -inf, 6)}},
			12, []float64{3, 0}, []float64{0, -1}, []lp.BasisStatus{lp.BasisBasic, lp.BasisLower}},
		// max −x − y (i.e. min x + y), x + 2y ≥ 2, x, y ≥ 0: optimum −1 at (0,1). Raising the
		// requirement to 3 gives −1.5, so the dual is −0.5; x's reduced cost is −1 + 0.5 = −0.5.
		{"max, ≥ row", &lp.Model{Sense: lp.Maximize, Vars: nonneg(-1, -1), Rows: []lp.Row{
			row([]int{0, 1}, []float64{1, 2}, 2, inf)}},
			-1, []float64{-0.5}, []float64{-0.5, 0}, []lp.BasisStatus{lp.BasisLower, lp.BasisBasic}},
	}
	e := newTestEngine(t)
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.Solve(ctx, tc.m, lp.Options{})
			if err != nil || got.Status != lp.StatusOptimal {
				t.Fatalf("Solve: %v, %v", got, err)
			}
			if math.Abs(got.Objective-tc.obj) > tol {
				t.Errorf("objective %g, want %g", got.Objective, tc.obj)
			}
			for i, w := range tc.rowDual {
				if math.Abs(got.RowDual[i]-w) > tol {
					t.Errorf("RowDual[%d] = %g, want %g", i, got.RowDual[i], w)
				}
			}
			for j, w := range tc.redCost {
				if math.Abs(got.ReducedCost[j]-w) > tol {
					t.Errorf("ReducedCost[%d] = %g, want %g", j, got.ReducedCost[j], w)
				}
			}
			for j, w := range tc.basisCol {
				if got.Basis.Cols[j] != w {
					t.Errorf("Basis.Cols[%d] = %v, want %v", j, got.Basis.Cols[j], w)
				}
			}
			// Finite differences: move each active bound by δ and re-solve.
			const delta = 1e-3
			for i, r := range tc.m.Rows {
				if got.RowDual[i] == 0 {
					continue
				}
				p := clone(tc.m)
				if math.Abs(got.RowActivity[i]-r.Upper) < tol {
					p.Rows[i].Upper += delta
				} else {
					p.Rows[i].Lower += delta
				}
				s, err := e.Solve(ctx, p, lp.Options{})
				if err != nil || s.Status != lp.StatusOptimal {
					t.Fatalf("perturbed solve: %v, %v", s, err)
				}
				if fd := (s.Objective - got.Objective) / delta; math.Abs(fd-got.RowDual[i]) > 1e-6 {
					t.Errorf("row %d: Δobjective/Δbound = %g, RowDual = %g", i, fd, got.RowDual[i])
				}
			}
			for j, v := range tc.m.Vars {
				if got.ReducedCost[j] == 0 {
					continue
				}
				p := clone(tc.m)
				if math.Abs(got.X[j]-v.Upper) < tol {
					p.Vars[j].Upper += delta
				} else {
					p.Vars[j].Lower += delta
				}
				s, err := e.Solve(ctx, p, lp.Options{})
				if err != nil || s.Status != lp.StatusOptimal {
					t.Fatalf("perturbed solve: %v, %v", s, err)
				}
				if fd := (s.Objective - got.Objective) / delta; math.Abs(fd-got.ReducedCost[j]) > 1e-6 {
					t.Errorf("column %d: Δobjective/Δbound = %g, ReducedCost = %g", j, fd, got.ReducedCost[j])
				}
			}
		})
	}
}

func clone(m *lp.Model) *lp.Model {
	c := *m
	c.Vars = append([]lp.Var(nil), m.Vars...)
	c.Rows = append([]lp.Row(nil), m.Rows...)
	return &c
}

func TestInvalidModel(t *testing.T) {
	e := newTestEngine(t)
	m := &lp.Model{Vars: []lp.Var{{Lower: 0, Upper: math.NaN()}}}
	if _, err := e.Solve(context.Background(), m, lp.Options{}); !errors.Is(err, lp.ErrInvalidModel) {
		t.Errorf("NaN bound: err %v, want ErrInvalidModel", err)
	}
	if _, err := e.Resolve(context.Background(), lp.Options{}); !errors.Is(err, lp.ErrInvalidModel) {
		t.Errorf("Resolve with nothing loaded: err %v, want ErrInvalidModel", err)
	}
	if err := e.Load(context.Background(), handLPs()[0].m); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"cost index":     e.SetCosts([]int{2}, []float64{1}),
		"cost length":    e.SetCosts([]int{0, 1}, []float64{1}),
		"col bounds":     e.SetColBounds([]int{0}, []float64{2}, []float64{1}),
		"row bounds NaN": e.SetRowBounds([]int{0}, []float64{math.NaN()}, []float64{1}),
	} {
		if !errors.Is(err, lp.ErrInvalidModel) {
			t.Errorf("%s: err %v, want ErrInvalidModel", name, err)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	e := newTestEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Solve(ctx, handLPs()[0].m, lp.Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	assertWorks(t, e)
}

// TestCancelRunningSolve cancels a solve of the benchmark LP while HiGHS runs on an
// interruptible runtime: the call must stop early with context.Canceled, and the engine must work
// afterwards (on a fresh instance).
func TestCancelRunningSolve(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a long solve")
	}
	rt, err := NewRuntime(t.Context(), Config{Interruptible: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(context.Background()) })
	e, err := rt.NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	m := mcf(20, 40, 250, 1)
	full, err := e.Solve(context.Background(), m, lp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Load(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(full.Elapsed/10, cancel)
	start := time.Now()
	_, err = e.Resolve(ctx, lp.Options{})
	took := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v after %v (full solve %v), want context.Canceled", err, took, full.Elapsed)
	}
	// Cancelled at a tenth of the full solve; anything short of a whole solve shows the interrupt
	// stopped it (a tighter bound would measure the machine's load, not the engine).
	t.Logf("cancelled solve took %v, the full solve %v", took, full.Elapsed)
	if took >= full.Elapsed {
		t.Errorf("cancelled solve took %v, the full solve %v: cancellation did not stop it", took, full.Elapsed)
	}
	// The loaded model survives the lost instance: Resolve passes it again.
	again, err := e.Resolve(context.Background(), lp.Options{})
	if err != nil || math.Abs(again.Objective-full.Objective) > 1e-9*math.Abs(full.Objective) {
		t.Fatalf("resolve after cancel: %v, %v; want objective %g", again, err, full.Objective)
	}
	assertWorks(t, e)
}

func TestDeadline(t *testing.T) {
	e := newTestEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if _, err := e.Solve(ctx, handLPs()[0].m, lp.Options{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want context.DeadlineExceeded", err)
	}
	assertWorks(t, e)
}

// TestTrapReplacesInstance makes the module trap (an out-of-bounds write through
// Highs_getSolution) and checks the error wraps lp.ErrEngine and the engine recovers.
func TestTrapReplacesInstance(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	m := handLPs()[0].m
	if err := e.Load(ctx, m); err != nil {
		t.Fatal(err)
	}
	old := e.in
	bad := uint64(0xfffffff0)
	_, callErr := e.in.call(ctx, fnGetSolution, uint64(e.in.highs), bad, bad, bad, bad)
	if callErr == nil {
		t.Fatal("out-of-bounds write did not trap")
	}
	err := e.fail(ctx, "test", callErr)
	if !errors.Is(err, lp.ErrEngine) {
		t.Fatalf("err %v, want lp.ErrEngine", err)
	}
	got, err := e.Resolve(ctx, lp.Options{})
	if err != nil || got.Status != lp.StatusOptimal || math.Abs(got.Objective-9) > tol {
		t.Fatalf("after trap: %v, %v", got, err)
	}
	if e.in == old {
		t.Error("instance was not replaced")
	}
}

// TestHostExitIsError checks that a host function's panic (exit, abort, C++ throw) comes back
// from the call as an error wrapping *trapError, through wazero's recovery.
func TestHostExitIsError(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	if err := instantiateHost(ctx, rt, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	// A minimal module: (import "a" "<abort_js>" (func)) (func (export "f") call 0).
	name := importName("abort_js")
	imp := append([]byte{1, 1, 'a', byte(len(name))}, name...)
	imp = append(imp, 0, 0)
	bin := []byte{0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, byte(len(imp))}
	bin = append(bin, imp...)
	bin = append(bin, 3, 2, 1, 0, 7, 5, 1, 1, 'f', 0, 1, 10, 6, 1, 4, 0, 0x10, 0, 0x0b)
	mod, err := rt.Instantiate(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	_, err = mod.ExportedFunction("f").Call(ctx)
	var te *trapError
	if !errors.As(err, &te) {
		t.Fatalf("err %v, want a *trapError", err)
	}
}

func assertWorks(t *testing.T, e *Engine) {
	t.Helper()
	got, err := e.Solve(context.Background(), handLPs()[0].m, lp.Options{})
	if err != nil || got.Status != lp.StatusOptimal || math.Abs(got.Objective-9) > tol {
		t.Fatalf("engine broken afterwards: %v, %v", got, err)
	}
}

// TestWarmResolve changes 10% of the costs of a generated LP and checks that the warm Resolve
// reaches the same optimum as a cold Solve of the changed model, in fewer iterations.
func TestWarmResolve(t *testing.T) {
	ctx := context.Background()
	m := mcf(5, 20, 80, 7)
	warm := newTestEngine(t)
	if err := warm.Load(ctx, m); err != nil {
		t.Fatal(err)
	}
	last, err := warm.Resolve(ctx, lp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for round := range uint64(3) {
		// 10% of the columns at random, plus every column carrying flow (else the optimum
		// might not move), made dearer so that the flow reroutes.
		idx, cost := perturbCosts(m, round)
		seen := map[int]bool{}
		for _, j := range idx {
			seen[j] = true
		}
		for j, x := range last.X {
			if x > 0 && !seen[j] {
				idx, cost = append(idx, j), append(cost, m.Vars[j].Cost*1.7)
			}
		}
		if err := warm.SetCosts(idx, cost); err != nil {
			t.Fatal(err)
		}
		p := clone(m)
		for k, j := range idx {
			p.Vars[j].Cost = cost[k]
		}
		m = p
		ws, err := warm.Resolve(ctx, lp.Options{})
		if err != nil {
			t.Fatal(err)
		}
		cs, err := newTestEngine(t).Solve(ctx, m, lp.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if ws.Objective == last.Objective {
			t.Errorf("round %d: the cost change did not move the optimum %g", round, ws.Objective)
		}
		last = ws
		if ws.Status != lp.StatusOptimal || math.Abs(ws.Objective-cs.Objective) > 1e-9*math.Abs(cs.Objective) {
			t.Errorf("round %d: warm %v %.12g, cold %v %.12g", round, ws.Status, ws.Objective, cs.Status, cs.Objective)
		}
		if ws.Iterations >= cs.Iterations {
			t.Errorf("round %d: warm took %d iterations, cold %d", round, ws.Iterations, cs.Iterations)
		}
		t.Logf("round %d: objective %.6g, iterations warm %d, cold %d", round, ws.Objective, ws.Iterations, cs.Iterations)
	}
	// Bounds: tighten a capacity row and a column, then compare with a cold solve again.
	cap0 := len(m.Rows) - 1
	if err := warm.SetRowBounds([]int{cap0}, []float64{-inf}, []float64{m.Rows[cap0].Upper / 2}); err != nil {
		t.Fatal(err)
	}
	if err := warm.SetColBounds([]int{0}, []float64{1}, []float64{3}); err != nil {
		t.Fatal(err)
	}
	p := clone(m)
	p.Rows[cap0].Upper /= 2
	p.Vars[0].Lower, p.Vars[0].Upper = 1, 3
	ws, err := warm.Resolve(ctx, lp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := newTestEngine(t).Solve(ctx, p, lp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ws.Objective-cs.Objective) > 1e-9*math.Abs(cs.Objective) {
		t.Errorf("after bound changes: warm %.12g, cold %.12g", ws.Objective, cs.Objective)
	}
	// Loading a different model starts fresh.
	hand := handLPs()[0]
	got, err := warm.Solve(ctx, hand.m, lp.Options{})
	if err != nil || math.Abs(got.Objective-hand.obj) > tol {
		t.Errorf("Solve of another model after warm work: %v, %v", got, err)
	}
}

// TestDeterminism solves the same LP on two engines and twice on one: results must be identical
// bit for bit.
func TestDeterminism(t *testing.T) {
	ctx := context.Background()
	m := mcf(5, 20, 80, 3)
	a, b := newTestEngine(t), newTestEngine(t)
	s1, err1 := a.Solve(ctx, m, lp.Options{})
	s2, err2 := b.Solve(ctx, m, lp.Options{})
	s3, err3 := a.Solve(ctx, m, lp.Options{})
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*lp.Solution{s2, s3} {
		if s.Objective != s1.Objective || s.Iterations != s1.Iterations {
			t.Fatalf("objective/iterations %v/%d vs %v/%d", s.Objective, s.Iterations, s1.Objective, s1.Iterations)
		}
		for j := range s.X {
			if s.X[j] != s1.X[j] || s.ReducedCost[j] != s1.ReducedCost[j] {
				t.Fatalf("column %d differs", j)
			}
		}
		for i := range s.RowDual {
			if s.RowDual[i] != s1.RowDual[i] {
				t.Fatalf("row %d dual differs", i)
			}
		}
	}
}

// TestConcurrentEngines runs one engine per goroutine on the shared Runtime.
func TestConcurrentEngines(t *testing.T) {
	r := testRuntime(t)
	m := mcf(5, 20, 80, 3)
	want, err := newTestEngine(t).Solve(context.Background(), m, lp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			e, err := r.NewEngine()
			if err != nil {
				t.Error(err)
				return
			}
			defer e.Close()
			for range 3 {
				got, err := e.Solve(context.Background(), m, lp.Options{})
				if err != nil || got.Objective != want.Objective {
					t.Errorf("concurrent solve: %v, %v; want %g", got, err, want.Objective)
				}
			}
		})
	}
	wg.Wait()
}

// TestFallbacks covers a cold cache directory, a cache directory that cannot be created, the
// interpreter, New and a HiGHS log writer.
func TestFallbacks(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the wasm twice more (several seconds)")
	}
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var log lockedBuffer
	for _, tc := range []struct {
		name string
		cfg  Config
		mode string
	}{
		{"cold cache", Config{CacheDir: t.TempDir()}, "compiler"},
		{"unusable cache dir", Config{CacheDir: filepath.Join(file, "sub"), SolverLog: &log}, "compiler (no cache)"},
		{"interpreter", Config{Interpreter: true, Presolve: "off"}, "interpreter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r, err := NewRuntime(ctx, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close(ctx)
			if r.Mode() != tc.mode {
				t.Errorf("mode %q, want %q", r.Mode(), tc.mode)
			}
			e, err := r.NewEngine()
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			for _, tc := range handLPs() {
				got, err := e.Solve(ctx, tc.m, lp.Options{})
				if err != nil || got.Status != tc.status || (tc.status == lp.StatusOptimal && math.Abs(got.Objective-tc.obj) > tol) {
					t.Errorf("%s: %v, %v; want %v, %g", tc.name, got, err, tc.status, tc.obj)
				}
			}
			t.Logf("%s: runtime and first solve in %v", r.Mode(), time.Since(start))
		})
	}
	if log.Len() == 0 {
		t.Error("SolverLog received no HiGHS output")
	}
	if _, err := NewRuntime(ctx, Config{Presolve: "maybe"}); err == nil {
		t.Error("bad Presolve accepted")
	}
	e, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertWorks(t, e)
	if err := e.Close(); err != nil {
		t.Error(err)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b = append(l.b, p...)
	return len(p), nil
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.b)
}

// TestMIPRelGap solves a 0/1 knapsack whose values differ by less than HiGHS's default gap
// (1e-4 of about 10^6) and checks, with Options.MIPRelGap 1e-9, the optimum found by trying every
// subset, and that the engine's option does not leak into the next solve's default.
func TestMIPRelGap(t *testing.T) {
	e := newTestEngine(t)
	const n = 12
	m := &lp.Model{Sense: lp.Maximize}
	weight := make([]float64, n)
	value := make([]float64, n)
	for i := range n {
		weight[i] = float64(3 + (i*7)%11)
		value[i] = 1e5 + float64((i*37)%23)
		m.AddVar(lp.Var{Upper: 1, Cost: value[i], Integer: true})
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	m.AddRow(lp.Row{Index: idx, Coef: weight, Lower: -lp.Inf, Upper: 40})
	best := 0.0
	for s := range 1 << n {
		w, v := 0.0, 0.0
		for i := range n {
			if s&(1<<i) != 0 {
				w, v = w+weight[i], v+value[i]
			}
		}
		if w <= 40 {
			best = max(best, v)
		}
	}
	got, err := e.Solve(t.Context(), m, lp.Options{MIPRelGap: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != lp.StatusOptimal || math.Abs(got.Objective-best) > 1e-6 || got.MIPGap > 1e-9 {
		t.Errorf("status %v, objective %.6f (gap %g), want %.6f within 1e-9", got.Status, got.Objective, got.MIPGap, best)
	}
	if got, err := e.Solve(t.Context(), m, lp.Options{}); err != nil || got.Status != lp.StatusOptimal || got.Objective < best*(1-1e-4) {
		t.Errorf("default gap: %v, %+v", err, got)
	}
}
