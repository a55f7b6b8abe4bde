package flow

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/scenario"
)

// Solve solves the problem from scratch with eng and extracts the result. An engine that also
// implements lp.Incremental keeps the model loaded, so a later Update re-solves warm.
func (p *Problem) Solve(ctx context.Context, eng lp.Engine) (*Result, error) {
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
	return p.extract(sol)
}

// Reset puts inc back where it was after the problem's first solve: the model of the state the
// problem was built for, loaded afresh, with that solve's optimal basis. A sequence of Updates
// after a Reset then gives the same results — including the duals of degenerate LPs, which are
// not unique — whatever the engine solved before, so work can be split among workers in any way
// and stay byte-identical. inc must be the engine that solved this problem.
func (p *Problem) Reset(ctx context.Context, inc lp.Incremental) error {
	if p.basis == nil {
		return errors.New("flow: reset before the first solve")
	}
	p.net = p.first.Net
	if err := p.setValues(p.first); err != nil {
		return err
	}
	if err := inc.Load(ctx, p.model); err != nil {
		return fmt.Errorf("flow: reset: %w", err)
	}
	if err := inc.SetBasis(ctx, p.basis); err != nil {
		return fmt.Errorf("flow: reset: %w", err)
	}
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
	var ci []int
	var cv []float64
	var bi []int
	var blo, bhi []float64
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
	var ri []int
	var rlo, rhi []float64
	for i := range p.model.Rows {
		r := &p.model.Rows[i]
		if r.Lower != v.rowLo[i] || r.Upper != v.rowHi[i] {
			ri, rlo, rhi = append(ri, i), append(rlo, v.rowLo[i]), append(rhi, v.rowHi[i])
			r.Lower, r.Upper = v.rowLo[i], v.rowHi[i]
		}
	}
	p.state = st
	p.net = st.Net
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
	sol, err := inc.Resolve(ctx, lp.Options{})
	if errors.Is(err, lp.ErrEngine) && ctx.Err() == nil {
		// A warm start can fail where a cold one succeeds (HiGHS reports a solve error on
		// some bases); reload the model and start from scratch.
		if err = inc.Load(ctx, p.model); err == nil {
			sol, err = inc.Resolve(ctx, lp.Options{})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("flow: re-solve: %w", err)
	}
	return p.extract(sol)
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

func (p *Problem) extract(sol *lp.Solution) (*Result, error) {
	if sol.Status != lp.StatusOptimal {
		return nil, p.explain(sol)
	}
	n := p.net
	res := &Result{Objective: sol.Objective, Iterations: sol.Iterations, SolveTime: sol.Elapsed, Year: p.state.Year, Regime: p.state.Regime}
	w := newWelfare()
	// Links: flows, utilisation, shadow prices, tariffs and rents.
	linkIx := map[int]int{} // link index → position in res.Links
	linkOf := func(li int) *LinkResult {
		if i, ok := linkIx[li]; ok {
			return &res.Links[i]
		}
		l := &n.Links[li]
		res.Links = append(res.Links, LinkResult{Link: l.ID, Mode: l.Mode, Capacity: l.Capacity.Value, Available: p.state.Available[l.ID]})
		linkIx[li] = len(res.Links) - 1
		return &res.Links[len(res.Links)-1]
	}
	for ai := range p.arcs {
		linkOf(p.arcs[ai].link)
	}
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
			w.byKm(l.Crossings, func(wc *CountryWelfare, share float64) { wc.Transit += rev * share })
			lr.TariffRevenue += rev
		}
	}
	rents := make([]float64, len(p.arcs)) // capacity rent of each arc, USD/yr
	for ai := range p.arcs {
		a := &p.arcs[ai]
		if a.capRow < 0 {
			continue
		}
		lr := linkOf(a.link)
		mu := sol.RowDual[a.capRow]
		act := sol.RowActivity[a.capRow]
		if a.forward {
			lr.ShadowForward = mu
		} else {
			lr.ShadowBackward = mu
		}
		if mu > dualTol {
			rents[ai] = mu * act
			res.Binding = append(res.Binding, Binding{Kind: "link", ID: n.Links[a.link].ID, Forward: a.forward, Shadow: mu, Activity: act, Limit: p.model.Rows[a.capRow].Upper})
		}
	}
	// Capacity rent goes to the links' owners by km. Along a chain of full links the LP can put
	// the whole rent on any one of them (the duals are not unique), so rents of such chains are
	// pooled and split by km over the chain: the split no longer depends on the solver's choice.
	for _, group := range p.saturatedChains(sol) {
		total, km := 0.0, 0.0
		for _, ai := range group {
			total += rents[ai]
			for _, ck := range n.Links[p.arcs[ai].link].Crossings {
				km += ck.Km
			}
		}
		for _, ai := range group {
			l := &n.Links[p.arcs[ai].link]
			lkm := 0.0
			for _, ck := range l.Crossings {
				lkm += ck.Km
			}
			share := total / float64(len(group))
			if km > 0 {
				share = total * lkm / km
			}
			linkOf(p.arcs[ai].link).Rent += share
			w.byKm(l.Crossings, func(wc *CountryWelfare, f float64) { wc.CapacityRent += share * f })
		}
	}
	for i := range res.Links {
		lr := &res.Links[i]
		if lr.Capacity > 0 {
			lr.Utilisation = math.Max(lr.Forward, lr.Backward) / lr.Capacity
		}
		lr.sortFlows()
	}
	for _, node := range slices.Sorted(maps.Keys(p.nodeCap)) {
		r := p.nodeCap[node]
		mu := sol.RowDual[r]
		if mu > dualTol {
			rent := mu * sol.RowActivity[r]
			nd := &n.Nodes[node]
			w.country(nd.Country).CapacityRent += rent
			res.Binding = append(res.Binding, Binding{Kind: "node", ID: nd.ID, Shadow: mu, Activity: sol.RowActivity[r], Limit: p.model.Rows[r].Upper})
		}
	}
	// Node prices.
	for r, info := range p.rows { // in row order: deterministic and cheap (no sort)
		if info.kind == rowBalance {
			res.Prices = append(res.Prices, NodePrice{Commodity: n.Commodities[p.comms[info.k].index].ID, Node: n.Nodes[info.node].ID, Origin: info.origin, Price: sol.RowDual[r]})
		}
	}
	// Markets: surplus and quantities.
	markets := map[int]*MarketResult{}
	marketOf := func(mi int) *MarketResult {
		if m, ok := markets[mi]; ok {
			return m
		}
		mk := &n.Markets[mi]
		m := &MarketResult{Market: mk.ID, Kind: string(mk.Kind), Commodity: mk.Commodity, Node: mk.Node}
		markets[mi] = m
		return m
	}
	for j, c := range p.cols {
		x := sol.X[j]
		switch c.kind {
		case varSupply, varBackstop:
			// producer surplus of a supply step goes to its node's country; a backstop's rent
			// (non-zero only when its import limit binds) to the origin of its imports
			node := p.nodeOf(n.Markets[c.market].Node)
			lambda := sol.RowDual[p.balance[balanceKey{c.k, c.origin, node}]]
			m := marketOf(c.market)
			m.Quantity += x
			m.Price = lambda
			ps := (lambda + p.model.Vars[j].Cost) * x // the column's cost is −(marginal cost)
			m.Surplus += ps
			owner := c.origin
			if c.kind == varSupply {
				owner = n.Nodes[node].Country
			}
			w.country(owner).Producer += ps
		case varDemand:
			node := p.nodeOf(n.Markets[c.market].Node)
			lambda := sol.RowDual[p.demand[[2]int{c.k, node}]]
			m := marketOf(c.market)
			m.Quantity += x
			m.Capacity += p.model.Vars[j].Upper
			m.Price = lambda
			cs := (p.model.Vars[j].Cost - lambda) * x
			m.Surplus += cs
			w.country(n.Nodes[node].Country).Consumer += cs
		case varCompliant:
			lk := res.leakage(p.rules[c.rule].ID)
			lk.Compliant += x
			lk.Enforcement = p.enforcement(p.rules[c.rule].ID)
		case varEvading:
			lk := res.leakage(p.rules[c.rule].ID)
			lk.Evading += x
			lk.Cost += -p.model.Vars[j].Cost * x
			lk.Enforcement = p.enforcement(p.rules[c.rule].ID)
		}
	}
	// Quota rents of binding caps go to the origins of the capped flow, by their share of it.
	for ri, row := range p.ruleRow {
		if row < 0 || math.IsNaN(p.enforcement(p.rules[ri].ID)) {
			continue
		}
		mu := sol.RowDual[row]
		if mu <= dualTol {
			continue
		}
		rent := mu * sol.RowActivity[row]
		p.shareByOrigin(sol, ri, rent, func(o string, v float64) { w.country(o).QuotaRent += v })
		res.leakage(p.rules[ri].ID).QuotaRent = rent
		res.Binding = append(res.Binding, Binding{Kind: "rule", ID: p.rules[ri].ID, Shadow: mu, Activity: sol.RowActivity[row], Limit: p.model.Rows[row].Upper})
	}
	// Premium rules: what matched flows paid.
	for ri := range p.rules {
		r := &p.rules[ri]
		e := p.enforcement(r.ID)
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
	for _, mi := range slices.Sorted(maps.Keys(markets)) {
		m := markets[mi]
		if m.Kind == "demand" {
			m.Unmet = math.Max(0, m.Capacity-m.Quantity)
		}
		res.Markets = append(res.Markets, *m)
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
	for _, c := range res.Welfare {
		res.TariffRevenue += c.Transit
	}
	return res, nil
}

// saturatedChains groups the arcs into chains for pooling capacity rent: two full arcs of one
// mode join when one ends and the other starts at a node with no market for what they carry and
// no other flow of that mode (goods pass straight through). Every arc with a capacity is in exactly one group; groups are in arc order.
func (p *Problem) saturatedChains(sol *lp.Solution) [][]int {
	const tol = 1e-9
	full := make([]bool, len(p.arcs))
	flowing := make([]bool, len(p.arcs))
	for ai, a := range p.arcs {
		if a.capRow < 0 {
			continue
		}
		act, limit := sol.RowActivity[a.capRow], p.model.Rows[a.capRow].Upper
		flowing[ai] = act > tol*math.Max(1, limit)
		full[ai] = limit > 0 && act >= limit*(1-1e-7)
	}
	for j, c := range p.cols { // arcs without a capacity row can carry flow too
		if c.kind == varFlow && sol.X[j] > tol {
			flowing[c.arc] = true
		}
	}
	market := make([]map[string]bool, len(p.net.Nodes)) // node → commodities traded there
	for _, mk := range p.net.Markets {
		v := p.nodeOf(mk.Node)
		if market[v] == nil {
			market[v] = map[string]bool{}
		}
		market[v][mk.Commodity] = true
	}
	tradedAt := func(v, ai int) bool {
		for _, k := range p.arcs[ai].commodity {
			if market[v][p.net.Commodities[p.comms[k].index].ID] {
				return true
			}
		}
		return false
	}
	type nodeMode struct {
		node int
		mode string
	}
	in, out := map[nodeMode][]int{}, map[nodeMode][]int{}
	for ai, a := range p.arcs {
		if flowing[ai] {
			mode := p.net.Links[a.link].Mode
			in[nodeMode{a.headNode, mode}] = append(in[nodeMode{a.headNode, mode}], ai)
			t := nodeMode{p.nodeOf(a.tail), mode}
			out[t] = append(out[t], ai)
		}
	}
	parent := make([]int, len(p.arcs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, m := range p.net.Modes {
		for v := range p.net.Nodes {
			k := nodeMode{v, m.ID}
			if len(in[k]) != 1 || len(out[k]) != 1 {
				continue
			}
			a, b := in[k][0], out[k][0]
			if full[a] && full[b] && !tradedAt(v, a) && !tradedAt(v, b) {
				parent[find(b)] = find(a)
			}
		}
	}
	groups := map[int][]int{}
	var roots []int
	for ai, a := range p.arcs {
		if a.capRow < 0 {
			continue
		}
		r := find(ai)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], ai)
	}
	out2 := make([][]int, 0, len(roots))
	for _, r := range roots {
		out2 = append(out2, groups[r])
	}
	return out2
}

func (p *Problem) nodeOf(id string) int {
	for i := range p.net.Nodes {
		if p.net.Nodes[i].ID == id {
			return i
		}
	}
	panic("flow: market at unknown node " + id)
}

// enforcement returns the enforcement of an active rule in the current state, NaN if inactive.
func (p *Problem) enforcement(id string) float64 {
	for _, ar := range p.state.Rules {
		if ar.Rule.ID == id {
			return math.Max(0, math.Min(1, ar.Enforcement))
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
