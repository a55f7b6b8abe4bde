package model

import (
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Network is an immutable, validated-or-not network with fast lookups by id. Treat every field
// and every slice element as read-only: use Clone to derive a variant.
type Network struct {
	Meta        Meta
	Study       Study
	Sources     []Source
	Countries   []Country
	Modes       []Mode
	Nodes       []Node
	Links       []Link
	Commodities []Commodity
	Markets     []Market
	Projects    []Project
	// Correlations are the groups of quantities the Monte Carlo draws jointly; empty means
	// every quantity is drawn independently.
	Correlations []CorrelationGroup

	index map[kindID]int
}

// kindID keys the lookup index: component kind and id.
type kindID struct {
	kind Component
	id   string
}

// Component names a table of the network; validation issues and quantity paths use it.
type Component string

// Components.
const (
	CompMeta         Component = "meta"
	CompStudy        Component = "study"
	CompSources      Component = "sources"
	CompCountries    Component = "countries"
	CompModes        Component = "modes"
	CompNodes        Component = "nodes"
	CompLinks        Component = "links"
	CompCommodities  Component = "commodities"
	CompMarkets      Component = "markets"
	CompProjects     Component = "projects"
	CompCorrelations Component = "correlations"
)

// Build returns a Network holding the given parts with its lookup index. It neither validates nor
// copies: callers hand over the slices. The first of duplicate ids wins in lookups (Validate
// reports duplicates).
func Build(n Network) *Network {
	out := n
	out.index = make(map[kindID]int)
	add := func(c Component, id string, i int) {
		k := kindID{c, id}
		if _, dup := out.index[k]; !dup {
			out.index[k] = i
		}
	}
	for i := range out.Sources {
		add(CompSources, out.Sources[i].ID, i)
	}
	for i := range out.Countries {
		add(CompCountries, out.Countries[i].ID, i)
	}
	for i := range out.Modes {
		add(CompModes, out.Modes[i].ID, i)
	}
	for i := range out.Nodes {
		add(CompNodes, out.Nodes[i].ID, i)
	}
	for i := range out.Links {
		add(CompLinks, out.Links[i].ID, i)
	}
	for i := range out.Commodities {
		add(CompCommodities, out.Commodities[i].ID, i)
	}
	for i := range out.Markets {
		add(CompMarkets, out.Markets[i].ID, i)
	}
	for i := range out.Projects {
		add(CompProjects, out.Projects[i].ID, i)
	}
	for i := range out.Correlations {
		add(CompCorrelations, out.Correlations[i].ID, i)
	}
	return &out
}

func lookup[T any](n *Network, c Component, id string, s []T) *T {
	if i, ok := n.index[kindID{c, id}]; ok {
		return &s[i]
	}
	return nil
}

// Source returns the source with the given id, or nil.
func (n *Network) Source(id string) *Source { return lookup(n, CompSources, id, n.Sources) }

// Country returns the country with the given id, or nil.
func (n *Network) Country(id string) *Country { return lookup(n, CompCountries, id, n.Countries) }

// Mode returns the mode with the given id, or nil.
func (n *Network) Mode(id string) *Mode { return lookup(n, CompModes, id, n.Modes) }

// Node returns the node with the given id, or nil.
func (n *Network) Node(id string) *Node { return lookup(n, CompNodes, id, n.Nodes) }

// Link returns the link with the given id, or nil.
func (n *Network) Link(id string) *Link { return lookup(n, CompLinks, id, n.Links) }

// Commodity returns the commodity with the given id, or nil.
func (n *Network) Commodity(id string) *Commodity {
	return lookup(n, CompCommodities, id, n.Commodities)
}

// Market returns the market with the given id, or nil.
func (n *Network) Market(id string) *Market { return lookup(n, CompMarkets, id, n.Markets) }

// Project returns the project with the given id, or nil.
func (n *Network) Project(id string) *Project { return lookup(n, CompProjects, id, n.Projects) }

// Correlation returns the correlation group with the given id, or nil.
func (n *Network) Correlation(id string) *CorrelationGroup {
	return lookup(n, CompCorrelations, id, n.Correlations)
}

// Clone returns a deep copy that can be changed without touching n.
func (n *Network) Clone() *Network {
	c := *n
	c.Sources = slices.Clone(n.Sources)
	c.Countries = slices.Clone(n.Countries)
	c.Modes = slices.Clone(n.Modes)
	c.Nodes = cloneEach(n.Nodes, func(x *Node) {
		x.Throughput = cloneQ(x.Throughput)
		x.HandlingCost = cloneQ(x.HandlingCost)
		x.CongestionCost = cloneQ(x.CongestionCost)
	})
	c.Links = cloneEach(n.Links, func(x *Link) {
		x.Crossings = slices.Clone(x.Crossings)
		x.Owners = slices.Clone(x.Owners)
		x.Length, x.Capacity, x.Cost, x.Tariff, x.Speed = cloneQ(x.Length), cloneQ(x.Capacity), cloneQ(x.Cost), cloneQ(x.Tariff), cloneQ(x.Speed)
	})
	c.Commodities = cloneEach(n.Commodities, func(x *Commodity) {
		x.Modes = slices.Clone(x.Modes)
		x.TonnesPerUnit, x.Price = cloneQ(x.TonnesPerUnit), cloneQ(x.Price)
	})
	c.Markets = cloneEach(n.Markets, func(x *Market) {
		x.Steps = slices.Clone(x.Steps)
		for i := range x.Steps {
			x.Steps[i].Quantity, x.Steps[i].Price = cloneQ(x.Steps[i].Quantity), cloneQ(x.Steps[i].Price)
		}
		x.Growth = cloneQ(x.Growth)
	})
	c.Projects = cloneEach(n.Projects, func(x *Project) {
		x.Links = slices.Clone(x.Links)
		x.Upgrades = slices.Clone(x.Upgrades)
		for i := range x.Upgrades {
			x.Upgrades[i].Add = cloneQ(x.Upgrades[i].Add)
		}
		x.DependsOn = slices.Clone(x.DependsOn)
		x.Financing = maps.Clone(x.Financing)
		x.Owners = maps.Clone(x.Owners)
		x.Contracts = cloneEach(x.Contracts, func(k *Contract) { k.Links = slices.Clone(k.Links); k.RentShare = cloneQ(k.RentShare) })
		x.Loans = cloneEach(x.Loans, func(l *Loan) {
			l.Share, l.Rate, l.Tenor, l.Grace, l.DefaultProbability = cloneQ(l.Share), cloneQ(l.Rate), cloneQ(l.Tenor), cloneQ(l.Grace), cloneQ(l.DefaultProbability)
		})
		x.Capex, x.ConstructionYears, x.Opex, x.Lifetime = cloneQ(x.Capex), cloneQ(x.ConstructionYears), cloneQ(x.Opex), cloneQ(x.Lifetime)
	})
	c.Correlations = cloneEach(n.Correlations, func(x *CorrelationGroup) { x.Paths = slices.Clone(x.Paths); x.Rho = cloneQ(x.Rho) })
	c.Countries = cloneEach(c.Countries, func(x *Country) { x.DiscountRate = cloneQ(x.DiscountRate) })
	c.Meta.SocialDiscountRate = cloneQ(n.Meta.SocialDiscountRate)
	c.Meta.StrategicPremium = cloneQ(n.Meta.StrategicPremium)
	c.Meta.CargoHoldingRate = cloneQ(n.Meta.CargoHoldingRate)
	c.Meta.AppraisalYears = slices.Clone(n.Meta.AppraisalYears)
	c.Meta.ReferencePeriods = cloneEach(n.Meta.ReferencePeriods, func(r *ReferencePeriod) { r.Years = cloneQ(r.Years) })
	c.Study.Overruns = cloneEach(n.Study.Overruns, func(o *OverrunClass) { o.Mean, o.SD = cloneQ(o.Mean), cloneQ(o.SD) })
	c.Study.MapLabels = slices.Clone(n.Study.MapLabels)
	c.index = n.index // ids do not change in a clone; lookups stay valid
	return &c
}

// CloneTables returns a copy of n that shares every table with n except the named ones, which
// it copies shallowly: their elements are new values (with their own market steps and project
// upgrades), but what those point to (ranges, sources, crossings, financing) is still n's. It is
// the cheap way to derive a variant that changes a few quantities: on the copy, assign whole
// values to the quantities that Quantities yields for the named tables and for meta, and treat
// everything else as read-only, as n is. Use Clone for a copy that may be changed in any way.
func (n *Network) CloneTables(tables ...Component) *Network {
	c := *n
	for _, t := range tables {
		switch t {
		case CompSources:
			c.Sources = slices.Clone(n.Sources)
		case CompStudy:
			c.Study.Overruns = slices.Clone(n.Study.Overruns)
		case CompCountries:
			c.Countries = slices.Clone(n.Countries)
		case CompModes:
			c.Modes = slices.Clone(n.Modes)
		case CompNodes:
			c.Nodes = slices.Clone(n.Nodes)
		case CompLinks:
			c.Links = slices.Clone(n.Links)
		case CompCommodities:
			c.Commodities = slices.Clone(n.Commodities)
		case CompMarkets:
			c.Markets = cloneEach(n.Markets, func(x *Market) { x.Steps = slices.Clone(x.Steps) })
		case CompProjects:
			c.Projects = cloneEach(n.Projects, func(x *Project) {
				x.Upgrades = slices.Clone(x.Upgrades)
				x.Contracts = slices.Clone(x.Contracts)
				x.Loans = slices.Clone(x.Loans)
			})
		case CompCorrelations:
			c.Correlations = slices.Clone(n.Correlations)
		}
	}
	return &c
}

func cloneEach[T any](s []T, deep func(*T)) []T {
	out := slices.Clone(s)
	for i := range out {
		deep(&out[i])
	}
	return out
}

func cloneQ(q Q) Q {
	if q.Range != nil {
		r := *q.Range
		q.Range = &r
	}
	q.Source.Sources = slices.Clone(q.Source.Sources)
	return q
}

// QuantityPath names one quantity in a network, e.g. "links/L01/capacity" or
// "markets/CITY-GAS/steps/0/price". Scenario overrides and provenance reports use it.
type QuantityPath string

// Quantities yields every set quantity of the network with its path, in table order. The pointer
// may be used to change the value only on a Clone.
func (n *Network) Quantities() iter.Seq2[QuantityPath, *Q] {
	return func(yield func(QuantityPath, *Q) bool) {
		emit := func(c Component, id, field string, q *Q) bool {
			if !q.IsSet() {
				return true
			}
			return yield(QuantityPath(string(c)+"/"+id+"/"+field), q)
		}
		if !emit(CompMeta, "dataset", "social_discount_rate", &n.Meta.SocialDiscountRate) ||
			!emit(CompMeta, "dataset", "strategic_premium", &n.Meta.StrategicPremium) ||
			!emit(CompMeta, "dataset", "cargo_holding_rate", &n.Meta.CargoHoldingRate) {
			return
		}
		for i := range n.Meta.ReferencePeriods {
			r := &n.Meta.ReferencePeriods[i]
			if !emit(CompMeta, "dataset", "reference_periods/"+r.Class, &r.Years) {
				return
			}
		}
		for j := range n.Study.Overruns {
			o := &n.Study.Overruns[j]
			p := "overruns/" + strconv.Itoa(j) + "/"
			if !emit(CompStudy, "study", p+"mean", &o.Mean) || !emit(CompStudy, "study", p+"sd", &o.SD) {
				return
			}
		}
		for i := range n.Countries {
			c := &n.Countries[i]
			if !emit(CompCountries, c.ID, "discount_rate", &c.DiscountRate) {
				return
			}
		}
		for i := range n.Nodes {
			x := &n.Nodes[i]
			if !emit(CompNodes, x.ID, "throughput", &x.Throughput) || !emit(CompNodes, x.ID, "handling_cost", &x.HandlingCost) ||
				!emit(CompNodes, x.ID, "congestion_cost", &x.CongestionCost) {
				return
			}
		}
		for i := range n.Links {
			x := &n.Links[i]
			for _, f := range []struct {
				name string
				q    *Q
			}{{"length", &x.Length}, {"capacity", &x.Capacity}, {"cost", &x.Cost}, {"tariff", &x.Tariff}, {"speed", &x.Speed}} {
				if !emit(CompLinks, x.ID, f.name, f.q) {
					return
				}
			}
		}
		for i := range n.Commodities {
			x := &n.Commodities[i]
			if !emit(CompCommodities, x.ID, "tonnes_per_unit", &x.TonnesPerUnit) || !emit(CompCommodities, x.ID, "price", &x.Price) {
				return
			}
		}
		for i := range n.Markets {
			x := &n.Markets[i]
			for j := range x.Steps {
				s := &x.Steps[j]
				p := "steps/" + strconv.Itoa(j) + "/"
				if !emit(CompMarkets, x.ID, p+"quantity", &s.Quantity) || !emit(CompMarkets, x.ID, p+"price", &s.Price) {
					return
				}
			}
			if !emit(CompMarkets, x.ID, "growth", &x.Growth) {
				return
			}
		}
		for i := range n.Projects {
			x := &n.Projects[i]
			for _, f := range []struct {
				name string
				q    *Q
			}{{"capex", &x.Capex}, {"construction_years", &x.ConstructionYears}, {"opex", &x.Opex}, {"lifetime", &x.Lifetime}} {
				if !emit(CompProjects, x.ID, f.name, f.q) {
					return
				}
			}
			for j := range x.Upgrades {
				if !emit(CompProjects, x.ID, "upgrades/"+strconv.Itoa(j)+"/add", &x.Upgrades[j].Add) {
					return
				}
			}
			for j := range x.Contracts {
				if !emit(CompProjects, x.ID, "contracts/"+strconv.Itoa(j)+"/rent_share", &x.Contracts[j].RentShare) {
					return
				}
			}
			for j := range x.Loans {
				l := &x.Loans[j]
				p := "loans/" + strconv.Itoa(j) + "/"
				for _, f := range []struct {
					name string
					q    *Q
				}{{"share", &l.Share}, {"rate", &l.Rate}, {"tenor", &l.Tenor}, {"grace", &l.Grace}, {"default_probability", &l.DefaultProbability}} {
					if !emit(CompProjects, x.ID, p+f.name, f.q) {
						return
					}
				}
			}
		}
		for i := range n.Correlations {
			x := &n.Correlations[i]
			if !emit(CompCorrelations, x.ID, "rho", &x.Rho) {
				return
			}
		}
	}
}

// Quantity returns the set quantity that Quantities names p, or nil. Where duplicate ids give
// several quantities one path (Validate reports them), it returns the last, as a map filled from
// Quantities would hold. The pointer may be used to change the value only on a Clone (or, for
// its tables, a CloneTables).
func (n *Network) Quantity(p QuantityPath) *Q {
	c, rest, ok := strings.Cut(string(p), "/")
	if !ok {
		return nil
	}
	switch Component(c) {
	case CompMeta:
		switch rest {
		case "dataset/social_discount_rate":
			return setOrNil(&n.Meta.SocialDiscountRate)
		case "dataset/strategic_premium":
			return setOrNil(&n.Meta.StrategicPremium)
		case "dataset/cargo_holding_rate":
			return setOrNil(&n.Meta.CargoHoldingRate)
		}
		if class, ok := strings.CutPrefix(rest, "dataset/reference_periods/"); ok {
			for i := len(n.Meta.ReferencePeriods) - 1; i >= 0; i-- {
				if r := &n.Meta.ReferencePeriods[i]; r.Class == class {
					return setOrNil(&r.Years)
				}
			}
		}
	case CompStudy:
		f, ok := strings.CutPrefix(rest, "study/")
		if !ok {
			return nil
		}
		j, sub, ok := indexed(f, "overruns/", len(n.Study.Overruns))
		switch {
		case !ok:
			return nil
		case sub == "mean":
			return setOrNil(&n.Study.Overruns[j].Mean)
		case sub == "sd":
			return setOrNil(&n.Study.Overruns[j].SD)
		}
		return nil
	case CompCountries:
		return lastQuantity(n.Countries, rest, func(x *Country) string { return x.ID }, func(x *Country, f string) *Q {
			if f == "discount_rate" {
				return &x.DiscountRate
			}
			return nil
		})
	case CompNodes:
		return lastQuantity(n.Nodes, rest, func(x *Node) string { return x.ID }, func(x *Node, f string) *Q {
			switch f {
			case "throughput":
				return &x.Throughput
			case "handling_cost":
				return &x.HandlingCost
			case "congestion_cost":
				return &x.CongestionCost
			}
			return nil
		})
	case CompLinks:
		return lastQuantity(n.Links, rest, func(x *Link) string { return x.ID }, linkQuantity)
	case CompCommodities:
		return lastQuantity(n.Commodities, rest, func(x *Commodity) string { return x.ID }, func(x *Commodity, f string) *Q {
			switch f {
			case "tonnes_per_unit":
				return &x.TonnesPerUnit
			case "price":
				return &x.Price
			}
			return nil
		})
	case CompMarkets:
		return lastQuantity(n.Markets, rest, func(x *Market) string { return x.ID }, marketQuantity)
	case CompProjects:
		return lastQuantity(n.Projects, rest, func(x *Project) string { return x.ID }, projectQuantity)
	case CompCorrelations:
		return lastQuantity(n.Correlations, rest, func(x *CorrelationGroup) string { return x.ID }, func(x *CorrelationGroup, f string) *Q {
			if f == "rho" {
				return &x.Rho
			}
			return nil
		})
	}
	return nil
}

func linkQuantity(x *Link, f string) *Q {
	switch f {
	case "length":
		return &x.Length
	case "capacity":
		return &x.Capacity
	case "cost":
		return &x.Cost
	case "tariff":
		return &x.Tariff
	case "speed":
		return &x.Speed
	}
	return nil
}

func marketQuantity(x *Market, f string) *Q {
	if f == "growth" {
		return &x.Growth
	}
	j, sub, ok := indexed(f, "steps/", len(x.Steps))
	switch {
	case !ok:
		return nil
	case sub == "quantity":
		return &x.Steps[j].Quantity
	case sub == "price":
		return &x.Steps[j].Price
	}
	return nil
}

func projectQuantity(x *Project, f string) *Q {
	switch f {
	case "capex":
		return &x.Capex
	case "construction_years":
		return &x.ConstructionYears
	case "opex":
		return &x.Opex
	case "lifetime":
		return &x.Lifetime
	}
	if j, sub, ok := indexed(f, "upgrades/", len(x.Upgrades)); ok && sub == "add" {
		return &x.Upgrades[j].Add
	}
	if j, sub, ok := indexed(f, "contracts/", len(x.Contracts)); ok && sub == "rent_share" {
		return &x.Contracts[j].RentShare
	}
	if j, sub, ok := indexed(f, "loans/", len(x.Loans)); ok {
		l := &x.Loans[j]
		switch sub {
		case "share":
			return &l.Share
		case "rate":
			return &l.Rate
		case "tenor":
			return &l.Tenor
		case "grace":
			return &l.Grace
		case "default_probability":
			return &l.DefaultProbability
		}
	}
	return nil
}

// lastQuantity returns the set quantity named rest ("<id>/<field>") of the last element of s
// that has one; field resolves a field name of one element to its quantity (nil for none).
func lastQuantity[T any](s []T, rest string, id func(*T) string, field func(*T, string) *Q) *Q {
	for i := len(s) - 1; i >= 0; i-- {
		x := &s[i]
		xid := id(x)
		if len(rest) <= len(xid) || rest[:len(xid)] != xid || rest[len(xid)] != '/' {
			continue
		}
		if q := field(x, rest[len(xid)+1:]); q != nil && q.IsSet() {
			return q
		}
	}
	return nil
}

// indexed splits "<prefix><j>/<sub>", with j below n and written as strconv.Itoa writes it.
func indexed(f, prefix string, n int) (int, string, bool) {
	rest, ok := strings.CutPrefix(f, prefix)
	if !ok {
		return 0, "", false
	}
	js, sub, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, "", false
	}
	j, err := strconv.Atoi(js)
	if err != nil || j < 0 || j >= n || strconv.Itoa(j) != js {
		return 0, "", false
	}
	return j, sub, true
}

func setOrNil(q *Q) *Q {
	if !q.IsSet() {
		return nil
	}
	return q
}
