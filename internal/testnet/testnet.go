// Package testnet builds small reference networks for tests, each with an answer derived by hand
// in the test that uses it, and reads the public multi-commodity flow instances in
// testdata/mmcf. It is imported only by tests.
package testnet

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/geo"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// Dimensions of the quantities used here.
var (
	tPerYr   = quantity.DimMass.PerYear()
	mcmPerYr = quantity.DimGas.PerYear()
)

// Q returns a quantity in canonical units with a test provenance.
func Q(v float64, d quantity.Dim) model.Q {
	return quantity.New(v, d, quantity.Provenance{Assumption: "test network"})
}

// Builder assembles a network. Every link is freight (t/yr) unless its mode says otherwise.
type Builder struct {
	n model.Network
}

// New returns a builder with the modes rail1520, rail1435, sea (freight) and gas (mcm/yr) and
// one source.
func New() *Builder {
	b := &Builder{}
	b.n.Meta = model.Meta{Name: "test", BaseYear: 2024}
	b.n.Sources = []model.Source{{ID: "T", Title: "test"}}
	b.n.Modes = []model.Mode{
		{ID: "rail1520", Carrier: model.CarrierRail, GaugeMM: 1520, Capacity: tPerYr, CapacityUnit: "t/yr"},
		{ID: "rail1435", Carrier: model.CarrierRail, GaugeMM: 1435, Capacity: tPerYr, CapacityUnit: "t/yr"},
		{ID: "sea", Carrier: model.CarrierSea, Capacity: tPerYr, CapacityUnit: "t/yr"},
		{ID: "gas", Carrier: model.CarrierPipeline, Capacity: mcmPerYr, CapacityUnit: "mcm/yr"},
	}
	return b
}

// Country adds countries.
func (b *Builder) Country(ids ...string) *Builder {
	for _, id := range ids {
		b.n.Countries = append(b.n.Countries, model.Country{ID: id, Name: id, DiscountRate: Q(0.07, quantity.DimNone)})
	}
	return b
}

// Node adds a node in a country at a made-up position.
func (b *Builder) Node(id, country string) *Builder {
	i := float64(len(b.n.Nodes))
	b.n.Nodes = append(b.n.Nodes, model.Node{ID: id, Name: id, Country: country, Kind: model.KindJunction,
		Pos: geo.LatLon{Lat: 40 + i/10, Lon: 130 + i/10}, PosSource: quantity.Provenance{Assumption: "test"}})
	return b
}

// Transship makes a node a gauge-break point with a throughput limit (t/yr, 0 for none) and a
// handling cost (USD/t).
func (b *Builder) Transship(id string, throughput, cost float64) *Builder {
	nd := b.node(id)
	nd.Transship = true
	if throughput > 0 {
		nd.Throughput = Q(throughput, tPerYr)
	}
	nd.HandlingCost = Q(cost, quantity.DimMoney.Div(quantity.DimMass))
	return b
}

// Congested gives a node a throughput limit (t/yr) and a congestion cost (USD/t at half of it).
func (b *Builder) Congested(id string, throughput, cost float64) *Builder {
	nd := b.node(id)
	nd.Throughput = Q(throughput, tPerYr)
	nd.CongestionCost = Q(cost, quantity.DimMoney.Div(quantity.DimMass))
	return b
}

func (b *Builder) node(id string) *model.Node {
	for i := range b.n.Nodes {
		if b.n.Nodes[i].ID == id {
			return &b.n.Nodes[i]
		}
	}
	panic("testnet: unknown node " + id)
}

// LinkOpt adjusts a link.
type LinkOpt func(*model.Link)

// Tariff sets a transit tariff in USD per capacity unit.
func Tariff(usd float64) LinkOpt {
	return func(l *model.Link) { l.Tariff = Q(usd, l.Cost.Dim) }
}

// OneWay makes a link carry flow only from From to To.
func OneWay() LinkOpt { return func(l *model.Link) { l.TwoWay = false } }

// Status sets a link's status and project.
func Status(s model.Status, project string) LinkOpt {
	return func(l *model.Link) { l.Status, l.Project = s, project }
}

// Crosses sets the km per country (default: all km in the From node's country, or split evenly
// between the two end countries).
func Crosses(cs ...model.CountryKm) LinkOpt { return func(l *model.Link) { l.Crossings = cs } }

// Link adds an existing two-way link. capacity is per year in the mode's unit (math.Inf(1) for
// none) and cost is USD per capacity unit.
func (b *Builder) Link(id, from, to, mode string, capacity, cost float64, opts ...LinkOpt) *Builder {
	var m *model.Mode
	for i := range b.n.Modes {
		if b.n.Modes[i].ID == mode {
			m = &b.n.Modes[i]
		}
	}
	if m == nil {
		panic("testnet: unknown mode " + mode)
	}
	unit := m.Capacity.Mul(quantity.DimTime)
	l := model.Link{ID: id, Name: id, From: from, To: to, Mode: mode, Status: model.StatusExisting, TwoWay: true,
		Length: Q(100, quantity.DimLength), Cost: Q(cost, quantity.DimMoney.Div(unit))}
	if !math.IsInf(capacity, 1) {
		l.Capacity = Q(capacity, m.Capacity)
	}
	fc, tc := b.node(from).Country, b.node(to).Country
	if fc == tc {
		l.Crossings = []model.CountryKm{{Country: fc, Km: 100}}
	} else {
		l.Crossings = []model.CountryKm{{Country: fc, Km: 50}, {Country: tc, Km: 50}}
	}
	for _, o := range opts {
		o(&l)
	}
	b.n.Links = append(b.n.Links, l)
	return b
}

// Commodity adds a commodity counted in unit ("t" or "mcm") carried by the given modes.
func (b *Builder) Commodity(id, unit string, modes ...string) *Builder {
	u, err := quantity.ParseUnit(unit)
	if err != nil {
		panic(err)
	}
	b.n.Commodities = append(b.n.Commodities, model.Commodity{ID: id, Name: id, Unit: u, Modes: modes,
		Price: Q(100, quantity.DimMoney.Div(u.Dim))})
	return b
}

func (b *Builder) commodity(id string) *model.Commodity {
	for i := range b.n.Commodities {
		if b.n.Commodities[i].ID == id {
			return &b.n.Commodities[i]
		}
	}
	panic("testnet: unknown commodity " + id)
}

func (b *Builder) market(id, node, commodity string, kind model.MarketKind, steps [][2]float64, origin string) *Builder {
	c := b.commodity(commodity)
	m := model.Market{ID: id, Name: id, Node: node, Commodity: commodity, Kind: kind, Origin: origin}
	for _, s := range steps {
		st := model.Step{Price: Q(s[1], quantity.DimMoney.Div(c.Unit.Dim))}
		if !math.IsInf(s[0], 1) {
			st.Quantity = Q(s[0], c.Unit.Dim.PerYear())
		}
		m.Steps = append(m.Steps, st)
	}
	b.n.Markets = append(b.n.Markets, m)
	return b
}

// Supply adds supply steps {quantity per year, marginal cost per unit}.
func (b *Builder) Supply(id, node, commodity string, steps ...[2]float64) *Builder {
	return b.market(id, node, commodity, model.Supply, steps, "")
}

// Demand adds demand steps {quantity per year, willingness to pay per unit}.
func (b *Builder) Demand(id, node, commodity string, steps ...[2]float64) *Builder {
	return b.market(id, node, commodity, model.Demand, steps, "")
}

// Backstop adds unlimited imports at a price from origin ("" for the rest of the world).
func (b *Builder) Backstop(id, node, commodity string, price float64, origin string) *Builder {
	return b.market(id, node, commodity, model.Backstop, [][2]float64{{math.Inf(1), price}}, origin)
}

// Project adds a project that builds the given links.
func (b *Builder) Project(id string, links ...string) *Builder {
	b.n.Projects = append(b.n.Projects, model.Project{ID: id, Name: id, Class: "rail", Links: links,
		Capex: Q(1e6, quantity.DimMoney), Financing: map[string]float64{b.n.Countries[0].ID: 1},
		FinancingSource: quantity.Provenance{Assumption: "test"}})
	return b
}

// Network builds the network.
func (b *Builder) Network() *model.Network { return model.Build(b.n) }

// State returns a state in which every existing or under-construction link is available, plus
// the proposed links of the given projects, with the given rules active at their enforcement.
func State(n *model.Network, rules []scenario.ActiveRule, projects ...string) *scenario.State {
	st := &scenario.State{Net: n, Year: n.Meta.BaseYear, Regime: "test", Available: map[string]bool{}, Built: map[string]bool{}, Rules: rules}
	for _, p := range projects {
		st.Built[p] = true
	}
	for _, l := range n.Links {
		switch l.Status {
		case model.StatusExisting, model.StatusConstruction:
			st.Available[l.ID] = true
		case model.StatusProposed:
			st.Available[l.ID] = st.Built[l.Project]
		}
	}
	return st
}

// ReadMMCF reads a Larsson–Yuan multi-commodity flow instance (testdata/mmcf/format.doc): node,
// arc and commodity counts, then "from to cost capacity" per directed arc, then "origin
// destination demand" per commodity. It returns a one-country network in which each
// origin–destination pair is a commodity supplied at its origin at zero cost and demanded at its
// destination at a willingness to pay above any path cost, all sharing arc capacities in tonnes.
// Then the minimum routing cost equals wtp·Σdemand − the LP's total surplus.
func ReadMMCF(r io.Reader) (n *model.Network, wtp, totalDemand float64, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var fields []string
	for sc.Scan() {
		fields = append(fields, strings.Fields(sc.Text())...)
	}
	if err := sc.Err(); err != nil {
		return nil, 0, 0, err
	}
	next := func() (float64, error) {
		if len(fields) == 0 {
			return 0, fmt.Errorf("mmcf: unexpected end of input")
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		fields = fields[1:]
		return v, err
	}
	var counts [3]float64
	for i := range counts {
		if counts[i], err = next(); err != nil {
			return nil, 0, 0, err
		}
	}
	b := New().Country("X")
	for i := 1; i <= int(counts[0]); i++ {
		b.Node("n"+strconv.Itoa(i), "X")
	}
	b.Commodity("dummy", "t") // placeholder replaced below
	b.n.Commodities = nil
	sumCost := 0.0
	for i := 0; i < int(counts[1]); i++ {
		var a [4]float64
		for j := range a {
			if a[j], err = next(); err != nil {
				return nil, 0, 0, err
			}
		}
		sumCost += a[2]
		b.Link(fmt.Sprintf("a%d", i), "n"+strconv.Itoa(int(a[0])), "n"+strconv.Itoa(int(a[1])), "sea", a[3], a[2], OneWay())
	}
	wtp = sumCost + 1 // above the cost of any simple path
	for i := 0; i < int(counts[2]); i++ {
		var od [3]float64
		for j := range od {
			if od[j], err = next(); err != nil {
				return nil, 0, 0, err
			}
		}
		id := fmt.Sprintf("k%d", i)
		b.Commodity(id, "t", "sea")
		b.Supply("s"+id, "n"+strconv.Itoa(int(od[0])), id, [2]float64{od[2], 0})
		b.Demand("d"+id, "n"+strconv.Itoa(int(od[1])), id, [2]float64{od[2], wtp})
		totalDemand += od[2]
	}
	return b.Network(), wtp, totalDemand, nil
}

// Generated returns a synthetic one-country network of about nodes nodes on a square grid with
// links to the right and below neighbours plus one random diagonal per node (about three links
// per node), and k commodities, each supplied at one random node and demanded at five others with
// a backstop at each demand node. Capacities, costs and prices are drawn from a PCG seeded by
// seed, so the network is reproducible. It is for benchmarks: no answer is known.
func Generated(nodes, k int, seed uint64) *model.Network {
	rng := rand.New(rand.NewPCG(seed, 7))
	side := int(math.Ceil(math.Sqrt(float64(nodes))))
	b := New().Country("X")
	id := func(i, j int) string { return fmt.Sprintf("n%d_%d", i, j) }
	for i := 0; i < side; i++ {
		for j := 0; j < side; j++ {
			b.Node(id(i, j), "X")
		}
	}
	link := 0
	add := func(from, to string) {
		link++
		b.Link(fmt.Sprintf("l%d", link), from, to, "rail1520", 50+rng.Float64()*200, 1+rng.Float64()*9)
	}
	for i := 0; i < side; i++ {
		for j := 0; j < side; j++ {
			if j+1 < side {
				add(id(i, j), id(i, j+1))
			}
			if i+1 < side {
				add(id(i, j), id(i+1, j))
			}
			if i+1 < side && j+1 < side {
				add(id(i, j), id(i+1, j+1))
			}
		}
	}
	pick := func() string { return id(rng.IntN(side), rng.IntN(side)) }
	for c := 0; c < k; c++ {
		cid := fmt.Sprintf("c%d", c)
		b.Commodity(cid, "t", "rail1520")
		b.Supply("s"+cid, pick(), cid, [2]float64{500, 10 + rng.Float64()*10})
		for d := 0; d < 5; d++ {
			node := pick()
			b.Demand(fmt.Sprintf("d%s_%d", cid, d), node, cid, [2]float64{100, 200 + rng.Float64()*100})
			b.Backstop(fmt.Sprintf("b%s_%d", cid, d), node, cid, 150+rng.Float64()*100, "")
		}
	}
	return b.Network()
}
