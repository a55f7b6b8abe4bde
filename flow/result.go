package flow

import (
	"cmp"
	"slices"
	"time"
)

// Result is the solution of one scenario state. Quantities are per year in canonical units
// (t, mcm, MWh, TEU, bbl) and money is USD per year of the data set's base year.
type Result struct {
	Year       int
	Regime     string
	Objective  float64       // total surplus, USD/yr: the LP objective
	Iterations int           // simplex iterations
	SolveTime  time.Duration // time inside the LP engine
	// Decomposed says the LP was solved by decomposition (Options.Method); false when whole.
	Decomposed    bool `json:",omitempty"`
	Links         []LinkResult
	Markets       []MarketResult
	Prices        []NodePrice
	Binding       []Binding
	Welfare       []CountryWelfare // one per country with any welfare, sorted by id; RestOfWorld included
	Leakage       []RuleLeakage
	TariffRevenue float64 // Σ transit tariffs, USD/yr (a transfer: in welfare, not in Objective)
	LeakageCost   float64 // Σ premiums and evasion costs paid outside every country, USD/yr
}

// LinkResult is what flows on one link.
type LinkResult struct {
	Link      string
	Mode      string
	Available bool
	Capacity  float64 // per direction, in the mode's capacity unit per year
	// Forward and Backward are the flows From→To and To→From in capacity units per year (tonnes on
	// freight modes).
	Forward, Backward float64
	Utilisation       float64 // max(Forward, Backward) / Capacity
	// ShadowForward and ShadowBackward are the capacity duals: USD per year gained by one more
	// capacity unit per year in that direction.
	ShadowForward, ShadowBackward float64
	Rent                          float64 // capacity rent, USD/yr: shadow × flow
	TariffRevenue                 float64 // USD/yr
	Flows                         []CommodityFlow
}

// CommodityFlow is one commodity and origin on a link, in the commodity's unit per year.
type CommodityFlow struct {
	Commodity, Origin string
	Forward, Backward float64
}

func (l *LinkResult) addFlow(commodity, origin string, forward bool, x float64) {
	for i := range l.Flows {
		f := &l.Flows[i]
		if f.Commodity == commodity && f.Origin == origin {
			if forward {
				f.Forward += x
			} else {
				f.Backward += x
			}
			return
		}
	}
	f := CommodityFlow{Commodity: commodity, Origin: origin}
	if forward {
		f.Forward = x
	} else {
		f.Backward = x
	}
	l.Flows = append(l.Flows, f)
}

func (l *LinkResult) sortFlows() {
	slices.SortFunc(l.Flows, func(a, b CommodityFlow) int {
		return cmp.Or(cmp.Compare(a.Commodity, b.Commodity), cmp.Compare(a.Origin, b.Origin))
	})
}

// MarketResult is what one market supplied, bought or imported.
type MarketResult struct {
	Market, Kind, Commodity, Node string
	Quantity                      float64 // supplied, served or imported per year, commodity unit
	Capacity                      float64 // demand only: Σ step quantities per year
	Unmet                         float64 // demand only: Capacity − Quantity
	Price                         float64 // node price, USD per unit
	Surplus                       float64 // consumer or producer surplus (backstop: rent), USD/yr
}

// NodePrice is the dual of a flow balance: the value in USD of one more unit of a commodity of
// one origin at a node.
type NodePrice struct {
	Commodity, Node, Origin string
	Price                   float64
}

// Binding is a constraint at its limit with a non-zero shadow price.
type Binding struct {
	Kind     string // "link", "node" or "rule"
	ID       string
	Forward  bool    // links: the direction that binds
	Shadow   float64 // USD per year per unit of extra capacity or cap
	Activity float64
	Limit    float64
}

// CountryWelfare is one country's surplus in a state, USD/yr (docs/MODEL.md, section
// 2), at the prices of the canonical optimum (decision 0012).
type CountryWelfare struct {
	Country  string
	Consumer float64 // Σ (willingness to pay − node price) × quantity served
	Producer float64 // Σ (node price − marginal cost) × quantity supplied
	// Transit is transit tariffs: to the host of a transit contract, else to the countries a
	// link crosses by km; plus a contract's share of the owners' rent.
	Transit float64
	// CapacityRent is capacity duals × flow, to each link's owners by share (less a contract's
	// share to the host); node throughput rents; a binding backstop import limit's rent, to
	// the importing country.
	CapacityRent float64
	QuotaRent    float64 // rents of binding caps, to the origins of the capped flow
}

// Total returns the sum of the country's welfare components.
func (c CountryWelfare) Total() float64 {
	return c.Consumer + c.Producer + c.Transit + c.CapacityRent + c.QuotaRent
}

// RuleLeakage is what crossed one sanctions rule.
type RuleLeakage struct {
	Rule        string
	Enforcement float64
	Compliant   float64 // flow within the cap (for a premium rule: all matched flow), per year
	Evading     float64 // flow beyond the cap or through a ban: sanctions leakage, per year
	Cost        float64 // premiums and evasion costs paid, USD/yr: they leave every country
	QuotaRent   float64 // rent of a binding cap, USD/yr
}

// addBinding appends b to r.Binding unless the result is lean.
func (r *Result) addBinding(lean bool, b Binding) {
	if !lean {
		r.Binding = append(r.Binding, b)
	}
}

func (r *Result) leakIx(id string) (int, bool) {
	for i := range r.Leakage {
		if r.Leakage[i].Rule == id {
			return i, true
		}
	}
	return 0, false
}

func (r *Result) leakage(id string) *RuleLeakage {
	if i, ok := r.leakIx(id); ok {
		return &r.Leakage[i]
	}
	r.Leakage = append(r.Leakage, RuleLeakage{Rule: id})
	return &r.Leakage[len(r.Leakage)-1]
}

// Country returns the welfare of one country (zero if it has none).
func (r *Result) Country(id string) CountryWelfare {
	for _, c := range r.Welfare {
		if c.Country == id {
			return c
		}
	}
	return CountryWelfare{Country: id}
}

// Link returns the result for one link, or nil.
func (r *Result) Link(id string) *LinkResult {
	for i := range r.Links {
		if r.Links[i].Link == id {
			return &r.Links[i]
		}
	}
	return nil
}

// Market returns the result for one market, or nil.
func (r *Result) Market(id string) *MarketResult {
	for i := range r.Markets {
		if r.Markets[i].Market == id {
			return &r.Markets[i]
		}
	}
	return nil
}

// welfare accumulates CountryWelfare by country, indexed like Problem.countries.
type welfare struct {
	p       *Problem
	by      []CountryWelfare
	touched []bool // countries given any welfare (even zero): they are in the result
}

// newWelfare returns p's welfare accumulator, emptied.
func (p *Problem) newWelfare() *welfare {
	s := &p.scratch
	w := &welfare{p: p, by: resize(&s.welfare, len(p.countries)), touched: resize(&s.touched, len(p.countries))}
	for i := range w.by {
		w.by[i] = CountryWelfare{Country: p.countries[i]}
	}
	clear(w.touched)
	return w
}

// at returns the welfare of country i (an index into Problem.countries).
func (w *welfare) at(i int) *CountryWelfare {
	w.touched[i] = true
	return &w.by[i]
}

// country returns the welfare of a country by id; every country a column names has an index.
func (w *welfare) country(id string) *CountryWelfare {
	i, ok := w.p.countryIx[id]
	if !ok {
		panic("flow: country " + id + " is not in the problem's tables")
	}
	return w.at(i)
}

// sorted returns the welfare of every touched country, sorted by id.
func (w *welfare) sorted() []CountryWelfare {
	n := 0
	for _, t := range w.touched {
		if t {
			n++
		}
	}
	out := make([]CountryWelfare, 0, n)
	for _, i := range w.p.byCountry {
		if w.touched[i] {
			out = append(out, w.by[i])
		}
	}
	return out
}
