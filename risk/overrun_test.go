package risk

import (
	"math"
	"testing"
)

// TestOverrun checks that each class's lognormal reproduces the published mean overrun. The
// sample mean of n draws has SE = SD/√n (SD published or assumed); we allow 5 SE.
func TestOverrun(t *testing.T) {
	const n = 200_000
	for _, tt := range []struct {
		class    string
		mean, sd float64 // multiplier moments: Flyvbjerg, Holm & Buhl (2003); Flyvbjerg & Gardner (2024)
	}{
		{"rail", 1.447, 0.38},
		{"road", 1.204, 0.30},
		{"bridge", 1.338, 0.62},
		{"pipeline", 1.34, 0.39},
		{"power", 1.08, 0.39},
	} {
		t.Run(tt.class, func(t *testing.T) {
			t.Parallel()
			r := Overrun(tt.mean-1, tt.sd)
			if !(r.Low < r.Mode && r.Mode < r.High) {
				t.Errorf("overrun of %s = %+v, want low < median < high", tt.class, r)
			}
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = Sample(r, Stream(11, uint64(i)))
			}
			s := Summarize(xs)
			if tol := 5 * tt.sd / math.Sqrt(n); math.Abs(s.Mean-tt.mean) > tol {
				t.Errorf("mean of %d draws of overrun of %s = %.4f, want %.4f ± %.4f", n, tt.class, s.Mean, tt.mean, tol)
			}
			// The SD of a lognormal sample converges slowly (heavy tail); 10 % is a loose check.
			if math.Abs(s.StdDev/tt.sd-1) > 0.1 {
				t.Errorf("SD of draws of overrun of %s = %.4f, want %.4f ± 10 %%", tt.class, s.StdDev, tt.sd)
			}
		})
	}
}

// TestLognormalFromMoments checks the closed form: the mean exp(μ + σ²/2) of the returned range
// equals m, and its variance (e^{σ²} − 1)·m² equals s².
func TestLognormalFromMoments(t *testing.T) {
	r := LognormalFromMoments(1.447, 0.38)
	mu, sigma := LognormalParams(r)
	if got := math.Exp(mu + sigma*sigma/2); math.Abs(got-1.447) > 1e-12 {
		t.Errorf("mean of LognormalFromMoments(1.447, 0.38) = %v, want 1.447", got)
	}
	if got := math.Sqrt(math.Expm1(sigma*sigma)) * 1.447; math.Abs(got-0.38) > 1e-12 {
		t.Errorf("SD of LognormalFromMoments(1.447, 0.38) = %v, want 0.38", got)
	}
	// Hand values quoted in Overrun's doc comment.
	if math.Abs(sigma-0.2582) > 5e-5 || math.Abs(mu-0.3361) > 5e-5 || math.Abs(r.Low-0.915) > 5e-4 || math.Abs(r.High-2.14) > 5e-3 {
		t.Errorf("rail fit σ=%.4f μ=%.4f range %.3f..%.3f, want 0.2582, 0.3361, 0.915..2.14", sigma, mu, r.Low, r.High)
	}
}
