package appraise_test

import (
	"math"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// TestYearsDiffer: the pipeline of TestHandComputedCase with room to spare (capacity 100) and a
// Korean demand of 5 mcm growing 10 % a year from 2024, so the pipeline carries 5·1.1^(y−2024)
// in year y, each landing at 30 instead of LNG at 50: with capacity and supply to spare the
// whole gain, d(y) = 100·1.1^(y−2024) a year, is Korean consumers', while Russia pays the capex.
// Solved in 2026 and 2028, year t = 0, 1, 2 take d(2026) (at or before the first), t = 3
// takes the midpoint of d(2026) and d(2028), and every later year d(2028). Korea's NPV at 10 % is Σ ramp(t)·gain(t)/1.1^t with the ramp of
// TestHandComputedCase; solved in 2026 alone, every year takes d(2026).
func TestYearsDiffer(t *testing.T) {
	n := pipelineNet(t, false).Clone()
	n.Links[0].Capacity.Value = 100
	for i := range n.Markets {
		if m := &n.Markets[i]; m.ID == "dS" {
			m.Steps[0].Quantity.Value = 5
			m.Growth = testnet.Q(0.1, quantity.DimNone)
		}
	}
	net := model.Build(*n)
	d := func(y int) float64 { return 100 * math.Pow(1.1, float64(y-2024)) }
	for _, c := range []struct {
		years []int
		gain  func(t int) float64
	}{
		{[]int{2026}, func(int) float64 { return d(2026) }},
		{[]int{2028, 2026}, func(t int) float64 {
			switch {
			case t <= 2:
				return d(2026)
			case t == 3:
				return (d(2026) + d(2028)) / 2
			}
			return d(2028)
		}},
	} {
		out, err := appraise.Run(t.Context(), appraise.Input{Net: net, Scenarios: []*scenario.Scenario{{Name: "none"}},
			Draws: 2, Seed: 1, Workers: 1, NewEngine: newEngine(t), Years: c.years})
		if err != nil {
			t.Fatal(err)
		}
		want := pv(11, 0.1, func(t int) float64 { return ramp(t) * c.gain(t) })
		if got := out.Cases[0].Countries[1].NPV.Mean; math.Abs(got-want) > 1e-6 {
			t.Errorf("years %v: Korea's NPV %.6f, want %.6f", c.years, got, want)
		}
		if out.Years[0] != 2026 || out.ReferenceYear != 2026 {
			t.Errorf("years %v: output years %v, reference year %d", c.years, out.Years, out.ReferenceYear)
		}
	}
}
