package dw_test

import (
	"context"
	"fmt"
	"math"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/dw"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// Eight units of supply at A are worth 10 each at B. The direct link A→B costs 1 a unit but
// carries at most 5; the detour A→M→B costs 1 + 2. Balance rows read "out − in = 0", the supply
// entering at A and the delivery leaving at B.
func ExampleSolve() {
	inf := math.Inf(1)
	m := &lp.Model{Sense: lp.Maximize}
	s := m.AddVar(lp.Var{Upper: 8})             // supply at A
	y := m.AddVar(lp.Var{Upper: inf, Cost: 10}) // delivery at B
	ab := m.AddVar(lp.Var{Upper: inf, Cost: -1})
	am := m.AddVar(lp.Var{Upper: inf, Cost: -1})
	mb := m.AddVar(lp.Var{Upper: inf, Cost: -2})
	a := m.AddRow(lp.Row{Index: []int{ab, am, s}, Coef: []float64{1, 1, -1}})
	mid := m.AddRow(lp.Row{Index: []int{mb, am}, Coef: []float64{1, -1}})
	b := m.AddRow(lp.Row{Index: []int{y, ab, mb}, Coef: []float64{1, -1, -1}})
	m.AddRow(lp.Row{Index: []int{ab}, Coef: []float64{1}, Lower: -inf, Upper: 5}) // capacity of A→B

	arcs := []dw.Arc{{Tail: -1}, {Tail: -1}, {Tail: a, Head: b}, {Tail: a, Head: mid}, {Tail: mid, Head: b}}
	sol, stats, err := dw.Solve(context.Background(), simplex.New(simplex.Config{}), m, arcs, dw.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("surplus %g: %g direct, %g by M; price at M %g\n", sol.Objective, sol.X[ab], sol.X[am], sol.RowDual[mid])
	fmt.Printf("%d paths, %d capacity row\n", stats.Paths, stats.LazyRows)
	// Output:
	// surplus 66: 5 direct, 3 by M; price at M 8
	// 2 paths, 1 capacity row
}
