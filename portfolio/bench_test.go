package portfolio_test

import (
	"testing"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/portfolio"
	"github.com/corridor-dev/corridor/scenario"
)

// BenchmarkPortfolioDefault values every dependency-feasible set of the built-in data's
// candidates under the status-quo scenario (90 sets), with the pure-Go simplex re-solving warm.
func BenchmarkPortfolioDefault(b *testing.B) {
	fsys := dataset.Default()
	n, _, err := dataset.Load(b.Context(), fsys)
	if err != nil {
		b.Fatal(err)
	}
	sc, err := scenario.Load(fsys, "scenarios/x1-status-quo.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		eng := simplex.New(simplex.Config{})
		res, err := portfolio.Evaluate(b.Context(), portfolio.Input{Net: n, Scenario: sc, Engine: eng})
		eng.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(res.Sets)), "sets/op")
	}
}
