package appraise

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestNPV(t *testing.T) {
	for _, tt := range []struct {
		name  string
		flows []float64
		rate  float64
		want  float64
	}{
		// −100 + 60/1.1 + 60/1.1² = −100 + 54.545454… + 49.586776… = 4.132231…
		{"two-year project", []float64{-100, 60, 60}, 0.1, -100 + 60/1.1 + 60/1.21},
		{"hand value", []float64{-100, 60, 60}, 0.1, 4.132231404958677},
		{"zero rate sums", []float64{-100, 60, 60}, 0, 20},
		{"year 0 undiscounted", []float64{5}, 0.5, 5},
		{"year 1 discounted once", []float64{0, 110}, 0.1, 100}, // 110/1.1
		{"year 2", []float64{0, 0, 121}, 0.1, 100},              // 121/1.1²
		{"negative rate", []float64{0, 90}, -0.1, 100},          // 90/0.9
		{"empty", nil, 0.07, 0},
	} {
		if got := NPV(tt.flows, tt.rate); !near(got, tt.want, 1e-12) {
			t.Errorf("%s: NPV(%v, %v) = %.15g, want %.15g", tt.name, tt.flows, tt.rate, got, tt.want)
		}
	}
	for _, r := range []float64{-1, -2, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NPV(rate=%v) did not panic", r)
				}
			}()
			NPV([]float64{1}, r)
		}()
	}
}

func TestIRR(t *testing.T) {
	// −100 + 60d + 60d² = 0 → d = (−1 + √(1 + 20/3))/2 = 0.884437…, r = 1/d − 1 = 0.130662…
	r2 := 1/((-1+math.Sqrt(1+20.0/3))/2) - 1
	// −100 + 50d + 40d² = 0 → d = (−50 + √(2500 + 16000))/80 = 1.075184…, r = −0.069926…
	rNeg := 1/((-50+math.Sqrt(18500))/80) - 1
	for _, tt := range []struct {
		name  string
		flows []float64
		kind  IRRKind
		rates []float64
	}{
		{"one year", []float64{-100, 110}, IRROne, []float64{0.1}},
		{"two years", []float64{-100, 60, 60}, IRROne, []float64{r2}},
		{"bullet", []float64{-100, 0, 0, 0, 0, 161.051}, IRROne, []float64{0.1}}, // 1.1⁵ = 1.61051
		{"negative IRR", []float64{-100, 50, 40}, IRROne, []float64{rNeg}},
		{"root on the grid", []float64{-1, 1}, IRROne, []float64{0}},
		{"leading zeros", []float64{0, 0, -100, 110}, IRROne, []float64{0.1}},
		// −1 + 5d − 6d² = −(2d − 1)(3d − 1): d = 1/2 and 1/3, i.e. r = 100 % and 200 %.
		{"two roots", []float64{-1, 5, -6}, IRRSeveral, []float64{1, 2}},
		{"all positive", []float64{10, 20, 5}, IRRNone, nil},
		{"all negative", []float64{-10, -20}, IRRNone, nil},
		{"all zero", []float64{0, 0, 0}, IRRNone, nil},
		{"empty", nil, IRRNone, nil},
		{"root above 1000 %", []float64{-1, 20}, IRRNone, nil}, // r = 19
		{"NaN flow", []float64{-1, math.NaN()}, IRRNone, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := IRR(tt.flows)
			if got.Kind != tt.kind || len(got.Rates) != len(tt.rates) {
				t.Fatalf("IRR(%v) = %+v, want kind %v with rates %v", tt.flows, got, tt.kind, tt.rates)
			}
			for i, r := range tt.rates {
				if math.Abs(got.Rates[i]-r) > 1e-10 {
					t.Errorf("IRR(%v).Rates[%d] = %.15g, want %.15g", tt.flows, i, got.Rates[i], r)
				}
			}
			if tt.kind == IRROne && got.Rate != got.Rates[0] || tt.kind != IRROne && !math.IsNaN(got.Rate) {
				t.Errorf("IRR(%v).Rate = %v, want the single root or NaN", tt.flows, got.Rate)
			}
		})
	}
}

// signChanges counts sign changes in flows, zeros skipped (Descartes' rule of signs bounds the
// number of positive roots of Σ f_t d^t, hence of IRRs, by it).
func signChanges(flows []float64) int {
	n, last := 0, 0.0
	for _, f := range flows {
		if f != 0 {
			if last != 0 && (f > 0) != (last > 0) {
				n++
			}
			last = f
		}
	}
	return n
}

// TestIRRDescartes checks on random profiles that IRR finds no more roots than Descartes allows,
// that each is a root, and that one sign change (a conventional project) gives at most one root.
func TestIRRDescartes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		flows := make([]float64, 1+rng.IntN(12))
		for i := range flows {
			flows[i] = math.Round(rng.NormFloat64()*100) / 10
		}
		got := IRR(flows)
		if len(got.Rates) > signChanges(flows) {
			t.Errorf("IRR(%v) found %d roots, more than the %d sign changes", flows, len(got.Rates), signChanges(flows))
		}
		for _, r := range got.Rates {
			if !rootOK(flows, r) {
				t.Errorf("IRR(%v) reported %v, but NPV there is %v", flows, r, NPV(flows, r))
			}
		}
	}
}

// rootOK reports whether r is a root of NPV(flows, ·) to rounding: |NPV(r)| is within a small
// multiple of the scale of its terms, Σ|f_t|(1+r)^−t (not Σ|f_t|: near r = −0.99 the terms
// are magnified 100^t and so is the rounding error), times the slope allowed by the x-tolerance;
// or NPV changes sign across r ± 1e-9.
func rootOK(flows []float64, r float64) bool {
	d := 1 / (1 + r)
	var scale, dscale, df float64 = 0, 0, 1
	for t, f := range flows {
		scale += math.Abs(f) * df
		dscale += float64(t) * math.Abs(f) * df * d // bound on |dNPV/dr|
		df *= d
	}
	v := NPV(flows, r)
	if math.Abs(v) <= 1e-9*scale+4*(RootTol+4*math.Abs(r)*eps)*dscale {
		return true
	}
	lo, hi := NPV(flows, r-1e-9*(1+math.Abs(r))), NPV(flows, r+1e-9*(1+math.Abs(r)))
	return (lo > 0) != (hi > 0)
}

func TestBCR(t *testing.T) {
	// PV benefits = 110/1.1 + 121/1.1² = 200; PV costs = 100 (year 0) → 2.
	if got := BCR([]float64{0, 110, 121}, []float64{100}, 0.1); !near(got, 2, 1e-12) {
		t.Errorf("BCR = %v, want 2", got)
	}
	if got := BCR([]float64{1}, []float64{0}, 0.1); !math.IsInf(got, 1) {
		t.Errorf("BCR with no cost = %v, want +Inf", got)
	}
	if got := BCR(nil, nil, 0.1); !math.IsNaN(got) {
		t.Errorf("BCR of nothing = %v, want NaN", got)
	}
}

func TestDiscountedPayback(t *testing.T) {
	for _, tt := range []struct {
		name  string
		flows []float64
		rate  float64
		want  float64
		ok    bool
	}{
		// cumulative −100, −40, +20: crosses in year 2 at 1 + 40/60.
		{"undiscounted", []float64{-100, 60, 60}, 0, 1 + 40.0/60, true},
		// cumulative −100, −45.4545, +4.1322: 1 + (50/1.1)/(60/1.21) = 1 + 60.5/66.
		{"discounted", []float64{-100, 60, 60}, 0.1, 1 + 60.5/66, true},
		{"exact", []float64{-100, 100}, 0, 1, true},
		{"leading zeros", []float64{0, -100, 150}, 0, 1 + 100.0/150, true},
		{"never recovers", []float64{-100, 10, 10}, 0.05, 0, false},
		{"never negative", []float64{0, 5}, 0.05, 0, true},
		{"empty", nil, 0.05, 0, true},
	} {
		got, ok := DiscountedPayback(tt.flows, tt.rate)
		if ok != tt.ok || !near(got, tt.want, 1e-12) {
			t.Errorf("%s: DiscountedPayback(%v, %v) = %v, %v; want %v, %v", tt.name, tt.flows, tt.rate, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSolveBreakEven(t *testing.T) {
	for _, tt := range []struct {
		name   string
		f      func(float64) float64
		lo, hi float64
		want   float64
		ok     bool
	}{
		{"inside", func(x float64) float64 { return x*x - 2 }, 0, 2, math.Sqrt2, true},
		{"expand up", func(x float64) float64 { return x*x - 2 }, 0, 1, math.Sqrt2, true},
		{"expand far", func(x float64) float64 { return x - 1e6 }, 0, 1, 1e6, true},
		{"expand down", func(x float64) float64 { return x + 50 }, 0, 1, -50, true},
		{"at an end", func(x float64) float64 { return x - 1 }, 1, 3, 1, true},
		{"no root", func(x float64) float64 { return x*x + 1 }, -1, 1, math.NaN(), false},
		{"NaN", func(x float64) float64 { return math.NaN() }, -1, 1, math.NaN(), false},
		// Break-even premium: the yearly premium p over years 1..10 that offsets an NPV of −50 at 8 %:
		// p = 50/annuity factor, annuity factor = (1 − 1.08⁻¹⁰)/0.08 = 6.710081.
		{"premium", func(p float64) float64 {
			return -50 + NPV([]float64{0, p, p, p, p, p, p, p, p, p, p}, 0.08)
		}, 0, 1, 50 / ((1 - math.Pow(1.08, -10)) / 0.08), true},
	} {
		got, ok := SolveBreakEven(tt.f, tt.lo, tt.hi)
		if ok != tt.ok || ok && math.Abs(got-tt.want) > 1e-9*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("%s: SolveBreakEven on [%v, %v] = %.15g, %v; want %.15g, %v", tt.name, tt.lo, tt.hi, got, ok, tt.want, tt.ok)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("SolveBreakEven(lo = hi) did not panic")
		}
	}()
	SolveBreakEven(func(x float64) float64 { return x }, 1, 1)
}

// FuzzIRR: IRR never panics on finite flows, and every reported rate is a root.
func FuzzIRR(f *testing.F) {
	f.Add(-100.0, 60.0, 60.0, 0.0, 0.0)
	f.Add(-1.0, 5.0, -6.0, 0.0, 0.0)
	f.Add(10.0, 20.0, 0.0, 0.0, 0.0)
	f.Add(-1e300, 1e300, -1e300, 1e300, 0.0)
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(-5.0, 1.0, 1.0, 1.0, 5.0)
	f.Fuzz(func(t *testing.T, a, b, c, d, e float64) {
		flows := []float64{a, b, c, d, e}
		for _, x := range flows {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return
			}
		}
		got := IRR(flows)
		if len(got.Rates) > signChanges(flows) {
			t.Errorf("IRR(%v) found %d roots, more than %d sign changes", flows, len(got.Rates), signChanges(flows))
		}
		for _, r := range got.Rates {
			if r < irrMin || r > irrMax {
				t.Errorf("IRR(%v) reported %v outside [%v, %v]", flows, r, irrMin, irrMax)
			}
			if v := NPV(flows, r); !math.IsInf(v, 0) && !rootOK(flows, r) {
				t.Errorf("IRR(%v) reported %v, but NPV there is %v", flows, r, v)
			}
		}
	})
}

func BenchmarkIRR(b *testing.B) {
	for _, n := range []int{10, 40} {
		flows := make([]float64, n)
		flows[0], flows[1] = -100, -100
		for i := 2; i < n; i++ {
			flows[i] = 30
		}
		b.Run(map[int]string{10: "years=10", 40: "years=40"}[n], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				IRR(flows)
			}
		})
	}
}
