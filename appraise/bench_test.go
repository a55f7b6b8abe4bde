package appraise_test

import (
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// BenchmarkAssessDefault runs the Monte Carlo of the full default assessment — every project
// under every built-in scenario, the network re-optimised in every draw and regime state — and
// reports draws per second, the share of worker time spent in LP solves (market states with their
// canonical optima, and the network game's coalition values) and the solves per draw. The
// base-case analysis (tornado, switching values, gain split) is left out: it does not grow with
// the draws.
func BenchmarkAssessDefault(b *testing.B) {
	n, scs := defaultAssessment(b)
	const draws = 20
	// HiGHS alone is left out: its warm re-solves cost 1–5 ms each, against 0.3–0.5 ms for the
	// pure-Go simplex, and a draw solves about a thousand coalition values.
	b.Run("engine=simplex", func(b *testing.B) {
		benchAssess(b, n, scs, draws, newSimplexEngine(b))
	})
}

// defaultAssessment loads the built-in network and its five scenarios.
func defaultAssessment(tb testing.TB) (*model.Network, []*scenario.Scenario) {
	tb.Helper()
	fsys := dataset.Default()
	n, _, err := dataset.Load(tb.Context(), fsys)
	if err != nil {
		tb.Fatal(err)
	}
	var scs []*scenario.Scenario
	for _, f := range []string{"x1-status-quo", "x2-bilateral-weak-enforcement", "x3-relief-rok", "x4-china-transit", "x5-hard-enforcement"} {
		sc, err := scenario.Load(fsys, "scenarios/"+f+".yaml")
		if err != nil {
			tb.Fatal(err)
		}
		scs = append(scs, sc)
	}
	return n, scs
}

// benchAssess is one variant of BenchmarkAssessDefault.
func benchAssess(b *testing.B, n *model.Network, scs []*scenario.Scenario, draws int, eng func() (lp.Incremental, error)) {
	for b.Loop() {
		out, err := appraise.Run(b.Context(), appraise.Input{Net: n, Scenarios: scs, Draws: draws, Seed: 1, NewEngine: eng})
		if err != nil {
			b.Fatal(err)
		}
		w := out.Work
		b.ReportMetric(float64(draws)/w.Elapsed.Seconds(), "draws/s")
		b.ReportMetric((w.LPTime+w.GameTime).Seconds()/(float64(out.Workers)*w.Elapsed.Seconds()), "lp-share")
		b.ReportMetric(float64(w.LPSolves)/float64(draws), "market-solves/draw")
		b.ReportMetric(float64(w.GameSolves)/float64(draws), "game-solves/draw")
		b.ReportMetric(float64(w.LPIterations)/float64(w.LPSolves), "pivots/solve")
	}
}
