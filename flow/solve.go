package flow

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/dw"
	"github.com/corridor-dev/corridor/lp/face"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// Solve solves the problem from scratch with eng and extracts the result. An engine that also
// implements lp.Incremental keeps the model loaded, so a later Update re-solves warm. Large LPs
// are decomposed (see Options.Method); their solution has no basis.
func (p *Problem) Solve(ctx context.Context, eng lp.Engine) (*Result, error) {
	if p.Decomposes() {
		// from here the engine may hold a master LP instead of the model, whatever happens
		p.decomposed, p.last = true, nil
		sol, stats, err := dw.Solve(ctx, eng, p.model, p.arcMarks(), dw.Options{})
		switch {
		case err == nil:
			p.log.Debug("flow problem solved by decomposition", "rounds", stats.Rounds, "paths", stats.Paths,
				"capacity rows", stats.LazyRows, "master rows", stats.MasterRows)
			res, err := p.extract(ctx, sol)
			if res != nil {
				res.Decomposed = true
			}
			return res, err
		case !errors.Is(err, dw.ErrUnsupported):
			return nil, fmt.Errorf("flow: solve: %w", err)
		}
		p.log.Debug("flow problem solved whole", "reason", err)
	}
	p.decomposed = false
	var sol *lp.Solution
	var err error
	if inc, ok := eng.(lp.Incremental); ok {
		if err = inc.Load(ctx, p.model); err == nil {
			sol, err = inc.Resolve(ctx, lp.Options{})
		}
	} else {
		sol, err = eng.Solve(ctx, p.model, lp.Options{})
	}
	if err != nil {
		return nil, fmt.Errorf("flow: solve: %w", err)
	}
	if p.basis == nil && sol.Basis != nil {
		p.basis = sol.Basis
	}
	p.last = sol.Basis
	return p.extract(ctx, sol)
}

// PickStats returns the work of picking the canonical optima of the problem's solves so far.
func (p *Problem) PickStats() face.Stats { return p.picker.Stats() }

// Close releases the engines the problem picks canonical optima with (Options.NewFaceEngine).
func (p *Problem) Close() error { return p.picker.Close() }

// Basis returns the optimal basis of the problem's last solve: nil before one, or when the engine
// gives none. Giving it to the engine's SetBasis before an Update starts that re-solve from there
// instead of from wherever the engine is.
func (p *Problem) Basis() *lp.Basis { return p.last }

// Reset puts inc back where it was after the problem's first solve: the model of the state the
// problem was built for, loaded afresh, with that solve's optimal basis. A sequence of Updates
// after a Reset then gives the same results — including the duals of degenerate LPs, which are
// not unique — whatever the engine solved before, so work can be split among workers in any way
// and stay byte-identical. inc must be the engine that solved this problem.
func (p *Problem) Reset(ctx context.Context, inc lp.Incremental) error {
	if p.basis == nil {
		return errors.New("flow: reset needs a first solve that gave a basis (the whole LP, not a decomposition)")
	}
	p.net = p.first.Net
	if err := p.setValues(p.first); err != nil {
		return err
	}
	if err := inc.Load(ctx, p.model); err != nil {
		return fmt.Errorf("flow: reset: %w", err)
	}
	p.decomposed = false
	if err := inc.SetBasis(ctx, p.basis); err != nil {
		return fmt.Errorf("flow: reset: %w", err)
	}
	p.picker.Reset()
	return nil
}

// Update moves the problem to another state of the same network and rule universe, pushing only
// the changed costs and bounds into inc, and re-solves warm from the previous basis. It returns
// ErrStructure (wrapped) when st does not fit; build a new Problem then. inc must be the engine
// that last solved this problem.
func (p *Problem) Update(ctx context.Context, st *scenario.State, inc lp.Incremental) (*Result, error) {
	v, err := p.compute(st)
	if err != nil {
		return nil, err
	}
	sol, err := p.resolve(ctx, st, v, inc, lp.Options{})
	if err != nil {
		return nil, err
	}
	return p.extract(ctx, sol)
}

// Surplus re-solves the problem for state st as Update does and returns only the optimal total
// surplus (USD/yr, Result.Objective) and the simplex iterations, without reading the canonical
// optimum (decision 0012), which costs several times the re-solve. The optimal value of an LP is
// unique, so it depends on no engine's choice among optimal solutions (to the engine's
// tolerances); the flows and prices, which do, are not read. inc must be the engine that last
// solved this problem.
func (p *Problem) Surplus(ctx context.Context, st *scenario.State, inc lp.Incremental) (float64, int, error) {
	v, err := p.compute(st)
	if err != nil {
		return 0, 0, err
	}
	sol, err := p.resolve(ctx, st, v, inc, lp.Options{})
	if err != nil {
		return 0, 0, err
	}
	if sol.Status != lp.StatusOptimal {
		return 0, sol.Iterations, p.explain(sol)
	}
	return sol.Objective, sol.Iterations, nil
}

// Value re-solves the problem for state st as the network game of docs/MODEL.md (section 4,
// the bargaining view) values a coalition: the countries in outside are closed — their nodes' markets and every
// link that touches or crosses them — and transit tariffs, transfers among the coalition's
// members, are not costs. It returns the optimal total surplus, v(S) for the coalition S of the
// other countries, and the simplex iterations spent. The optimal value of an LP is unique, so
// v(S) depends on no engine's choice among optimal solutions.
//
// For each project of certify (which st must not build), adds[i] reports whether building it
// could raise v(S): false is a proof that it cannot — the optimal duals price every arc it would
// open at no profit and every capacity it would raise at zero, so they stay optimal with it (a
// dual solution feasible for the larger LP whose objective is unchanged). With no projects to
// certify only the value is computed. inc must be the engine that last solved this problem; a
// later Update restores the state's own bounds and costs.
func (p *Problem) Value(ctx context.Context, st *scenario.State, outside []string, certify []*model.Project, inc lp.Incremental) (v float64, adds []bool, iters int, err error) {
	vals, err := p.compute(st)
	if err != nil {
		return 0, nil, 0, err
	}
	closed := resize(&p.scratch.closed, len(p.countries))
	clear(closed)
	for _, c := range outside {
		if i, ok := p.countryIx[c]; ok {
			closed[i] = true
		}
	}
	shut := func(a *arc) bool {
		for _, ci := range a.touchedIx {
			if closed[ci] {
				return true
			}
		}
		return false
	}
	for j, c := range p.cols {
		switch c.kind {
		case varFlow:
			a := &p.arcs[c.arc]
			if t := st.Net.Links[a.link].TariffPerUnit(); t > 0 {
				perUnit := 1.0
				if a.freight {
					perUnit = p.comms[c.k].tonnes
				}
				vals.cost[j] += t * perUnit // the cost was −(cost + tariff)·per unit
			}
			if shut(a) {
				vals.colHi[j] = 0
			}
		case varSupply, varDemand, varBackstop:
			if node := p.marketNode[c.market]; node >= 0 && closed[p.nodeCountry[node]] {
				vals.colHi[j] = 0
			}
		}
	}
	leave := lp.PartPrimal | lp.PartBasis // certifying reads the duals only
	if len(certify) == 0 {
		leave = lp.PartsAll
	}
	sol, err := p.resolve(ctx, st, vals, inc, lp.Options{Leave: leave})
	if err != nil {
		return 0, nil, 0, err
	}
	if sol.Status != lp.StatusOptimal {
		return 0, nil, sol.Iterations, p.explain(sol)
	}
	adds = make([]bool, len(certify))
	tol := face.Tol * p.costScale()
	for i, pr := range certify {
		adds[i] = p.adds(pr, sol, shut, tol)
	}
	return sol.Objective, adds, sol.Iterations, nil
}

// adds reports whether, at the optimal duals of sol, building project pr could raise the
// objective: an arc of its links that the closure leaves open with a positive reduced cost, or a
// capacity it raises (a link's, a node's throughput) with a positive dual, above tol (USD per
// unit).
func (p *Problem) adds(pr *model.Project, sol *lp.Solution, shut func(*arc) bool, tol float64) bool {
	ix := p.projectIndex(pr)
	for _, j := range ix.cols {
		if sol.ReducedCost[j] > tol && !shut(&p.arcs[p.cols[j].arc]) {
			return true
		}
	}
	for _, r := range ix.rows {
		if sol.RowDual[r] > tol {
			return true
		}
	}
	return false
}

// projectIx is where a project would change the LP: the flow columns of its links and the
// capacity rows it raises (its upgraded links' and nodes').
type projectIx struct {
	cols, rows []int
}

// projectIndex returns (and keeps) the index of project pr in p's structure.
func (p *Problem) projectIndex(pr *model.Project) *projectIx {
	if ix, ok := p.projects[pr.ID]; ok {
		return ix
	}
	ix := &projectIx{}
	links := map[int]bool{}
	for _, id := range pr.Links {
		if li := slices.IndexFunc(p.net.Links, func(l model.Link) bool { return l.ID == id }); li >= 0 {
			links[li] = true
		}
	}
	for j, c := range p.cols {
		if c.kind == varFlow && links[p.arcs[c.arc].link] {
			ix.cols = append(ix.cols, j)
		}
	}
	for _, u := range pr.Upgrades {
		for ai := range p.arcs {
			if a := &p.arcs[ai]; a.capRow >= 0 && u.Link != "" && p.net.Links[a.link].ID == u.Link {
				ix.rows = append(ix.rows, a.capRow)
			}
		}
		for _, r := range p.nodeCaps {
			if u.Node != "" && p.net.Nodes[p.rows[r].node].ID == u.Node {
				ix.rows = append(ix.rows, r)
			}
		}
	}
	if p.projects == nil {
		p.projects = map[string]*projectIx{}
	}
	p.projects[pr.ID] = ix
	return ix
}

// costScale returns max(1, max |cost|) of the model as it stands.
func (p *Problem) costScale() float64 {
	s := 1.0
	for _, v := range p.model.Vars {
		s = max(s, math.Abs(v.Cost))
	}
	return s
}

// resolve pushes the values v of state st into the model and into inc (only what changed) and
// re-solves warm with options opt.
func (p *Problem) resolve(ctx context.Context, st *scenario.State, v *values, inc lp.Incremental, opt lp.Options) (*lp.Solution, error) {
	sc := &p.scratch
	ci, cv := sc.ci[:0], sc.cv[:0]
	bi, blo, bhi := sc.bi[:0], sc.blo[:0], sc.bhi[:0]
	for j := range p.model.Vars {
		x := &p.model.Vars[j]
		if x.Cost != v.cost[j] {
			ci, cv = append(ci, j), append(cv, v.cost[j])
			x.Cost = v.cost[j]
		}
		if x.Lower != v.colLo[j] || x.Upper != v.colHi[j] {
			bi, blo, bhi = append(bi, j), append(blo, v.colLo[j]), append(bhi, v.colHi[j])
			x.Lower, x.Upper = v.colLo[j], v.colHi[j]
		}
	}
	ri, rlo, rhi := sc.ri[:0], sc.rlo[:0], sc.rhi[:0]
	for i := range p.model.Rows {
		r := &p.model.Rows[i]
		if r.Lower != v.rowLo[i] || r.Upper != v.rowHi[i] {
			ri, rlo, rhi = append(ri, i), append(rlo, v.rowLo[i]), append(rhi, v.rowHi[i])
			r.Lower, r.Upper = v.rowLo[i], v.rowHi[i]
		}
	}
	sc.ci, sc.cv, sc.bi, sc.blo, sc.bhi, sc.ri, sc.rlo, sc.rhi = ci, cv, bi, blo, bhi, ri, rlo, rhi
	p.state = st
	p.net = st.Net
	if p.decomposed {
		// the engine holds the last master LP: load the model, with this state's values
		if err := inc.Load(ctx, p.model); err != nil {
			return nil, fmt.Errorf("flow: update: %w", err)
		}
		p.decomposed = false
		ci, bi, ri = nil, nil, nil
	}
	if len(ci) > 0 {
		if err := inc.SetCosts(ci, cv); err != nil {
			return nil, fmt.Errorf("flow: update costs: %w", err)
		}
	}
	if len(bi) > 0 {
		if err := inc.SetColBounds(bi, blo, bhi); err != nil {
			return nil, fmt.Errorf("flow: update bounds: %w", err)
		}
	}
	if len(ri) > 0 {
		if err := inc.SetRowBounds(ri, rlo, rhi); err != nil {
			return nil, fmt.Errorf("flow: update capacities: %w", err)
		}
	}
	sol, err := inc.Resolve(ctx, opt)
	if errors.Is(err, lp.ErrEngine) && ctx.Err() == nil {
		// A warm start can fail where a cold one succeeds (HiGHS reports a solve error on
		// some bases); reload the model and start from scratch.
		if err = inc.Load(ctx, p.model); err == nil {
			sol, err = inc.Resolve(ctx, opt)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("flow: re-solve: %w", err)
	}
	p.last = sol.Basis
	return sol, nil
}

// Decomposes reports whether Solve tries the decomposition (Options.Method and the LP's size).
func (p *Problem) Decomposes() bool {
	return p.method == MethodDecompose || p.method == MethodAuto && len(p.model.Vars) >= DecomposeColumns
}

// arcMarks marks the flow columns as arcs between their balance rows, for package dw.
func (p *Problem) arcMarks() []dw.Arc {
	marks := make([]dw.Arc, len(p.cols))
	for j, c := range p.cols {
		marks[j] = dw.Arc{Tail: -1, Head: -1}
		if c.kind == varFlow || c.kind == varLoad || c.kind == varHandle {
			marks[j] = dw.Arc{Tail: c.tailRow, Head: c.headRow}
		}
	}
	return marks
}

// Solve builds and solves the LP of one state: the one-shot form of Build + Problem.Solve.
func Solve(ctx context.Context, eng lp.Engine, st *scenario.State) (*Result, error) {
	p, err := Build(st, Options{})
	if err != nil {
		return nil, err
	}
	return p.Solve(ctx, eng)
}

// dualTol is the smallest shadow price (USD per unit) reported as binding.
const dualTol = 1e-7

// extract reads the result of a solve from the canonical optimum of sol (package lp/face): the
// flows and prices, and so every country's welfare, are then those of one optimal solution fixed
// by the model alone, whichever optimal vertex the engine returned (decision 0012).
func (p *Problem) extract(ctx context.Context, raw *lp.Solution) (*Result, error) {
	if raw.Status != lp.StatusOptimal {
		return nil, p.explain(raw)
	}
	if p.unknownMarketNode != "" {
		panic("flow: market at unknown node " + p.unknownMarketNode)
	}
	pt, err := p.picker.Pick(ctx, p.model, raw)
	if err != nil {
		return nil, fmt.Errorf("flow: canonical optimum: %w", err)
	}
	sol := &lp.Solution{Status: lp.StatusOptimal, Objective: pt.Objective, X: pt.X, RowActivity: pt.RowActivity,
		RowDual: pt.RowDual, ReducedCost: pt.ReducedCost}
	p.determined = pt.Determined
	n := p.net
	res := &Result{Objective: sol.Objective, Iterations: raw.Iterations, SolveTime: raw.Elapsed, Year: p.state.Year, Regime: p.state.Regime}
	w := p.newWelfare()
	// Links: flows, utilisation, shadow prices, tariffs and rents.
	res.Links = makeOrNil[LinkResult](len(p.linkOrder))
	for i, li := range p.linkOrder {
		l := &n.Links[li]
		res.Links[i] = LinkResult{Link: l.ID, Mode: l.Mode, Capacity: l.Capacity.Value, Available: p.state.Available[l.ID]}
	}
	linkOf := func(li int) *LinkResult { return &res.Links[p.links[li].pos] }
	for j, c := range p.cols {
		x := sol.X[j]
		if c.kind != varFlow || x <= 0 {
			continue
		}
		a := &p.arcs[c.arc]
		l := &n.Links[a.link]
		lr := linkOf(a.link)
		com := &p.comms[c.k]
		cid := n.Commodities[com.index].ID
		lr.addFlow(cid, c.origin, a.forward, x)
		units := x
		if a.freight {
			units = x * com.tonnes
		}
		if a.forward {
			lr.Forward += units
		} else {
			lr.Backward += units
		}
		if t := l.TariffPerUnit(); t > 0 {
			rev := t * units
			info := &p.links[a.link]
			if info.host >= 0 { // a transit contract pays the host
				w.at(info.host).Transit += rev
			} else {
				for i, share := range info.share {
					w.at(info.cross[i]).Transit += rev * share
				}
			}
			lr.TariffRevenue += rev
		}
	}
	rents := resize(&p.scratch.rents, len(p.arcs)) // capacity rent of each arc, USD/yr
	clear(rents)
	for ai := range p.arcs {
		a := &p.arcs[ai]
		if a.capRow < 0 {
			continue
		}
		lr := linkOf(a.link)
		mu := sol.RowDual[a.capRow]
		if math.Abs(mu) <= dualTol {
			mu = 0 // the solver's tolerance, not a price
		}
		act := sol.RowActivity[a.capRow]
		if a.forward {
			lr.ShadowForward = mu
		} else {
			lr.ShadowBackward = mu
		}
		if mu > dualTol {
			rents[ai] = mu * act
			res.addBinding(p.lean, Binding{Kind: "link", ID: n.Links[a.link].ID, Forward: a.forward, Shadow: mu, Activity: act, Limit: p.model.Rows[a.capRow].Upper})
		}
	}
	// Capacity rent goes to the links' owners, less the share a transit contract pays the host.
	// Along a chain of full links passing through nodes with no market for what they carry, the
	// rent of the chain is pooled and split by km over it (decision 0008): the canonical duals
	// would split it between the chain's ends, which depends on how the data cut the chain into
	// links.
	for _, group := range p.saturatedChains(sol) {
		total, km := 0.0, 0.0
		for _, ai := range group {
			total += rents[ai]
			for _, k := range p.links[p.arcs[ai].link].km {
				km += k
			}
		}
		for _, ai := range group {
			info := &p.links[p.arcs[ai].link]
			lkm := 0.0
			for _, k := range info.km {
				lkm += k
			}
			share := total / float64(len(group))
			if km > 0 {
				share = total * lkm / km
			}
			linkOf(p.arcs[ai].link).Rent += share
			p.payRent(w, info, share)
		}
	}
	for i := range res.Links {
		lr := &res.Links[i]
		if lr.Capacity > 0 {
			lr.Utilisation = max(lr.Forward, lr.Backward) / lr.Capacity
		}
		lr.sortFlows()
	}
	for _, r := range p.nodeCaps {
		node := p.rows[r].node
		mu := sol.RowDual[r]
		if mu <= dualTol {
			continue
		}
		// A congested node's tonnes are its bands' (the row holds arrivals − bands); its rent is
		// the congestion toll, μ × tonnes less the queueing cost the bands pay (≥ 0: a band in
		// use costs at most μ a tonne).
		used, limit, rent := sol.RowActivity[r], p.model.Rows[r].Upper, mu*sol.RowActivity[r]
		if bands, ok := p.queue[node]; ok {
			used, limit, rent = 0, 0, 0
			for _, j := range bands {
				x := sol.X[j]
				used += x
				limit += p.model.Vars[j].Upper
				rent += (mu + p.model.Vars[j].Cost) * x // the column's cost is −(marginal queueing cost)
			}
		}
		w.at(p.nodeCountry[node]).CapacityRent += rent
		res.addBinding(p.lean, Binding{Kind: "node", ID: n.Nodes[node].ID, Shadow: mu, Activity: used, Limit: limit})
	}
	if !p.lean {
		res.Prices = p.prices(sol)
	}
	// Markets: surplus and quantities.
	if !p.lean {
		res.Markets = makeOrNil[MarketResult](len(p.marketOrder))
		for i, mi := range p.marketOrder {
			mk := &n.Markets[mi]
			res.Markets[i] = MarketResult{Market: mk.ID, Kind: string(mk.Kind), Commodity: mk.Commodity, Node: mk.Node}
		}
	}
	var sink MarketResult // where a lean result's market figures go
	marketOf := func(mi int) *MarketResult {
		if p.lean {
			return &sink
		}
		return &res.Markets[p.marketPos[mi]]
	}
	enf := p.enforcements()
	for j, c := range p.cols {
		x := sol.X[j]
		switch c.kind {
		case varSupply, varBackstop:
			// producer surplus of a supply step goes to its node's country; a backstop's rent
			// (non-zero only when its import limit binds) to the importing country, as the rent
			// of its import capacity
			lambda := sol.RowDual[c.dualRow]
			m := marketOf(c.market)
			m.Quantity += x
			m.Price = lambda
			ps := (lambda + p.model.Vars[j].Cost) * x // the column's cost is −(marginal cost)
			m.Surplus += ps
			if c.kind == varBackstop {
				w.at(c.owner).CapacityRent += ps
			} else {
				w.at(c.owner).Producer += ps
			}
		case varDemand:
			lambda := sol.RowDual[c.dualRow]
			m := marketOf(c.market)
			m.Quantity += x
			m.Capacity += p.model.Vars[j].Upper
			m.Price = lambda
			cs := (p.model.Vars[j].Cost - lambda) * x
			m.Surplus += cs
			w.at(c.owner).Consumer += cs
		case varCompliant:
			lk := res.leakage(p.rules[c.rule].ID)
			lk.Compliant += x
			lk.Enforcement = enf[c.rule]
		case varEvading:
			lk := res.leakage(p.rules[c.rule].ID)
			lk.Evading += x
			lk.Cost += -p.model.Vars[j].Cost * x
			lk.Enforcement = enf[c.rule]
		}
	}
	// Quota rents of binding caps go to the origins of the capped flow, by their share of it.
	for ri, row := range p.ruleRow {
		if row < 0 || math.IsNaN(enf[ri]) {
			continue
		}
		mu := sol.RowDual[row]
		if mu <= dualTol {
			continue
		}
		rent := mu * sol.RowActivity[row]
		p.shareByOrigin(sol, ri, rent, func(o string, v float64) { w.country(o).QuotaRent += v })
		res.leakage(p.rules[ri].ID).QuotaRent = rent
		res.addBinding(p.lean, Binding{Kind: "rule", ID: p.rules[ri].ID, Shadow: mu, Activity: sol.RowActivity[row], Limit: p.model.Rows[row].Upper})
	}
	// Premium rules: what matched flows paid.
	for ri := range p.rules {
		r := &p.rules[ri]
		e := enf[ri]
		if r.Kind != scenario.Premium || math.IsNaN(e) {
			continue
		}
		lk := res.leakage(r.ID)
		lk.Enforcement = e
		for _, j := range p.matched[ri] {
			x := sol.X[j]
			lk.Compliant += x
			lk.Cost += e * perUnit(r.Premium, &n.Commodities[p.comms[p.cols[j].k].index]) * x
		}
	}
	for i := range res.Markets {
		if m := &res.Markets[i]; m.Kind == "demand" {
			m.Unmet = max(0, m.Capacity-m.Quantity)
		}
	}
	for ri := range p.rules {
		if i, ok := res.leakIx(p.rules[ri].ID); ok {
			res.Leakage[i].Rule = p.rules[ri].ID
		}
	}
	res.Welfare = w.sorted()
	for _, lk := range res.Leakage {
		res.LeakageCost += lk.Cost
	}
	for _, lr := range res.Links {
		res.TariffRevenue += lr.TariffRevenue
	}
	return res, nil
}

// payRent pays a link's capacity rent to its owners by share (model.Network.OwnersOf), less the
// share of it a transit contract pays the host.
func (p *Problem) payRent(w *welfare, info *linkInfo, rent float64) {
	if info.host >= 0 {
		k := &p.net.Projects[info.contract[0]].Contracts[info.contract[1]]
		if s := k.RentShare.Value; k.RentShare.IsSet() && s > 0 {
			w.at(info.host).Transit += rent * s
			rent -= rent * s
		}
	}
	for i, o := range info.owners {
		w.at(o).CapacityRent += rent * info.ownerShare[i]
	}
}

// prices returns the node prices: the duals of the balance rows, in row order (deterministic and
// cheap: no sort). Only rows that the canonical optimum determines are given: a commodity of an
// origin at a node it does not reach has no price.
func (p *Problem) prices(sol *lp.Solution) []NodePrice {
	if p.balanceRows == 0 {
		return nil
	}
	n := p.net
	out := make([]NodePrice, 0, p.balanceRows)
	for r, info := range p.rows {
		if info.kind == rowBalance && p.determined[r] {
			out = append(out, NodePrice{Commodity: n.Commodities[p.comms[info.k].index].ID, Node: n.Nodes[info.node].ID, Origin: info.origin, Price: sol.RowDual[r]})
		}
	}
	return out
}

// saturatedChains groups the arcs into chains for pooling capacity rent: two full arcs of one
// mode join when one ends and the other starts at a node with no market for what they carry and
// no other flow of that mode (goods pass straight through). Every arc with a capacity is in
// exactly one group; groups are in arc order. The groups share a buffer that the next call
// overwrites.
func (p *Problem) saturatedChains(sol *lp.Solution) [][]int {
	const tol = 1e-9
	s := &p.scratch
	full, flowing := resize(&s.full, len(p.arcs)), resize(&s.flowing, len(p.arcs))
	clear(full)
	clear(flowing)
	for ai, a := range p.arcs {
		if a.capRow < 0 {
			continue
		}
		act, limit := sol.RowActivity[a.capRow], p.model.Rows[a.capRow].Upper
		flowing[ai] = act > tol*max(1, limit)
		full[ai] = limit > 0 && act >= limit*(1-1e-7)
	}
	for j, c := range p.cols { // arcs without a capacity row can carry flow too
		if c.kind == varFlow && sol.X[j] > tol {
			flowing[c.arc] = true
		}
	}
	parent := resize(&s.parent, len(p.arcs))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, jn := range p.junctions {
		a, okIn := onlyFlowing(jn.in, flowing)
		b, okOut := onlyFlowing(jn.out, flowing)
		if okIn && okOut && full[a] && full[b] && !p.arcs[a].tradedHead && !p.arcs[b].tradedTail {
			parent[find(b)] = find(a)
		}
	}
	// Number the groups by their first arc, count their members, then lay them out in one buffer.
	groupOf := resize(&s.groupOf, len(p.arcs)) // root → group, -1 for none yet
	for i := range groupOf {
		groupOf[i] = -1
	}
	size := s.groupAt[:0] // members per group, then where each group's next member goes
	for ai, a := range p.arcs {
		if a.capRow < 0 {
			continue
		}
		r := find(ai)
		if groupOf[r] < 0 {
			groupOf[r] = len(size)
			size = append(size, 0)
		}
		size[groupOf[r]]++
	}
	groups := make([][]int, len(size))
	flat := resize(&s.flat, len(p.arcs))
	start := 0
	for g, k := range size {
		groups[g] = flat[start : start : start+k]
		start += k
	}
	s.groupAt = size
	for ai, a := range p.arcs {
		if a.capRow >= 0 {
			g := groupOf[find(ai)]
			groups[g] = append(groups[g], ai)
		}
	}
	return groups
}

// onlyFlowing returns the one arc of arcs that carries flow, if exactly one does.
func onlyFlowing(arcs []int, flowing []bool) (int, bool) {
	only, n := -1, 0
	for _, a := range arcs {
		if flowing[a] {
			only, n = a, n+1
		}
	}
	return only, n == 1
}

// makeOrNil returns a slice of length n, nil when n is 0 (as appending to nil leaves it).
func makeOrNil[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, n)
}

// enforcements returns enforcement(id) of every rule of p, by rule index.
func (p *Problem) enforcements() []float64 {
	enf := resize(&p.scratch.enforcement, len(p.rules))
	for ri := range p.rules {
		enf[ri] = p.enforcement(p.rules[ri].ID)
	}
	return enf
}

// enforcement returns the enforcement of an active rule in the current state, NaN if inactive.
func (p *Problem) enforcement(id string) float64 {
	for _, ar := range p.state.Rules {
		if ar.Rule.ID == id {
			return max(0, min(1, ar.Enforcement))
		}
	}
	return math.NaN()
}

// shareByOrigin splits v across the origins of rule ri's matched flow in proportion to it.
func (p *Problem) shareByOrigin(sol *lp.Solution, ri int, v float64, add func(origin string, v float64)) {
	by := map[string]float64{}
	total := 0.0
	for _, j := range p.matched[ri] {
		by[p.cols[j].origin] += sol.X[j]
		total += sol.X[j]
	}
	if total <= 0 {
		return
	}
	for _, o := range slices.Sorted(maps.Keys(by)) {
		add(o, v*by[o]/total)
	}
}

// explain turns a non-optimal solve into an error that says what to look at.
func (p *Problem) explain(sol *lp.Solution) error {
	switch sol.Status {
	case lp.StatusInfeasible:
		return fmt.Errorf("%w: a balance or cap cannot be met; every demand has a backstop or may go unserved, so check fixed flows, caps with a positive lower bound and negative capacities (%s)", lp.ErrInfeasible, p.describe())
	case lp.StatusUnbounded:
		return fmt.Errorf("%w: surplus grows without limit; a demand step is probably reachable from a supply or backstop with no quantity limit (%s)", lp.ErrUnbounded, p.describe())
	default:
		return fmt.Errorf("flow: solver stopped with status %s: %w", sol.Status, sol.Err())
	}
}

func (p *Problem) describe() string {
	return fmt.Sprintf("%d columns, %d rows", len(p.model.Vars), len(p.model.Rows))
}
