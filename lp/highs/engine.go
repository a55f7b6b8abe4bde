package highs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/corridor-dev/corridor/lp"
	"github.com/tetratelabs/wazero/api"
)

// Engine solves LPs and MIPs with one HiGHS module instance. It implements lp.Engine and
// lp.Incremental. An Engine is for one goroutine at a time; create one per worker with
// Runtime.NewEngine.
//
// If a call traps (an abort inside HiGHS, memory exhaustion, or a cancelled context stopping a
// running solve), the instance is discarded and a fresh one is created on the next call; the
// loaded model, with every Set… change applied, is passed again, so only the warm basis is lost.
type Engine struct {
	r           *Runtime
	ownsRuntime bool
	in          *instance
	m           *csc // the loaded model, or nil
	passed      bool // m is loaded into in
	out         buf  // solution buffer sized for m
	scratch     buf  // argument buffer for Set…
	closed      bool
}

// defaultMIPRelGap is HiGHS's default mip_rel_gap, used when lp.Options.MIPRelGap is 0.
const defaultMIPRelGap = 1e-4

// buf is a malloc'ed block of wasm memory.
type buf struct {
	ptr  uint32
	size int
}

var (
	_ lp.Engine      = (*Engine)(nil)
	_ lp.Incremental = (*Engine)(nil)
)

// instance returns the live module instance, replacing a broken one.
func (e *Engine) instance(ctx context.Context) (*instance, error) {
	if e.closed {
		return nil, errors.New("engine is closed")
	}
	if e.in != nil && !e.in.broken {
		return e.in, nil
	}
	if e.in != nil {
		e.in.close(ctx)
		e.r.log.Info("highs: replacing a failed module instance")
	}
	e.in, e.passed, e.out, e.scratch = nil, false, buf{}, buf{}
	in, err := newInstance(context.WithoutCancel(ctx), e.r.rt, e.r.cm, e.r.logging, e.r.presolve)
	if err != nil {
		return nil, err
	}
	e.in = in
	return in, nil
}

// ensure returns a block of at least n bytes in b, reallocating if needed.
func (e *Engine) ensure(ctx context.Context, b *buf, n int) error {
	if b.size >= n && b.ptr != 0 {
		return nil
	}
	if err := e.in.free(ctx, b.ptr); err != nil {
		return err
	}
	*b = buf{}
	p, err := e.in.malloc(ctx, n)
	if err != nil {
		return err
	}
	*b = buf{ptr: p, size: n}
	return nil
}

// fail turns a failed wasm call into the error Engine methods return: the context's error if it
// is done, otherwise lp.ErrEngine. A broken instance is closed, to be replaced on the next call.
func (e *Engine) fail(ctx context.Context, op string, err error) error {
	if e.in != nil && e.in.broken {
		e.in.close(ctx)
		e.passed = false
	}
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("highs: %s: %w", op, cerr)
	}
	e.r.log.Warn("highs: engine call failed", "op", op, "err", err)
	return fmt.Errorf("highs: %s: %w: %w", op, lp.ErrEngine, err)
}

// Solve solves m from scratch (Load, then Resolve). See lp.Engine.
func (e *Engine) Solve(ctx context.Context, m *lp.Model, opt lp.Options) (*lp.Solution, error) {
	start := time.Now()
	if err := e.Load(ctx, m); err != nil {
		return nil, err
	}
	sol, err := e.Resolve(ctx, opt)
	if sol != nil {
		sol.Elapsed = time.Since(start)
	}
	return sol, err
}

// Load checks m and passes it to HiGHS, discarding the previous model and basis: the next
// Resolve starts cold. m is not retained. Errors wrap lp.ErrInvalidModel, lp.ErrEngine or the
// context's error.
func (e *Engine) Load(ctx context.Context, m *lp.Model) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("highs: load: %w", err)
	}
	if err := m.Check(); err != nil {
		return fmt.Errorf("highs: %w", err)
	}
	c, err := toCSC(m)
	if err != nil {
		return fmt.Errorf("highs: %w", err)
	}
	e.m, e.passed = c, false
	return e.pass(ctx)
}

// pass loads e.m into the instance unless it is already there.
func (e *Engine) pass(ctx context.Context) error {
	in, err := e.instance(ctx)
	if err != nil {
		return e.fail(ctx, "load", err)
	}
	if e.passed {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	c := e.m
	n, m, nz := c.ncol, c.nrow, len(c.value)
	size := 8*(3*n+2*m+nz) + 4*(n+1+nz)
	if c.integ != nil {
		size += 4 * n
	}
	p, err := in.malloc(ctx, size)
	if err != nil {
		return e.fail(ctx, "load", err)
	}
	mem := in.view(p, size)
	off := uint32(0)
	var ptrs []uint64
	put := func(nbytes int, fill func([]byte)) {
		fill(mem[off : off+uint32(nbytes)])
		ptrs = append(ptrs, uint64(p+off))
		off += uint32(nbytes)
	}
	f64s := func(v []float64) { put(8*len(v), func(b []byte) { putF64s(b, v) }) }
	i32s := func(v []int32) { put(4*len(v), func(b []byte) { putI32s(b, v) }) }
	f64s(c.cost)
	f64s(c.colLo)
	f64s(c.colHi)
	f64s(c.rowLo)
	f64s(c.rowHi)
	i32s(c.start)
	i32s(c.index)
	f64s(c.value)
	sense := uint64(objSenseMinimize)
	if c.sense == lp.Maximize {
		sense = api.EncodeI32(objSenseMaximize)
	}
	args := append([]uint64{uint64(in.highs), uint64(n), uint64(m), uint64(nz), matrixFormatColwise, sense,
		api.EncodeF64(c.offset)}, ptrs...)
	fn := fnPassLp
	if c.integ != nil {
		i32s(c.integ)
		args = append(args, ptrs[len(ptrs)-1])
		fn = fnPassMip
	}
	r, err := in.call(ctx, fn, args...)
	if err != nil {
		return e.fail(ctx, "load", err)
	}
	if err := in.free(ctx, p); err != nil {
		return e.fail(ctx, "load", err)
	}
	if api.DecodeI32(r) == highsStatusError {
		e.m = nil
		return fmt.Errorf("highs: load: %w: HiGHS rejected the model", lp.ErrInvalidModel)
	}
	// Solution buffer: 8-byte info slot, col value and dual, row value and dual, col and row basis.
	if err := e.ensure(ctx, &e.out, 8+16*(n+m)+4*(n+m)); err != nil {
		return e.fail(ctx, "load", err)
	}
	e.passed = true
	return nil
}

// checkSet validates the arguments of a Set… call against a dimension.
func checkSet(what string, dim int, idx []int, a, b []float64) error {
	if len(a) != len(idx) || (b != nil && len(b) != len(idx)) {
		return fmt.Errorf("highs: %s: %w: %d indices and %d/%d values", what, lp.ErrInvalidModel, len(idx), len(a), len(b))
	}
	for k, i := range idx {
		if i < 0 || i >= dim {
			return fmt.Errorf("highs: %s: %w: index %d out of range [0,%d)", what, lp.ErrInvalidModel, i, dim)
		}
		if math.IsNaN(a[k]) || (b != nil && (math.IsNaN(b[k]) || a[k] > b[k])) {
			return fmt.Errorf("highs: %s: %w: bad value at index %d", what, lp.ErrInvalidModel, i)
		}
	}
	return nil
}

// SetCosts sets the objective coefficient of column idx[k] to cost[k]. The basis is kept, so
// the next Resolve starts warm. See lp.Incremental.
func (e *Engine) SetCosts(idx []int, cost []float64) error {
	if e.m == nil {
		return fmt.Errorf("highs: set costs: %w: no model loaded", lp.ErrInvalidModel)
	}
	if err := checkSet("set costs", e.m.ncol, idx, cost, nil); err != nil {
		return err
	}
	for k, j := range idx {
		if math.IsInf(cost[k], 0) {
			return fmt.Errorf("highs: set costs: %w: infinite cost at column %d", lp.ErrInvalidModel, j)
		}
		e.m.cost[j] = cost[k]
	}
	return e.change("set costs", fnChangeColsCostBySet, idx, cost, nil)
}

// SetColBounds sets the bounds of column idx[k] to [lo[k], hi[k]]. See lp.Incremental.
func (e *Engine) SetColBounds(idx []int, lo, hi []float64) error {
	if e.m == nil {
		return fmt.Errorf("highs: set column bounds: %w: no model loaded", lp.ErrInvalidModel)
	}
	if err := checkSet("set column bounds", e.m.ncol, idx, lo, hi); err != nil {
		return err
	}
	for k, j := range idx {
		e.m.colLo[j], e.m.colHi[j] = lo[k], hi[k]
	}
	return e.change("set column bounds", fnChangeColsBoundsBySet, idx, lo, hi)
}

// SetRowBounds sets the bounds of row idx[k] to [lo[k], hi[k]]. See lp.Incremental.
func (e *Engine) SetRowBounds(idx []int, lo, hi []float64) error {
	if e.m == nil {
		return fmt.Errorf("highs: set row bounds: %w: no model loaded", lp.ErrInvalidModel)
	}
	if err := checkSet("set row bounds", e.m.nrow, idx, lo, hi); err != nil {
		return err
	}
	for k, i := range idx {
		e.m.rowLo[i], e.m.rowHi[i] = lo[k], hi[k]
	}
	return e.change("set row bounds", fnChangeRowsBoundsBySet, idx, lo, hi)
}

// change forwards a Set… call to HiGHS. If the model is not in the instance (it was replaced),
// the Go-side copy already holds the change and is passed on the next Resolve.
func (e *Engine) change(op string, fn fnID, idx []int, a, b []float64) error {
	if len(idx) == 0 || !e.passed || e.in == nil || e.in.broken {
		return nil
	}
	ctx := context.Background()
	k := len(idx)
	if err := e.ensure(ctx, &e.scratch, 20*k); err != nil {
		return e.fail(ctx, op, err)
	}
	mem := e.in.view(e.scratch.ptr, 20*k)
	for i, j := range idx {
		binary32(mem[4*i:], int32(j))
	}
	putF64s(mem[4*k:], a)
	args := []uint64{uint64(e.in.highs), uint64(k), uint64(e.scratch.ptr), uint64(e.scratch.ptr) + uint64(4*k)}
	if b != nil {
		putF64s(mem[12*k:], b)
		args = append(args, uint64(e.scratch.ptr)+uint64(12*k))
	}
	if err := e.in.callStatus(ctx, fn, args...); err != nil {
		return e.fail(ctx, op, err)
	}
	return nil
}

// SetBasis makes b the starting basis of the next Resolve: a warm start that does not depend on
// what was solved before, so that a sequence of re-solves is reproducible whatever ran on the
// engine earlier. b must have one status per column and row of the loaded model.
func (e *Engine) SetBasis(ctx context.Context, b *lp.Basis) error {
	if e.m == nil {
		return fmt.Errorf("highs: set basis: %w: no model loaded", lp.ErrInvalidModel)
	}
	n, m := e.m.ncol, e.m.nrow
	if b == nil || len(b.Cols) != n || len(b.Rows) != m {
		return fmt.Errorf("highs: set basis: %w: basis does not fit a model of %d columns and %d rows", lp.ErrInvalidModel, n, m)
	}
	if err := e.pass(ctx); err != nil {
		return err
	}
	in := e.in
	colBasis := e.out.ptr + 8 + uint32(16*(n+m))
	rowBasis := colBasis + uint32(4*n)
	mem := in.view(colBasis, 4*(n+m))
	for j, st := range b.Cols {
		binary32(mem[4*j:], int32(st))
	}
	for i, st := range b.Rows {
		binary32(mem[4*(n+i):], int32(st))
	}
	if err := in.callStatus(context.WithoutCancel(ctx), fnSetBasis, uint64(in.highs), uint64(colBasis), uint64(rowBasis)); err != nil {
		return e.fail(ctx, "set basis", err)
	}
	return nil
}

// Resolve solves the loaded model again, starting from the last basis when the model is still in
// the instance. Errors wrap lp.ErrInvalidModel (nothing loaded), lp.ErrEngine or the context's
// error; in the last case the solution found so far, if any, is returned too.
func (e *Engine) Resolve(ctx context.Context, opt lp.Options) (*lp.Solution, error) {
	start := time.Now()
	if e.m == nil {
		return nil, fmt.Errorf("highs: resolve: %w: no model loaded", lp.ErrInvalidModel)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("highs: resolve: %w", err)
	}
	if err := e.pass(ctx); err != nil {
		return nil, err
	}
	in := e.in
	bg := context.WithoutCancel(ctx)
	limit := math.Inf(1)
	if opt.TimeLimit > 0 {
		limit = opt.TimeLimit.Seconds()
	}
	if dl, ok := ctx.Deadline(); ok {
		limit = min(limit, max(time.Until(dl).Seconds(), 1e-3))
	}
	if err := in.setDouble(bg, "time_limit", limit); err != nil {
		return nil, e.fail(ctx, "resolve", err)
	}
	if e.m.integ != nil {
		// set on every MIP solve, as the instance keeps options from one solve to the next
		if err := in.setDouble(bg, "mip_rel_gap", cmp.Or(opt.MIPRelGap, defaultMIPRelGap)); err != nil {
			return nil, e.fail(ctx, "resolve", err)
		}
	}
	status, err := e.run(ctx)
	if err != nil {
		return nil, e.fail(ctx, "resolve", err)
	}
	if status == modelStatusUnboundedOrInfeasible && e.r.presolve != "off" {
		// Presolve could not tell which; the simplex without presolve can.
		if err := in.setString(bg, "presolve", "off"); err != nil {
			return nil, e.fail(ctx, "resolve", err)
		}
		status, err = e.run(ctx)
		if err != nil {
			return nil, e.fail(ctx, "resolve", err)
		}
		if err := in.setString(bg, "presolve", e.r.presolve); err != nil {
			return nil, e.fail(ctx, "resolve", err)
		}
	}
	sol, err := e.collect(bg, status)
	if err != nil {
		return nil, e.fail(ctx, "resolve", err)
	}
	sol.Elapsed = time.Since(start)
	if cerr := ctx.Err(); cerr != nil {
		return sol, fmt.Errorf("highs: resolve: %w", cerr)
	}
	if sol.Status == lp.StatusError {
		return sol, fmt.Errorf("highs: resolve: %w: HiGHS model status %d", lp.ErrEngine, status)
	}
	return sol, nil
}

// run calls Highs_run under ctx (so cancellation closes the module) and returns the model status.
func (e *Engine) run(ctx context.Context) (int32, error) {
	in := e.in
	if _, err := in.call(ctx, fnRun, uint64(in.highs)); err != nil {
		return 0, err
	}
	s, err := in.call(context.WithoutCancel(ctx), fnGetModelStatus, uint64(in.highs))
	return api.DecodeI32(s), err
}

// mapStatus converts a HiGHS model status to lp.Status.
func mapStatus(s int32) lp.Status {
	switch {
	case s == modelStatusOptimal || s == modelStatusModelEmpty:
		return lp.StatusOptimal
	case s == modelStatusInfeasible:
		return lp.StatusInfeasible
	case s == modelStatusUnbounded:
		return lp.StatusUnbounded
	case s >= modelStatusLoadError && s <= modelStatusPostsolveError:
		return lp.StatusError
	case s == modelStatusUnknown || s == 0:
		return lp.StatusUnknown
	default: // objective bound/target, time, iteration and solution limits, interrupt
		return lp.StatusLimit
	}
}

// collect reads the solution of the last run.
func (e *Engine) collect(ctx context.Context, status int32) (*lp.Solution, error) {
	in, c := e.in, e.m
	n, m := c.ncol, c.nrow
	slot := e.out.ptr
	sol := &lp.Solution{Status: mapStatus(status)}
	primal, ok, err := in.info(ctx, fnGetIntInfoValue, "primal_solution_status", slot)
	if err != nil {
		return nil, err
	}
	feasible := ok && int32(primal) == solutionStatusFeasible
	if status == modelStatusUnboundedOrInfeasible {
		// Still undecided without presolve: a feasible point means the objective is unbounded.
		sol.Status = lp.StatusInfeasible
		if feasible {
			sol.Status = lp.StatusUnbounded
		}
	}
	if status == modelStatusModelEmpty && n == 0 {
		// HiGHS calls a model without columns optimal even when a row's bounds exclude 0, the
		// only activity it can have.
		for i := range m {
			if c.rowLo[i] > 0 || c.rowHi[i] < 0 {
				return &lp.Solution{Status: lp.StatusInfeasible}, nil
			}
		}
	}
	if it, ok, err := in.info(ctx, fnGetIntInfoValue, "simplex_iteration_count", slot); err != nil {
		return nil, err
	} else if ok {
		sol.Iterations = int(int32(it))
	}
	if c.integ != nil {
		if it, ok, err := in.info(ctx, fnGetInt64InfoValue, "mip_total_lp_iterations", slot); err != nil {
			return nil, err
		} else if ok {
			sol.Iterations = int(int64(it))
		}
		if g, ok, err := in.info(ctx, fnGetDoubleInfoValue, "mip_gap", slot); err != nil {
			return nil, err
		} else if ok && sol.Status != lp.StatusInfeasible && sol.Status != lp.StatusUnbounded {
			sol.MIPGap = math.Float64frombits(g)
		}
	}
	if sol.Status != lp.StatusOptimal && !(sol.Status == lp.StatusLimit && feasible) {
		return sol, nil
	}
	obj, err := in.call(ctx, fnGetObjectiveValue, uint64(in.highs))
	if err != nil {
		return nil, err
	}
	sol.Objective = api.DecodeF64(obj)
	colVal, colDual := e.out.ptr+8, e.out.ptr+8+uint32(8*n)
	rowVal, rowDual := colDual+uint32(8*n), colDual+uint32(8*(n+m))
	colBasis, rowBasis := rowDual+uint32(8*m), rowDual+uint32(8*m+4*n)
	if err := in.callStatus(ctx, fnGetSolution, uint64(in.highs), uint64(colVal), uint64(colDual), uint64(rowVal), uint64(rowDual)); err != nil {
		return nil, err
	}
	lpOptimal := c.integ == nil && sol.Status == lp.StatusOptimal
	if lpOptimal {
		if err := in.callStatus(ctx, fnGetBasis, uint64(in.highs), uint64(colBasis), uint64(rowBasis)); err != nil {
			return nil, err
		}
	}
	mem := in.view(colVal, 16*(n+m)+4*(n+m))
	sol.X = make([]float64, n)
	sol.RowActivity = make([]float64, m)
	getF64s(sol.X, mem)
	getF64s(sol.RowActivity, mem[16*n:])
	if status == modelStatusModelEmpty {
		// HiGHS reports 0 for an empty model; the objective is the offset plus the bound terms.
		sol.Objective = c.offset
		for j, x := range sol.X {
			sol.Objective += c.cost[j] * x
		}
	}
	if !lpOptimal {
		return sol, nil
	}
	sol.ReducedCost = make([]float64, n)
	sol.RowDual = make([]float64, m)
	getF64s(sol.ReducedCost, mem[8*n:])
	getF64s(sol.RowDual, mem[16*n+8*m:])
	bs := mem[16*(n+m):]
	sol.Basis = &lp.Basis{Cols: make([]lp.BasisStatus, n), Rows: make([]lp.BasisStatus, m)}
	for j := range n {
		sol.Basis.Cols[j] = lp.BasisStatus(int32(binaryU32(bs[4*j:])))
	}
	for i := range m {
		sol.Basis.Rows[i] = lp.BasisStatus(int32(binaryU32(bs[4*(n+i):])))
	}
	return sol, nil
}

// Close releases the module instance (and the Runtime, for an Engine made by New). It is safe to
// call more than once.
func (e *Engine) Close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	if e.in != nil {
		e.in.close(context.Background())
		e.in = nil
	}
	if e.ownsRuntime {
		return e.r.Close(context.Background())
	}
	return nil
}
