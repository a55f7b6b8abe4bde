package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"runtime"

	"github.com/corridor-dev/corridor/chokepoint"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// ChokepointTop is how many sets a run's chokepoints keep for each k, for the network and each
// country: enough for five rows when links in series share one (re-solving a kept set costs one
// solve).
const ChokepointTop = 12

// ChokepointNetworkK is the largest number of links a run closes together when ranking closures
// by the loss of total surplus: single links and pairs. Pairs show what no single closure does
// (two routes that back each other up); with the branch and bound they cost a few dozen solves
// on the built-in data. Triples are for `corridor chokepoints --k 3`.
const ChokepointNetworkK = 2

// Chokepoints are the links whose closure costs most in one state (decision 0015): the headline
// scenario's initial regime in the reference year, no candidate project built. The network's
// ranking covers single links and pairs (ChokepointNetworkK); each country's, single links only
// (one solve per open link and country).
type Chokepoints struct {
	Scenario string
	// Network ranks closures by the loss of total surplus, a level for each k up to
	// ChokepointNetworkK.
	Network *chokepoint.Result
	// Countries rank them by each country's loss of welfare, in the data set's country order.
	Countries []*chokepoint.Result
}

// RankChokepoints ranks the link closures of sc's initial regime in year, no candidate project
// built: single links and pairs for the network, single links for every country of n.
// workers solve closures in parallel (0 means GOMAXPROCS); the result is the same bytes whatever
// their number (chokepoint.Input.Workers).
func RankChokepoints(ctx context.Context, n *model.Network, sc *scenario.Scenario, year, workers int, newEngine func() (lp.Incremental, error), log *slog.Logger) (*Chokepoints, error) {
	st, _, err := scenario.Apply(n, sc, scenario.Options{Year: year})
	if err != nil {
		return nil, err
	}
	in := chokepoint.Input{State: st, Rules: sc.Rules, K: ChokepointNetworkK, Top: ChokepointTop, NewEngine: newEngine, Workers: cmp.Or(workers, runtime.GOMAXPROCS(0)),
		Method: chokepoint.MethodEnumerate, Logger: log}
	out := &Chokepoints{Scenario: sc.Name}
	if out.Network, err = chokepoint.Evaluate(ctx, in); err != nil {
		return nil, fmt.Errorf("chokepoints of %s: %w", sc.Name, err)
	}
	in.K = 1
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
