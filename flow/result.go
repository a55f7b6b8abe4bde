package flow

import (
	"cmp"
	"slices"
	"time"
)

// Result is the solution of one scenario state. Quantities are per year in canonical units
// (t, mcm, MWh, TEU, bbl) and money is USD per year of the data set's base year.
type Result struct {
	Year       int           `json:"year"`
	Regime     string        `json:"regime"`
	Objective  float64       `json:"objective"`  // total surplus, USD/yr: the LP objective
	Iterations int           `json:"iterations"` // simplex iterations
	SolveTime  time.Duration `json:"-"`          // time inside the LP engine: not in JSON, which must not vary between runs
	// Decomposed says the LP was solved by decomposition (Options.Method); false when whole.
	Decomposed    bool             `json:"decomposed,omitempty"`
	Links         []LinkResult     `json:"links"`
	Markets       []MarketResult   `json:"markets"`
	Prices        []NodePrice      `json:"prices"`
	Binding       []Binding        `json:"binding"`
	Welfare       []CountryWelfare `json:"welfare"` // one per country with any welfare, sorted by id; RestOfWorld included
	Leakage       []RuleLeakage    `json:"leakage"`
	TariffRevenue float64          `json:"tariff_revenue"` // Σ transit tariffs, USD/yr (a transfer: in welfare, not in Objective)
	LeakageCost   float64          `json:"leakage_cost"`   // Σ premiums and evasion costs paid outside every country, USD/yr
}

// LinkResult is what flows on one link.
type LinkResult struct {
	Link      string  `json:"link"`
	Mode      string  `json:"mode"`
	Available bool    `json:"available"`
	Capacity  float64 `json:"capacity"` // per direction, in the mode's capacity unit per year
	// Forward and Backward are the flows From→To and To→From in capacity units per year (tonnes on
	// freight modes).
	Forward     float64 `json:"forward"`
	Backward    float64 `json:"backward"`
	Utilisation float64 `json:"utilisation"` // max(Forward, Backward) / Capacity
	// ShadowForward and ShadowBackward are the capacity duals: USD per year gained by one more
	// capacity unit per year in that direction.
	ShadowForward  float64         `json:"shadow_forward"`
	ShadowBackward float64         `json:"shadow_backward"`
	Rent           float64         `json:"rent"`           // capacity rent, USD/yr: shadow × flow
	TariffRevenue  float64         `json:"tariff_revenue"` // USD/yr
	Flows          []CommodityFlow `json:"flows"`
}

// CommodityFlow is one commodity and origin on a link, in the commodity's unit per year.
type CommodityFlow struct {
	Commodity string  `json:"commodity"`
	Origin    string  `json:"origin"`
	Forward   float64 `json:"forward"`
	Backward  float64 `json:"backward"`
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
	Market    string  `json:"market"`
	Kind      string  `json:"kind"`
	Commodity string  `json:"commodity"`
	Node      string  `json:"node"`
	Quantity  float64 `json:"quantity"` // supplied, served or imported per year, commodity unit
	Capacity  float64 `json:"capacity"` // demand only: Σ step quantities per year
	Unmet     float64 `json:"unmet"`    // demand only: Capacity − Quantity
	Price     float64 `json:"price"`    // node price, USD per unit
	Surplus   float64 `json:"surplus"`  // consumer or producer surplus (backstop: rent), USD/yr
}

// NodePrice is the dual of a flow balance: the value in USD of one more unit of a commodity of
// one origin at a node.
type NodePrice struct {
	Commodity string  `json:"commodity"`
	Node      string  `json:"node"`
	Origin    string  `json:"origin"`
	Price     float64 `json:"price"`
}

// Binding is a constraint at its limit with a non-zero shadow price.
type Binding struct {
	Kind     string  `json:"kind"` // "link", "node" or "rule"
	ID       string  `json:"i_d"`
	Forward  bool    `json:"forward"` // links: the direction that binds
	Shadow   float64 `json:"shadow"`  // USD per year per unit of extra capacity or cap
	Activity float64 `json:"activity"`
	Limit    float64 `json:"limit"`
}

// CountryWelfare is one country's surplus in a state, USD/yr (docs/MODEL.md, section
// 2), at the prices of the canonical optimum (decision 0012).
type CountryWelfare struct {
	Country  string  `json:"country"`
	Consumer float64 `json:"consumer"` // Σ (willingness to pay − node price) × quantity served
	Producer float64 `json:"producer"` // Σ (node price − marginal cost) × quantity supplied
	// Transit is transit tariffs: to the host of a transit contract, else to the countries a
	// link crosses by km; plus a contract's share of the owners' rent.
	Transit float64 `json:"transit"`
	// CapacityRent is capacity duals × flow, to each link's owners by share (less a contract's
	// share to the host); node throughput rents; a binding backstop import limit's rent, to
	// the importing country.
	CapacityRent float64 `json:"capacity_rent"`
	QuotaRent    float64 `json:"quota_rent"` // rents of binding caps, to the origins of the capped flow
}

// Total returns the sum of the country's welfare components.
func (c CountryWelfare) Total() float64 {
	return c.Consumer + c.Producer + c.Transit + c.CapacityRent + c.QuotaRent
}

// RuleLeakage is what crossed one sanctions rule.
type RuleLeakage struct {
	Rule        string  `json:"rule"`
	Enforcement float64 `json:"enforcement"`
	Compliant   float64 `json:"compliant"`  // flow within the cap (for a premium rule: all matched flow), per year
	Evading     float64 `json:"evading"`    // flow beyond the cap or through a ban: sanctions leakage, per year
	Cost        float64 `json:"cost"`       // premiums and evasion costs paid, USD/yr: they leave every country
	QuotaRent   float64 `json:"quota_rent"` // rent of a binding cap, USD/yr
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
