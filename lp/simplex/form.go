package simplex

import (
	"fmt"
	"math"

	"github.com/corridor-dev/corridor/lp"
)

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
	s.dse, s.tauBuf, s.inInf, s.waived = make([]float64, nr), make([]float64, nr), make([]bool, nr), make([]bool, nr)
	s.colBuf, s.rowBuf, s.rhoBuf, s.flipBuf = make([]float64, nr), make([]float64, nr), make([]float64, nr), make([]float64, nr)
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
				lo[i], hi[i] = min(lo[i], a), max(hi[i], a)
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
				cl, ch = min(cl, a), max(ch, a)
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
	s.dualFresh = false
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
	s.dualFresh = false
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
	if s.factored && s.sameBasic(b) {
		// The basic set is the one factorised: keep the factors (and the order of head) and
		// place only the nonbasic variables.
		for j, st := range b.Cols {
			if s.status[j] != basic {
				s.placeNonbasic(j, st)
			}
		}
		for i, st := range b.Rows {
			if s.status[s.n+i] != basic {
				s.placeNonbasic(s.n+i, st)
			}
		}
		return nil
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
		default:
			s.placeNonbasic(j, st)
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

// sameBasic reports whether b's basic variables are exactly the current ones.
func (s *solver) sameBasic(b *lp.Basis) bool {
	for j, st := range b.Cols {
		if (st == lp.BasisBasic) != (s.status[j] == basic) {
			return false
		}
	}
	for i, st := range b.Rows {
		if (st == lp.BasisBasic) != (s.status[s.n+i] == basic) {
			return false
		}
	}
	return true
}

// placeNonbasic puts nonbasic variable j on the bound b names.
func (s *solver) placeNonbasic(j int, st lp.BasisStatus) {
	if st == lp.BasisUpper {
		s.place(j, atUpper)
	} else {
		s.place(j, atLower)
	}
}
