package appraise

import (
	"context"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/risk"
	"github.com/corridor-dev/corridor/scenario"
)

// BaseCase is the deterministic analysis of one case: every input at its value, overruns at
// their median, and the regime path replaced by the Markov chain's expected occupancy of each
// state (transition probabilities at their values, without feedback).
type BaseCase struct {
	NPV       []CountryValue `json:"npv"`        // financial NPV by country, USD
	CashFlows []CashFlow     `json:"cash_flows"` // expected yearly cash flows by country
	// Gains splits each country's welfare change by where it comes from, PV at the social rate:
	// the owners' rents and the hosts' tariffs beside consumers' and producers' surplus.
	Gains []GainSplit `json:"gains"`
	// Shapley is each country's strategic value in the network game beside its own gain, PV at
	// the social rate.
	Shapley []ShapleyShare `json:"shapley"`
	// Tornado is the decider's NPV at each driver's P10 and P90, widest first; Switching the
	// values at which its base-case NPV crosses zero. Both empty without a decider.
	Tornado   []risk.Swing `json:"tornado"`
	Switching []Switching  `json:"switching"`
}

// CountryValue is one number for one country.
type CountryValue struct {
	Country string  `json:"country"`
	Value   float64 `json:"value"`
}

// CashFlow is one country's expected yearly flows, USD, year t = 0, 1, … from the base year,
// through the appraisal period (Period years) and the service after it.
type CashFlow struct {
	Country string    `json:"country"`
	Gain    []float64 `json:"gain"`  // welfare change with the project (may be negative)
	Cost    []float64 `json:"cost"`  // capex and opex shares
	Loan    []float64 `json:"loans"` // loan flows: drawdowns in, interest and repayments out (for a lender the opposite)
	// Residual is the value at the end of the appraisal period of the years of service after it,
	// at the social rate: their net benefits, or 0 if the project is then retired.
	Residual float64 `json:"residual_value"`
	Period   int     `json:"period_years"`
}

// GainSplit is one country's welfare change from a project by component, PV at the social rate.
type GainSplit struct {
	Country  string  `json:"country"`
	Consumer float64 `json:"consumer"`
	Producer float64 `json:"producer"`
	Transit  float64 `json:"transit"` // tariffs and rent shares it hosts under contract
	Rent     float64 `json:"rent"`    // capacity rents of what it owns
	Quota    float64 `json:"quota"`
}

// Switching is the value of one input at which the decider's base-case NPV is zero.
type Switching struct {
	Input string  `json:"input"` // e.g. "capex", "gas prices"
	Base  float64 `json:"base"`  // the input's base value (1 for a multiplier)
	Value float64 `json:"value"` // the switching value in the same unit
	Unit  string  `json:"unit"`  // "× base" for multipliers
	Found bool    `json:"found"` // false when NPV keeps its sign over the searched range
}

// ShapleyShare is one country's strategic value of the project in the network game (the change
// of its Shapley value) against its own welfare gain in the market, PV at the social rate. The
// difference is what the bargaining power the project brings is worth beyond the market's split.
type ShapleyShare struct {
	Country     string  `json:"country"`
	Shapley     float64 `json:"shapley"`
	OwnGain     float64 `json:"own_gain"`
	SidePayment float64 `json:"side_payment"` // Shapley − OwnGain
}

// variant is a modification of the base inputs for one evaluation.
type variant struct {
	net     *model.Network
	overrun float64 // multiplier on the project's median overrun; 0 means 1
	relief  float64 // multiplier on relief transition probabilities; 0 means 1
	// financial says net differs from the base network only in quantities the flow LP does not
	// read (discount rates, a project's schedule, costs and loans): the states solved for the
	// base network serve.
	financial bool
}

// financialPath reports whether the flow LP ignores quantity path p: the discount rates and the
// data set's meta quantities, and a project's capex, schedule, opex, lifetime and loans.
func financialPath(p model.QuantityPath) bool {
	parts := strings.Split(string(p), "/")
	switch model.Component(parts[0]) {
	case model.CompCountries, model.CompMeta:
		return true
	case model.CompProjects:
		if len(parts) < 3 {
			return false
		}
		switch parts[2] {
		case "capex", "construction_years", "opex", "lifetime", "loans":
			return true
		}
	}
	return false
}

// analyse fills Case.Base for every case, with the tornado and switching values of the
// decider's NPV under every scenario. A scenario is one unit of work: its projects share the
// states without them, and the tornado's variants of the shared inputs (costs, prices, rates)
// are solved once for all the projects they move.
func (ev *evaluator) analyse(ctx context.Context, solvers []*solver, cases []Case) error {
	ns := len(ev.in.Scenarios)
	bases, err := risk.Run(ctx, ns, risk.Options{Workers: len(solvers)}, func(ctx context.Context, si, w int) ([]*BaseCase, error) {
		return ev.scenarioBase(ctx, solvers[w], si)
	})
	if err != nil {
		return err
	}
	for si := range bases {
		for pi, b := range bases[si] {
			cases[pi*ns+si].Base = b
		}
	}
	return nil
}

// baseEval evaluates the base case of (pi, si) under a variant.
func (ev *evaluator) baseEval(ctx context.Context, s *solver, pi, si int, v variant, play bool) (caseDraw, *caseDetail, error) {
	x := ev.base()
	if v.net != nil {
		x.net = v.net
	}
	if v.overrun != 0 {
		x.overrun[pi] *= v.overrun
	}
	reg := x.regimes[si]
	if v.relief != 0 && v.relief != 1 {
		r := *reg
		r.Transitions = slices.Clone(reg.Transitions)
		for i := range r.Transitions {
			if st := r.State(r.Transitions[i].To); st != nil && st.HasTag(scenario.TagRelief) {
				r.Transitions[i].Probability.Value = min(1, r.Transitions[i].Probability.Value*v.relief)
			}
		}
		x.regimes[si] = &r
	}
	if s.net != x.net && !v.financial {
		s.reset(x.net) // keep solved states while the LP's network is the same
	}
	occ := ev.expectedOccupancy(x.regimes[si], len(ev.scheduleOf(x, pi).service))
	return ev.evaluate(ctx, s, x, pi, si, occ, play)
}

// expectedOccupancy is the probability of each regime state in each of the years under the
// Markov chain (no feedback), or the fixed timeline.
func (ev *evaluator) expectedOccupancy(reg *scenario.Regimes, years int) occupancy {
	if len(reg.States) == 0 || reg.Fixed() {
		return fixedOccupancy(reg, ev.net.Meta.BaseYear, years)
	}
	occ := make(occupancy, years)
	cur := map[string]float64{reg.Initial: 1}
	for t := range occ {
		occ[t] = cur
		next := map[string]float64{}
		for _, from := range slices.Sorted(maps.Keys(cur)) {
			p := cur[from]
			stay := 1.0
			for _, b := range reg.Outgoing(from, nil) {
				next[b.To] += p * b.Probability
				stay -= b.Probability
			}
			next[from] += p * max(0, stay)
		}
		cur = next
	}
	return occ
}

// scenarioBase analyses every project under scenario si.
func (ev *evaluator) scenarioBase(ctx context.Context, s *solver, si int) ([]*BaseCase, error) {
	s.reset(ev.net) // each scenario is its own unit of work: same engines' state whichever worker runs it
	out := make([]*BaseCase, len(ev.projects))
	npv := make([]float64, len(ev.projects))
	d := slices.Index(ev.countries, ev.decider)
	for pi := range ev.projects {
		cd, det, err := ev.baseEval(ctx, s, pi, si, variant{}, true)
		if err != nil {
			return nil, err
		}
		out[pi] = ev.baseCase(cd, det)
		if d >= 0 {
			npv[pi] = cd.npv[d]
		}
	}
	if d < 0 {
		return out, nil
	}
	npvD := func(pi int) func(v variant) (float64, error) {
		return func(v variant) (float64, error) {
			c, _, err := ev.baseEval(ctx, s, pi, si, v, false)
			if err != nil {
				return 0, err
			}
			return c.npv[d], nil
		}
	}
	// The tornado: each driver's variants once, for every project it moves.
	carried := make([]map[string]bool, len(ev.projects))
	var names []string
	byName := map[string]driver{}
	moves := map[string][]int{} // driver name → projects
	for pi := range ev.projects {
		c, err := ev.carried(ctx, s, pi, si)
		if err != nil {
			return nil, err
		}
		carried[pi] = c
		for _, dr := range ev.drivers(pi, c) {
			if _, ok := byName[dr.name]; !ok {
				names = append(names, dr.name)
				byName[dr.name] = dr
			}
			moves[dr.name] = append(moves[dr.name], pi)
		}
	}
	for _, name := range names {
		dr := byName[name]
		lo, hi := dr.at(ev, 0.1), dr.at(ev, 0.9)
		for _, pi := range moves[name] {
			l, err := npvD(pi)(lo)
			if err != nil {
				return nil, err
			}
			h, err := npvD(pi)(hi)
			if err != nil {
				return nil, err
			}
			out[pi].Tornado = append(out[pi].Tornado, risk.Swing{Input: name, Low: l, High: h, Base: npv[pi]})
		}
	}
	for pi := range ev.projects {
		risk.SortSwings(out[pi].Tornado)
		sw, err := ev.switching(npvD(pi), carried[pi], npv[pi])
		if err != nil {
			return nil, err
		}
		out[pi].Switching = sw
	}
	return out, nil
}

// baseCase lays out the base-case figures of one evaluation.
func (ev *evaluator) baseCase(cd caseDraw, det *caseDetail) *BaseCase {
	b := &BaseCase{}
	social := ev.net.Meta.SocialDiscountRate.Value
	for ci, c := range ev.countries {
		b.NPV = append(b.NPV, CountryValue{c, cd.npv[ci]})
		f := det.flows[ci]
		cf := CashFlow{Country: c, Gain: f.benefit, Cost: f.cost, Loan: f.loan, Period: det.sch.period}
		tail := f.net()
		for t := range tail {
			if t < det.sch.period {
				tail[t] = 0
			}
		}
		cf.Residual = NPV(tail, social) * math.Pow(1+social, float64(det.sch.period-1))
		b.CashFlows = append(b.CashFlows, cf)
		p := det.parts[ci]
		b.Gains = append(b.Gains, GainSplit{Country: c, Consumer: p.consumer, Producer: p.producer, Transit: p.transit, Rent: p.rent, Quota: p.quota})
		sh := NPV(det.strategic[ci], social)
		own := NPV(det.delta[ci], social)
		b.Shapley = append(b.Shapley, ShapleyShare{Country: c, Shapley: sh, OwnGain: own, SidePayment: sh - own})
	}
	return b
}

// driver is one group of inputs moved together to its P10 or P90 for the tornado.
type driver struct {
	name  string
	paths []model.QuantityPath
	kind  string // "net", "overrun", "relief"
	class string // overrun: the project's reference class
}

// at returns the variant with the driver's inputs at quantile p of their ranges.
func (d driver) at(ev *evaluator, p float64) variant {
	switch d.kind {
	case "overrun":
		// the median overrun is the base; move to the quantile of the reference class
		return variant{overrun: ev.overrunFactor(d, p)}
	case "relief":
		return variant{relief: reliefFactor(p)}
	}
	n := ev.net.Clone()
	financial := true
	for path, q := range n.Quantities() {
		if q.Range != nil && slices.Contains(d.paths, path) {
			q.Value = risk.Quantile(*q.Range, p)
			financial = financial && financialPath(path)
		}
	}
	return variant{net: n, financial: financial}
}

func (ev *evaluator) overrunFactor(d driver, p float64) float64 {
	r, ok := ev.overrun(d.class)
	if !ok {
		return 1
	}
	return risk.Quantile(r, p) / risk.Quantile(r, 0.5)
}

// reliefPossible reports whether a selected scenario has a transition into a regime state tagged
// relief (scenario.TagRelief): only then do the relief driver and switching value mean anything.
func (ev *evaluator) reliefPossible() bool {
	for _, sc := range ev.in.Scenarios {
		for _, tr := range sc.Regimes.Transitions {
			if st := sc.Regimes.State(tr.To); st != nil && st.HasTag(scenario.TagRelief) {
				return true
			}
		}
	}
	return false
}

// reliefFactor scales relief probabilities between half and double at P10 and P90: transition
// probabilities have ranges in the scenario, but a tornado bar across all scenarios' relief
// transitions needs one factor. Assumption: a factor of 2 either way brackets the published
// uncertainty of the scenario probabilities (all labelled assumptions in REFERENCE_FACTS X1–X5).
func reliefFactor(p float64) float64 {
	if p < 0.5 {
		return 0.5
	}
	return 2
}

// qpField returns the last segment of a quantity path, e.g. "price".
func qpField(p model.QuantityPath) string {
	s := string(p)
	return s[strings.LastIndex(s, "/")+1:]
}

// carried returns the commodities that flow on project pi's links (built or upgraded) in the base
// case with the project, in any regime state of scenario si.
func (ev *evaluator) carried(ctx context.Context, s *solver, pi, si int) (map[string]bool, error) {
	x := ev.base()
	if s.net != x.net {
		s.reset(x.net)
	}
	p := ev.projects[pi]
	links := slices.Clone(p.Links)
	for _, u := range p.Upgrades {
		if u.Link != "" {
			links = append(links, u.Link)
		}
		for _, l := range ev.net.Links {
			if u.Node != "" && (l.From == u.Node || l.To == u.Node) {
				links = append(links, l.ID)
			}
		}
	}
	out := map[string]bool{}
	regimes := []string{""}
	if reg := x.regimes[si]; len(reg.States) > 0 {
		regimes = nil
		for _, st := range reg.States {
			regimes = append(regimes, st.ID)
		}
	}
	for _, r := range regimes {
		for _, y := range ev.years {
			o, err := s.solve(ctx, ev.request(si, pi, slot{r, y}, true, x))
			if err != nil {
				return nil, err
			}
			for _, l := range links {
				for _, c := range o.carried(l) {
					out[c] = true
				}
			}
		}
	}
	return out, nil
}

// drivers lists the tornado inputs relevant to project pi: prices and quantities of the
// commodities its links carry in the base case, transport costs and tariffs, the decider's
// discount rate, the project's own schedule and cost inputs, its overrun class and the relief
// probability.
func (ev *evaluator) drivers(pi int, carried map[string]bool) []driver {
	n := ev.net
	p := ev.projects[pi]
	groups := map[string][]model.QuantityPath{}
	var order []string
	add := func(name string, path model.QuantityPath) {
		if _, ok := groups[name]; !ok {
			order = append(order, name)
		}
		groups[name] = append(groups[name], path)
	}
	for path, q := range n.Quantities() {
		if q.Range == nil {
			continue
		}
		parts := strings.Split(string(path), "/")
		switch parts[0] {
		case string(model.CompMarkets):
			m := n.Market(parts[1])
			if m == nil || !carried[m.Commodity] {
				continue
			}
			label := map[model.MarketKind]string{model.Supply: "supply cost", model.Demand: "willingness to pay", model.Backstop: "import (backstop) price"}[m.Kind]
			if qpField(path) == "quantity" {
				label = map[model.MarketKind]string{model.Supply: "supply volume", model.Demand: "demand volume", model.Backstop: "import limit"}[m.Kind]
			}
			add(m.Commodity+" "+label, path)
		case string(model.CompLinks):
			switch qpField(path) {
			case "cost":
				add("transport costs", path)
			case "tariff":
				add("transit tariffs", path)
			case "capacity":
				if l := n.Link(parts[1]); l != nil && l.Project == p.ID {
					add(p.ID+" capacity", path)
				}
			}
		case string(model.CompCountries):
			if parts[1] == ev.decider {
				add(ev.decider+" discount rate", path)
			}
		case string(model.CompProjects):
			switch {
			case parts[1] != p.ID || qpField(path) == "capex":
			case len(parts) > 2 && parts[2] == "upgrades":
				add(p.ID+" capacity", path) // with its links' capacity: one driver
			default:
				add(p.ID+" "+fieldWords(strings.TrimPrefix(string(path), "projects/"+p.ID+"/")), path)
			}
		}
	}
	var out []driver
	for _, name := range order {
		out = append(out, driver{name: name, paths: groups[name], kind: "net"})
	}
	if _, ok := ev.overrun(p.Class); ok {
		out = append(out, driver{name: p.ID + " capex overrun (" + p.Class + ")", kind: "overrun", class: p.Class})
	}
	if ev.reliefPossible() {
		out = append(out, driver{name: "probability of sanctions relief", kind: "relief"})
	}
	return out
}

// Bounds of the multipliers searched for switching values.
const (
	switchLo  = 0.1
	switchHi  = 5
	switchTol = 1e-2 // a switching multiplier to two decimals: the precision a reader uses
)

// switching finds the values of capex, the prices of every commodity the project carries, transit
// tariffs and the relief probability at which the decider's base-case NPV crosses zero.
func (ev *evaluator) switching(npvD func(variant) (float64, error), carried map[string]bool, base float64) ([]Switching, error) {
	var out []Switching
	var firstErr error
	eval := func(v variant) float64 {
		y, err := npvD(v)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return y
	}
	// Capex enters linearly: NPV(k) = NPV(1) − (k − 1)·PV(the decider's capex share).
	if y2 := eval(variant{overrun: 2}); firstErr == nil {
		slope := y2 - base
		s := Switching{Input: "capex", Base: 1, Unit: "× base"}
		if slope != 0 {
			s.Value, s.Found = 1-base/slope, 1-base/slope > 0
		}
		out = append(out, s)
	}
	scale := func(match func(path model.QuantityPath, n *model.Network) bool) func(k float64) variant {
		return func(k float64) variant {
			n := ev.net.Clone()
			for path, q := range n.Quantities() {
				if match(path, n) {
					q.Value *= k
				}
			}
			return variant{net: n}
		}
	}
	priceOf := func(commodity string) func(path model.QuantityPath, n *model.Network) bool {
		return func(path model.QuantityPath, n *model.Network) bool {
			parts := strings.Split(string(path), "/")
			if parts[0] != string(model.CompMarkets) || qpField(path) != "price" {
				return false
			}
			m := n.Market(parts[1])
			return m != nil && m.Commodity == commodity
		}
	}
	type input struct {
		name string
		mk   func(k float64) variant
	}
	var inputs []input
	for _, c := range slices.Sorted(maps.Keys(carried)) {
		inputs = append(inputs, input{c + " prices", scale(priceOf(c))})
	}
	inputs = append(inputs,
		input{"transit tariffs", scale(func(path model.QuantityPath, _ *model.Network) bool {
			return strings.HasPrefix(string(path), "links/") && qpField(path) == "tariff"
		})})
	if ev.reliefPossible() {
		inputs = append(inputs, input{"relief probability", func(k float64) variant { return variant{relief: k} }})
	}
	for _, in := range inputs {
		f := func(k float64) float64 { return eval(in.mk(k)) }
		sw := Switching{Input: in.name, Base: 1, Unit: "× base"}
		// Search multipliers in [switchLo, switchHi] only: beyond them the data set's other
		// values stop making sense (and the LP's numbers lose precision).
		if lo, hi := f(switchLo), f(switchHi); firstErr == nil && (lo <= 0) != (hi <= 0) {
			sw.Value, sw.Found = SolveBracketed(f, switchLo, switchHi, lo, hi, switchTol), true
		}
		if firstErr != nil {
			return nil, firstErr
		}
		out = append(out, sw)
	}
	return out, firstErr
}

// fieldWords turns a quantity's field path into words for a label: "construction_years" →
// "construction years", "loans/0/rate" → "loan 1 rate", "contracts/1/tariff" → "contract 2
// tariff".
func fieldWords(field string) string {
	parts := strings.Split(field, "/")
	for i, w := range parts {
		if n, err := strconv.Atoi(w); err == nil && i > 0 {
			parts[i-1] = strings.TrimSuffix(parts[i-1], "s")
			parts[i] = strconv.Itoa(n + 1)
		}
	}
	return strings.ReplaceAll(strings.Join(parts, " "), "_", " ")
}
