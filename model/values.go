package model

import (
	"iter"

	"github.com/corridor-dev/corridor/quantity"
)

// Values yields every value of the network that a source must back, with its provenance, in
// table order: each set quantity (named as Quantities names it), each node's position
// ("nodes/<id>/position"), the km by country of each link that crosses more than one country
// ("links/<id>/countries"; one country's km are the link's length), each link's and project's
// owners ("…/owners"), each project's start year ("projects/<id>/start_year") and financing
// shares ("projects/<id>/financing"). Definitions (ids, base year, horizon, gauges, statuses)
// are not values. A value without provenance is yielded with a zero Provenance (the provenance
// rule reports it), so that every value is counted whether or not it is sourced.
func (n *Network) Values() iter.Seq2[string, quantity.Provenance] {
	return func(yield func(string, quantity.Provenance) bool) {
		for path, q := range n.Quantities() {
			if !yield(string(path), q.Source) {
				return
			}
		}
		for i := range n.Nodes {
			if !yield(string(CompNodes)+"/"+n.Nodes[i].ID+"/position", n.Nodes[i].PosSource) {
				return
			}
		}
		for i := range n.Links {
			x := &n.Links[i]
			p := string(CompLinks) + "/" + x.ID + "/"
			if len(x.Crossings) > 1 && !yield(p+"countries", x.CrossingsSource) {
				return
			}
			if len(x.Owners) > 0 && !yield(p+"owners", x.OwnersSource) {
				return
			}
		}
		for i := range n.Projects {
			x := &n.Projects[i]
			p := string(CompProjects) + "/" + x.ID + "/"
			if x.StartYear != 0 && !yield(p+"start_year", x.StartYearSource) {
				return
			}
			if len(x.Financing) > 0 && !yield(p+"financing", x.FinancingSource) {
				return
			}
			if len(x.Owners) > 0 && !yield(p+"owners", x.OwnersSource) {
				return
			}
		}
	}
}
