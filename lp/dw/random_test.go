package dw_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/dw"
	"github.com/corridor-dev/corridor/lp/lptest"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// shape says which features a random model has.
type shape struct {
	sense         lp.Sense
	negativeCosts bool // some arcs pay to be used
	rules         bool // rows Σ arcs − compliant − evading = 0, as flow's sanctions rules
	capacities    bool // rows Σ a·arcs ≤ cap over arcs of several blocks
	otherCoupling bool // rows of any sign and bound, over arcs and other columns
	scaledCosts   bool // costs from 1e-3 to 1e4
	fixedArcs     bool // some arcs at [0, 0]
	zeroCostArcs  bool
	blocks, nodes int
}

// randomModel builds a multicommodity-flow-like LP of shape s: per block, nodes with random
// arcs (ties and parallel arcs included), sources and sinks with bounds at some nodes, and the
// coupling rows s asks for.
func randomModel(r *rand.Rand, s shape) (*lp.Model, []dw.Arc) {
	inf := math.Inf(1)
	m := &lp.Model{Sense: s.sense}
	var marks []dw.Arc
	profit := 1.0 // the sign that makes a value a gain in m's sense
	if s.sense == lp.Minimize {
		profit = -1
	}
	col := func(v lp.Var, a dw.Arc) int { marks = append(marks, a); return m.AddVar(v) }
	cost := func() float64 {
		c := float64(r.IntN(5))
		if !s.zeroCostArcs && c == 0 {
			c = 1
		}
		if s.scaledCosts {
			c *= math.Pow(10, float64(r.IntN(8)-3))
		}
		return c
	}
	type entry struct {
		row, col int
		coef     float64
	}
	var entries []entry
	var arcs []int
	for range 1 + r.IntN(s.blocks) {
		n := 2 + r.IntN(s.nodes)
		rows := make([]int, n)
		for k := range rows {
			rows[k] = m.AddRow(lp.Row{})
		}
		for range r.IntN(3 * n) {
			u, v := r.IntN(n), r.IntN(n)
			if u == v {
				continue
			}
			c := cost()
			if s.negativeCosts && r.IntN(4) == 0 {
				c = -c
			}
			up := inf
			if s.fixedArcs && r.IntN(6) == 0 {
				up = 0
			}
			j := col(lp.Var{Upper: up, Cost: -profit * c}, dw.Arc{Tail: rows[u], Head: rows[v]})
			entries = append(entries, entry{rows[u], j, 1}, entry{rows[v], j, -1})
			arcs = append(arcs, j)
		}
		for _, row := range rows {
			switch r.IntN(4) {
			case 0: // a source
				j := col(lp.Var{Upper: float64(1 + r.IntN(10)), Cost: -profit * float64(r.IntN(5))}, dw.Arc{Tail: -1})
				entries = append(entries, entry{row, j, -1})
			case 1: // a sink
				j := col(lp.Var{Upper: float64(1 + r.IntN(10)), Cost: profit * float64(r.IntN(20))}, dw.Arc{Tail: -1})
				entries = append(entries, entry{row, j, 1})
			}
		}
	}
	for _, e := range entries {
		rw := &m.Rows[e.row]
		rw.Index, rw.Coef = append(rw.Index, e.col), append(rw.Coef, e.coef)
	}
	if len(arcs) == 0 {
		return m, marks
	}
	pick := func(k int, from []int) []int {
		seen := map[int]bool{}
		var out []int
		for range k {
			if j := from[r.IntN(len(from))]; !seen[j] {
				seen[j] = true
				out = append(out, j)
			}
		}
		return out
	}
	if s.capacities {
		for range r.IntN(3) {
			row := lp.Row{Lower: -inf, Upper: float64(r.IntN(8))}
			for _, j := range pick(1+r.IntN(4), arcs) {
				row.Index, row.Coef = append(row.Index, j), append(row.Coef, float64(1+r.IntN(2)))
			}
			m.AddRow(row)
		}
	}
	if s.rules {
		for range r.IntN(3) {
			row := lp.Row{}
			for _, j := range pick(1+r.IntN(4), arcs) {
				row.Index, row.Coef = append(row.Index, j), append(row.Coef, 1)
			}
			comp := col(lp.Var{Upper: inf, Cost: -profit * float64(r.IntN(3))}, dw.Arc{Tail: -1})
			evade := col(lp.Var{Upper: float64(r.IntN(4)), Cost: -profit * float64(r.IntN(6))}, dw.Arc{Tail: -1})
			row.Index, row.Coef = append(row.Index, comp, evade), append(row.Coef, -1, -1)
			m.AddRow(row)
		}
	}
	if s.otherCoupling {
		var all []int
		for j := range m.Vars {
			all = append(all, j)
		}
		for range r.IntN(4) {
			row := lp.Row{Lower: -inf, Upper: inf}
			for _, j := range pick(1+r.IntN(5), all) {
				if marks[j].Tail < 0 && r.IntN(4) != 0 {
					continue // mostly arcs
				}
				row.Index, row.Coef = append(row.Index, j), append(row.Coef, float64(r.IntN(5)-2))
			}
			switch r.IntN(4) {
			case 0:
				row.Upper = float64(r.IntN(6) - 1)
			case 1:
				row.Lower = float64(r.IntN(6) - 4)
			case 2:
				row.Lower = float64(r.IntN(6) - 4)
				row.Upper = row.Lower + float64(r.IntN(4))
			case 3:
				row.Lower, row.Upper = 0, 0
			}
			m.AddRow(row)
		}
	}
	return m, marks
}

// TestRandomModels runs small random models of every shape, minimised and maximised, through the
// decomposition and the simplex. The decomposition may decline (ErrUnsupported) but never errs
// otherwise or panics, and what it answers is certified and equals the simplex's optimum.
func TestRandomModels(t *testing.T) {
	seeds := uint64(40)
	if testing.Short() {
		seeds = 8
	}
	answered, declined := 0, 0
	for variant := range 64 {
		for _, sense := range []lp.Sense{lp.Minimize, lp.Maximize} {
			s := shape{sense: sense, negativeCosts: variant&1 != 0, rules: variant&2 != 0, capacities: variant&4 != 0,
				otherCoupling: variant&8 != 0, scaledCosts: variant&16 != 0, fixedArcs: true, zeroCostArcs: variant&32 != 0, blocks: 3, nodes: 5}
			for seed := range seeds {
				name := fmt.Sprintf("variant%d-%v-seed%d", variant, sense, seed)
				m, marks := randomModel(rand.New(rand.NewPCG(seed, uint64(variant))), s)
				whole, err := simplex.New(simplex.Config{}).Solve(t.Context(), m, lp.Options{})
				if err != nil {
					t.Fatalf("%s: simplex: %v", name, err)
				}
				sol, _, err := dw.Solve(t.Context(), simplex.New(simplex.Config{}), m, marks, dw.Options{MaxRounds: 1000})
				switch {
				case errors.Is(err, dw.ErrUnsupported):
					declined++
					continue
				case err != nil:
					t.Fatalf("%s: %v", name, err)
				case whole.Status != lp.StatusOptimal:
					t.Fatalf("%s: decomposition answers %g, the simplex says %v", name, sol.Objective, whole.Status)
				}
				answered++
				if rel := math.Abs(sol.Objective-whole.Objective) / math.Max(1, math.Abs(whole.Objective)); rel > 1e-7 {
					t.Errorf("%s: objective %.10g, simplex %.10g", name, sol.Objective, whole.Objective)
				}
				t.Run(name, func(t *testing.T) { lptest.Certify(t, m, sol, 1e-7) })
			}
		}
	}
	t.Logf("%d answered, %d declined", answered, declined)
	if answered < 3*declined {
		t.Errorf("only %d of %d models decomposed", answered, answered+declined)
	}
}
