package appraise_test

import (
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// TestEvidence: in the twin-terminal network Russia's rent is 6·(lng1 − 30) + 6·(lng2 − 30) a
// year, so the two LNG prices explain its NPV and strategic value (each about half of the rank
// variance, ρ > 0), while the willingness to pay at S1 (90..110, always above the LNG price that
// sets the price there) explains nothing: it ranks below them and below the noise floor.
func TestEvidence(t *testing.T) {
	const draws = 300
	n := twinTerminalNet(t, nil).Clone()
	for i := range n.Markets {
		if n.Markets[i].ID == "d1" {
			n.Markets[i].Steps[0].Price.Range = &quantity.Range{Low: 90, Mode: 100, High: 110, Dist: quantity.Triangular}
		}
	}
	in := appraise.Input{Net: n, Scenarios: []*scenario.Scenario{{Name: "none"}}, Draws: draws, Seed: 3, Workers: 2,
		NewEngine: newSimplexEngine(t), ReferenceYear: 2024, KeepSamples: true}
	out, err := appraise.Run(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := appraise.EvidenceOf(in, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d inputs ranked, want 3 (two LNG prices, one willingness to pay): %+v", len(rows), rows)
	}
	for _, r := range rows[:2] {
		if !strings.HasPrefix(r.Input, "markets/lng") || r.Rho <= 0 || r.Score < 0.25 {
			t.Errorf("top inputs %+v; want the two LNG prices, ρ > 0, ρ² ≥ 0.25", rows[:2])
		}
	}
	floor := appraise.NoiseFloor(draws, appraise.EvidenceTargets(out))
	if r := rows[2]; r.Input != "markets/d1/steps/0/price" || r.Score >= floor {
		t.Errorf("third input %+v; want the willingness to pay at S1 below the noise floor %.3f", r, floor)
	}
	// the same ranking from the same draws, whatever the workers
	in.Workers = 1
	out1, err := appraise.Run(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	rows1, err := appraise.EvidenceOf(in, out1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if rows1[i] != rows[i] {
			t.Errorf("rank %d: %+v with 1 worker, %+v with 2", i+1, rows1[i], rows[i])
		}
	}
}

func TestNoiseFloor(t *testing.T) {
	// one target, 101 draws: z = 1.96, ρ² = 1.96²/100 = 0.0384
	if got := appraise.NoiseFloor(101, 1); got < 0.0383 || got > 0.0385 {
		t.Errorf("NoiseFloor(101, 1) = %g, want 0.0384", got)
	}
	if appraise.NoiseFloor(101, 10) <= appraise.NoiseFloor(101, 1) {
		t.Error("more targets must raise the floor (Bonferroni)")
	}
}
