package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/geo"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// q parses a value cell and attaches a source, failing the test on error.
func q(t testing.TB, cell string) model.Q {
	t.Helper()
	v, err := quantity.Parse(cell, "")
	if err != nil {
		t.Fatalf("quantity.Parse(%q): %v", cell, err)
	}
	v.Source = quantity.Provenance{Sources: []string{"S1"}}
	return v
}

// tiny returns a valid two-country network: a 1,520 mm line A→B and a 1,435 mm line B→C meeting at
// the transshipment node B, coal supplied at A and demanded at C.
func tiny(t testing.TB) model.Network {
	t.Helper()
	src := quantity.Provenance{Sources: []string{"S1"}}
	unitT, _ := quantity.ParseUnit("t")
	rate := q(t, "7 %")
	return model.Network{
		Meta:      model.Meta{Name: "tiny", BaseYear: 2024, SocialDiscountRate: q(t, "4 %")},
		Sources:   []model.Source{{ID: "S1", Title: "test"}},
		Countries: []model.Country{{ID: "RUS", DiscountRate: rate}, {ID: "PRK", DiscountRate: rate}},
		Modes: []model.Mode{
			{ID: "rail1520", Carrier: model.CarrierRail, GaugeMM: 1520, Capacity: quantity.DimMass.PerYear(), CapacityUnit: "t/yr"},
			{ID: "rail1435", Carrier: model.CarrierRail, GaugeMM: 1435, Capacity: quantity.DimMass.PerYear(), CapacityUnit: "t/yr"},
			{ID: "gas", Carrier: model.CarrierPipeline, Capacity: quantity.DimGas.PerYear(), CapacityUnit: "mcm/yr"},
		},
		Nodes: []model.Node{
			{ID: "A", Country: "RUS", Kind: model.KindMine, Pos: geo.LatLon{Lat: 43, Lon: 131}, PosSource: src},
			{ID: "B", Country: "RUS", Kind: model.KindBorder, Pos: geo.LatLon{Lat: 42.4, Lon: 130.6}, PosSource: src, Transship: true,
				Throughput: q(t, "5 Mt/yr"), HandlingCost: q(t, "3 USD/t")},
			{ID: "C", Country: "PRK", Kind: model.KindPort, Pos: geo.LatLon{Lat: 42.3, Lon: 130.4}, PosSource: src},
		},
		Links: []model.Link{
			{ID: "AB", From: "A", To: "B", Mode: "rail1520", Length: q(t, "100 km"), Capacity: q(t, "5 Mt/yr"), Cost: q(t, "0.03 USD/t/km"),
				Crossings: []model.CountryKm{{Country: "RUS", Km: 100}}, Status: model.StatusExisting, TwoWay: true},
			{ID: "BC", From: "B", To: "C", Mode: "rail1435", Length: q(t, "50 km"), Capacity: q(t, "3 Mt/yr"), Cost: q(t, "2 USD/t"),
				Crossings: []model.CountryKm{{Country: "RUS", Km: 1}, {Country: "PRK", Km: 49}}, CrossingsSource: quantity.Provenance{Assumption: "split at the border"}, Status: model.StatusProposed, Project: "P1", TwoWay: true},
		},
		Commodities: []model.Commodity{{ID: "coal", Unit: unitT, Modes: []string{"rail1520", "rail1435"}, Price: q(t, "100 USD/t")}},
		Markets: []model.Market{
			{ID: "coal-A", Node: "A", Commodity: "coal", Kind: model.Supply, Steps: []model.Step{{Quantity: q(t, "2 Mt/yr"), Price: q(t, "60 USD/t")}}},
			{ID: "coal-C", Node: "C", Commodity: "coal", Kind: model.Demand, Steps: []model.Step{{Quantity: q(t, "1 Mt/yr"), Price: q(t, "120 USD/t")}}},
		},
		Projects: []model.Project{{ID: "P1", Class: "rail", Links: []string{"BC"}, Capex: q(t, "100 MUSD"), ConstructionYears: q(t, "3 yr"),
			Opex: q(t, "2 MUSD/yr"), Lifetime: q(t, "30 yr"), Financing: map[string]float64{"RUS": 0.7, "PRK": 0.3}, FinancingSource: src}},
	}
}

func TestValidateClean(t *testing.T) {
	n := model.Build(tiny(t))
	if issues := model.Validate(n); len(issues) != 0 {
		t.Fatalf("Validate(tiny) = %v, want no issues", issues)
	}
}

// TestValidateRules breaks the tiny network one way per case and checks the named rule fires on
// the right row and field.
func TestValidateRules(t *testing.T) {
	for _, tt := range []struct {
		name   string
		break_ func(n *model.Network)
		rule   string
		where  string // "component id field"
		sev    model.Severity
	}{
		{"duplicate node", func(n *model.Network) { n.Nodes = append(n.Nodes, n.Nodes[0]) }, "duplicate-id", "nodes A id", model.Error},
		{"unknown node", func(n *model.Network) { n.Links[0].To = "Z" }, "unknown-reference", "links AB to", model.Error},
		{"unknown source", func(n *model.Network) { n.Links[0].Capacity.Source.Sources = []string{"NOPE"} }, "unknown-reference", "links AB capacity_source", model.Error},
		{"missing provenance", func(n *model.Network) { n.Links[0].Capacity.Source = quantity.Provenance{} }, "provenance", "links AB capacity_source", model.Error},
		{"bcm on rail", func(n *model.Network) { n.Links[0].Capacity = q(t, "10 bcm/yr") }, "unit", "links AB capacity", model.Error},
		{"negative capacity", func(n *model.Network) { n.Links[0].Capacity = q(t, "-5 Mt/yr") }, "capacity", "links AB capacity", model.Error},
		{"missing capacity", func(n *model.Network) { n.Links[0].Capacity = model.Q{} }, "capacity", "links AB capacity", model.Error},
		{"lat out of range", func(n *model.Network) { n.Nodes[0].Pos.Lat = 95 }, "position", "nodes A lat", model.Error},
		{"gas on rail", func(n *model.Network) {
			u, _ := quantity.ParseUnit("mcm")
			n.Commodities[0].Unit = u
			n.Commodities[0].Modes = []string{"rail1520", "gas"}
		}, "commodity-mode", "commodities coal tonnes_per_unit", model.Error},
		{"gauge break", func(n *model.Network) { n.Nodes[1].Transship = false }, "gauge-break", "nodes B transship", model.Error},
		{"unreachable", func(n *model.Network) { n.Markets = n.Markets[1:] }, "reachable", "markets coal-C node", model.Error},
		{"financing sum", func(n *model.Network) { n.Projects[0].Financing["PRK"] = 0.2 }, "financing", "projects P1 financing", model.Error},
		{"crossings sum", func(n *model.Network) { n.Links[0].Crossings[0].Km = 50 }, "crossings", "links AB countries", model.Warning},
		{"project on existing link", func(n *model.Network) { n.Links[1].Status = model.StatusExisting }, "project", "projects P1 links", model.Error},
		{"dependency cycle", func(n *model.Network) { n.Projects[0].DependsOn = []string{"P1"} }, "project", "projects P1 depends_on", model.Error},
		{"negative congestion cost", func(n *model.Network) { n.Nodes[1].CongestionCost = q(t, "-1 USD/t") }, "congestion", "nodes B congestion_cost", model.Error},
		{"congestion without throughput", func(n *model.Network) { n.Nodes[0].CongestionCost = q(t, "1 USD/t") }, "congestion", "nodes A congestion_cost", model.Error},
		{"congestion cost in days", func(n *model.Network) { n.Nodes[1].CongestionCost = q(t, "2 d") }, "unit", "nodes B congestion_cost", model.Error},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := tiny(t)
			tt.break_(&raw)
			issues := model.Validate(model.Build(raw))
			for _, is := range issues {
				if is.Rule == tt.rule && fmt.Sprintf("%s %s %s", is.Component, is.ID, is.Field) == tt.where && is.Severity == tt.sev {
					if !strings.Contains(is.String(), is.Message) || is.Message == "" {
						t.Errorf("issue %v has no message", is)
					}
					return
				}
			}
			t.Errorf("Validate = %v, want a %s from rule %s at %q", issues, tt.sev, tt.rule, tt.where)
		})
	}
}

// tinyFull is tiny with every optional part set: a decider and strategic premium, reference
// periods, owners of a link and of the project, a transit contract and a loan.
func tinyFull(t testing.TB) model.Network {
	t.Helper()
	n := tiny(t)
	src := quantity.Provenance{Sources: []string{"S1"}}
	n.Meta.Decider = "RUS"
	n.Meta.StrategicPremium = q(t, "0 USD/yr")
	n.Meta.ReferencePeriods = []model.ReferencePeriod{{Class: "rail", Years: q(t, "30 yr")}}
	n.Links[0].Owners = []model.Share{{Country: "RUS", Fraction: 1}}
	n.Links[0].OwnersSource = src
	n.Projects[0].Owners = map[string]float64{"RUS": 0.6, "PRK": 0.4}
	n.Projects[0].OwnersSource = quantity.Provenance{Assumption: "test"}
	n.Projects[0].Contracts = []model.Contract{{Host: "PRK", Links: []string{"BC"}, RentShare: q(t, "10 %"), Source: src}}
	rate := q(t, "-1 %") // a negative real rate is allowed
	if err := rate.ParseRange("-2..5"); err != nil {
		t.Fatal(err)
	}
	n.Projects[0].Loans = []model.Loan{{Lender: "RUS", Borrower: "PRK", Share: q(t, "100 %"), Rate: rate,
		Tenor: q(t, "20 yr"), Grace: q(t, "5 yr"), DefaultProbability: q(t, "2 %")}}
	return n
}

func TestValidateCleanFull(t *testing.T) {
	n := model.Build(tinyFull(t))
	if issues := model.Validate(n); len(issues) != 0 {
		t.Fatalf("Validate(tinyFull) = %v, want no issues", issues)
	}
}

// withRange returns q with the range cell r parsed, failing the test on error.
func withRange(t testing.TB, v model.Q, r string) model.Q {
	t.Helper()
	if err := v.ParseRange(r); err != nil {
		t.Fatalf("ParseRange(%q): %v", r, err)
	}
	return v
}

// TestValidateOwnershipRules breaks tinyFull one way per case and checks that the named rule
// fires on the right row and field, and that no other rule reports the same field as an error.
func TestValidateOwnershipRules(t *testing.T) {
	p0 := func(n *model.Network) *model.Project { return &n.Projects[0] }
	loan := func(n *model.Network) *model.Loan { return &n.Projects[0].Loans[0] }
	contract := func(n *model.Network) *model.Contract { return &n.Projects[0].Contracts[0] }
	for _, tt := range []struct {
		name   string
		break_ func(n *model.Network)
		rule   string
		where  string // "component id field"
		sev    model.Severity
	}{
		// owners
		{"link owners sum", func(n *model.Network) {
			n.Links[0].Owners = []model.Share{{Country: "RUS", Fraction: 0.5}, {Country: "PRK", Fraction: 0.4}}
		}, "owners", "links AB owners", model.Error},
		{"link owner share above 1", func(n *model.Network) {
			n.Links[0].Owners = []model.Share{{Country: "RUS", Fraction: 1.5}, {Country: "PRK", Fraction: -0.5}}
		}, "owners", "links AB owners", model.Error},
		{"link owner twice", func(n *model.Network) {
			n.Links[0].Owners = []model.Share{{Country: "RUS", Fraction: 0.5}, {Country: "RUS", Fraction: 0.5}}
		}, "owners", "links AB owners", model.Error},
		{"project owner unknown", func(n *model.Network) { p0(n).Owners = map[string]float64{"XXX": 1} }, "owners", "projects P1 owners", model.Error},
		{"project owners sum", func(n *model.Network) { p0(n).Owners["PRK"] = 0.3 }, "owners", "projects P1 owners", model.Error},
		{"link owners without source", func(n *model.Network) { n.Links[0].OwnersSource = quantity.Provenance{} }, "provenance", "links AB owners_source", model.Error},
		{"project owners without source", func(n *model.Network) { p0(n).OwnersSource = quantity.Provenance{} }, "provenance", "projects P1 owners_source", model.Error},
		{"owners source unknown", func(n *model.Network) { n.Links[0].OwnersSource.Sources = []string{"NOPE"} }, "unknown-reference", "links AB owners_source", model.Error},
		// contracts
		{"contract without source", func(n *model.Network) { contract(n).Source = quantity.Provenance{} }, "provenance", "projects P1 contracts/0/source", model.Error},
		{"contract source unknown", func(n *model.Network) { contract(n).Source.Sources = []string{"NOPE"} }, "unknown-reference", "projects P1 contracts/0/source", model.Error},
		{"rent share source unknown", func(n *model.Network) { contract(n).RentShare.Source.Sources = []string{"NOPE"} }, "unknown-reference", "projects P1 contracts/0/rent_share_source", model.Error},
		{"rent share without source", func(n *model.Network) { contract(n).RentShare.Source = quantity.Provenance{} }, "provenance", "projects P1 contracts/0/rent_share_source", model.Error},
		{"contract host missing", func(n *model.Network) { contract(n).Host = "" }, "contracts", "projects P1 contracts/0/host", model.Error},
		{"contract host unknown", func(n *model.Network) { contract(n).Host = "KOR" }, "contracts", "projects P1 contracts/0/host", model.Error},
		{"contract link unknown", func(n *model.Network) { contract(n).Links = []string{"ZZ"} }, "contracts", "projects P1 contracts/0/links", model.Error},
		{"contract link of no project", func(n *model.Network) { contract(n).Links = []string{"AB"} }, "contracts", "projects P1 contracts/0/links", model.Error},
		{"contract link twice", func(n *model.Network) { contract(n).Links = []string{"BC", "BC"} }, "contracts", "projects P1 contracts/0/links", model.Error},
		{"contract link not crossing host", func(n *model.Network) {
			contract(n).Host = "RUS"
			n.Links[1].Crossings = []model.CountryKm{{Country: "PRK", Km: 50}}
		}, "contracts", "projects P1 contracts/0/links", model.Warning},
		{"contract covering nothing", func(n *model.Network) {
			contract(n).Host, contract(n).Links = "RUS", nil
			n.Links[1].Crossings = []model.CountryKm{{Country: "PRK", Km: 50}}
		}, "contracts", "projects P1 contracts/0/host", model.Warning},
		{"rent share above 1", func(n *model.Network) { contract(n).RentShare = q(t, "1.5") }, "contracts", "projects P1 contracts/0/rent_share", model.Error},
		{"rent share range below 0", func(n *model.Network) { contract(n).RentShare = withRange(t, q(t, "10 %"), "-5..20") }, "contracts", "projects P1 contracts/0/rent_share", model.Error},
		{"rent share in km", func(n *model.Network) { contract(n).RentShare = q(t, "3 km") }, "unit", "projects P1 contracts/0/rent_share", model.Error},
		// loans
		{"loan lender unknown", func(n *model.Network) { loan(n).Lender = "CHN" }, "loans", "projects P1 loans/0/lender", model.Error},
		{"loan lender missing", func(n *model.Network) { loan(n).Lender = "" }, "loans", "projects P1 loans/0/lender", model.Error},
		{"loan to oneself", func(n *model.Network) { loan(n).Lender = "PRK" }, "loans", "projects P1 loans/0/borrower", model.Error},
		{"borrower pays nothing", func(n *model.Network) { p0(n).Financing = map[string]float64{"RUS": 1} }, "loans", "projects P1 loans/0/borrower", model.Error},
		{"loan share zero", func(n *model.Network) { loan(n).Share = q(t, "0 %") }, "loans", "projects P1 loans/0/share", model.Error},
		{"loan share above 1", func(n *model.Network) { loan(n).Share = withRange(t, q(t, "100 %"), "80..120") }, "loans", "projects P1 loans/0/share", model.Error},
		{"loan share missing", func(n *model.Network) { loan(n).Share = model.Q{} }, "loans", "projects P1 loans/0/share", model.Error},
		{"loan rate -100 %", func(n *model.Network) { loan(n).Rate = q(t, "-100 %") }, "loans", "projects P1 loans/0/rate", model.Error},
		{"loan rate missing", func(n *model.Network) { loan(n).Rate = model.Q{} }, "loans", "projects P1 loans/0/rate", model.Error},
		{"loan rate in USD", func(n *model.Network) { loan(n).Rate = q(t, "2 USD") }, "unit", "projects P1 loans/0/rate", model.Error},
		{"loan rate without source", func(n *model.Network) { loan(n).Rate.Source = quantity.Provenance{} }, "provenance", "projects P1 loans/0/rate_source", model.Error},
		{"loan tenor zero", func(n *model.Network) { loan(n).Tenor = q(t, "0 yr") }, "loans", "projects P1 loans/0/tenor", model.Error},
		{"loan tenor missing", func(n *model.Network) { loan(n).Tenor = model.Q{} }, "loans", "projects P1 loans/0/tenor", model.Error},
		{"loan tenor in km", func(n *model.Network) { loan(n).Tenor = q(t, "20 km") }, "unit", "projects P1 loans/0/tenor", model.Error},
		{"loan grace negative", func(n *model.Network) { loan(n).Grace = q(t, "-1 yr") }, "loans", "projects P1 loans/0/grace", model.Error},
		{"loan grace as long as tenor", func(n *model.Network) { loan(n).Grace = q(t, "20 yr") }, "loans", "projects P1 loans/0/grace", model.Error},
		{"loan grace range reaching tenor", func(n *model.Network) {
			loan(n).Grace = withRange(t, q(t, "5 yr"), "3..12")
			loan(n).Tenor = withRange(t, q(t, "20 yr"), "10..25")
		}, "loans", "projects P1 loans/0/grace", model.Warning},
		{"default probability above 1", func(n *model.Network) { loan(n).DefaultProbability = q(t, "120 %") }, "loans", "projects P1 loans/0/default_probability", model.Error},
		{"default probability negative", func(n *model.Network) { loan(n).DefaultProbability = q(t, "-1 %") }, "loans", "projects P1 loans/0/default_probability", model.Error},
		// the data set as a whole
		{"decider unknown", func(n *model.Network) { n.Meta.Decider = "KOR" }, "decider", "meta dataset decider", model.Error},
		{"reference period zero", func(n *model.Network) { n.Meta.ReferencePeriods[0].Years = q(t, "0 yr") }, "reference-periods", "meta dataset reference_periods/rail", model.Error},
		{"reference period range below zero", func(n *model.Network) {
			n.Meta.ReferencePeriods[0].Years = withRange(t, q(t, "30 yr"), "-5..40")
		}, "reference-periods", "meta dataset reference_periods/rail", model.Error},
		{"reference period missing years", func(n *model.Network) { n.Meta.ReferencePeriods[0].Years = model.Q{} }, "reference-periods", "meta dataset reference_periods/rail", model.Error},
		{"reference period twice", func(n *model.Network) {
			n.Meta.ReferencePeriods = append(n.Meta.ReferencePeriods, n.Meta.ReferencePeriods[0])
		}, "reference-periods", "meta dataset reference_periods/rail", model.Error},
		{"reference period in km", func(n *model.Network) { n.Meta.ReferencePeriods[0].Years = q(t, "30 km") }, "unit", "meta dataset reference_periods/rail", model.Error},
		{"project class without reference period", func(n *model.Network) { n.Meta.ReferencePeriods[0].Class = "road" }, "reference-periods", "meta dataset reference_periods", model.Warning},
		{"reference period without source", func(n *model.Network) { n.Meta.ReferencePeriods[0].Years.Source = quantity.Provenance{} }, "provenance", "meta dataset reference_periods/rail_source", model.Error},
		{"strategic premium negative", func(n *model.Network) { n.Meta.StrategicPremium = q(t, "-5 MUSD/yr") }, "strategic-premium", "meta dataset strategic_premium", model.Error},
		{"strategic premium in USD", func(n *model.Network) { n.Meta.StrategicPremium = q(t, "5 MUSD") }, "unit", "meta dataset strategic_premium", model.Error},
		{"strategic premium without decider", func(n *model.Network) { n.Meta.Decider = "" }, "strategic-premium", "meta dataset strategic_premium", model.Warning},
		{"strategic premium without source", func(n *model.Network) { n.Meta.StrategicPremium.Source = quantity.Provenance{} }, "provenance", "meta dataset strategic_premium_source", model.Error},
		// #17: inputs that ran out of memory or gave absurd answers silently
		{"horizon two billion years", func(n *model.Network) { n.Meta.HorizonYears = 2_000_000_000 }, "appraisal", "meta dataset horizon_years", model.Error},
		{"horizon negative", func(n *model.Network) { n.Meta.HorizonYears = -5 }, "appraisal", "meta dataset horizon_years", model.Error},
		{"base year -1", func(n *model.Network) { n.Meta.BaseYear = -1 }, "appraisal", "meta dataset base_year", model.Error},
		{"discount rate 150 %", func(n *model.Network) { n.Countries[0].DiscountRate = q(t, "150 %") }, "appraisal", "countries RUS discount_rate", model.Error},
		{"social rate range to 100 %", func(n *model.Network) {
			n.Meta.SocialDiscountRate = withRange(t, q(t, "4 %"), "2..100")
		}, "appraisal", "meta dataset social_discount_rate", model.Error},
		{"lifetime zero", func(n *model.Network) { n.Projects[0].Lifetime = q(t, "0 yr") }, "appraisal", "projects P1 lifetime", model.Error},
		{"construction a century", func(n *model.Network) { n.Projects[0].ConstructionYears = q(t, "100 yr") }, "appraisal", "projects P1 construction_years", model.Error},
		{"start year 20250", func(n *model.Network) { n.Projects[0].StartYear = 20250 }, "appraisal", "projects P1 start_year", model.Error},
		{"start year without source", func(n *model.Network) { n.Projects[0].StartYear = 2030 }, "provenance", "projects P1 start_year_source", model.Error},
		{"start year with unknown source", func(n *model.Network) {
			n.Projects[0].StartYear, n.Projects[0].StartYearSource = 2030, quantity.Provenance{Sources: []string{"S9"}}
		}, "unknown-reference", "projects P1 start_year_source", model.Error},
		{"km by country without source", func(n *model.Network) { n.Links[1].CrossingsSource = quantity.Provenance{} }, "provenance", "links BC countries_source", model.Error},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := tinyFull(t)
			tt.break_(&raw)
			issues := model.Validate(model.Build(raw))
			found := false
			for _, is := range issues {
				at := fmt.Sprintf("%s %s %s", is.Component, is.ID, is.Field)
				if at != tt.where || is.Severity != model.Error && tt.sev == model.Error {
					continue
				}
				if is.Rule != tt.rule {
					t.Errorf("rule %s also reports %q: %v", is.Rule, at, is)
					continue
				}
				if is.Severity == tt.sev && is.Message != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("Validate = %v, want a %s from rule %s at %q", issues, tt.sev, tt.rule, tt.where)
			}
		})
	}
}

func TestRulesNamedAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range model.Rules() {
		if r.Name == "" || r.Doc == "" || r.Check == nil || seen[r.Name] {
			t.Errorf("rule %q: want a unique name, a doc and a check", r.Name)
		}
		seen[r.Name] = true
	}
	for _, name := range []string{"owners", "contracts", "loans", "decider", "reference-periods", "strategic-premium"} {
		if !seen[name] {
			t.Errorf("no rule %q", name)
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	n := model.Build(tiny(t))
	c := n.Clone()
	c.Links[0].Capacity.Value = 1
	c.Projects[0].Financing["RUS"] = 0
	c.Markets[0].Steps[0].Price.Value = 0
	if n.Links[0].Capacity.Value == 1 || n.Projects[0].Financing["RUS"] == 0 || n.Markets[0].Steps[0].Price.Value == 0 {
		t.Fatal("changing a clone changed the original")
	}
	if c.Link("AB") != &c.Links[0] {
		t.Fatal("clone lookups do not point into the clone")
	}
}

func TestLinkCostPerUnit(t *testing.T) {
	n := model.Build(tiny(t))
	// 0.03 USD/t/km × 100 km = 3 USD/t; BC is already per tonne.
	if got := n.Link("AB").CostPerUnit(); got != 3 {
		t.Errorf("AB.CostPerUnit() = %g, want 3", got)
	}
	if got := n.Link("BC").CostPerUnit(); got != 2 {
		t.Errorf("BC.CostPerUnit() = %g, want 2", got)
	}
}

func ExampleValidate() {
	unitT, _ := quantity.ParseUnit("t")
	n := model.Build(model.Network{
		Countries:   []model.Country{{ID: "RUS"}},
		Nodes:       []model.Node{{ID: "A", Country: "RUS", Pos: geo.LatLon{Lat: 43, Lon: 131}, PosSource: quantity.Provenance{Assumption: "example"}}},
		Commodities: []model.Commodity{{ID: "coal", Unit: unitT}},
		Markets:     []model.Market{{ID: "m", Node: "X", Commodity: "coal", Kind: model.Demand}},
	})
	for _, is := range model.Validate(n) {
		fmt.Println(is)
	}
	// Output:
	// markets m node: error: unknown node id "X": add it to nodes or correct the reference [unknown-reference]
	// markets m node: error: demand for coal at X cannot be reached from any supply or backstop of coal over links that carry it: add a link, a supply or a backstop [reachable]
}
