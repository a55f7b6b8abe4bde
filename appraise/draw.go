package appraise

import (
	"cmp"
	"context"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/risk"
	"github.com/corridor-dev/corridor/scenario"
)

// inputs are the sampled values of one draw beyond the network's own quantities.
type inputs struct {
	net         *model.Network
	seed, draw  uint64
	base        bool                 // the base case: every input at its value, no regime sampling
	overrun     []float64            // capex multiplier per project
	premium     []float64            // per scenario: the decider's premium, USD/yr
	enforcement []map[string]float64 // per scenario: rule id → enforcement
	regimes     []*scenario.Regimes  // per scenario: transition probabilities of this draw
}

// sample draws one set of inputs. Every input has its own keyed stream (risk.Keyed): a quantity of
// the data set by its path, a project's overrun, a scenario's premium, rule enforcements and
// transition probabilities by scenario and id. So the value an input takes in draw i depends on
// the seed, i and the input alone — not on which projects and scenarios are selected or in which
// order (decision 0013).
func (ev *evaluator) sample(draw uint64) *inputs {
	seed := ev.in.Seed
	x := &inputs{net: sampleNetwork(ev.net, seed, draw), seed: seed, draw: draw}
	for _, p := range ev.projects {
		m := 1.0
		if r, ok := ev.overrun(p.Class); ok {
			m = risk.Sample(r, risk.Keyed(seed, draw, "overrun/"+p.ID))
		}
		x.overrun = append(x.overrun, m)
	}
	for si, sc := range ev.in.Scenarios {
		q, from := ev.premiumQuantity(si)
		v := q.Value
		if q.Range != nil {
			v = risk.Sample(*q.Range, risk.Keyed(seed, draw, "premium/"+from))
		}
		x.premium = append(x.premium, v)
		e := map[string]float64{}
		// enforcements, and construction rules' costs, each from its own stream
		drawEnforcement := func(key string, q quantity.Quantity) {
			if q.Range != nil {
				e[key] = risk.Sample(*q.Range, risk.Keyed(seed, draw, "enforcement/"+sc.Name+"/"+key))
			}
		}
		for i := range sc.Rules {
			drawEnforcement(sc.Rules[i].ID, sc.Rules[i].Enforcement)
		}
		for i := range sc.Construction {
			r := &sc.Construction[i]
			drawEnforcement(r.ID, r.Enforcement)
			cost := r.EvasionCost
			if r.Kind == scenario.Premium {
				cost = r.Premium
			}
			drawEnforcement(scenario.CostKey(r.ID), cost)
		}
		for _, st := range sc.Regimes.States {
			for _, id := range slices.Sorted(maps.Keys(st.Enforcement)) {
				drawEnforcement(scenario.EnforcementKey(st.ID, id), st.Enforcement[id])
			}
		}
		x.enforcement = append(x.enforcement, e)
		reg := sc.Regimes
		reg.Transitions = slices.Clone(sc.Regimes.Transitions)
		for i := range reg.Transitions {
			tr := &reg.Transitions[i]
			if q := &tr.Probability; q.Range != nil {
				q.Value = risk.Sample(*q.Range, risk.Keyed(seed, draw, "transition/"+sc.Name+"/"+tr.From+"/"+tr.To))
			}
		}
		x.regimes = append(x.regimes, &reg)
	}
	return x
}

// overrun returns the capex overrun multiplier of a project class from the data set's reference
// class (study.yaml), at the classes' stated values; ok is false for a class without one.
func (ev *evaluator) overrun(class string) (r quantity.Range, ok bool) {
	o := ev.net.Study.Overrun(class)
	if o == nil || !o.Mean.IsSet() || !o.SD.IsSet() {
		return quantity.Range{}, false
	}
	return risk.Overrun(o.Mean.Value, o.SD.Value), true
}

// base returns the base-case inputs: every quantity at its value, overruns at their median.
func (ev *evaluator) base() *inputs {
	x := &inputs{net: ev.net, base: true}
	for _, p := range ev.projects {
		m := 1.0
		if r, ok := ev.overrun(p.Class); ok {
			m = risk.Quantile(r, 0.5)
		}
		x.overrun = append(x.overrun, m)
	}
	for si, sc := range ev.in.Scenarios {
		q, _ := ev.premiumQuantity(si)
		x.premium = append(x.premium, q.Value)
		x.enforcement = append(x.enforcement, nil)
		x.regimes = append(x.regimes, &sc.Regimes)
	}
	return x
}

// sampleNetwork returns a clone of n with every quantity that has a range drawn from its own
// stream, keyed by its path. Project capex is left at its point estimate: the Monte Carlo
// applies a reference-class overrun multiplier instead, so that overruns are not counted twice in
// data whose capex ranges already bracket them.
//
// The members of a correlation group (correlations.yaml) are drawn jointly instead, by the
// Gaussian copula of risk.Correlated at the group's rho as drawn in this draw (a rho with a
// range is itself sampled from its own stream first). Every other quantity is drawn exactly as
// without groups, so a data set without correlations gives the same draws as before.
func sampleNetwork(n *model.Network, seed, draw uint64) *model.Network {
	c := n.Clone()
	var grouped map[model.QuantityPath]bool
	if len(c.Correlations) > 0 {
		grouped = map[model.QuantityPath]bool{}
		for _, g := range c.Correlations {
			for _, p := range g.Paths {
				grouped[p] = true
			}
		}
	}
	for path, q := range c.Quantities() {
		if q.Range == nil || isCapex(path) || grouped[path] {
			continue
		}
		q.Value = risk.Sample(*q.Range, risk.Keyed(seed, draw, string(path)))
	}
	for _, g := range c.Correlations {
		keys := make([]string, 0, len(g.Paths))
		ranges := make([]quantity.Range, 0, len(g.Paths))
		var qs []*model.Q
		for _, p := range g.Paths {
			// Validation guarantees a ranged quantity; anything else keeps its value.
			if q := c.Quantity(p); q != nil && q.Range != nil && !isCapex(p) {
				keys, ranges, qs = append(keys, string(p)), append(ranges, *q.Range), append(qs, q)
			}
		}
		for j, v := range risk.Correlated(seed, draw, g.ID, g.Rho.Value, keys, ranges) {
			qs[j].Value = v
		}
	}
	return c
}

func isCapex(p model.QuantityPath) bool {
	s := string(p)
	return strings.HasPrefix(s, "projects/") && strings.HasSuffix(s, "/capex")
}

func (ev *evaluator) draw(ctx context.Context, s *solver, i uint64) ([]caseDraw, error) {
	x := ev.sample(i)
	s.reset(x.net)
	occ := make([][]occupancy, len(ev.projects))
	for pi := range ev.projects {
		occ[pi] = make([]occupancy, len(ev.in.Scenarios))
		for si := range ev.in.Scenarios {
			o, err := ev.pathOccupancy(ctx, s, x, pi, si)
			if err != nil {
				return nil, err
			}
			occ[pi][si] = o
		}
	}
	if err := ev.prime(ctx, s, x, occ); err != nil {
		return nil, err
	}
	out := make([]caseDraw, 0, len(ev.projects)*len(ev.in.Scenarios))
	for pi := range ev.projects {
		for si := range ev.in.Scenarios {
			cd, _, err := ev.evaluate(ctx, s, x, pi, si, occ[pi][si], true)
			if err != nil {
				return nil, err
			}
			out = append(out, cd)
		}
	}
	return out, nil
}

// prime solves every state the cash flows of a draw need, in the order that keeps re-solves
// short: scenario by scenario and regime by regime, each state with a project started from the
// optimum of the same state without it (they differ only in that project's links). The order is
// a function of the draw alone, so results stay independent of the worker count.
func (ev *evaluator) prime(ctx context.Context, s *solver, x *inputs, occ [][]occupancy) error {
	for si := range ev.in.Scenarios {
		var slots []slot
		for pi := range ev.projects {
			for t, y := range occ[pi][si] {
				for _, ws := range ev.slots(y, t) {
					if !slices.Contains(slots, ws.slot) {
						slots = append(slots, ws.slot)
					}
				}
			}
		}
		slices.SortFunc(slots, compareSlots)
		for _, r := range slots {
			for pi := range ev.projects {
				if !ev.needs(x, pi, occ[pi][si], r) {
					continue
				}
				without, err := s.solve(ctx, ev.request(si, pi, r, false, x))
				if err != nil {
					return err
				}
				if _, err := s.solveFrom(ctx, ev.request(si, pi, r, true, x), without.basis); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// scheduleOf lays out project pi as sampled in x.
func (ev *evaluator) scheduleOf(x *inputs, pi int) schedule {
	p := x.net.Project(ev.projects[pi].ID)
	ref := x.net.Meta.ReferencePeriod(p.Class)
	return newSchedule(p, &x.net.Meta, p.ConstructionYears.Value, p.Lifetime.Value, ref.Value)
}

// needs reports whether the cash flows of project pi (as sampled) use slot r in some year it is
// in service.
func (ev *evaluator) needs(x *inputs, pi int, occ occupancy, r slot) bool {
	sch := ev.scheduleOf(x, pi)
	for t := range occ {
		if sch.service[t] == 0 {
			continue
		}
		for _, ws := range ev.slots(occ[t], t) {
			if ws.slot == r && ws.w > 0 {
				return true
			}
		}
	}
	return false
}

// slot is a state the appraisal solves: a regime state in one of the solved years.
type slot struct {
	regime string
	year   int
}

func compareSlots(a, b slot) int {
	return cmp.Or(strings.Compare(a.regime, b.regime), cmp.Compare(a.year, b.year))
}

// weighted is a slot and its weight in one year of a cash flow.
type weighted struct {
	slot
	w float64
}

// slots spreads the regime weights of year t (from the base year) over the solved years
// (Input.Years): a year between two of them takes each in proportion to its nearness, a linear
// interpolation of their flows; a year before the first or after the last takes that one. In
// a fixed order (regime, then year), so that sums of floats come out the same every time.
func (ev *evaluator) slots(occ map[string]float64, t int) []weighted {
	y, ys := ev.net.Meta.BaseYear+t, ev.years
	type share struct {
		year int
		w    float64
	}
	var span []share
	switch i, found := slices.BinarySearch(ys, y); {
	case found:
		span = []share{{y, 1}}
	case i == 0:
		span = []share{{ys[0], 1}}
	case i == len(ys):
		span = []share{{ys[len(ys)-1], 1}}
	default:
		lo, hi := ys[i-1], ys[i]
		f := float64(y-lo) / float64(hi-lo)
		span = []share{{lo, 1 - f}, {hi, f}}
	}
	out := make([]weighted, 0, len(occ)*len(span))
	for _, r := range slices.Sorted(maps.Keys(occ)) {
		for _, s := range span {
			out = append(out, weighted{slot{r, s.year}, occ[r] * s.w})
		}
	}
	return out
}

// nearestYear is the solved year nearest to year t from the base year (the earlier of two as
// near).
func (ev *evaluator) nearestYear(t int) int {
	y, best := ev.net.Meta.BaseYear+t, ev.years[0]
	for _, c := range ev.years {
		if abs(c-y) < abs(best-y) {
			best = c
		}
	}
	return best
}

func abs(x int) int { return max(x, -x) }

// occupancy is, per year t of a project's schedule, the weight of each regime state (1 on the
// sampled state in a draw; the Markov chain's probabilities in the base case); slots spreads it
// over the solved years.
type occupancy []map[string]float64

// pathOccupancy samples the regime path of scenario si for project pi over the project's years:
// a fixed timeline, or a Markov chain whose transition probabilities may rise with last year's
// flows across a rule. The path's stream is keyed by scenario and project.
func (ev *evaluator) pathOccupancy(ctx context.Context, s *solver, x *inputs, pi, si int) (occupancy, error) {
	sch := ev.scheduleOf(x, pi)
	years := len(sch.service)
	reg := x.regimes[si]
	if len(reg.States) == 0 || reg.Fixed() {
		return fixedOccupancy(reg, ev.net.Meta.BaseYear, years), nil
	}
	occ := make(occupancy, years)
	rng := risk.Keyed(x.seed, x.draw, "regime-path/"+ev.in.Scenarios[si].Name+"/"+ev.projects[pi].ID)
	cur := reg.Initial
	for t := range occ {
		occ[t] = map[string]float64{cur: 1}
		// last year's flows across each rule, in the world with the project once it is in
		// service, when a transition out of this state depends on them
		var flows map[string]float64
		if reg.NeedsFlows(cur) {
			o, err := s.solve(ctx, ev.request(si, pi, slot{cur, ev.nearestYear(t)}, sch.service[t] > 0, x))
			if err != nil {
				return nil, err
			}
			flows = o.ruleFlow
		}
		cur = reg.Next(cur, rng.Float64(), flows)
	}
	return occ, nil
}

// fixedOccupancy is the occupancy of a fixed timeline (or of a scenario without regimes).
func fixedOccupancy(reg *scenario.Regimes, baseYear, years int) occupancy {
	occ := make(occupancy, years)
	for t := range occ {
		r := ""
		if len(reg.States) > 0 {
			r = reg.At(baseYear + t)
		}
		occ[t] = map[string]float64{r: 1}
	}
	return occ
}

// request builds the state request for project pi in scenario si, in the regime state and year
// of slot at: with or without the project.
func (ev *evaluator) request(si, pi int, at slot, with bool, x *inputs) request {
	p := ev.projects[pi]
	r := request{scenario: si, regime: at.regime, year: at.year, enforcement: x.enforcement[si]}
	deps := dependencies(ev.net, p.ID)
	r.projects = deps
	if with {
		r.projects = append(slices.Clone(deps), p.ID)
		slices.Sort(r.projects)
	} else {
		r.exclude = p.ID
	}
	return r
}

// dependencies returns every project p depends on, directly or not, sorted.
func dependencies(n *model.Network, id string) []string {
	seen := map[string]bool{}
	var visit func(string)
	visit = func(id string) {
		p := n.Project(id)
		if p == nil {
			return
		}
		for _, d := range p.DependsOn {
			if !seen[d] {
				seen[d] = true
				visit(d)
			}
		}
	}
	visit(id)
	out := make([]string, 0, len(seen))
	for d := range seen {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// evaluate computes one case under inputs x: the accounting view's cash flows by country and
// the bargaining view's strategic values, and the decider's margins under both.
// Without play, the bargaining view is left out (strategic and threat values zero): the
// base-case variants of the tornado and switching values need the accounting view only.
func (ev *evaluator) evaluate(ctx context.Context, s *solver, x *inputs, pi, si int, occ occupancy, play bool) (caseDraw, *caseDetail, error) {
	n := x.net
	p := ev.projects[pi]
	pp := n.Project(p.ID) // the sampled project
	sch := ev.scheduleOf(x, pi)
	years := len(sch.service)
	nc := len(ev.countries)
	markup, blocked := ev.constructionMarkup(x, pi, si, sch, occ)
	if blocked {
		det := &caseDetail{sch: sch, delta: make([][]float64, nc), strategic: make([][]float64, nc), parts: make([]welfareParts, nc), flows: make([]countryFlows, nc)}
		for ci := range nc {
			det.delta[ci], det.strategic[ci] = make([]float64, years), make([]float64, years)
			det.flows[ci] = countryFlows{benefit: make([]float64, years), cost: make([]float64, years), loan: make([]float64, years)}
		}
		return ev.blockedDraw(x, pi, si), det, nil
	}
	det := &caseDetail{delta: make([][]float64, nc), parts: make([]welfareParts, nc)}
	for ci := range det.delta {
		det.delta[ci] = make([]float64, years)
	}
	// Accounting view: welfare with minus without, by country and year, weighted by the regime
	// occupancy and the ramp-up.
	var played []slot
	for t := range years {
		if sch.ramp[t] == 0 {
			continue
		}
		for _, ws := range ev.slots(occ[t], t) { // in a fixed order: float sums come out the same
			wgt := ws.w * sch.ramp[t]
			if !slices.Contains(played, ws.slot) {
				played = append(played, ws.slot)
			}
			with, err := s.solve(ctx, ev.request(si, pi, ws.slot, true, x))
			if err != nil {
				return caseDraw{}, nil, err
			}
			without, err := s.solve(ctx, ev.request(si, pi, ws.slot, false, x))
			if err != nil {
				return caseDraw{}, nil, err
			}
			noise := welfareNoise * max(math.Abs(with.total), math.Abs(without.total))
			for ci := range ev.countries {
				d := with.welfare[ci] - without.welfare[ci]
				if math.Abs(d) < noise {
					d = 0
				}
				det.delta[ci][t] += wgt * d
				if x.base {
					det.parts[ci].add(wgt*discount(t, n.Meta.SocialDiscountRate.Value), with.parts[ci], without.parts[ci])
				}
			}
		}
	}
	// Bargaining view: each slot's change of the Shapley values (USD/yr) and coalition values.
	slices.SortFunc(played, compareSlots)
	games := map[slot]*regimeGame{}
	for _, at := range played {
		if !play {
			games[at] = &regimeGame{delta: make([]float64, 1<<len(ev.game.players)), phi: make([]float64, nc)}
			continue
		}
		g, err := ev.game.play(ctx, s, ev, x, pi, si, at)
		if err != nil {
			return caseDraw{}, nil, err
		}
		games[at] = g
	}
	sv := make([][]float64, nc) // strategic value by country and year, USD
	for ci := range sv {
		sv[ci] = make([]float64, years)
	}
	dv := make([][]float64, 1<<len(ev.game.players)) // Δv(S) by coalition and year, for the threat
	for t := range years {
		if sch.ramp[t] == 0 {
			continue
		}
		for _, ws := range ev.slots(occ[t], t) {
			g := games[ws.slot]
			wgt := ws.w * sch.ramp[t]
			for ci := range nc {
				sv[ci][t] += wgt * g.phi[ci]
			}
			for mask, v := range g.delta {
				if v != 0 {
					if dv[mask] == nil {
						dv[mask] = make([]float64, years)
					}
					dv[mask][t] += wgt * v
				}
			}
		}
	}
	// The tail: service after the appraisal period is worth its net benefits while they are
	// positive for the project as a whole (EU CBA Guide 2014, residual value); an idle or
	// loss-making asset is retired and worth nothing.
	capex := pp.Capex.Value * x.overrun[pi]
	// spend is the capex spent in each year, with the construction sanctions' markup of its year
	spend := make([]float64, years)
	for t := range years {
		spend[t] = capex * sch.capex[t] * (1 + markup[t])
	}
	keep := false
	if sch.tail > 0 {
		steady := 0.0
		last := sch.period - 1
		for ci := range nc {
			steady += det.delta[ci][last]
		}
		keep = steady-pp.Opex.Value*sch.service[last] > 0
	}
	flows := make([]countryFlows, nc)
	for ci, c := range ev.countries {
		share := pp.Financing[c]
		f := countryFlows{benefit: det.delta[ci], cost: make([]float64, years), loan: make([]float64, years)}
		for t := range years {
			if t >= sch.period && !keep {
				f.benefit[t], sv[ci][t] = 0, 0
				continue
			}
			f.cost[t] = share * (spend[t] + pp.Opex.Value*sch.service[t])
		}
		flows[ci] = f
	}
	if !keep {
		for mask := range dv {
			for t := sch.period; t < years && dv[mask] != nil; t++ {
				dv[mask][t] = 0
			}
		}
	}
	ev.addLoans(pp, flows, spend)
	social := n.Meta.SocialDiscountRate.Value
	cd := caseDraw{premium: x.premium[si], overrun: x.overrun[pi], markup: meanMarkup(markup, sch)}
	det.flows = flows
	det.sch = sch
	cd.npv, cd.enpv, cd.bcr, cd.irr, cd.payback = make([]float64, nc), make([]float64, nc), make([]float64, nc), make([]float64, nc), make([]float64, nc)
	cd.strategic, cd.outlay, cd.threat = make([]float64, nc), make([]float64, nc), make([]float64, nc)
	for ci, c := range ev.countries {
		f := flows[ci]
		rate := social
		if cc := n.Country(c); cc != nil && cc.DiscountRate.IsSet() {
			rate = cc.DiscountRate.Value
		}
		cf := f.net()
		cd.npv[ci] = NPV(cf, rate)
		cd.enpv[ci] = NPV(cf, social)
		cd.bcr[ci] = BCR(f.benefit, f.cost, social)
		cd.payback[ci] = math.NaN()
		if y, ok := DiscountedPayback(cf, rate); ok {
			cd.payback[ci] = y
		}
		switch irr := IRR(cf); irr.Kind {
		case IRROne:
			cd.irr[ci] = irr.Rate
		case IRRSeveral:
			cd.irr[ci] = math.Inf(-1)
		default:
			cd.irr[ci] = math.NaN()
		}
		cd.strategic[ci] = NPV(sv[ci], rate)
		cd.outlay[ci] = NPV(f.outlay(), rate)
		if c == ev.decider {
			inService := slices.Clone(sch.service)
			if !keep {
				for t := sch.period; t < years; t++ {
					inService[t] = 0
				}
			}
			cd.annuity = NPV(inService, rate)
		}
	}
	// The threat: the project as an option any coalition holding its territory may build at its
	// full cost (capex and opex), valued at the social rate.
	full := make([]float64, years)
	for t := range years {
		if t < sch.period || keep {
			full[t] = spend[t] + pp.Opex.Value*sch.service[t]
		}
	}
	cost := NPV(full, social)
	opt := make([]float64, len(dv))
	for mask, v := range dv {
		if v != nil {
			opt[mask] = max(0, NPV(v, social)-cost)
		}
	}
	threat := Shapley(ev.game.players, func(m uint64) float64 { return opt[m] })
	copy(cd.threat, threat)
	net := make([]float64, nc)
	for ci := range net {
		net[ci] = cd.strategic[ci] - cd.outlay[ci]
	}
	cd.bargain = ev.marginOf(p, net)
	cd.account = ev.marginOf(p, cd.npv)
	det.strategic = sv
	return cd, det, nil
}

// constructionMarkup is the construction sanctions' capex markup in each year of project pi's
// schedule under scenario si (a share of that year's capex, weighted by the regime occupancy),
// and whether a ban enforced in full falls on a year of works, so that it cannot be built.
func (ev *evaluator) constructionMarkup(x *inputs, pi, si int, sch schedule, occ occupancy) (markup []float64, blocked bool) {
	sc := ev.in.Scenarios[si]
	markup = make([]float64, len(sch.service))
	if len(sc.Construction) == 0 {
		return markup, false
	}
	p := x.net.Project(ev.projects[pi].ID)
	for t := range markup {
		if sch.capex[t] == 0 {
			continue
		}
		for _, regime := range slices.Sorted(maps.Keys(occ[t])) { // sorted: float sums in a fixed order
			w := occ[t][regime]
			if w == 0 {
				continue
			}
			m, _ := sc.ConstructionMarkup(x.net, p, regime, x.enforcement[si])
			if math.IsInf(m, 1) {
				return markup, true
			}
			markup[t] += w * m
		}
	}
	return markup, false
}

// meanMarkup is the capex-weighted mean of a yearly markup.
func meanMarkup(markup []float64, sch schedule) float64 {
	var m, w float64
	for t, v := range markup {
		m += sch.capex[t] * v
		w += sch.capex[t]
	}
	if w == 0 {
		return 0
	}
	return m / w
}

// blockedDraw is a draw in which a construction ban enforced in full stops project pi: nothing
// is built, spent or gained, and the decider cannot commit.
func (ev *evaluator) blockedDraw(x *inputs, pi, si int) caseDraw {
	nc := len(ev.countries)
	nan := func() []float64 {
		v := make([]float64, nc)
		for i := range v {
			v[i] = math.NaN()
		}
		return v
	}
	return caseDraw{premium: x.premium[si], overrun: x.overrun[pi], blocked: true,
		npv: make([]float64, nc), enpv: make([]float64, nc), bcr: nan(), irr: nan(), payback: nan(),
		strategic: make([]float64, nc), outlay: make([]float64, nc), threat: make([]float64, nc)}
}

// addLoans adds the flows of project p's loans: each lends a share of the borrower's capex
// outlay; the borrower receives and repays, the lender the opposite.
func (ev *evaluator) addLoans(p *model.Project, flows []countryFlows, spend []float64) {
	for _, l := range p.Loans {
		b, lender := slices.Index(ev.countries, l.Borrower), slices.Index(ev.countries, l.Lender)
		if b < 0 || lender < 0 {
			continue
		}
		outlay := make([]float64, len(spend))
		for t := range outlay {
			outlay[t] = p.Financing[l.Borrower] * spend[t]
		}
		lf := loanFlows(outlay, l.Share.Value, l.Rate.Value, l.Tenor.Value, l.Grace.Value, l.DefaultProbability.Value)
		for _, ci := range []int{b, lender} {
			if len(lf) > len(flows[ci].loan) {
				extra := len(lf) - len(flows[ci].loan)
				flows[ci].benefit = append(flows[ci].benefit, make([]float64, extra)...)
				flows[ci].cost = append(flows[ci].cost, make([]float64, extra)...)
				flows[ci].loan = append(flows[ci].loan, make([]float64, extra)...)
			}
		}
		for t, v := range lf {
			flows[b].loan[t] += v
			flows[lender].loan[t] -= v
		}
	}
	// every country's flows run over the same years
	years := 0
	for _, f := range flows {
		years = max(years, len(f.loan))
	}
	for ci := range flows {
		if extra := years - len(flows[ci].loan); extra > 0 {
			flows[ci].benefit = append(flows[ci].benefit, make([]float64, extra)...)
			flows[ci].cost = append(flows[ci].cost, make([]float64, extra)...)
			flows[ci].loan = append(flows[ci].loan, make([]float64, extra)...)
		}
	}
}

// discount returns (1 + r)^−t.
func discount(t int, r float64) float64 { return math.Pow(1+r, -float64(t)) }

// caseDetail is what the base-case analysis keeps of one evaluation beyond the draw's figures.
type caseDetail struct {
	delta     [][]float64 // welfare change by country and year
	strategic [][]float64 // strategic value by country and year
	parts     []welfareParts
	flows     []countryFlows
	sch       schedule
}

// welfareParts is a country's welfare change by component, PV at the social rate (base case).
type welfareParts struct {
	consumer, producer, transit, rent, quota float64
}

func (w *welfareParts) add(f float64, with, without flow.CountryWelfare) {
	w.consumer += f * (with.Consumer - without.Consumer)
	w.producer += f * (with.Producer - without.Producer)
	w.transit += f * (with.Transit - without.Transit)
	w.rent += f * (with.CapacityRent - without.CapacityRent)
	w.quota += f * (with.QuotaRent - without.QuotaRent)
}
