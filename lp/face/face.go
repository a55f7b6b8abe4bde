// Package face picks one optimal solution of a linear program by a rule that depends on the
// model alone, never on the engine, the starting basis or the optimal vertex an engine happens to
// return. Degenerate LPs — the rule rather than the exception in network models — have many
// optimal primal solutions (equally cheap routes, suppliers or steps) and many optimal dual
// solutions (prices anywhere in an interval when a capacity, a cap and a demand step bind
// together); anything computed from them must not depend on which one comes back.
//
// The rule (docs/decisions/0012-unique-payoffs.md): the canonical point is the centre of the
// optimal face along a fixed generic direction, first for the primal and then for the dual.
//
//  1. Primal. With any optimal dual y*, the optimal primal face is P = {x feasible : x is
//     complementary to y*} (Dantzig 1963, ch. 6): columns with a non-zero reduced cost stay at
//     their bound and rows with a non-zero dual at theirs. The canonical x̄ is the midpoint of
//     argmax w·x and argmin w·x over P, for fixed positive weights w. Where P is a segment (two
//     equally cheap routes) that is its midpoint, whatever w; where max w·x is unbounded, x̄ is the
//     minimum.
//  2. Dual. With x̄, the optimal dual face is F = {y dual feasible : y complementary to x̄}. Its
//     extremes in a direction ω are the duals of the directional LP — the model with every bound
//     replaced by its local form (0 or ±ω at an active bound, free where inactive) — whose
//     optimal value is the derivative of the optimal value when the active bounds move by ω
//     (Mills 1956; Williams 1963). ȳ is the midpoint of the duals for +ω and −ω, with ω positive
//     on the rows that x̄ touches and 0 elsewhere. For a price that may lie anywhere in an interval
//     it is the middle of the interval. Rows that no non-zero column touches (a commodity at a
//     node it never reaches) have no economic price; their duals are left as found and
//     reported as undetermined.
//
// The four extremes are LPs with the model's matrix. A Picker keeps one engine for each, so
// that successive picks for states of one model (a flow problem re-solved draw after draw)
// re-solve each extreme warm from its last optimum, pushing only the bounds and costs that
// changed; after Reset each starts from the optimal basis of the solution given. A pick then
// costs about four short warm re-solves. A solution without a basis (one assembled by a
// decomposition) has its extremes solved on restrictions of the model instead: the primal face
// on the columns it can move, the directional LPs by column generation (restrict.go). The
// package knows nothing of networks.
package face

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// Tol is the relative tolerance below which a value counts as on its bound and a reduced cost or
// dual as zero: |v − bound| ≤ Tol·max(1, |bound|), |d| ≤ Tol·max(1, max |cost|).
const Tol = 1e-9

// Point is the canonical optimum of a model, in the conventions of lp.Solution (duals are
// ∂objective/∂bound in the model's sense).
type Point struct {
	Objective   float64
	X           []float64 // x̄, one per column
	RowActivity []float64 // A·x̄, one per row
	RowDual     []float64 // ȳ, one per row; meaningful only where Determined
	ReducedCost []float64 // c − Aᵀȳ, one per column; meaningful for columns touching determined rows only
	// Determined marks the rows whose dual the rule fixes: those a column with a non-zero x̄
	// touches. Other rows' duals are those of a directional LP and may differ between engines.
	Determined []bool
}

// Stats counts what a Picker did.
type Stats struct {
	Picks       int // points picked
	Solves      int // re-solves of the primal face and directional LPs
	Iterations  int // their simplex iterations
	UniqueX     int // picks whose primal optimum the basis proved unique (no primal re-solve)
	UniqueY     int // picks whose dual optimum the basis proved unique (no dual re-solve)
	Unbounded   int // primal faces unbounded in direction w (x̄ is the bounded extreme)
	Undirected  int // dual faces for which a directional LP failed: the engine's duals were kept
	Unsupported int // picks of models with integer columns: the solution was kept as is
	Retries     int // warm re-solves that claimed infeasibility and were solved again from scratch
}

// The four extremes a pick solves.
const (
	primalMax = iota // max w·x over P
	primalMin        // min w·x over P
	dualPlus         // the directional LP for +ω: argmin ω·y over F
	dualMinus        // for −ω: argmax ω·y over F
	roles
)

// Picker computes canonical optima. Use one Picker per goroutine.
type Picker struct {
	roles     [roles]role
	newEngine func() (lp.Incremental, error) // engines for the restricted extremes (restrict.go)
	stats     Stats
	buf       buffers
}

// role is one extreme's engine and the bounds and costs it holds.
type role struct {
	eng                     lp.Incremental
	model                   *lp.Model // the model whose matrix eng holds; nil before the first pick
	warm                    bool      // eng holds an optimal basis of an earlier pick since Reset
	lo, hi, rlo, rhi, costs []float64 // what eng holds
}

type buffers struct {
	lo, hi, rlo, rhi, cost []float64
	// of the model last picked (shape), kept while the matrix is the same
	model      *lp.Model
	colRows    [][]int   // the rows each column appears in
	wCol, wRow []float64 // the weights of the fixed directions
}

// prepare fills the buffers that depend on m's matrix only, when m is not the last model.
func (b *buffers) prepare(m *lp.Model) {
	n, nr := len(m.Vars), len(m.Rows)
	if b.model == m && len(b.wCol) == n && len(b.wRow) == nr {
		return
	}
	b.model = m
	b.colRows = columnRows(m, b.colRows)
	b.wCol, b.wRow = grow(b.wCol, n), grow(b.wRow, nr)
	for j := range b.wCol {
		b.wCol[j] = weight(j)
	}
	for i := range b.wRow {
		b.wRow[i] = weight(n + i)
	}
}

// New returns a Picker whose four engines come from newEngine (nil: pure-Go simplex engines).
// newEngine also makes the short-lived engines of the restricted extremes of solutions without a
// basis. The Picker owns its engines: Close closes them.
func New(newEngine func() (lp.Incremental, error)) (*Picker, error) {
	if newEngine == nil {
		newEngine = func() (lp.Incremental, error) { return simplex.New(simplex.Config{}), nil }
	}
	p := &Picker{newEngine: newEngine}
	for i := range p.roles {
		e, err := newEngine()
		if err != nil {
			_ = p.Close()
			return nil, fmt.Errorf("face: %w", err)
		}
		p.roles[i].eng = e
	}
	return p, nil
}

// Close releases the Picker's engines.
func (p *Picker) Close() error {
	var errs []error
	for i := range p.roles {
		if p.roles[i].eng != nil {
			errs = append(errs, p.roles[i].eng.Close())
		}
	}
	return errors.Join(errs...)
}

// Reset makes the next pick start every extreme from the optimal basis of the solution it is
// given, rather than from the extremes of the last pick. Results do not depend on it beyond the
// last bits of rounding; call it where a sequence of picks must give the same bits whatever ran
// before (a Monte Carlo draw on any worker).
func (p *Picker) Reset() {
	for i := range p.roles {
		p.roles[i].warm = false
	}
}

// Stats returns the counts of the Picker's work so far.
func (p *Picker) Stats() Stats { return p.stats }

// ErrNotOptimal is returned for a solution that is not optimal: it has no optimal face.
var ErrNotOptimal = errors.New("face: solution is not optimal")

// Pick returns the canonical optimum of m, given one optimal solution sol of it (any engine,
// with or without a basis). A model with integer columns is returned as sol is (counted in
// Stats.Unsupported): its optimum is not a face of an LP.
func (p *Picker) Pick(ctx context.Context, m *lp.Model, sol *lp.Solution) (*Point, error) {
	if sol == nil || sol.Status != lp.StatusOptimal {
		return nil, ErrNotOptimal
	}
	p.stats.Picks++
	n, nr := len(m.Vars), len(m.Rows)
	if m.IsMIP() {
		p.stats.Unsupported++
		return pointFrom(m, sol), nil
	}
	b := &p.buf
	b.prepare(m)
	xbar, start, err := p.primal(ctx, m, sol)
	if err != nil {
		return nil, err
	}
	act := activity(m, xbar)
	det := make([]bool, nr)
	for j, x := range xbar {
		if x != 0 {
			for _, i := range b.colRows[j] {
				det[i] = true
			}
		}
	}
	ybar, err := p.dual(ctx, m, sol, start, xbar, act, det)
	if err != nil {
		return nil, err
	}
	pt := &Point{X: xbar, RowActivity: act, RowDual: ybar, Determined: det, ReducedCost: make([]float64, n), Objective: m.Offset}
	for j, v := range m.Vars {
		pt.ReducedCost[j] = v.Cost
		pt.Objective += v.Cost * xbar[j]
	}
	for i, r := range m.Rows {
		for k, j := range r.Index {
			pt.ReducedCost[j] -= ybar[i] * r.Coef[k]
		}
	}
	return pt, nil
}

// primal returns x̄, the midpoint of the extremes of the optimal primal face in direction w, and
// an optimal basis of m to start the directional LPs from: sol's, or for a solution without one,
// that of a primal extreme.
func (p *Picker) primal(ctx context.Context, m *lp.Model, sol *lp.Solution) ([]float64, *lp.Basis, error) {
	n, nr := len(m.Vars), len(m.Rows)
	xbar := snapped(m, sol.X, p.buf.colRows)
	if primalUnique(m, sol) {
		p.stats.UniqueX++
		return xbar, sol.Basis, nil
	}
	b := &p.buf
	b.lo, b.hi, b.rlo, b.rhi, b.cost = grow(b.lo, n), grow(b.hi, n), grow(b.rlo, nr), grow(b.rhi, nr), grow(b.cost, n)
	// P: a column with a non-zero reduced cost stays where it is in every optimum, and a row
	// with a non-zero dual likewise. Bounds are widened to hold x* and A·x* as computed from the
	// held values, which an engine returns with rounding: otherwise a balance whose columns are
	// all held may sum to ±1e-9 rather than 0, and P look empty to the simplex.
	scale := costScale(m)
	for j, v := range m.Vars {
		b.lo[j], b.hi[j] = min(v.Lower, xbar[j]), max(v.Upper, xbar[j])
		if math.Abs(sol.ReducedCost[j]) > Tol*max(scale, math.Abs(v.Cost)) {
			b.lo[j], b.hi[j] = xbar[j], xbar[j]
		}
	}
	act := activity(m, xbar)
	for i, r := range m.Rows {
		b.rlo[i], b.rhi[i] = min(r.Lower, act[i]), max(r.Upper, act[i])
		if math.Abs(sol.RowDual[i]) > Tol*scale && (onBound(act[i], r.Upper) || onBound(act[i], r.Lower)) {
			b.rlo[i], b.rhi[i] = act[i], act[i]
		}
	}
	var ext [2]*lp.Solution
	start := sol.Basis
	if start == nil {
		var err error
		if ext, start, err = p.primalRestricted(ctx, m, xbar); err != nil {
			return nil, nil, err
		}
	}
	for k, sign := range [2]float64{1, -1} {
		if ext[k] != nil {
			break
		}
		for j := range b.cost {
			b.cost[j] = sign * b.wCol[j]
		}
		s, err := p.solve(ctx, primalMax+k, m, sol.Basis, lp.PartDual|lp.PartBasis)
		if err != nil {
			return nil, nil, err
		}
		ext[k] = s
	}
	first, second := ext[0], ext[1]
	switch {
	case first.Status == lp.StatusOptimal && second.Status == lp.StatusOptimal:
		for j := range xbar {
			xbar[j] = 0.5 * (first.X[j] + second.X[j])
		}
	case first.Status == lp.StatusUnbounded && second.Status == lp.StatusOptimal,
		first.Status == lp.StatusOptimal && second.Status == lp.StatusUnbounded:
		// The face is unbounded in one direction: take the bounded extreme.
		p.stats.Unbounded++
		keep := first
		if keep.Status != lp.StatusOptimal {
			keep = second
		}
		copy(xbar, keep.X)
	default:
		return nil, nil, fmt.Errorf("face: primal face LP ended %s and %s: the solution given is not optimal for the model", first.Status, second.Status)
	}
	return snapped(m, xbar, p.buf.colRows), start, nil
}

// dual returns ȳ, the midpoint of the extremes of the optimal dual face in direction ±ω over
// the determined rows, each solved from start (an optimal basis of m) or warm from the last pick.
func (p *Picker) dual(ctx context.Context, m *lp.Model, sol *lp.Solution, start *lp.Basis, xbar, act []float64, det []bool) ([]float64, error) {
	n, nr := len(m.Vars), len(m.Rows)
	ybar := append([]float64(nil), sol.RowDual...)
	if dualUnique(m, sol) {
		p.stats.UniqueY++
		return ybar, nil
	}
	b := &p.buf
	b.lo, b.hi, b.rlo, b.rhi, b.cost = grow(b.lo, n), grow(b.hi, n), grow(b.rlo, nr), grow(b.rhi, nr), grow(b.cost, n)
	for j, v := range m.Vars {
		b.cost[j] = v.Cost
		b.lo[j], b.hi[j] = math.Inf(-1), math.Inf(1)
		if onBound(xbar[j], v.Lower) {
			b.lo[j] = 0
		}
		if onBound(xbar[j], v.Upper) {
			b.hi[j] = 0
		}
	}
	var ext [2]*lp.Solution
	for k, sign := range [2]float64{1, -1} {
		localRows(m, act, det, sign, b)
		s, err := p.solve(ctx, dualPlus+k, m, start, lp.PartPrimal|lp.PartBasis)
		if err != nil {
			return nil, err
		}
		ext[k] = s
	}
	if ext[0].Status != lp.StatusOptimal || ext[1].Status != lp.StatusOptimal {
		// A determined dual unbounded over the face, or trouble in a directional LP: keep the
		// engine's duals (counted; they are optimal but may not be unique).
		p.stats.Undirected++
		return ybar, nil
	}
	for i := range ybar {
		ybar[i] = 0.5 * (ext[0].RowDual[i] + ext[1].RowDual[i])
	}
	return ybar, nil
}

// solve solves the extreme k: m's matrix with the buffered bounds and costs, warm from the
// extreme's last optimum, or from start after Reset. A warm re-solve that claims infeasibility or
// unboundedness is solved again from scratch: every extreme LP is feasible when sol is optimal (P
// holds x*), so an infeasible one is rounding in the engine, and an unbounded directional LP
// from a warm basis may be too. Only what a cold solve says counts, so the pick does not depend
// on the path of earlier solves.
// leave names the parts of the solution the pick does not read.
func (p *Picker) solve(ctx context.Context, k int, m *lp.Model, start *lp.Basis, leave lp.Parts) (*lp.Solution, error) {
	r := &p.roles[k]
	if err := r.push(ctx, m, &p.buf, false); err != nil {
		return nil, err
	}
	scratch := !r.warm && start == nil // no basis to start from: already what a retry would do
	if !r.warm && start != nil {
		if err := r.eng.SetBasis(ctx, start); err != nil {
			return nil, fmt.Errorf("face: %w", err)
		}
	}
	s, err := p.resolve(ctx, r, leave)
	if err != nil || scratch || s.Status != lp.StatusInfeasible && s.Status != lp.StatusUnbounded {
		return s, err
	}
	p.stats.Retries++
	if err := r.push(ctx, m, &p.buf, true); err != nil {
		return nil, err
	}
	return p.resolve(ctx, r, leave)
}

// push makes the role's engine hold m's matrix with the buffered bounds and costs, setting only
// what changed since the last push; reload starts afresh from a copy of m (no basis).
func (r *role) push(ctx context.Context, m *lp.Model, b *buffers, reload bool) error {
	n, nr := len(m.Vars), len(m.Rows)
	if reload || r.model != m || len(r.lo) != n || len(r.rlo) != nr {
		if err := r.eng.Load(ctx, m); err != nil {
			return fmt.Errorf("face: %w", err)
		}
		r.model, r.warm = m, false
		r.lo, r.hi, r.costs = make([]float64, n), make([]float64, n), make([]float64, n)
		r.rlo, r.rhi = make([]float64, nr), make([]float64, nr)
		for j, v := range m.Vars {
			r.lo[j], r.hi[j], r.costs[j] = v.Lower, v.Upper, v.Cost
		}
		for i, row := range m.Rows {
			r.rlo[i], r.rhi[i] = row.Lower, row.Upper
		}
	}
	var ci, bi, ri []int
	var cv, blo, bhi, rlo, rhi []float64
	for j := range n {
		if r.costs[j] != b.cost[j] {
			ci, cv = append(ci, j), append(cv, b.cost[j])
			r.costs[j] = b.cost[j]
		}
		if r.lo[j] != b.lo[j] || r.hi[j] != b.hi[j] {
			bi, blo, bhi = append(bi, j), append(blo, b.lo[j]), append(bhi, b.hi[j])
			r.lo[j], r.hi[j] = b.lo[j], b.hi[j]
		}
	}
	for i := range nr {
		if r.rlo[i] != b.rlo[i] || r.rhi[i] != b.rhi[i] {
			ri, rlo, rhi = append(ri, i), append(rlo, b.rlo[i]), append(rhi, b.rhi[i])
			r.rlo[i], r.rhi[i] = b.rlo[i], b.rhi[i]
		}
	}
	for _, err := range []error{setIf(r.eng.SetCosts, ci, cv), setIf2(r.eng.SetColBounds, bi, blo, bhi), setIf2(r.eng.SetRowBounds, ri, rlo, rhi)} {
		if err != nil {
			return fmt.Errorf("face: %w", err)
		}
	}
	return nil
}

func setIf(f func([]int, []float64) error, idx []int, v []float64) error {
	if len(idx) == 0 {
		return nil
	}
	return f(idx, v)
}

func setIf2(f func([]int, []float64, []float64) error, idx []int, lo, hi []float64) error {
	if len(idx) == 0 {
		return nil
	}
	return f(idx, lo, hi)
}

// resolve re-solves the role's model and counts the work; infeasible and unbounded outcomes are
// returned as solutions, engine failures as errors. An optimum makes the role warm.
func (p *Picker) resolve(ctx context.Context, r *role, leave lp.Parts) (*lp.Solution, error) {
	s, err := r.eng.Resolve(ctx, lp.Options{Leave: leave})
	if err != nil {
		return nil, fmt.Errorf("face: %w", err)
	}
	p.stats.Solves++
	p.stats.Iterations += s.Iterations
	r.warm = s.Status == lp.StatusOptimal
	return s, nil
}

// weight returns the k-th weight of the fixed direction, in [1, 1.5): 1 + u/2 with u the
// splitmix64 hash of k (Steele, Lea and Flood 2014) as a fraction of 2⁶⁴. Hashed weights satisfy
// no linear relation with small integer coefficients, as a direction of an optimal face of a
// network LP (a cycle of flows, a chain of prices) would need for two vertices to tie; an
// arithmetic sequence such as k·φ mod 1 does.
func weight(k int) float64 {
	z := uint64(k) + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return 1 + float64(z>>11)/(1<<53)/2
}

// primalUnique reports whether the basis proves the primal optimum unique: every nonbasic column
// and row has a non-zero reduced cost or dual (dual nondegeneracy).
func primalUnique(m *lp.Model, sol *lp.Solution) bool {
	if sol.Basis == nil {
		return false
	}
	scale := costScale(m)
	for j, v := range m.Vars {
		if sol.Basis.Cols[j] != lp.BasisBasic && v.Lower != v.Upper && math.Abs(sol.ReducedCost[j]) <= Tol*max(scale, math.Abs(v.Cost)) {
			return false
		}
	}
	for i, r := range m.Rows {
		if sol.Basis.Rows[i] != lp.BasisBasic && r.Lower != r.Upper && math.Abs(sol.RowDual[i]) <= Tol*scale {
			return false
		}
	}
	return true
}

// dualUnique reports whether the basis proves the dual optimum unique: no basic column or row is
// on a bound (primal nondegeneracy).
func dualUnique(m *lp.Model, sol *lp.Solution) bool {
	if sol.Basis == nil {
		return false
	}
	for j, v := range m.Vars {
		if sol.Basis.Cols[j] == lp.BasisBasic && (onBound(sol.X[j], v.Lower) || onBound(sol.X[j], v.Upper)) {
			return false
		}
	}
	for i, r := range m.Rows {
		if sol.Basis.Rows[i] == lp.BasisBasic && (onBound(sol.RowActivity[i], r.Lower) || onBound(sol.RowActivity[i], r.Upper)) {
			return false
		}
	}
	return true
}

func onBound(v, bound float64) bool {
	return !math.IsInf(bound, 0) && math.Abs(v-bound) <= Tol*max(1, math.Abs(bound))
}

// snapped returns a copy of x with each value within Tol of a bound of its column set to the
// bound exactly, so that classification and the reported flows do not carry the engine's last
// bits. Within Tol of the bound's size, or of the largest row the column is in (Σ |a·x| of the
// row): a value a billionth of the terms it is summed with is rounding — the 2·10⁻⁹ t a warm
// re-solve leaves circling on links beside flows of 10⁷ t — and taking it for a flow would make
// the rows it touches determined, and the dual face it defines depend on the engine's path.
func snapped(m *lp.Model, x []float64, colRows [][]int) []float64 {
	mag := make([]float64, len(m.Rows))
	for i, r := range m.Rows {
		for k, j := range r.Index {
			mag[i] += math.Abs(r.Coef[k] * x[j])
		}
	}
	out := make([]float64, len(x))
	for j, v := range x {
		size := 1.0
		for _, i := range colRows[j] {
			size = max(size, mag[i])
		}
		near := func(bound float64) bool {
			return !math.IsInf(bound, 0) && math.Abs(v-bound) <= Tol*max(size, math.Abs(bound))
		}
		switch {
		case near(m.Vars[j].Lower):
			v = m.Vars[j].Lower
		case near(m.Vars[j].Upper):
			v = m.Vars[j].Upper
		}
		out[j] = v
	}
	return out
}

// costScale returns max(1, max |cost|): the scale of reduced costs and duals.
func costScale(m *lp.Model) float64 {
	s := 1.0
	for _, v := range m.Vars {
		s = max(s, math.Abs(v.Cost))
	}
	return s
}

func activity(m *lp.Model, x []float64) []float64 {
	act := make([]float64, len(m.Rows))
	for i, r := range m.Rows {
		for k, j := range r.Index {
			act[i] += r.Coef[k] * x[j]
		}
	}
	return act
}

// columnRows returns, for each column, the rows it appears in, reusing buf.
func columnRows(m *lp.Model, buf [][]int) [][]int {
	buf = grow2(buf, len(m.Vars))
	for j := range buf {
		buf[j] = buf[j][:0]
	}
	for i, r := range m.Rows {
		for _, j := range r.Index {
			buf[j] = append(buf[j], i)
		}
	}
	return buf
}

func pointFrom(m *lp.Model, sol *lp.Solution) *Point {
	det := make([]bool, len(m.Rows))
	for i := range det {
		det[i] = true
	}
	return &Point{Objective: sol.Objective, X: append([]float64(nil), sol.X...), RowActivity: append([]float64(nil), sol.RowActivity...),
		RowDual: append([]float64(nil), sol.RowDual...), ReducedCost: append([]float64(nil), sol.ReducedCost...), Determined: det}
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func grow2(s [][]int, n int) [][]int {
	if cap(s) < n {
		return append(s[:cap(s)], make([][]int, n-cap(s))...)
	}
	return s[:n]
}

// localRows fills the buffered row bounds with the local form of each row's bounds at the
// activity act: ±ω on the determined rows at a bound, 0 on the others at a bound, free elsewhere.
func localRows(m *lp.Model, act []float64, det []bool, sign float64, b *buffers) {
	for i, r := range m.Rows {
		w := 0.0
		if det[i] {
			w = sign * b.wRow[i]
		}
		b.rlo[i], b.rhi[i] = math.Inf(-1), math.Inf(1)
		// An equality row is active whatever its computed activity: a balance whose terms are
		// large sums to ±1e-6 rather than 0 in floating point, and taking it for inactive
		// would drop the balance from the directional LP and open rays that do not exist.
		eq := r.Lower == r.Upper
		if eq || onBound(act[i], r.Lower) {
			b.rlo[i] = w
		}
		if eq || onBound(act[i], r.Upper) {
			b.rhi[i] = w
		}
	}
}
