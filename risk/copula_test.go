package risk

import (
	"math"
	"slices"
	"testing"

	"github.com/corridor-dev/corridor/quantity"
)

// copulaRanges are the members of the test group: one of each shape.
var copulaRanges = []quantity.Range{
	{Low: 100, Mode: 150, High: 300, Dist: quantity.Triangular},
	{Low: 2, Mode: 4, High: 10, Dist: quantity.Lognormal},
	{Low: 0, Mode: 5, High: 8, Dist: quantity.PERT},
}

var copulaKeys = []string{"markets/A/steps/0/price", "markets/B/steps/0/price", "links/L1/cost"}

// ranks returns the rank of each element of x (0-based; ties do not occur in continuous draws).
func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmpFloat(x[a], x[b]) })
	r := make([]float64, len(x))
	for k, i := range idx {
		r[i] = float64(k)
	}
	return r
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// spearman is the Pearson correlation of the ranks.
func spearman(x, y []float64) float64 {
	rx, ry := ranks(x), ranks(y)
	n := float64(len(x))
	mean := (n - 1) / 2
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mean, ry[i]-mean
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	return sxy / math.Sqrt(sxx*syy)
}

// drawGroup draws n draws of the test group at rank correlation rho: values[j][i] is member j in
// draw i.
func drawGroup(n int, rho float64) [][]float64 {
	out := make([][]float64, len(copulaKeys))
	for i := range n {
		v := Correlated(7, uint64(i), "g", rho, copulaKeys, copulaRanges)
		for j := range v {
			out[j] = append(out[j], v[j])
		}
	}
	return out
}

// TestCorrelatedRankCorrelation draws 20,000 draws of a three-member group and checks that the
// sample rank correlation of every pair is rho within ±0.02 (its standard error is about
// (1−ρ²)/√n ≈ 0.007 or less), for a positive, a zero and a negative rho (the negative one above
// the three-member bound of −0.483).
func TestCorrelatedRankCorrelation(t *testing.T) {
	t.Parallel()
	const n, tol = 20000, 0.02
	for _, rho := range []float64{0.8, 0.3, 0, -0.4} {
		v := drawGroup(n, rho)
		for a := range v {
			for b := a + 1; b < len(v); b++ {
				if got := spearman(v[a], v[b]); math.Abs(got-rho) > tol {
					t.Errorf("rho %v: rank correlation of members %d and %d = %.4f, want %v ± %v", rho, a, b, got, rho, tol)
				}
			}
		}
	}
}

// TestCorrelatedMarginals checks that correlation leaves each member's distribution alone: at
// the 5th to 95th percentiles of 20,000 draws, the member's own CDF is within 0.01 of the level
// (the standard error of an empirical quantile's level is √(p(1−p)/n) ≤ 0.0035).
func TestCorrelatedMarginals(t *testing.T) {
	t.Parallel()
	const n, tol = 20000, 0.01
	for _, rho := range []float64{0.9, -0.4} {
		v := drawGroup(n, rho)
		for j, x := range v {
			s := slices.Sorted(slices.Values(x))
			for _, p := range []float64{0.05, 0.25, 0.5, 0.75, 0.95} {
				q := s[int(p*n)]
				if got := CDF(copulaRanges[j], q); math.Abs(got-p) > tol {
					t.Errorf("rho %v, member %d: CDF at the empirical %v-quantile %v = %.4f, want %v ± %v", rho, j, p, q, got, p, tol)
				}
				if q < copulaRanges[j].Low && copulaRanges[j].Dist != quantity.Lognormal || q > copulaRanges[j].High && copulaRanges[j].Dist != quantity.Lognormal {
					t.Errorf("member %d: %v outside its range", j, q)
				}
			}
		}
	}
}

// TestCorrelatedDeterministic checks that a member's value in a draw depends on the seed, the
// draw, the group and its members only: not on calls for other groups in between, nor on the
// order the members are listed in.
func TestCorrelatedDeterministic(t *testing.T) {
	t.Parallel()
	for _, rho := range []float64{0.7, -0.3} {
		want := Correlated(3, 11, "g", rho, copulaKeys, copulaRanges)
		Correlated(3, 11, "other", 0.5, []string{"x", "y"}, copulaRanges[:2])
		got := Correlated(3, 11, "g", rho, copulaKeys, copulaRanges)
		if !slices.Equal(got, want) {
			t.Errorf("rho %v: repeated call = %v, want %v", rho, got, want)
		}
		rev := Correlated(3, 11, "g", rho, []string{copulaKeys[2], copulaKeys[1], copulaKeys[0]},
			[]quantity.Range{copulaRanges[2], copulaRanges[1], copulaRanges[0]})
		if rev[0] != want[2] || rev[1] != want[1] || rev[2] != want[0] {
			t.Errorf("rho %v: members in reverse order = %v, want %v reversed", rho, rev, want)
		}
		if other := Correlated(3, 12, "g", rho, copulaKeys, copulaRanges); other[0] == want[0] {
			t.Errorf("rho %v: draws 11 and 12 give the same value %v", rho, want[0])
		}
	}
}

// TestCorrelatedEdges covers a point-mass member, rho at ±1 and a rho beyond the feasible
// bound (clamped, not a panic).
func TestCorrelatedEdges(t *testing.T) {
	t.Parallel()
	point := quantity.Range{Low: 5, Mode: 5, High: 5}
	if v := Correlated(1, 1, "g", 0.5, []string{"a", "b"}, []quantity.Range{point, copulaRanges[0]}); v[0] != 5 {
		t.Errorf("point mass = %v, want 5", v[0])
	}
	u := quantity.Range{Low: 0, High: 1, Dist: quantity.Uniform}
	for i := range uint64(50) {
		v := Correlated(1, i, "g", 1, []string{"a", "b"}, []quantity.Range{u, u})
		if math.Abs(v[0]-v[1]) > 1e-12 {
			t.Fatalf("rho 1: %v and %v differ", v[0], v[1])
		}
		w := Correlated(1, i, "g", -1, []string{"a", "b"}, []quantity.Range{u, u})
		if math.Abs(w[0]+w[1]-1) > 1e-9 {
			t.Fatalf("rho -1: %v and %v are not antithetic", w[0], w[1])
		}
		x := Correlated(1, i, "g", -1, []string{"a", "b", "c"}, []quantity.Range{u, u, u}) // clamped to −1/2
		for _, y := range x {
			if !(y >= 0 && y <= 1) || math.IsNaN(y) {
				t.Fatalf("clamped rho: value %v outside [0, 1]", y)
			}
		}
	}
	if got := NormalCorrelation(1); math.Abs(got-1) > 1e-15 {
		t.Errorf("NormalCorrelation(1) = %v", got)
	}
	if got := NormalCorrelation(0.5); math.Abs(got-0.5176380902050415) > 1e-12 {
		t.Errorf("NormalCorrelation(0.5) = %v, want 2·sin(π/12)", got)
	}
}
