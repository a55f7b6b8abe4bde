package risk

import (
	"math"
	"testing"
)

func TestSummarize(t *testing.T) {
	// By hand: sorted −2, 1, 2, 3, 11; mean 15/5 = 3; deviations −5, −2, −1, 0, 8;
	// Σd² = 25+4+1+0+64 = 94; variance 94/4 = 23.5; SE = √23.5/√5 = √4.7.
	// Type 7 (h = 4p): P10 at h = 0.4 → −2 + 0.4·3 = −0.8; P50 at h = 2 → 2;
	// P90 at h = 3.6 → 3 + 0.6·8 = 7.8 (R: quantile(c(-2,1,2,3,11), c(.1,.5,.9)) agrees).
	xs := []float64{3, -2, 11, 1, 2}
	got := Summarize(xs)
	want := Summary{N: 5, Mean: 3, StdDev: math.Sqrt(23.5), StdErr: math.Sqrt(4.7), P10: -0.8, P50: 2, P90: 7.8, Min: -2, Max: 11, PPositive: 0.8}
	if !sameSummary(got, want) {
		t.Errorf("Summarize(%v) = %+v, want %+v", xs, got, want)
	}
	if xs[0] != 3 {
		t.Errorf("Summarize modified its input: %v", xs)
	}

	for _, tt := range []struct {
		name string
		xs   []float64
		want Summary
	}{
		{"empty", nil, Summary{}},
		{"one", []float64{-4}, Summary{N: 1, Mean: -4, P10: -4, P50: -4, P90: -4, Min: -4, Max: -4}},
		{"constant", []float64{2, 2, 2}, Summary{N: 3, Mean: 2, P10: 2, P50: 2, P90: 2, Min: 2, Max: 2, PPositive: 1}},
	} {
		if got := Summarize(tt.xs); !sameSummary(got, tt.want) {
			t.Errorf("%s: Summarize(%v) = %+v, want %+v", tt.name, tt.xs, got, tt.want)
		}
	}
	if got := Summarize([]float64{1, math.NaN()}); got.N != 2 || !math.IsNaN(got.Mean) || !math.IsNaN(got.P50) {
		t.Errorf("Summarize with NaN = %+v, want N=2 and NaN statistics", got)
	}
}

func sameSummary(a, b Summary) bool {
	eq := func(x, y float64) bool { return math.Abs(x-y) <= 1e-12*math.Max(1, math.Abs(y)) }
	return a.N == b.N && eq(a.Mean, b.Mean) && eq(a.StdDev, b.StdDev) && eq(a.StdErr, b.StdErr) &&
		eq(a.P10, b.P10) && eq(a.P50, b.P50) && eq(a.P90, b.P90) && eq(a.Min, b.Min) && eq(a.Max, b.Max) &&
		eq(a.PPositive, b.PPositive)
}

func TestEmpiricalQuantile(t *testing.T) {
	s := []float64{10, 20, 30, 40} // type 7: h = 3p
	for _, tt := range []struct{ p, want float64 }{
		{0, 10}, {1, 40}, {0.5, 25}, {1.0 / 3, 20}, {0.1, 13}, // 0.1: h = 0.3 → 10 + 0.3·10
	} {
		if got := EmpiricalQuantile(s, tt.p); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("EmpiricalQuantile(%v, %v) = %v, want %v", s, tt.p, got, tt.want)
		}
	}
}

// TestStdErrShrinks checks StdErr ∝ 1/√N: 16 times the draws give a quarter of the error. The
// ratio is (sd₁/sd₂)·4, and sd estimates from 1,000 draws of a uniform vary by about
// √((κ−1)/(4n)) ≈ 1.3 %, so 10 % is a wide margin.
func TestStdErrShrinks(t *testing.T) {
	sample := func(n int) Summary {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = Stream(3, uint64(i)).Float64()
		}
		return Summarize(xs)
	}
	ratio := sample(1_000).StdErr / sample(16_000).StdErr
	if math.Abs(ratio/4-1) > 0.1 {
		t.Errorf("StdErr(n=1000)/StdErr(n=16000) = %.3f, want 4 ± 10 %%", ratio)
	}
}

func TestProbability(t *testing.T) {
	for _, tt := range []struct {
		bs     []bool
		p, err float64
	}{
		{nil, 0, 0},
		{[]bool{true, false, true, true}, 0.75, math.Sqrt(0.75 * 0.25 / 4)},
		{[]bool{false, false}, 0, 0},
	} {
		p, se := Probability(tt.bs)
		if math.Abs(p-tt.p) > 1e-15 || math.Abs(se-tt.err) > 1e-15 {
			t.Errorf("Probability(%v) = %v, %v; want %v, %v", tt.bs, p, se, tt.p, tt.err)
		}
	}
}

func TestSortSwings(t *testing.T) {
	s := []Swing{
		{Input: "opex", Low: 1, High: 2},
		{Input: "capex", Low: 5, High: -5},
		{Input: "bad", Low: math.NaN(), High: 1},
		{Input: "demand", Low: -3, High: 7},
		{Input: "a-tie", Low: 0, High: 1},
	}
	SortSwings(s)
	var got []string
	for _, x := range s {
		got = append(got, x.Input)
	}
	want := []string{"capex", "demand", "a-tie", "opex", "bad"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("SortSwings order = %v, want %v", got, want)
		}
	}
}
