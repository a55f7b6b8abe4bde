package risk

import (
	"fmt"
	"math"

	"github.com/corridor-dev/corridor/quantity"
)

// NormalCorrelation converts a rank (Spearman) correlation ρ_s into the Pearson correlation r of
// the normals of a Gaussian copula that gives it: r = 2·sin(π·ρ_s/6) (Pearson 1907; Kruskal,
// "Ordinal measures of association", JASA 53, 1958). Rank correlations survive the monotone
// transform to each member's own distribution, so ρ_s is also the rank correlation of the values.
func NormalCorrelation(rankRho float64) float64 {
	if math.Abs(rankRho) == 1 {
		return rankRho // exactly: 2·sin(π/6) rounds to 1 − 2⁻⁵³
	}
	return 2 * math.Sin(math.Pi*rankRho/6)
}

// Phi is the standard normal distribution function Φ(z) = erfc(−z/√2)/2.
func Phi(z float64) float64 {
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}

// Correlated draws the members of an equicorrelated group jointly, by a Gaussian copula: every
// pair of values has rank correlation rankRho, and each value keeps the distribution of its own
// range. keys[j] names member j (its quantity path) and ranges[j] is its range; group names the
// group. With r = NormalCorrelation(rankRho), clamped to the feasible [−1/(m−1), 1] for m
// members, and standard normals e_j from risk.Keyed(seed, draw, keys[j]):
//
//   - r ≥ 0 (one factor): a common normal c from risk.Keyed(seed, draw, "correlation/"+group)
//     and z_j = √r·c + √(1−r)·e_j;
//   - r < 0: z = R^½·e with the symmetric square root of the equicorrelation matrix
//     R = (1−r)·I + r·11ᵀ, z_j = √(1−r)·(e_j − ē) + √(1+(m−1)·r)·ē, ē the mean of the e_j.
//
// Both give normals of unit variance and pairwise correlation r; value j is
// Quantile(ranges[j], Φ(z_j)). So a member's value in draw i depends on the seed, i, the group
// and its members alone — not on other groups or quantities, nor on the order of evaluation.
// At rankRho = 0 the values are independent with the right distributions, but they are not the
// numbers Sample would draw from the same streams (Sample uses the stream differently): a group
// at ρ = 0 is statistically, not bitwise, the same as no group.
//
// It panics if keys and ranges differ in length or a range is invalid (see Sample). Cost: one
// normal per member (and one per group) plus a Quantile each: O(m), about 0.1–1 µs a member
// (PERT quantiles invert the incomplete beta function numerically).
func Correlated(seed, draw uint64, group string, rankRho float64, keys []string, ranges []quantity.Range) []float64 {
	if len(keys) != len(ranges) {
		panic(fmt.Sprintf("risk: Correlated with %d keys and %d ranges", len(keys), len(ranges)))
	}
	m := len(keys)
	if m == 0 {
		return nil
	}
	r := NormalCorrelation(rankRho)
	if m > 1 {
		r = max(r, -1/float64(m-1))
	}
	r = min(r, 1)
	if math.IsNaN(r) {
		panic(fmt.Sprintf("risk: Correlated with rank correlation %v", rankRho))
	}
	z := make([]float64, m)
	for j, k := range keys {
		z[j] = Keyed(seed, draw, k).NormFloat64()
	}
	if r >= 0 {
		c := Keyed(seed, draw, "correlation/"+group).NormFloat64()
		a, b := math.Sqrt(r), math.Sqrt(1-r)
		for j := range z {
			z[j] = a*c + b*z[j]
		}
	} else {
		mean := 0.0
		for _, e := range z {
			mean += e
		}
		mean /= float64(m)
		a, b := math.Sqrt(1-r), math.Sqrt(max(0, 1+float64(m-1)*r))
		for j := range z {
			z[j] = a*(z[j]-mean) + b*mean
		}
	}
	out := make([]float64, m)
	for j, rg := range ranges {
		// Φ rounds to 0 or 1 beyond |z| ≈ 8; keep p inside (0, 1) so that lognormal quantiles stay finite.
		p := min(max(Phi(z[j]), math.SmallestNonzeroFloat64), 1-0x1p-53)
		out[j] = Quantile(rg, p)
	}
	return out
}
