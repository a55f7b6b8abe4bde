package simplex

import (
	"context"
	"math"
)

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

// primalSimplex iterates from a primal feasible basis until it is dual feasible (bounded primal
// simplex, Devex pricing, Harris's two-pass ratio test with bound flips).
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
				bound = min(bound, (s.x[j]-s.lo[j]+s.tlo[j])/a)
			} else if a < 0 && s.up[j] < math.Inf(1) {
				bound = min(bound, (s.up[j]-s.x[j]+s.tup[j])/-a)
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
				r, big, theta, leaveSt = i, math.Abs(a), max(0, ratio), st
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
		if math.Abs(aq-s.alpha[q]) > growthTol*max(1, math.Abs(aq)) {
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
		s.weight[p] = max(wq/(aq*aq), 1)
		s.swap(r, q, leaveSt)
		s.addCandidate(p)
		if s.f.updates() >= refactorEvery {
			s.refresh()
		}
	}
}
