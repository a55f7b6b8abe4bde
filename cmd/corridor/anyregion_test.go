package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/report"
)

// regionWords are ids and words of the built-in Northeast Asia data. No output for another
// region may contain them: a region's ids and a study's words live in its data, never in code.
var regionWords = regexp.MustCompile(`\b(RUS|PRK|KOR|CHN|JPN|MNG|DPRK|ROK)\b|(?i)russia|korea|china|chinese|pyongyang|rajin|khasan|tumen|vladivostok|northeast asia|north-east asia|neasia`)

// anyRegion is testdata/anyregion: a synthetic data set with invented country codes, in the
// southern hemisphere, across the antimeridian, without Russia, with its own study.
const anyRegion = "testdata/anyregion"

// checkNoRegionWords fails when out holds a Northeast Asian id or word.
func checkNoRegionWords(t *testing.T, what, out string) {
	t.Helper()
	if m := regionWords.FindAllString(out, 5); m != nil {
		i := strings.Index(out, m[0])
		t.Errorf("%s mentions %q (…%s…): a region's words must come from its data", what, m, out[max(0, i-80):min(len(out), i+80)])
	}
}

// TestAnyRegion runs validate, flows, assess, report and serve on the synthetic region end to
// end: each works, speaks of that region only, and draws every node on the map.
func TestAnyRegion(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every command on a data set")
	}
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("corridor %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
		checkNoRegionWords(t, "corridor "+args[0]+" stderr", errOut)
		return out
	}

	out := run("data", "validate", anyRegion)
	if !strings.Contains(out, "ok: 6 nodes, 7 links") || !strings.Contains(out, "2 scenarios; 0 warning(s)") {
		t.Errorf("data validate = %q", out)
	}
	out = run("flows", "--data", anyRegion, "--all-projects")
	checkNoRegionWords(t, "flows", out)
	if !strings.Contains(out, "s1-open") {
		t.Errorf("flows without --scenario solved another scenario than the study's headline s1-open:\n%s", out)
	}

	out = run("assess", "--data", anyRegion, "--draws", "4")
	checkNoRegionWords(t, "assess", out)
	for _, want := range []string{"Will Alta build the railway", "P(ZQA COMMITS)", "NEWLINE", "BPORT_UP", "s1", "s2"} {
		if !strings.Contains(out, want) {
			t.Errorf("assess output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "probability of sanctions relief") && !strings.Contains(out, "relief probability") {
		t.Logf("assess names no relief driver (it prints only the largest tornado bars)")
	}

	html := filepath.Join(dir, "report.html")
	run("report", "--data", anyRegion, "--draws", "4", "--out", html)
	b, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	checkNoRegionWords(t, "report", string(b))
	svg := mapSVG(t, string(b))
	for _, id := range []string{"West Forest", "West Harbour", "Strait Crossing", "Bela Town", "Bela Harbour", "Cora City"} {
		if !strings.Contains(svg, id) {
			t.Errorf("the report's map does not draw node %s", id)
		}
	}

	// serve: a run on the region through the API, and its report
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	a := &app{stdout: io.Discard, stderr: io.Discard}
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- runServe(ctx, a, serveOptions{addr: "127.0.0.1:0", db: filepath.Join(dir, "c.db"), data: anyRegion, concurrent: 1, draws: 4},
			func(addr string) { addrc <- addr })
	}()
	var base string
	select {
	case addr := <-addrc:
		base = "http://" + addr
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	}
	get := func(path string) string {
		t.Helper()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, res.StatusCode, b)
		}
		return string(b)
	}
	checkNoRegionWords(t, "GET /api/data", get("/api/data"))
	checkNoRegionWords(t, "GET /api/scenarios", get("/api/scenarios"))
	res, err := http.Post(base+"/api/runs", "application/json", strings.NewReader(`{"draws": 4}`))
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		ID int64 `json:"id"`
	}
	err = json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusAccepted && res.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/runs = %d, %v", res.StatusCode, err)
	}
	var run1 struct {
		Status string `json:"status"`
		Error  string `json:"error"`
	}
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		body := get(fmt.Sprintf("/api/runs/%d", created.ID))
		if err := json.Unmarshal([]byte(body), &run1); err != nil {
			t.Fatal(err)
		}
		if run1.Status != "queued" && run1.Status != "running" {
			checkNoRegionWords(t, "GET /api/runs/{id}", body)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %d still %s", created.ID, run1.Status)
		}
	}
	if run1.Status != "complete" {
		t.Fatalf("run %d: %s %s", created.ID, run1.Status, run1.Error)
	}
	checkNoRegionWords(t, "the served report", get(fmt.Sprintf("/api/runs/%d/report.html", created.ID)))
	cancel()
	<-errc
}

// mapSVG returns the first <svg>…</svg> of an HTML page: the report's map.
func mapSVG(t *testing.T, html string) string {
	t.Helper()
	i := strings.Index(html, "<svg")
	j := strings.Index(html[max(i, 0):], "</svg>")
	if i < 0 || j < 0 {
		t.Fatal("no SVG in the report")
	}
	return html[i : i+j]
}

// TestJSONGolden pins the wire format of assess --json and flows --json on the small synthetic
// region: snake_case keys, schema_version, and values that are the same bytes on every run and
// with any number of workers.
func TestJSONGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Monte Carlo")
	}
	var first string
	for _, w := range []string{"1", "2"} {
		code, out, errOut := runCLI(t, "assess", "--data", anyRegion, "--draws", "4", "--seed", "3", "--workers", w, "--json")
		if code != exitOK {
			t.Fatalf("assess --json: exit %d: %s", code, errOut)
		}
		if first == "" {
			first = out
			golden(t, "anyregion_assess.golden.json", out)
		} else if out != first {
			t.Errorf("assess --json with %s workers differs from 1 worker", w)
		}
	}
	// a run is a value: the spec the JSON records runs again to the same bytes
	var rec struct {
		Spec pipeline.Spec `json:"spec"`
	}
	if err := json.Unmarshal([]byte(first), &rec); err != nil || rec.Spec.Data != anyRegion || rec.Spec.Draws != 4 || rec.Spec.Seed != 3 {
		t.Fatalf("assess --json records spec %+v, %v", rec.Spec, err)
	}
	a := &app{stdout: io.Discard, stderr: io.Discard}
	res, err := runSpec(t.Context(), a, rec.Spec, os.DirFS(rec.Spec.Data), 2)
	if err != nil {
		t.Fatal(err)
	}
	var again strings.Builder
	if err := report.AssessJSON(&again, res, "  "); err != nil || again.String() != first {
		t.Errorf("running the recorded spec again gives other bytes (%v)", err)
	}

	code, out, errOut := runCLI(t, "flows", "--data", anyRegion, "--all-projects", "--json")
	if code != exitOK {
		t.Fatalf("flows --json: exit %d: %s", code, errOut)
	}
	golden(t, "anyregion_flows.golden.json", out)
	for _, doc := range []string{first, out} {
		if k := regexp.MustCompile(`"[A-Za-z0-9_]*[A-Z][A-Za-z0-9_]*":`).FindString(doc); k != "" {
			t.Errorf("JSON key %s is not snake_case", k)
		}
		if !strings.Contains(doc, `"schema_version": `) {
			t.Errorf("JSON without schema_version:\n%.300s", doc)
		}
	}
}

// data evidence ranks the synthetic region's inputs, counts every value's provenance class and
// states its noise floor.
func TestDataEvidence(t *testing.T) {
	code, out, errOut := runCLI(t, "data", "evidence", "--data", anyRegion, "--draws", "30", "--json")
	if code != exitOK {
		t.Fatalf("data evidence: exit %d: %s", code, errOut)
	}
	var got struct {
		Classes    map[string]int `json:"classes"`
		NoiseFloor float64        `json:"noise_floor"`
		Inputs     []struct {
			Input string  `json:"input"`
			Class string  `json:"class"`
			Score float64 `json:"score"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range got.Classes {
		n += c
	}
	net, _, err := dataset.Load(t.Context(), os.DirFS(anyRegion))
	if err != nil {
		t.Fatal(err)
	}
	scens, err := pipeline.Scenarios(os.DirFS(anyRegion), nil, "")
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for range net.Values() {
		want++
	}
	for _, sc := range scens {
		for range sc.Values() {
			want++
		}
	}
	if n != want || got.Classes["fact"] == 0 || got.Classes["none"] != 0 {
		t.Errorf("classes %v add up to %d, want every one of the %d values", got.Classes, n, want)
	}
	if len(got.Inputs) == 0 || got.NoiseFloor <= 0 || got.NoiseFloor >= 1 {
		t.Fatalf("%d inputs, noise floor %g", len(got.Inputs), got.NoiseFloor)
	}
	for i := 1; i < len(got.Inputs); i++ {
		if got.Inputs[i].Score > got.Inputs[i-1].Score {
			t.Fatalf("inputs not ranked by score: %+v", got.Inputs[i-1:i+1])
		}
	}
	if code, _, _ := runCLI(t, "data", "evidence", "--draws", "5"); code != exitUsage {
		t.Errorf("--draws 5: exit %d, want %d", code, exitUsage)
	}
}
