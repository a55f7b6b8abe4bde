package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// afiroOptimum is the published netlib optimum of afiro (testdata/netlib/OPTIMA.tsv).
const afiroOptimum = -4.6475314286e+02

func TestLPSolve(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.mps")
	if err := os.WriteFile(bad, []byte("NAME\nROWS\n N COST\nCOLUMNS\n X R09 1\nENDATA\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr string
	}{
		{"afiro", []string{"lp", "solve", "../../testdata/netlib/afiro.mps.gz"}, exitOK,
			[]string{"status      optimal", "objective   -464.7531429", "27 rows, 32 columns (0 integer), 83 nonzeros"}, ""},
		{"time limit", []string{"lp", "solve", "--time-limit", "30", "../../testdata/netlib/afiro.mps.gz"}, exitOK,
			[]string{"-464.7531429"}, ""},
		{"bad file", []string{"lp", "solve", bad}, exitFailure, nil, bad + `:5: COLUMNS: unknown row "R09"`},
		{"missing file", []string{"lp", "solve", filepath.Join(dir, "none.mps")}, exitFailure, nil, "no such file"},
		{"no file", []string{"lp", "solve"}, exitUsage, nil, "one MPS file"},
		{"negative time limit", []string{"lp", "solve", "--time-limit", "-1", bad}, exitUsage, nil, "must not be negative"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("run(%q) = %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.args, code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, want := range tt.wantStdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("run(%q) stdout =\n%s\nwant it to contain %q", tt.args, stdout.String(), want)
				}
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("run(%q) stderr = %q, want it to contain %q", tt.args, stderr.String(), tt.wantStderr)
			}
		})
	}
}

func TestLPSolveJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := []string{"lp", "solve", "--json", "../../testdata/netlib/e226.mps.gz"}
	if code := run(t.Context(), args, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("run(%q) = %d, stderr %s", args, code, stderr.String())
	}
	var got lpSolveResult
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	// e226 with its objective constant (testdata/netlib/OPTIMA.tsv).
	const want = -1.1638929066e+01
	if got.Status != "optimal" || got.Objective == nil || math.Abs(*got.Objective-want) > 1e-6*math.Abs(want) {
		t.Errorf("JSON result = %+v, want optimal with objective %g", got, want)
	}
	if got.Rows != 223 || got.Cols != 282 || got.NonZeros != 2578 {
		t.Errorf("size = %d rows, %d cols, %d nonzeros; want 223, 282, 2578", got.Rows, got.Cols, got.NonZeros)
	}
}

func TestLPSolvePlainMPS(t *testing.T) {
	// An uncompressed file takes the same path minus gzip.
	path := filepath.Join(t.TempDir(), "wyndor.mps")
	mps := "NAME WYNDOR\nOBJSENSE MAX\nROWS\n N z\n L p1\n L p2\n L p3\nCOLUMNS\n x z 3 p1 1\n x p3 3\n y z 5 p2 2\n y p3 2\nRHS\n b p1 4 p2 12\n b p3 18\nENDATA\n"
	if err := os.WriteFile(path, []byte(mps), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"lp", "solve", path}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "objective   36\n") {
		t.Errorf("stdout =\n%s\nwant objective 36 (Wyndor Glass, Hillier & Lieberman)", stdout.String())
	}
}

// lp solve --json gives the optimal primal and dual values (#17), checked against the textbook
// Wyndor Glass answer (Hillier and Lieberman): x = 2, y = 6; shadow prices 0, 1.5 and 1.
func TestLPSolveJSONValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wyndor.mps")
	mps := "NAME WYNDOR\nOBJSENSE MAX\nROWS\n N z\n L p1\n L p2\n L p3\nCOLUMNS\n x z 3 p1 1\n x p3 3\n y z 5 p2 2\n y p3 2\nRHS\n b p1 4 p2 12\n b p3 18\nENDATA\n"
	if err := os.WriteFile(path, []byte(mps), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"lp", "solve", "--json", path}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var got lpSolveResult
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	wantCols := []lpColumnValue{{"x", 2, 0}, {"y", 6, 0}}
	wantRows := []lpRowValue{{"p1", 2, 0}, {"p2", 12, 1.5}, {"p3", 18, 1}}
	if len(got.ColumnValues) != 2 || len(got.RowValues) != 3 {
		t.Fatalf("values = %+v %+v", got.ColumnValues, got.RowValues)
	}
	for i, w := range wantCols {
		if c := got.ColumnValues[i]; c.Name != w.Name || !near(c.Value, w.Value) || !near(c.ReducedCost, w.ReducedCost) {
			t.Errorf("column %d = %+v, want %+v", i, c, w)
		}
	}
	for i, w := range wantRows {
		if r := got.RowValues[i]; r.Name != w.Name || !near(r.Activity, w.Activity) || !near(r.Dual, w.Dual) {
			t.Errorf("row %d = %+v, want %+v", i, r, w)
		}
	}
}

// flows --mps writes the state's LP, which re-solves to the same optimum (#17).
func TestFlowsMPS(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x1.mps")
	code, out, errOut := runCLI(t, "flows", "--scenario", "x1", "--mps", path, "--json")
	if code != 0 {
		t.Fatalf("flows --mps: exit %d: %s", code, errOut)
	}
	var flows struct {
		Result struct{ Objective float64 } `json:"result"`
	}
	if err := json.Unmarshal([]byte(out), &flows); err != nil {
		t.Fatal(err)
	}
	total := flows.Result.Objective // USD/yr
	code, solved, errOut := runCLI(t, "lp", "solve", "--json", path)
	if code != 0 {
		t.Fatalf("lp solve: exit %d: %s", code, errOut)
	}
	var got lpSolveResult
	if err := json.Unmarshal([]byte(solved), &got); err != nil {
		t.Fatal(err)
	}
	if got.Objective == nil || total <= 0 || math.Abs(*got.Objective-total) > 1e-6*total {
		t.Errorf("re-solved objective %v, flows' total surplus %g", got.Objective, total)
	}
}
