package model_test

import (
	"testing"

	"github.com/corridor-dev/corridor/model"
)

// TestQuantityMatchesQuantities resolves every path Quantities yields, with duplicate ids, and
// some that name nothing: Quantity must give what a map filled from Quantities holds.
func TestQuantityMatchesQuantities(t *testing.T) {
	n := tiny(t)
	n.Links = append(n.Links, n.Links[0]) // a duplicate id: the last one wins
	n.Links[2].Capacity = q(t, "7 Mt/yr")
	n.Links[2].Cost = model.Q{} // unset in the last: the first's is found
	n.Projects[0].Upgrades = []model.Upgrade{{Link: "AB", Add: q(t, "1 Mt/yr")}}
	n.Markets[0].Steps = append(n.Markets[0].Steps, model.Step{Quantity: q(t, "1 Mt/yr"), Price: q(t, "80 USD/t")})
	n.Correlations = []model.CorrelationGroup{{ID: "G", Paths: []model.QuantityPath{"links/AB/capacity"}, Rho: q(t, "0.5")}}
	net := model.Build(n)
	want := map[model.QuantityPath]*model.Q{}
	for p, q := range net.Quantities() {
		want[p] = q
	}
	for p, q := range want {
		if got := net.Quantity(p); got != q {
			t.Errorf("Quantity(%s) = %p, want %p", p, got, q)
		}
	}
	for _, p := range []model.QuantityPath{"", "links", "links/AB", "links/AB/", "links/AB/nope", "links/ZZ/capacity",
		"nodes/A/throughput", "markets/coal-A/steps/01/price", "markets/coal-A/steps/2/price", "markets/coal-A/steps/-1/price",
		"markets/coal-A/steps/0", "projects/P1/upgrades/0/add/x", "meta/dataset/horizon", "sources/S1/title",
		"correlations/G/paths", "correlations/H/rho"} {
		if got := net.Quantity(p); got != nil {
			t.Errorf("Quantity(%q) = %v, want nil", p, got)
		}
	}
	if len(want) < 20 {
		t.Errorf("only %d quantities: the test network lost its detail", len(want))
	}
}
