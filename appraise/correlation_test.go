package appraise_test

import (
	"math"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// twinTerminalNet is a Russian field V feeding two Korean terminals S1 and S2 by one project P
// (two pipelines of 6 mcm at cost 10; supply at 20): each terminal has demand of 10 mcm at 100
// and an LNG backstop priced 30..50..80. Russia's rent is 6·(lng1 − 30) + 6·(lng2 − 30) a year,
// so its NPV spreads more when the two LNG prices move together.
func twinTerminalNet(t testing.TB, rho *float64) *model.Network {
	b := testnet.New().Country("RUS", "KOR").Node("V", "RUS").Node("S1", "KOR").Node("S2", "KOR").
		Commodity("gas", "mcm", "gas").
		Link("pipe1", "V", "S1", "gas", 6, 10, testnet.Status(model.StatusProposed, "P")).
		Link("pipe2", "V", "S2", "gas", 6, 10, testnet.Status(model.StatusProposed, "P")).
		Supply("sV", "V", "gas", [2]float64{20, 20}).
		Demand("d1", "S1", "gas", [2]float64{10, 100}).Demand("d2", "S2", "gas", [2]float64{10, 100}).
		Backstop("lng1", "S1", "gas", 50, "").Backstop("lng2", "S2", "gas", 50, "").Project("P", "pipe1", "pipe2")
	n := b.Network().Clone()
	n.Meta.HorizonYears = 3
	n.Meta.Decider = "RUS"
	n.Meta.SocialDiscountRate = testnet.Q(0.05, quantity.DimNone)
	for i := range n.Countries {
		n.Countries[i].DiscountRate = testnet.Q(0.1, quantity.DimNone)
	}
	p := &n.Projects[0]
	p.Class = "" // no overrun: the prices are the only uncertainty
	p.StartYear = 2024
	p.ConstructionYears = testnet.Q(1, quantity.DimTime)
	p.Lifetime = testnet.Q(10, quantity.DimTime)
	p.Capex = testnet.Q(100, quantity.DimMoney)
	p.Opex = testnet.Q(0, quantity.DimMoneyPerYr)
	for i := range n.Markets {
		if n.Markets[i].Kind == model.Backstop {
			n.Markets[i].Steps[0].Price.Range = &quantity.Range{Low: 30, Mode: 50, High: 80, Dist: quantity.Triangular}
		}
	}
	if rho != nil {
		r := testnet.Q(*rho, quantity.DimNone)
		r.Source = quantity.Provenance{Assumption: "test"}
		n.Correlations = []model.CorrelationGroup{{ID: "lng", Paths: []model.QuantityPath{
			"markets/lng1/steps/0/price", "markets/lng2/steps/0/price"}, Rho: r}}
	}
	net := model.Build(*n)
	for _, is := range model.Validate(net) {
		if is.Rule == "correlations" {
			t.Fatalf("test network: %v", is)
		}
	}
	return net
}

// TestCorrelatedPricesWidenNPV: with the two LNG prices correlated at rho = 0.9, Russia's NPV
// spreads more than with independent prices — the variance of a sum of two equal terms grows by
// the factor 1 + r, so the standard deviation by about √1.9 ≈ 1.38 — while its mean stays put.
// At rho = 0 the group is drawn through the copula, not by risk.Sample, so the draws differ
// from independent sampling number by number; the test checks that they agree in distribution
// (mean and standard deviation within sampling error), which is the documented contract.
func TestCorrelatedPricesWidenNPV(t *testing.T) {
	const draws = 400
	npv := func(rho *float64) (mean, sd float64) {
		out, err := appraise.Run(t.Context(), appraise.Input{Net: twinTerminalNet(t, rho), Scenarios: []*scenario.Scenario{{Name: "none"}},
			Draws: draws, Seed: 5, Workers: 4, NewEngine: newSimplexEngine(t), ReferenceYear: 2024})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range out.Cases[0].Countries {
			if c.Country == "RUS" {
				return c.NPV.Mean, c.NPV.StdDev
			}
		}
		t.Fatal("no RUS result")
		return 0, 0
	}
	zero, high := 0.0, 0.9
	mi, si := npv(nil)
	m0, s0 := npv(&zero)
	mh, sh := npv(&high)
	t.Logf("RUS NPV: independent %.1f ± %.1f, rho 0: %.1f ± %.1f, rho 0.9: %.1f ± %.1f", mi, si, m0, s0, mh, sh)
	if si <= 0 {
		t.Fatal("no spread in Russia's NPV")
	}
	if sh < 1.2*si {
		t.Errorf("SD of NPV with rho 0.9 = %.1f, want above 1.2 × the independent %.1f (about 1.38 ×)", sh, si)
	}
	se := si / math.Sqrt(draws)
	if math.Abs(mh-mi) > 4*se*1.4 {
		t.Errorf("mean NPV moved from %.1f to %.1f with correlation: marginals must not change", mi, mh)
	}
	if math.Abs(m0-mi) > 4*se || math.Abs(s0/si-1) > 0.15 {
		t.Errorf("rho 0: NPV %.1f ± %.1f, want the independent %.1f ± %.1f within sampling error", m0, s0, mi, si)
	}
}
