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
	minIterations = 10000 // floor of the iteration limit
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
	cols     []sparseCol // scratch for factorize
	order    []int
	countBuf []int

	alpha   []float64 // pivot row by variable (scratch, zero between uses)
	touched []int     // variables with a nonzero pivot-row entry
	colBuf  []float64 // ftran of the entering column, position space
	colNz   []int     // positions of colBuf's nonzeros
	rhoBuf  []float64 // btran of a unit vector, row space (zero outside rhoNz)
	rhoNz   []int
	unit    [1]int
	cand    []int     // primal pricing candidates: a superset of the dual-infeasible variables
	dse     []float64 // dual steepest-edge weights by basis position
	tauBuf  []float64 // B⁻¹ρ for the weights (zero outside tauNz)
	tauNz   []int
	infList []int  // dual pricing candidates: primal-infeasible positions (a superset)
	inInf   []bool // by position
	inCand  []bool
	rowBuf  []float64 // btran scratch

	iters    int
	maxIters int
	capped   bool
	deadline time.Time
}

// dtol is the dual feasibility tolerance.
func (s *solver) dtol() float64 { return dualTol * math.Max(1, s.cmax) }

// ptol is the primal feasibility tolerance at bound b.
func ptol(b float64) float64 { return primalTol * math.Max(1, math.Abs(b)) }

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

// infeasibility is the dual infeasibility of nonbasic variable j (≤ 0 when it is dual feasible).
func (s *solver) infeasibility(j int) float64 {
	if s.lo[j] == s.up[j] {
		return 0
	}
	switch s.status[j] {
	case atLower:
		return -s.d[j]
	case atUpper:
		return s.d[j]
	case atZero:
		return math.Abs(s.d[j])
	}
	return 0
}

// resetCandidates lists every dual-infeasible variable for primal pricing.
func (s *solver) resetCandidates() {
	for _, j := range s.cand {
		s.inCand[j] = false
	}
	s.cand = s.cand[:0]
	tol := s.dtol()
	for j := range s.status {
		if s.infeasibility(j) > tol {
			s.addCandidate(j)
		}
	}
}

func (s *solver) addCandidate(j int) {
	if !s.inCand[j] {
		s.inCand[j] = true
		s.cand = append(s.cand, j)
	}
}

// price returns the entering variable of the primal simplex: the largest squared dual
// infeasibility relative to its Devex weight, or −1. Reduced costs change only in the pivot row,
// whose variables are added to the candidates, so the list is rebuilt lazily here.
func (s *solver) price() int {
	tol := s.dtol()
	q, best := -1, 0.0
	keep := s.cand[:0]
	for _, j := range s.cand {
		v := s.infeasibility(j)
		if v <= tol {
			s.inCand[j] = false
			continue
		}
		keep = append(keep, j)
		if v = v * v / s.weight[j]; v > best || (v == best && j < q) {
			q, best = j, v
		}
	}
	s.cand = keep
	return q
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

// dualSimplex iterates from a dual feasible basis until it is primal feasible (bounded dual
// simplex with the textbook ratio test in Harris's two passes; Koberstein 2005, Algorithm 7).
func (s *solver) dualSimplex(ctx context.Context) result {
	troubles := 0
	for p := range s.dse {
		s.dse[p] = 1
	}
	s.resetInfeasible()
	for {
		r, sigma := s.chuzr()
		if r < 0 {
			return optimal
		}
		if s.limit(ctx) {
			return stopped
		}
		s.pivotRow(r)
		q := s.dualRatio(sigma)
		if q < 0 {
			s.clearPivotRow()
			if troubles < maxTrouble && s.f.updates() > 0 {
				troubles++
				s.refresh()
				s.resetInfeasible()
				continue
			}
			return infeasible
		}
		s.enteringColumn(q)
		if aq := s.colBuf[r]; math.Abs(aq-s.alpha[q]) > growthTol*math.Max(1, math.Abs(aq)) || math.Abs(aq) < pivotTol {
			s.clearPivotRow()
			if troubles >= maxTrouble {
				return trouble
			}
			troubles++
			s.refresh()
			s.resetInfeasible()
			continue
		}
		p := s.head[r]
		aq := s.colBuf[r]
		// dual step: d_j ← d_j − t·α_j; the leaving variable's reduced cost becomes −t
		t := s.d[q] / aq
		if sigma*t < 0 {
			t = 0
		}
		for _, j := range s.touched {
			s.d[j] -= t * s.alpha[j]
		}
		s.clearPivotRow()
		s.d[q] = 0
		s.d[p] = -t
		s.updateDSE(r)
		// primal step
		bound, st := s.lo[p], atLower
		if sigma > 0 {
			bound, st = s.up[p], atUpper
		}
		if s.lo[p] == s.up[p] {
			st = atLower
		}
		theta := (s.x[p] - bound) / aq
		for _, i := range s.colNz {
			s.x[s.head[i]] -= theta * s.colBuf[i]
		}
		s.x[q] += theta
		s.x[p] = bound
		s.swap(r, q, st)
		for _, i := range s.colNz {
			s.noteInfeasible(i)
		}
		if s.f.updates() >= refactorEvery {
			s.refresh()
			s.resetInfeasible()
		}
	}
}

// primalInfeasibility returns by how much the basic variable at position p violates a bound and
// towards which bound it must move (−1 lower, +1 upper); 0, 0 when within tolerance.
func (s *solver) primalInfeasibility(p int) (v, sigma float64) {
	j := s.head[p]
	xj := s.x[j]
	if v := s.lo[j] - xj; v > s.tlo[j] {
		return v, -1
	}
	if v := xj - s.up[j]; v > s.tup[j] {
		return v, 1
	}
	return 0, 0
}

// resetInfeasible lists every primal-infeasible basis position for the dual pricing.
func (s *solver) resetInfeasible() {
	for _, p := range s.infList {
		s.inInf[p] = false
	}
	s.infList = s.infList[:0]
	for p := range s.head {
		s.noteInfeasible(p)
	}
}

// noteInfeasible adds position p to the list if its variable is infeasible.
func (s *solver) noteInfeasible(p int) {
	if !s.inInf[p] {
		if v, _ := s.primalInfeasibility(p); v > 0 {
			s.inInf[p] = true
			s.infList = append(s.infList, p)
		}
	}
}

// chuzr chooses the leaving position of the dual simplex: the largest squared infeasibility
// relative to its dual steepest-edge weight (Forrest and Goldfarb 1992), or −1 when the basis is
// primal feasible. Positions that became feasible leave the list here.
func (s *solver) chuzr() (r int, sigma float64) {
	r, best := -1, 0.0
	keep := s.infList[:0]
	for _, p := range s.infList {
		v, sg := s.primalInfeasibility(p)
		if v == 0 {
			s.inInf[p] = false
			continue
		}
		keep = append(keep, p)
		if v = v * v / s.dse[p]; v > best || (v == best && p < r) {
			r, best, sigma = p, v, sg
		}
	}
	s.infList = keep
	return r, sigma
}

// updateDSE updates the dual steepest-edge weights for the pivot on position r, with the pivot
// row's btran in s.rhoBuf and the entering column's ftran in s.colBuf (Forrest and Goldfarb 1992,
// as in Koberstein 2005, §3.3): w_r ← w_r/α_r², w_i ← w_i − 2(α_i/α_r)τ_i + (α_i/α_r)²w_r with
// τ = B⁻¹ρ_r.
func (s *solver) updateDSE(r int) {
	wr := 0.0
	tau := s.tauBuf
	for _, i := range s.rhoNz {
		v := s.rhoBuf[i]
		wr += v * v
		tau[i] = v
	}
	s.tauNz = append(s.tauNz[:0], s.f.ftranSparse(tau, s.rhoNz)...)
	ar := s.colBuf[r]
	for _, i := range s.colNz {
		if i == r {
			continue
		}
		ratio := s.colBuf[i] / ar
		if ratio == 0 {
			continue
		}
		s.dse[i] = math.Max(s.dse[i]-2*ratio*tau[i]+ratio*ratio*wr, 1e-4)
	}
	s.dse[r] = math.Max(wr/(ar*ar), 1e-4)
	for _, i := range s.tauNz {
		tau[i] = 0
	}
}

// dualRatio chooses the entering variable for a leaving variable moving towards its upper
// (sigma = 1) or lower (sigma = −1) bound, or returns −1 when none limits the dual step.
func (s *solver) dualRatio(sigma float64) int {
	tol := s.dtol()
	bound := math.Inf(1)
	eligible := func(j int) (a float64, ok bool) {
		if s.lo[j] == s.up[j] {
			return 0, false
		}
		a = sigma * s.alpha[j]
		switch s.status[j] {
		case atLower:
			return a, a > pivotTol
		case atUpper:
			return a, a < -pivotTol
		case atZero:
			return a, math.Abs(a) > pivotTol
		}
		return 0, false
	}
	for _, j := range s.touched {
		a, ok := eligible(j)
		if !ok {
			continue
		}
		var ratio float64
		if a > 0 {
			ratio = (s.d[j] + tol) / a
		} else {
			ratio = (s.d[j] - tol) / a
		}
		bound = math.Min(bound, ratio)
	}
	if math.IsInf(bound, 1) {
		return -1
	}
	q, best := -1, 0.0
	for _, j := range s.touched {
		a, ok := eligible(j)
		if !ok {
			continue
		}
		if ratio := s.d[j] / a; ratio <= bound {
			if v := math.Abs(a); v > best || (v == best && j < q) {
				q, best = j, v
			}
		}
	}
	return q
}

// primalSimplex iterates from a primal feasible basis until it is dual feasible (bounded primal
// simplex, Dantzig pricing, Harris's two-pass ratio test with bound flips).
func (s *solver) primalSimplex(ctx context.Context) result {
	troubles := 0
	for j := range s.weight {
		s.weight[j] = 1
	}
	s.resetCandidates()
	for {
		q := s.price()
		if q < 0 {
			return optimal
		}
		if s.limit(ctx) {
			return stopped
		}
		dir := 1.0 // x_q increases
		if s.d[q] > 0 {
			dir = -1
		}
		s.enteringColumn(q)
		// Harris pass 1: the largest step every basic variable allows within tolerance
		bound := math.Inf(1)
		for _, i := range s.colNz {
			a := s.colBuf[i]
			if math.Abs(a) <= pivotTol {
				continue
			}
			j := s.head[i]
			a *= dir // x_j changes by −θ·a
			if a > 0 && s.lo[j] > math.Inf(-1) {
				bound = math.Min(bound, (s.x[j]-s.lo[j]+s.tlo[j])/a)
			} else if a < 0 && s.up[j] < math.Inf(1) {
				bound = math.Min(bound, (s.up[j]-s.x[j]+s.tup[j])/-a)
			}
		}
		flip := s.up[q] - s.lo[q] // +Inf unless boxed
		if math.IsInf(bound, 1) && math.IsInf(flip, 1) {
			if troubles < maxTrouble && s.f.updates() > 0 {
				troubles++
				s.refresh()
				continue
			}
			return unbounded
		}
		if flip <= bound {
			// bound flip: no basis change
			for _, i := range s.colNz {
				s.x[s.head[i]] -= dir * flip * s.colBuf[i]
			}
			if dir > 0 {
				s.status[q], s.x[q] = atUpper, s.up[q]
			} else {
				s.status[q], s.x[q] = atLower, s.lo[q]
			}
			s.iters++
			continue
		}
		// Harris pass 2: the largest pivot among the blocking variables
		r, big, theta := -1, 0.0, 0.0
		var leaveSt vstat
		for _, i := range s.colNz {
			a := s.colBuf[i]
			if math.Abs(a) <= pivotTol {
				continue
			}
			j := s.head[i]
			a *= dir
			var ratio float64
			var st vstat
			switch {
			case a > 0 && !math.IsInf(s.lo[j], -1):
				ratio, st = (s.x[j]-s.lo[j])/a, atLower
			case a < 0 && !math.IsInf(s.up[j], 1):
				ratio, st = (s.up[j]-s.x[j])/-a, atUpper
			default:
				continue
			}
			if ratio <= bound && (math.Abs(a) > big || (math.Abs(a) == big && i < r)) {
				r, big, theta, leaveSt = i, math.Abs(a), math.Max(0, ratio), st
			}
		}
		if r < 0 {
			return trouble
		}
		p := s.head[r]
		if s.lo[p] == s.up[p] {
			leaveSt = atLower
		}
		aq := s.colBuf[r]
		s.pivotRow(r)
		if math.Abs(aq-s.alpha[q]) > growthTol*math.Max(1, math.Abs(aq)) {
			s.clearPivotRow()
			if troubles >= maxTrouble {
				return trouble
			}
			troubles++
			s.refresh()
			continue
		}
		for _, i := range s.colNz {
			s.x[s.head[i]] -= dir * theta * s.colBuf[i]
		}
		s.x[q] += dir * theta
		if leaveSt == atUpper {
			s.x[p] = s.up[p]
		} else {
			s.x[p] = s.lo[p]
		}
		t := s.d[q] / aq
		wq := s.weight[q]
		for _, j := range s.touched {
			a := s.alpha[j]
			s.d[j] -= t * a
			// Devex reference weights (Forrest and Goldfarb 1992)
			if w := (a / aq) * (a / aq) * wq; w > s.weight[j] {
				s.weight[j] = w
			}
			s.addCandidate(j)
		}
		s.clearPivotRow()
		s.d[q] = 0
		s.d[p] = -t
		s.weight[p] = math.Max(wq/(aq*aq), 1)
		s.swap(r, q, leaveSt)
		s.addCandidate(p)
		if s.f.updates() >= refactorEvery {
			s.refresh()
		}
	}
}

// run solves from the current basis: flips and cost shifts make it dual feasible, the dual
// simplex makes it primal feasible, the shifts are removed and the primal simplex restores dual
// feasibility; the result is then checked from a fresh factorisation.
func (s *solver) run(ctx context.Context) result {
	s.cmax = 0
	for _, v := range s.cost[:s.n] {
		s.cmax = math.Max(s.cmax, math.Abs(v))
	}
	s.normalize()
	if !s.factored {
		s.factorize()
	}
	s.computePrimal()
	s.computeDual()
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
		if s.x[j] < s.lo[j]-checkTol*math.Max(1, math.Abs(s.lo[j])) || s.x[j] > s.up[j]+checkTol*math.Max(1, math.Abs(s.up[j])) {
			return false
		}
	}
	tol := checkTol * math.Max(1, s.cmax)
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
