package appraise

import (
	"fmt"
	"math"
	"slices"
)

// RootTol is the absolute tolerance on x of the root finders (IRR, SolveBreakEven): Brent's
// method stops when the bracket is narrower than 2·(2ε|x| + RootTol/2), with ε the float64
// machine epsilon. For an IRR, 1e-12 is far below any meaningful rate difference.
const RootTol = 1e-12

// NPV returns the net present value of flows, one per year with year 0 (the base year) first,
// at rate per year: Σ_t flows[t]/(1+rate)^t. Year 0 is not discounted and year t's flow is
// discounted by t whole years, the convention of the EU Guide to Cost-Benefit Analysis of
// Investment Projects (2014): flows fall at the end of each year and year 0 is
// the reference date (see docs/decisions/0004-appraisal-formulas.md). Flows and result are in the
// same (real) money unit. Empty flows give 0. It panics if rate ≤ −1 or rate is NaN.
// Cost: O(len(flows)) (Horner's scheme in the discount factor 1/(1+rate)).
func NPV(flows []float64, rate float64) float64 {
	if !(rate > -1) {
		panic(fmt.Sprintf("appraise: NPV discount rate %v ≤ -1", rate))
	}
	return npv(flows, 1/(1+rate))
}

// npv evaluates Σ flows[t]·d^t by Horner's scheme.
func npv(flows []float64, d float64) float64 {
	var v float64
	for t := len(flows) - 1; t >= 0; t-- {
		v = v*d + flows[t]
	}
	return v
}

// IRRKind says how many internal rates of return a cash-flow profile has in the searched range.
type IRRKind int

// IRR kinds.
const (
	IRRNone    IRRKind = iota // NPV(r) does not change sign: no IRR (e.g. all flows positive)
	IRROne                    // exactly one root: the IRR is well defined
	IRRSeveral                // several roots: the IRR is ambiguous, decide on NPV instead
)

// String returns "none", "one" or "several".
func (k IRRKind) String() string {
	switch k {
	case IRRNone:
		return "none"
	case IRROne:
		return "one"
	case IRRSeveral:
		return "several"
	}
	return fmt.Sprintf("IRRKind(%d)", int(k))
}

// IRRResult is the outcome of IRR.
type IRRResult struct {
	Rate  float64   // the IRR per year when Kind is IRROne, NaN otherwise
	Kind  IRRKind   // none, one or several
	Rates []float64 // every root found, ascending (nil for IRRNone)
}

// IRR bounds and grid: the search covers r ∈ [irrMin, irrMax]; grid points sit at 0 and at
// ±irrFirst·irrStep^k (clipped to the bounds), so they are dense near 0, where IRRs usually are,
// and 5 % apart in relative terms further out (about 600 points).
const (
	irrMin   = -0.99
	irrMax   = 10
	irrFirst = 1e-6
	irrStep  = 1.05
)

// IRR returns the internal rates of return of flows (one per year, year 0 first, as in NPV):
// the rates r ∈ [−0.99, 10] at which NPV(flows, r) = 0.
//
// Method: NPV is evaluated on a grid dense near 0 (r = 0 and ±1e-6·1.05^k, about 600 points),
// walking from 0 up to 10 and then from 0 down to −0.99; each sign change between neighbouring
// grid points brackets a root, which Brent's method (Brent 1973, Algorithms for Minimization
// without Derivatives, ch. 4) refines to RootTol. A grid point where NPV is exactly 0 is a root.
// By Descartes' rule of signs the number of positive roots in d = 1/(1+r), so of IRRs, is at
// most the number of sign changes in flows: zero changes give IRRNone at once, and the scan stops
// as soon as that many roots are found (one, for a conventional invest-then-earn profile).
//
// Limits: two roots closer together than the grid spacing (or a root where NPV touches 0 without
// crossing, unless it falls on a grid point) are missed; grid points where NPV overflows (very
// long profiles near r = −0.99) are skipped. Flows containing NaN or ±Inf give IRRNone.
// Cost: O(len(flows)) per grid point (at most about 600 points, about 250 for a conventional
// profile with an IRR near 10 %) plus some 10–50 evaluations per root; no allocation beyond Rates.
func IRR(flows []float64) IRRResult {
	none := IRRResult{Rate: math.NaN(), Kind: IRRNone}
	changes := 0
	last := 0.0
	for _, f := range flows {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return none
		}
		if f != 0 {
			if last != 0 && (f > 0) != (last > 0) {
				changes++
			}
			last = f
		}
	}
	if changes == 0 {
		return none
	}

	g := func(r float64) float64 { return npv(flows, 1/(1+r)) }
	var roots []float64
	// scan walks from 0 outwards (up to irrMax for dir = +1, down to irrMin for dir = −1),
	// recording exact zeros and refining each bracketed sign change. Scanning upwards first finds
	// the usual positive IRR after few evaluations, and then Descartes' bound ends the search.
	scan := func(dir float64) {
		var prevX, prevF float64
		havePrev := false
		end := float64(irrMax)
		if dir < 0 {
			end = irrMin
		}
		for k := -1; len(roots) < changes; k++ {
			x := 0.0
			if k >= 0 {
				x = dir * irrFirst * math.Pow(irrStep, float64(k))
				if dir*x >= dir*end {
					x = end
				}
			}
			f := g(x)
			switch {
			case math.IsNaN(f) || math.IsInf(f, 0):
				havePrev = false
			case f == 0:
				if x != 0 || dir > 0 { // a zero at r = 0 is recorded by the upward scan only
					roots = append(roots, x)
				}
				havePrev = false // the zero accounts for any sign change across it
			default:
				if havePrev && (f > 0) != (prevF > 0) {
					lo, hi, flo, fhi := prevX, x, prevF, f
					if lo > hi {
						lo, hi, flo, fhi = hi, lo, fhi, flo
					}
					roots = append(roots, brent(g, lo, hi, flo, fhi))
				}
				prevX, prevF, havePrev = x, f, true
			}
			if x == end {
				return
			}
		}
	}
	scan(+1)
	scan(-1)
	roots = dedupe(roots)
	switch len(roots) {
	case 0:
		return none
	case 1:
		return IRRResult{Rate: roots[0], Kind: IRROne, Rates: roots}
	}
	return IRRResult{Rate: math.NaN(), Kind: IRRSeveral, Rates: roots}
}

// dedupe sorts roots and merges those within the root tolerance of each other.
func dedupe(roots []float64) []float64 {
	slices.Sort(roots)
	out := roots[:0]
	for _, r := range roots {
		if len(out) > 0 && r-out[len(out)-1] <= 4*(RootTol+4*math.Abs(r)*eps) {
			continue
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// eps is the float64 machine epsilon, 2⁻⁵².
const eps = 0x1p-52

// BCR returns the benefit–cost ratio PV(benefits)/PV(costs) at rate (EU CBA Guide 2014),
// with PV as in NPV; costs are given as positive amounts. The slices may differ in length.
// IEEE division decides the degenerate cases: PV(costs) = 0 gives +Inf (or −Inf) when PV(benefits)
// is positive (negative), and NaN when both are 0. It panics if rate ≤ −1.
func BCR(benefits, costs []float64, rate float64) float64 {
	return NPV(benefits, rate) / NPV(costs, rate)
}

// DiscountedPayback returns the discounted payback period of flows at rate: the time, in years
// from the base year 0, at which the cumulative discounted flow C_t = Σ_{k≤t} flows[k]/(1+rate)^k
// first returns to ≥ 0 after having been negative. Within the year of the crossing it
// interpolates linearly (the year's flow taken as accruing evenly from t−1 to t):
// years = t−1 + (−C_{t−1})/(C_t − C_{t−1}). If the cumulative flow is never negative the payback
// is 0 (ok = true); if it never recovers, ok is false. A later fall below zero (e.g.
// decommissioning) is not considered. It panics if rate ≤ −1.
func DiscountedPayback(flows []float64, rate float64) (years float64, ok bool) {
	if !(rate > -1) {
		panic(fmt.Sprintf("appraise: DiscountedPayback discount rate %v ≤ -1", rate))
	}
	d := 1 / (1 + rate)
	var cum, df float64 = 0, 1
	underwater := false
	for t, f := range flows {
		prev := cum
		cum += f * df
		df *= d
		switch {
		case cum < 0:
			underwater = true
		case underwater: // cum ≥ 0 > prev
			return float64(t-1) + (-prev)/(cum-prev), true
		}
	}
	if !underwater {
		return 0, true
	}
	return 0, false
}

// SolveBreakEven returns an x with f(x) = 0, for switching values (the input value at which an
// NPV crosses 0) and break-even premiums. It starts from the bracket [lo, hi]; if f(lo) and f(hi)
// have the same sign it widens the bracket up to 50 times, each time moving the end with the
// smaller |f| outwards by 1.6 times the bracket width (as in Press et al., Numerical Recipes,
// §9.1), and then refines the root by Brent's method to RootTol (plus a relative 2ε|x|).
// f may be evaluated outside [lo, hi]. ok is false if no sign change was found or f returned NaN.
// If f has several roots in the bracket, one of them is returned. It panics unless lo < hi, both
// finite.
func SolveBreakEven(f func(x float64) float64, lo, hi float64) (x float64, ok bool) {
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		panic(fmt.Sprintf("appraise: SolveBreakEven bracket [%v, %v] is not finite with lo < hi", lo, hi))
	}
	const (
		tries  = 50
		factor = 1.6
	)
	flo, fhi := f(lo), f(hi)
	for range tries {
		switch {
		case math.IsNaN(flo) || math.IsNaN(fhi):
			return math.NaN(), false
		case flo == 0:
			return lo, true
		case fhi == 0:
			return hi, true
		case (flo > 0) != (fhi > 0):
			return brent(f, lo, hi, flo, fhi), true
		}
		if math.Abs(flo) < math.Abs(fhi) {
			lo += factor * (lo - hi)
			flo = f(lo)
		} else {
			hi += factor * (hi - lo)
			fhi = f(hi)
		}
	}
	return math.NaN(), false
}

// brent finds a root of f in [a, b], given fa = f(a) and fb = f(b) of opposite signs, by Brent's
// method (Brent 1973, ch. 4): inverse quadratic interpolation or the secant step when they stay
// well inside the bracket, bisection otherwise, so it never does worse than bisection by more
// than a small factor. It returns when the bracket is narrower than 2·(2ε|b| + RootTol/2).
func brent(f func(float64) float64, a, b, fa, fb float64) float64 {
	return brentTol(f, a, b, fa, fb, RootTol)
}

// SolveBracketed returns a root of f in [a, b] to within absTol, given fa = f(a) and fb = f(b)
// of opposite signs (it panics otherwise), by Brent's method. Use it when f is costly and a
// coarse answer will do: a switching value needs three digits, not twelve.
func SolveBracketed(f func(float64) float64, a, b, fa, fb, absTol float64) float64 {
	if (fa > 0) == (fb > 0) && fa != 0 && fb != 0 {
		panic("appraise: SolveBracketed needs f(a) and f(b) of opposite signs")
	}
	return brentTol(f, a, b, fa, fb, absTol)
}

func brentTol(f func(float64) float64, a, b, fa, fb, rootTol float64) float64 {
	if fa == 0 {
		return a
	}
	const maxIter = 500 // bisection alone needs < 2,100 halvings of the float64 range; Brent far fewer
	c, fc := b, fb
	var d, e float64
	for range maxIter {
		if (fb > 0) == (fc > 0) { // c must lie on the other side of the root from b
			c, fc = a, fa
			d = b - a
			e = d
		}
		if math.Abs(fc) < math.Abs(fb) { // b is the best estimate so far
			a, b, c = b, c, b
			fa, fb, fc = fb, fc, fb
		}
		tol := 2*eps*math.Abs(b) + 0.5*rootTol
		m := 0.5 * (c - b)
		if math.Abs(m) <= tol || fb == 0 {
			return b
		}
		if math.Abs(e) >= tol && math.Abs(fa) > math.Abs(fb) {
			var p, q float64
			s := fb / fa
			if a == c { // secant
				p = 2 * m * s
				q = 1 - s
			} else { // inverse quadratic interpolation
				q = fa / fc
				r := fb / fc
				p = s * (2*m*q*(q-r) - (b-a)*(r-1))
				q = (q - 1) * (r - 1) * (s - 1)
			}
			if p > 0 {
				q = -q
			} else {
				p = -p
			}
			if 2*p < min(3*m*q-math.Abs(tol*q), math.Abs(e*q)) {
				e, d = d, p/q // accept interpolation
			} else {
				d, e = m, m // bisect
			}
		} else {
			d, e = m, m
		}
		a, fa = b, fb
		if math.Abs(d) > tol {
			b += d
		} else {
			b += math.Copysign(tol, m)
		}
		fb = f(b)
		if math.IsNaN(fb) {
			return math.NaN()
		}
	}
	return b
}
