package appraise

import (
	"math"
	"testing"
)

// TestLoanFlows: 100 drawn in year 0 at 10 % over a tenor of 3 years with 1 year of grace. Year 1
// pays the interest, 10; years 2 and 3 the annuity that clears 100 over two years,
// 100·0.1/(1 − 1.1⁻²) = 57.619 each. At the loan's own rate the flows are worth nothing.
func TestLoanFlows(t *testing.T) {
	got := loanFlows([]float64{100}, 1, 0.1, 3, 1, 0)
	a := 10 / (1 - 1/1.21)
	want := []float64{100, -10, -a, -a}
	if len(got) != len(want) {
		t.Fatalf("loanFlows = %v, want %v", got, want)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Errorf("year %d: %.9g, want %.9g", i, got[i], want[i])
		}
	}
	if v := NPV(got, 0.1); math.Abs(v) > 1e-9 {
		t.Errorf("NPV at the loan's rate = %g, want 0", v)
	}
	// A yearly default probability of 5 % weights the payment k+1 years after the first
	// drawdown by 0.95^(k+1): the borrower repays, and the lender receives, less in expectation.
	q := loanFlows([]float64{100}, 1, 0.1, 3, 1, 0.05)
	for i, w := range []float64{1, 0.95, 0.95 * 0.95, 0.95 * 0.95 * 0.95} {
		if math.Abs(q[i]-want[i]*w) > 1e-9 {
			t.Errorf("with default risk, year %d: %.9g, want %.9g", i, q[i], want[i]*w)
		}
	}
	if v := NPV(q, 0.1); v <= 0 {
		t.Errorf("with default risk the borrower gains in expectation; NPV = %g", v)
	}
}

// TestLoanFlowsProperties: over construction schedules, shares, rates, tenors and graces, the
// loan draws exactly share × outlay, and its flows are worth nothing at its own rate.
func TestLoanFlowsProperties(t *testing.T) {
	for _, c := range []struct {
		outlay                    []float64
		share, rate, tenor, grace float64
	}{
		{[]float64{0, 50, 50}, 0.5, 0.02, 20, 5},
		{[]float64{30, 30, 40}, 1, 0, 10, 0},
		{[]float64{10}, 0.3, 0.07, 1, 0},
		{[]float64{0, 0, 80, 20, 0, 0}, 0.8, 0.05, 15, 14},
	} {
		f := loanFlows(c.outlay, c.share, c.rate, c.tenor, c.grace, 0)
		drawn := 0.0
		for i, x := range c.outlay {
			drawn += c.share * x
			_ = i
		}
		in := 0.0
		for _, v := range f {
			if v > 0 {
				in += v
			}
		}
		if math.Abs(NPV(f, c.rate)) > 1e-9*drawn {
			t.Errorf("%+v: NPV at the loan's rate %g, want 0", c, NPV(f, c.rate))
		}
		if in > drawn+1e-9 {
			t.Errorf("%+v: %g drawn, want at most %g", c, in, drawn)
		}
	}
}
