package report

import (
	"bytes"
	"context"
	"fmt"
	goldenfile "github.com/corridor-dev/corridor/internal/golden"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/pipeline"
)

// runReport runs the real pipeline on the built-in data (4 draws, seed 1, analysis on) with the
// given number of workers and returns the HTML report and the appraisal as JSON.
func runReport(t *testing.T, workers int) (html, appraisal []byte) {
	t.Helper()
	ctx := t.Context()
	rt, err := highs.NewRuntime(ctx, highs.Config{Presolve: "off"})
	if err != nil {
		t.Fatalf("highs.NewRuntime: %v", err)
	}
	defer rt.Close(context.WithoutCancel(ctx))
	spec := pipeline.Spec{Data: dataset.DefaultName, Draws: 4, Seed: 1, Analysis: true,
		Projects: []string{"GAS_RDK", "POWER_RUDPRK", "TKR_WEST"}}
	res, err := pipeline.Run(ctx, spec, dataset.Default(), pipeline.Deps{Workers: workers, NewEngine: func() (lp.Incremental, error) {
		fb, err := rt.NewEngine()
		if err != nil {
			return nil, err
		}
		return simplex.New(simplex.Config{Fallback: fb}), nil
	}})
	if err != nil {
		t.Fatalf("pipeline.Run: %v", err)
	}
	var b, j bytes.Buffer
	if err := HTML(&b, res, HTMLOptions{}); err != nil {
		t.Fatalf("HTML: %v", err)
	}
	if err := AssessJSON(&j, res, "  "); err != nil {
		t.Fatalf("AssessJSON: %v", err)
	}
	return b.Bytes(), j.Bytes()
}

// TestHTMLGolden checks the whole report against testdata/report.golden.html and that it is
// byte-identical for 1 and 2 workers.
func TestHTMLGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pipeline")
	}
	one, res1 := runReport(t, 1)
	two, res2 := runReport(t, 2)
	if !bytes.Equal(res1, res2) {
		t.Errorf("the pipeline's results differ between 1 and 2 workers (first difference in the appraisal JSON: %s)", firstDiff(res1, res2))
	} else if !bytes.Equal(one, two) {
		t.Errorf("HTML differs between 1 and 2 workers (%d vs %d bytes) although the results are identical", len(one), len(two))
	}
	html := string(one)
	if n := len(one); n > 2<<20 {
		t.Errorf("HTML is %d bytes, want under 2 MB", n)
	}
	for _, bad := range []string{"<script", "http://www.w3.org/1999/xlink", "@import", "url(http", "<link "} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML contains %q: it must be self-contained", bad)
		}
	}
	for _, want := range []string{`data-chart="map"`, `data-chart="compare"`, `data-chart="npv-GAS_RDK"`, `data-chart="tornado-GAS_RDK"`,
		`data-chart="shapley-POWER_RUDPRK"`, `data-chart="cashflow-GAS_RDK"`, `data-chart="commit-GAS_RDK"`, "imply no endorsement", "Input hash",
		// the chokepoints: the worst single closure (the Power of Siberia, four segments in
		// series), marked on their map, and each country's worst
		`<section id="chokepoints">`, "GP-CHA-AMU (same as GP-AMU-BLA, GP-BLA-HEI, GP-HEI-HAR)", `<g class="chokepoint"><title>chokepoint 1: closing GP-CHA-AMU`,
		"<tr><td>North Korea (DPRK)</td><td class=\"n\">1</td><td>RL-PYO-JON"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %s", want)
		}
	}
	goldenfile.Check(t, "report.golden.html", one)
}

// firstDiff returns the line of a where a and b first differ.
func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d: %q vs %q", i+1, strings.TrimSpace(la[i]), strings.TrimSpace(lb[i]))
		}
	}
	return "length"
}
