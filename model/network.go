package model

import (
	"maps"
	"slices"

	"github.com/corridor-dev/corridor/geo"
	"github.com/corridor-dev/corridor/quantity"
)

// Q is shorthand for a quantity with unit, range and provenance.
type Q = quantity.Quantity

// Source is one row of the sources table: where a value comes from.
type Source struct {
	ID         string // referenced by quantity.Provenance.Sources
	Publisher  string
	Title      string
	URL        string // may be empty; then Note says why (e.g. "URL not retained")
	Date       string // publication date as known: YYYY, YYYY-MM or YYYY-MM-DD
	FactID     string // the fact's id in the register the data set's sources come from, e.g. "L27"
	Confidence string // A (official) to D (weak)
	Note       string
}

// Country is a participant: an ISO 3166-1 alpha-3 code and its financial discount rate.
type Country struct {
	ID           string // ISO 3166-1 alpha-3 for a real country; any id for an invented one
	Name         string
	DiscountRate Q // real financial discount rate per year, dimensionless (0.074 = 7.4 %)
}

// NodeKind says what a node is.
type NodeKind string

// Node kinds.
const (
	KindCity     NodeKind = "city"
	KindPort     NodeKind = "port"
	KindBorder   NodeKind = "border"
	KindJunction NodeKind = "junction"
	KindField    NodeKind = "field"
	KindMine     NodeKind = "mine"
	KindPlant    NodeKind = "plant"
	KindTerminal NodeKind = "terminal"
	KindMarket   NodeKind = "market"
)

// NodeKinds lists the valid node kinds.
func NodeKinds() []NodeKind {
	return []NodeKind{KindCity, KindPort, KindBorder, KindJunction, KindField, KindMine, KindPlant, KindTerminal, KindMarket}
}

// Node is a place: a city, port, border crossing, junction, field, mine, plant, terminal or market.
// Throughput and HandlingCost model border crossings, ports and gauge breaks: freight passing the
// node (in tonnes) is limited to Throughput and pays HandlingCost per tonne. CongestionCost adds
// the cost of queueing for the node's berths, tracks or inspection as it fills up (MODEL.md §3).
type Node struct {
	ID           string
	Name         string
	Country      string // Country.ID
	Kind         NodeKind
	Pos          geo.LatLon
	PosSource    quantity.Provenance // where the coordinate comes from
	Throughput   Q                   // optional: t/yr that may pass or be handled here
	HandlingCost Q                   // optional: USD/t for passing, handling or transshipping
	// CongestionCost is optional: USD/t, the average cost of waiting per tonne when the node runs
	// at half its Throughput (which it needs). The average grows as u/(1−u) with the utilisation
	// u, as the wait in a one-server queue does, so near-equal routes share traffic instead of
	// the cheaper one filling to its capacity.
	CongestionCost Q
	Transship      bool // freight can change gauge (or mode) here
}

// Carrier groups modes by the kind of infrastructure.
type Carrier string

// Carriers.
const (
	CarrierRail     Carrier = "rail"
	CarrierRoad     Carrier = "road"
	CarrierSea      Carrier = "sea"
	CarrierPipeline Carrier = "pipeline"
	CarrierPower    Carrier = "power"
)

// Mode is a way of moving goods, e.g. rail of 1,520 mm gauge or a gas pipeline. Modes are data
// (modes.csv), so users can add their own.
type Mode struct {
	ID       string // e.g. "rail1520"
	Name     string
	Carrier  Carrier
	GaugeMM  int          // track gauge in mm for rail; 0 otherwise
	Capacity quantity.Dim // dimension of a link's capacity, e.g. t/yr, mcm/yr, MWh/yr
	// CapacityUnit is the canonical unit text of Capacity, e.g. "t/yr".
	CapacityUnit string
}

// Freight reports whether capacity is in tonnes shared by every commodity (rail, road, sea).
func (m *Mode) Freight() bool { return m.Capacity == quantity.DimMass.PerYear() }

// Status is a link's stage of life.
type Status string

// Link statuses.
const (
	StatusExisting     Status = "existing"
	StatusConstruction Status = "construction"
	StatusProposed     Status = "proposed"
	StatusClosed       Status = "closed"
)

// Statuses lists the valid link statuses.
func Statuses() []Status {
	return []Status{StatusExisting, StatusConstruction, StatusProposed, StatusClosed}
}

// CountryKm is the length of a link inside one country.
type CountryKm struct {
	Country string
	Km      float64
}

// Link is a piece of infrastructure between two nodes.
type Link struct {
	ID        string
	Name      string
	From, To  string // Node.IDs
	Mode      string // Mode.ID
	Length    Q      // km
	Capacity  Q      // per year, in the mode's capacity dimension (MW is 8,760 MWh/yr)
	Cost      Q      // variable cost per capacity unit (USD/t, USD/mcm, USD/MWh) or per unit-km (USD/t/km)
	Tariff    Q      // optional transit tariff per capacity unit, paid to the countries crossed
	Speed     Q      // optional commercial speed, km/h
	Crossings []CountryKm
	// CrossingsSource is the provenance of the km by country, required when the link crosses
	// more than one country (a single country's km are the Length and share its source).
	CrossingsSource quantity.Provenance
	Status          Status
	Project         string // Project.ID that builds or upgrades it; empty for none
	TwoWay          bool   // false: only From → To
	// Owners receive the link's capacity rent, in shares summing to 1. Empty means the default
	// that Network.OwnersOf resolves: a project's owners for its links, the countries crossed
	// by km for the rest (national networks).
	Owners       []Share
	OwnersSource quantity.Provenance // required when Owners is set
	// Waypoints are the points the route passes between From and To, for maps only (Length is
	// the route's length); none draws a straight line.
	Waypoints []geo.LatLon
}

// Share is one country's fraction of a whole (a link's ownership, a project's financing).
type Share struct {
	Country  string
	Fraction float64 // in [0, 1]
}

// CostPerUnit returns the variable cost in USD per capacity unit, multiplying a per-km cost by
// the link's length.
func (l *Link) CostPerUnit() float64 {
	if !l.Cost.IsSet() {
		return 0
	}
	if l.Cost.Dim[quantity.Length] == -1 {
		return l.Cost.Value * l.Length.Value
	}
	return l.Cost.Value
}

// TariffPerUnit returns the transit tariff in USD per capacity unit (0 when unset), multiplying a
// per-km tariff by the link's length.
func (l *Link) TariffPerUnit() float64 {
	if !l.Tariff.IsSet() {
		return 0
	}
	if l.Tariff.Dim[quantity.Length] == -1 {
		return l.Tariff.Value * l.Length.Value
	}
	return l.Tariff.Value
}

// Commodity is a good that flows: gas, crude, oil products, electricity, coal, ores, containers.
type Commodity struct {
	ID            string
	Name          string
	Unit          quantity.Unit // the unit one flow variable counts, e.g. mcm, t, MWh, TEU
	Modes         []string      // Mode.IDs that can carry it
	TonnesPerUnit Q             // t per unit, for freight modes (1 for goods counted in t)
	Price         Q             // reference price, USD per unit; basis for premiums in % of value
}

// MarketKind says whether a market supplies, demands or backs stops a commodity.
type MarketKind string

// Market kinds.
const (
	Supply   MarketKind = "supply"   // steps of quantity at marginal cost
	Demand   MarketKind = "demand"   // steps of quantity at willingness to pay
	Backstop MarketKind = "backstop" // imports at a fixed price (e.g. LNG), unlimited unless capped
)

// Step is one step of a supply or demand curve: up to Quantity per year at Price per unit.
type Step struct {
	Quantity Q // per year, in the commodity's unit
	Price    Q // USD per commodity unit
}

// Market is supply, demand or a backstop for one commodity at one node.
type Market struct {
	ID        string
	Name      string
	Node      string // Node.ID
	Commodity string // Commodity.ID
	Kind      MarketKind
	Steps     []Step // supply and demand; a backstop has one step (Quantity unset = unlimited)
	Origin    string // backstop only: the origin country of its imports; empty for the rest of the world
	Growth    Q      // optional yearly growth of quantities, dimensionless per year
}

// Upgrade adds capacity to an existing link or node.
type Upgrade struct {
	Link string // Link.ID, or
	Node string // Node.ID
	Add  Q      // capacity added, in the link's capacity unit or t/yr for a node
}

// Project is a candidate investment: proposed links it builds and capacity it adds.
type Project struct {
	ID                string
	Name              string
	Class             string   // reference class for cost overruns: rail, road, bridge, pipeline, power, port
	Links             []string // proposed Link.IDs it builds
	Upgrades          []Upgrade
	Capex             Q                   // USD, real, base year
	StartYear         int                 // year construction starts; 0 when not given
	StartYearSource   quantity.Provenance // required when StartYear is given
	ConstructionYears Q                   // yr
	Opex              Q                   // USD/yr once in service
	Lifetime          Q                   // yr of service
	Financing         map[string]float64  // Country.ID → share of capex and opex; shares sum to 1
	FinancingSource   quantity.Provenance
	DependsOn         []string // Project.IDs that must be built first
	Description       string
	// Owners hold the project's links and receive their capacity rent (Country.ID → share,
	// summing to 1). Empty means the financing shares: whoever pays owns.
	Owners       map[string]float64
	OwnersSource quantity.Provenance // required when Owners is set
	// Contracts pay host countries for the passage of the project's links.
	Contracts []Contract
	// Loans finance part of a country's share of the capex.
	Loans []Loan
}

// Contract is a transit contract: the host country is paid the transit tariff of the contract's
// links (Link.Tariff, per unit carried) and, optionally, a share of the owners' capacity rent on
// them. Without a contract a tariff goes to the countries a link crosses by km, and no rent.
type Contract struct {
	Host string // Country.ID paid by the contract
	// Links whose tariff and rent share go to Host; empty means every link of the project that
	// crosses Host.
	Links     []string
	RentShare Q // optional: share of the owners' capacity rent paid to Host, dimensionless
	Source    quantity.Provenance
}

// Loan lends part of a borrower's share of a project's capex. The principal is drawn as the
// capex is spent; interest is paid on the balance; after the grace years the balance is repaid
// in equal instalments (principal plus interest) until the tenor ends.
type Loan struct {
	Lender, Borrower string // Country.IDs
	Share            Q      // fraction of the borrower's share of capex that the loan covers, dimensionless
	Rate             Q      // real interest rate per year, dimensionless
	Tenor            Q      // years from the first drawdown to the last instalment
	Grace            Q      // years from the first drawdown during which only interest is paid
	// DefaultProbability is the optional yearly probability that the borrower stops paying; the
	// cash flows carry the expected payments, so the lender bears the expected loss.
	DefaultProbability Q
}

// CorrelationGroup is a set of uncertain quantities that co-move (correlations.yaml): every pair
// of members has the same rank (Spearman) correlation Rho, an equicorrelated group. The Monte
// Carlo draws the members jointly by a Gaussian copula (risk.Correlated); each keeps its own
// distribution. A full correlation matrix is out of scope: one number per group is what the
// sources can support, and it is positive semidefinite whenever Rho lies in the interval the
// correlations rule checks.
type CorrelationGroup struct {
	ID    string
	Name  string
	Paths []QuantityPath // the members: quantities with a range, at least two, each in one group
	Rho   Q              // rank correlation of every pair, dimensionless; may have a range
}

// Meta describes the data set as a whole.
type Meta struct {
	Name               string
	Description        string
	BaseYear           int // year of the USD values
	SocialDiscountRate Q   // economic discount rate per year, dimensionless
	HorizonYears       int // appraisal horizon from the base year
	// AppraisalYears are the years whose demand and network the appraisal solves (ascending);
	// empty means ten years after the base year alone.
	AppraisalYears []int
	// Decider is the country whose commitment the appraisal asks about (Country.ID); empty when
	// the data set asks no such question.
	Decider string
	// StrategicPremium is the decider's non-monetary value of a project in service (munitions,
	// labour, leverage), USD/yr; unset means none. A scenario may override it.
	StrategicPremium Q
	// CargoHoldingRate is the yearly cost of the capital tied up in freight in transit, as a
	// share of its value (interest, insurance): with link speeds it gives every route a time
	// cost, value × rate × transit time. Unset means time costs nothing.
	CargoHoldingRate Q
	// ReferencePeriods are the years of service an appraisal counts, by project class (EU CBA
	// practice); service beyond them enters as residual value.
	ReferencePeriods []ReferencePeriod
}

// Study is the question a data set asks and how its answers are shown: everything a region's
// study decides that is not a number of the network itself. All fields are optional.
type Study struct {
	// Title is the question in words, e.g. "Will the partners finance the missing rail link?".
	Title string
	// HeadlineScenario is the name of the scenario shown first and solved by default; empty
	// means the first scenario by name.
	HeadlineScenario string
	// Currency is the money unit of every value; only USD is supported.
	Currency string
	// Overruns are the reference classes of capex overrun by project class (Flyvbjerg's
	// reference-class forecasting); a class without one has no overrun uncertainty.
	Overruns []OverrunClass
	// MapLabels are the ids of the nodes whose names maps print.
	MapLabels []string
}

// OverrunClass is a published reference class: the mean and standard deviation of the capex
// overrun of a class of projects, as fractions of the budget (0.447 = +44.7 %).
type OverrunClass struct {
	Class    string // Project.Class, e.g. "rail"
	Mean, SD Q      // dimensionless
}

// Overrun returns the reference class of a project class, or nil.
func (s *Study) Overrun(class string) *OverrunClass {
	for i := range s.Overruns {
		if s.Overruns[i].Class == class {
			return &s.Overruns[i]
		}
	}
	return nil
}

// ReferencePeriod is the years of service an appraisal counts for one class of project.
type ReferencePeriod struct {
	Class string // Project.Class, e.g. "rail"
	Years Q      // yr
}

// ReferencePeriod returns the reference period of a project class, or an unset quantity.
func (m *Meta) ReferencePeriod(class string) Q {
	for _, r := range m.ReferencePeriods {
		if r.Class == class {
			return r.Years
		}
	}
	return Q{}
}

// OwnersOf returns who owns link l and so receives its capacity rent, in shares summing to 1:
// the link's own Owners when set; for a link a project builds, the project's Owners, or else its
// financing; for any other link the countries it crosses, by km (national networks). It returns
// nil when none of these is known (no crossings). The result is sorted by country and must not
// be modified.
func (n *Network) OwnersOf(l *Link) []Share {
	if len(l.Owners) > 0 {
		return l.Owners
	}
	if l.Project != "" && l.Status != StatusExisting {
		if p := n.Project(l.Project); p != nil && slices.Contains(p.Links, l.ID) {
			shares := p.Owners
			if len(shares) == 0 {
				shares = p.Financing
			}
			if len(shares) > 0 {
				out := make([]Share, 0, len(shares))
				for _, c := range slices.Sorted(maps.Keys(shares)) {
					out = append(out, Share{c, shares[c]})
				}
				return out
			}
		}
	}
	return ByKm(l)
}

// ByKm returns the countries l crosses with their share of its km, merged by country and sorted;
// nil when the km add up to zero.
func ByKm(l *Link) []Share {
	total := 0.0
	by := map[string]float64{}
	for _, ck := range l.Crossings {
		by[ck.Country] += ck.Km
		total += ck.Km
	}
	if total <= 0 {
		return nil
	}
	out := make([]Share, 0, len(by))
	for _, c := range slices.Sorted(maps.Keys(by)) {
		out = append(out, Share{c, by[c] / total})
	}
	return out
}

// ContractOf returns the transit contract that covers link l: the first, in project order,
// that names l or, naming no links, belongs to the project that builds l and has a host l
// crosses. It returns the indices of the project in n.Projects and of the contract in its
// Contracts, and false when no contract covers l.
func (n *Network) ContractOf(l *Link) (project, contract int, ok bool) {
	for i := range n.Projects {
		p := &n.Projects[i]
		for j := range p.Contracts {
			k := &p.Contracts[j]
			if len(k.Links) > 0 {
				if slices.Contains(k.Links, l.ID) {
					return i, j, true
				}
				continue
			}
			if l.Project == p.ID && slices.Contains(p.Links, l.ID) && slices.ContainsFunc(l.Crossings, func(c CountryKm) bool { return c.Country == k.Host }) {
				return i, j, true
			}
		}
	}
	return -1, -1, false
}

// Hosts returns the countries where project p's works lie, sorted: those its links and upgraded
// links cross, and those of its upgraded nodes.
func (n *Network) Hosts(p *Project) []string {
	set := map[string]bool{}
	addLink := func(id string) {
		if l := n.Link(id); l != nil {
			for _, ck := range l.Crossings {
				set[ck.Country] = true
			}
		}
	}
	for _, id := range p.Links {
		addLink(id)
	}
	for _, u := range p.Upgrades {
		addLink(u.Link)
		if nd := n.Node(u.Node); nd != nil {
			set[nd.Country] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}
