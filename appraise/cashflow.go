package appraise

import (
	"math"
	"slices"

	"github.com/corridor-dev/corridor/model"
)

// RampUpYears is the number of years over which a project's benefits ramp up linearly after it
// enters service (1/3, 2/3, then full). Assumption: rail and pipeline corridors reach their
// steady volume within a few years (Khasan–Rajin went from 0.28 Mt in 2014 to about 2 Mt in 2017,
// REFERENCE_FACTS L30–L32); a documented placeholder until a reference class is found.
const RampUpYears = 3

// defaultHorizon is the appraisal horizon in years after the base year for a project whose
// class has no reference period and a data set without horizon_years.
const defaultHorizon = 30

// schedule is when a project costs and earns, by year index t = 0, 1, … (t = 0 is the data set's
// base year, the year of the decision). The appraisal period runs through construction and the
// reference period of service of the project's class (EU Guide to Cost-Benefit Analysis 2014,
// §2.7); the years of service after it (the tail) are valued as residual value by the net
// benefits they still bring, not by book value (decision 0013).
type schedule struct {
	capex   []float64 // share of capex spent in year t (sums to 1 within the period)
	service []float64 // share of year t in service (0 before, fractional in the first year)
	ramp    []float64 // benefit factor in year t (service × ramp-up)
	// period is the number of years of the appraisal period (t = 0 … period−1); the slices
	// above run on through the tail, where the project is in service at full ramp.
	period int
	// tail is the service left after the period, in years (fractional), counted in the years
	// period … len(service)−1.
	tail float64
}

// newSchedule lays out project p, with construction years c and lifetime life (years), from its
// start year, for a reference period ref (years of service; ≤ 0 for none, then the data set's
// horizon ends the period).
func newSchedule(p *model.Project, meta *model.Meta, c, life, ref float64) schedule {
	start := float64(max(p.StartYear, meta.BaseYear) - meta.BaseYear)
	c, life = max(c, 0), max(life, 0)
	open, end := start+c, start+c+life
	var periodEnd float64
	switch {
	case ref > 0:
		periodEnd = open + min(ref, life)
	case meta.HorizonYears > 0:
		periodEnd = float64(meta.HorizonYears + 1)
	default:
		periodEnd = defaultHorizon + 1
	}
	period := max(1, int(math.Ceil(periodEnd-1e-9)))
	tail := max(0, end-float64(period))
	years := period + int(math.Ceil(tail-1e-9))
	s := schedule{capex: make([]float64, years), service: make([]float64, years), ramp: make([]float64, years), period: period, tail: tail}
	if c == 0 {
		s.capex[min(int(start), years-1)] = 1
	}
	for t := range years {
		y0, y1 := float64(t), float64(t+1)
		if c > 0 {
			s.capex[t] = overlap(y0, y1, start, start+c) / c
		}
		s.service[t] = overlap(y0, y1, open, end)
		if s.service[t] > 0 {
			s.ramp[t] = s.service[t] * min(1, (y1-open)/RampUpYears)
		}
	}
	// capex before year 0 (a project already under way) is booked in year 0
	if sum := sumOf(s.capex); sum > 0 && sum < 1 && start+c <= 0 {
		s.capex[0] += 1 - sum
	}
	return s
}

func overlap(a0, a1, b0, b1 float64) float64 { return max(0, min(a1, b1)-max(a0, b0)) }

func sumOf(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// countryFlows are one country's yearly flows from a project, USD, t = 0 … through the tail.
type countryFlows struct {
	benefit []float64 // welfare change with − without (may be negative)
	cost    []float64 // its capex and opex shares (positive numbers)
	loan    []float64 // loan flows: drawdowns in, interest and repayments out (borrower), the opposite (lender)
}

// net returns benefit − cost + loan by year.
func (f countryFlows) net() []float64 {
	out := make([]float64, len(f.benefit))
	for t := range out {
		out[t] = f.benefit[t] - f.cost[t] + f.loan[t]
	}
	return out
}

// outlay returns what the country pays for the project by year: its cost share less what loans
// bring in, plus what it repays (negative for a lender that is repaid more than it lent).
func (f countryFlows) outlay() []float64 {
	out := make([]float64, len(f.benefit))
	for t := range out {
		out[t] = f.cost[t] - f.loan[t]
	}
	return out
}

// loanFlows returns the borrower's yearly flows of a loan, USD (the lender's are their
// negatives), given the borrower's capex outlay by year, of which the loan draws share as it is
// spent. A drawdown in year t earns interest at rate over the year, paid in year t+1 with that
// year's instalment: during the grace years (counted from the first drawdown) interest only,
// after them the level instalment that repays the balance over the years left of the tenor (an
// annuity, constant once drawdowns stop), so that the tenor's last year clears it. At the loan's
// own rate the flows are then worth nothing: a loan moves money in time. With a yearly default
// probability q each payment k years after the first drawdown is weighted by (1 − q)^k, its
// expected value: the lender bears the expected loss. Rates are real. The result may run past
// len(outlay).
func loanFlows(outlay []float64, share, rate, tenor, grace, q float64) []float64 {
	first := slices.IndexFunc(outlay, func(x float64) bool { return x > 0 })
	if first < 0 || share <= 0 {
		return make([]float64, len(outlay))
	}
	tenorYears := max(1, int(math.Round(tenor)))
	graceYears := min(max(0, int(math.Round(grace))), tenorYears-1)
	out := make([]float64, max(len(outlay), first+tenorYears+1))
	balance := 0.0
	for k := range tenorYears {
		t := first + k
		if t < len(outlay) {
			draw := share * max(0, outlay[t])
			balance += draw
			out[t] += draw
		}
		interest := balance * rate
		pay := interest
		if k >= graceYears {
			pay = annuityPayment(balance, rate, tenorYears-k)
		}
		balance += interest - pay
		out[t+1] -= math.Pow(1-q, float64(k+1)) * pay
	}
	return out
}

// annuityPayment returns the yearly payment that repays principal over n years at rate r.
func annuityPayment(principal, r float64, n int) float64 {
	if n <= 0 {
		return principal
	}
	if r == 0 {
		return principal / float64(n)
	}
	return principal * r / (1 - math.Pow(1+r, -float64(n)))
}

// projectCountries returns the countries a project needs for its territory (those its links and
// upgrades cross, and the countries of the nodes it upgrades) and all countries with a part in it
// (those, its financiers, its links' owners, its contract hosts and loan parties), each sorted.
func projectCountries(n *model.Network, p *model.Project) (needed, all []string) {
	needed = n.Hosts(p)
	set := map[string]bool{}
	for _, c := range needed {
		set[c] = true
	}
	for c, s := range p.Financing {
		if s > 0 {
			set[c] = true
		}
	}
	for c, s := range p.Owners {
		if s > 0 {
			set[c] = true
		}
	}
	for _, id := range p.Links {
		if l := n.Link(id); l != nil {
			for _, o := range l.Owners {
				set[o.Country] = true
			}
		}
	}
	for _, k := range p.Contracts {
		set[k.Host] = true
	}
	for _, l := range p.Loans {
		set[l.Lender], set[l.Borrower] = true, true
	}
	for c := range set {
		all = append(all, c)
	}
	slices.Sort(all)
	return needed, all
}
