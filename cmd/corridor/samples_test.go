package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// assessJSON is the part of "assess --json" the samples and precision tests read.
type assessJSON struct {
	Draws     int      `json:"draws"`
	Countries []string `json:"countries"`
	Cases     []struct {
		Project    string `json:"project"`
		Scenario   string `json:"scenario"`
		Bargaining struct {
			Commit *float64 `json:"commit"`
		} `json:"bargaining"`
		Accounting struct {
			Commit *float64 `json:"commit"`
		} `json:"accounting"`
		Countries []struct {
			Country   string                 `json:"country"`
			NPV       struct{ Mean float64 } `json:"npv"`
			Strategic struct{ Mean float64 } `json:"strategic_value"`
		} `json:"countries"`
	} `json:"cases"`
}

// TestSamples: --samples writes one row per draw, case and country, whose means are the JSON's
// means and whose commitments are its P(commit); the JSON is the same bytes with or without it.
func TestSamples(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the appraisal")
	}
	for _, verb := range []string{"assess", "report"} {
		t.Run(verb, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "samples.csv")
			args := []string{verb, "--data", anyRegion, "--draws", "7", "--analysis=false", "--samples", file}
			var js []byte
			if verb == "assess" {
				code, out, errOut := runCLI(t, append(args, "--json")...)
				if code != exitOK {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				js = []byte(out)
				code, plain, _ := runCLI(t, "assess", "--data", anyRegion, "--draws", "7", "--analysis=false", "--json")
				if code != exitOK || plain != out {
					t.Errorf("assess --json differs with --samples (exit %d)", code)
				}
			} else {
				jf := filepath.Join(dir, "r.json")
				code, _, errOut := runCLI(t, append(args, "--out", filepath.Join(dir, "r.html"), "--json", jf)...)
				if code != exitOK {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				var err error
				if js, err = os.ReadFile(jf); err != nil {
					t.Fatal(err)
				}
			}
			var res assessJSON
			if err := json.Unmarshal(js, &res); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			header := "draw,project,scenario,country,npv_usd,strategic_value_usd,capex_overrun,decider_commits_bargaining,decider_commits_accounting"
			if got := strings.Join(rows[0], ","); got != header {
				t.Fatalf("header %q, want %q", got, header)
			}
			rows = rows[1:]
			if want := res.Draws * len(res.Cases) * len(res.Countries); len(rows) != want || want != 7*4*3 {
				t.Fatalf("%d rows, want draws × cases × countries = %d (7 × 4 × 3)", len(rows), want)
			}
			num := func(s string) float64 {
				t.Helper()
				x, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatal(err)
				}
				return x
			}
			i := 0
			for d := range res.Draws {
				for _, c := range res.Cases {
					for _, cr := range c.Countries {
						r := rows[i]
						i++
						if r[0] != strconv.Itoa(d) || r[1] != c.Project || r[2] != c.Scenario || r[3] != cr.Country {
							t.Fatalf("row %d = %v, want draw %d, %s, %s, %s", i, r[:4], d, c.Project, c.Scenario, cr.Country)
						}
						if num(r[6]) <= 0 {
							t.Errorf("row %d: capex overrun %s", i, r[6])
						}
					}
				}
			}
			near := func(what string, got, want float64) {
				t.Helper()
				if math.Abs(got-want) > 1e-6*max(1, math.Abs(want)) {
					t.Errorf("%s: mean of the samples %.9g, JSON %.9g", what, got, want)
				}
			}
			for k, c := range res.Cases {
				nc := len(res.Countries)
				for ci, cr := range c.Countries {
					var npv, sv float64
					for d := range res.Draws {
						r := rows[(d*len(res.Cases)+k)*nc+ci]
						npv += num(r[4])
						sv += num(r[5])
					}
					n := float64(res.Draws)
					near(c.Project+"/"+c.Scenario+"/"+cr.Country+" NPV", npv/n, cr.NPV.Mean)
					near(c.Project+"/"+c.Scenario+"/"+cr.Country+" strategic value", sv/n, cr.Strategic.Mean)
				}
				for col, p := range map[int]*float64{7: c.Bargaining.Commit, 8: c.Accounting.Commit} {
					commits := 0
					for d := range res.Draws {
						for ci := range nc {
							cell := rows[(d*len(res.Cases)+k)*nc+ci][col]
							switch {
							case p == nil && cell != "":
								t.Fatalf("%s/%s: commit cell %q where the decider has no part", c.Project, c.Scenario, cell)
							case p != nil && cell != "0" && cell != "1":
								t.Fatalf("%s/%s: commit cell %q, want 0 or 1", c.Project, c.Scenario, cell)
							case ci == 0 && cell == "1":
								commits++
							}
						}
					}
					if p != nil && float64(commits)/float64(res.Draws) != *p {
						t.Errorf("%s/%s column %d: %d of %d draws commit, JSON P(commit) %g", c.Project, c.Scenario, col, commits, res.Draws, *p)
					}
				}
			}
		})
	}
}

// TestPrecision: a run with --precision says how many draws it took, and its JSON is the JSON of
// a plain run with that many draws, byte for byte.
func TestPrecision(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the appraisal")
	}
	reached := regexp.MustCompile(`P\(commit\) SE ≤ 2\.5 points in every case after (\d+) draws`)
	stopped := regexp.MustCompile(`stopped at --max-draws 80: worst P\(commit\) SE [0-9.]+ points \(\w+, [\w-]+\), target 0\.1`)
	for _, tt := range []struct {
		name string
		args []string
		line *regexp.Regexp
	}{
		{"reached", []string{"--precision", "2.5"}, reached},
		{"max draws", []string{"--precision", "0.1", "--max-draws", "80", "--workers", "3"}, stopped},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"assess", "--data", anyRegion, "--analysis=false", "--json"}, tt.args...)
			code, out, errOut := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !tt.line.MatchString(errOut) {
				t.Fatalf("stderr %q does not match %s", errOut, tt.line)
			}
			var res assessJSON
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if m := reached.FindStringSubmatch(errOut); m != nil && m[1] != strconv.Itoa(res.Draws) {
				t.Errorf("stderr says %s draws, the JSON %d", m[1], res.Draws)
			}
			if tt.line == stopped && res.Draws != 80 {
				t.Errorf("stopped at --max-draws 80 with %d draws", res.Draws)
			}
			code, plain, errOut := runCLI(t, "assess", "--data", anyRegion, "--analysis=false", "--json", "--draws", strconv.Itoa(res.Draws))
			if code != exitOK {
				t.Fatalf("plain run: exit %d: %s", code, errOut)
			}
			if plain != out {
				t.Errorf("the JSON of --precision (%d draws) differs from the JSON of --draws %d", res.Draws, res.Draws)
			}
		})
	}
}

// TestPrecisionUsage: bad --precision, --max-draws and --draws combinations are command-line
// mistakes (exit 2) with a message naming the flag.
func TestPrecisionUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--precision", "0"}, `--precision: want a standard error in percentage points above 0, such as 1; got "0"`},
		{[]string{"--precision", "-1"}, `--precision: want a standard error in percentage points above 0`},
		{[]string{"--precision", "one"}, `got "one"`},
		{[]string{"--precision", "NaN"}, `got "NaN"`},
		{[]string{"--precision", "Inf"}, `got "Inf"`},
		{[]string{"--precision", ""}, `--precision: want a standard error`},
		{[]string{"--precision", "1", "--draws", "50"}, "--draws and --precision exclude each other"},
		{[]string{"--precision", "1", "--max-draws", "0"}, "--max-draws must lie within 1..1000000, got 0"},
		{[]string{"--max-draws", "500"}, "--max-draws bounds a run with --precision"},
		{[]string{"--draws", "2", "--samples", filepath.Join(t.TempDir(), "none", "s.csv")}, "there is no folder"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{"assess", "--data", anyRegion}, tt.args...)...)
			if code != exitUsage || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitUsage, tt.want)
			}
		})
	}
}
