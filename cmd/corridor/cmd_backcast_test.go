package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// backcastData copies the synthetic anyregion data set into a temporary folder with history.
func backcastData(t *testing.T, history string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/anyregion")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "history.csv"), []byte(history), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The anyregion base state carries 2.5 Mt/yr forward on R1 and serves 1.5 Mt/yr at timber-bela
// (corridor flows --data testdata/anyregion).
const backcastHeader = "id,year,what,link,node,market,commodity,direction,quantity,tolerance,source,scenario,regime,note\n"

type backcastOut struct {
	SchemaVersion int `json:"schema_version"`
	States        int `json:"states"`
	Passed        int `json:"passed"`
	Failed        int `json:"failed"`
	Rows          []struct {
		ID        string   `json:"id"`
		Year      int      `json:"year"`
		StateYear int      `json:"state_year"`
		Observed  float64  `json:"observed"`
		Modelled  float64  `json:"modelled"`
		Ratio     *float64 `json:"ratio"`
		Pass      bool     `json:"pass"`
	} `json:"rows"`
}

func TestBackcastPassAndFail(t *testing.T) {
	pass := backcastHeader + "P1,2020,timber on the forest line,R1,,,timber,forward,2 Mt/yr,50 %,T1,,,\n"
	dir := backcastData(t, pass)
	code, out, errOut := runCLI(t, "data", "backcast", "--data", dir)
	if code != exitOK || !strings.Contains(out, "PASS") || !strings.Contains(out, "2020*") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	both := pass + "F1,2024,timber served in Bela,,,timber-bela,,,5 Mt/yr,20 %,T1,,,\n"
	dir = backcastData(t, both)
	code, out, errOut = runCLI(t, "data", "backcast", "--data", dir, "--json")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d: %s%s", code, exitFailure, out, errOut)
	}
	var r backcastOut
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %.300s", err, out)
	}
	if r.SchemaVersion != 1 || r.States != 1 || r.Passed != 1 || r.Failed != 1 || len(r.Rows) != 2 {
		t.Fatalf("%+v", r)
	}
	p, f := r.Rows[0], r.Rows[1]
	if !p.Pass || p.Observed != 2 || p.Modelled != 2.5 || p.StateYear != 2024 || p.Year != 2020 {
		t.Errorf("P1 %+v", p)
	}
	if f.Pass || f.Observed != 5 || f.Modelled != 1.5 || f.Ratio == nil || *f.Ratio != 0.3 {
		t.Errorf("F1 %+v", f)
	}
}

func TestBackcastErrors(t *testing.T) {
	dir := backcastData(t, backcastHeader+"B1,2024,x,NOPE,,,,,1 Mt/yr,50 %,T9,,,\nB2,2024,y,R1,,,,,1 Mt/yr,50 %,T1,nosuch,,\n")
	code, _, errOut := runCLI(t, "data", "validate", dir)
	for _, want := range []string{`history.csv:2: link: unknown link "NOPE"`, `history.csv:2: source: unknown source "T9"`} {
		if code != exitFailure || !strings.Contains(errOut, want) {
			t.Errorf("validate: exit %d, want %q in:\n%s", code, want, errOut)
		}
	}
	code, _, errOut = runCLI(t, "data", "backcast", "--data", dir)
	if code != exitFailure || !strings.Contains(errOut, "history.csv:2: link:") {
		t.Errorf("backcast: exit %d: %s", code, errOut)
	}
	dir = backcastData(t, backcastHeader+"B2,2024,y,R1,,,,,1 Mt/yr,50 %,T1,nosuch,,\n")
	if code, _, errOut = runCLI(t, "data", "validate", dir); code != exitFailure || !strings.Contains(errOut, "history.csv:2: scenario:") {
		t.Errorf("validate, unknown scenario: exit %d: %s", code, errOut)
	}
	if code, _, errOut = runCLI(t, "data", "backcast", "--data", "testdata/anyregion"); code != exitFailure || !strings.Contains(errOut, "no history.csv") {
		t.Errorf("no history: exit %d: %s", code, errOut)
	}
}

// The built-in backcast is expected to fail rows (the model carries nothing on Khasan–Rajin):
// it must run and report every row, whatever the verdicts.
func TestBackcastBuiltin(t *testing.T) {
	raw, err := os.ReadFile("../../dataset/neasia/history.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Count(strings.TrimSpace(string(raw)), "\n") // header excluded; notes have no line breaks
	code, out, errOut := runCLI(t, "data", "backcast", "--json")
	if code != exitOK && code != exitFailure {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r backcastOut
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %.300s", err, out)
	}
	if len(r.Rows) != rows || r.Passed+r.Failed != rows || rows < 4 {
		t.Errorf("%d rows reported of %d in history.csv", len(r.Rows), rows)
	}
	if (code == exitOK) != (r.Failed == 0) {
		t.Errorf("exit %d with %d failed", code, r.Failed)
	}
}

// A row may name a history state (history/*.yaml): the conditions of its year, here the forest
// line at a quarter of its capacity. A state named like a built-in scenario is refused.
func TestBackcastHistoryState(t *testing.T) {
	dir := backcastData(t, backcastHeader+"H1,2019,timber on the forest line,R1,,,timber,forward,1 Mt/yr,10 %,T1,h2019-works,,\n")
	state := "name: h2019-works\ntitle: Works on the forest line\ndescription: one track closed\nsource: T1\nrules: []\n" +
		"overrides:\n  - {path: links/R1/capacity, value: 1 Mt/yr, source: T1}\n"
	if err := os.MkdirAll(filepath.Join(dir, "history"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "history", "h2019-works.yaml"), []byte(state), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "data", "backcast", "--data", dir, "--json")
	var r backcastOut
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("exit %d: %v: %.300s%s", code, err, out, errOut)
	}
	if code != exitOK || len(r.Rows) != 1 || !r.Rows[0].Pass || r.Rows[0].Modelled != 1 {
		t.Fatalf("exit %d: %+v %s", code, r, errOut)
	}
	clash := strings.ReplaceAll(state, "h2019-works", "s1-open")
	if err := os.WriteFile(filepath.Join(dir, "history", "s1-open.yaml"), []byte(clash), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "data", "validate", dir)
	if code != exitFailure || !strings.Contains(errOut, `history/s1-open.yaml: name: "s1-open" is also the built-in scenario s1-open`) {
		t.Errorf("validate, clash: exit %d: %s", code, errOut)
	}
}
