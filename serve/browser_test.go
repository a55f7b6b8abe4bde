package serve

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/corridor-dev/corridor/internal/browsertest"
	"github.com/corridor-dev/corridor/report"
)

// browserScenario edits the built-in x1 scenario as a newcomer would: the gas price in the ROK
// capital region's pipeline-gas step goes from 305 to 420 kUSD/mcm (a market price override),
// and the ROK May 24 ban on goods via the DPRK is enforced at 0.3 instead of 1 (a sanctions rule).
// With the ban relaxed, gas can reach the ROK through the Russia-DPRK-ROK pipeline (GAS_RDK), so
// both changes move that project's NPVs.
func browserScenario(t *testing.T, x1 string) string {
	t.Helper()
	edits := []struct{ old, new string }{
		{"name: x1-status-quo", "name: x1-dear-gas"},
		{`title: "X1 Status quo:`, `title: "X1 with dear gas and the May 24 ban relaxed:`},
		{`    enforcement: {value: 1, source: "assumption: ROK controls its own ports`,
			`    evasion_cost: {value: "30 %", source: "assumption: as the UN bans in x1"}` + "\n" +
				`    enforcement: {value: 0.3, source: "assumption: ROK controls its own ports`},
		{"\nrules:\n", "\noverrides:\n  - path: markets/GAS-KOR-DEM-SEO/steps/3/price\n    value: 420 kUSD/mcm\n" +
			"    source: \"assumption: a gas price shock\"\nrules:\n"},
	}
	for _, e := range edits {
		if !strings.Contains(x1, e.old) {
			t.Fatalf("the built-in x1 scenario has no %q: update the browser test's edit", e.old)
		}
		x1 = strings.Replace(x1, e.old, e.new, 1)
	}
	return x1
}

// TestBrowser drives the web UI in headless Chromium the way the newcomer does: edit
// the built-in x1 scenario (gas price and a sanctions rule), save it, run it on the gas pipeline
// project with 2 draws following the live progress, look at the result, run the default x1 with
// the same draws and seed, and compare the two runs: the compare page must show the differing
// inputs (the override and the rule) and the moved outputs. Screenshots of the run and compare
// pages go to /tmp/corridor-serve-run.png and /tmp/corridor-serve-compare.png.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pipeline and a browser")
	}
	ctx := browsertest.Context(t)
	f := newFixture(t, func(c *Config) { c.EventInterval = 100 * time.Millisecond })
	var mu sync.Mutex
	var jsErrs []string
	// Listen starts the browser, so it runs on the context without a timeout.
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value))
				}
				jsErrs = append(jsErrs, "console.error: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			jsErrs = append(jsErrs, "exception: "+e.ExceptionDetails.Text)
		}
	}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(tctx, chromedp.Text(sel, chromedp.NodeVisible))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	screenshot := func(name string) {
		t.Helper()
		shot, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			t.Fatalf("decode screenshot: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 800 {
			t.Errorf("screenshot is %dx%d, want 1280x800", b.Dx(), b.Dy())
		}
		path := "/tmp/corridor-serve-" + name + ".png"
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Logf("keep screenshot: %v", err)
		}
		t.Logf("screenshot %s", path)
	}
	t0 := time.Now()

	// 1. the editor: start from the built-in x1, change the gas price and a rule, save
	step("open the scenario editor", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(f.ts.URL+"/scenarios"),
		chromedp.Click(`//button[text()="x1-status-quo"]`, chromedp.NodeVisible))
	x1, err := chromedp.Run(tctx, chromedp.Value("#yaml"))
	if err != nil || !strings.Contains(x1, "name: x1-status-quo") {
		t.Fatalf("editor text after choosing x1 = %.60q…, %v", x1, err)
	}
	step("edit and save the scenario", chromedp.SetValue("#yaml", browserScenario(t, x1)), chromedp.Click("#save"),
		chromedp.Poll[chromedp.Void](`document.querySelector("#status").textContent.startsWith("saved")`))
	if s := text("#status"); !strings.Contains(s, "x1-dear-gas") || !strings.Contains(s, "1 overrides") {
		t.Errorf("editor status after saving = %q, want x1-dear-gas with 1 override", s)
	}

	// 2. run it: only the saved scenario, one project, 2 draws, seed 1; follow the live progress
	runID := regexp.MustCompile(`run (\d+): complete 2/2`)
	launch := func(what string, scenario string) string {
		t.Helper()
		step("launch "+what, chromedp.Navigate(f.ts.URL+"/runs"),
			chromedp.WaitVisible(`input[name=project][value=GAS_RDK]`),
			// tick exactly the wanted scenario and project
			chromedp.Evaluate[chromedp.Void](`for (const c of document.querySelectorAll("#launch input[type=checkbox]")) c.checked = false`),
			chromedp.Click(scenario), chromedp.Click(`input[name=project][value=GAS_RDK]`),
			chromedp.SetValue("#draws", "2"), chromedp.SetValue("#seed", "1"), chromedp.Click("#run"),
			chromedp.WaitVisible("#progress"),
			chromedp.Poll[chromedp.Void](`/: (complete|failed|canceled|interrupted) /.test(document.querySelector("#progress-text").textContent)`,
				chromedp.WithPollingTimeout(60*time.Second)))
		p := text("#progress-text")
		m := runID.FindStringSubmatch(p)
		if m == nil {
			t.Fatalf("%s: progress = %q, want complete 2/2", what, p)
		}
		return m[1]
	}
	a := launch("the edited scenario", `input[name=stored]`)

	// 3. the result
	step("open the run", chromedp.Navigate(f.ts.URL+"/runs/"+a), chromedp.WaitVisible("#cases table"), chromedp.WaitVisible("#countries table"),
		chromedp.WaitVisible("#report iframe"))
	if s := text("#cases"); !strings.Contains(s, "GAS_RDK") || !strings.Contains(s, "x1-dear-gas") {
		t.Errorf("run %s key numbers = %q, want GAS_RDK under x1-dear-gas", a, s)
	}
	// both views' commitment of the decider named from the result and the data set
	if s := text("#cases"); !strings.Contains(s, "P(Russia commits)") || !strings.Contains(s, "bargaining") || !strings.Contains(s, "accounting") || !strings.Contains(s, "strategic value") {
		t.Errorf("run %s key numbers = %q, want P(Russia commits) in the bargaining and accounting views and its strategic value", a, s)
	}
	if s := text("#countries"); !strings.Contains(s, "RUS") || !strings.Contains(s, "strategic value") {
		t.Errorf("run %s by country = %q, want the strategic value of RUS", a, s)
	}
	if s := text("#verdicts"); !strings.Contains(s, "GAS_RDK") {
		t.Errorf("run %s verdicts = %q", a, s)
	}
	screenshot("run")

	// 4. the default run: built-in x1, same project, draws and seed
	b := launch("the default run", `input[name=builtin][value="x1-status-quo"]`)

	// 5. compare, ticking the two runs in the history
	step("compare", chromedp.WaitVisible(fmt.Sprintf(`input[name=cmp][value="%s"]`, a)),
		chromedp.Click(fmt.Sprintf(`input[name=cmp][value="%s"]`, a)), chromedp.Click(fmt.Sprintf(`input[name=cmp][value="%s"]`, b)),
		chromedp.Click("#compare"), chromedp.WaitVisible("#compare-table"),
		// the default run is the baseline: swap so that A is the default and B the edited run
		chromedp.Click("#swap"), chromedp.WaitVisible(`//h4[starts-with(., "built-in x1-status-quo (run `+b+`)")]`),
		chromedp.WaitVisible("#compare-table"))
	loc, _ := chromedp.Run(tctx, chromedp.Location())
	if !strings.HasSuffix(loc, "?a="+b+"&b="+a) {
		t.Errorf("compare page at %s, want a=%s (the default run) and b=%s", loc, b, a)
	}
	inputs := text("#inputs")
	for _, want := range []string{
		"markets/GAS-KOR-DEM-SEO/steps/3/price", "420 kUSD/mcm", // the gas price override
		"rok-may24-into-rok", "value: 0.3", "value: 1,", // the rule, before and after
	} {
		if !strings.Contains(inputs, want) {
			t.Errorf("compare inputs lack %q:\n%s", want, inputs)
		}
	}
	differ, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#inputs tr.differ th")].map((e) => e.textContent)`))
	if err != nil || !strings.Contains(strings.Join(differ, ","), "scenarios") {
		t.Errorf("input rows marked as differing = %v, %v; want the scenarios", differ, err)
	}
	moved, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#outputs td.delta.moved")].map((e) => e.textContent)`))
	if err != nil || len(moved) == 0 {
		t.Errorf("moved outputs on the compare page = %v, %v; want some", moved, err)
	}
	if s := text("#outputs"); !strings.Contains(s, "KOR") || !strings.Contains(s, "bargaining") || !strings.Contains(s, "accounting") || !strings.Contains(s, "strategic value") {
		t.Errorf("compare outputs lack the ROK's NPV, both views' commitment or strategic values:\n%s", s)
	}
	screenshot("compare")
	if full, err := chromedp.Run(tctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile("/tmp/corridor-serve-compare-full.png", full, 0o644)
	}

	// 5. a run with no project ticked means every project (#17: it completed with no result and
	// a JS error)
	step("launch a run with no project", chromedp.Navigate(f.ts.URL+"/runs"),
		chromedp.WaitVisible(`input[name=project][value=GAS_RDK]`),
		chromedp.Evaluate[chromedp.Void](`for (const c of document.querySelectorAll("#launch input[type=checkbox]")) c.checked = false`),
		chromedp.Click(`input[name=builtin][value="x1-status-quo"]`),
		chromedp.SetValue("#draws", "1"), chromedp.Click("#run"), chromedp.WaitVisible("#progress"),
		chromedp.Poll[chromedp.Void](`/: (complete|failed|canceled|interrupted) /.test(document.querySelector("#progress-text").textContent)`,
			chromedp.WithPollingTimeout(90*time.Second)))
	all := regexp.MustCompile(`run (\d+): complete`).FindStringSubmatch(text("#progress-text"))
	if all == nil {
		t.Fatalf("run with no project: progress = %q, want complete", text("#progress-text"))
	}
	step("open the run with no project", chromedp.Navigate(f.ts.URL+"/runs/"+all[1]), chromedp.WaitVisible("#cases table"))
	if s := text("#cases"); !strings.Contains(s, "GAS_RDK") || !strings.Contains(s, "POWER_RUDPRK") || !strings.Contains(s, "TUMEN_ROAD_BRIDGE") {
		t.Errorf("run with no project ticked shows %q, want every project", s)
	}

	// 6. the map: country outlines, every node with a label, strokes that do not scale (#17: no
	// basemap or labels, and zooming turned lines into blobs)
	step("open the map", chromedp.Navigate(f.ts.URL+"/"), chromedp.WaitVisible("#map circle.node"),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#map path.country").length > 0`, chromedp.WithPollingTimeout(10*time.Second)))
	counts, err := chromedp.Run(tctx, chromedp.Evaluate[[]int](`[document.querySelectorAll("#map circle.node").length, document.querySelectorAll("#map text.label").length,
		document.querySelectorAll("#map text.label:not(.hidden)").length, document.querySelectorAll("#map .link").length,
		getComputedStyle(document.querySelector("#map .link")).vectorEffect === "non-scaling-stroke" ? 1 : 0]`))
	if err != nil || len(counts) != 5 || counts[0] == 0 || counts[1] != counts[0] || counts[2] == 0 || counts[2] >= counts[1] || counts[3] == 0 || counts[4] != 1 {
		t.Errorf("map: nodes, labels, shown labels, links, non-scaling = %v, %v; want a label per node, the major ones shown, strokes not scaling", counts, err)
	}
	// the labels shown at full view are the study's map labels
	var data Data
	if f.do(t, "GET", "/api/data", "", nil, &data); len(counts) == 5 && (len(data.Study.MapLabels) == 0 || counts[2] != len(data.Study.MapLabels)) {
		t.Errorf("map shows %d labels at full view, want the study's %d map labels", counts[2], len(data.Study.MapLabels))
	}
	screenshot("map")
	// the chokepoints (/api/chokepoints): numbered marks on the map and the tables below it
	step("show the chokepoints", chromedp.Poll[chromedp.Void](`document.querySelectorAll("#map circle.chokemark").length > 0 && document.querySelectorAll("#choke-network tr").length > 1`,
		chromedp.WithPollingTimeout(60*time.Second)))
	chokes, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[document.querySelector("#choke-network tr:nth-child(2)").textContent,
		String(document.querySelectorAll("#map circle.chokemark").length), String(document.querySelectorAll("#choke-countries tr").length),
		(document.querySelector("#choke-pairs tr:nth-child(2)") || {}).textContent || ""]`))
	if err != nil || len(chokes) != 4 || !strings.Contains(chokes[0], "GP-CHA-AMU (same as GP-AMU-BLA, GP-BLA-HEI, GP-HEI-HAR)") || chokes[1] == "0" || chokes[2] == "1" ||
		!strings.Contains(chokes[3], "GP-CHA-AMU + OP-ESPO2") {
		t.Errorf("chokepoints: first row, marks, country rows, first pair = %q, %v; want the Power of Siberia first, marks, a row per country and the Power of Siberia with ESPO-2 as the worst pair", chokes, err)
	}
	screenshot("map-chokepoints")
	step("scroll to the chokepoints", chromedp.ScrollIntoView("#chokepoints"))
	screenshot("chokepoints")

	mu.Lock()
	defer mu.Unlock()
	for _, e := range jsErrs {
		t.Errorf("browser: %s", e)
	}
	t.Logf("browser walk-through took %v (runs %s and %s)", time.Since(t0).Round(time.Millisecond), a, b)
}

// TestMoneyLikeCLI: the web UI formats money as the terminal does (report.Money), sign, unit
// and rounding alike (#17: "$-120 m" in the CLI, "-$120 m" in the UI).
func TestMoneyLikeCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	ctx := browsertest.Context(t)
	f := newFixture(t, nil)
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	values := []float64{0, 0.4, -0.4, 1, 999, 12_345, -120e6, 120e6, 5e5, 999_999, 1e6, -1.23456e9, 27.51e9, 1e12, -6.8e9, 324.94e6}
	if err := chromedp.Do(tctx, chromedp.Navigate(f.ts.URL+"/runs")); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(tctx, chromedp.Poll[[]string](fmt.Sprintf(`typeof money === "function" && %s.map(money)`, jsArray(values))))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range values {
		if want := report.Money(v); i >= len(got) || got[i] != want {
			t.Errorf("money(%g) in the web UI = %q, the CLI prints %q", v, at(got, i), want)
		}
	}
}

// jsArray writes numbers as a JavaScript array literal.
func jsArray(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// at returns s[i], or "" past its end.
func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}
