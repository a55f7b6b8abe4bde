package flow

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/corridor-dev/corridor/lp"
)

// ErrNoClosureBound is returned (wrapped) by Closure when the LP's values do not support the
// bound it proves (a column other than a demand step with a positive objective coefficient, or
// a column with a lower bound other than 0).
var ErrNoClosureBound = errors.New("flow: no proven bound on the value of a closed link's capacity")

// Closure describes what closing groups of links does to the LP, for the interdiction MIP
// (package lp/interdict): the model with the values of the state last set (the one built for,
// or last solved), the flow columns each group's closure bounds to zero, and per column a bound
// M_j on what one unit on it can add to the optimum.
//
// The bound: for a flow column j of commodity k and origin o,
//
//	M_j = max(0, P_k − S_ko − cost_j)
//
// where P_k is the highest demand-step price of k, S_ko the lowest price of a supply step or
// backstop of k of origin o, and cost_j the column's own cost per unit (its objective
// coefficient negated) — USD per commodity unit; 0 for columns in no group. It is valid, that is, for any closure the LP with the closed flow
// columns allowed to carry flow at a penalty of M_j a unit has the same optimum as with them
// closed, because:
//
//   - every column's lower bound is 0, and every column but the demand steps has an objective
//     coefficient ≤ 0 (costs, supply prices, backstop prices, evasion costs and premiums are
//     paid; deliveries and compliant flow are free) — checked on the values, else
//     ErrNoClosureBound;
//   - a solution's flow of one commodity and origin decomposes into paths from its supplies and
//     backstops to its deliveries, and cycles (the balance rows are flow conservation);
//   - removing a path or cycle that uses a penalised column keeps every row feasible (capacity
//     and throughput rows have non-negative coefficients and only upper bounds, except that a
//     congested node's row equates its arrivals with its bands, which then fall with them,
//     dearest first, and cost less; a rule row's
//     matched flow falls, and its evading and compliant columns fall with it; a demand row's
//     deliveries fall, and so do its steps, cheapest first) and lowers the objective by at most
//     the price of the demand steps given up less the supply price and the costs saved, so by
//     at most P_k − S_ko − cost_j a unit of a path through column j (and by nothing for a
//     cycle), while the penalty saved is at least M_j a unit.
//
// So the penalised optimum is attained without penalised flow, which is the closed LP's optimum.
type Closure struct {
	Model   *lp.Model // the LP; do not modify it
	Columns [][]int   // per group, the flow columns of its links
	Penalty []float64 // per column, M_j (USD per commodity unit)
	flows   [][]closedFlow
}

// closedFlow is one commodity and origin on one link in one direction, as Result.Links reports
// it, with the largest M_j of the group's columns it sums.
type closedFlow struct {
	pos               int // into Result.Links
	link              string
	commodity, origin string
	forward           bool
	m                 float64
}

// Bound returns an upper bound, USD/yr, on how much closing group g lowers the optimum of a
// state whose optimal solution r is, with r from a problem built for the same network and rule
// universe as the closure's, in a state that differs from the closure's only in closed links:
//
//	W(state with g closed) ≥ W(state) − Σ_{j ∈ Columns[g]} M_j·x_j
//
// where x_j are r's flows (Result.Links[].Flows, commodity units per year). Proof: closing links
// only bounds flow columns to zero and changes no cost, so the M_j stay valid (see Closure). r's
// flows are feasible for the LP with g's columns open at a penalty of M_j a unit (they are
// feasible with those columns open, and r's own closures are kept), where they are worth
// W(state) − Σ M_j·x_j; that LP's optimum is at least this, and it equals the optimum with g
// closed. A flow the result does not report (x ≤ 0) adds nothing. Several columns of one
// commodity, origin and direction on one link are counted at the largest of their M_j.
func (c *Closure) Bound(r *Result, g int) float64 {
	b := 0.0
	for _, f := range c.flows[g] {
		lr := &r.Links[f.pos]
		if lr.Link != f.link {
			lr = r.Link(f.link)
		}
		for _, cf := range lr.Flows {
			if cf.Commodity == f.commodity && cf.Origin == f.origin {
				x := cf.Backward
				if f.forward {
					x = cf.Forward
				}
				b += f.m * max(0, x)
			}
		}
	}
	return b
}

// Closure returns the closure description for groups of link ids (a group closes all its
// links). Links the LP has no arc for close nothing.
func (p *Problem) Closure(groups [][]string) (*Closure, error) {
	m := p.Model()
	n := p.net
	linkIx := make(map[string]int, len(n.Links))
	for i := range n.Links {
		linkIx[n.Links[i].ID] = i
	}
	// the highest demand price of each commodity, the lowest supply price of each commodity and
	// origin, and the check of the bound's conditions
	top := make([]float64, len(p.comms))
	bottom := map[[2]int]float64{} // (k, origin index) → S_ko
	for j, c := range p.cols {
		v := m.Vars[j]
		if v.Lower != 0 {
			return nil, fmt.Errorf("%w: column %s has lower bound %g", ErrNoClosureBound, v.Name, v.Lower)
		}
		if c.kind == varDemand {
			top[c.k] = max(top[c.k], v.Cost)
			continue
		}
		if v.Cost > 0 {
			return nil, fmt.Errorf("%w: column %s has objective coefficient %g > 0", ErrNoClosureBound, v.Name, v.Cost)
		}
		if c.kind == varSupply || c.kind == varBackstop {
			key := [2]int{c.k, c.originIx}
			if b, ok := bottom[key]; !ok || -v.Cost < b {
				bottom[key] = -v.Cost
			}
		}
	}
	byLink := make([][]int, len(n.Links))
	for j, c := range p.cols {
		if c.kind == varFlow {
			li := p.arcs[c.arc].link
			byLink[li] = append(byLink[li], j)
		}
	}
	out := &Closure{Model: m, Columns: make([][]int, len(groups)), Penalty: make([]float64, len(m.Vars)),
		flows: make([][]closedFlow, len(groups))}
	for g, ids := range groups {
		for _, id := range ids {
			li, ok := linkIx[id]
			if !ok {
				return nil, fmt.Errorf("flow: closure of unknown link %q", id)
			}
			for _, j := range byLink[li] {
				out.Columns[g] = append(out.Columns[g], j)
				c := p.cols[j]
				// no supply of origin o: 0 (S_ko ≥ 0 is all the argument needs)
				out.Penalty[j] = max(0, top[c.k]-bottom[[2]int{c.k, c.originIx}]+m.Vars[j].Cost)
				if math.IsInf(out.Penalty[j], 0) || math.IsNaN(out.Penalty[j]) {
					return nil, fmt.Errorf("%w: commodity of column %s has demand price %g", ErrNoClosureBound, m.Vars[j].Name, out.Penalty[j])
				}
				a := &p.arcs[c.arc]
				f := closedFlow{pos: p.links[a.link].pos, link: id, commodity: n.Commodities[p.comms[c.k].index].ID,
					origin: c.origin, forward: a.forward, m: out.Penalty[j]}
				if i := slices.IndexFunc(out.flows[g], func(o closedFlow) bool {
					return o.pos == f.pos && o.commodity == f.commodity && o.origin == f.origin && o.forward == f.forward
				}); i >= 0 {
					out.flows[g][i].m = max(out.flows[g][i].m, f.m)
				} else {
					out.flows[g] = append(out.flows[g], f)
				}
			}
		}
	}
	return out, nil
}
