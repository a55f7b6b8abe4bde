package lptest

import (
	"math"

	"github.com/corridor-dev/corridor/lp"
)

// Case is a model with a known answer. Optional fields (nil slices) are not checked; they are
// nil where the answer is not unique.
type Case struct {
	Name        string
	Note        string // how the answer was derived
	Model       func() *lp.Model
	Status      lp.Status
	Objective   float64   // checked when Status is StatusOptimal; includes Model.Offset
	X           []float64 // optimal primal values, if unique
	RowDual     []float64 // ∂objective/∂(row bound), if unique (lp.Solution's convention)
	ReducedCost []float64 // ∂objective/∂(column bound), if unique
}

// le, ge, eq and rng build rows; v builds a column.
func le(name string, idx []int, coef []float64, hi float64) lp.Row {
	return lp.Row{Name: name, Index: idx, Coef: coef, Lower: math.Inf(-1), Upper: hi}
}

func ge(name string, idx []int, coef []float64, lo float64) lp.Row {
	return lp.Row{Name: name, Index: idx, Coef: coef, Lower: lo, Upper: math.Inf(1)}
}

func eq(name string, idx []int, coef []float64, b float64) lp.Row {
	return lp.Row{Name: name, Index: idx, Coef: coef, Lower: b, Upper: b}
}

func rng(name string, idx []int, coef []float64, lo, hi float64) lp.Row {
	return lp.Row{Name: name, Index: idx, Coef: coef, Lower: lo, Upper: hi}
}

func v(name string, lo, hi, cost float64) lp.Var {
	return lp.Var{Name: name, Lower: lo, Upper: hi, Cost: cost}
}

// LPCases returns the hand-derived LP cases of the suite. Each call builds fresh models.
func LPCases() []Case {
	inf := math.Inf(1)
	return []Case{
		{
			Name: "two-var min with duals",
			Note: "min 2x+3y s.t. x+y≥4, x+3y≥6: vertices (0,4)=12, (3,1)=9, (6,0)=12; duals solve u1+u2=2, u1+3u2=3",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", 0, inf, 2), v("y", 0, inf, 3)}, Rows: []lp.Row{
					ge("r1", []int{0, 1}, []float64{1, 1}, 4),
					ge("r2", []int{0, 1}, []float64{1, 3}, 6),
				}}
			},
			Status: lp.StatusOptimal, Objective: 9, X: []float64{3, 1},
			RowDual: []float64{1.5, 0.5}, ReducedCost: []float64{0, 0},
		},
		{
			Name: "maximise (Wyndor Glass)",
			Note: "Hillier & Lieberman's Wyndor Glass LP: optimum (2,6) = 36, shadow prices (0, 3/2, 1)",
			Model: func() *lp.Model {
				return &lp.Model{Sense: lp.Maximize, Vars: []lp.Var{v("x", 0, inf, 3), v("y", 0, inf, 5)}, Rows: []lp.Row{
					le("plant1", []int{0}, []float64{1}, 4),
					le("plant2", []int{1}, []float64{2}, 12),
					le("plant3", []int{0, 1}, []float64{3, 2}, 18),
				}}
			},
			Status: lp.StatusOptimal, Objective: 36, X: []float64{2, 6},
			RowDual: []float64{0, 1.5, 1}, ReducedCost: []float64{0, 0},
		},
		{
			Name: "reduced cost at an upper bound",
			Note: "min x+2y s.t. x+y≥2, x≤1.5: x at its bound, y=0.5; dual 2 (y's cost); x's reduced cost 1-2=-1",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", 0, 1.5, 1), v("y", 0, inf, 2)}, Rows: []lp.Row{
					ge("cover", []int{0, 1}, []float64{1, 1}, 2),
				}}
			},
			Status: lp.StatusOptimal, Objective: 2.5, X: []float64{1.5, 0.5},
			RowDual: []float64{2}, ReducedCost: []float64{-1, 0},
		},
		{
			Name: "degenerate vertex",
			Note: "min -x-y s.t. x+2y≤4, 2x+y≤4, x+y≤8/3: all three rows meet at (4/3,4/3), the only optimum, -8/3",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", 0, inf, -1), v("y", 0, inf, -1)}, Rows: []lp.Row{
					le("a", []int{0, 1}, []float64{1, 2}, 4),
					le("b", []int{0, 1}, []float64{2, 1}, 4),
					le("c", []int{0, 1}, []float64{1, 1}, 8.0/3),
				}}
			},
			Status: lp.StatusOptimal, Objective: -8.0 / 3, X: []float64{4.0 / 3, 4.0 / 3},
		},
		{
			Name: "cycling example (Chvátal)",
			Note: "Chvátal, Linear Programming (1983) ch. 3, the example on which the largest-coefficient rule cycles: optimum 1 at x1=1, x3=1",
			Model: func() *lp.Model {
				return &lp.Model{Sense: lp.Maximize, Vars: []lp.Var{
					v("x1", 0, inf, 10), v("x2", 0, inf, -57), v("x3", 0, inf, -9), v("x4", 0, inf, -24),
				}, Rows: []lp.Row{
					le("r1", []int{0, 1, 2, 3}, []float64{0.5, -5.5, -2.5, 9}, 0),
					le("r2", []int{0, 1, 2, 3}, []float64{0.5, -1.5, -0.5, 1}, 0),
					le("r3", []int{0}, []float64{1}, 1),
				}}
			},
			Status: lp.StatusOptimal, Objective: 1, X: []float64{1, 0, 1, 0},
		},
		{
			Name: "infeasible",
			Note: "x+y≤1 and x+y≥2 cannot both hold",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", 0, inf, 1), v("y", 0, inf, 1)}, Rows: []lp.Row{
					le("a", []int{0, 1}, []float64{1, 1}, 1),
					ge("b", []int{0, 1}, []float64{1, 1}, 2),
				}}
			},
			Status: lp.StatusInfeasible,
		},
		{
			Name: "infeasible bounds",
			Note: "x ∈ [0,1] but the row needs x ≥ 3",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", 0, 1, 1)}, Rows: []lp.Row{ge("a", []int{0}, []float64{1}, 3)}}
			},
			Status: lp.StatusInfeasible,
		},
		{
			Name: "unbounded",
			Note: "min -x s.t. x-y≤1: the ray (1,1) keeps the row and lowers the objective without limit",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", 0, inf, -1), v("y", 0, inf, 0)}, Rows: []lp.Row{
					le("a", []int{0, 1}, []float64{1, -1}, 1),
				}}
			},
			Status: lp.StatusUnbounded,
		},
		{
			Name: "free variables",
			Note: "min y s.t. y≥x-2, y≥-x, x and y free: the two rows cross at (1,-1); duals solve -u1+u2=0, u1+u2=1",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", -inf, inf, 0), v("y", -inf, inf, 1)}, Rows: []lp.Row{
					ge("a", []int{0, 1}, []float64{-1, 1}, -2),
					ge("b", []int{0, 1}, []float64{1, 1}, 0),
				}}
			},
			Status: lp.StatusOptimal, Objective: -1, X: []float64{1, -1},
			RowDual: []float64{0.5, 0.5}, ReducedCost: []float64{0, 0},
		},
		{
			Name: "equality rows",
			Note: "min 2x+3y+z s.t. x+y+z=10, x-y=2, z≤3: z (cheapest) at 3, then x=4.5, y=2.5; duals u1+u2=2, u1-u2=3; z's reduced cost 1-2.5",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", 0, inf, 2), v("y", 0, inf, 3), v("z", 0, 3, 1)}, Rows: []lp.Row{
					eq("total", []int{0, 1, 2}, []float64{1, 1, 1}, 10),
					eq("diff", []int{0, 1}, []float64{1, -1}, 2),
				}}
			},
			Status: lp.StatusOptimal, Objective: 19.5, X: []float64{4.5, 2.5, 3},
			RowDual: []float64{2.5, -0.5}, ReducedCost: []float64{0, 0, -1.5},
		},
		{
			Name: "range rows",
			Note: "min -x+2y s.t. 1≤x+y≤4, -2≤x-y≤2, x,y free: parallelogram vertices cost 3.5, -2.5, 5, -1; best (1.5,-0.5) with row 1 at its lower and row 2 at its upper bound",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", -inf, inf, -1), v("y", -inf, inf, 2)}, Rows: []lp.Row{
					rng("sum", []int{0, 1}, []float64{1, 1}, 1, 4),
					rng("diff", []int{0, 1}, []float64{1, -1}, -2, 2),
				}}
			},
			Status: lp.StatusOptimal, Objective: -2.5, X: []float64{1.5, -0.5},
			RowDual: []float64{0.5, -1.5}, ReducedCost: []float64{0, 0},
		},
		{
			Name: "objective offset",
			Note: "min x+10 s.t. x≥2: 2+10",
			Model: func() *lp.Model {
				return &lp.Model{Offset: 10, Vars: []lp.Var{v("x", 0, inf, 1)}, Rows: []lp.Row{ge("a", []int{0}, []float64{1}, 2)}}
			},
			Status: lp.StatusOptimal, Objective: 12, X: []float64{2}, RowDual: []float64{1}, ReducedCost: []float64{0},
		},
		{
			Name: "maximise with offset and negative bounds",
			Note: "max -x-y-5 s.t. x+y≥-3, x,y∈[-2,2]: x+y=-3 is as low as allowed; objective 3-5; not unique in x",
			Model: func() *lp.Model {
				return &lp.Model{Sense: lp.Maximize, Offset: -5, Vars: []lp.Var{v("x", -2, 2, -1), v("y", -2, 2, -1)},
					Rows: []lp.Row{ge("a", []int{0, 1}, []float64{1, 1}, -3)}}
			},
			Status: lp.StatusOptimal, Objective: -2, RowDual: []float64{-1},
		},
		{
			Name: "bounds only",
			Note: "min x-y with no rows, x∈[1,5], y∈[-1,3] fixed at 3: 1-3",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", 1, 5, 1), v("y", 3, 3, -1)}}
			},
			Status: lp.StatusOptimal, Objective: -2, X: []float64{1, 3}, ReducedCost: []float64{1, -1},
		},
		{
			Name: "empty row and empty column",
			Note: "min x s.t. 0≤(no terms)≤1, x≥1, a column z with no entries and cost 0: x=1",
			Model: func() *lp.Model {
				return &lp.Model{Vars: []lp.Var{v("x", 0, inf, 1), v("z", 0, 4, 0)}, Rows: []lp.Row{
					rng("empty", nil, nil, 0, 1),
					ge("a", []int{0}, []float64{1}, 1),
				}}
			},
			Status: lp.StatusOptimal, Objective: 1, RowDual: []float64{0, 1},
		},
		{
			Name: "no columns, a row that excludes zero",
			Note: "1 ≤ (no terms): the only activity, 0, is outside the row's bounds",
			Model: func() *lp.Model {
				return &lp.Model{Rows: []lp.Row{ge("a", nil, nil, 1)}}
			},
			Status: lp.StatusInfeasible,
		},
	}
}

// MIPCases returns the hand-derived mixed-integer cases of the suite.
func MIPCases() []Case {
	inf := math.Inf(1)
	return []Case{
		{
			Name: "knapsack",
			Note: "max 8a+11b+6c+4d s.t. 5a+7b+4c+3d≤14, binary: b,c,d fill 14 exactly for 21; every set with a scores at most 19 (LP bound 22)",
			Model: func() *lp.Model {
				m := &lp.Model{Sense: lp.Maximize}
				for i, c := range []float64{8, 11, 6, 4} {
					m.AddVar(lp.Var{Name: string(rune('a' + i)), Upper: 1, Cost: c, Integer: true})
				}
				m.AddRow(le("weight", []int{0, 1, 2, 3}, []float64{5, 7, 4, 3}, 14))
				return m
			},
			Status: lp.StatusOptimal, Objective: 21, X: []float64{0, 1, 1, 1},
		},
		{
			Name: "integer rounding",
			Note: "max y s.t. -x+y≤1, 3x+2y≤12, 2x+3y≤12, x,y≥0 integer (Wikipedia, Integer programming): LP optimum (1.8,2.8), integer optimum y=2 at (1,2) or (2,2)",
			Model: func() *lp.Model {
				m := &lp.Model{Sense: lp.Maximize, Vars: []lp.Var{
					{Name: "x", Upper: inf, Integer: true}, {Name: "y", Upper: inf, Cost: 1, Integer: true},
				}}
				m.AddRow(le("a", []int{0, 1}, []float64{-1, 1}, 1))
				m.AddRow(le("b", []int{0, 1}, []float64{3, 2}, 12))
				m.AddRow(le("c", []int{0, 1}, []float64{2, 3}, 12))
				return m
			},
			Status: lp.StatusOptimal, Objective: 2,
		},
		{
			Name: "mixed integer with continuous part",
			Note: "min x+2n s.t. x+n≥2.5, n integer in [0,10], x∈[0,1]: n=2 covers 2 of 2.5, x=0.5 gives 4.5; n=3 with x=0 gives 6",
			Model: func() *lp.Model {
				m := &lp.Model{Vars: []lp.Var{{Name: "x", Upper: 1, Cost: 1}, {Name: "n", Upper: 10, Cost: 2, Integer: true}}}
				m.AddRow(ge("cover", []int{0, 1}, []float64{1, 1}, 2.5))
				return m
			},
			Status: lp.StatusOptimal, Objective: 4.5, X: []float64{0.5, 2},
		},
		{
			Name: "integer infeasible",
			Note: "2n=3 has no integer solution although its LP relaxation does",
			Model: func() *lp.Model {
				m := &lp.Model{Vars: []lp.Var{{Name: "n", Upper: 10, Cost: 1, Integer: true}}}
				m.AddRow(eq("odd", []int{0}, []float64{2}, 3))
				return m
			},
			Status: lp.StatusInfeasible,
		},
	}
}
