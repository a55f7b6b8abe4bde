package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScenarioList(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"scenario", "list"}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("scenario list = exit %d, stderr:\n%s", code, stderr.String())
	}
	for _, want := range []string{"x1-status-quo", "x2-bilateral-weak-enforcement", "x3-relief-rok", "x4-china-transit", "x5-hard-enforcement", "timeline", "sampled"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("scenario list output lacks %q:\n%s", want, stdout.String())
		}
	}
}

func TestScenarioValidate(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	src := "name: bad\nrules:\n  - id: r\n    kind: ban\n    commodities: [coal, unobtainium]\n    origins: [PRK]\n    destinations: [\"*\"]\n    enforcement: {value: 1, source: \"assumption: test\"}\n    source: S09\n    colour: red\n"
	if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr []string
	}{
		{"built-in by short name", []string{"scenario", "validate", "x1"}, exitOK, "scenarios/x1-status-quo.yaml: ok against built-in data set neasia:", nil},
		{"every built-in scenario", []string{"scenario", "validate", "x1", "x2", "x3", "x4", "x5"}, exitOK, "scenarios/x5-hard-enforcement.yaml: ok against built-in data set neasia:", nil},
		{"decode error with position", []string{"scenario", "validate", bad}, exitFailure, "",
			[]string{bad + `:10:5: rules/0/colour: unknown key "colour"`, bad + ": 1 error(s) against built-in data set neasia"}},
		{"missing file", []string{"scenario", "validate", filepath.Join(dir, "none.yaml")}, exitFailure, "", []string{"none.yaml"}},
		{"no file", []string{"scenario", "validate"}, exitUsage, "", []string{"requires at least 1 arg"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, nil, &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("corridor %v = exit %d, want %d; stdout:\n%s\nstderr:\n%s", tt.args, code, tt.wantCode, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("corridor %v stdout:\n%s\nwant it to contain %q", tt.args, stdout.String(), tt.wantStdout)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("corridor %v stderr:\n%s\nwant it to contain %q", tt.args, stderr.String(), w)
				}
			}
		})
	}

	// A scenario that decodes but refers to a commodity the data set lacks.
	checkOnly := strings.Replace(src, "    colour: red\n", "", 1)
	if err := os.WriteFile(bad, []byte(checkOnly), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"scenario", "validate", bad}, nil, &stdout, &stderr); code != exitFailure ||
		!strings.Contains(stderr.String(), bad+`:5:25: rules/0/commodities/1: unknown commodity "unobtainium"`) {
		t.Errorf("validate (unknown commodity) = exit %d, stderr:\n%s", code, stderr.String())
	}
}

// A data set's scenarios are part of it: data validate checks them, and scenario validate checks
// a file in DIR/scenarios against DIR's data unless --data says otherwise (#13, #17).
func TestScenariosOfADataSet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mine")
	if code, _, errOut := runCLI(t, "data", "init", dir); code != 0 {
		t.Fatalf("data init: %s", errOut)
	}
	code, out, _ := runCLI(t, "scenario", "validate", filepath.Join(dir, "scenarios", "x1-status-quo.yaml"))
	if code != 0 || !strings.Contains(out, "ok against data set "+dir) {
		t.Errorf("scenario validate in %s: exit %d, %q; want ok against that data set", dir, code, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "scenarios", "zz-broken.yaml"), []byte("name: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "data", "validate", dir)
	if code != 1 || !strings.Contains(errOut, "scenarios/zz-broken.yaml:1:") {
		t.Errorf("data validate with a broken scenario: exit %d, stderr %q; want 1 naming the file and line", code, errOut)
	}
}
