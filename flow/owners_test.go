package flow_test

import (
	"math"
	"testing"

	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// transitPipeline is a gas pipeline SA (country A) – DC (country C) across B (100, 400 and
// 100 km), financed wholly by A, with a transit tariff of 2 per mcm. A supplies 20 at 10; C wants
// 20 at 50 and can import LNG at 40 without limit. The pipeline (capacity 10, cost 5) is full:
// λ_A = 10 (A's supply is partly used), λ_C = 40 (the backstop is), so its rent is
// 40 − 10 − 5 − 2 = 23 per mcm, 230 a year.
func transitPipeline(rentShare float64) *model.Network {
	n := testnet.New().Country("A", "B", "C").Node("SA", "A").Node("DC", "C").
		Commodity("gas", "mcm", "gas").
		Link("P", "SA", "DC", "gas", 10, 5, testnet.OneWay(), testnet.Tariff(2), testnet.Status(model.StatusProposed, "PIPE"),
			testnet.Crosses(model.CountryKm{Country: "A", Km: 100}, model.CountryKm{Country: "B", Km: 400}, model.CountryKm{Country: "C", Km: 100})).
		Supply("sup", "SA", "gas", [2]float64{20, 10}).
		Demand("dem", "DC", "gas", [2]float64{20, 50}).
		Backstop("lng", "DC", "gas", 40, "").
		Project("PIPE", "P").Network()
	k := model.Contract{Host: "B", Source: quantity.Provenance{Assumption: "test"}}
	if rentShare > 0 {
		k.RentShare = testnet.Q(rentShare, quantity.DimNone)
	}
	n.Projects[0].Contracts = []model.Contract{k}
	return n
}

// TestOwnersAndHosts: the owner (A, who financed the pipeline) receives its rent; the host (B)
// exactly the transit tariff, 2 × 10 — and with a contract for 10 % of the rent, 23 more, taken
// from A's. C's consumer surplus is (50 − 40) × 20. Before ownership, B received 4/6 of the rent
// for its km.
func TestOwnersAndHosts(t *testing.T) {
	for _, tt := range []struct {
		share              float64
		wantA, wantB, want float64
	}{
		{0, 230, 20, 200},
		{0.1, 207, 43, 200},
	} {
		n := transitPipeline(tt.share)
		res := solve(t, testnet.State(n, nil, "PIPE"))
		a, b, c := res.Country("A"), res.Country("B"), res.Country("C")
		if !near(a.Total(), tt.wantA) || !near(b.Total(), tt.wantB) || !near(c.Total(), tt.want) {
			t.Errorf("rent share %g: welfare A %.9g, B %.9g, C %.9g; want %g, %g, %g", tt.share, a.Total(), b.Total(), c.Total(), tt.wantA, tt.wantB, tt.want)
		}
		if !near(b.Transit, tt.wantB) || !near(a.CapacityRent, tt.wantA) {
			t.Errorf("rent share %g: B transit %.9g, A capacity rent %.9g; want %g, %g", tt.share, b.Transit, a.CapacityRent, tt.wantB, tt.wantA)
		}
	}
}

// TestOwnersInData: owners named on the link override the project's financing.
func TestOwnersInData(t *testing.T) {
	n := transitPipeline(0)
	n.Links[0].Owners = []model.Share{{Country: "A", Fraction: 0.5}, {Country: "C", Fraction: 0.5}}
	res := solve(t, testnet.State(n, nil, "PIPE"))
	if a, c := res.Country("A").CapacityRent, res.Country("C").CapacityRent; !near(a, 115) || !near(c, 115) {
		t.Errorf("capacity rent A %.9g, C %.9g; want 115 each", a, c)
	}
	if got := math.Abs(res.Country("B").Transit - 20); got > tol {
		t.Errorf("B transit %.9g, want 20", res.Country("B").Transit)
	}
}
