package main

import (
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
