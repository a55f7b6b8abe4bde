package appraise

import (
	"math/rand/v2"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/risk"
)

// sampleNetwork returns a clone of n with every quantity that has a range drawn from its
// distribution, in the fixed order of n.Quantities(), so that the same rng gives the same network.
// Project capex is left at its point estimate: the Monte Carlo applies a reference-class overrun
// multiplier instead (see capexMultiplier), so that overruns are not counted twice in data whose
// capex ranges already bracket them.
func sampleNetwork(n *model.Network, rng *rand.Rand) *model.Network {
	c := n.Clone()
	for path, q := range c.Quantities() {
		if q.Range == nil {
			continue
		}
		v := risk.Sample(*q.Range, rng)
		if isCapex(path) {
			continue // drawn (to keep the stream aligned) but not used
		}
		q.Value = v
	}
	return c
}

func isCapex(p model.QuantityPath) bool {
	s := string(p)
	return len(s) > 6 && s[len(s)-6:] == "/capex" && s[:9] == "projects/"
}
