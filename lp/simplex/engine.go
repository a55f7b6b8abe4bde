package simplex

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/corridor-dev/corridor/lp"
)

// Config tunes an Engine. The zero value is a pure-Go engine without fallback.
type Config struct {
	// Fallback, when set, solves what this engine does not: a Resolve without a starting basis
	// (a cold solve, where a presolving solver does better), a MIP, and any warm solve this
	// engine cannot finish (iteration limit, numerical trouble, or a claim of infeasibility or
	// unboundedness, which the fallback then confirms or refutes). A time limit reached is
	// reported as lp.StatusLimit, not handed on. The Engine owns the fallback: Close closes it.
	Fallback lp.Incremental
	// MaxIterations caps the simplex iterations of one Resolve; 0 means rows+columns (at least
	// 1,000) with a fallback, which is better at long solves, and 20·(rows+columns) (at least
	// 10,000) without one.
	MaxIterations int
}

// Engine is a bounded primal and dual simplex method in pure Go, built for re-solving a model
// after small changes of costs and bounds from the previous optimal basis: it keeps the basis
// factorisation between solves, so a warm re-solve costs a few pivots rather than a setup of the
// whole problem. It implements lp.Incremental. Use one Engine per goroutine.
type Engine struct {
	cfg       Config
	model     *lp.Model // the engine's copy, with every Set… applied
	s         *solver
	hasBasis  bool
	mip       bool // the model has integer columns
	fallbacks int
}

// New returns an Engine.
func New(cfg Config) *Engine { return &Engine{cfg: cfg} }

// Fallbacks returns how many solves the engine has handed to its fallback, cold solves included.
func (e *Engine) Fallbacks() int { return e.fallbacks }

// Solve solves m from scratch: Load followed by Resolve.
func (e *Engine) Solve(ctx context.Context, m *lp.Model, opt lp.Options) (*lp.Solution, error) {
	if err := e.Load(ctx, m); err != nil {
		return nil, err
	}
	return e.Resolve(ctx, opt)
}

// Close closes the fallback engine, if any.
func (e *Engine) Close() error {
	if e.cfg.Fallback != nil {
		return e.cfg.Fallback.Close()
	}
	return nil
}

// Load copies m into the engine and discards any basis.
func (e *Engine) Load(ctx context.Context, m *lp.Model) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.Check(); err != nil {
		return err
	}
	if e.model != nil && sameMatrix(e.model, m) {
		// The same constraint matrix (a Reset of the same problem): keep the scaled matrix and
		// its copies, take the new bounds and costs, drop the basis.
		e.model.Name, e.model.Sense, e.model.Offset = m.Name, m.Sense, m.Offset
		copy(e.model.Vars, m.Vars)
		for i := range m.Rows {
			e.model.Rows[i].Name, e.model.Rows[i].Lower, e.model.Rows[i].Upper = m.Rows[i].Name, m.Rows[i].Lower, m.Rows[i].Upper
		}
		e.s.load(e.model)
		e.hasBasis = false
		e.mip = m.IsMIP()
		return nil
	}
	c := *m
	c.Vars = append([]lp.Var(nil), m.Vars...)
	c.Rows = append([]lp.Row(nil), m.Rows...)
	for i := range c.Rows {
		c.Rows[i].Index = append([]int(nil), c.Rows[i].Index...)
		c.Rows[i].Coef = append([]float64(nil), c.Rows[i].Coef...)
	}
	e.model = &c
	e.s = newSolver(&c)
	e.hasBasis = false
	e.mip = m.IsMIP()
	return nil
}

func (e *Engine) loaded() error {
	if e.model == nil {
		return fmt.Errorf("%w: no model loaded", lp.ErrInvalidModel)
	}
	return nil
}

// checkChange validates the arguments of a Set… call.
func (e *Engine) checkChange(idx []int, limit int, vals ...[]float64) error {
	if err := e.loaded(); err != nil {
		return err
	}
	for _, v := range vals {
		if len(v) != len(idx) {
			return fmt.Errorf("%w: %d indices and %d values", lp.ErrInvalidModel, len(idx), len(v))
		}
		for _, x := range v {
			if math.IsNaN(x) {
				return fmt.Errorf("%w: NaN value", lp.ErrInvalidModel)
			}
		}
	}
	for _, k := range idx {
		if k < 0 || k >= limit {
			return fmt.Errorf("%w: index %d out of range [0, %d)", lp.ErrInvalidModel, k, limit)
		}
	}
	if len(vals) == 2 {
		for k := range idx {
			if vals[0][k] > vals[1][k] {
				return fmt.Errorf("%w: lower bound %g above upper bound %g", lp.ErrInvalidModel, vals[0][k], vals[1][k])
			}
		}
	}
	return nil
}

// SetCosts sets the objective coefficient of column idx[k] to cost[k].
func (e *Engine) SetCosts(idx []int, cost []float64) error {
	if err := e.checkChange(idx, len(e.modelVars()), cost); err != nil {
		return err
	}
	for k, j := range idx {
		e.model.Vars[j].Cost = cost[k]
		e.s.setCost(j, cost[k], e.model.Sense)
	}
	return nil
}

// SetColBounds sets the bounds of column idx[k] to [lo[k], hi[k]].
func (e *Engine) SetColBounds(idx []int, lo, hi []float64) error {
	if err := e.checkChange(idx, len(e.modelVars()), lo, hi); err != nil {
		return err
	}
	for k, j := range idx {
		e.model.Vars[j].Lower, e.model.Vars[j].Upper = lo[k], hi[k]
		e.s.setBounds(j, lo[k], hi[k])
	}
	return nil
}

// SetRowBounds sets the bounds of row idx[k] to [lo[k], hi[k]].
func (e *Engine) SetRowBounds(idx []int, lo, hi []float64) error {
	rows := 0
	if e.model != nil {
		rows = len(e.model.Rows)
	}
	if err := e.checkChange(idx, rows, lo, hi); err != nil {
		return err
	}
	for k, i := range idx {
		e.model.Rows[i].Lower, e.model.Rows[i].Upper = lo[k], hi[k]
		e.s.setBounds(e.s.n+i, lo[k], hi[k])
	}
	return nil
}

func (e *Engine) modelVars() []lp.Var {
	if e.model == nil {
		return nil
	}
	return e.model.Vars
}

// SetBasis makes b the starting basis of the next Resolve.
func (e *Engine) SetBasis(ctx context.Context, b *lp.Basis) error {
	if err := e.loaded(); err != nil {
		return err
	}
	if b == nil || len(b.Cols) != e.s.n || len(b.Rows) != e.s.m {
		return fmt.Errorf("%w: basis does not fit the model", lp.ErrInvalidModel)
	}
	if err := e.s.setBasis(b); err != nil {
		return err
	}
	e.hasBasis = true
	return nil
}

// Resolve solves the current model from the current basis (see Config.Fallback for what happens
// without one).
func (e *Engine) Resolve(ctx context.Context, opt lp.Options) (*lp.Solution, error) {
	if err := e.loaded(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start := time.Now()
	fb := e.cfg.Fallback
	if e.mip {
		if fb == nil {
			return nil, fmt.Errorf("simplex: %w: integer variables", errors.ErrUnsupported)
		}
		return e.fallback(ctx, nil, opt)
	}
	if !e.hasBasis {
		if fb != nil {
			return e.fallback(ctx, nil, opt)
		}
		e.s.slackBasis()
		e.hasBasis = true
	}
	var startBasis *lp.Basis // for the fallback: where this solve started
	if fb != nil {
		startBasis = e.s.basis()
	}
	s := e.s
	s.iters = 0
	s.maxIters = e.cfg.MaxIterations
	switch {
	case s.maxIters > 0:
	case fb != nil:
		s.maxIters = max(minIterations/10, s.n+s.m)
	default:
		s.maxIters = max(minIterations, 20*(s.n+s.m))
	}
	s.capped = false
	s.deadline = time.Time{}
	if opt.TimeLimit > 0 {
		s.deadline = start.Add(opt.TimeLimit)
	}
	res := s.run(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if res == optimal {
		sol := e.solution(opt.Leave)
		sol.Elapsed = time.Since(start)
		return sol, nil
	}
	if fb != nil && (res != stopped || s.capped) {
		return e.fallback(ctx, startBasis, opt)
	}
	sol := &lp.Solution{Iterations: s.iters, Elapsed: time.Since(start)}
	switch res {
	case infeasible:
		sol.Status = lp.StatusInfeasible
	case unbounded:
		sol.Status = lp.StatusUnbounded
	case stopped:
		sol.Status = lp.StatusLimit
	default:
		sol.Status = lp.StatusError
	}
	e.hasBasis = false // start afresh next time
	return sol, nil
}

// fallback solves the current model with the fallback engine from basis b (nil: cold) and adopts
// the basis it returns.
func (e *Engine) fallback(ctx context.Context, b *lp.Basis, opt lp.Options) (*lp.Solution, error) {
	e.fallbacks++
	fb := e.cfg.Fallback
	if err := fb.Load(ctx, e.model); err != nil {
		return nil, err
	}
	if b != nil {
		if err := fb.SetBasis(ctx, b); err != nil {
			return nil, err
		}
	}
	sol, err := fb.Resolve(ctx, opt)
	if err != nil {
		return nil, err
	}
	if sol.Status == lp.StatusOptimal && sol.Basis != nil && !e.mip {
		if e.s.setBasis(sol.Basis) == nil {
			e.hasBasis = true
		}
	}
	return sol, nil
}

// solution converts the solver's optimum to the model's space and sense, leaving out the parts
// named by leave.
func (e *Engine) solution(leave lp.Parts) *lp.Solution {
	s, m := e.s, e.model
	sense := 1.0
	if m.Sense == lp.Maximize {
		sense = -1
	}
	primal, dual := leave&lp.PartPrimal == 0, leave&lp.PartDual == 0
	sol := &lp.Solution{Status: lp.StatusOptimal, Iterations: s.iters}
	if primal {
		sol.X, sol.RowActivity = make([]float64, s.n), make([]float64, s.m)
	}
	if dual {
		sol.ReducedCost, sol.RowDual = make([]float64, s.n), make([]float64, s.m)
	}
	if leave&lp.PartBasis == 0 {
		sol.Basis = s.basis()
	}
	obj := m.Offset
	for j := range s.n {
		x := s.x[j] * s.colScale[j]
		if s.status[j] != basic { // exactly on the bound
			x = e.bound(m.Vars[j].Lower, m.Vars[j].Upper, s.status[j])
		}
		obj += m.Vars[j].Cost * x
		if primal {
			sol.X[j] = x
		}
		if dual && s.status[j] != basic {
			sol.ReducedCost[j] = sense * s.d[j] / s.colScale[j]
		}
	}
	for i := range s.m {
		if primal {
			l := s.n + i
			sol.RowActivity[i] = s.x[l] / s.rowScale[i]
			if s.status[l] != basic {
				sol.RowActivity[i] = e.bound(m.Rows[i].Lower, m.Rows[i].Upper, s.status[l])
			}
		}
		if dual {
			sol.RowDual[i] = sense * s.y[i] * s.rowScale[i]
		}
	}
	sol.Objective = obj
	return sol
}

func (e *Engine) bound(lo, up float64, st vstat) float64 {
	switch st {
	case atLower:
		return lo
	case atUpper:
		return up
	}
	return 0
}
