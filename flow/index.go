package flow

import (
	"cmp"
	"slices"

	"github.com/corridor-dev/corridor/model"
)

// The tables below are derived once from the structure of the network a Problem is built for, so
// that compute and extract, which run on every solve, index slices instead of hashing strings.
// They cover only what a state cannot change: ids, end nodes, modes, crossings and where the
// markets are (Update accepts only states of the same network).

// linkInfo is what a Problem knows about one link of the network.
type linkInfo struct {
	pos   int       // position in Result.Links; -1 when the link has no arc
	cross []int     // the countries it crosses, as indices into Problem.countries
	km    []float64 // km in each of them
	share []float64 // km / Σ km for each crossing; nil when Σ km ≤ 0 (nobody is owed anything)
	// owners receive the capacity rent in ownerShare (model.Network.OwnersOf); nil when nobody
	// is known to own the link
	owners     []int
	ownerShare []float64
	// host, when ≥ 0, is the country a transit contract pays the link's whole tariff and
	// contract.RentShare of its owners' rent; contract locates the contract in Net.Projects
	host     int
	contract [2]int // project index, contract index
}

// junction is a node and a mode at which a chain of saturated arcs may pass straight through.
type junction struct {
	in, out []int // arcs of the mode that end / start at the node, in arc order
}

// scratch holds buffers reused from one solve to the next: a Problem solves states one at a
// time, and the result returned never points into them.
type scratch struct {
	vals                           values
	active                         []float64 // compute: enforcement by rule, NaN when inactive
	nonPart                        []bool    // compute: by country
	closed                         []bool    // Value: by country, outside the coalition
	shut                           []bool    // Value: by commodity, closed with the coalition
	avail                          []bool    // compute: by link
	growth                         []float64 // compute: demand growth factor by market
	arcCost                        []float64 // compute: by arc
	arcTime                        []float64 // compute: by arc, transit time in years (0 without a speed)
	timeValue                      []float64 // compute: by commodity, USD per unit per year in transit
	ci, bi, ri                     []int     // Update: changed columns and rows
	cv, blo, bhi, rlo, rhi         []float64 // Update: their new values
	welfare                        []CountryWelfare
	touched                        []bool
	rents                          []float64 // extract: capacity rent by arc
	enforcement                    []float64 // extract: by rule, NaN when inactive
	full, flowing                  []bool    // saturatedChains: by arc
	parent, groupOf, groupAt, flat []int     // saturatedChains: union-find and the groups
}

// index fills the tables of p from its structure.
func (p *Problem) index() {
	n := p.net
	p.countryIx = map[string]int{}
	addCountry := func(id string) int {
		if i, ok := p.countryIx[id]; ok {
			return i
		}
		p.countries = append(p.countries, id)
		p.countryIx[id] = len(p.countries) - 1
		return len(p.countries) - 1
	}
	p.nodeCountry = make([]int, len(n.Nodes))
	for i := range n.Nodes {
		p.nodeCountry[i] = addCountry(n.Nodes[i].Country)
	}
	p.links = make([]linkInfo, len(n.Links))
	for li := range n.Links {
		info := &p.links[li]
		info.pos, info.host = -1, -1
		for _, o := range n.OwnersOf(&n.Links[li]) {
			info.owners = append(info.owners, addCountry(o.Country))
			info.ownerShare = append(info.ownerShare, o.Fraction)
		}
		if pi, ci, ok := n.ContractOf(&n.Links[li]); ok {
			info.host = addCountry(n.Projects[pi].Contracts[ci].Host)
			info.contract = [2]int{pi, ci}
		}
		total := 0.0
		for _, ck := range n.Links[li].Crossings {
			info.cross = append(info.cross, addCountry(ck.Country))
			info.km = append(info.km, ck.Km)
			total += ck.Km
		}
		if total > 0 {
			for _, km := range info.km {
				info.share = append(info.share, km/total)
			}
		}
	}
	for _, c := range p.comms {
		for _, o := range c.origins {
			addCountry(o)
		}
	}
	p.byCountry = make([]int, len(p.countries))
	for i := range p.byCountry {
		p.byCountry[i] = i
	}
	slices.SortFunc(p.byCountry, func(a, b int) int { return cmp.Compare(p.countries[a], p.countries[b]) })

	// Markets: their nodes (the first node with the id, as Network lookups find it) and which
	// commodities are traded at each node.
	p.marketNode = make([]int, len(n.Markets))
	traded := make([]map[string]bool, len(n.Nodes))
	first := make(map[string]int, len(n.Nodes))
	for i := len(n.Nodes) - 1; i >= 0; i-- {
		first[n.Nodes[i].ID] = i
	}
	firstNode := func(id string) int {
		if v, ok := first[id]; ok {
			return v
		}
		return -1
	}
	for mi := range n.Markets {
		mk := &n.Markets[mi]
		v := firstNode(mk.Node)
		p.marketNode[mi] = v
		if v < 0 {
			if p.unknownMarketNode == "" {
				p.unknownMarketNode = mk.Node
			}
			continue
		}
		if traded[v] == nil {
			traded[v] = map[string]bool{}
		}
		traded[v][mk.Commodity] = true
	}
	tradedAt := func(v int, a *arc) bool {
		for _, k := range a.commodity {
			if traded[v][n.Commodities[p.comms[k].index].ID] {
				return true
			}
		}
		return false
	}

	// Arcs.
	for ai := range p.arcs {
		a := &p.arcs[ai]
		a.tailNode = firstNode(a.tail)
		a.mode = slices.IndexFunc(n.Modes, func(m model.Mode) bool { return m.ID == n.Links[a.link].Mode })
		a.tailCtryIx, a.headCtryIx = p.countryIx[a.tailCtry], p.countryIx[a.headCtry]
		for _, c := range a.touched {
			a.touchedIx = append(a.touchedIx, p.countryIx[c])
		}
		a.tradedHead, a.tradedTail = tradedAt(a.headNode, a), tradedAt(a.tailNode, a)
		if p.links[a.link].pos < 0 {
			p.links[a.link].pos = len(p.linkOrder)
			p.linkOrder = append(p.linkOrder, a.link)
		}
	}
	p.junctions = p.findJunctions()

	// Columns: origins, and for market columns the row whose dual prices them and the country
	// whose surplus they are.
	hasColumn := make([]bool, len(n.Markets))
	for j := range p.cols {
		c := &p.cols[j]
		c.originIx = -1
		if i, ok := p.countryIx[c.origin]; ok {
			c.originIx = i
		}
		switch c.kind {
		case varSupply, varBackstop, varDemand:
			v := p.marketNode[c.market]
			if v < 0 {
				continue // extract panics before it would use them
			}
			if c.kind == varDemand {
				c.dualRow, c.owner = p.demand[[2]int{c.k, v}], p.nodeCountry[v]
			} else {
				// dualRow: the balance row, set by structure. A backstop's rent (when its import
				// limit binds) goes to the importing country, which holds the import capacity.
				c.owner = p.nodeCountry[v]
			}
			hasColumn[c.market] = true
		}
	}
	// Result.Markets: every market with a column, in market order.
	p.marketPos = make([]int, len(n.Markets))
	for mi, has := range hasColumn {
		p.marketPos[mi] = -1
		if has {
			p.marketPos[mi] = len(p.marketOrder)
			p.marketOrder = append(p.marketOrder, mi)
		}
	}
	for r, info := range p.rows {
		if info.kind == rowBalance {
			p.balanceRows++
		}
		if info.kind == rowNodeCap {
			p.nodeCaps = append(p.nodeCaps, r)
		}
	}
	slices.SortFunc(p.nodeCaps, func(a, b int) int { return cmp.Compare(p.rows[a].node, p.rows[b].node) })
}

// findJunctions returns every (node, mode) that some arc of the mode enters and another leaves:
// the places where saturatedChains may join two arcs.
func (p *Problem) findJunctions() []junction {
	type nodeMode struct{ node, mode int }
	in, out := map[nodeMode][]int{}, map[nodeMode][]int{}
	var keys []nodeMode
	for ai, a := range p.arcs {
		h, t := nodeMode{a.headNode, a.mode}, nodeMode{a.tailNode, a.mode}
		if _, ok := in[h]; !ok {
			if _, ok := out[h]; !ok {
				keys = append(keys, h)
			}
		}
		in[h] = append(in[h], ai)
		if _, ok := out[t]; !ok {
			if _, ok := in[t]; !ok {
				keys = append(keys, t)
			}
		}
		out[t] = append(out[t], ai)
	}
	var js []junction
	for _, k := range keys {
		if len(in[k]) > 0 && len(out[k]) > 0 {
			js = append(js, junction{in: in[k], out: out[k]})
		}
	}
	return js
}
