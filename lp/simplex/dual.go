package simplex

import (
	"cmp"
	"context"
	"math"
	"slices"
)

// dualSimplex iterates from a dual feasible basis until it is primal feasible (bounded dual
// simplex with dual steepest-edge pricing and the bound-flipping ratio test; Koberstein 2005,
// Algorithm 7).
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
		slope, _ := s.primalInfeasibility(r)
		q := s.dualRatio(sigma, slope, s.leavingTol(r, sigma))
		if q < 0 {
			s.clearPivotRow()
			if troubles < maxTrouble && s.f.updates() > 0 {
				troubles++
				s.refresh()
				s.resetInfeasible()
				continue
			}
			if s.withinCheck(r, slope, sigma) {
				// Nothing can enter, but the violation is within the final check's tolerance:
				// rounding (of a solution loaded as bounds, of fixed columns), not infeasibility.
				s.waived[r] = true
				continue
			}
			return infeasible
		}
		s.enteringColumn(q)
		if aq := s.colBuf[r]; math.Abs(aq-s.alpha[q]) > growthTol*max(1, math.Abs(aq)) || math.Abs(aq) < pivotTol {
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
		s.applyFlips()
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

// leavingTol returns the primal tolerance of the basic variable at position r at the bound it
// moves to (sigma > 0: its upper bound).
func (s *solver) leavingTol(r int, sigma float64) float64 {
	j := s.head[r]
	if sigma > 0 {
		return s.tup[j]
	}
	return s.tlo[j]
}

// withinCheck reports whether the basic variable at position r violates its bound (towards
// sigma, by v) by no more than the final optimality check allows.
func (s *solver) withinCheck(r int, v, sigma float64) bool {
	j := s.head[r]
	bound := s.lo[j]
	if sigma > 0 {
		bound = s.up[j]
	}
	return v <= checkTol*max(1, math.Abs(bound))
}

// resetInfeasible lists every primal-infeasible basis position for the dual pricing; positions
// waived for rounding are listed again.
func (s *solver) resetInfeasible() {
	for _, p := range s.infList {
		s.inInf[p] = false
	}
	clear(s.waived)
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
		if v == 0 || s.waived[p] {
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
		s.dse[i] = max(s.dse[i]-2*ratio*tau[i]+ratio*ratio*wr, 1e-4)
	}
	s.dse[r] = max(wr/(ar*ar), 1e-4)
	for _, i := range s.tauNz {
		tau[i] = 0
	}
}

// breakpoint is an entering candidate of the dual ratio test: variable j with pivot-row entry
// a (signed by the leaving direction) and its step to a zero reduced cost.
type breakpoint struct {
	j     int
	a     float64
	ratio float64
}

// eligible reports whether nonbasic j limits the dual step for a leaving variable moving towards
// its upper (sigma = 1) or lower (sigma = −1) bound, with its signed pivot-row entry.
func (s *solver) eligible(j int, sigma float64) (a float64, ok bool) {
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

// dualRatio chooses the entering variable for a leaving variable moving towards its upper
// (sigma = 1) or lower (sigma = −1) bound whose bound violation is slope, or returns −1 when
// none limits the dual step. It passes the breakpoints of boxed variables while the dual
// objective still rises — they go to their other bound (s.flips) instead of entering: the
// bound-flipping ratio test (Fourer 1994; Koberstein 2005, §3.2.3) — and picks among the rest
// the largest pivot within Harris's relaxed bound. A breakpoint whose flip would leave no more
// than ptol of violation (the leaving variable's primal tolerance) enters rather than flips: when
// the flips clear the violation exactly, rounding must not turn the last one into a claim that
// no point is feasible.
func (s *solver) dualRatio(sigma, slope, ptol float64) int {
	tol := s.dtol()
	bps := s.bps[:0]
	for _, j := range s.touched {
		if a, ok := s.eligible(j, sigma); ok {
			bps = append(bps, breakpoint{j, a, max(0, s.d[j]/a)})
		}
	}
	s.bps = bps
	s.flips = s.flips[:0]
	slices.SortFunc(bps, func(x, y breakpoint) int {
		if c := cmp.Compare(x.ratio, y.ratio); c != 0 {
			return c
		}
		return cmp.Compare(x.j, y.j)
	})
	k := 0
	for ; k < len(bps); k++ {
		b := bps[k]
		width := s.up[b.j] - s.lo[b.j]
		if math.IsInf(width, 1) {
			break
		}
		next := slope - math.Abs(b.a)*width
		if next <= ptol { // this breakpoint (all but) clears the violation: it enters
			break
		}
		slope = next
		s.flips = append(s.flips, b.j)
	}
	if k == len(bps) {
		s.flips = s.flips[:0]
		return -1 // the dual objective rises without limit: no primal solution
	}
	rest := bps[k:]
	bound := math.Inf(1)
	for _, b := range rest {
		if b.a > 0 {
			bound = min(bound, (s.d[b.j]+tol)/b.a)
		} else {
			bound = min(bound, (s.d[b.j]-tol)/b.a)
		}
	}
	q, best := -1, 0.0
	for _, b := range rest {
		if b.ratio <= bound {
			if v := math.Abs(b.a); v > best || (v == best && b.j < q) {
				q, best = b.j, v
			}
		}
	}
	return q
}

// applyFlips moves the variables the ratio test passed to their other bound and updates the
// basic variables: Δx_B = −B⁻¹ Σ a_j Δx_j.
func (s *solver) applyFlips() {
	if len(s.flips) == 0 {
		return
	}
	buf := s.flipBuf
	rows := s.flipRows[:0]
	for _, j := range s.flips {
		delta := s.up[j] - s.lo[j]
		if s.status[j] == atUpper {
			delta = -delta
			s.status[j], s.x[j] = atLower, s.lo[j]
		} else {
			s.status[j], s.x[j] = atUpper, s.up[j]
		}
		c := s.column(j)
		for t, i := range c.idx {
			buf[i] += c.val[t] * delta
			rows = append(rows, i)
		}
	}
	s.flipRows = rows
	for _, i := range s.f.ftranSparse(buf, rows) {
		s.x[s.head[i]] -= buf[i]
		buf[i] = 0
		s.noteInfeasible(i)
	}
	s.iters += len(s.flips)
	s.flips = s.flips[:0]
}
