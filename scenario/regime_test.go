package scenario

import (
	"math"
	"testing"
)

// The probabilities below are computed by hand from testdata/valid.yaml: out of "quo", relief
// 5 % and tight 10 % + 2 % per Mt/yr of last year's flow across coal-ban; out of "tight", quo 20 %.
func TestRegimesNext(t *testing.T) {
	g := &decodeValid(t).Regimes
	mt := func(x float64) map[string]float64 { return map[string]float64{"coal-ban": x * 1e6} }
	for _, tt := range []struct {
		name    string
		current string
		u       float64
		flow    map[string]float64
		want    string
	}{
		{"first slice [0, 0.05) → relief", "quo", 0.04, nil, "relief"},
		{"second slice [0.05, 0.15) → tight", "quo", 0.05, nil, "tight"},
		{"end of second slice", "quo", 0.1499, nil, "tight"},
		{"rest stays (0.05 + 0.10 is 0.15 up to rounding)", "quo", 0.1501, nil, "quo"},
		{"feedback: 2 Mt/yr adds 4 % → [0.05, 0.19)", "quo", 0.18, mt(2), "tight"},
		{"feedback: beyond the raised slice", "quo", 0.1901, mt(2), "quo"},
		{"flow across another rule does not count", "quo", 0.18, map[string]float64{"crude-cap": 5e6}, "quo"},
		{"feedback clipped at 1 and rescaled: never stay", "quo", 0.9999, mt(100), "tight"},
		{"back from tight", "tight", 0.1999, nil, "quo"},
		{"stay tight", "tight", 0.2, nil, "tight"},
		{"no way out of relief", "relief", 0, nil, "relief"},
	} {
		if got := g.Next(tt.current, tt.u, tt.flow); got != tt.want {
			t.Errorf("%s: Next(%q, %g, %v) = %q, want %q", tt.name, tt.current, tt.u, tt.flow, got, tt.want)
		}
	}
}

func TestRegimesOutgoing(t *testing.T) {
	g := &decodeValid(t).Regimes
	const tol = 1e-12 // float rounding only
	for _, tt := range []struct {
		name                  string
		flowMt                float64
		wantRelief, wantTight float64
	}{
		{"no flow", 0, 0.05, 0.10},
		{"3 Mt/yr: 0.10 + 3 × 0.02", 3, 0.05, 0.16},
		{"100 Mt/yr: tight clipped to 1, both scaled by 1/1.05", 100, 0.05 / 1.05, 1 / 1.05},
	} {
		b := g.Outgoing("quo", map[string]float64{"coal-ban": tt.flowMt * 1e6})
		if len(b) != 2 || b[0].To != "relief" || b[1].To != "tight" ||
			math.Abs(b[0].Probability-tt.wantRelief) > tol || math.Abs(b[1].Probability-tt.wantTight) > tol {
			t.Errorf("%s: Outgoing(quo) = %+v, want relief %g, tight %g", tt.name, b, tt.wantRelief, tt.wantTight)
		}
	}
}

func TestRegimesPathWithoutTimeline(t *testing.T) {
	g := &decodeValid(t).Regimes
	if g.Fixed() {
		t.Fatal("Fixed() = true for a scenario with transitions")
	}
	for i, s := range g.Path(2025, 3) {
		if s != "quo" {
			t.Errorf("Path(2025, 3)[%d] = %q, want the initial state quo", i, s)
		}
	}
}

// TestRegimesNeedsFlows: in testdata/valid.yaml only the transition quo → tight has feedback.
func TestRegimesNeedsFlows(t *testing.T) {
	g := &decodeValid(t).Regimes
	for state, want := range map[string]bool{"quo": true, "tight": false, "relief": false, "unknown": false} {
		if got := g.NeedsFlows(state); got != want {
			t.Errorf("NeedsFlows(%q) = %v, want %v", state, got, want)
		}
	}
}
