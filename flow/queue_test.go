package flow_test

import (
	"math"
	"testing"

	"github.com/corridor-dev/corridor/internal/testnet"
)

// TestCongestionSharesTraffic checks the queueing cost of a congested node by hand. Supply at A:
// 100 t at 10 USD/t; demand at D: 30 t at 100. Through port P (throughput 40 t, congestion cost
// 1 USD/t at half of it) the route costs 2 + 3; through the uncongested port Q, 5 + 5. The total
// queueing cost of q tonnes at P is 40·u²/(1−u), u = q/40, priced in bands (flow/queue.go): the
// band 50–60 % costs (0.9 − 0.5)/0.1 = 4 a tonne, the next (1.6333 − 0.9)/0.1 = 7.33, so P takes
// traffic while its band costs less than Q's extra 5: 0.6·40 = 24 t, and Q the other 6 t.
// Price at D: 10 + 10 = 20, set by Q; P's throughput dual 5. Queueing cost 40·0.9 = 36.
// Surplus = 30·100 − 30·10 − 24·5 − 6·10 − 36 = 2,484 = consumer (100 − 20)·30 = 2,400
// + P's congestion toll 5·24 − 36 = 84 (its country's capacity rent).
// With a congestion cost of 0 the throughput is a plain limit: P takes all 30 t.
func TestCongestionSharesTraffic(t *testing.T) {
	build := func(cost float64) *testnet.Builder {
		return testnet.New().Country("RUS").Node("A", "RUS").Node("P", "RUS").Node("Q", "RUS").Node("D", "RUS").
			Commodity("coal", "t", "rail1520").
			Link("AP", "A", "P", "rail1520", math.Inf(1), 2).Link("PD", "P", "D", "rail1520", math.Inf(1), 3).
			Link("AQ", "A", "Q", "rail1520", math.Inf(1), 5).Link("QD", "Q", "D", "rail1520", math.Inf(1), 5).
			Congested("P", 40, cost).
			Supply("sA", "A", "coal", [2]float64{100, 10}).Demand("dD", "D", "coal", [2]float64{30, 100})
	}
	res := solve(t, testnet.State(build(1).Network(), nil))
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"objective", res.Objective, 2484},
		{"flow via P", res.Link("AP").Forward, 24},
		{"flow via Q", res.Link("AQ").Forward, 6},
		{"price at D", res.Market("dD").Price, 20},
		{"consumer surplus", res.Country("RUS").Consumer, 2400},
		{"congestion toll", res.Country("RUS").CapacityRent, 84},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %.9g, want %g", c.what, c.got, c.want)
		}
	}
	var found bool
	for _, b := range res.Binding {
		if b.Kind == "node" && b.ID == "P" {
			found = true
			if !near(b.Shadow, 5) || !near(b.Activity, 24) || !near(b.Limit, 40) {
				t.Errorf("P: shadow %g, activity %g, limit %g; want 5, 24, 40", b.Shadow, b.Activity, b.Limit)
			}
		}
	}
	if !found {
		t.Errorf("binding = %+v, want node P", res.Binding)
	}

	free := solve(t, testnet.State(build(0).Network(), nil))
	if !near(free.Link("AP").Forward, 30) || !near(free.Objective, 3000-300-150) {
		t.Errorf("congestion cost 0: flow via P %g, objective %g; want 30, 2550", free.Link("AP").Forward, free.Objective)
	}
}
