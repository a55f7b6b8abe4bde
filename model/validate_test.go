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
				Crossings: []model.CountryKm{{Country: "RUS", Km: 1}, {Country: "PRK", Km: 49}}, Status: model.StatusProposed, Project: "P1", TwoWay: true},
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
