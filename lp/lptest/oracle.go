package lptest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/corridor-dev/corridor/lp"
	"gonum.org/v1/gonum/mat"
	gonumlp "gonum.org/v1/gonum/optimize/convex/lp"
)

// oracleTol is the reduced-cost tolerance handed to gonum's Simplex.
const oracleTol = 1e-10

// errOracle marks a model the oracle cannot judge (too many equality rows, singular basis).
var errOracle = errors.New("lptest: oracle cannot solve this model")

// oracle solves the LP relaxation of m with gonum's dense simplex (a test oracle only: it is
// O(rows·cols) in memory and slow). It returns the status and, for StatusOptimal, the objective
// including m.Offset in m's sense.
//
// Conversion to gonum's standard form min cᵀy s.t. Ay = b, y ≥ 0: x = l + y (plus a row
// y + s = u - l when u is finite), x = u - y when only u is finite, x = y⁺ - y⁻ when free; an
// inequality row gets a slack (a range row becomes two rows with one slack each).
func oracle(m *lp.Model) (lp.Status, float64, error) {
	if err := m.Check(); err != nil {
		return lp.StatusError, 0, err
	}
	type term struct {
		k    int
		sign float64
	}
	nCols := 0
	newCol := func() int { nCols++; return nCols - 1 }
	base := make([]float64, len(m.Vars)) // x_j = base_j + Σ sign·y_k
	terms := make([][]term, len(m.Vars)) // the y columns of x_j
	var rows [][]term                    // standard-form rows
	var rhs []float64                    // their right-hand sides
	for j, v := range m.Vars {
		switch {
		case !math.IsInf(v.Lower, -1):
			base[j] = v.Lower
			y := newCol()
			terms[j] = []term{{y, 1}}
			if !math.IsInf(v.Upper, 1) {
				s := newCol()
				rows = append(rows, []term{{y, 1}, {s, 1}})
				rhs = append(rhs, v.Upper-v.Lower)
			}
		case !math.IsInf(v.Upper, 1):
			base[j] = v.Upper
			terms[j] = []term{{newCol(), -1}}
		default:
			terms[j] = []term{{newCol(), 1}, {newCol(), -1}}
		}
	}
	for _, r := range m.Rows {
		var expr []term
		shift := 0.0
		for k, j := range r.Index {
			shift += r.Coef[k] * base[j]
			for _, t := range terms[j] {
				expr = append(expr, term{t.k, t.sign * r.Coef[k]})
			}
		}
		add := func(slack float64, b float64) {
			e := append([]term(nil), expr...)
			if slack != 0 {
				e = append(e, term{newCol(), slack})
			}
			rows = append(rows, e)
			rhs = append(rhs, b-shift)
		}
		switch lo, hi := r.Lower, r.Upper; {
		case lo == hi:
			add(0, lo)
		case math.IsInf(lo, -1) && math.IsInf(hi, 1):
		case math.IsInf(lo, -1):
			add(1, hi)
		case math.IsInf(hi, 1):
			add(-1, lo)
		default:
			add(-1, lo)
			add(1, hi)
		}
	}
	sign := 1.0
	if m.Sense == lp.Maximize {
		sign = -1
	}
	c := make([]float64, nCols)
	offset := m.Offset
	for j, v := range m.Vars {
		offset += v.Cost * base[j]
		for _, t := range terms[j] {
			c[t.k] += sign * v.Cost * t.sign
		}
	}
	// Dense A; drop all-zero columns (an unbounded direction if their cost is negative).
	used := make([]bool, nCols)
	for _, r := range rows {
		for _, t := range r {
			if t.sign != 0 {
				used[t.k] = true
			}
		}
	}
	colOf := make([]int, nCols)
	n := 0
	for k := range nCols {
		colOf[k] = -1
		if used[k] {
			colOf[k] = n
			n++
		} else if c[k] < 0 {
			return lp.StatusUnbounded, 0, nil
		}
	}
	var A []float64
	var b []float64
	for i, r := range rows {
		row := make([]float64, n)
		nz := false
		for _, t := range r {
			if t.sign != 0 {
				row[colOf[t.k]] += t.sign
				nz = true
			}
		}
		if !nz {
			if math.Abs(rhs[i]) > 1e-9 {
				return lp.StatusInfeasible, 0, nil
			}
			continue
		}
		if rhs[i] < 0 {
			for k := range row {
				row[k] = -row[k]
			}
			rhs[i] = -rhs[i]
		}
		A = append(A, row...)
		b = append(b, rhs[i])
	}
	cc := make([]float64, n)
	for k := range nCols {
		if colOf[k] >= 0 {
			cc[colOf[k]] = c[k]
		}
	}
	if len(b) == 0 {
		// No rows: y = 0 is optimal unless a cost is negative (checked above for unused columns).
		return lp.StatusOptimal, offset, nil
	}
	if len(b) > n {
		return lp.StatusError, 0, fmt.Errorf("%w: %d rows, %d columns", errOracle, len(b), n)
	}
	f, _, err := gonumlp.Simplex(cc, mat.NewDense(len(b), n, A), b, oracleTol, nil)
	switch {
	case err == nil:
		return lp.StatusOptimal, sign*f + offset, nil
	case errors.Is(err, gonumlp.ErrInfeasible):
		return lp.StatusInfeasible, 0, nil
	case errors.Is(err, gonumlp.ErrUnbounded):
		return lp.StatusUnbounded, 0, nil
	}
	return lp.StatusError, 0, fmt.Errorf("%w: %v", errOracle, err)
}

// randomLP returns a small LP that is feasible (a random point x0 satisfies every row) and
// bounded (every column has finite bounds): 2-6 columns, 1-5 rows of each kind (≤, ≥, =,
// range), integer coefficients in [-5, 5] with about a third zero, at most n-1 equality rows,
// random sense and offset.
func randomLP(rng *rand.Rand) *lp.Model {
	n := 2 + rng.IntN(5)
	mRows := 1 + rng.IntN(5)
	m := &lp.Model{}
	if rng.IntN(2) == 1 {
		m.Sense = lp.Maximize
	}
	if rng.IntN(3) == 0 {
		m.Offset = float64(rng.IntN(21) - 10)
	}
	x0 := make([]float64, n)
	for j := range n {
		x0[j] = 5 * rng.Float64()
		lo, hi := x0[j]-3*rng.Float64(), x0[j]+3*rng.Float64()
		if rng.IntN(2) == 0 {
			lo = 0 // the usual bound, often active
			x0[j] = hi * rng.Float64()
		}
		m.AddVar(lp.Var{Name: fmt.Sprintf("x%d", j), Lower: lo, Upper: hi, Cost: float64(rng.IntN(11) - 5)})
	}
	eqs := 0
	for i := 0; i < mRows; i++ {
		r := lp.Row{Name: fmt.Sprintf("r%d", i)}
		act := 0.0
		for j := range n {
			if rng.IntN(3) == 0 {
				continue
			}
			a := float64(rng.IntN(11) - 5)
			if a == 0 {
				continue
			}
			r.Index, r.Coef = append(r.Index, j), append(r.Coef, a)
			act += a * x0[j]
		}
		if len(r.Index) == 0 {
			j := rng.IntN(n)
			r.Index, r.Coef = []int{j}, []float64{1}
			act = x0[j]
		}
		kind := rng.IntN(4)
		if kind == 2 && eqs >= n-1 {
			kind = 0
		}
		switch kind {
		case 0:
			r.Lower, r.Upper = math.Inf(-1), act+2*rng.Float64()
		case 1:
			r.Lower, r.Upper = act-2*rng.Float64(), math.Inf(1)
		case 2:
			r.Lower, r.Upper = act, act
			eqs++
		default:
			r.Lower, r.Upper = act-2*rng.Float64(), act+2*rng.Float64()
		}
		m.AddRow(r)
	}
	return m
}
