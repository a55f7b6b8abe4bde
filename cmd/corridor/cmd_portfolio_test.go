package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPortfolio(t *testing.T) {
	code, out, errOut := runCLI(t, "portfolio", "--scenario", "x3", "--budget", "1e9,5 BUSD", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	type set struct {
		Projects []string `json:"projects"`
		Capex    float64  `json:"capex"`
		Value    float64  `json:"value"`
	}
	var r struct {
		SchemaVersion int      `json:"schema_version"`
		Scenario      string   `json:"scenario"`
		Year          int      `json:"year"`
		Candidates    []string `json:"candidates"`
		Sets          []set    `json:"sets"`
		Frontier      []set    `json:"frontier"`
		Budgets       []struct {
			Budget float64 `json:"budget"`
			Best   set     `json:"best"`
		} `json:"budgets"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %.300s", err, out)
	}
	if r.SchemaVersion != 1 || r.Scenario != "x3-relief-rok" || r.Year != 2034 || len(r.Candidates) == 0 || len(r.Sets) == 0 {
		t.Errorf("schema %d, scenario %q, year %d, %d candidates, %d sets", r.SchemaVersion, r.Scenario, r.Year, len(r.Candidates), len(r.Sets))
	}
	if len(r.Budgets) != 2 || r.Budgets[0].Budget != 1e9 || r.Budgets[1].Budget != 5e9 {
		t.Fatalf("budgets %+v; want 1e9 and 5e9", r.Budgets)
	}
	for _, b := range r.Budgets {
		if b.Best.Capex > b.Budget {
			t.Errorf("budget %g: best set %v costs %g", b.Budget, b.Best.Projects, b.Best.Capex)
		}
		for _, s := range r.Sets {
			if s.Capex <= b.Budget && s.Value > b.Best.Value+1 {
				t.Errorf("budget %g: %v (%g) beats the best set %v (%g)", b.Budget, s.Projects, s.Value, b.Best.Projects, b.Best.Value)
			}
		}
	}
	if len(r.Frontier) == 0 || len(r.Frontier[0].Projects) != 0 {
		t.Errorf("frontier %+v: want the empty set first", r.Frontier)
	}

	code, out, errOut = runCLI(t, "portfolio", "--project", "POWER_RUDPRK,POWER_ROK", "--budget", "10e9")
	if code != exitOK || !strings.Contains(out, "candidates (2): POWER_RUDPRK, POWER_ROK; 3 dependency-feasible sets") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"portfolio", "--budget", "-1"}, exitUsage, "negative"},
		{[]string{"portfolio", "--budget", "5 km"}, exitUsage, "want money"},
		{[]string{"portfolio", "--project", "NOPE"}, exitFailure, `unknown project "NOPE"`},
		{[]string{"portfolio", "--country", "ZZ"}, exitFailure, `unknown country "ZZ"`},
		{[]string{"portfolio", "--year", "1990"}, exitUsage, "--year 1990"},
	} {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d containing %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}
