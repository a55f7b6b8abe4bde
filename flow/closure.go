package flow

import (
	"errors"
	"fmt"
	"math"

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
//     and throughput rows have non-negative coefficients and only upper bounds; a rule row's
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
	out := &Closure{Model: m, Columns: make([][]int, len(groups)), Penalty: make([]float64, len(m.Vars))}
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
			}
		}
	}
	return out, nil
}
