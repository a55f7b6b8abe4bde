package simplex

import (
	"context"
	"math"
	"time"
)

// vstat is the simplex status of one variable.
type vstat int8

const (
	atLower vstat = iota // nonbasic at its lower bound (also: fixed)
	basic                // basic
	atUpper              // nonbasic at its upper bound
	atZero               // nonbasic free variable at zero
)

// result is how a simplex run ended.
type result int

const (
	optimal    result = iota
	infeasible        // no primal point exists (dual unbounded)
	unbounded         // the objective decreases without limit
	stopped           // iteration or time limit, or a cancelled context
	trouble           // numerical difficulty the method could not resolve
)

// Tolerances, in the scaled problem.
const (
	primalTol     = 1e-9  // bound violation allowed, relative to max(1, |bound|)
	dualTol       = 1e-9  // reduced-cost sign error allowed, relative to max(1, largest |cost|)
	pivotTol      = 1e-9  // smallest pivot-row or pivot-column entry a ratio test accepts
	checkTol      = 1e-7  // final optimality check: the same quantities, looser
	refactorEvery = 64    // eta-file length that triggers a fresh factorisation
	growthTol     = 1e-6  // relative disagreement of a pivot computed two ways that forces a refactorisation
	maxTrouble    = 3     // refactorisations for numerical trouble before giving up
	minIterations = 10000 // floor of the iteration limit without a fallback
)

// solver holds the computational form of one LP — minimise cᵀx subject to [A −I]·(x, r) = 0 and
// bounds on x and on the row activities r — scaled, with a basis and its factorisation. Variable
// j < n is column j; variable n+i is the activity of row i (its "logical").
type solver struct {
	n, m int
	// scaled constraint matrix, by column and by row (structural columns only)
	colStart, colIdx []int
	colVal           []float64
	rowStart, rowIdx []int
	rowVal           []float64
	colScale         []float64 // x_j = colScale_j · x'_j
	rowScale         []float64 // r'_i = rowScale_i · r_i
	nnz              []int     // entries per variable, for the elimination order
	logIdx           []int     // logical i's column −e_i: logIdx[i:i+1], logVal[i:i+1]
	logVal           []float64

	lo, up, cost []float64 // per variable, scaled; cost includes shift
	tlo, tup     []float64 // primal tolerance at each bound: ptol(lo), ptol(up)
	weight       []float64 // primal Devex reference weights
	shift        []float64 // cost shifts in effect (making a start dual feasible)
	cmax         float64   // largest |cost|, for the dual tolerance
	x, d, y      []float64 // primal values, reduced costs (per variable); duals (per row)
	status       []vstat
	head         []int // basis position → variable
	pos          []int // variable → basis position, −1 when nonbasic

	f        *factor
	factored bool
	// dualFresh says d holds the reduced costs of the current basis and costs, computed afresh
	// at the end of the last run: a run after bound changes alone need not compute them again.
	dualFresh bool
	cols      []sparseCol // scratch for factorize
	order     []int
	countBuf  []int

	alpha    []float64 // pivot row by variable (scratch, zero between uses)
	touched  []int     // variables with a nonzero pivot-row entry
	colBuf   []float64 // ftran of the entering column, position space
	colNz    []int     // positions of colBuf's nonzeros
	rhoBuf   []float64 // btran of a unit vector, row space (zero outside rhoNz)
	rhoNz    []int
	unit     [1]int
	cand     []int     // primal pricing candidates: a superset of the dual-infeasible variables
	dse      []float64 // dual steepest-edge weights by basis position
	tauBuf   []float64 // B⁻¹ρ for the weights (zero outside tauNz)
	tauNz    []int
	infList  []int // dual pricing candidates: primal-infeasible positions (a superset)
	bps      []breakpoint
	flips    []int     // variables the dual ratio test passed: to their other bound
	flipBuf  []float64 // Σ a_j Δx_j of the flips, row space (zero between uses)
	flipRows []int
	inInf    []bool // by position
	waived   []bool // by position: an infeasibility within checkTol that no pivot can remove, ignored until the next refresh
	inCand   []bool
	rowBuf   []float64 // btran scratch

	iters    int
	maxIters int
	capped   bool
	deadline time.Time
}

// dtol is the dual feasibility tolerance.
func (s *solver) dtol() float64 { return dualTol * max(1, s.cmax) }

// ptol is the primal feasibility tolerance at bound b.
func ptol(b float64) float64 { return primalTol * max(1, math.Abs(b)) }

// nonbasicValue is the value of nonbasic variable j.
func (s *solver) nonbasicValue(j int) float64 {
	switch s.status[j] {
	case atLower:
		return s.lo[j]
	case atUpper:
		return s.up[j]
	}
	return 0
}

// place puts nonbasic variable j at a finite bound, preferring its current side.
func (s *solver) place(j int, prefer vstat) {
	lo, up := s.lo[j], s.up[j]
	switch {
	case lo == up:
		s.status[j] = atLower
	case prefer == atUpper && !math.IsInf(up, 1):
		s.status[j] = atUpper
	case !math.IsInf(lo, -1):
		s.status[j] = atLower
	case !math.IsInf(up, 1):
		s.status[j] = atUpper
	default:
		s.status[j] = atZero
	}
}

// slackBasis makes every logical basic and every column nonbasic at the bound nearest zero.
func (s *solver) slackBasis() {
	for j := 0; j < s.n; j++ {
		s.pos[j] = -1
		pref := atLower
		if math.Abs(s.up[j]) < math.Abs(s.lo[j]) {
			pref = atUpper
		}
		s.place(j, pref)
	}
	for i := 0; i < s.m; i++ {
		s.status[s.n+i] = basic
		s.head[i] = s.n + i
		s.pos[s.n+i] = i
	}
	s.factored = false
	s.dualFresh = false
}

// column returns variable j's column of [A −I] in row space.
func (s *solver) column(j int) sparseCol {
	if j < s.n {
		return sparseCol{idx: s.colIdx[s.colStart[j]:s.colStart[j+1]], val: s.colVal[s.colStart[j]:s.colStart[j+1]]}
	}
	i := j - s.n
	return sparseCol{idx: s.logIdx[i : i+1], val: s.logVal[i : i+1]}
}

// factorize factorises the basis, replacing singular positions by logicals.
func (s *solver) factorize() {
	s.dualFresh = false
	if s.f == nil {
		s.f = newFactor(s.m)
	}
	for range 4 {
		bad, free := s.f.factorize(s.colsOf(), s.eliminationOrder())
		if len(bad) == 0 {
			s.factored = true
			return
		}
		for t, p := range bad {
			j := s.head[p]
			s.status[j] = atLower
			s.place(j, atLower)
			s.pos[j] = -1
			l := s.n + free[t]
			s.status[l] = basic
			s.head[p] = l
			s.pos[l] = p
		}
	}
	// a basis of logicals only cannot be singular
	s.slackBasis()
	s.f.factorize(s.colsOf(), s.identityOrder())
	s.factored = true
}

// colsOf returns the basis columns by position (scratch, valid until the next call).
func (s *solver) colsOf() []sparseCol {
	s.cols = s.cols[:0]
	for _, j := range s.head {
		s.cols = append(s.cols, s.column(j))
	}
	return s.cols
}

// eliminationOrder returns the basis positions by ascending column count, ties by position (a
// counting sort; scratch, valid until the next call).
func (s *solver) eliminationOrder() []int {
	maxNnz := 0
	for _, j := range s.head {
		maxNnz = max(maxNnz, s.nnz[j])
	}
	count := resize(s.countBuf, maxNnz+2)
	clear(count)
	for _, j := range s.head {
		count[s.nnz[j]+1]++
	}
	for c := 1; c < len(count); c++ {
		count[c] += count[c-1]
	}
	s.order = resize(s.order, s.m)
	for p, j := range s.head {
		c := s.nnz[j]
		s.order[count[c]] = p
		count[c]++
	}
	s.countBuf = count
	return s.order
}

// identityOrder returns the positions 0…m−1 (scratch, valid until the next call).
func (s *solver) identityOrder() []int {
	s.order = s.order[:0]
	for p := range s.m {
		s.order = append(s.order, p)
	}
	return s.order
}

// computePrimal sets nonbasic variables to their bounds and solves for the basic ones.
func (s *solver) computePrimal() {
	rhs := s.rowBuf
	clear(rhs)
	for j, st := range s.status {
		if st == basic {
			continue
		}
		v := s.nonbasicValue(j)
		s.x[j] = v
		if v == 0 {
			continue
		}
		if j < s.n {
			for e := s.colStart[j]; e < s.colStart[j+1]; e++ {
				rhs[s.colIdx[e]] -= s.colVal[e] * v
			}
		} else {
			rhs[j-s.n] += v
		}
	}
	s.f.ftran(rhs)
	for p, j := range s.head {
		s.x[j] = rhs[p]
	}
}

// computeDual solves Bᵀy = c_B and prices every nonbasic variable.
func (s *solver) computeDual() {
	y := s.y
	for p, j := range s.head {
		y[p] = s.cost[j]
	}
	s.f.btran(y)
	for j := 0; j < s.n; j++ {
		if s.status[j] == basic {
			s.d[j] = 0
			continue
		}
		v := s.cost[j]
		for e := s.colStart[j]; e < s.colStart[j+1]; e++ {
			v -= s.colVal[e] * y[s.colIdx[e]]
		}
		s.d[j] = v
	}
	for i := 0; i < s.m; i++ {
		j := s.n + i
		if s.status[j] == basic {
			s.d[j] = 0
		} else {
			s.d[j] = s.cost[j] + y[i]
		}
	}
}

// refresh refactorises and recomputes primal and dual values from scratch.
func (s *solver) refresh() {
	s.factorize()
	s.computePrimal()
	s.computeDual()
	s.resetCandidates()
}

// pivotRow fills s.alpha with row r of B⁻¹[A −I] for the nonbasic variables (s.touched lists
// the nonzeros); clearPivotRow undoes it.
func (s *solver) pivotRow(r int) {
	rho := s.rhoBuf
	for _, i := range s.rhoNz {
		rho[i] = 0
	}
	rho[r] = 1
	s.unit[0] = r
	s.rhoNz = append(s.rhoNz[:0], s.f.btranSparse(rho, s.unit[:])...)
	for _, i := range s.rhoNz {
		v := rho[i]
		if v == 0 {
			continue
		}
		for e := s.rowStart[i]; e < s.rowStart[i+1]; e++ {
			j := s.rowIdx[e]
			if s.status[j] == basic {
				continue
			}
			if s.alpha[j] == 0 {
				s.touched = append(s.touched, j)
			}
			s.alpha[j] += v * s.rowVal[e]
			if s.alpha[j] == 0 {
				s.alpha[j] = math.SmallestNonzeroFloat64 // keep it listed once
			}
		}
		if l := s.n + i; s.status[l] != basic {
			if s.alpha[l] == 0 {
				s.touched = append(s.touched, l)
			}
			s.alpha[l] = -v
		}
	}
}

func (s *solver) clearPivotRow() {
	for _, j := range s.touched {
		s.alpha[j] = 0
	}
	s.touched = s.touched[:0]
}

// enteringColumn fills s.colBuf with B⁻¹ times variable j's column.
func (s *solver) enteringColumn(j int) {
	a := s.colBuf
	for _, i := range s.colNz {
		a[i] = 0
	}
	c := s.column(j)
	for t, i := range c.idx {
		a[i] += c.val[t]
	}
	s.colNz = append(s.colNz[:0], s.f.ftranSparse(a, c.idx)...)
}

// swap makes q basic in position r in place of the leaving variable, which goes nonbasic with
// status st.
func (s *solver) swap(r, q int, st vstat) {
	p := s.head[r]
	s.status[p] = st
	s.pos[p] = -1
	s.status[q] = basic
	s.head[r] = q
	s.pos[q] = r
	s.f.update(r, s.colBuf, s.colNz)
	s.iters++
}

// limit reports whether the run must stop; capped records that the iteration limit, not the
// caller's deadline or context, stopped it.
func (s *solver) limit(ctx context.Context) bool {
	if s.iters >= s.maxIters {
		s.capped = true
		return true
	}
	if s.iters%64 == 0 {
		if ctx.Err() != nil || (!s.deadline.IsZero() && time.Now().After(s.deadline)) {
			return true
		}
	}
	return false
}

// makeDualFeasible puts every boxed nonbasic variable on the side its reduced cost asks for and
// shifts the cost of every other dual-infeasible one to make its reduced cost zero. It reports
// whether a bound changed (the primal values must be recomputed) and whether a cost moved.
func (s *solver) makeDualFeasible() (flipped, shifted bool) {
	tol := s.dtol()
	for j, st := range s.status {
		if st == basic || s.lo[j] == s.up[j] {
			continue
		}
		dj := s.d[j]
		boxed := !math.IsInf(s.lo[j], -1) && !math.IsInf(s.up[j], 1)
		wrong := (st == atLower && dj < -tol) || (st == atUpper && dj > tol) || (st == atZero && math.Abs(dj) > tol)
		if !wrong {
			continue
		}
		if boxed {
			if dj < 0 {
				s.status[j] = atUpper
			} else {
				s.status[j] = atLower
			}
			flipped = true
			continue
		}
		s.shift[j] -= dj
		s.cost[j] -= dj
		s.d[j] = 0
		shifted = true
	}
	return flipped, shifted
}

// removeShifts restores the true costs.
func (s *solver) removeShifts() {
	for j, v := range s.shift {
		if v != 0 {
			s.cost[j] -= v
			s.shift[j] = 0
		}
	}
}

// run solves from the current basis: flips and cost shifts make it dual feasible, the dual
// simplex makes it primal feasible, the shifts are removed and the primal simplex restores dual
// feasibility; the result is then checked from a fresh factorisation.
func (s *solver) run(ctx context.Context) result {
	s.cmax = 0
	for _, v := range s.cost[:s.n] {
		s.cmax = max(s.cmax, math.Abs(v))
	}
	s.normalize()
	if !s.factored {
		s.factorize()
	}
	s.computePrimal()
	if !s.dualFresh { // reduced costs depend on the basis and the costs only, not on bounds
		s.computeDual()
	}
	s.dualFresh = false
	for range maxTrouble {
		before := s.iters
		flipped, shifted := s.makeDualFeasible()
		if flipped {
			s.computePrimal()
		}
		if res := s.dualSimplex(ctx); res != optimal {
			s.removeShifts()
			return res
		}
		if shifted {
			s.removeShifts()
			s.computeDual()
		}
		if res := s.primalSimplex(ctx); res != optimal {
			return res
		}
		if s.iters != before { // the values were updated along the pivots: recompute them
			s.computePrimal()
			s.computeDual()
		}
		if s.isOptimal() {
			s.dualFresh = true
			return optimal
		}
	}
	return trouble
}

// normalize moves every nonbasic variable whose status names an infinite bound (after a bound
// change) to a finite one.
func (s *solver) normalize() {
	for j, st := range s.status {
		switch {
		case st == basic:
		case st == atLower && math.IsInf(s.lo[j], -1), st == atUpper && math.IsInf(s.up[j], 1),
			st == atZero && !(math.IsInf(s.lo[j], -1) && math.IsInf(s.up[j], 1)):
			s.place(j, st)
		}
	}
}

// isOptimal checks primal and dual feasibility with the final tolerances.
func (s *solver) isOptimal() bool {
	for _, j := range s.head {
		if s.x[j] < s.lo[j]-checkTol*max(1, math.Abs(s.lo[j])) || s.x[j] > s.up[j]+checkTol*max(1, math.Abs(s.up[j])) {
			return false
		}
	}
	tol := checkTol * max(1, s.cmax)
	for j, st := range s.status {
		if s.lo[j] == s.up[j] {
			continue
		}
		switch st {
		case atLower:
			if s.d[j] < -tol {
				return false
			}
		case atUpper:
			if s.d[j] > tol {
				return false
			}
		case atZero:
			if math.Abs(s.d[j]) > tol {
				return false
			}
		}
	}
	return true
}
