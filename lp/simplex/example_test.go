package simplex_test

import (
	"context"
	"fmt"
	"math"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// Solve the Wyndor Glass LP (Hillier and Lieberman), then raise the profit of product x and
// re-solve from the previous basis.
func Example() {
	inf := math.Inf(1)
	m := &lp.Model{Sense: lp.Maximize,
		Vars: []lp.Var{{Name: "x", Upper: inf, Cost: 3}, {Name: "y", Upper: inf, Cost: 5}},
		Rows: []lp.Row{
			{Name: "plant1", Index: []int{0}, Coef: []float64{1}, Lower: -inf, Upper: 4},
			{Name: "plant2", Index: []int{1}, Coef: []float64{2}, Lower: -inf, Upper: 12},
			{Name: "plant3", Index: []int{0, 1}, Coef: []float64{3, 2}, Lower: -inf, Upper: 18},
		}}
	ctx := context.Background()
	eng := simplex.New(simplex.Config{}) // no fallback: the cold solve starts from the slack basis
	defer eng.Close()
	sol, err := eng.Solve(ctx, m, lp.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("profit %.0f at x=%.0f, y=%.0f; plant 3 is worth %.1f per hour\n", sol.Objective, sol.X[0], sol.X[1], sol.RowDual[2])

	if err := eng.SetCosts([]int{0}, []float64{9}); err != nil {
		panic(err)
	}
	sol, err = eng.Resolve(ctx, lp.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("profit %.0f at x=%.0f, y=%.0f after %d pivot(s) from the previous basis\n", sol.Objective, sol.X[0], sol.X[1], sol.Iterations)
	// Output:
	// profit 36 at x=2, y=6; plant 3 is worth 1.0 per hour
	// profit 51 at x=4, y=3 after 1 pivot(s) from the previous basis
}
