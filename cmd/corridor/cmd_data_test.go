package main

import (
	"bytes"
	goldenfile "github.com/corridor-dev/corridor/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs one command line and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, name, []byte(got))
}

func TestDataShowGolden(t *testing.T) {
	code, out, errOut := runCLI(t, "data", "show")
	if code != exitOK {
		t.Fatalf("data show: exit %d: %s", code, errOut)
	}
	golden(t, "data_show.golden", out)
	code, out, _ = runCLI(t, "data", "show", "--json")
	if code != exitOK || !strings.HasPrefix(out, "{") {
		t.Fatalf("data show --json: exit %d, output %.100q", code, out)
	}
}

func TestDataSources(t *testing.T) {
	code, out, errOut := runCLI(t, "data", "sources")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"L27 [", "used by (", "values by provenance: ", " fact, ", " derived, ", " assumption (", "scenarios/x1-status-quo/rules/un-refined-cap/cap", "markets/EL-PRK-DEM-PYO/steps/0/price (reasoning)"} {
		if !strings.Contains(out, want) {
			t.Errorf("data sources output lacks %q", want)
		}
	}
}

// TestBrokenCopies writes the built-in data out with "data init", breaks one file at a time and
// checks that "data validate" exits 1 and names the file, line and field.
func TestBrokenCopies(t *testing.T) {
	base := filepath.Join(t.TempDir(), "mydata")
	if code, out, errOut := runCLI(t, "data", "init", base); code != exitOK {
		t.Fatalf("data init: exit %d: %s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "data", "validate", base); code != exitOK {
		t.Fatalf("validate of an unchanged copy: exit %d: %s%s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "data", "init", base); code != exitFailure {
		t.Errorf("data init into a non-empty folder: exit %d, want %d", code, exitFailure)
	}
	geo := filepath.Join(t.TempDir(), "net.geojson")
	if code, _, errOut := runCLI(t, "data", "export", "--geojson", geo); code != exitOK {
		t.Fatalf("export: %s", errOut)
	}
	for _, tt := range []struct {
		name   string
		file   string
		old    string // replaced once
		new    string
		remove []string // files to delete first
		want   []string // in stderr
	}{
		{"bad unit", "links.csv", ",200 Mt/yr,", ",200 Mtt/yr,", nil, []string{"links.csv:2:", "capacity:", `unknown unit "Mtt"`}},
		{"unknown node", "links.csv", ",MOSCOW,KUZBASS,", ",MOSKVA,KUZBASS,", nil, []string{"links.csv:2:", "from:", `unknown node id "MOSKVA"`}},
		{"negative capacity", "links.csv", ",200 Mt/yr,", ",-200 Mt/yr,", nil, []string{"links.csv:2:", "capacity:", "negative capacity"}},
		{"bcm on rail", "links.csv", ",200 Mt/yr,", ",10 bcm/yr,", nil, []string{"links.csv:2:", "capacity:", "gas volume"}},
		{"malformed CSV", "nodes.csv", "MOSCOW,Moscow,", "MOSCOW,\"Moscow,", nil, []string{"nodes.csv:"}},
		{"malformed YAML", "projects.yaml", "    capex: {value: \"111 MUSD\"", "    capex: {value: [\"111 MUSD\"", nil, []string{"projects.yaml:12:"}},
		{"missing source", "projects.yaml", `source: "L46;C20;C23"}`, `source: ""}`, nil, []string{"projects.yaml:12:", "capex"}},
		{"malformed GeoJSON", "network.geojson", `"type":"FeatureCollection",`, `"type":"FeatureCollection",,`, []string{"nodes.csv", "links.csv"}, []string{"network.geojson:"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "copy")
			if code, _, errOut := runCLI(t, "data", "init", dir); code != exitOK {
				t.Fatal(errOut)
			}
			if tt.file == "network.geojson" {
				b, err := os.ReadFile(geo)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, tt.file), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range tt.remove {
				if err := os.Remove(filepath.Join(dir, f)); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, tt.file)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tt.old) {
				t.Fatalf("%s does not contain %q: the test is out of date with the data", tt.file, tt.old)
			}
			if err := os.WriteFile(path, []byte(strings.Replace(string(b), tt.old, tt.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := runCLI(t, "data", "validate", dir)
			if code != exitFailure {
				t.Fatalf("validate: exit %d, want %d; stderr:\n%s", code, exitFailure, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

// A --data value that names a built-in data set and a folder here is refused, never resolved
// silently: an edited copy made with data init must not be ignored for the built-in.
func TestDataNameAndFolder(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, _ := runCLI(t, "data", "init", "instc", "--from", "instc")
	if code != exitOK || !strings.Contains(out, "corridor data validate ./instc") {
		t.Fatalf("data init instc: exit %d, %q; want it to suggest ./instc", code, out)
	}
	for _, args := range [][]string{{"assess", "--data", "instc", "--draws", "1"}, {"flows", "--data", "instc"}, {"data", "validate", "instc"}} {
		code, _, errOut := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(errOut, "write ./instc for the folder") {
			t.Errorf("%v: exit %d, %q; want exit %d naming ./instc", args, code, errOut, exitUsage)
		}
	}
	if code, _, errOut := runCLI(t, "data", "validate", "./instc"); code != exitOK {
		t.Errorf("data validate ./instc: exit %d: %s", code, errOut)
	}
}
