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
	// MaxIterations caps the simplex iterations of one Resolve; 0 means
	// max(10,000, 20·(rows+columns)).
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
	if s.maxIters <= 0 {
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
		sol := e.solution()
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

// solution converts the solver's optimum to the model's space and sense.
func (e *Engine) solution() *lp.Solution {
	s, m := e.s, e.model
	sense := 1.0
	if m.Sense == lp.Maximize {
		sense = -1
	}
	sol := &lp.Solution{Status: lp.StatusOptimal, Iterations: s.iters,
		X: make([]float64, s.n), ReducedCost: make([]float64, s.n),
		RowActivity: make([]float64, s.m), RowDual: make([]float64, s.m),
		Basis: s.basis()}
	obj := m.Offset
	for j := range s.n {
		x := s.x[j] * s.colScale[j]
		if s.status[j] != basic { // exactly on the bound
			x = e.bound(m.Vars[j].Lower, m.Vars[j].Upper, s.status[j])
		}
		sol.X[j] = x
		obj += m.Vars[j].Cost * x
		if s.status[j] != basic {
			sol.ReducedCost[j] = sense * s.d[j] / s.colScale[j]
		}
	}
	for i := range s.m {
		l := s.n + i
		sol.RowActivity[i] = s.x[l] / s.rowScale[i]
		if s.status[l] != basic {
			sol.RowActivity[i] = e.bound(m.Rows[i].Lower, m.Rows[i].Upper, s.status[l])
		}
		sol.RowDual[i] = sense * s.y[i] * s.rowScale[i]
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

// newSolver builds the scaled computational form of m.
func newSolver(m *lp.Model) *solver {
	n, nr := len(m.Vars), len(m.Rows)
	s := &solver{n: n, m: nr}
	// column-wise copy
	count := make([]int, n+1)
	for _, r := range m.Rows {
		for _, j := range r.Index {
			count[j+1]++
		}
	}
	for j := range n {
		count[j+1] += count[j]
	}
	s.colStart = count
	s.colIdx = make([]int, count[n])
	s.colVal = make([]float64, count[n])
	next := append([]int(nil), count[:n]...)
	for i, r := range m.Rows {
		for k, j := range r.Index {
			s.colIdx[next[j]] = i
			s.colVal[next[j]] = r.Coef[k]
			next[j]++
		}
	}
	s.scale()
	// row-wise copy of the scaled matrix
	s.rowStart = make([]int, nr+1)
	for _, i := range s.colIdx {
		s.rowStart[i+1]++
	}
	for i := range nr {
		s.rowStart[i+1] += s.rowStart[i]
	}
	s.rowIdx = make([]int, len(s.colIdx))
	s.rowVal = make([]float64, len(s.colIdx))
	rnext := append([]int(nil), s.rowStart[:nr]...)
	for j := range n {
		for e := s.colStart[j]; e < s.colStart[j+1]; e++ {
			i := s.colIdx[e]
			s.rowIdx[rnext[i]] = j
			s.rowVal[rnext[i]] = s.colVal[e]
			rnext[i]++
		}
	}
	nv := n + nr
	s.nnz = make([]int, nv)
	for j := range n {
		s.nnz[j] = s.colStart[j+1] - s.colStart[j]
	}
	for i := range nr {
		s.nnz[n+i] = 0 // logicals first: they never fill
	}
	s.lo, s.up, s.cost, s.shift = make([]float64, nv), make([]float64, nv), make([]float64, nv), make([]float64, nv)
	s.tlo, s.tup, s.weight = make([]float64, nv), make([]float64, nv), make([]float64, nv)
	s.x, s.d, s.y = make([]float64, nv), make([]float64, nv), make([]float64, nr)
	s.status, s.head, s.pos = make([]vstat, nv), make([]int, nr), make([]int, nv)
	s.alpha = make([]float64, nv)
	s.inCand = make([]bool, nv)
	s.dse, s.tauBuf, s.inInf = make([]float64, nr), make([]float64, nr), make([]bool, nr)
	s.colBuf, s.rowBuf, s.rhoBuf = make([]float64, nr), make([]float64, nr), make([]float64, nr)
	s.logIdx, s.logVal = make([]int, nr), make([]float64, nr)
	for i := range nr {
		s.logIdx[i], s.logVal[i] = i, -1
	}
	s.load(m)
	return s
}

// load takes m's bounds and costs (m has the solver's matrix) and starts from the slack basis.
func (s *solver) load(m *lp.Model) {
	for j, v := range m.Vars {
		s.setBounds(j, v.Lower, v.Upper)
		s.setCost(j, v.Cost, m.Sense)
	}
	for i, r := range m.Rows {
		s.setBounds(s.n+i, r.Lower, r.Upper)
	}
	clear(s.shift)
	s.slackBasis()
}

// sameMatrix reports whether a and b have the same dimensions, integrality and coefficients.
func sameMatrix(a, b *lp.Model) bool {
	if len(a.Vars) != len(b.Vars) || len(a.Rows) != len(b.Rows) {
		return false
	}
	for j := range a.Vars {
		if a.Vars[j].Integer != b.Vars[j].Integer {
			return false
		}
	}
	for i := range a.Rows {
		ra, rb := &a.Rows[i], &b.Rows[i]
		if len(ra.Index) != len(rb.Index) {
			return false
		}
		for k := range ra.Index {
			if ra.Index[k] != rb.Index[k] || ra.Coef[k] != rb.Coef[k] {
				return false
			}
		}
	}
	return true
}

// scale sets row and column scale factors by geometric-mean scaling (four passes, then rounded
// to powers of two so that scaling is exact), as in Curtis and Reid (1972) and Tomlin (1975).
func (s *solver) scale() {
	n, m := s.n, s.m
	s.colScale, s.rowScale = make([]float64, n), make([]float64, m)
	for j := range s.colScale {
		s.colScale[j] = 1
	}
	for i := range s.rowScale {
		s.rowScale[i] = 1
	}
	lo, hi := make([]float64, m), make([]float64, m)
	for range 4 {
		for i := range m {
			lo[i], hi[i] = math.Inf(1), 0
		}
		for j := range n {
			for e := s.colStart[j]; e < s.colStart[j+1]; e++ {
				a := math.Abs(s.colVal[e]) * s.colScale[j]
				if a == 0 {
					continue
				}
				i := s.colIdx[e]
				lo[i], hi[i] = math.Min(lo[i], a), math.Max(hi[i], a)
			}
		}
		for i := range m {
			if hi[i] > 0 {
				s.rowScale[i] = 1 / math.Sqrt(lo[i]*hi[i])
			}
		}
		for j := range n {
			cl, ch := math.Inf(1), 0.0
			for e := s.colStart[j]; e < s.colStart[j+1]; e++ {
				a := math.Abs(s.colVal[e]) * s.rowScale[s.colIdx[e]]
				if a == 0 {
					continue
				}
				cl, ch = math.Min(cl, a), math.Max(ch, a)
			}
			if ch > 0 {
				s.colScale[j] = 1 / math.Sqrt(cl*ch)
			}
		}
	}
	pow2 := func(v float64) float64 { return math.Exp2(math.Round(math.Log2(v))) }
	for i := range s.rowScale {
		s.rowScale[i] = pow2(s.rowScale[i])
	}
	for j := range s.colScale {
		s.colScale[j] = pow2(s.colScale[j])
		for e := s.colStart[j]; e < s.colStart[j+1]; e++ {
			s.colVal[e] *= s.rowScale[s.colIdx[e]] * s.colScale[j]
		}
	}
}

// setBounds sets the bounds of variable v (column or row) in unscaled units.
func (s *solver) setBounds(v int, lo, up float64) {
	if v < s.n {
		s.lo[v], s.up[v] = lo/s.colScale[v], up/s.colScale[v]
	} else {
		r := s.rowScale[v-s.n]
		s.lo[v], s.up[v] = lo*r, up*r
	}
	s.tlo[v], s.tup[v] = ptol(s.lo[v]), ptol(s.up[v])
}

// setCost sets the cost of column j in unscaled units; a maximisation is solved as the
// minimisation of −cost.
func (s *solver) setCost(j int, c float64, sense lp.Sense) {
	if sense == lp.Maximize {
		c = -c
	}
	s.cost[j] = c * s.colScale[j]
}

// basis returns the current basis in the lp package's terms.
func (s *solver) basis() *lp.Basis {
	b := &lp.Basis{Cols: make([]lp.BasisStatus, s.n), Rows: make([]lp.BasisStatus, s.m)}
	conv := func(st vstat) lp.BasisStatus {
		switch st {
		case basic:
			return lp.BasisBasic
		case atUpper:
			return lp.BasisUpper
		case atZero:
			return lp.BasisZero
		}
		return lp.BasisLower
	}
	for j := range s.n {
		b.Cols[j] = conv(s.status[j])
	}
	for i := range s.m {
		b.Rows[i] = conv(s.status[s.n+i])
	}
	return b
}

// setBasis adopts b; it needs exactly one basic variable per row.
func (s *solver) setBasis(b *lp.Basis) error {
	count := 0
	for _, st := range b.Cols {
		if st == lp.BasisBasic {
			count++
		}
	}
	for _, st := range b.Rows {
		if st == lp.BasisBasic {
			count++
		}
	}
	if count != s.m {
		return fmt.Errorf("%w: basis has %d basic variables for %d rows", lp.ErrInvalidModel, count, s.m)
	}
	p := 0
	set := func(j int, st lp.BasisStatus) {
		s.pos[j] = -1
		switch st {
		case lp.BasisBasic:
			s.status[j] = basic
			s.head[p] = j
			s.pos[j] = p
			p++
		case lp.BasisUpper:
			s.place(j, atUpper)
		default:
			s.place(j, atLower)
		}
	}
	for j, st := range b.Cols {
		set(j, st)
	}
	for i, st := range b.Rows {
		set(s.n+i, st)
	}
	s.factored = false
	return nil
}
