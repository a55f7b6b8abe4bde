package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlowsGolden(t *testing.T) {
	code, out, errOut := runCLI(t, "flows")
	if code != exitOK {
		t.Fatalf("flows: exit %d: %s", code, errOut)
	}
	golden(t, "flows_x1.golden", out)
}

func TestFlowsExports(t *testing.T) {
	dir := t.TempDir()
	geo := filepath.Join(dir, "flows.geojson")
	code, out, errOut := runCLI(t, "flows", "--scenario", "x3", "--all-projects", "--json", "--csv", filepath.Join(dir, "csv"), "--geojson", geo)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"scenario": "x3-relief-rok"`) {
		t.Errorf("JSON lacks the scenario: %.200s", out)
	}
	for _, f := range []string{"csv/links.csv", "csv/markets.csv", "csv/welfare.csv", "csv/rules.csv", "flows.geojson"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// the GeoJSON holds links and nodes (two layers in QGIS) with numeric properties (#17)
	b, err := os.ReadFile(geo)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Geometry   struct{ Type string }
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	prices := 0
	for _, f := range fc.Features {
		kinds[f.Properties["component"].(string)+"/"+f.Geometry.Type]++
		if _, ok := f.Properties["utilisation"].(float64); f.Properties["component"] == "link" && !ok {
			t.Errorf("link %v: utilisation is not a number", f.Properties["link"])
		}
		for k, v := range f.Properties {
			if _, ok := v.(float64); ok && strings.HasPrefix(k, "price_") {
				prices++
			}
		}
	}
	if kinds["link/LineString"] == 0 || kinds["node/Point"] == 0 || len(kinds) != 2 || prices == 0 {
		t.Errorf("GeoJSON features by component/geometry = %v with %d numeric node prices; want links and nodes with prices", kinds, prices)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"flows", "--scenario", "nope"}, exitFailure, `no scenario "nope"`},
		{[]string{"flows", "--with", "GAS_RDK", "--all-projects"}, exitUsage, "not both"},
		{[]string{"flows", "--with", "NOPE"}, exitFailure, "NOPE"},
		{[]string{"flows", "--regime", "nope"}, exitFailure, "nope"},
	} {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d containing %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// TestFlowsMethod solves one state whole and by decomposition: the same total surplus, and the
// decomposed result says so.
func TestFlowsMethod(t *testing.T) {
	objective := map[string]float64{}
	for _, method := range []string{"whole", "decompose"} {
		code, out, errOut := runCLI(t, "flows", "--scenario", "x3", "--all-projects", "--json", "--method", method)
		if code != exitOK {
			t.Fatalf("--method %s: exit %d: %s", method, code, errOut)
		}
		var v struct {
			Result struct {
				Objective  float64
				Decomposed bool
			} `json:"result"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		if v.Result.Decomposed != (method == "decompose") {
			t.Errorf("--method %s: decomposed = %v", method, v.Result.Decomposed)
		}
		objective[method] = v.Result.Objective
	}
	if w, d := objective["whole"], objective["decompose"]; math.Abs(w-d) > 1e-7*math.Abs(w) {
		t.Errorf("total surplus %.10g by decomposition, %.10g whole", d, w)
	}
	if code, _, errOut := runCLI(t, "flows", "--method", "simplex"); code != exitUsage || !strings.Contains(errOut, "want auto, whole or decompose") {
		t.Errorf("--method simplex: exit %d, stderr %q", code, errOut)
	}
}

// TestAssessGolden runs the main command on the built-in data with a small fixed seed and
// compares the summary (timing line removed) with the golden file, for one and two workers.
func TestAssessGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Monte Carlo")
	}
	var first string
	for _, w := range []string{"1", "2"} {
		code, out, errOut := runCLI(t, "assess", "--draws", "3", "--seed", "7", "--workers", w, "--scenario", "x1,x3", "--project", "GAS_RDK,POWER_RUDPRK,TUMEN_ROAD_BRIDGE")
		if code != exitOK {
			t.Fatalf("assess: exit %d: %s", code, errOut)
		}
		i := strings.LastIndex(strings.TrimRight(out, "\n"), "\n")
		out = out[:i+1] // the last line reports solves and time
		if first == "" {
			first = out
			golden(t, "assess_seed7.golden", out)
		} else if out != first {
			t.Errorf("output with %s workers differs from 1 worker", w)
		}
	}
}
