package risk

import (
	"fmt"
	"math"
	"slices"
)

// Summary describes a Monte Carlo sample of one output.
type Summary struct {
	N         int     `json:"n"`          // number of values
	Mean      float64 `json:"mean"`       // arithmetic mean
	StdDev    float64 `json:"std_dev"`    // sample standard deviation (divisor N−1); 0 when N < 2
	StdErr    float64 `json:"std_err"`    // standard error of the mean, StdDev/√N
	P10       float64 `json:"p10"`        // 10th percentile (Hyndman–Fan type 7, see EmpiricalQuantile)
	P50       float64 `json:"p50"`        // median (type 7)
	P90       float64 `json:"p90"`        // 90th percentile (type 7)
	Min       float64 `json:"min"`        // smallest value
	Max       float64 `json:"max"`        // largest value
	PPositive float64 `json:"p_positive"` // fraction of values > 0 (e.g. the probability that an NPV is positive)
}

// Summarize returns the summary of xs, which it does not modify. An empty xs gives the zero
// Summary (N = 0). If xs contains a NaN, every field but N is NaN: a NaN output is a bug
// upstream and must not be hidden by a sort order. Cost: O(N log N) time and a copy of xs.
func Summarize(xs []float64) Summary {
	n := len(xs)
	if n == 0 {
		return Summary{}
	}
	if slices.ContainsFunc(xs, math.IsNaN) {
		nan := math.NaN()
		return Summary{N: n, Mean: nan, StdDev: nan, StdErr: nan, P10: nan, P50: nan, P90: nan, Min: nan, Max: nan, PPositive: nan}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	var sum float64
	positive := 0
	for _, x := range s {
		sum += x
		if x > 0 {
			positive++
		}
	}
	mean := sum / float64(n)
	var sd float64
	if n > 1 {
		// Two-pass (corrected) algorithm: Σ(x−m)² minus the rounding term (Σ(x−m))²/N;
		// Chan, Golub & LeVeque (1983), "Algorithms for computing the sample variance".
		var ss, comp float64
		for _, x := range s {
			d := x - mean
			ss += d * d
			comp += d
		}
		sd = math.Sqrt(max(0, (ss-comp*comp/float64(n))/float64(n-1)))
	}
	return Summary{
		N:         n,
		Mean:      mean,
		StdDev:    sd,
		StdErr:    sd / math.Sqrt(float64(n)),
		P10:       EmpiricalQuantile(s, 0.1),
		P50:       EmpiricalQuantile(s, 0.5),
		P90:       EmpiricalQuantile(s, 0.9),
		Min:       s[0],
		Max:       s[n-1],
		PPositive: float64(positive) / float64(n),
	}
}

// EmpiricalQuantile returns the p-quantile of sorted (ascending, no NaN) by Hyndman & Fan (1996)
// definition 7, the default of R and NumPy: with h = (N−1)p, Q = x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])
// (0-based). It panics if sorted is empty or p is outside [0, 1]; it does not check the order.
func EmpiricalQuantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		panic("risk: EmpiricalQuantile of no values")
	}
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("risk: EmpiricalQuantile probability %v outside [0, 1]", p))
	}
	h := float64(len(sorted)-1) * p
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Probability returns the fraction p of true values in bs and its binomial standard error
// √(p(1−p)/N). Empty bs gives (0, 0). Near p = 0 or 1 the normal-approximation error is too
// optimistic (it is 0 at the extremes); report the count of draws beside it.
func Probability(bs []bool) (p, stderr float64) {
	n := len(bs)
	if n == 0 {
		return 0, 0
	}
	k := 0
	for _, b := range bs {
		if b {
			k++
		}
	}
	p = float64(k) / float64(n)
	return p, math.Sqrt(p * (1 - p) / float64(n))
}
