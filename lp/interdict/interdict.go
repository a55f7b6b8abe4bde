// Package interdict turns "which k groups of columns, bounded to zero, lower the optimum of a
// maximising LP most?" into one mixed-integer program, by LP duality (network interdiction:
// R. K. Wood, "Deterministic network interdiction", Mathematical and Computer Modelling 17(2),
// 1993; E. Israeli and R. K. Wood, "Shortest-path network interdiction", Networks 40(2), 2002).
//
// The inner problem is an LP in the form of package lp,
//
//	W(x) = max c·y + c₀   s.t.  L ≤ A y ≤ U,  l ≤ y ≤ u,  y_j ≤ 0 for j in a closed group,
//
// and the interdictor picks binary x_g, one per group of columns, to minimise W(x). LP duality
// turns the inner max into a min (for fixed x, with W(x) finite), and the two mins merge:
//
//	min_{x, π, s, ŝ}  Σ_r (U_r p_r − L_r q_r) + Σ_j (u_j s_j − l_j t_j) + c₀
//	s.t.  Σ_r a_rj (p_r − q_r) + s_j − t_j + ŝ_j = c_j      for every column j
//	      0 ≤ ŝ_j ≤ M_j Σ_{g ∋ j} x_g                      for every column j in some group
//	      Σ_g x_g = k (or ≤ k), x binary, p, q, s, t ≥ 0
//
// (p_r absent when U_r = ∞, q_r when L_r = −∞, one free π_r for an equality row; s_j absent when
// u_j = ∞, t_j when l_j = −∞; for l_j = 0, t_j has no cost and the column's equation becomes
// "≥ c_j"). ŝ_j is the capacity price of a closed column that costs nothing in the dual
// objective: without the bound it would make the column's upper bound 0 exactly. With the bound
// M_j it stands for the primal in which column j may still carry flow at a penalty of M_j per
// unit. So the MIP's optimum is min over x of the penalised W_M(x) ≥ W(x), and it is exactly
// min W(x) when, for every x, an optimum of the penalised LP carries nothing on the closed
// columns: the caller must give bounds M_j at least the value one unit on column j can add
// (for the flow LP: flow.Problem.Closure proves one). A larger M is still exact but weakens the
// LP relaxation.
//
// The model must be feasible for every x (for the flow LP y = 0 is) and W(x) finite; then
// strong duality holds for every x and the MIP is exact.
package interdict

import (
	"errors"
	"fmt"
	"math"

	"github.com/corridor-dev/corridor/lp"
)

// Spec says what may be closed and how many.
type Spec struct {
	// Groups are the closures: group g bounds the columns Groups[g] of the model to zero.
	Groups [][]int
	// Penalty is, per column of the model, the bound M_j on its capacity price when closed (see
	// the package doc); every column of a group needs a finite Penalty ≥ 0.
	Penalty []float64
	// K is the number of groups to close: exactly K, or at most K with AtMost.
	K      int
	AtMost bool
	// Cost and Budget, when Cost is set, add Σ_g Cost[g]·x_g ≤ Budget.
	Cost   []float64
	Budget float64
	// Exclude are sets of groups that may not be closed together (each adds
	// Σ_{g∈S} x_g ≤ |S| − 1): the sets already found, to rank the next worst.
	Exclude [][]int
}

// Build returns the interdiction MIP of the maximising LP m: a minimisation whose optimum is
// min over admissible closures of m's optimum with the closed groups' columns at zero. Its first
// len(spec.Groups) columns are the binaries x_g.
func Build(m *lp.Model, spec Spec) (*lp.Model, error) {
	if m.Sense != lp.Maximize {
		return nil, errors.New("interdict: the inner LP must maximise")
	}
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("interdict: %w", err)
	}
	if m.IsMIP() {
		return nil, errors.New("interdict: the inner problem must be an LP")
	}
	ng := len(spec.Groups)
	if spec.K < 0 || spec.K > ng {
		return nil, fmt.Errorf("interdict: k = %d with %d groups", spec.K, ng)
	}
	if len(spec.Penalty) != len(m.Vars) {
		return nil, fmt.Errorf("interdict: %d penalties for %d columns", len(spec.Penalty), len(m.Vars))
	}
	if spec.Cost != nil && len(spec.Cost) != ng {
		return nil, fmt.Errorf("interdict: %d costs for %d groups", len(spec.Cost), ng)
	}
	// groupsOf[j]: the groups closing column j
	groupsOf := make([][]int, len(m.Vars))
	for g, cols := range spec.Groups {
		for _, j := range cols {
			if j < 0 || j >= len(m.Vars) {
				return nil, fmt.Errorf("interdict: group %d names column %d of %d", g, j, len(m.Vars))
			}
			if p := spec.Penalty[j]; !(p >= 0) || math.IsInf(p, 0) {
				return nil, fmt.Errorf("interdict: column %d (%s) has penalty %g: want finite ≥ 0", j, m.Vars[j].Name, p)
			}
			if m.Vars[j].Lower > 0 {
				return nil, fmt.Errorf("interdict: column %d (%s) has lower bound %g > 0: closing it would make the LP infeasible", j, m.Vars[j].Name, m.Vars[j].Lower)
			}
			groupsOf[j] = append(groupsOf[j], g)
		}
	}

	d := &lp.Model{Name: "interdiction", Sense: lp.Minimize, Offset: m.Offset}
	for g := range ng {
		d.AddVar(lp.Var{Name: fmt.Sprintf("x%d", g), Upper: 1, Integer: true})
	}
	// the dual constraint of each column j: Σ entries ≥ or = c_j
	cons := make([]lp.Row, len(m.Vars))
	for j, v := range m.Vars {
		cons[j] = lp.Row{Name: "dual_" + v.Name, Lower: v.Cost, Upper: v.Cost}
		if v.Lower == 0 {
			cons[j].Upper = lp.Inf // t_j ≥ 0 at no cost
		}
	}
	put := func(j, col int, coef float64) {
		cons[j].Index = append(cons[j].Index, col)
		cons[j].Coef = append(cons[j].Coef, coef)
	}
	for _, r := range m.Rows {
		switch {
		case r.Lower == r.Upper:
			c := d.AddVar(lp.Var{Name: "pi_" + r.Name, Lower: -lp.Inf, Upper: lp.Inf, Cost: r.Upper})
			for k, j := range r.Index {
				put(j, c, r.Coef[k])
			}
		default:
			if !math.IsInf(r.Upper, 1) {
				c := d.AddVar(lp.Var{Name: "p_" + r.Name, Upper: lp.Inf, Cost: r.Upper})
				for k, j := range r.Index {
					put(j, c, r.Coef[k])
				}
			}
			if !math.IsInf(r.Lower, -1) {
				c := d.AddVar(lp.Var{Name: "q_" + r.Name, Upper: lp.Inf, Cost: -r.Lower})
				for k, j := range r.Index {
					put(j, c, -r.Coef[k])
				}
			}
		}
	}
	var links []lp.Row
	for j, v := range m.Vars {
		if !math.IsInf(v.Upper, 1) {
			put(j, d.AddVar(lp.Var{Name: "s_" + v.Name, Upper: lp.Inf, Cost: v.Upper}), 1)
		}
		if v.Lower != 0 && !math.IsInf(v.Lower, -1) {
			put(j, d.AddVar(lp.Var{Name: "t_" + v.Name, Upper: lp.Inf, Cost: -v.Lower}), -1)
		}
		if len(groupsOf[j]) > 0 {
			c := d.AddVar(lp.Var{Name: "closed_" + v.Name, Upper: lp.Inf})
			put(j, c, 1)
			// ŝ_j − M_j Σ_{g∋j} x_g ≤ 0
			row := lp.Row{Name: "bound_" + v.Name, Index: []int{c}, Coef: []float64{1}, Lower: -lp.Inf}
			for _, g := range groupsOf[j] {
				row.Index = append(row.Index, g)
				row.Coef = append(row.Coef, -spec.Penalty[j])
			}
			links = append(links, row)
		}
	}
	for _, r := range cons {
		d.AddRow(r)
	}
	for _, r := range links {
		d.AddRow(r)
	}
	all := lp.Row{Name: "k", Lower: float64(spec.K), Upper: float64(spec.K)}
	if spec.AtMost {
		all.Lower = -lp.Inf
	}
	for g := range ng {
		all.Index = append(all.Index, g)
		all.Coef = append(all.Coef, 1)
	}
	d.AddRow(all)
	if spec.Cost != nil {
		b := lp.Row{Name: "budget", Lower: -lp.Inf, Upper: spec.Budget}
		for g, c := range spec.Cost {
			b.Index = append(b.Index, g)
			b.Coef = append(b.Coef, c)
		}
		d.AddRow(b)
	}
	for i, s := range spec.Exclude {
		r := lp.Row{Name: fmt.Sprintf("exclude%d", i), Lower: -lp.Inf, Upper: float64(len(s) - 1)}
		for _, g := range s {
			if g < 0 || g >= ng {
				return nil, fmt.Errorf("interdict: excluded set %d names group %d of %d", i, g, ng)
			}
			r.Index = append(r.Index, g)
			r.Coef = append(r.Coef, 1)
		}
		d.AddRow(r)
	}
	return d, nil
}

// Closed returns the groups a MIP solution closes (x_g rounded).
func Closed(sol *lp.Solution, groups int) []int {
	var out []int
	for g := range groups {
		if sol.X[g] > 0.5 {
			out = append(out, g)
		}
	}
	return out
}
