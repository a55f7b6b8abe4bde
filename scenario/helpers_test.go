package scenario

import (
	"os"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// q parses a value cell for tests, with a test provenance.
func q(t testing.TB, cell string) model.Q {
	t.Helper()
	v, err := quantity.Parse(cell, "")
	if err != nil {
		t.Fatalf("quantity.Parse(%q): %v", cell, err)
	}
	v.Source = quantity.Provenance{Assumption: "test network"}
	return v
}

// testNetwork is the network testdata/valid.yaml refers to: four countries, a Khasan–Tumangang–
// Rajin rail line (L1, L2), a proposed Rajin–Seoul line built by P1 (L3), a closed link (L4), a
// road bridge under construction built by P2 (L5), a proposed Hunchun–Rajin line built by P3,
// which depends on P1 (L6), and a link under construction with no project (L7).
func testNetwork(t testing.TB) *model.Network {
	t.Helper()
	tpy := "t/yr"
	n := model.Network{
		Meta:      model.Meta{Name: "test", BaseYear: 2024},
		Sources:   []model.Source{{ID: "S09"}, {ID: "S15"}, {ID: "S21"}, {ID: "T"}},
		Countries: []model.Country{{ID: "RUS"}, {ID: "PRK"}, {ID: "KOR"}, {ID: "CHN"}},
		Modes: []model.Mode{
			{ID: "rail", Carrier: model.CarrierRail, GaugeMM: 1520, Capacity: quantity.DimMass.PerYear(), CapacityUnit: tpy},
			{ID: "gas", Carrier: model.CarrierPipeline, Capacity: quantity.DimGas.PerYear(), CapacityUnit: "mcm/yr"},
		},
		Nodes: []model.Node{
			{ID: "khasan", Country: "RUS", Kind: model.KindBorder, Throughput: q(t, "5 Mt/yr")},
			{ID: "tumangang", Country: "PRK", Kind: model.KindBorder},
			{ID: "rajin", Country: "PRK", Kind: model.KindPort},
			{ID: "seoul", Country: "KOR", Kind: model.KindCity},
			{ID: "hunchun", Country: "CHN", Kind: model.KindCity},
		},
		Links: []model.Link{
			{ID: "L1", From: "khasan", To: "tumangang", Mode: "rail", Length: q(t, "10 km"), Capacity: q(t, "5 Mt/yr"), Status: model.StatusExisting, TwoWay: true},
			{ID: "L2", From: "tumangang", To: "rajin", Mode: "rail", Length: q(t, "44 km"), Capacity: q(t, "5 Mt/yr"), Status: model.StatusExisting, TwoWay: true},
			{ID: "L3", From: "rajin", To: "seoul", Mode: "rail", Length: q(t, "800 km"), Capacity: q(t, "10 Mt/yr"), Status: model.StatusProposed, Project: "P1", TwoWay: true,
				Crossings: []model.CountryKm{{Country: "PRK", Km: 700}, {Country: "KOR", Km: 100}}},
			{ID: "L4", From: "khasan", To: "rajin", Mode: "rail", Length: q(t, "50 km"), Capacity: q(t, "1 Mt/yr"), Status: model.StatusClosed, TwoWay: true},
			{ID: "L5", From: "khasan", To: "tumangang", Mode: "rail", Length: q(t, "5 km"), Capacity: q(t, "1 Mt/yr"), Status: model.StatusConstruction, Project: "P2", TwoWay: true},
			{ID: "L6", From: "hunchun", To: "rajin", Mode: "rail", Length: q(t, "90 km"), Capacity: q(t, "2 Mt/yr"), Status: model.StatusProposed, Project: "P3", TwoWay: true},
			{ID: "L7", From: "hunchun", To: "seoul", Mode: "rail", Length: q(t, "900 km"), Capacity: q(t, "1 Mt/yr"), Status: model.StatusConstruction, TwoWay: true},
		},
		Commodities: []model.Commodity{
			{ID: "coal", Unit: quantity.Unit{Text: "t", Dim: quantity.DimMass, Factor: 1}, Modes: []string{"rail"}, TonnesPerUnit: q(t, "1"), Price: q(t, "100 USD/t")},
			{ID: "crude", Unit: quantity.Unit{Text: "t", Dim: quantity.DimMass, Factor: 1}, Modes: []string{"rail"}, TonnesPerUnit: q(t, "1")},
			{ID: "gas", Unit: quantity.Unit{Text: "mcm", Dim: quantity.DimGas, Factor: 1}, Modes: []string{"gas"}},
		},
		Projects: []model.Project{
			{ID: "P1", Links: []string{"L3"}, Upgrades: []model.Upgrade{{Link: "L1", Add: q(t, "2 Mt/yr")}}, StartYear: 2026, ConstructionYears: q(t, "2 yr")},
			{ID: "P2", Links: []string{"L5"}, StartYear: 2025, ConstructionYears: q(t, "1.5 yr")},
			{ID: "P3", Links: []string{"L6"}, Upgrades: []model.Upgrade{{Node: "khasan", Add: q(t, "1 Mt/yr")}}, DependsOn: []string{"P1"}},
		},
	}
	return model.Build(n)
}

// readTestdata returns the contents of testdata/name.
func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// decodeValid decodes testdata/valid.yaml.
func decodeValid(t testing.TB) *Scenario {
	t.Helper()
	s, err := Decode("valid.yaml", strings.NewReader(readTestdata(t, "valid.yaml")))
	if err != nil {
		t.Fatalf("Decode(valid.yaml): %v", err)
	}
	return s
}

// edit returns src with old replaced by new once; it fails the test when old is absent.
func edit(t testing.TB, src, old, new string) string {
	t.Helper()
	if !strings.Contains(src, old) {
		t.Fatalf("edit: %q not in source", old)
	}
	return strings.Replace(src, old, new, 1)
}
