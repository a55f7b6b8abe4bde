package appraise_test

import (
	"fmt"

	"github.com/corridor-dev/corridor/appraise"
)

func ExampleNPV() {
	// Year 0: build for 100; years 1 and 2: earn 60. At 10 %: −100 + 60/1.1 + 60/1.1².
	fmt.Printf("%.2f\n", appraise.NPV([]float64{-100, 60, 60}, 0.10))
	// Output:
	// 4.13
}

func ExampleIRR() {
	// Roots are found to appraise.RootTol, so print them rounded.
	fmt.Printf("%.6f\n", appraise.IRR([]float64{-100, 110}).Rate)
	r := appraise.IRR([]float64{-1, 5, -6}) // NPV = −(2d−1)(3d−1), d = 1/(1+r)
	fmt.Printf("%v %.6f\n", r.Kind, r.Rates)
	fmt.Println(appraise.IRR([]float64{10, 20}).Kind)
	// Output:
	// 0.100000
	// several [1.000000 2.000000]
	// none
}

func ExampleShapley() {
	// Glove game: one left glove (L) and two right gloves (R1, R2); a pair is worth 1.
	players := []string{"L", "R1", "R2"}
	pairs := func(coalition uint64) float64 {
		left := coalition & 1
		right := (coalition>>1)&1 + (coalition>>2)&1
		return float64(min(left, right))
	}
	for i, phi := range appraise.Shapley(players, pairs) {
		fmt.Printf("%s %.4f\n", players[i], phi)
	}
	// Output:
	// L 0.6667
	// R1 0.1667
	// R2 0.1667
}
