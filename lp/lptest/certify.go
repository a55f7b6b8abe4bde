package lptest

import (
	"math"
	"testing"

	"github.com/corridor-dev/corridor/lp"
)

// Certify checks that sol is an optimum of m by the conditions that prove it, independently of
// any other solver: X within the column bounds and A·X within the row bounds, the reduced costs
// equal to c − Aᵀy, and every reduced cost and row dual of the sign its bound allows
// (complementary slackness). tol is relative to the magnitudes involved (bounds, largest cost).
func Certify(t testing.TB, m *lp.Model, sol *lp.Solution, tol float64) {
	t.Helper()
	sigma := 1.0 // minimisation: a reduced cost must be ≥ 0 at a lower bound
	if m.Sense == lp.Maximize {
		sigma = -1
	}
	onBound := func(v, bound float64) bool { return math.Abs(v-bound) <= tol*math.Max(1, math.Abs(bound)) }
	rc := make([]float64, len(m.Vars))
	for j, v := range m.Vars {
		rc[j] = v.Cost
	}
	act := make([]float64, len(m.Rows))
	for i, r := range m.Rows {
		for k, j := range r.Index {
			act[i] += r.Coef[k] * sol.X[j]
			rc[j] -= sol.RowDual[i] * r.Coef[k]
		}
	}
	bad := 0
	fail := func(format string, args ...any) {
		if bad++; bad <= 5 {
			t.Errorf(format, args...)
		}
	}
	scale := 1.0
	for _, v := range m.Vars {
		scale = math.Max(scale, math.Abs(v.Cost))
	}
	for j, v := range m.Vars {
		x := sol.X[j]
		if x < v.Lower-tol*math.Max(1, math.Abs(v.Lower)) || x > v.Upper+tol*math.Max(1, math.Abs(v.Upper)) {
			fail("column %d: x = %g outside [%g, %g]", j, x, v.Lower, v.Upper)
		}
		if math.Abs(rc[j]-sol.ReducedCost[j]) > tol*scale {
			fail("column %d: reduced cost %g, c − Aᵀy = %g", j, sol.ReducedCost[j], rc[j])
		}
		d := sigma * rc[j]
		atLo, atUp := onBound(x, v.Lower), onBound(x, v.Upper)
		switch {
		case atLo && atUp:
		case atLo && d < -tol*scale, atUp && d > tol*scale, !atLo && !atUp && math.Abs(d) > tol*scale:
			fail("column %d: x = %g in [%g, %g] with reduced cost %g", j, x, v.Lower, v.Upper, rc[j])
		}
	}
	for i, r := range m.Rows {
		a := act[i]
		if a < r.Lower-tol*math.Max(1, math.Abs(r.Lower)) || a > r.Upper+tol*math.Max(1, math.Abs(r.Upper)) {
			fail("row %d: activity %g outside [%g, %g]", i, a, r.Lower, r.Upper)
		}
		y := sigma * sol.RowDual[i]
		atLo, atUp := onBound(a, r.Lower), onBound(a, r.Upper)
		switch {
		case atLo && atUp:
		case y > tol*scale && !atLo, y < -tol*scale && !atUp:
			fail("row %d: activity %g in [%g, %g] with dual %g", i, a, r.Lower, r.Upper, sol.RowDual[i])
		}
	}
	obj := m.Offset
	for j, v := range m.Vars {
		obj += v.Cost * sol.X[j]
	}
	if math.Abs(obj-sol.Objective) > tol*math.Max(1, math.Abs(obj)) {
		fail("objective %g, c·x = %g", sol.Objective, obj)
	}
}
