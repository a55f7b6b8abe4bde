package appraise

import (
	"testing"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// drawNet has four ranged prices (markets A..D) and a rho with a range.
func drawNet(groups ...model.CorrelationGroup) *model.Network {
	var n model.Network
	for _, id := range []string{"A", "B", "C", "D"} {
		p := model.Q{Value: 50, Unit: quantity.Unit{Text: "USD/t", Factor: 1}, Range: &quantity.Range{Low: 30, Mode: 50, High: 80}}
		n.Markets = append(n.Markets, model.Market{ID: id, Kind: model.Backstop, Steps: []model.Step{{Price: p}}})
	}
	n.Correlations = groups
	return model.Build(n)
}

func price(n *model.Network, id string) float64 { return n.Market(id).Steps[0].Price.Value }

func group(id string, rho float64, members ...string) model.CorrelationGroup {
	g := model.CorrelationGroup{ID: id, Rho: model.Q{Value: rho, Unit: quantity.Unit{Factor: 1}, Range: &quantity.Range{Low: rho - 0.1, Mode: rho, High: rho + 0.05}}}
	for _, m := range members {
		g.Paths = append(g.Paths, model.QuantityPath("markets/"+m+"/steps/0/price"))
	}
	return g
}

// TestSampleNetworkKeyed: a member's value in a draw does not depend on what else is grouped,
// and a quantity in no group is drawn exactly as without any group.
func TestSampleNetworkKeyed(t *testing.T) {
	plain := drawNet()
	one := drawNet(group("g", 0.8, "A", "B"))
	two := drawNet(group("g", 0.8, "A", "B"), group("h", 0.5, "C", "D"))
	for draw := range uint64(20) {
		p, o, w := sampleNetwork(plain, 1, draw), sampleNetwork(one, 1, draw), sampleNetwork(two, 1, draw)
		for _, id := range []string{"A", "B"} {
			if price(o, id) != price(w, id) {
				t.Errorf("draw %d: %s = %v with one group, %v with two", draw, id, price(o, id), price(w, id))
			}
		}
		for _, id := range []string{"C", "D"} {
			if price(o, id) != price(p, id) {
				t.Errorf("draw %d: ungrouped %s = %v, %v without groups", draw, id, price(o, id), price(p, id))
			}
		}
		if price(o, "A") == price(p, "A") {
			t.Errorf("draw %d: grouped A was drawn independently", draw)
		}
		if r := o.Correlations[0].Rho.Value; r == 0.8 || r < 0.7 || r > 0.85 {
			t.Errorf("draw %d: rho = %v, want a draw from 0.7..0.85", draw, r)
		}
	}
}
