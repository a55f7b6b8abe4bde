package appraise

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// game is the network bargaining game of docs/MODEL.md (section 4; Hubert and Ikonnikova
// 2011; Hubert and Cobanli 2015): the players are the data set's countries, and v(S)
// is the largest total surplus a coalition S makes on its own — only the links, nodes and markets
// of its members, tariffs among them being transfers — an LP optimum, unique whatever the duals.
// A project's strategic value to a country is the change of its Shapley value when the project is
// built: the Shapley value of Δv(S) = v(S with it) − v(S without), by linearity.
//
// Three exact reductions keep the game small. Δv(S) is zero unless S holds the project's
// territory, so only those coalitions are solved. Coalitions whose closure shuts the same links
// and markets share one solve (the value cache of the solver), across projects. And the LP falls
// apart into blocks of commodities that share no capacity or cap (gas, electricity, freight on
// the built-in data): a project changes only the blocks of what its links can carry, so two
// coalitions that shut the same links and markets of those blocks have the same Δv, computed
// once. Players that change no Δv — a transit country of a rail link for a gas pipeline, four
// transit countries of one rail link among themselves — are thus handled once.
type game struct {
	players []string
	index   map[string]int
	shuts   [][]int // per player: the links (0 … links−1) and markets (links + i) its absence closes
	size    int     // links + markets
	// the commodity block of each link and market (links first), -1 for links carrying none
	block    []int
	blocks   [][]string // commodity ids of each block
	linkMode []string
}

// newGame prepares the game of the countries players on network n, for the sanctions rules of
// scenarios (a cap over several commodities ties them into one block).
func newGame(n *model.Network, players []string, scenarios []*scenario.Scenario) (*game, error) {
	if len(players) > MaxShapleyPlayers {
		return nil, fmt.Errorf("appraise: the network game enumerates the coalitions of %d countries; at most %d are supported", len(players), MaxShapleyPlayers)
	}
	g := &game{players: players, index: map[string]int{}, shuts: make([][]int, len(players)), size: len(n.Links) + len(n.Markets)}
	for i, c := range players {
		g.index[c] = i
	}
	nodeCountry := map[string]string{}
	for _, nd := range n.Nodes {
		if _, ok := nodeCountry[nd.ID]; !ok {
			nodeCountry[nd.ID] = nd.Country
		}
	}
	for li, l := range n.Links {
		touched := map[int]bool{}
		for _, c := range append([]string{nodeCountry[l.From], nodeCountry[l.To]}, crossed(&l)...) {
			if i, ok := g.index[c]; ok {
				touched[i] = true
			}
		}
		for i := range touched {
			g.shuts[i] = append(g.shuts[i], li)
		}
	}
	for mi, m := range n.Markets {
		if i, ok := g.index[nodeCountry[m.Node]]; ok {
			g.shuts[i] = append(g.shuts[i], len(n.Links)+mi)
		}
	}
	for i := range g.shuts {
		slices.Sort(g.shuts[i])
	}
	g.partition(n, scenarios)
	return g, nil
}

// partition groups the commodities into blocks that share no constraint of the flow LP: two
// commodities share one when a mode carries both (a link's capacity), when both ride freight
// modes (a node's throughput), or when one cap of a scenario matches both.
func (g *game) partition(n *model.Network, scenarios []*scenario.Scenario) {
	parent := make([]int, len(n.Commodities))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	byMode := map[string]int{} // first commodity carried by each mode
	freight := -1
	for ci, c := range n.Commodities {
		for _, m := range c.Modes {
			if first, ok := byMode[m]; ok {
				union(ci, first)
			} else {
				byMode[m] = ci
			}
			if md := n.Mode(m); md != nil && md.Freight() {
				if freight >= 0 {
					union(ci, freight)
				}
				freight = ci
			}
		}
	}
	for _, sc := range scenarios {
		for _, r := range sc.Rules {
			if r.Kind != scenario.Cap {
				continue
			}
			first := -1
			for ci, c := range n.Commodities {
				if r.Commodities.Match(c.ID) {
					if first >= 0 {
						union(ci, first)
					}
					first = ci
				}
			}
		}
	}
	id := map[int]int{}
	commodityBlock := make([]int, len(n.Commodities))
	for ci, c := range n.Commodities {
		root := find(ci)
		b, ok := id[root]
		if !ok {
			b = len(g.blocks)
			id[root] = b
			g.blocks = append(g.blocks, nil)
		}
		g.blocks[b] = append(g.blocks[b], c.ID)
		commodityBlock[ci] = b
	}
	blockOf := func(commodity string) int {
		for ci, c := range n.Commodities {
			if c.ID == commodity {
				return commodityBlock[ci]
			}
		}
		return -1
	}
	g.block = make([]int, g.size)
	for li, l := range n.Links {
		g.block[li] = -1
		if m, ok := byMode[l.Mode]; ok {
			g.block[li] = commodityBlock[m]
		}
	}
	for mi, m := range n.Markets {
		g.block[len(n.Links)+mi] = blockOf(m.Commodity)
	}
}

// projectBlocks returns the blocks project p can change: those of what its links and upgraded
// links carry, and, when it upgrades a node, every block carried to that node.
func (g *game) projectBlocks(n *model.Network, p *model.Project) []int {
	var out []int
	add := func(b int) {
		if b >= 0 && !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	linkIx := func(id string) int { return slices.IndexFunc(n.Links, func(l model.Link) bool { return l.ID == id }) }
	for _, id := range p.Links {
		if li := linkIx(id); li >= 0 {
			add(g.block[li])
		}
	}
	for _, u := range p.Upgrades {
		if li := linkIx(u.Link); li >= 0 {
			add(g.block[li])
		}
		for li, l := range n.Links {
			if u.Node != "" && (l.From == u.Node || l.To == u.Node) {
				add(g.block[li])
			}
		}
	}
	slices.Sort(out)
	return out
}

// signature names what closing the players of mask outside shuts in the given blocks (nil: in
// all): coalitions with the same signature have the same LP in those blocks.
func (g *game) signature(outside uint64, blocks []int) string {
	b := make([]byte, (g.size+7)/8, (g.size+7)/8+len(blocks))
	for i := range g.players {
		if outside&(1<<i) != 0 {
			for _, k := range g.shuts[i] {
				if blocks == nil || slices.Contains(blocks, g.block[k]) {
					b[k/8] |= 1 << (k % 8)
				}
			}
		}
	}
	for _, bl := range blocks {
		b = append(b, byte(bl))
	}
	return string(b)
}

// mask returns the coalition of the given players.
func (g *game) mask(ids []string) uint64 {
	var m uint64
	for _, c := range ids {
		if i, ok := g.index[c]; ok {
			m |= 1 << i
		}
	}
	return m
}

// regimeGame is the game of one project in one regime state and solved year of one scenario
// and draw.
type regimeGame struct {
	delta []float64 // Δv(S), USD/yr, by coalition mask; 0 unless S holds the project's territory
	phi   []float64 // each player's Shapley value of delta, USD/yr: its strategic value a year
}

// play solves Δv(S) for every coalition S that holds project pi's territory, in the regime
// state and year of slot at of scenario si under inputs x, and the Shapley values of Δv. The coalitions are visited
// in Gray-code order of the players left out, from the grand coalition, so that each LP differs
// from the last by one country's links and markets and re-solves warm; with and without the
// project alternate, starting from the optimum of the state with it; where the duals of the
// coalition's optimum without the project prove that the project cannot raise its value, Δv(S)
// is 0 without a second solve.
func (g *game) play(ctx context.Context, s *solver, ev *evaluator, x *inputs, pi, si int, at slot) (*regimeGame, error) {
	reqW, reqO := ev.request(si, pi, at, true, x), ev.request(si, pi, at, false, x)
	with, err := s.solve(ctx, reqW)
	if err != nil {
		return nil, err
	}
	without, err := s.solve(ctx, reqO)
	if err != nil {
		return nil, err
	}
	pp := x.net.Project(ev.projects[pi].ID)
	needed, _ := projectCountries(x.net, pp)
	blocks := g.projectBlocks(x.net, pp)
	all := uint64(1)<<len(g.players) - 1
	need := g.mask(needed)
	var free []int
	for i := range g.players {
		if need&(1<<i) == 0 {
			free = append(free, i)
		}
	}
	if err := s.startFrom(ctx, si, with.basis); err != nil {
		return nil, err
	}
	rg := &regimeGame{delta: make([]float64, 1<<len(g.players))}
	known := map[string]float64{} // Δv by what the closure shuts in the project's blocks
	for k := range uint64(1) << len(free) {
		gray := k ^ k>>1
		var outside uint64
		for b, i := range free {
			if gray&(1<<b) != 0 {
				outside |= 1 << i
			}
		}
		if d, ok := known[g.signature(outside, blocks)]; ok {
			rg.delta[all&^outside] = d
			continue
		}
		var out []string
		for i, c := range g.players {
			if outside&(1<<i) != 0 {
				out = append(out, c)
			}
		}
		sig := g.signature(outside, nil)
		vo, err := s.value(ctx, si, without, out, sig)
		if err != nil {
			return nil, err
		}
		d := 0.0
		if vo.adds[pp.ID] { // otherwise the duals of v(S without) prove the project adds nothing
			vw, err := s.value(ctx, si, with, out, sig)
			if err != nil {
				return nil, err
			}
			d = vw.v - vo.v
			if math.Abs(d) < welfareNoise*max(math.Abs(vw.v), math.Abs(vo.v)) {
				d = 0
			}
		}
		known[g.signature(outside, blocks)] = d
		rg.delta[all&^outside] = d
	}
	rg.phi = Shapley(g.players, func(m uint64) float64 { return rg.delta[m] })
	return rg, nil
}

func crossed(l *model.Link) []string {
	out := make([]string, 0, len(l.Crossings))
	for _, ck := range l.Crossings {
		out = append(out, ck.Country)
	}
	return out
}
