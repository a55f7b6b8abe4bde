package risk

import (
	"fmt"
	"math"
	"testing"

	"github.com/corridor-dev/corridor/quantity"
)

// moments returns the sample mean and variance (divisor n−1) of n draws of r from stream seed.
func moments(r quantity.Range, n int, seed uint64) (mean, variance float64) {
	rng := Stream(seed, 0)
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = Sample(r, rng)
	}
	s := Summarize(xs)
	return s.Mean, s.StdDev * s.StdDev
}

// TestSampleMoments compares sample moments with closed forms. Tolerances come from the standard
// errors, not from trial and error: the sample mean has SE σ/√n, and the sample variance has SE
// √((μ₄ − σ⁴)/n) = σ²√((κ−1)/n), where κ ≤ 3 for these platykurtic shapes (κ = 2.4 triangular,
// 1.8 uniform, < 3 for Beta-PERT), so SE(var) ≤ σ²√(2/n). We allow 5 SE (a two-sided miss
// probability of 6e-7 under the normal approximation; the seeds are fixed anyway, so the test is
// deterministic, and the bound is what a different seed would also pass).
func TestSampleMoments(t *testing.T) {
	const n = 200_000
	tri := func(a, c, b float64) (m, v float64) { // Vose 2008, appendix III
		return (a + b + c) / 3, (a*a + b*b + c*c - a*b - a*c - b*c) / 18
	}
	pert := func(a, c, b float64) (m, v float64) { // Beta(α, β) scaled to [a, b], α + β = 6
		al, be := 1+4*(c-a)/(b-a), 1+4*(b-c)/(b-a)
		return (a + 4*c + b) / 6, (b - a) * (b - a) * al * be / ((al + be) * (al + be) * (al + be + 1))
	}
	for _, tt := range []struct {
		r            quantity.Range
		mean, varnce float64
	}{
		{r: quantity.Range{Low: 2, Mode: 3, High: 7, Dist: quantity.Triangular}},
		{r: quantity.Range{Low: 2, Mode: 2, High: 7, Dist: ""}}, // empty Dist = triangular, mode at low
		{r: quantity.Range{Low: -5, Mode: 10, High: 10, Dist: quantity.Triangular}},
		{r: quantity.Range{Low: 2, Mode: 3, High: 7, Dist: quantity.PERT}},
		{r: quantity.Range{Low: 100, Mode: 100, High: 200, Dist: quantity.PERT}},
		{r: quantity.Range{Low: -1, Mode: 0, High: 3, Dist: quantity.Uniform}},
	} {
		t.Run(fmt.Sprintf("%s %v..%v..%v", tt.r.Dist, tt.r.Low, tt.r.Mode, tt.r.High), func(t *testing.T) {
			t.Parallel()
			a, c, b := tt.r.Low, tt.r.Mode, tt.r.High
			var wantMean, wantVar float64
			switch tt.r.Dist {
			case quantity.PERT:
				wantMean, wantVar = pert(a, c, b)
			case quantity.Uniform:
				wantMean, wantVar = (a+b)/2, (b-a)*(b-a)/12
			default:
				wantMean, wantVar = tri(a, c, b)
			}
			mean, v := moments(tt.r, n, 42)
			if tol := 5 * math.Sqrt(wantVar/n); math.Abs(mean-wantMean) > tol {
				t.Errorf("mean of %d draws = %.5g, want %.5g ± %.2g", n, mean, wantMean, tol)
			}
			if tol := 5 * wantVar * math.Sqrt(2.0/n); math.Abs(v-wantVar) > tol {
				t.Errorf("variance of %d draws = %.5g, want %.5g ± %.2g", n, v, wantVar, tol)
			}
		})
	}
}

// TestSampleLognormal checks the lognormal by its percentiles: the fraction of draws below the
// median exp(μ), below Low (the 5th percentile) and below High (the 95th). A fraction has binomial
// SE √(p(1−p)/n); we allow 5 SE. The log-moments are checked too: ln X ~ N(μ, σ²), mean SE σ/√n.
func TestSampleLognormal(t *testing.T) {
	const n = 200_000
	r := quantity.Range{Low: 80, Mode: 100, High: 200, Dist: quantity.Lognormal}
	mu, sigma := LognormalParams(r)
	if got, want := math.Exp(mu), math.Sqrt(80*200); math.Abs(got-want) > 1e-9*want {
		t.Errorf("median exp(μ) = %v, want √(low·high) = %v", got, want)
	}
	rng := Stream(7, 0)
	var below [3]int
	var sumLog float64
	for range n {
		x := Sample(r, rng)
		sumLog += math.Log(x)
		for j, q := range []float64{r.Low, math.Exp(mu), r.High} {
			if x < q {
				below[j]++
			}
		}
	}
	for j, p := range []float64{0.05, 0.5, 0.95} {
		got := float64(below[j]) / n
		if tol := 5 * math.Sqrt(p*(1-p)/n); math.Abs(got-p) > tol {
			t.Errorf("fraction below the %v quantile = %.5f, want %v ± %.2g", p, got, p, tol)
		}
	}
	if got, tol := sumLog/n, 5*sigma/math.Sqrt(n); math.Abs(got-mu) > tol {
		t.Errorf("mean of ln X = %.5f, want μ = %.5f ± %.2g", got, mu, tol)
	}
}

// TestQuantileCDF checks that CDF(Quantile(p)) = p for every distribution, and the known
// quantiles: the triangular mode sits at p = (c−a)/(b−a), a lognormal's Low and High at 5 % and 95 %.
func TestQuantileCDF(t *testing.T) {
	ranges := []quantity.Range{
		{Low: 2, Mode: 3, High: 7, Dist: quantity.Triangular},
		{Low: 2, Mode: 2, High: 7, Dist: quantity.Triangular},
		{Low: 2, Mode: 7, High: 7, Dist: quantity.Triangular},
		{Low: 2, Mode: 3, High: 7, Dist: quantity.PERT},
		{Low: 2, Mode: 7, High: 7, Dist: quantity.PERT},
		{Low: 80, Mode: 100, High: 200, Dist: quantity.Lognormal},
		{Low: 0.5, High: 0.5000001, Dist: quantity.Lognormal},
		{Low: -1, High: 3, Dist: quantity.Uniform},
	}
	for _, r := range ranges {
		for _, p := range []float64{0.001, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.999} {
			x := Quantile(r, p)
			if got := CDF(r, x); math.Abs(got-p) > 1e-9 {
				t.Errorf("CDF(%v, Quantile(%v)) = CDF(%v) = %.12g, want %v", r, p, x, got, p)
			}
		}
	}
	for _, tt := range []struct {
		r       quantity.Range
		p, want float64
	}{
		{quantity.Range{Low: 2, Mode: 3, High: 7}, 0.2, 3},                // (3−2)/(7−2) = 0.2
		{quantity.Range{Low: 2, Mode: 3, High: 7}, 0, 2},                  // support ends
		{quantity.Range{Low: 2, Mode: 3, High: 7}, 1, 7},                  //
		{quantity.Range{Low: 80, High: 200, Dist: "lognormal"}, 0.05, 80}, // by definition of the fit
		{quantity.Range{Low: 80, High: 200, Dist: "lognormal"}, 0.95, 200},
		{quantity.Range{Low: 80, High: 200, Dist: "lognormal"}, 0.5, math.Sqrt(80 * 200)},
		{quantity.Range{Low: -1, High: 3, Dist: "uniform"}, 0.25, 0},
		{quantity.Range{Low: 0, Mode: 5, High: 10, Dist: "pert"}, 0.5, 5}, // symmetric Beta(3, 3)
		{quantity.Range{Low: 4, Mode: 4, High: 4, Dist: "pert"}, 0.9, 4},  // point mass
	} {
		if got := Quantile(tt.r, tt.p); math.Abs(got-tt.want) > 1e-9*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("Quantile(%v, %v) = %.12g, want %v", tt.r, tt.p, got, tt.want)
		}
	}
	if got := CDF(quantity.Range{Low: 80, High: 200, Dist: "lognormal"}, 300); got <= 0.95 || got >= 1 {
		t.Errorf("lognormal CDF above the 95th percentile = %v, want in (0.95, 1)", got)
	}
}

func TestSampleDegenerateAndDeterministic(t *testing.T) {
	for _, d := range []quantity.Dist{quantity.Triangular, quantity.PERT, quantity.Lognormal, quantity.Uniform} {
		r := quantity.Range{Low: 3, Mode: 3, High: 3, Dist: d}
		if got := Sample(r, Stream(1, 2)); got != 3 {
			t.Errorf("Sample(%v) = %v, want the point mass 3", r, got)
		}
		r = quantity.Range{Low: 1, Mode: 2, High: 4, Dist: d}
		a, b := Sample(r, Stream(9, 5)), Sample(r, Stream(9, 5))
		if a != b {
			t.Errorf("Sample(%v) with the same stream gave %v then %v", r, a, b)
		}
		if a < r.Low && d != quantity.Lognormal || a > r.High && d != quantity.Lognormal {
			t.Errorf("Sample(%v) = %v outside the support", r, a)
		}
	}
	if Stream(1, 2).Uint64() == Stream(1, 3).Uint64() {
		t.Error("streams (1, 2) and (1, 3) start with the same value")
	}
}

func TestSamplePanics(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    quantity.Range
	}{
		{"low above high", quantity.Range{Low: 5, Mode: 5, High: 4}},
		{"mode outside", quantity.Range{Low: 1, Mode: 5, High: 4, Dist: quantity.PERT}},
		{"NaN", quantity.Range{Low: math.NaN(), Mode: 1, High: 4}},
		{"lognormal at zero", quantity.Range{Low: 0, High: 4, Dist: quantity.Lognormal}},
		{"unknown", quantity.Range{Low: 1, Mode: 2, High: 4, Dist: "gamma"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Sample(%v) did not panic", tt.r)
				}
			}()
			Sample(tt.r, Stream(1, 1))
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("Quantile(p = 1.5) did not panic")
		}
	}()
	Quantile(quantity.Range{Low: 1, Mode: 2, High: 3}, 1.5)
}

func BenchmarkSample(b *testing.B) {
	for _, d := range []quantity.Dist{quantity.Triangular, quantity.PERT, quantity.Lognormal, quantity.Uniform} {
		r := quantity.Range{Low: 80, Mode: 100, High: 200, Dist: d}
		b.Run(string(d), func(b *testing.B) {
			rng := Stream(1, 0)
			b.ReportAllocs()
			var sink float64
			for b.Loop() {
				sink += Sample(r, rng)
			}
			_ = sink
		})
	}
}

func BenchmarkQuantile(b *testing.B) {
	for _, d := range []quantity.Dist{quantity.Triangular, quantity.PERT, quantity.Lognormal} {
		r := quantity.Range{Low: 80, Mode: 100, High: 200, Dist: d}
		b.Run(string(d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Quantile(r, 0.9)
			}
		})
	}
}
