package dataset

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/model"
)

func TestLoadTiny(t *testing.T) {
	t.Parallel()
	n, warns, err := Load(t.Context(), tinyFS(nil))
	if err != nil {
		t.Fatalf("Load(tiny) error:\n%v", err)
	}
	if len(warns) != 0 {
		t.Errorf("Load(tiny) warnings = %v, want none", warns)
	}
	for _, tt := range []struct {
		name      string
		got, want int
	}{
		{"sources", len(n.Sources), 2}, {"countries", len(n.Countries), 3}, {"modes", len(n.Modes), 3},
		{"nodes", len(n.Nodes), 3}, {"links", len(n.Links), 3}, {"commodities", len(n.Commodities), 2},
		{"markets", len(n.Markets), 4}, {"projects", len(n.Projects), 1},
	} {
		if tt.got != tt.want {
			t.Errorf("len(%s) = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
	// Values in canonical units; defaults from the schema.
	for _, tt := range []struct {
		name      string
		got, want float64
	}{
		{"G1 capacity mcm/yr (10 bcm/yr)", n.Link("G1").Capacity.Value, 10_000},
		{"L2 capacity t/yr (bare 3e6, mode unit)", n.Link("L2").Capacity.Value, 3e6},
		{"PRK discount rate (bare 10 = %)", n.Country("PRK").DiscountRate.Value, 0.1},
		{"gas price USD/mcm (bare 300)", n.Commodity("gas").Price.Value, 300},
		{"gas-demand step quantity mcm/yr (bare 5000)", n.Market("gas-demand").Steps[0].Quantity.Value, 5000},
		{"P1 capex USD", n.Project("P1").Capex.Value, 2.5e9},
		{"P1 upgrade of L1, t/yr (bare, mode unit)", n.Project("P1").Upgrades[1].Add.Value, 2e6},
		{"P1 financing RUS", n.Project("P1").Financing["RUS"], 0.5},
		{"B handling cost USD/t (bare 12)", n.Node("B").HandlingCost.Value, 12},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %g, want %g", tt.name, tt.got, tt.want)
		}
	}
	if l := n.Link("L2"); l.TwoWay {
		t.Errorf("L2.TwoWay = true, want false (direction oneway)")
	}
	if !n.Node("B").Transship {
		t.Errorf("B.Transship = false, want true")
	}
}

// TestBuiltinsLoad checks that every embedded data set loads without errors or warnings (every
// number sourced: the provenance rule), states its study, and is a region worth shipping.
func TestBuiltinsLoad(t *testing.T) {
	t.Parallel()
	if got := Builtins(); !slices.Contains(got, DefaultName) {
		t.Fatalf("Builtins() = %v, want it to hold %s", got, DefaultName)
	}
	for _, name := range Builtins() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fsys, _ := Builtin(name)
			n, warns, err := Load(t.Context(), fsys)
			if err != nil {
				t.Fatalf("Load(%s):\n%v", name, err)
			}
			for _, w := range warns {
				t.Errorf("warning: %v", w)
			}
			if n.Study.Title == "" || n.Study.HeadlineScenario == "" || n.Meta.Decider == "" || len(n.Study.Overruns) == 0 {
				t.Errorf("%s: study %+v, decider %q: a built-in region states its question, headline scenario, decider and overruns", name, n.Study, n.Meta.Decider)
			}
			if len(n.Nodes) < 25 || len(n.Links) < 40 || len(n.Projects) < 4 {
				t.Errorf("%s: %d nodes, %d links, %d projects; a built-in region has at least 25, 40 and 4", name, len(n.Nodes), len(n.Links), len(n.Projects))
			}
			scs, _ := fs.Glob(fsys, "scenarios/*.yaml")
			if len(scs) < 3 {
				t.Errorf("%s: %d scenarios, want at least 3", name, len(scs))
			}
			t.Logf("%s: %d nodes, %d links, %d projects, %d scenarios", name, len(n.Nodes), len(n.Links), len(n.Projects), len(scs))
		})
	}
}

func TestSchemaConsistent(t *testing.T) {
	t.Parallel()
	comps := map[string]bool{}
	for _, tb := range Schema() {
		comps[string(tb.Component)] = true
	}
	var check func(file string, cols []Column)
	check = func(file string, cols []Column) {
		seen := map[string]bool{}
		for _, c := range cols {
			if seen[c.Name] {
				t.Errorf("%s: column %q twice", file, c.Name)
			}
			seen[c.Name] = true
			if c.Doc == "" {
				t.Errorf("%s: column %q has no doc", file, c.Name)
			}
			switch c.Type {
			case TypeRef, TypeList, TypeMap:
				if !comps[string(c.Ref)] {
					t.Errorf("%s: column %q refers to unknown table %q", file, c.Name, c.Ref)
				}
			case TypeEnum, TypeQuantities:
				if len(c.Values) == 0 {
					t.Errorf("%s: %s column %q has no values", file, c.Type, c.Name)
				}
			case TypeRecords:
				check(file+"/"+c.Name, c.Fields)
			}
		}
	}
	for _, tb := range Schema() {
		check(tb.File, tb.Columns)
	}
}

// TestLoadTinyFull checks the optional fields: decider, strategic premium and reference periods,
// link and project owners, transit contracts and loans, in canonical units and in the order
// written.
func TestLoadTinyFull(t *testing.T) {
	t.Parallel()
	n, warns, err := Load(t.Context(), tinyFS(tinyFullChanges()))
	if err != nil {
		t.Fatalf("Load(tiny-full) error:\n%v", err)
	}
	if len(warns) != 0 {
		t.Errorf("Load(tiny-full) warnings = %v, want none", warns)
	}
	p := n.Project("P1")
	if len(p.Contracts) != 2 || len(p.Loans) != 1 || len(n.Meta.ReferencePeriods) != 2 {
		t.Fatalf("P1 has %d contracts and %d loans, the data set %d reference periods; want 2, 1 and 2", len(p.Contracts), len(p.Loans), len(n.Meta.ReferencePeriods))
	}
	k, l := p.Contracts[0], p.Loans[0]
	for _, tt := range []struct {
		name      string
		got, want any
	}{
		{"decider", n.Meta.Decider, "RUS"},
		{"strategic premium USD/yr", n.Meta.StrategicPremium.Value, 50e6},
		{"strategic premium range high", n.Meta.StrategicPremium.Range.High, 100e6},
		{"first reference period (order written)", n.Meta.ReferencePeriods[0].Class, "pipeline"},
		{"pipeline years", n.Meta.ReferencePeriods[0].Years.Value, 25.0},
		{"rail years (bare 30, default yr)", n.Meta.ReferencePeriod("rail").Value, 30.0},
		{"rail years source", n.Meta.ReferencePeriod("rail").Source.String(), "S2"},
		{"L1 owners", fmtShares(n.Link("L1").Owners), "RUS:0.5;PRK:0.5"},
		{"L1 owners source", n.Link("L1").OwnersSource.Assumption, "test split"},
		{"L2 owners (default)", len(n.Link("L2").Owners), 0},
		{"G1 owners (order written)", fmtShares(n.Link("G1").Owners), "PRK:0.25;RUS:0.75"},
		{"P1 owners KOR", p.Owners["KOR"], 0.4},
		{"P1 owners source", p.OwnersSource.String(), "assumption: test"},
		{"contract host", k.Host, "PRK"},
		{"contract links", strings.Join(k.Links, ","), "G1"},
		{"contract rent share (5 %)", k.RentShare.Value, 0.05},
		{"contract source", k.Source.String(), "S1"},
		{"second contract host", p.Contracts[1].Host, "KOR"},
		{"second contract without rent share", p.Contracts[1].RentShare.IsSet(), false},
		{"loan lender", l.Lender, "RUS"},
		{"loan borrower", l.Borrower, "KOR"},
		{"loan share (50 %)", l.Share.Value, 0.5},
		{"loan rate (bare 2, default %)", l.Rate.Value, 0.02},
		{"loan tenor yr", l.Tenor.Value, 20.0},
		{"loan grace (bare 5, default yr)", l.Grace.Value, 5.0},
		{"loan default probability", l.DefaultProbability.Value, 0.01},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func fmtShares(s []model.Share) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = fmt.Sprintf("%s:%g", x.Country, x.Fraction)
	}
	return strings.Join(parts, ";")
}
