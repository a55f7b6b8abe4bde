package model

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/quantity"
)

// Severity ranks an Issue.
type Severity int

// Severities.
const (
	Error   Severity = iota // the network cannot be used as is
	Warning                 // suspicious; the network can be used
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Issue is one finding of a validation rule. Component, ID and Field locate it so that a loader can
// turn it into file:line:col.
type Issue struct {
	Rule      string
	Severity  Severity
	Component Component
	ID        string // id of the offending row; "" for the table as a whole
	Field     string // column or path within the row, e.g. "capacity", "steps/0/price"
	Message   string // what is wrong and how to fix it
}

func (i Issue) String() string {
	loc := string(i.Component)
	if i.ID != "" {
		loc += " " + i.ID
	}
	if i.Field != "" {
		loc += " " + i.Field
	}
	return fmt.Sprintf("%s: %s: %s [%s]", loc, i.Severity, i.Message, i.Rule)
}

// Rule is a named consistency check.
type Rule struct {
	Name  string
	Doc   string // what the rule checks, for docs/DATASET.md
	Check func(n *Network) []Issue
}

// Rules returns every validation rule in the order Validate applies them.
func Rules() []Rule {
	return []Rule{
		{"duplicate-id", "ids are unique within each table", checkDuplicates},
		{"unknown-reference", "every id a row refers to exists (countries, nodes, modes, commodities, projects, sources)", checkReferences},
		{"provenance", "every number (start years and km by country included), owners split and transit contract carries a source id or \"assumption: <reasoning>\"", checkProvenance},
		{"unit", "every quantity has the dimension its field expects (a capacity in bcm on a rail link is an error)", checkUnits},
		{"capacity", "links that are not closed have a positive capacity; no quantity that must be non-negative is negative", checkCapacities},
		{"position", "latitude within [-90, 90] and longitude within [-180, 180]", checkPositions},
		{"commodity-mode", "each mode a commodity lists can carry it: freight modes need tonnes per unit, others the commodity's own unit", checkCommodityModes},
		{"gauge-break", "rail links of different gauges meet only at a node that can transship", checkGaugeBreaks},
		{"reachable", "every demand market can be reached from a supply or backstop of its commodity", checkReachable},
		{"financing", "each project's financing shares are between 0 and 1 and sum to 1", checkFinancing},
		{"crossings", "a link's km by country add up to its length (within 5 %) and include its end countries", checkCrossings},
		{"project", "project links are proposed or under construction, and dependencies form no cycle", checkProjects},
		{"owners", "owners of a link or a project are known countries with shares in [0, 1] that sum to 1 (within 1e-6); like financing, they need owners_source", checkOwners},
		{"contracts", "a transit contract's host is a known country, its links exist, belong to the project and cross the host (else a warning), and its rent_share is within [0, 1]", checkContracts},
		{"loans", "a loan's lender and borrower are different known countries, the borrower has a financing share in the project; share in (0, 1], rate > -100 %, tenor > 0, 0 ≤ grace < tenor, default_probability within [0, 1]", checkLoans},
		{"decider", "the decider, if given, is a known country", checkDecider},
		{"reference-periods", "reference periods are positive, one per project class; when any is given, every class of project has one (else a warning)", checkReferencePeriods},
		{"study", "the study's map labels are known nodes; each overrun class is named once, with a dimensionless mean above -100 % and a non-negative standard deviation", checkStudy},
		{"appraisal-years", "the appraisal years ascend without repeats, from the base year to the end of the horizon", checkAppraisalYears},
		{"time-cost", "the cargo holding rate lies within [0, 100 %); when it is set, every freight link that is not closed has a speed (else a warning)", checkTimeCost},
		{"congestion", "a node's congestion cost (value and range) is not negative, and the node has a throughput for it to rise towards", checkCongestion},
		{"strategic-premium", "the strategic premium is not negative (USD/yr), and goes with a decider (else a warning)", checkStrategicPremium},
		{"correlations", "a correlation group lists at least two quantity paths that exist and have a range (project capex, drawn as an overrun, and rho values do not qualify), each path in at most one group; rho (value and range; not lognormal) lies within (ρmin, 1], where ρmin keeps the Pearson correlation of the normals, 2·sin(π·rho/6), above −1/(m−1) for m members (ρmin = −1 for two, −0.483 for three)", checkCorrelations},
		{"appraisal", "the base year lies within 1900..2200; horizon_years, if given, within 1..200; discount rates (value and range) below 100 %; project lifetimes within 1..200 yr and construction within 0..50 yr; start years within 1900..2200", checkAppraisal},
	}
}

// Validate applies every rule and returns the issues found, errors and warnings together, in rule
// order.
func Validate(n *Network) []Issue {
	var out []Issue
	for _, r := range Rules() {
		for _, is := range r.Check(n) {
			is.Rule = r.Name
			out = append(out, is)
		}
	}
	return out
}

// HasErrors reports whether any issue is an Error.
func HasErrors(issues []Issue) bool {
	return slices.ContainsFunc(issues, func(i Issue) bool { return i.Severity == Error })
}

func issue(c Component, id, field, format string, args ...any) Issue {
	return Issue{Component: c, ID: id, Field: field, Message: fmt.Sprintf(format, args...)}
}

func warn(c Component, id, field, format string, args ...any) Issue {
	is := issue(c, id, field, format, args...)
	is.Severity = Warning
	return is
}

func checkDuplicates(n *Network) []Issue {
	var out []Issue
	dup := func(c Component, ids []string) {
		seen := map[string]bool{}
		for _, id := range ids {
			if id == "" {
				out = append(out, issue(c, id, "id", "empty id: give every row a unique id"))
				continue
			}
			if seen[id] {
				out = append(out, issue(c, id, "id", "duplicate id %q: ids must be unique within %s", id, c))
			}
			seen[id] = true
		}
	}
	dup(CompSources, ids(n.Sources, func(x Source) string { return x.ID }))
	dup(CompCountries, ids(n.Countries, func(x Country) string { return x.ID }))
	dup(CompModes, ids(n.Modes, func(x Mode) string { return x.ID }))
	dup(CompNodes, ids(n.Nodes, func(x Node) string { return x.ID }))
	dup(CompLinks, ids(n.Links, func(x Link) string { return x.ID }))
	dup(CompCommodities, ids(n.Commodities, func(x Commodity) string { return x.ID }))
	dup(CompMarkets, ids(n.Markets, func(x Market) string { return x.ID }))
	dup(CompProjects, ids(n.Projects, func(x Project) string { return x.ID }))
	dup(CompCorrelations, ids(n.Correlations, func(x CorrelationGroup) string { return x.ID }))
	return out
}

func ids[T any](s []T, id func(T) string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = id(x)
	}
	return out
}

func checkReferences(n *Network) []Issue {
	var out []Issue
	ref := func(c Component, id, field, target string, ok bool, kind Component) {
		if !ok {
			out = append(out, issue(c, id, field, "unknown %s id %q: add it to %s or correct the reference", singular(kind), target, kind))
		}
	}
	for _, x := range n.Nodes {
		ref(CompNodes, x.ID, "country", x.Country, n.Country(x.Country) != nil, CompCountries)
	}
	for _, x := range n.Links {
		ref(CompLinks, x.ID, "from", x.From, n.Node(x.From) != nil, CompNodes)
		ref(CompLinks, x.ID, "to", x.To, n.Node(x.To) != nil, CompNodes)
		ref(CompLinks, x.ID, "mode", x.Mode, n.Mode(x.Mode) != nil, CompModes)
		if x.Project != "" {
			ref(CompLinks, x.ID, "project", x.Project, n.Project(x.Project) != nil, CompProjects)
		}
		for _, ck := range x.Crossings {
			ref(CompLinks, x.ID, "countries", ck.Country, n.Country(ck.Country) != nil, CompCountries)
		}
	}
	for _, x := range n.Commodities {
		for _, m := range x.Modes {
			ref(CompCommodities, x.ID, "modes", m, n.Mode(m) != nil, CompModes)
		}
	}
	for _, x := range n.Markets {
		ref(CompMarkets, x.ID, "node", x.Node, n.Node(x.Node) != nil, CompNodes)
		ref(CompMarkets, x.ID, "commodity", x.Commodity, n.Commodity(x.Commodity) != nil, CompCommodities)
		if x.Origin != "" {
			ref(CompMarkets, x.ID, "origin", x.Origin, n.Country(x.Origin) != nil, CompCountries)
		}
	}
	for _, x := range n.Projects {
		for _, l := range x.Links {
			ref(CompProjects, x.ID, "links", l, n.Link(l) != nil, CompLinks)
		}
		for i, u := range x.Upgrades {
			f := fmt.Sprintf("upgrades/%d", i)
			switch {
			case u.Link != "" && u.Node != "":
				out = append(out, issue(CompProjects, x.ID, f, "an upgrade names both link %q and node %q: give one", u.Link, u.Node))
			case u.Link != "":
				ref(CompProjects, x.ID, f+"/link", u.Link, n.Link(u.Link) != nil, CompLinks)
			case u.Node != "":
				ref(CompProjects, x.ID, f+"/node", u.Node, n.Node(u.Node) != nil, CompNodes)
			default:
				out = append(out, issue(CompProjects, x.ID, f, "an upgrade needs a link or a node"))
			}
		}
		for _, d := range x.DependsOn {
			ref(CompProjects, x.ID, "depends_on", d, n.Project(d) != nil, CompProjects)
		}
		for _, c := range slices.Sorted(maps.Keys(x.Financing)) {
			ref(CompProjects, x.ID, "financing", c, n.Country(c) != nil, CompCountries)
		}
	}
	// Source ids inside provenance.
	for path, q := range n.Quantities() {
		for _, s := range q.Source.Sources {
			if n.Source(s) == nil {
				c, id, field := splitPath(path)
				out = append(out, issue(c, id, field+"_source", "unknown source id %q: add it to sources or correct the reference", s))
			}
		}
	}
	for _, x := range n.Nodes {
		for _, s := range x.PosSource.Sources {
			if n.Source(s) == nil {
				out = append(out, issue(CompNodes, x.ID, "pos_source", "unknown source id %q: add it to sources or correct the reference", s))
			}
		}
	}
	unknownSources := func(c Component, id, field string, p quantity.Provenance) {
		for _, s := range p.Sources {
			if n.Source(s) == nil {
				out = append(out, issue(c, id, field, "unknown source id %q: add it to sources or correct the reference", s))
			}
		}
	}
	for _, x := range n.Links {
		unknownSources(CompLinks, x.ID, "countries_source", x.CrossingsSource)
		unknownSources(CompLinks, x.ID, "owners_source", x.OwnersSource)
	}
	for _, x := range n.Projects {
		unknownSources(CompProjects, x.ID, "start_year_source", x.StartYearSource)
		unknownSources(CompProjects, x.ID, "financing_source", x.FinancingSource)
		unknownSources(CompProjects, x.ID, "owners_source", x.OwnersSource)
		for j, k := range x.Contracts {
			unknownSources(CompProjects, x.ID, fmt.Sprintf("contracts/%d/source", j), k.Source)
		}
	}
	return out
}

// singular names one row of table c: "country" for countries, "node" for nodes.
func singular(c Component) string {
	if c == CompCountries {
		return "country"
	}
	return strings.TrimSuffix(string(c), "s")
}

// splitPath splits "links/L01/capacity" into its component, id and field.
func splitPath(p QuantityPath) (Component, string, string) {
	parts := strings.SplitN(string(p), "/", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return Component(parts[0]), parts[1], parts[2]
}

func checkProvenance(n *Network) []Issue {
	var out []Issue
	for path, q := range n.Quantities() {
		if q.Source.IsZero() {
			c, id, field := splitPath(path)
			out = append(out, issue(c, id, field+"_source", "value %s has no provenance: give a source id or \"assumption: <reasoning>\"", q))
		}
	}
	for _, x := range n.Nodes {
		if x.PosSource.IsZero() {
			out = append(out, issue(CompNodes, x.ID, "pos_source", "coordinates have no provenance: give a source id or \"assumption: <reasoning>\""))
		}
	}
	for _, x := range n.Links {
		if len(x.Crossings) > 1 && x.CrossingsSource.IsZero() {
			out = append(out, issue(CompLinks, x.ID, "countries_source", "km by country (%d countries) have no provenance: give a source id or \"assumption: <reasoning>\"", len(x.Crossings)))
		}
		if len(x.Owners) > 0 && x.OwnersSource.IsZero() {
			out = append(out, issue(CompLinks, x.ID, "owners_source", "owners have no provenance: give a source id or \"assumption: <reasoning>\""))
		}
	}
	for _, x := range n.Projects {
		if x.StartYear != 0 && x.StartYearSource.IsZero() {
			out = append(out, issue(CompProjects, x.ID, "start_year_source", "start year %d has no provenance: give a source id or \"assumption: <reasoning>\"", x.StartYear))
		}
		if len(x.Financing) > 0 && x.FinancingSource.IsZero() {
			out = append(out, issue(CompProjects, x.ID, "financing_source", "financing shares have no provenance: give a source id or \"assumption: <reasoning>\""))
		}
		if len(x.Owners) > 0 && x.OwnersSource.IsZero() {
			out = append(out, issue(CompProjects, x.ID, "owners_source", "owners have no provenance: give a source id or \"assumption: <reasoning>\""))
		}
		for j, k := range x.Contracts {
			if k.Source.IsZero() {
				out = append(out, issue(CompProjects, x.ID, fmt.Sprintf("contracts/%d/source", j), "transit contract with %s has no provenance: give a source id or \"assumption: <reasoning>\"", k.Host))
			}
		}
	}
	return out
}

// expectDim checks q (if set) against the allowed dimensions.
func expectDim(out *[]Issue, c Component, id, field string, q Q, allowed ...quantity.Dim) {
	if !q.IsSet() || quantity.OneOf(q.Dim, allowed...) {
		return
	}
	want := make([]string, len(allowed))
	for i, d := range allowed {
		want[i] = quantity.Canonical(d)
		if d == quantity.DimNone {
			want[i] = "none (a plain number or %)"
		}
	}
	*out = append(*out, issue(c, id, field, "unit %q measures %s, expected a unit of %s", q.Unit.Text, q.Dim, strings.Join(want, " or ")))
}

func checkUnits(n *Network) []Issue {
	var out []Issue
	none, perYr := quantity.DimNone, quantity.DimRatePerYear
	expectDim(&out, CompMeta, "dataset", "social_discount_rate", n.Meta.SocialDiscountRate, none, perYr)
	expectDim(&out, CompMeta, "dataset", "strategic_premium", n.Meta.StrategicPremium, quantity.DimMoneyPerYr)
	expectDim(&out, CompMeta, "dataset", "cargo_holding_rate", n.Meta.CargoHoldingRate, none, perYr)
	for _, r := range n.Meta.ReferencePeriods {
		expectDim(&out, CompMeta, "dataset", "reference_periods/"+r.Class, r.Years, quantity.DimTime)
	}
	for j, o := range n.Study.Overruns {
		f := "overruns/" + strconv.Itoa(j) + "/"
		expectDim(&out, CompStudy, "study", f+"mean", o.Mean, none)
		expectDim(&out, CompStudy, "study", f+"sd", o.SD, none)
	}
	for _, x := range n.Countries {
		expectDim(&out, CompCountries, x.ID, "discount_rate", x.DiscountRate, none, perYr)
	}
	for _, x := range n.Correlations {
		expectDim(&out, CompCorrelations, x.ID, "rho", x.Rho, none)
	}
	tpy := quantity.DimMass.PerYear()
	usdPerT := quantity.DimMoney.Div(quantity.DimMass)
	for _, x := range n.Nodes {
		expectDim(&out, CompNodes, x.ID, "throughput", x.Throughput, tpy)
		expectDim(&out, CompNodes, x.ID, "handling_cost", x.HandlingCost, usdPerT)
		expectDim(&out, CompNodes, x.ID, "congestion_cost", x.CongestionCost, usdPerT)
	}
	for _, x := range n.Links {
		expectDim(&out, CompLinks, x.ID, "length", x.Length, quantity.DimLength)
		expectDim(&out, CompLinks, x.ID, "speed", x.Speed, quantity.DimSpeed)
		m := n.Mode(x.Mode)
		if m == nil {
			continue
		}
		if x.Capacity.IsSet() && x.Capacity.Dim != m.Capacity {
			out = append(out, issue(CompLinks, x.ID, "capacity", "unit %q measures %s, but a %s link's capacity is in %s (for example %s)",
				x.Capacity.Unit.Text, x.Capacity.Dim, m.ID, m.Capacity, m.CapacityUnit))
		}
		unit := m.Capacity.Mul(quantity.DimTime) // capacity unit without "per year"
		perUnit := quantity.DimMoney.Div(unit)
		expectDim(&out, CompLinks, x.ID, "cost", x.Cost, perUnit, perUnit.Div(quantity.DimLength))
		expectDim(&out, CompLinks, x.ID, "tariff", x.Tariff, perUnit, perUnit.Div(quantity.DimLength))
	}
	for _, x := range n.Commodities {
		expectDim(&out, CompCommodities, x.ID, "tonnes_per_unit", x.TonnesPerUnit, quantity.DimMass.Div(x.Unit.Dim))
		expectDim(&out, CompCommodities, x.ID, "price", x.Price, quantity.DimMoney.Div(x.Unit.Dim))
	}
	for _, x := range n.Markets {
		c := n.Commodity(x.Commodity)
		if c == nil {
			continue
		}
		for j, s := range x.Steps {
			f := fmt.Sprintf("steps/%d/", j)
			expectDim(&out, CompMarkets, x.ID, f+"quantity", s.Quantity, c.Unit.Dim.PerYear())
			expectDim(&out, CompMarkets, x.ID, f+"price", s.Price, quantity.DimMoney.Div(c.Unit.Dim))
		}
		expectDim(&out, CompMarkets, x.ID, "growth", x.Growth, none, perYr)
	}
	for _, x := range n.Projects {
		expectDim(&out, CompProjects, x.ID, "capex", x.Capex, quantity.DimMoney)
		expectDim(&out, CompProjects, x.ID, "construction_years", x.ConstructionYears, quantity.DimTime)
		expectDim(&out, CompProjects, x.ID, "opex", x.Opex, quantity.DimMoneyPerYr)
		expectDim(&out, CompProjects, x.ID, "lifetime", x.Lifetime, quantity.DimTime)
		for j, k := range x.Contracts {
			expectDim(&out, CompProjects, x.ID, fmt.Sprintf("contracts/%d/rent_share", j), k.RentShare, none)
		}
		for j, l := range x.Loans {
			f := fmt.Sprintf("loans/%d/", j)
			expectDim(&out, CompProjects, x.ID, f+"share", l.Share, none)
			expectDim(&out, CompProjects, x.ID, f+"rate", l.Rate, none, perYr)
			expectDim(&out, CompProjects, x.ID, f+"tenor", l.Tenor, quantity.DimTime)
			expectDim(&out, CompProjects, x.ID, f+"grace", l.Grace, quantity.DimTime)
			expectDim(&out, CompProjects, x.ID, f+"default_probability", l.DefaultProbability, none, perYr)
		}
		for j, u := range x.Upgrades {
			f := fmt.Sprintf("upgrades/%d/add", j)
			switch {
			case u.Link != "":
				if l := n.Link(u.Link); l != nil {
					if m := n.Mode(l.Mode); m != nil {
						expectDim(&out, CompProjects, x.ID, f, u.Add, m.Capacity)
					}
				}
			case u.Node != "":
				expectDim(&out, CompProjects, x.ID, f, u.Add, tpy)
			}
		}
	}
	return out
}

func checkCapacities(n *Network) []Issue {
	var out []Issue
	for _, x := range n.Links {
		switch {
		case !x.Capacity.IsSet() && x.Status != StatusClosed:
			out = append(out, issue(CompLinks, x.ID, "capacity", "missing capacity: give the yearly capacity of this %s link", x.Status))
		case x.Capacity.IsSet() && x.Capacity.Value < 0:
			out = append(out, issue(CompLinks, x.ID, "capacity", "negative capacity %s: capacities are ≥ 0 (use status closed for a link that carries nothing)", x.Capacity))
		case x.Capacity.IsSet() && x.Capacity.Value == 0 && x.Status != StatusClosed:
			out = append(out, warn(CompLinks, x.ID, "capacity", "zero capacity on a %s link: it will carry nothing", x.Status))
		}
		if !x.Length.IsSet() {
			out = append(out, issue(CompLinks, x.ID, "length", "missing length: give the route length in km"))
		}
	}
	for path, q := range n.Quantities() {
		c, id, field := splitPath(path)
		if boundedElsewhere(c, field) {
			continue
		}
		if q.Value < 0 && !strings.HasSuffix(field, "growth") && !(c == CompLinks && field == "capacity") {
			out = append(out, issue(c, id, field, "negative value %s: expected a value ≥ 0", q))
		}
		if q.Range != nil && q.Range.Low < 0 && !strings.HasSuffix(field, "growth") {
			out = append(out, issue(c, id, field+"_range", "range %q goes below zero: expected low ≥ 0", q.RangeString()))
		}
	}
	return out
}

func checkPositions(n *Network) []Issue {
	var out []Issue
	for _, x := range n.Nodes {
		if !x.Pos.Valid() {
			out = append(out, issue(CompNodes, x.ID, "lat", "position %v is off the globe: latitude must be within [-90, 90] and longitude within [-180, 180] (WGS84 decimal degrees, latitude first)", x.Pos))
		}
	}
	return out
}

func checkCommodityModes(n *Network) []Issue {
	var out []Issue
	for _, c := range n.Commodities {
		for _, mid := range c.Modes {
			m := n.Mode(mid)
			if m == nil {
				continue
			}
			if m.Freight() {
				if c.Unit.Dim != quantity.DimMass && !c.TonnesPerUnit.IsSet() {
					out = append(out, issue(CompCommodities, c.ID, "tonnes_per_unit", "%s is carried by %s, whose capacity is in tonnes: give tonnes per %s", c.ID, mid, c.Unit.Text))
				}
				continue
			}
			if c.Unit.Dim.PerYear() != m.Capacity {
				out = append(out, issue(CompCommodities, c.ID, "modes", "mode %s carries %s, which cannot hold %s measured in %s: remove the mode or change the commodity's unit", mid, m.CapacityUnit, c.ID, c.Unit.Text))
			}
		}
	}
	return out
}

func checkGaugeBreaks(n *Network) []Issue {
	var out []Issue
	gauges := map[string]map[int][]string{} // node → gauge → link ids
	for _, l := range n.Links {
		m := n.Mode(l.Mode)
		if m == nil || m.Carrier != CarrierRail || m.GaugeMM == 0 || l.Status == StatusClosed {
			continue
		}
		for _, nd := range []string{l.From, l.To} {
			if gauges[nd] == nil {
				gauges[nd] = map[int][]string{}
			}
			gauges[nd][m.GaugeMM] = append(gauges[nd][m.GaugeMM], l.ID)
		}
	}
	for _, nd := range n.Nodes {
		g := gauges[nd.ID]
		if len(g) > 1 && !nd.Transship {
			var parts []string
			for _, gauge := range slices.Sorted(maps.Keys(g)) {
				parts = append(parts, fmt.Sprintf("%d mm (%s)", gauge, strings.Join(g[gauge], ", ")))
			}
			out = append(out, issue(CompNodes, nd.ID, "transship", "rail gauges meet here without a transshipment point: %s; set transship to true (with a handling cost) or connect the lines elsewhere", strings.Join(parts, " and ")))
		}
	}
	return out
}

func checkReachable(n *Network) []Issue {
	var out []Issue
	for _, c := range n.Commodities {
		// undirected reachability over links whose mode carries c and that are not closed
		adj := map[string][]string{}
		for _, l := range n.Links {
			if l.Status == StatusClosed || !slices.Contains(c.Modes, l.Mode) {
				continue
			}
			adj[l.From] = append(adj[l.From], l.To)
			adj[l.To] = append(adj[l.To], l.From)
		}
		var sources []string
		for _, m := range n.Markets {
			if m.Commodity == c.ID && m.Kind != Demand {
				sources = append(sources, m.Node)
			}
		}
		seen := map[string]bool{}
		stack := slices.Clone(sources)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[v] {
				continue
			}
			seen[v] = true
			stack = append(stack, adj[v]...)
		}
		for _, m := range n.Markets {
			if m.Commodity == c.ID && m.Kind == Demand && !seen[m.Node] {
				out = append(out, issue(CompMarkets, m.ID, "node", "demand for %s at %s cannot be reached from any supply or backstop of %s over links that carry it: add a link, a supply or a backstop", c.ID, m.Node, c.ID))
			}
		}
	}
	return out
}

func checkFinancing(n *Network) []Issue {
	var out []Issue
	for _, p := range n.Projects {
		if len(p.Financing) == 0 {
			out = append(out, issue(CompProjects, p.ID, "financing", "no financing shares: say which countries pay what share of capex and opex"))
			continue
		}
		sum := 0.0
		for _, c := range slices.Sorted(maps.Keys(p.Financing)) {
			s := p.Financing[c]
			if s < 0 || s > 1 || math.IsNaN(s) {
				out = append(out, issue(CompProjects, p.ID, "financing", "share %g for %s is outside [0, 1]", s, c))
			}
			sum += s
		}
		if math.Abs(sum-1) > 1e-6 {
			out = append(out, issue(CompProjects, p.ID, "financing", "financing shares sum to %.6g: they must sum to 1", sum))
		}
	}
	return out
}

func checkCrossings(n *Network) []Issue {
	var out []Issue
	for _, l := range n.Links {
		if len(l.Crossings) == 0 {
			out = append(out, issue(CompLinks, l.ID, "countries", "no countries crossed: give km by country, e.g. AAA:10;BBB:44"))
			continue
		}
		total := 0.0
		for _, ck := range l.Crossings {
			if ck.Km < 0 {
				out = append(out, issue(CompLinks, l.ID, "countries", "negative km %g in %s", ck.Km, ck.Country))
			}
			total += ck.Km
		}
		if l.Length.IsSet() && l.Length.Value > 0 && math.Abs(total-l.Length.Value) > 0.05*l.Length.Value {
			out = append(out, warn(CompLinks, l.ID, "countries", "km by country add up to %.4g but the length is %.4g km", total, l.Length.Value))
		}
		in := func(c string) bool {
			return slices.ContainsFunc(l.Crossings, func(ck CountryKm) bool { return ck.Country == c })
		}
		for _, end := range []string{l.From, l.To} {
			if nd := n.Node(end); nd != nil && !in(nd.Country) {
				out = append(out, warn(CompLinks, l.ID, "countries", "end node %s lies in %s, which is not among the countries crossed", end, nd.Country))
			}
		}
	}
	return out
}

func checkProjects(n *Network) []Issue {
	var out []Issue
	for _, p := range n.Projects {
		for _, lid := range p.Links {
			if l := n.Link(lid); l != nil {
				if l.Status != StatusProposed && l.Status != StatusConstruction {
					out = append(out, issue(CompProjects, p.ID, "links", "link %s is %s: a project builds only proposed or under-construction links (use an upgrade for existing ones)", lid, l.Status))
				}
				if l.Project != p.ID {
					out = append(out, issue(CompProjects, p.ID, "links", "link %s names project %q, not %s: make the two agree", lid, l.Project, p.ID))
				}
			}
		}
		if !p.Capex.IsSet() {
			out = append(out, issue(CompProjects, p.ID, "capex", "missing capex: give the capital cost in USD with a range"))
		}
	}
	for _, l := range n.Links {
		if (l.Status == StatusProposed) && l.Project == "" {
			out = append(out, warn(CompLinks, l.ID, "project", "proposed link belongs to no project: it will never be built"))
		}
	}
	// dependency cycles
	state := map[string]int{}
	var visit func(id string, path []string) []string
	visit = func(id string, path []string) []string {
		switch state[id] {
		case 1:
			return append(path, id)
		case 2:
			return nil
		}
		state[id] = 1
		if p := n.Project(id); p != nil {
			for _, d := range p.DependsOn {
				if cyc := visit(d, append(path, id)); cyc != nil {
					return cyc
				}
			}
		}
		state[id] = 2
		return nil
	}
	for _, p := range n.Projects {
		if cyc := visit(p.ID, nil); cyc != nil {
			out = append(out, issue(CompProjects, p.ID, "depends_on", "dependency cycle %s: remove one dependency", strings.Join(cyc, " → ")))
			break
		}
	}
	return out
}

// boundedElsewhere reports whether a quantity's bounds are checked by a rule of its own (loans,
// transit contracts, reference periods, the strategic premium), so that the generic
// non-negativity check of the capacity rule leaves it alone (a loan's real rate may be negative).
func boundedElsewhere(c Component, field string) bool {
	switch c {
	case CompMeta:
		return field == "strategic_premium" || field == "cargo_holding_rate" || strings.HasPrefix(field, "reference_periods/")
	case CompStudy, CompCorrelations:
		return true
	case CompProjects:
		return strings.HasPrefix(field, "contracts/") || strings.HasPrefix(field, "loans/")
	}
	return false
}

// span returns the lowest and highest values q may take: its value and its range.
func span(q Q) (lo, hi float64) {
	lo, hi = q.Value, q.Value
	if q.Range != nil {
		lo, hi = min(lo, q.Range.Low), max(hi, q.Range.High)
	}
	return lo, hi
}

// described writes q with its range, if any, for messages.
func described(q Q) string {
	if q.Range == nil {
		return q.String()
	}
	return fmt.Sprintf("%s (range %q)", q, q.RangeString())
}

func checkOwners(n *Network) []Issue {
	var out []Issue
	check := func(c Component, id string, shares []Share) {
		if len(shares) == 0 {
			return
		}
		sum := 0.0
		seen := map[string]bool{}
		for _, s := range shares {
			switch {
			case n.Country(s.Country) == nil:
				out = append(out, issue(c, id, "owners", "unknown country id %q: add it to countries or correct the owners", s.Country))
			case seen[s.Country]:
				out = append(out, issue(c, id, "owners", "%s is listed twice among the owners: give each country once", s.Country))
			}
			seen[s.Country] = true
			if !(s.Fraction >= 0 && s.Fraction <= 1) {
				out = append(out, issue(c, id, "owners", "share %g for %s is outside [0, 1]", s.Fraction, s.Country))
			}
			sum += s.Fraction
		}
		if !(math.Abs(sum-1) <= 1e-6) {
			out = append(out, issue(c, id, "owners", "owners' shares sum to %.6g: they must sum to 1 (or leave owners empty for the default)", sum))
		}
	}
	for _, l := range n.Links {
		check(CompLinks, l.ID, l.Owners)
	}
	for _, p := range n.Projects {
		shares := make([]Share, 0, len(p.Owners))
		for _, c := range slices.Sorted(maps.Keys(p.Owners)) {
			shares = append(shares, Share{c, p.Owners[c]})
		}
		check(CompProjects, p.ID, shares)
	}
	return out
}

// crosses reports whether link l has km in country c.
func crosses(l *Link, c string) bool {
	return slices.ContainsFunc(l.Crossings, func(ck CountryKm) bool { return ck.Country == c })
}

func checkContracts(n *Network) []Issue {
	var out []Issue
	for _, p := range n.Projects {
		for j, k := range p.Contracts {
			f := fmt.Sprintf("contracts/%d/", j)
			known := false
			switch {
			case k.Host == "":
				out = append(out, issue(CompProjects, p.ID, f+"host", "missing host: give the country the contract pays"))
			case n.Country(k.Host) == nil:
				out = append(out, issue(CompProjects, p.ID, f+"host", "unknown country id %q: add it to countries or correct the host", k.Host))
			default:
				known = true
			}
			seen := map[string]bool{}
			for _, lid := range k.Links {
				l := n.Link(lid)
				switch {
				case l == nil:
					out = append(out, issue(CompProjects, p.ID, f+"links", "unknown link id %q: add it to links or correct the contract", lid))
				case seen[lid]:
					out = append(out, issue(CompProjects, p.ID, f+"links", "link %s is listed twice", lid))
				case !slices.Contains(p.Links, lid) && l.Project != p.ID:
					out = append(out, issue(CompProjects, p.ID, f+"links", "link %s does not belong to project %s: a contract covers the project's own links (its links, or links whose project it is)", lid, p.ID))
				case known && !crosses(l, k.Host):
					out = append(out, warn(CompProjects, p.ID, f+"links", "link %s does not cross %s, the contract's host: the host would be paid for passage it does not give", lid, k.Host))
				}
				seen[lid] = true
			}
			if len(k.Links) == 0 && known && !slices.ContainsFunc(p.Links, func(id string) bool {
				l := n.Link(id)
				return l != nil && crosses(l, k.Host)
			}) {
				out = append(out, warn(CompProjects, p.ID, f+"host", "no link of project %s crosses %s: the contract covers nothing; list its links or change the host", p.ID, k.Host))
			}
			if q := k.RentShare; q.IsSet() && q.Dim == quantity.DimNone {
				if lo, hi := span(q); !(lo >= 0 && hi <= 1) {
					out = append(out, issue(CompProjects, p.ID, f+"rent_share", "rent share %s is outside [0, 1]: give a fraction of the owners' rent such as 0.1 or 10 %%", described(q)))
				}
			}
		}
	}
	return out
}

func checkLoans(n *Network) []Issue {
	var out []Issue
	for _, p := range n.Projects {
		for j, l := range p.Loans {
			f := fmt.Sprintf("loans/%d/", j)
			bad := func(field, format string, args ...any) {
				out = append(out, issue(CompProjects, p.ID, f+field, format, args...))
			}
			country := func(field, id string) bool {
				switch {
				case id == "":
					bad(field, "missing %s: give a country id", field)
				case n.Country(id) == nil:
					bad(field, "unknown country id %q: add it to countries or correct the %s", id, field)
				default:
					return true
				}
				return false
			}
			okLender, okBorrower := country("lender", l.Lender), country("borrower", l.Borrower)
			if okLender && okBorrower && l.Lender == l.Borrower {
				bad("borrower", "lender and borrower are both %s: a loan is between two countries", l.Lender)
			}
			if okBorrower && !(p.Financing[l.Borrower] > 0) {
				bad("borrower", "%s has no financing share in %s: a loan lends part of the borrower's share of capex; give it a share in financing or change the borrower", l.Borrower, p.ID)
			}
			none, perYr := quantity.DimNone, quantity.DimRatePerYear
			// Each bound is checked only in the expected dimension: the unit rule reports others.
			switch q := l.Share; {
			case !q.IsSet():
				bad("share", "missing share: give the fraction of the borrower's share of capex that the loan covers, e.g. 100 %%")
			case q.Dim == none:
				if lo, hi := span(q); !(lo > 0 && hi <= 1) {
					bad("share", "share %s is outside (0, 1]: give the fraction of the borrower's share of capex that the loan covers", described(q))
				}
			}
			switch q := l.Rate; {
			case !q.IsSet():
				bad("rate", "missing rate: give the real interest rate per year, e.g. 2 %%")
			case quantity.OneOf(q.Dim, none, perYr):
				if lo, _ := span(q); !(lo > -1) {
					bad("rate", "rate %s is not above -100 %%: give the real interest rate per year", described(q))
				}
			}
			tenorOK := false
			switch q := l.Tenor; {
			case !q.IsSet():
				bad("tenor", "missing tenor: give the years from the first drawdown to the last instalment, e.g. 20 yr")
			case q.Dim == quantity.DimTime:
				if lo, _ := span(q); !(lo > 0) {
					bad("tenor", "tenor %s is not positive: give the years from the first drawdown to the last instalment", described(q))
				} else {
					tenorOK = true
				}
			}
			if q := l.Grace; q.IsSet() && q.Dim == quantity.DimTime {
				glo, ghi := span(q)
				switch {
				case !(glo >= 0):
					bad("grace", "grace %s is negative: give the interest-only years, 0 or more", described(q))
				case tenorOK && !(q.Value < l.Tenor.Value):
					bad("grace", "grace %s is not shorter than the tenor %s: the loan needs years of repayment after the grace", q, l.Tenor)
				case tenorOK:
					if tlo, _ := span(l.Tenor); !(ghi < tlo) {
						out = append(out, warn(CompProjects, p.ID, f+"grace", "grace %s may reach the tenor %s in Monte Carlo draws: narrow the ranges so that grace stays below the tenor", described(q), described(l.Tenor)))
					}
				}
			}
			if q := l.DefaultProbability; q.IsSet() && quantity.OneOf(q.Dim, none, perYr) {
				if lo, hi := span(q); !(lo >= 0 && hi <= 1) {
					bad("default_probability", "default probability %s is outside [0, 1]: give the yearly probability that the borrower stops paying", described(q))
				}
			}
		}
	}
	return out
}

func checkStudy(n *Network) []Issue {
	var out []Issue
	for _, id := range n.Study.MapLabels {
		if n.Node(id) == nil {
			out = append(out, issue(CompStudy, "study", "map_labels", "unknown node id %q: a map label must be one of nodes", id))
		}
	}
	seen := map[string]bool{}
	for j, o := range n.Study.Overruns {
		f := "overruns/" + strconv.Itoa(j) + "/"
		if seen[o.Class] {
			out = append(out, issue(CompStudy, "study", f+"class", "class %s has two overrun reference classes: keep one", o.Class))
		}
		seen[o.Class] = true
		if lo, _ := span(o.Mean); o.Mean.IsSet() && o.Mean.Dim == quantity.DimNone && !(lo > -1) {
			out = append(out, issue(CompStudy, "study", f+"mean", "mean overrun %s is not above -100 %%: give the mean overrun as a fraction of the budget, e.g. 0.45", described(o.Mean)))
		}
		if lo, _ := span(o.SD); o.SD.IsSet() && o.SD.Dim == quantity.DimNone && !(lo >= 0) {
			out = append(out, issue(CompStudy, "study", f+"sd", "standard deviation %s is negative", described(o.SD)))
		}
	}
	return out
}

func checkDecider(n *Network) []Issue {
	if d := n.Meta.Decider; d != "" && n.Country(d) == nil {
		return []Issue{issue(CompMeta, "dataset", "decider", "unknown country id %q: the decider must be one of countries", d)}
	}
	return nil
}

func checkReferencePeriods(n *Network) []Issue {
	var out []Issue
	seen := map[string]bool{}
	for _, r := range n.Meta.ReferencePeriods {
		f := "reference_periods/" + r.Class
		switch {
		case r.Class == "":
			out = append(out, issue(CompMeta, "dataset", "reference_periods", "a reference period needs a project class"))
		case seen[r.Class]:
			out = append(out, issue(CompMeta, "dataset", f, "class %s has two reference periods: keep one", r.Class))
		}
		seen[r.Class] = true
		switch q := r.Years; {
		case !q.IsSet():
			out = append(out, issue(CompMeta, "dataset", f, "missing years: give the years of service the appraisal counts for class %s, e.g. 30 yr", r.Class))
		case q.Dim == quantity.DimTime:
			if lo, _ := span(q); !(lo > 0) {
				out = append(out, issue(CompMeta, "dataset", f, "reference period %s is not positive: give the years of service the appraisal counts", described(q)))
			}
		}
	}
	if len(n.Meta.ReferencePeriods) == 0 {
		return out
	}
	missing := map[string][]string{} // class → project ids
	for _, p := range n.Projects {
		if p.Class != "" && !seen[p.Class] {
			missing[p.Class] = append(missing[p.Class], p.ID)
		}
	}
	for _, c := range slices.Sorted(maps.Keys(missing)) {
		out = append(out, warn(CompMeta, "dataset", "reference_periods", "no reference period for class %s (projects %s): add one to reference_periods", c, strings.Join(missing[c], ", ")))
	}
	return out
}

func checkAppraisalYears(n *Network) []Issue {
	ys, m := n.Meta.AppraisalYears, n.Meta
	var out []Issue
	for i, y := range ys {
		switch {
		case i > 0 && y <= ys[i-1]:
			out = append(out, issue(CompMeta, "dataset", "appraisal_years", "appraisal years must ascend without repeats: %d follows %d", y, ys[i-1]))
		case y < m.BaseYear || m.HorizonYears > 0 && y > m.BaseYear+m.HorizonYears:
			out = append(out, issue(CompMeta, "dataset", "appraisal_years", "appraisal year %d lies outside the base year %d and the end of the horizon %d", y, m.BaseYear, m.BaseYear+m.HorizonYears))
		}
	}
	return out
}

func checkCongestion(n *Network) []Issue {
	var out []Issue
	for _, x := range n.Nodes {
		q := x.CongestionCost
		if !q.IsSet() {
			continue
		}
		if lo, _ := span(q); lo < 0 {
			out = append(out, issue(CompNodes, x.ID, "congestion_cost", "congestion cost %s is negative: give the average cost of waiting per tonne at half the node's throughput, 0 or more", described(q)))
		}
		if !x.Throughput.IsSet() {
			out = append(out, issue(CompNodes, x.ID, "congestion_cost", "a congestion cost needs a throughput: the cost grows with the share of the throughput used"))
		}
	}
	return out
}

func checkTimeCost(n *Network) []Issue {
	q := n.Meta.CargoHoldingRate
	if !q.IsSet() || !quantity.OneOf(q.Dim, quantity.DimNone, quantity.DimRatePerYear) {
		return nil
	}
	var out []Issue
	if lo, hi := span(q); !(lo >= 0 && hi < 1) {
		out = append(out, issue(CompMeta, "dataset", "cargo_holding_rate", "cargo holding rate %s is outside [0 %%, 100 %%): give the yearly cost of capital tied up in freight in transit, e.g. 10 %%", described(q)))
	}
	for _, l := range n.Links {
		m := n.Mode(l.Mode)
		if m == nil || !m.Freight() || l.Status == StatusClosed {
			continue
		}
		if !l.Speed.IsSet() {
			out = append(out, warn(CompLinks, l.ID, "speed", "no speed on a freight link while cargo_holding_rate is set: its transit time counts as zero, which favours it over links with a speed"))
		}
	}
	return out
}

func checkStrategicPremium(n *Network) []Issue {
	q := n.Meta.StrategicPremium
	if !q.IsSet() {
		return nil
	}
	var out []Issue
	if lo, _ := span(q); q.Dim == quantity.DimMoneyPerYr && !(lo >= 0) {
		out = append(out, issue(CompMeta, "dataset", "strategic_premium", "strategic premium %s is negative: it is the decider's non-monetary value of a project in service, 0 USD/yr or more", described(q)))
	}
	if n.Meta.Decider == "" {
		out = append(out, warn(CompMeta, "dataset", "strategic_premium", "a strategic premium without a decider: say whose it is with decider"))
	}
	return out
}

// Bounds of the appraisal's time and rate inputs. They are far wider than any real study needs
// and exist so that a typo (a horizon of 2,000,000,000 years, a rate of 150 %) is an error rather
// than a run that exhausts memory or a silently absurd answer.
const (
	minYear, maxYear = 1900, 2200
	maxHorizonYears  = 200 // yr
	maxLifetimeYears = 200 // yr
	maxBuildYears    = 50  // yr
)

func checkAppraisal(n *Network) []Issue {
	var out []Issue
	m := n.Meta
	if m.BaseYear != 0 && (m.BaseYear < minYear || m.BaseYear > maxYear) {
		out = append(out, issue(CompMeta, "dataset", "base_year", "base year %d: expected a year within %d..%d", m.BaseYear, minYear, maxYear))
	}
	if m.HorizonYears < 0 || m.HorizonYears > maxHorizonYears {
		out = append(out, issue(CompMeta, "dataset", "horizon_years", "horizon of %d years: expected 1..%d (or leave it out for the reference periods)", m.HorizonYears, maxHorizonYears))
	}
	rate := func(c Component, id, field string, q Q) {
		if _, hi := span(q); q.IsSet() && q.Dim == quantity.DimNone && !(hi < 1) {
			out = append(out, issue(c, id, field, "discount rate %s: expected a rate below 100 %% a year", described(q)))
		}
	}
	rate(CompMeta, "dataset", "social_discount_rate", m.SocialDiscountRate)
	for _, c := range n.Countries {
		rate(CompCountries, c.ID, "discount_rate", c.DiscountRate)
	}
	for _, p := range n.Projects {
		if lo, hi := span(p.Lifetime); p.Lifetime.IsSet() && (!(lo >= 1) || hi > maxLifetimeYears) {
			out = append(out, issue(CompProjects, p.ID, "lifetime", "lifetime %s: expected 1..%d years of service", described(p.Lifetime), maxLifetimeYears))
		}
		if _, hi := span(p.ConstructionYears); p.ConstructionYears.IsSet() && hi > maxBuildYears {
			out = append(out, issue(CompProjects, p.ID, "construction_years", "construction of %s: expected at most %d years", described(p.ConstructionYears), maxBuildYears))
		}
		if p.StartYear != 0 && (p.StartYear < minYear || p.StartYear > maxYear) {
			out = append(out, issue(CompProjects, p.ID, "start_year", "start year %d: expected a year within %d..%d", p.StartYear, minYear, maxYear))
		}
	}
	return out
}

// MinRankCorrelation is the lowest rank correlation an equicorrelated group of m ≥ 2 members can
// have: the Gaussian copula draws the members from normals with Pearson correlation
// r = 2·sin(π·ρ/6), and an m×m equicorrelation matrix is positive definite only for
// r > −1/(m−1); so ρ > (6/π)·asin(−1/(2(m−1))): −1 for two members, about −0.483 for three.
func MinRankCorrelation(m int) float64 {
	if m < 2 {
		return math.NaN()
	}
	return 6 / math.Pi * math.Asin(-1/(2*float64(m-1)))
}

func checkCorrelations(n *Network) []Issue {
	var out []Issue
	in := map[QuantityPath]string{} // path → group that first lists it
	for _, g := range n.Correlations {
		if len(g.Paths) < 2 {
			out = append(out, issue(CompCorrelations, g.ID, "paths", "a correlation group needs at least two quantity paths, got %d", len(g.Paths)))
		}
		for j, p := range g.Paths {
			f := "paths/" + strconv.Itoa(j)
			q := n.Quantity(p)
			switch {
			case strings.HasPrefix(string(p), string(CompCorrelations)+"/"):
				out = append(out, issue(CompCorrelations, g.ID, f, "%q is a correlation, not an input: list quantities of the network", p))
			case q == nil:
				out = append(out, issue(CompCorrelations, g.ID, f, "unknown quantity path %q: use a path as `corridor data show --json` lists it, e.g. markets/<id>/steps/0/price", p))
			case q.Range == nil:
				out = append(out, issue(CompCorrelations, g.ID, f, "quantity %s has no range: a fixed value cannot co-move; give it a range or leave it out", p))
			case strings.HasPrefix(string(p), string(CompProjects)+"/") && strings.HasSuffix(string(p), "/capex"):
				out = append(out, issue(CompCorrelations, g.ID, f, "project capex %s is not drawn from its range in the Monte Carlo (the reference-class overrun applies instead): leave it out", p))
			}
			if other, dup := in[p]; dup {
				out = append(out, issue(CompCorrelations, g.ID, f, "quantity %s is already in correlation group %q: a quantity belongs to at most one group", p, other))
				continue
			}
			in[p] = g.ID
		}
		if !g.Rho.IsSet() {
			out = append(out, issue(CompCorrelations, g.ID, "rho", "missing rho: give the rank correlation of the group's members"))
			continue
		}
		if r := g.Rho.Range; r != nil && r.Dist == quantity.Lognormal {
			out = append(out, issue(CompCorrelations, g.ID, "rho_range", "a lognormal rho is unbounded: use a triangular, pert or uniform range"))
		}
		m := max(len(g.Paths), 2)
		lo, hi := span(g.Rho)
		if minRho := MinRankCorrelation(m); !(lo > minRho && hi <= 1) {
			out = append(out, issue(CompCorrelations, g.ID, "rho", "rho %s outside (%.3f, 1]: with %d members the Pearson correlation of the normals, 2·sin(π·rho/6), must exceed −1/(m−1) = %.3g, or the group's correlation matrix is not positive definite",
				described(g.Rho), minRho, m, -1/float64(m-1)))
		}
	}
	return out
}
