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

// schedule is when a project costs and earns, by year index t = 0 … horizon (t = 0 is the data
// set's base year).
type schedule struct {
	capex   []float64 // share of capex spent in year t (sums to 1)
	service []float64 // share of year t in service (0 before, fractional in the first year)
	ramp    []float64 // benefit factor in year t (service × ramp-up)
	// residual is the share of capex left at the horizon (straight-line over the lifetime).
	residual float64
}

// newSchedule lays out project p with construction years c and lifetime life (years) from its
// start year over a horizon of h years after the base year.
func newSchedule(p *model.Project, baseYear, h int, c, life float64) schedule {
	s := schedule{capex: make([]float64, h+1), service: make([]float64, h+1), ramp: make([]float64, h+1)}
	start := float64(max(p.StartYear, baseYear) - baseYear)
	c = math.Max(c, 0)
	if c == 0 {
		s.capex[int(math.Min(start, float64(h)))] = 1
	}
	open, end := start+c, start+c+math.Max(life, 0)
	for t := 0; t <= h; t++ {
		y0, y1 := float64(t), float64(t+1)
		if c > 0 {
			s.capex[t] = overlap(y0, y1, start, start+c) / c
		}
		s.service[t] = overlap(y0, y1, open, end)
		if s.service[t] > 0 {
			s.ramp[t] = s.service[t] * math.Min(1, (y1-open)/RampUpYears)
		}
	}
	// capex after the horizon is not counted; capex before year 0 is booked in year 0
	if sum := sumOf(s.capex); sum > 0 && sum < 1 && start+c <= 0 {
		s.capex[0] += 1 - sum
	}
	if life > 0 && end > float64(h+1) {
		s.residual = math.Min(1, (end-float64(h+1))/life)
	}
	return s
}

func overlap(a0, a1, b0, b1 float64) float64 { return math.Max(0, math.Min(a1, b1)-math.Max(a0, b0)) }

func sumOf(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// flows are one country's yearly cash flows from a project, USD, t = 0 … horizon.
type flows struct {
	benefit []float64 // welfare change with − without (may be negative)
	cost    []float64 // capex and opex shares (positive numbers)
}

func (f flows) net() []float64 {
	out := make([]float64, len(f.benefit))
	for t := range out {
		out[t] = f.benefit[t] - f.cost[t]
	}
	return out
}

// projectCountries returns the countries a project needs (those its links and upgrades cross)
// and those that finance it, sorted.
func projectCountries(n *model.Network, p *model.Project) (needed, all []string) {
	set := map[string]bool{}
	addLink := func(id string) {
		if l := n.Link(id); l != nil {
			for _, ck := range l.Crossings {
				set[ck.Country] = true
			}
		}
	}
	for _, id := range p.Links {
		addLink(id)
	}
	for _, u := range p.Upgrades {
		addLink(u.Link)
		if nd := n.Node(u.Node); nd != nil {
			set[nd.Country] = true
		}
	}
	for c := range set {
		needed = append(needed, c)
	}
	slices.Sort(needed)
	for c := range p.Financing {
		set[c] = true
	}
	for c := range set {
		all = append(all, c)
	}
	slices.Sort(all)
	return needed, all
}
