package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestChokepoints(t *testing.T) {
	code, out, errOut := runCLI(t, "chokepoints", "--k", "2", "--top", "3", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	type set struct {
		Closed []string `json:"closed"`
		Loss   float64  `json:"loss"`
		Losses []struct {
			Country string  `json:"country"`
			Loss    float64 `json:"loss"`
		} `json:"losses"`
		Reroutes []struct {
			Link   string  `json:"link"`
			Before float64 `json:"before"`
			After  float64 `json:"after"`
		} `json:"reroutes"`
	}
	var r struct {
		SchemaVersion int     `json:"schema_version"`
		Scenario      string  `json:"scenario"`
		Year          int     `json:"year"`
		BaseObjective float64 `json:"base_objective"`
		Pruned        bool    `json:"pruned"`
		Levels        []struct {
			K      int   `json:"k"`
			Sets   int   `json:"sets"`
			Solved int   `json:"solved"`
			Top    []set `json:"top"`
		} `json:"levels"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %.300s", err, out)
	}
	if r.SchemaVersion != 2 || r.Scenario != "x1-status-quo" || r.Year != 2034 || r.BaseObjective <= 0 || !r.Pruned || len(r.Levels) != 2 {
		t.Fatalf("schema %d, scenario %q, year %d, base %g, pruned %v, %d levels", r.SchemaVersion, r.Scenario, r.Year, r.BaseObjective, r.Pruned, len(r.Levels))
	}
	for i, lv := range r.Levels {
		if lv.K != i+1 || len(lv.Top) != 3 || lv.Solved == 0 || lv.Solved >= lv.Sets {
			t.Errorf("level %d: k %d, %d top sets, %d of %d solved", i, lv.K, len(lv.Top), lv.Solved, lv.Sets)
		}
		for j, s := range lv.Top {
			if len(s.Closed) != lv.K || s.Loss <= 0 || len(s.Losses) == 0 || j > 0 && s.Loss > lv.Top[j-1].Loss+1 {
				t.Errorf("k = %d, rank %d: %+v", lv.K, j+1, s)
			}
		}
		if len(lv.Top[0].Reroutes) == 0 {
			t.Errorf("k = %d: the worst set has no reroutes", lv.K)
		}
	}
	// the worst pair is at least as bad as the worst single cut
	if r.Levels[1].Top[0].Loss < r.Levels[0].Top[0].Loss-1 {
		t.Errorf("worst pair %g < worst single %g", r.Levels[1].Top[0].Loss, r.Levels[0].Top[0].Loss)
	}

	code, out, errOut = runCLI(t, "chokepoints", "--k", "1", "--mode", "rail1435", "--country", "PRK", "--top", "2")
	if code != exitOK || !strings.Contains(out, "ranked by PRK's loss of welfare") || !strings.Contains(out, "k = 1:") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"chokepoints", "--k", "0"}, exitUsage, "--k 0"},
		{[]string{"chokepoints", "--top", "0"}, exitUsage, "--top 0"},
		{[]string{"chokepoints", "--with", "X", "--all-projects"}, exitUsage, "not both"},
		{[]string{"chokepoints", "--links", "NOPE"}, exitFailure, `unknown link "NOPE"`},
		{[]string{"chokepoints", "--country", "ZZ"}, exitFailure, `unknown country "ZZ"`},
		{[]string{"chokepoints", "--year", "1990"}, exitUsage, "--year 1990"},
		{[]string{"chokepoints", "--k", "4", "--country", "PRK"}, exitUsage, "--links"},
		{[]string{"chokepoints", "--method", "mip", "--country", "PRK"}, exitUsage, "total surplus only"},
		{[]string{"chokepoints", "--method", "guess"}, exitUsage, `--method "guess"`},
	} {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d containing %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// --method mip finds, by interdiction MIPs, sets losing what the enumeration's sets of the same
// rank lose, and with the same ranking rule (loss, then candidate order) the same sets on the
// built-in data; its figures are the same bytes with one worker or two.
func TestChokepointsMIP(t *testing.T) {
	if testing.Short() {
		t.Skip("solves MIPs")
	}
	type result struct {
		Method string `json:"method"`
		Levels []struct {
			Top []struct {
				Closed []string `json:"closed"`
				Loss   float64  `json:"loss"`
			} `json:"top"`
		} `json:"levels"`
	}
	runs := map[string]result{}
	var mipOut string
	for _, args := range [][]string{{"--method", "enumerate"}, {"--method", "mip", "--workers", "1"}, {"--method", "mip", "--workers", "2"}} {
		code, out, errOut := runCLI(t, append([]string{"chokepoints", "--k", "2", "--top", "3", "--json"}, args...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		var r result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Method != args[1] {
			t.Errorf("%v: method %q", args, r.Method)
		}
		runs[args[1]] = r
		if args[1] == "mip" {
			if mipOut != "" && out != mipOut {
				t.Error("--method mip differs with one worker and two")
			}
			mipOut = out
		}
	}
	e, m := runs["enumerate"], runs["mip"]
	for k := range e.Levels {
		for i, s := range e.Levels[k].Top {
			q := m.Levels[k].Top[i]
			if math.Abs(q.Loss-s.Loss) > 1 {
				t.Errorf("k = %d, rank %d: enumeration %v loses %g, MIP %v %g", k+1, i+1, s.Closed, s.Loss, q.Closed, q.Loss)
			}
		}
	}
}

// The output is the same bytes whatever the number of workers (rule 7), on the built-in data.
func TestChokepointsWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("solves hundreds of states")
	}
	var first string
	for _, w := range []string{"1", "2"} {
		code, out, errOut := runCLI(t, "chokepoints", "--k", "2", "--json", "--workers", w)
		if code != exitOK {
			t.Fatalf("chokepoints --workers %s: exit %d: %s", w, code, errOut)
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Errorf("chokepoints --json with %s workers differs from 1 worker", w)
		}
	}
}

// --resilience values every project not built, for the network and every country, with the
// worst closure's loss without and with it and the reduction in between.
func TestChokepointsResilience(t *testing.T) {
	code, out, errOut := runCLI(t, "chokepoints", "--data", anyRegion, "--k", "1", "--resilience", "--json")
	if code != exitOK {
		t.Fatalf("chokepoints --resilience: exit %d: %s", code, errOut)
	}
	var got struct {
		Resilience []struct {
			Project      string  `json:"project"`
			Country      string  `json:"country"`
			WorstWithout float64 `json:"worst_loss_without"`
			WorstWith    float64 `json:"worst_loss_with"`
			Reduction    float64 `json:"reduction"`
		} `json:"resilience"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	// two projects × (the network and three countries)
	if len(got.Resilience) != 2*4 {
		t.Fatalf("%d resilience rows, want 8:\n%s", len(got.Resilience), out)
	}
	network := 0
	for _, r := range got.Resilience {
		if r.Country == "" && r.WorstWithout > 0 {
			network++
		}
		if math.Abs(r.WorstWithout-r.WorstWith-r.Reduction) > 1e-6*math.Max(1, math.Abs(r.WorstWithout)) {
			t.Errorf("%s %q: reduction %g is not %g − %g", r.Project, r.Country, r.Reduction, r.WorstWithout, r.WorstWith)
		}
	}
	if network != 2 {
		t.Errorf("%d projects with a positive worst network loss, want 2 (some closure always hurts the network)", network)
	}
}

// Links in series tie; the table shows them on one row (the built-in Power of Siberia segments).
func TestChokepointsSeriesShareARow(t *testing.T) {
	code, out, errOut := runCLI(t, "chokepoints", "--k", "1")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "1     GP-CHA-AMU (same as GP-AMU-BLA, GP-BLA-HEI, GP-HEI-HAR)") {
		t.Errorf("the four equal Power of Siberia closures are not one row:\n%s", out)
	}
	// the JSON groups them too: the first lists the others, each of them names its rank
	code, out, errOut = runCLI(t, "chokepoints", "--k", "1", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r struct {
		Levels []struct {
			Top []struct {
				Closed       []string   `json:"closed"`
				Equivalent   [][]string `json:"equivalent"`
				EquivalentOf int        `json:"equivalent_of"`
			} `json:"top"`
		} `json:"levels"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	top := r.Levels[0].Top
	if fmt.Sprint(top[0].Closed, top[0].Equivalent) != "[GP-CHA-AMU] [[GP-AMU-BLA] [GP-BLA-HEI] [GP-HEI-HAR]]" || top[0].EquivalentOf != 0 {
		t.Errorf("first set %+v: want GP-CHA-AMU with its three equivalents", top[0])
	}
	for i := 1; i < 4; i++ {
		if top[i].EquivalentOf != 1 || len(top[i].Equivalent) != 0 {
			t.Errorf("set %d %+v: want equivalent_of 1", i+1, top[i])
		}
	}
	if top[4].EquivalentOf != 0 {
		t.Errorf("set 5 %+v: not equivalent to the first", top[4])
	}
}
