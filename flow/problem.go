package flow

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/face"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// RestOfWorld is the origin of backstop imports that name no country (e.g. LNG from the world
// market). Its surplus is counted outside every country of the data set.
const RestOfWorld = "ROW"

// ErrStructure is returned by Update when a state does not fit the problem's structure (other
// links, commodities, markets or rules); build a new Problem instead.
var ErrStructure = errors.New("flow: state does not match the problem structure")

// Options tune how a Problem is built.
type Options struct {
	// Rules is the universe of sanctions rules the problem must be able to express. A state may
	// activate any subset of them (Update changes only bounds and costs). Nil means the rules of the
	// state passed to Build.
	Rules []scenario.Rule
	// Logger receives debug detail; nil discards.
	Logger *slog.Logger
	// Lean leaves Prices, Markets and Binding out of every Result, for callers that re-solve
	// many states and read only welfare, flows and leakage (the Monte Carlo). Everything else
	// in the Result is as without it.
	Lean bool
	// Method chooses how Solve solves the LP (Update always re-solves it whole, warm).
	Method Method
	// NewFaceEngine makes the engines that pick the canonical optimum of every solve (package
	// lp/face); nil means pure-Go simplex engines.
	NewFaceEngine func() (lp.Incremental, error)
}

// Method is how Problem.Solve solves the LP.
type Method uint8

const (
	// MethodAuto decomposes LPs of at least DecomposeColumns columns and solves smaller ones
	// whole.
	MethodAuto Method = iota
	// MethodWhole hands the whole LP to the engine.
	MethodWhole
	// MethodDecompose solves by Dantzig–Wolfe decomposition (package lp/dw), the engine solving
	// only the master LPs; when the LP does not fit the method, it is solved whole.
	MethodDecompose
)

// String returns "auto", "whole" or "decompose".
func (m Method) String() string {
	switch m {
	case MethodWhole:
		return "whole"
	case MethodDecompose:
		return "decompose"
	}
	return "auto"
}

// DecomposeColumns is the LP size, in columns, from which MethodAuto decomposes. On the
// generated grid networks of BenchmarkGenerated the decomposition is already faster at 10,000
// columns (docs/benchmarks.md); the margin keeps the small, densely coupled LPs of real data, for
// which the simplex is fast and gives a basis to re-solve from, on the whole LP.
const DecomposeColumns = 50_000

// arc is one direction of a link.
type arc struct {
	link      int // index into Net.Links
	tail      string
	head      string
	tailCtry  string
	headCtry  string
	entered   []string // countries entered when crossing: (crossings ∪ head) \ tail
	touched   []string // tail, head and every country crossed
	freight   bool
	forward   bool
	capRow    int // row index of the arc's capacity, -1 when the link has no capacity limit
	headNode  int // index into Net.Nodes
	commodity []int

	// Index tables, so that compute and extract need no maps.
	tailNode   int   // index into Net.Nodes
	mode       int   // index into Net.Modes
	tailCtryIx int   // index into Problem.countries
	headCtryIx int   // index into Problem.countries
	touchedIx  []int // touched, as indices into Problem.countries
	tradedHead bool  // a commodity the arc carries has a market at its head
	tradedTail bool  // … at its tail
}

// varKind says what a column of the LP stands for.
type varKind uint8

const (
	varFlow      varKind = iota // x[k,o,a]
	varSupply                   // s[market, step]
	varDemand                   // d[market, step]
	varBackstop                 // b[market]
	varDelivery                 // y[k,o,node]: origin o's flow consumed at a demand node
	varCompliant                // rule r: flow across the rule within its cap
	varEvading                  // rule r: flow across the rule beyond its cap (sanctions leakage)
	varLoad                     // (k, o, node, mode): goods put onto a mode at a handling node from its market, free
	varHandle                   // (k, o, node, mode): goods moved at a handling node, paying its handling cost: off a mode, or from one mode to another
	varQueue                    // (node, band): tonnes through a congested node in one band of its utilisation, paying that band's marginal queueing cost
)

// column describes one LP column.
type column struct {
	kind   varKind
	k      int    // commodity index
	origin string // origin country
	arc    int    // varFlow
	market int    // varSupply, varDemand, varBackstop
	step   int    // varSupply, varDemand; varQueue: the band, into queueBands
	node   int    // varDelivery, varLoad, varHandle, varQueue
	mode   int    // varLoad, varHandle: index into Net.Modes
	rule   int    // varCompliant, varEvading

	originIx int // origin as an index into Problem.countries
	tailRow  int // varFlow, varLoad, varHandle: the balance (or layer) row the flow leaves
	headRow  int // varFlow, varLoad, varHandle: the balance (or layer) row the flow enters
	dualRow  int // varSupply, varBackstop: the balance row of the market; varDemand: its demand row
	owner    int // varSupply, varBackstop, varDemand: the country whose surplus it is, into Problem.countries
}

// commodity is a commodity that has at least one market, with its origins.
type commodity struct {
	index   int     // into Net.Commodities
	tonnes  float64 // tonnes per unit on freight modes
	origins []string
}

// rowKind says what a row of the LP stands for.
type rowKind uint8

const (
	rowBalance rowKind = iota // (k, o, node): uses − sources = 0
	rowDemand                 // (k, node): Σ steps − Σ deliveries = 0
	rowLinkCap                // arc capacity
	rowNodeCap                // node throughput
	rowRule                   // (rule, k): Σ matched flow − compliant − evading = 0
	rowRuleCap                // rule: Σ compliant ≤ cap
	rowLayer                  // (k, o, node, mode) at a handling node: uses − sources = 0 on one mode
)

type rowInfo struct {
	kind   rowKind
	k      int
	origin string
	node   int
	mode   int // rowLayer: index into Net.Modes
	arc    int
	rule   int
}

// Problem is the LP of one network and rule universe. Build it once, then Solve; for another
// state of the same network (other capacities, prices, availability, active rules) call Update,
// which changes only bounds and costs so that an incremental engine re-solves warm.
type Problem struct {
	net    *model.Network
	rules  []scenario.Rule
	log    *slog.Logger
	lean   bool   // Options.Lean
	method Method // Options.Method

	comms   []commodity
	arcs    []arc
	cols    []column
	rows    []rowInfo
	demand  map[[2]int]int // row of each (k, node) demand
	nodeCap map[int]int    // row of each node's throughput
	queue   map[int][]int  // band columns of each congested node's throughput row
	ruleRow []int          // cap row of each cap rule; -1 for bans and premiums
	matched [][]int        // flow columns matched by each rule

	// Index tables derived from the structure (index.go).
	countries         []string              // every country a result can name: node countries, crossings, origins
	countryIx         map[string]int        // index of each country in countries
	byCountry         []int                 // indices into countries, sorted by id
	nodeCountry       []int                 // country of each node, into countries
	links             []linkInfo            // per link of the network
	linkOrder         []int                 // links with an arc, in the order of Result.Links
	marketNode        []int                 // node of each market (first node with its id), -1 when unknown
	unknownMarketNode string                // the first market node id that names no node, if any
	marketPos         []int                 // position of each market in Result.Markets, -1 when absent
	marketOrder       []int                 // markets with a column, in the order of Result.Markets
	nodeCaps          []int                 // node throughput rows, in node order
	balanceRows       int                   // number of balance rows: the length of Result.Prices
	junctions         []junction            // where saturated chains may pass through
	projects          map[string]*projectIx // where each project would change the LP (Value), made when first asked

	scratch scratch // buffers reused across solves

	picker     *face.Picker // picks the canonical optimum of every solve
	determined []bool       // rows whose dual the last canonical optimum fixes
	model      *lp.Model
	named      bool // the model's columns and rows have names (Model)
	// decomposed says that the last solve left a master LP, not the model, in the engine
	decomposed bool
	state      *scenario.State // the state whose values the model holds
	basis      *lp.Basis       // the optimal basis of the first solve, for Reset
	last       *lp.Basis       // the optimal basis of the last solve
	first      *scenario.State // the state the problem was built for, for Reset
}

// Build creates the LP for st. The structure covers every link of st.Net (unavailable ones get
// zero bounds), every commodity with a market, and every rule of opt.Rules (or st's rules).
func Build(st *scenario.State, opt Options) (*Problem, error) {
	if st == nil || st.Net == nil {
		panic("flow: Build needs a state with a network")
	}
	picker, err := face.New(opt.NewFaceEngine)
	if err != nil {
		return nil, fmt.Errorf("flow: %w", err)
	}
	p := &Problem{net: st.Net, log: opt.Logger, lean: opt.Lean, method: opt.Method, demand: map[[2]int]int{}, nodeCap: map[int]int{},
		queue: map[int][]int{}, picker: picker}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.rules = opt.Rules
	if p.rules == nil {
		for _, ar := range st.Rules {
			p.rules = append(p.rules, *ar.Rule)
		}
	}
	if err := p.structure(); err != nil {
		return nil, errors.Join(err, picker.Close())
	}
	if err := p.setValues(st); err != nil {
		return nil, errors.Join(err, picker.Close())
	}
	p.first = st
	return p, nil
}

// Model returns the LP as built, with its values of the last state solved, for writing to MPS or
// inspection. Do not modify it.
func (p *Problem) Model() *lp.Model {
	if !p.named {
		p.name()
		p.named = true
	}
	return p.model
}

// name names the columns and rows of the model after what they stand for, e.g.
// "x_grain_AAA_PORT_CITY" for the flow of grain of origin AAA from node PORT to node CITY and
// "bal_grain_AAA_CITY" for its balance at CITY. Solving needs no names, so they are made only
// for Model.
func (p *Problem) name() {
	n := p.net
	commodity := func(k int) string { return n.Commodities[p.comms[k].index].ID }
	for j, c := range p.cols {
		var name string
		switch c.kind {
		case varFlow:
			a := &p.arcs[c.arc]
			name = "x_" + commodity(c.k) + "_" + c.origin + "_" + a.tail + "_" + a.head
		case varSupply:
			name = "s_" + n.Markets[c.market].ID + "_" + strconv.Itoa(c.step)
		case varBackstop:
			name = "b_" + n.Markets[c.market].ID
		case varDemand:
			name = "d_" + n.Markets[c.market].ID + "_" + strconv.Itoa(c.step)
		case varDelivery:
			name = "y_" + commodity(c.k) + "_" + c.origin + "_" + n.Nodes[c.node].ID
		case varCompliant:
			name = "comp_" + p.rules[c.rule].ID + "_" + commodity(c.k)
		case varEvading:
			name = "evade_" + p.rules[c.rule].ID + "_" + commodity(c.k)
		case varLoad:
			name = "load_" + commodity(c.k) + "_" + c.origin + "_" + n.Nodes[c.node].ID + "_" + n.Modes[c.mode].ID
		case varHandle:
			name = "handle_" + commodity(c.k) + "_" + c.origin + "_" + n.Nodes[c.node].ID + "_" + n.Modes[c.mode].ID
		case varQueue:
			name = "queue_" + n.Nodes[c.node].ID + "_" + strconv.Itoa(c.step)
		}
		p.model.Vars[j].Name = name
	}
	for i, r := range p.rows {
		var name string
		switch r.kind {
		case rowBalance:
			name = "bal_" + commodity(r.k) + "_" + r.origin + "_" + n.Nodes[r.node].ID
		case rowDemand:
			name = "dem_" + commodity(r.k) + "_" + n.Nodes[r.node].ID
		case rowLinkCap:
			a := &p.arcs[r.arc]
			dir := "f"
			if !a.forward {
				dir = "b"
			}
			name = "cap_" + n.Links[a.link].ID + "_" + dir
		case rowNodeCap:
			name = "thru_" + n.Nodes[r.node].ID
		case rowRuleCap:
			name = "cap_" + p.rules[r.rule].ID
		case rowRule:
			name = "rule_" + p.rules[r.rule].ID + "_" + commodity(r.k)
		case rowLayer:
			name = "bal_" + commodity(r.k) + "_" + r.origin + "_" + n.Nodes[r.node].ID + "_" + n.Modes[r.mode].ID
		}
		p.model.Rows[i].Name = name
	}
}

// structure creates columns and rows; bounds and costs come from setValues.
func (p *Problem) structure() error {
	n := p.net
	nodeIx := make(map[string]int, len(n.Nodes))
	for i := range n.Nodes {
		nodeIx[n.Nodes[i].ID] = i
	}
	// Commodities with markets, and their origins.
	for ci := range n.Commodities {
		c := &n.Commodities[ci]
		origins := map[string]bool{}
		has := false
		for _, m := range n.Markets {
			if m.Commodity != c.ID {
				continue
			}
			has = true
			switch m.Kind {
			case model.Supply:
				if nd := n.Node(m.Node); nd != nil {
					origins[nd.Country] = true
				}
			case model.Backstop:
				origins[cmpOr(m.Origin, RestOfWorld)] = true
			}
		}
		if !has {
			continue
		}
		tonnes := 1.0
		if c.TonnesPerUnit.IsSet() {
			tonnes = c.TonnesPerUnit.Value
		}
		p.comms = append(p.comms, commodity{index: ci, tonnes: tonnes, origins: slices.Sorted(maps.Keys(origins))})
	}
	commOfID := map[string]int{}
	for k, c := range p.comms {
		commOfID[n.Commodities[c.index].ID] = k
	}
	// Arcs.
	for li := range n.Links {
		l := &n.Links[li]
		mode := n.Mode(l.Mode)
		from, to := n.Node(l.From), n.Node(l.To)
		if mode == nil || from == nil || to == nil {
			return fmt.Errorf("flow: link %s refers to an unknown mode or node (validate the network first)", l.ID)
		}
		var ks []int
		for k, c := range p.comms {
			if slices.Contains(n.Commodities[c.index].Modes, l.Mode) {
				ks = append(ks, k)
			}
		}
		if len(ks) == 0 {
			continue
		}
		dirs := []bool{true}
		if l.TwoWay {
			dirs = append(dirs, false)
		}
		for _, fwd := range dirs {
			a := arc{link: li, freight: mode.Freight(), forward: fwd, commodity: ks, capRow: -1}
			tail, head := from, to
			if !fwd {
				tail, head = to, from
			}
			a.tail, a.head, a.tailCtry, a.headCtry = tail.ID, head.ID, tail.Country, head.Country
			a.headNode = nodeIx[head.ID]
			// touched: tail, head and every country crossed; entered: those but the tail's
			a.touched = append(make([]string, 0, 2+len(l.Crossings)), tail.Country, head.Country)
			for _, ck := range l.Crossings {
				a.touched = append(a.touched, ck.Country)
			}
			slices.Sort(a.touched)
			a.touched = slices.Compact(a.touched)
			for _, c := range a.touched {
				if c != tail.Country {
					a.entered = append(a.entered, c)
				}
			}
			p.arcs = append(p.arcs, a)
		}
	}
	fwd, bwd := p.reachable(nodeIx)
	m := &lp.Model{Name: "corridor-flow", Sense: lp.Maximize}
	// Reserve the columns: flows (counted as below), markets and rules.
	ncol := 4*len(n.Markets) + 2*len(p.rules)*len(p.comms)
	for ai := range p.arcs {
		a := &p.arcs[ai]
		for _, k := range a.commodity {
			for oi := range p.comms[k].origins {
				if fwd[k][oi][nodeIx[a.tail]] && bwd[k][a.headNode] {
					ncol++
				}
			}
		}
	}
	m.Vars = make([]lp.Var, 0, ncol)
	p.cols = make([]column, 0, ncol)
	// names are given by Model, when someone asks
	addCol := func(c column) int {
		p.cols = append(p.cols, c)
		return m.AddVar(lp.Var{Upper: lp.Inf})
	}
	addRow := func(info rowInfo) int {
		p.rows = append(p.rows, info)
		return m.AddRow(lp.Row{})
	}
	// entries are collected and laid out row by row at the end, in the order they were put
	type entry struct {
		row, col int
		coef     float64
	}
	entries := make([]entry, 0, 3*ncol)
	put := func(row, col int, coef float64) {
		entries = append(entries, entry{row, col, coef})
	}
	// balance rows by commodity, origin index and node (-1 until made), so that the hot loop
	// below needs no map
	balRows := make([][]int, len(p.comms))
	for k, c := range p.comms {
		balRows[k] = make([]int, len(c.origins)*len(n.Nodes))
		for i := range balRows[k] {
			balRows[k][i] = -1
		}
	}
	balanceRow := func(k, oi, node int) int {
		slot := &balRows[k][oi*len(n.Nodes)+node]
		if *slot < 0 {
			o := p.comms[k].origins[oi]
			*slot = addRow(rowInfo{kind: rowBalance, k: k, origin: o, node: node})
		}
		return *slot
	}
	originIx := func(k int, o string) int { return slices.Index(p.comms[k].origins, o) }
	// Mode layers (docs/MODEL.md, section 1): at a node with a handling cost, freight of a mode
	// has a balance row of its own, so goods that arrive and leave on one mode pass through
	// free; goods pay the handling cost when they are taken off a mode to be sold there or to
	// change mode (gauge, ship to rail), and nothing when loaded from the node's own market.
	modeIx := make(map[string]int, len(n.Modes))
	for i := range n.Modes {
		modeIx[n.Modes[i].ID] = i
	}
	// A commodity needs layers at a handling node only where goods could be taken off a mode
	// there: it arrives or leaves on two modes or more, or it has a market at the node. Elsewhere
	// it can only pass through, and the layers would change nothing but the size of the LP.
	type nodeComm struct{ node, k int }
	modesAt := map[nodeComm][]int{}
	for ai := range p.arcs {
		a := &p.arcs[ai]
		if !a.freight {
			continue
		}
		mi := modeIx[n.Links[a.link].Mode]
		for _, v := range []int{nodeIx[a.tail], a.headNode} {
			if !n.Nodes[v].HandlingCost.IsSet() {
				continue
			}
			for _, k := range a.commodity {
				if key := (nodeComm{v, k}); !slices.Contains(modesAt[key], mi) {
					modesAt[key] = append(modesAt[key], mi)
				}
			}
		}
	}
	traded := map[nodeComm]bool{}
	for _, mk := range n.Markets {
		if k, ok := commOfID[mk.Commodity]; ok {
			traded[nodeComm{nodeIx[mk.Node], k}] = true
		}
	}
	// Where k has a market at the node, every mode gets a layer and the node's own balance row
	// holds the market. Where it has none, the first of its modes (lowest index) keeps the
	// node's balance row and only the others get layers, which is smaller by a row and two
	// columns per origin: every move between a layer and that row is then a change of mode.
	layered := func(v, k, mode int) bool {
		key := nodeComm{v, k}
		ms := modesAt[key]
		if traded[key] {
			return len(ms) > 0
		}
		return len(ms) >= 2 && mode != slices.Min(ms)
	}
	type layerKey struct{ k, oi, node, mode int }
	layerRows := map[layerKey]int{}
	var layers []layerKey // in the order made, so the structure is the same every time
	endRow := func(a *arc, k, oi, node int) int {
		mode := modeIx[n.Links[a.link].Mode]
		if !a.freight || !layered(node, k, mode) {
			return balanceRow(k, oi, node)
		}
		key := layerKey{k, oi, node, mode}
		if r, ok := layerRows[key]; ok {
			return r
		}
		r := addRow(rowInfo{kind: rowLayer, k: k, origin: p.comms[k].origins[oi], node: node, mode: key.mode})
		layerRows[key] = r
		layers = append(layers, key)
		return r
	}
	// Flow columns and capacity rows.
	for ai := range p.arcs {
		a := &p.arcs[ai]
		l := &n.Links[a.link]
		if l.Capacity.IsSet() {
			a.capRow = addRow(rowInfo{kind: rowLinkCap, arc: ai})
		}
		headNode := &n.Nodes[a.headNode]
		if a.freight && headNode.Throughput.IsSet() {
			if _, ok := p.nodeCap[a.headNode]; !ok {
				p.nodeCap[a.headNode] = addRow(rowInfo{kind: rowNodeCap, node: a.headNode})
			}
		}
		for _, k := range a.commodity {
			c := p.comms[k]
			for oi, o := range c.origins {
				if !fwd[k][oi][nodeIx[a.tail]] || !bwd[k][a.headNode] {
					continue // no flow of origin o can use this arc on its way to a demand
				}
				j := addCol(column{kind: varFlow, k: k, origin: o, arc: ai})
				tail, head := endRow(a, k, oi, nodeIx[a.tail]), endRow(a, k, oi, a.headNode)
				p.cols[j].tailRow, p.cols[j].headRow = tail, head
				put(tail, j, 1)  // leaves the tail
				put(head, j, -1) // arrives at the head
				coef := 1.0
				if a.freight {
					coef = c.tonnes
				}
				if a.capRow >= 0 {
					put(a.capRow, j, coef)
				}
				if r, ok := p.nodeCap[a.headNode]; ok && a.freight {
					put(r, j, coef)
				}
			}
		}
	}
	// Congested nodes: the throughput row becomes Σ arriving tonnes − Σ bands = 0, each band a
	// column bounded by its share of the throughput and paying its marginal queueing cost.
	for v := range n.Nodes {
		r, ok := p.nodeCap[v]
		if !ok || !n.Nodes[v].CongestionCost.IsSet() {
			continue
		}
		for b := range queueBands {
			j := addCol(column{kind: varQueue, node: v, step: b})
			put(r, j, -1)
			p.queue[v] = append(p.queue[v], j)
		}
	}
	// Columns between each layer and its node's balance row. Where k has a market at the node:
	// a free load where the origin sells there or another mode brings the goods, a paid unload
	// where the node buys them or another mode takes them on. Where it has none, the balance row
	// is the first mode's, so both directions are changes of mode and pay.
	type nodeOrigin struct{ node, k, oi int }
	layersAt := map[nodeOrigin]int{}
	for _, key := range layers {
		layersAt[nodeOrigin{key.node, key.k, key.oi}]++
	}
	sells, buys := map[nodeOrigin]bool{}, map[nodeComm]bool{}
	for _, mk := range n.Markets {
		k, ok := commOfID[mk.Commodity]
		if !ok {
			continue
		}
		v := nodeIx[mk.Node]
		switch mk.Kind {
		case model.Supply:
			sells[nodeOrigin{v, k, originIx(k, n.Nodes[v].Country)}] = true
		case model.Backstop:
			sells[nodeOrigin{v, k, originIx(k, cmpOr(mk.Origin, RestOfWorld))}] = true
		case model.Demand:
			buys[nodeComm{v, k}] = true
		}
	}
	for _, key := range layers {
		at := nodeOrigin{key.node, key.k, key.oi}
		market := traded[nodeComm{key.node, key.k}]
		transfer := layersAt[at] > 1 || !market
		hub, layer, o := balanceRow(key.k, key.oi, key.node), layerRows[key], p.comms[key.k].origins[key.oi]
		if transfer || sells[at] {
			kind := varLoad
			if !market {
				kind = varHandle
			}
			load := addCol(column{kind: kind, k: key.k, origin: o, node: key.node, mode: key.mode, tailRow: hub, headRow: layer})
			put(hub, load, 1)
			put(layer, load, -1)
		}
		if transfer || buys[nodeComm{key.node, key.k}] {
			unload := addCol(column{kind: varHandle, k: key.k, origin: o, node: key.node, mode: key.mode, tailRow: layer, headRow: hub})
			put(layer, unload, 1)
			put(hub, unload, -1)
		}
	}
	// Markets.
	for mi := range n.Markets {
		mk := &n.Markets[mi]
		k, ok := commOfID[mk.Commodity]
		if !ok {
			continue
		}
		node := nodeIx[mk.Node]
		switch mk.Kind {
		case model.Supply:
			o := n.Nodes[node].Country
			for j := range mk.Steps {
				col := addCol(column{kind: varSupply, k: k, origin: o, market: mi, step: j})
				p.cols[col].dualRow = balanceRow(k, originIx(k, o), node)
				put(p.cols[col].dualRow, col, -1)
			}
		case model.Backstop:
			o := cmpOr(mk.Origin, RestOfWorld)
			col := addCol(column{kind: varBackstop, k: k, origin: o, market: mi})
			p.cols[col].dualRow = balanceRow(k, originIx(k, o), node)
			put(p.cols[col].dualRow, col, -1)
		case model.Demand:
			key := [2]int{k, node}
			r, ok := p.demand[key]
			if !ok {
				r = addRow(rowInfo{kind: rowDemand, k: k, node: node})
				p.demand[key] = r
				for oi, o := range p.comms[k].origins {
					if !fwd[k][oi][node] {
						continue // no supply of origin o can reach this node
					}
					y := addCol(column{kind: varDelivery, k: k, origin: o, node: node})
					put(balanceRow(k, oi, node), y, 1)
					put(r, y, -1)
				}
			}
			for j := range mk.Steps {
				col := addCol(column{kind: varDemand, k: k, market: mi, step: j})
				put(r, col, 1)
			}
		}
	}
	// Rules: matched flow columns. A ban or cap gets, per commodity it matches, a row
	// Σ matched x − compliant − evading = 0; a cap adds one row Σ compliant ≤ cap.
	p.ruleRow = make([]int, len(p.rules))
	p.matched = make([][]int, len(p.rules))
	for ri := range p.rules {
		r := &p.rules[ri]
		byK := map[int][]int{}
		m := p.newMatcher(r)
		for j, c := range p.cols {
			if c.kind == varFlow && m.matches(c) {
				p.matched[ri] = append(p.matched[ri], j)
				byK[c.k] = append(byK[c.k], j)
			}
		}
		p.ruleRow[ri] = -1
		if r.Kind == scenario.Premium {
			continue
		}
		if r.Kind == scenario.Cap {
			p.ruleRow[ri] = addRow(rowInfo{kind: rowRuleCap, rule: ri})
		}
		for _, k := range slices.Sorted(maps.Keys(byK)) {
			row := addRow(rowInfo{kind: rowRule, rule: ri, k: k})
			for _, j := range byK[k] {
				put(row, j, 1)
			}
			comp := addCol(column{kind: varCompliant, rule: ri, k: k})
			put(row, comp, -1)
			put(row, addCol(column{kind: varEvading, rule: ri, k: k}), -1)
			if p.ruleRow[ri] >= 0 {
				put(p.ruleRow[ri], comp, 1)
			}
		}
	}
	start := make([]int, len(m.Rows)+1)
	for _, e := range entries {
		start[e.row+1]++
	}
	for i := range m.Rows {
		start[i+1] += start[i]
	}
	idx, coef := make([]int, len(entries)), make([]float64, len(entries))
	next := slices.Clone(start[:len(m.Rows)])
	for _, e := range entries {
		idx[next[e.row]], coef[next[e.row]] = e.col, e.coef
		next[e.row]++
	}
	for i := range m.Rows {
		lo, hi := start[i], start[i+1]
		m.Rows[i].Index, m.Rows[i].Coef = idx[lo:hi:hi], coef[lo:hi:hi]
	}
	p.model = m
	p.index()
	p.log.Debug("flow problem built", "commodities", len(p.comms), "arcs", len(p.arcs), "columns", len(m.Vars), "rows", len(m.Rows), "nonzeros", m.NonZeros())
	return nil
}

// reachable returns, per commodity k and origin index, the nodes that flow of that origin can
// reach from its supplies and backstops over arcs carrying k (whatever their availability, so the
// structure does not change with the state), and per commodity the nodes from which a demand of
// k can be reached. A flow column whose arc starts outside the first set or ends outside the
// second can never carry goods from a source to a demand, so Build leaves it out.
func (p *Problem) reachable(nodeIx map[string]int) (fwd [][][]bool, bwd [][]bool) {
	n := p.net
	nn := len(n.Nodes)
	out := make([][][]int, len(p.comms)) // k → node → heads
	in := make([][][]int, len(p.comms))  // k → node → tails
	for k := range p.comms {
		out[k], in[k] = make([][]int, nn), make([][]int, nn)
	}
	for _, a := range p.arcs {
		t := nodeIx[a.tail]
		for _, k := range a.commodity {
			out[k][t] = append(out[k][t], a.headNode)
			in[k][a.headNode] = append(in[k][a.headNode], t)
		}
	}
	flood := func(adj [][]int, start []int) []bool {
		seen := make([]bool, nn)
		stack := slices.Clone(start)
		for _, v := range start {
			seen[v] = true
		}
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, w := range adj[v] {
				if !seen[w] {
					seen[w] = true
					stack = append(stack, w)
				}
			}
		}
		return seen
	}
	fwd = make([][][]bool, len(p.comms))
	bwd = make([][]bool, len(p.comms))
	for k, c := range p.comms {
		id := n.Commodities[c.index].ID
		var demand []int
		sources := make([][]int, len(c.origins))
		for _, mk := range n.Markets {
			if mk.Commodity != id {
				continue
			}
			node := nodeIx[mk.Node]
			switch mk.Kind {
			case model.Demand:
				demand = append(demand, node)
			case model.Supply:
				sources[slices.Index(c.origins, n.Nodes[node].Country)] = append(sources[slices.Index(c.origins, n.Nodes[node].Country)], node)
			case model.Backstop:
				oi := slices.Index(c.origins, cmpOr(mk.Origin, RestOfWorld))
				sources[oi] = append(sources[oi], node)
			}
		}
		bwd[k] = flood(in[k], demand)
		fwd[k] = make([][]bool, len(c.origins))
		for oi := range c.origins {
			fwd[k][oi] = flood(out[k], sources[oi])
		}
	}
	return fwd, bwd
}

// matcher tells which flow columns a rule matches, deciding each commodity and arc once.
type matcher struct {
	p         *Problem
	r         *scenario.Rule
	commodity []bool // by commodity index: in the rule's commodities
	arc       []int8 // by arc: 0 undecided, 1 crosses into a destination (and a transit), -1 not
}

func (p *Problem) newMatcher(r *scenario.Rule) *matcher {
	m := &matcher{p: p, r: r, commodity: make([]bool, len(p.comms)), arc: make([]int8, len(p.arcs))}
	for k, c := range p.comms {
		m.commodity[k] = r.Commodities.Match(p.net.Commodities[c.index].ID)
	}
	return m
}

// matches reports whether flow column c is matched by the rule: its commodity and origin, an
// arc entering a destination country (through a transit country when the rule names some),
// and no exemption.
func (m *matcher) matches(c column) bool {
	if !m.commodity[c.k] || !m.r.Origins.Match(c.origin) {
		return false
	}
	a := &m.p.arcs[c.arc]
	if m.arc[c.arc] == 0 {
		m.arc[c.arc] = -1
		// a domestic arc crosses no border
		if len(a.entered) > 0 && anyMatch(m.r.Destinations, a.entered) && (len(m.r.Transit) == 0 || anyMatch(m.r.Transit, a.touched)) && m.operated(a) {
			m.arc[c.arc] = 1
		}
	}
	if m.arc[c.arc] < 0 {
		return false
	}
	return !m.r.Exempt(m.p.net.Commodities[m.p.comms[c.k].index].ID, c.origin, m.p.net.Links[a.link].ID, a.tail, a.head)
}

// operated reports whether arc a's link is of one of the rule's modes and has one of its
// operators among its owners (each condition holds when the rule gives none).
func (m *matcher) operated(a *arc) bool {
	l := &m.p.net.Links[a.link]
	if !m.r.Modes.Match(l.Mode) {
		return false
	}
	if m.r.Operators.All() {
		return true
	}
	for _, o := range m.p.net.OwnersOf(l) {
		if o.Fraction > 0 && m.r.Operators.Match(o.Country) {
			return true
		}
	}
	return false
}

func anyMatch(s scenario.Set, xs []string) bool {
	for _, x := range xs {
		if s.Match(x) {
			return true
		}
	}
	return false
}

// values holds the state-dependent numbers of the LP.
type values struct {
	cost, colLo, colHi, rowLo, rowHi []float64
}

// compute derives bounds and costs from a state. It fails when the state does not fit. The
// values returned live in p's scratch buffers: they are valid until the next compute.
func (p *Problem) compute(st *scenario.State) (*values, error) {
	n := st.Net
	if len(n.Links) != len(p.net.Links) || len(n.Markets) != len(p.net.Markets) || len(n.Nodes) != len(p.net.Nodes) || len(n.Commodities) != len(p.net.Commodities) {
		return nil, ErrStructure
	}
	s := &p.scratch
	active := resize(&s.active, len(p.rules)) // enforcement; NaN = inactive
	for i := range active {
		active[i] = math.NaN()
	}
	for _, ar := range st.Rules {
		found := false
		for ri := range p.rules {
			if p.rules[ri].ID == ar.Rule.ID {
				active[ri] = max(0, min(1, ar.Enforcement))
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: rule %s is not in the problem's rule universe", ErrStructure, ar.Rule.ID)
		}
	}
	nonPart, anyNonPart := p.nonParticipants(st)
	p.linkValues(st)
	v := p.values()
	for j, c := range p.cols {
		v.colHi[j] = math.Inf(1)
		switch c.kind {
		case varFlow:
			a := &p.arcs[c.arc]
			perUnit := 1.0
			if a.freight {
				perUnit = p.comms[c.k].tonnes
			}
			cost := s.arcCost[c.arc] * perUnit
			if a.freight {
				cost += s.arcTime[c.arc] * s.timeValue[c.k] // time cost: value × holding rate × years
			}
			v.cost[j] = -cost
			if !s.avail[a.link] || anyNonPart && ((nonPart[a.tailCtryIx] && c.originIx != a.tailCtryIx && len(a.entered) > 0) || throughNonParticipant(a, nonPart, c.originIx)) {
				v.colHi[j] = 0
			}
		case varSupply:
			step := n.Markets[c.market].Steps[c.step]
			v.cost[j] = -step.Price.Value
			v.colHi[j] = step.Quantity.Value * s.growth[c.market]
		case varDemand:
			step := n.Markets[c.market].Steps[c.step]
			v.cost[j] = step.Price.Value
			v.colHi[j] = step.Quantity.Value * s.growth[c.market]
		case varBackstop:
			mk := &n.Markets[c.market]
			if len(mk.Steps) > 0 {
				v.cost[j] = -mk.Steps[0].Price.Value
				if mk.Steps[0].Quantity.IsSet() {
					v.colHi[j] = mk.Steps[0].Quantity.Value * s.growth[c.market]
				}
			}
		case varLoad:
			v.cost[j] = 0
		case varHandle:
			v.cost[j] = -n.Nodes[c.node].HandlingCost.Value * p.comms[c.k].tonnes
		case varQueue:
			nd := &n.Nodes[c.node]
			band := queueBands[c.step]
			v.colHi[j] = max(0, nd.Throughput.Value) * band.width
			v.cost[j] = -max(0, nd.CongestionCost.Value) * band.marginal
		case varCompliant:
			if e := active[c.rule]; !math.IsNaN(e) && p.rules[c.rule].Kind == scenario.Ban {
				v.colHi[j] = 0
			}
		case varEvading:
			r := &p.rules[c.rule]
			e := active[c.rule]
			switch {
			case math.IsNaN(e), e >= 1:
				v.colHi[j] = 0 // inactive (everything compliant) or fully enforced
			default:
				if !r.EvasionCost.IsSet() {
					return nil, fmt.Errorf("flow: rule %s has enforcement %.3g < 1 but no evasion cost: give the cost per unit of evading it", r.ID, e)
				}
				v.cost[j] = -perUnit(r.EvasionCost, &n.Commodities[p.comms[c.k].index]) * e / (1 - e)
			}
		}
	}
	// Premium rules add e × premium to matched flows.
	for ri := range p.rules {
		r := &p.rules[ri]
		e := active[ri]
		if r.Kind != scenario.Premium || math.IsNaN(e) {
			continue
		}
		for _, j := range p.matched[ri] {
			v.cost[j] -= e * perUnit(r.Premium, &n.Commodities[p.comms[p.cols[j].k].index])
		}
	}
	for i, r := range p.rows {
		switch r.kind {
		case rowBalance, rowLayer, rowDemand, rowRule:
			v.rowLo[i], v.rowHi[i] = 0, 0
		case rowRuleCap:
			v.rowLo[i], v.rowHi[i] = math.Inf(-1), math.Inf(1)
			if !math.IsNaN(active[r.rule]) {
				v.rowHi[i] = max(0, p.rules[r.rule].Cap.Value)
			}
		case rowLinkCap:
			l := &n.Links[p.arcs[r.arc].link]
			v.rowLo[i], v.rowHi[i] = math.Inf(-1), max(0, l.Capacity.Value)
		case rowNodeCap:
			v.rowLo[i], v.rowHi[i] = math.Inf(-1), max(0, n.Nodes[r.node].Throughput.Value)
			if _, congested := p.queue[r.node]; congested {
				v.rowLo[i], v.rowHi[i] = 0, 0 // the bands carry the throughput: arrivals = Σ bands
			}
		}
	}
	return v, nil
}

// values returns the scratch values, zeroed and sized for p's columns and rows.
func (p *Problem) values() *values {
	v := &p.scratch.vals
	nc, nr := len(p.cols), len(p.rows)
	for _, s := range []*[]float64{&v.cost, &v.colLo, &v.colHi} {
		clear(resize(s, nc))
	}
	for _, s := range []*[]float64{&v.rowLo, &v.rowHi} {
		clear(resize(s, nr))
	}
	return v
}

// nonParticipants returns, by country index, whether st's countries take no part, and whether
// any country a column can name does not.
func (p *Problem) nonParticipants(st *scenario.State) ([]bool, bool) {
	np := resize(&p.scratch.nonPart, len(p.countries))
	clear(np)
	any := false
	for _, c := range st.NonParticipants {
		if i, ok := p.countryIx[c]; ok {
			np[i], any = true, true
		}
	}
	return np, any
}

// linkValues fills the scratch tables that compute reads per flow column from the state: link
// availability, each arc's cost per capacity unit (link cost plus tariff), each arc's transit time and each commodity's time value (the time
// cost of a unit on an arc is price × cargo holding rate × length / speed, in USD: the capital
// tied up in transit, as freight studies value time), and each market's growth factor for the
// state's year.
func (p *Problem) linkValues(st *scenario.State) {
	n, s := st.Net, &p.scratch
	avail := resize(&s.avail, len(n.Links))
	for _, li := range p.linkOrder {
		avail[li] = st.Available[n.Links[li].ID]
	}
	cost := resize(&s.arcCost, len(p.arcs))
	years, tv := resize(&s.arcTime, len(p.arcs)), resize(&s.timeValue, len(p.comms))
	rate := 0.0
	if q := n.Meta.CargoHoldingRate; q.IsSet() {
		rate = q.Value
	}
	for k, c := range p.comms {
		tv[k] = 0
		if pr := n.Commodities[c.index].Price; rate > 0 && pr.IsSet() {
			tv[k] = pr.Value * rate
		}
	}
	for ai := range p.arcs {
		a := &p.arcs[ai]
		l := &n.Links[a.link]
		years[ai] = 0
		if rate > 0 && l.Speed.IsSet() && l.Speed.Value > 0 && l.Length.IsSet() {
			years[ai] = l.Length.Value / l.Speed.Value // km ÷ km/yr: canonical units
		}
		cost[ai] = l.CostPerUnit() + l.TariffPerUnit()
	}
	growth := resize(&s.growth, len(n.Markets))
	for mi := range n.Markets {
		mk := &n.Markets[mi]
		growth[mi] = 1
		if mk.Growth.IsSet() && st.Year != 0 && n.Meta.BaseYear != 0 {
			growth[mi] = math.Pow(1+mk.Growth.Value, float64(st.Year-n.Meta.BaseYear))
		}
	}
}

// resize sets *s to length n, reusing its array when large enough, and returns it. The contents
// are left as they were.
func resize[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	}
	*s = (*s)[:n]
	return *s
}

// perUnit converts a premium or evasion cost to USD per commodity unit: it is either money per
// unit already, or a dimensionless share of the commodity's reference price.
func perUnit(q quantity.Quantity, c *model.Commodity) float64 {
	if q.Dim == quantity.DimNone {
		return q.Value * c.Price.Value
	}
	return q.Value
}

// throughNonParticipant reports whether arc a crosses a non-participant's territory without
// starting or ending there, carrying goods of another origin. Countries are indices into
// Problem.countries.
func throughNonParticipant(a *arc, nonPart []bool, origin int) bool {
	for _, c := range a.touchedIx {
		if nonPart[c] && c != a.tailCtryIx && c != a.headCtryIx && c != origin {
			return true
		}
	}
	return false
}

func (p *Problem) setValues(st *scenario.State) error {
	v, err := p.compute(st)
	if err != nil {
		return err
	}
	for j := range p.model.Vars {
		p.model.Vars[j].Cost, p.model.Vars[j].Lower, p.model.Vars[j].Upper = v.cost[j], v.colLo[j], v.colHi[j]
	}
	for i := range p.model.Rows {
		p.model.Rows[i].Lower, p.model.Rows[i].Upper = v.rowLo[i], v.rowHi[i]
	}
	p.state = st
	return nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
