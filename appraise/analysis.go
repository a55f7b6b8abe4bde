package appraise

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/risk"
	"github.com/corridor-dev/corridor/scenario"
)

// BaseCase is the deterministic analysis of one case: every input at its value, overruns at
// their median, and the regime path replaced by the Markov chain's expected occupancy of each
// state (transition probabilities at their values, without feedback).
type BaseCase struct {
	NPV       []CountryValue // financial NPV by country, USD
	CashFlows []CashFlow     // expected yearly cash flows by country
	Tornado   []risk.Swing   // Russia's NPV at each driver's P10 and P90, widest first
	Switching []Switching    // values at which Russia's base-case NPV crosses zero
	Shapley   []ShapleyShare // split of the project's total gain among the countries involved
}

// CountryValue is one number for one country.
type CountryValue struct {
	Country string
	Value   float64
}

// CashFlow is one country's expected yearly flows, USD, year t = 0 … horizon from the base year.
type CashFlow struct {
	Country  string
	Gain     []float64 // welfare change with the project (may be negative)
	Residual float64   // its share of the residual value, counted in the last year
	Cost     []float64 // capex and opex shares
}

// Switching is the value of one input at which Russia's base-case NPV is zero.
type Switching struct {
	Input string  // e.g. "capex", "gas prices"
	Base  float64 // the input's base value (1 for a multiplier)
	Value float64 // the switching value in the same unit
	Unit  string  // "× base" for multipliers, "per year" for a probability
	Found bool    // false when NPV keeps its sign over the searched range
}

// ShapleyShare is one country's Shapley value of the project's total gain (present value at the
// social rate of the welfare change, costs excluded) against its own gain; the difference is the
// side payment that would make its share "fair".
type ShapleyShare struct {
	Country     string
	Shapley     float64
	OwnGain     float64
	SidePayment float64 // Shapley − OwnGain: what it should receive (+) or pay (−)
}

// variant is a modification of the base inputs for one evaluation.
type variant struct {
	net     *model.Network
	overrun float64 // multiplier on the project's median overrun; 0 means 1
	relief  float64 // multiplier on relief transition probabilities; 0 means 1
}

// analyse fills Case.Base for every case: the Shapley split for all cases, and the tornado and
// switching values for the cases of the first scenario (the headline scenario).
func (ev *evaluator) analyse(ctx context.Context, solvers []*solver, cases []Case) error {
	ns := len(ev.in.Scenarios)
	bases, err := risk.Run(ctx, len(cases), risk.Options{Workers: len(solvers)}, func(ctx context.Context, k, w int) (*BaseCase, error) {
		return ev.baseCase(ctx, solvers[w], k/ns, k%ns, k%ns == 0)
	})
	if err != nil {
		return err
	}
	for k := range cases {
		cases[k].Base = bases[k]
	}
	return nil
}

// baseNPV evaluates the base case of (pi, si) under a variant and returns the case draw.
func (ev *evaluator) baseNPV(ctx context.Context, s *solver, pi, si int, v variant, outside []string) (caseDraw, []CashFlow, error) {
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
			if isRelief(r.Transitions[i].To) {
				r.Transitions[i].Probability.Value = math.Min(1, r.Transitions[i].Probability.Value*v.relief)
			}
		}
		x.regimes[si] = &r
	}
	if s.net != x.net {
		s.reset(x.net) // keep solved states while the network is the same
	}
	occ := ev.expectedOccupancy(x.regimes[si])
	cd, flows, err := ev.evaluateFlows(ctx, s, x, pi, si, occ, outside)
	return cd, flows, err
}

func isRelief(state string) bool { return strings.Contains(strings.ToLower(state), "relief") }

// expectedOccupancy is the probability of each regime state in each year under the Markov chain
// (no feedback), or the fixed timeline.
func (ev *evaluator) expectedOccupancy(reg *scenario.Regimes) occupancy {
	h := ev.horizon()
	occ := make(occupancy, h+1)
	if len(reg.States) == 0 || reg.Fixed() {
		for t := range occ {
			r := ""
			if len(reg.States) > 0 {
				r = reg.At(ev.net.Meta.BaseYear + t)
			}
			occ[t] = map[string]float64{r: 1}
		}
		return occ
	}
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
			next[from] += p * math.Max(0, stay)
		}
		cur = next
	}
	return occ
}

func (ev *evaluator) baseCase(ctx context.Context, s *solver, pi, si int, headline bool) (*BaseCase, error) {
	s.reset(ev.net) // each case is its own unit of work: same engines' state whichever worker runs it
	cd, flows, err := ev.baseNPV(ctx, s, pi, si, variant{}, nil)
	if err != nil {
		return nil, err
	}
	b := &BaseCase{CashFlows: flows}
	for i, c := range ev.countries {
		b.NPV = append(b.NPV, CountryValue{c, cd.npv[i]})
	}
	if b.Shapley, err = ev.shapley(ctx, s, pi, si); err != nil {
		return nil, err
	}
	if !headline {
		return b, nil
	}
	ru := slices.Index(ev.countries, Committer)
	npvRU := func(v variant) (float64, error) {
		d, _, err := ev.baseNPV(ctx, s, pi, si, v, nil)
		if err != nil || ru < 0 {
			return 0, err
		}
		return d.npv[ru], nil
	}
	base := 0.0
	if ru >= 0 {
		base = cd.npv[ru]
	}
	carried, err := ev.carried(ctx, s, pi, si)
	if err != nil {
		return nil, err
	}
	for _, d := range ev.drivers(pi, carried) {
		lo, err := npvRU(d.at(ev, 0.1))
		if err != nil {
			return nil, err
		}
		hi, err := npvRU(d.at(ev, 0.9))
		if err != nil {
			return nil, err
		}
		b.Tornado = append(b.Tornado, risk.Swing{Input: d.name, Low: lo, High: hi, Base: base})
	}
	risk.SortSwings(b.Tornado)
	if b.Switching, err = ev.switching(npvRU, pi, si, base); err != nil {
		return nil, err
	}
	return b, nil
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
		return variant{overrun: d.overrunFactor(ev, p)}
	case "relief":
		return variant{relief: d.reliefFactor(ev, p)}
	}
	n := ev.net.Clone()
	for path, q := range n.Quantities() {
		if q.Range != nil && slices.Contains(d.paths, path) {
			q.Value = risk.Quantile(*q.Range, p)
		}
	}
	return variant{net: n}
}

func (d driver) overrunFactor(ev *evaluator, p float64) float64 {
	r, _, ok := risk.Overrun(d.class)
	if !ok {
		return 1
	}
	return risk.Quantile(r, p) / risk.Quantile(r, 0.5)
}

// reliefFactor scales relief probabilities between half and double at P10 and P90: transition
// probabilities have ranges in the scenario, but a tornado bar across all scenarios' relief
// transitions needs one factor. Assumption: a factor of 2 either way brackets the published
// uncertainty of the scenario probabilities (all labelled assumptions in REFERENCE_FACTS X1–X5).
func (d driver) reliefFactor(_ *evaluator, p float64) float64 {
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
		o, err := s.solve(ctx, ev.request(si, pi, r, true, x, nil))
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			for _, c := range o.carried(l) {
				out[c] = true
			}
		}
	}
	return out, nil
}

// drivers lists the tornado inputs relevant to project pi: prices and quantities of the
// commodities its links carry in the base case, transport costs and tariffs, Russia's discount
// rate, the project's own schedule and cost inputs, its overrun class and the relief probability.
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
			if parts[1] == Committer {
				add("Russia's discount rate", path)
			}
		case string(model.CompProjects):
			if parts[1] == p.ID && qpField(path) != "capex" {
				add(p.ID+" "+strings.ReplaceAll(strings.TrimPrefix(string(path), "projects/"+p.ID+"/"), "_", " "), path)
			}
		}
	}
	var out []driver
	for _, name := range order {
		out = append(out, driver{name: name, paths: groups[name], kind: "net"})
	}
	if _, _, ok := risk.Overrun(p.Class); ok {
		out = append(out, driver{name: p.ID + " capex overrun (" + p.Class + ")", kind: "overrun", class: p.Class})
	}
	out = append(out, driver{name: "probability of sanctions relief", kind: "relief"})
	return out
}

// Bounds of the multipliers searched for switching values.
const (
	switchLo  = 0.1
	switchHi  = 5
	switchTol = 1e-3 // a switching multiplier to three decimals
)

// switching finds the values of capex, commodity prices, tariffs and the relief probability at
// which Russia's base-case NPV crosses zero.
func (ev *evaluator) switching(npvRU func(variant) (float64, error), pi, si int, base float64) ([]Switching, error) {
	var out []Switching
	var firstErr error
	eval := func(v variant) float64 {
		y, err := npvRU(v)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return y
	}
	// Capex enters linearly: NPV(k) = NPV(1) − (k − 1)·PV(Russia's capex share).
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
	for _, c := range []string{"gas", "coal", "electricity"} {
		if ev.net.Commodity(c) != nil {
			inputs = append(inputs, input{c + " prices", scale(priceOf(c))})
		}
	}
	inputs = append(inputs,
		input{"transit tariffs", scale(func(path model.QuantityPath, _ *model.Network) bool {
			return strings.HasPrefix(string(path), "links/") && qpField(path) == "tariff"
		})},
		input{"relief probability", func(k float64) variant { return variant{relief: k} }})
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

// inoperable reports whether project p builds links only and every one of them crosses a
// country in outside: then none is available and the project changes nothing.
func inoperable(n *model.Network, p *model.Project, outside []string) bool {
	if len(p.Upgrades) > 0 || len(p.Links) == 0 || len(outside) == 0 {
		return false
	}
	for _, id := range p.Links {
		l := n.Link(id)
		if l == nil || !slices.ContainsFunc(outside, func(c string) bool { return crosses(l, c) }) {
			return false
		}
	}
	return true
}

// shapley splits the project's total gain among the countries it crosses or that finance it:
// v(S) is the present value, at the social rate, of the members' welfare change when every
// non-member takes no part (its proposed links and transit are unavailable).
func (ev *evaluator) shapley(ctx context.Context, s *solver, pi, si int) ([]ShapleyShare, error) {
	_, players := projectCountries(ev.net, ev.projects[pi])
	if len(players) == 0 || len(players) > 8 {
		return nil, nil
	}
	social := ev.net.Meta.SocialDiscountRate.Value
	values := map[uint64]float64{}
	own := make([]float64, len(players))
	var firstErr error
	for mask := uint64(0); mask < 1<<len(players); mask++ {
		var outside []string
		for i, c := range players {
			if mask&(1<<i) == 0 {
				outside = append(outside, c)
			}
		}
		if inoperable(ev.net, ev.projects[pi], outside) {
			values[mask] = 0 // its links cross a non-member: with and without are the same state
			continue
		}
		_, flows, err := ev.baseNPV(ctx, s, pi, si, variant{}, outside)
		if err != nil {
			firstErr = err
			break
		}
		v := 0.0
		for i, c := range players {
			if mask&(1<<i) == 0 {
				continue
			}
			for _, f := range flows {
				if f.Country == c {
					g := NPV(f.Gain, social)
					v += g
					if mask == 1<<len(players)-1 {
						own[i] = g
					}
				}
			}
		}
		values[mask] = v
	}
	if firstErr != nil {
		return nil, fmt.Errorf("shapley: %w", firstErr)
	}
	phi := Shapley(players, func(mask uint64) float64 { return values[mask] })
	out := make([]ShapleyShare, len(players))
	for i, c := range players {
		out[i] = ShapleyShare{Country: c, Shapley: phi[i], OwnGain: own[i], SidePayment: phi[i] - own[i]}
	}
	return out, nil
}
