package risk_test

import (
	"context"
	"fmt"

	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/risk"
)

// Each draw takes its randomness from risk.Stream(seed, draw), so the results are the same for
// any number of workers.
func ExampleRun() {
	capex := quantity.Range{Low: 80, Mode: 100, High: 150, Dist: quantity.PERT}
	const seed = 7
	npv, err := risk.Run(context.Background(), 10_000, risk.Options{Workers: 4},
		func(ctx context.Context, draw, worker int) (float64, error) {
			rng := risk.Stream(seed, uint64(draw))
			return 110 - risk.Sample(capex, rng), nil
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := risk.Summarize(npv)
	fmt.Printf("mean %.1f ± %.1f, P(NPV > 0) = %.2f\n", s.Mean, s.StdErr, s.PPositive)
	// Output:
	// mean 4.9 ± 0.1, P(NPV > 0) = 0.66
}

func ExampleOverrun() {
	// Rail in Flyvbjerg, Holm & Buhl (2003): mean overrun +44.7 %, standard deviation 38 points.
	r := risk.Overrun(0.447, 0.38)
	fmt.Printf("rail capex multiplier: 5%% %.2f, median %.2f, 95%% %.2f\n", r.Low, r.Mode, r.High)
	// Output:
	// rail capex multiplier: 5% 0.92, median 1.40, 95% 2.14
}
