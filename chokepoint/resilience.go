package chokepoint

import (
	"context"
	"fmt"

	"github.com/corridor-dev/corridor/scenario"
)

// Redundancy is what one candidate project does to a party's worst closure (issue #15, the
// value of redundancy). For the party's welfare W (total surplus, or one country's), and the
// worst closure of K candidates of the network without the project:
//
//	WorstWithout = max_S W₀(∅) − W₀(S)        the worst loss without the project
//	WorstWith    = max_S W_p(∅) − W_p(S)      the worst loss with it, over the same candidates
//	Reduction    = WorstWithout − WorstWith   USD/yr; > 0: the project makes the party safer
//
// The candidates are those open without the project, so that both worst cases close the same
// things; the project's own links are closed only with a node closure at their ends. A project can also raise the worst
// loss (Reduction < 0): the network comes to lean on a link whose closure then costs more.
type Redundancy struct {
	Project      string  `json:"project"`
	Country      string  `json:"country,omitempty"` // "" for total surplus
	WorstWithout float64 `json:"worst_loss_without"`
	WorstWith    float64 `json:"worst_loss_with"`
	Reduction    float64 `json:"reduction"`
	// ClosedWithout and ClosedWith are the worst sets (the first of equals, in candidate order);
	// empty when no closure costs the party anything.
	ClosedWithout []string `json:"closed_without"`
	ClosedWith    []string `json:"closed_with"`
}

// Resilience returns, for each project and each party ("" for total surplus, else a country
// id), the Redundancy of building the project into in.State: the worst closure of in.K
// candidates (in.Links, in.Modes and in.Nodes choose them as for Evaluate) with and without it.
// with returns the state with one more project built. Results are in the order of projects,
// then parties.
func Resilience(ctx context.Context, in Input, projects []string, parties []string, with func(project string) (*scenario.State, error)) ([]Redundancy, error) {
	k := in.K
	if k == 0 {
		k = 1
	}
	base := in
	base.K, base.Top, base.Reroutes = k, 1, 1
	cands, err := candidates(in.State, in.Links, in.Modes, in.Nodes)
	if err != nil {
		return nil, err
	}
	// the same candidates with the project: the candidate links open without it, and the same
	// node closures (which also close the project's links at those nodes: a closed node is closed)
	links := []string{}
	for _, c := range cands {
		if c.Kind == "link" {
			links = append(links, c.ID)
		}
	}
	worst := func(st *scenario.State, party string, fixed bool) (float64, []string, error) {
		e := base
		e.State, e.Country = st, party
		if fixed {
			e.Links, e.Modes = links, nil
		}
		res, err := Evaluate(ctx, e)
		if err != nil {
			return 0, nil, err
		}
		top := res.Levels[len(res.Levels)-1].Top[0]
		loss := top.Loss
		if party != "" {
			loss = *top.CountryLoss
		}
		if loss <= 0 {
			return loss, nil, nil // no closure costs the party anything: no worst set to name
		}
		return loss, top.Closed, nil
	}
	type worstCase struct {
		loss   float64
		closed []string
	}
	without := make(map[string]worstCase, len(parties))
	for _, party := range parties {
		l, c, err := worst(in.State, party, false)
		if err != nil {
			return nil, err
		}
		without[party] = worstCase{l, c}
	}
	var out []Redundancy
	for _, p := range projects {
		st, err := with(p)
		if err != nil {
			return nil, fmt.Errorf("chokepoint: state with %s: %w", p, err)
		}
		for _, party := range parties {
			l, c, err := worst(st, party, true)
			if err != nil {
				return nil, fmt.Errorf("chokepoint: with %s: %w", p, err)
			}
			w := without[party]
			out = append(out, Redundancy{Project: p, Country: party, WorstWithout: w.loss, WorstWith: l, Reduction: w.loss - l,
				ClosedWithout: w.closed, ClosedWith: c})
		}
	}
	return out, nil
}
