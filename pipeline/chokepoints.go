package pipeline

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/corridor-dev/corridor/chokepoint"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// ChokepointTop is how many sets a run's chokepoints keep, for the network and each country:
// enough for five rows when links in series share one (re-solving a kept set costs one solve).
const ChokepointTop = 12

// Chokepoints are the single links whose closure costs most in one state (decision 0015): the
// headline scenario's initial regime in the reference year, no candidate project built. They are
// single closures only (k = 1): about 45 LP solves for the network (pruned) and one per open
// link for each country, a second or so on the built-in data; pairs and triples are for
// `corridor chokepoints`.
type Chokepoints struct {
	Scenario string
	// Network ranks closures by the loss of total surplus.
	Network *chokepoint.Result
	// Countries rank them by each country's loss of welfare, in the data set's country order.
	Countries []*chokepoint.Result
}

// RankChokepoints ranks the single-link closures of sc's initial regime in year, no candidate
// project built, for the network and every country of n.
func RankChokepoints(ctx context.Context, n *model.Network, sc *scenario.Scenario, year int, newEngine func() (lp.Incremental, error), log *slog.Logger) (*Chokepoints, error) {
	st, _, err := scenario.Apply(n, sc, scenario.Options{Year: year})
	if err != nil {
		return nil, err
	}
	in := chokepoint.Input{State: st, Rules: sc.Rules, K: 1, Top: ChokepointTop, NewEngine: newEngine, Workers: 1,
		Method: chokepoint.MethodEnumerate, Logger: log}
	out := &Chokepoints{Scenario: sc.Name}
	if out.Network, err = chokepoint.Evaluate(ctx, in); err != nil {
		return nil, fmt.Errorf("chokepoints of %s: %w", sc.Name, err)
	}
	for _, c := range n.Countries {
		in.Country = c.ID
		r, err := chokepoint.Evaluate(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("chokepoints of %s for %s: %w", sc.Name, c.ID, err)
		}
		out.Countries = append(out.Countries, r)
	}
	return out, nil
}
