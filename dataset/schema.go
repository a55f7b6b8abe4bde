package dataset

import (
	"slices"

	"github.com/corridor-dev/corridor/model"
)

// Type is the type of a column (CSV) or key (YAML).
type Type string

// Column types.
const (
	TypeString   Type = "string"   // free text
	TypeInt      Type = "int"      // a whole number
	TypeInts     Type = "ints"     // YAML only: a sequence of whole numbers, e.g. [2030, 2045]
	TypeFloat    Type = "float"    // a decimal number
	TypeBool     Type = "bool"     // true or false; empty means false
	TypeEnum     Type = "enum"     // one of Values
	TypeID       Type = "id"       // the row's own id: letters, digits, '-', '_', '.'
	TypeRef      Type = "ref"      // the id of a row of table Ref
	TypeList     Type = "list"     // ids of rows of table Ref: "a;b" in CSV, a sequence in YAML
	TypeMap      Type = "map"      // id → number: "AAA:17;BBB:37" in CSV, a mapping in YAML
	TypeUnit     Type = "unit"     // a unit expression such as "t/yr" or "mcm"
	TypeSource   Type = "source"   // provenance: source ids "L27;C23" or "assumption: <reasoning>"
	TypeQuantity Type = "quantity" // a value with unit, plus optional _range and _source
	TypeRecords  Type = "records"  // YAML only: a sequence of mappings with keys Fields
	// TypeQuantities is YAML only: a mapping from keys among Values to quantities
	// {value, range, source} in the default unit Unit, kept in the order written.
	TypeQuantities Type = "quantities"
	// TypePaths is YAML only: a sequence of quantity paths (model.QuantityPath), e.g.
	// "markets/GAS-KOR-LNG-INC/steps/0/price".
	TypePaths Type = "paths"
)

// Column describes one column of a CSV table or one key of a YAML record.
//
// A TypeQuantity column F also accepts F_range and F_source (CSV), or is a mapping
// {value, range, source} (YAML). Unit is its default unit, used when a value has no unit; it may
// name another column in braces, e.g. "USD/{unit}" takes the commodity's unit.
type Column struct {
	Name     string
	Type     Type
	Unit     string          // TypeQuantity: default unit
	Values   []string        // TypeEnum: the allowed values; TypeQuantities: the allowed keys
	Ref      model.Component // TypeRef, TypeList, TypeMap: the table the ids point into
	Required bool            // the cell or key must be given
	Doc      string          // one line for docs/DATASET.md
	Fields   []Column        // TypeRecords: the keys of each record
}

// Table describes one file of a data set.
type Table struct {
	File      string
	Component model.Component
	Doc       string
	// Key is, for YAML files holding a list of records, the top-level key of the list
	// ("markets"); it is empty for CSV files and for dataset.yaml (a single record).
	Key      string
	Required bool // the file must exist
	Columns  []Column
}

// Column returns the column called name.
func (t *Table) Column(name string) (Column, bool) {
	return findColumn(t.Columns, name)
}

func findColumn(cols []Column, name string) (Column, bool) {
	for _, c := range cols {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// File names of a data set.
const (
	FileMeta         = "dataset.yaml"
	FileStudy        = "study.yaml"
	FileSources      = "sources.csv"
	FileCountries    = "countries.csv"
	FileModes        = "modes.csv"
	FileNodes        = "nodes.csv"
	FileLinks        = "links.csv"
	FileCommodities  = "commodities.csv"
	FileMarkets      = "markets.yaml"
	FileProjects     = "projects.yaml"
	FileCorrelations = "correlations.yaml"
	// FileGeoJSON may replace nodes.csv and links.csv (see WriteGeoJSON).
	FileGeoJSON = "network.geojson"
)

func enum[T ~string](vals []T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}

// Schema returns the description of every file of a data set, in load order. It drives decoding
// (unknown and missing columns, types, default units) and docs/DATASET.md. Each call returns a
// fresh value.
func Schema() []Table {
	id := func(what string) Column {
		return Column{Name: "id", Type: TypeID, Required: true, Doc: "unique id of the " + what}
	}
	name := Column{Name: "name", Type: TypeString, Doc: "human-readable name"}
	q := func(name, unit, doc string) Column {
		return Column{Name: name, Type: TypeQuantity, Unit: unit, Doc: doc}
	}
	required := func(c Column) Column {
		c.Required = true
		return c
	}
	classes := []string{"rail", "road", "bridge", "pipeline", "power", "port"}
	return []Table{
		{
			File: FileMeta, Component: model.CompMeta, Required: true,
			Doc: "the data set as a whole (a single YAML mapping)",
			Columns: []Column{
				{Name: "name", Type: TypeString, Required: true, Doc: "name of the data set"},
				{Name: "description", Type: TypeString, Doc: "what it covers"},
				{Name: "base_year", Type: TypeInt, Required: true, Doc: "year whose real USD every money value is in"},
				{Name: "horizon_years", Type: TypeInt, Doc: "appraisal horizon in years from the base year"},
				{Name: "appraisal_years", Type: TypeInts, Doc: "years whose demand and network the appraisal solves, e.g. [2030, 2045]: a year between two takes their flows linearly interpolated, one before the first or after the last that one's (optional; default: ten years after the base year alone)"},
				q("social_discount_rate", "%", "economic (social) discount rate per year, e.g. \"4.5 %\""),
				{Name: "decider", Type: TypeRef, Ref: model.CompCountries, Doc: "country whose commitment the appraisal asks about (optional)"},
				q("cargo_holding_rate", "%", "yearly cost of the capital tied up in freight in transit, as a share of its value, e.g. \"10 %\": with link speeds, every route pays value × rate × transit time (optional; unset: time costs nothing)"),
				q("strategic_premium", "USD/yr", "the decider's non-monetary value of a project in service (munitions, labour, leverage), e.g. \"50 MUSD/yr\"; a scenario may override it (optional)"),
				{Name: "reference_periods", Type: TypeQuantities, Unit: "yr", Values: slices.Clone(classes),
					Doc: "years of service the appraisal counts, by project class (service beyond them is residual value), e.g. {rail: {value: \"30 yr\", source: ...}, port: ...} (optional)"},
			},
		},
		{
			File: FileStudy, Component: model.CompStudy,
			Doc: "the question the data set asks and how answers are shown (a single YAML mapping; optional)",
			Columns: []Column{
				{Name: "title", Type: TypeString, Doc: "the question in words, e.g. \"Will the partners finance the missing rail link?\""},
				{Name: "headline_scenario", Type: TypeString, Doc: "name of the scenario shown first and solved by `flows` by default (default: the first scenario by name)"},
				{Name: "currency", Type: TypeEnum, Values: []string{"USD"}, Doc: "money unit of every value (only USD is supported)"},
				{Name: "overruns", Type: TypeRecords, Doc: "reference classes of capex overrun by project class: a project of a class without one has no overrun uncertainty", Fields: []Column{
					{Name: "class", Type: TypeEnum, Values: slices.Clone(classes), Required: true, Doc: "project class"},
					required(q("mean", "", "mean overrun as a fraction of the budget: 0.447 or \"44.7 %\"")),
					required(q("sd", "", "standard deviation of the overrun: 0.38 or \"38 %\"")),
				}},
				{Name: "map_labels", Type: TypeList, Ref: model.CompNodes, Doc: "nodes whose names maps print"},
			},
		},
		{
			File: FileSources, Component: model.CompSources, Required: true,
			Doc: "where numbers come from; `*_source` cells refer to these ids",
			Columns: []Column{
				id("source (convention: the REFERENCE_FACTS fact id)"),
				{Name: "publisher", Type: TypeString, Doc: "who published it"},
				{Name: "title", Type: TypeString, Doc: "title of the document or data set"},
				{Name: "url", Type: TypeString, Doc: "address; may be empty when note says why (e.g. \"URL not retained\")"},
				{Name: "date", Type: TypeString, Doc: "publication date as known: YYYY, YYYY-MM or YYYY-MM-DD"},
				{Name: "fact_id", Type: TypeString, Doc: "fact id in REFERENCE_FACTS, e.g. L27"},
				{Name: "confidence", Type: TypeString, Doc: "A (official) to D (weak), or combinations such as A/B, as in REFERENCE_FACTS"},
				{Name: "note", Type: TypeString, Doc: "anything a reader should know"},
			},
		},
		{
			File: FileCountries, Component: model.CompCountries, Required: true,
			Doc: "participating countries",
			Columns: []Column{
				id("country: ISO 3166-1 alpha-3 for a real country (maps match it to country outlines), any id otherwise"),
				name,
				q("discount_rate", "%", "real financial discount rate per year, e.g. \"7.4 %\""),
			},
		},
		{
			File: FileModes, Component: model.CompModes, Required: true,
			Doc: "ways of moving goods; users may add their own",
			Columns: []Column{
				id("mode, e.g. rail1520, rail1435, road, sea, gas_pipeline, oil_pipeline, power_line"),
				name,
				{Name: "carrier", Type: TypeEnum, Required: true, Values: enum([]model.Carrier{model.CarrierRail, model.CarrierRoad, model.CarrierSea, model.CarrierPipeline, model.CarrierPower}), Doc: "kind of infrastructure"},
				{Name: "gauge_mm", Type: TypeInt, Doc: "track gauge in mm (rail only; empty otherwise)"},
				{Name: "capacity_unit", Type: TypeUnit, Required: true, Doc: "unit whose dimension link capacities of this mode have: t/yr (freight), mcm/yr (gas), MW (power)"},
			},
		},
		{
			File: FileNodes, Component: model.CompNodes, Required: true,
			Doc: "places: cities, ports, border crossings, junctions, fields, mines, plants, terminals, markets (or network.geojson)",
			Columns: []Column{
				id("node"),
				name,
				{Name: "country", Type: TypeRef, Ref: model.CompCountries, Required: true, Doc: "country the node lies in"},
				{Name: "kind", Type: TypeEnum, Required: true, Values: enum(model.NodeKinds()), Doc: "what the node is"},
				{Name: "lat", Type: TypeFloat, Required: true, Doc: "latitude, WGS84 decimal degrees"},
				{Name: "lon", Type: TypeFloat, Required: true, Doc: "longitude, WGS84 decimal degrees"},
				{Name: "pos_source", Type: TypeSource, Doc: "provenance of the coordinates"},
				q("throughput", "t/yr", "freight that may pass or be handled here per year (border crossings, ports, gauge breaks)"),
				q("handling_cost", "USD/t", "cost per tonne passing, handled or transshipped here"),
				q("congestion_cost", "USD/t", "average cost of waiting per tonne when the node runs at half its throughput; it grows as u/(1−u) with the utilisation u, as a one-server queue's wait does (optional; needs throughput)"),
				{Name: "transship", Type: TypeBool, Doc: "freight can change gauge (or mode) here"},
			},
		},
		{
			File: FileLinks, Component: model.CompLinks, Required: true,
			Doc: "infrastructure between two nodes (or network.geojson)",
			Columns: []Column{
				id("link"),
				name,
				{Name: "from", Type: TypeRef, Ref: model.CompNodes, Required: true, Doc: "node at one end"},
				{Name: "to", Type: TypeRef, Ref: model.CompNodes, Required: true, Doc: "node at the other end"},
				{Name: "mode", Type: TypeRef, Ref: model.CompModes, Required: true, Doc: "mode of the link"},
				{Name: "status", Type: TypeEnum, Required: true, Values: enum(model.Statuses()), Doc: "stage of life"},
				{Name: "project", Type: TypeRef, Ref: model.CompProjects, Doc: "project that builds it (proposed links)"},
				{Name: "direction", Type: TypeEnum, Values: []string{"twoway", "oneway"}, Doc: "oneway carries only from → to; empty means twoway"},
				{Name: "countries", Type: TypeMap, Ref: model.CompCountries, Doc: "km inside each country, e.g. AAA:17;BBB:37 (should sum to length)"},
				{Name: "countries_source", Type: TypeSource, Doc: "provenance of the km by country (required when countries names more than one country; one country's km are the length)"},
				q("length", "km", "route length"),
				q("capacity", "{capacity_unit}", "yearly capacity in the mode's dimension, e.g. 5 Mt/yr, 38 bcm/yr, 500 MW; default unit: the mode's capacity_unit"),
				q("cost", "", "variable cost per capacity unit (USD/t, USD/mcm, USD/MWh) or per unit-km (USD/t/km)"),
				q("tariff", "", "transit tariff per capacity unit or unit-km, paid to the host of a transit contract (projects.yaml) or else to the countries crossed (optional)"),
				q("speed", "km/h", "commercial speed (optional)"),
				{Name: "owners", Type: TypeMap, Ref: model.CompCountries, Doc: "who receives the link's capacity rent: country:fraction pairs summing to 1, e.g. AAA:0.82;BBB:0.18; empty means the default (a project's owners, else its financing, for a project's links; the countries crossed, by km, for the rest)"},
				{Name: "owners_source", Type: TypeSource, Doc: "provenance of the owners (required when owners is given)"},
				{Name: "waypoints", Type: TypeString, Doc: "points the route passes between from and to, for maps: lon lat pairs separated by ;, e.g. 130.6 42.4;130.7 42.3 (in network.geojson: the LineString's inner vertices)"},
			},
		},
		{
			File: FileCommodities, Component: model.CompCommodities,
			Doc: "goods that flow",
			Columns: []Column{
				id("commodity"),
				name,
				{Name: "unit", Type: TypeUnit, Required: true, Doc: "base unit one flow counts: mcm, t, MWh, TEU, bbl"},
				{Name: "modes", Type: TypeList, Ref: model.CompModes, Doc: "modes that can carry it, e.g. rail1520;rail1435;sea"},
				q("tonnes_per_unit", "t/{unit}", "tonnes per unit, needed when a freight mode carries a non-tonne commodity (e.g. 12 t/TEU)"),
				q("price", "USD/{unit}", "reference price per unit"),
			},
		},
		{
			File: FileMarkets, Component: model.CompMarkets, Key: "markets",
			Doc: "supply, demand and backstops (YAML: a list under `markets:`)",
			Columns: []Column{
				id("market"),
				name,
				{Name: "node", Type: TypeRef, Ref: model.CompNodes, Required: true, Doc: "where the market is"},
				{Name: "commodity", Type: TypeRef, Ref: model.CompCommodities, Required: true, Doc: "what is traded"},
				{Name: "kind", Type: TypeEnum, Required: true, Values: enum([]model.MarketKind{model.Supply, model.Demand, model.Backstop}), Doc: "supply or demand steps, or a backstop (imports at a fixed price)"},
				{Name: "origin", Type: TypeRef, Ref: model.CompCountries, Doc: "backstop only: country the imports come from; empty for the rest of the world"},
				q("growth", "%", "yearly growth of the step quantities (optional)"),
				{Name: "steps", Type: TypeRecords, Doc: "the supply or demand curve; a backstop has one step", Fields: []Column{
					q("quantity", "{unit}/yr", "quantity per year in the commodity's unit (a backstop may omit it: unlimited)"),
					{Name: "price", Type: TypeQuantity, Unit: "USD/{unit}", Required: true, Doc: "price per commodity unit"},
				}},
			},
		},
		{
			File: FileProjects, Component: model.CompProjects, Key: "projects",
			Doc: "candidate investments (YAML: a list under `projects:`)",
			Columns: []Column{
				id("project"),
				name,
				{Name: "class", Type: TypeEnum, Values: classes, Doc: "reference class for cost overruns and reference periods"},
				{Name: "description", Type: TypeString, Doc: "what the project is"},
				{Name: "links", Type: TypeList, Ref: model.CompLinks, Doc: "proposed links it builds"},
				{Name: "upgrades", Type: TypeRecords, Doc: "capacity it adds to existing links or nodes", Fields: []Column{
					{Name: "link", Type: TypeRef, Ref: model.CompLinks, Doc: "link upgraded (give link or node)"},
					{Name: "node", Type: TypeRef, Ref: model.CompNodes, Doc: "node upgraded (give link or node)"},
					{Name: "add", Type: TypeQuantity, Unit: "{capacity_unit}", Required: true, Doc: "capacity added; default unit: the link's mode capacity_unit, or t/yr for a node"},
				}},
				q("capex", "USD", "capital cost, real USD of the base year, with a range"),
				{Name: "start_year", Type: TypeInt, Doc: "year construction starts"},
				{Name: "start_year_source", Type: TypeSource, Doc: "provenance of the start year (required when start_year is given): an announcement, a plan or an assumption with its reasoning"},
				q("construction_years", "yr", "years of construction"),
				q("opex", "USD/yr", "operating cost per year once in service"),
				q("lifetime", "yr", "years of service"),
				{Name: "financing", Type: TypeMap, Ref: model.CompCountries, Doc: "country → share of capex and opex; shares sum to 1"},
				{Name: "financing_source", Type: TypeSource, Doc: "provenance of the financing shares"},
				{Name: "owners", Type: TypeMap, Ref: model.CompCountries, Doc: "country → share of the project's links, whose capacity rent they receive; shares sum to 1; empty means the financing shares (optional)"},
				{Name: "owners_source", Type: TypeSource, Doc: "provenance of the owners (required when owners is given)"},
				{Name: "contracts", Type: TypeRecords, Doc: "transit contracts: a host country is paid the tariff of the contract's links and, optionally, a share of their rent; without one a link's tariff goes to the countries it crosses (optional)", Fields: []Column{
					{Name: "host", Type: TypeRef, Ref: model.CompCountries, Required: true, Doc: "country the contract pays"},
					{Name: "links", Type: TypeList, Ref: model.CompLinks, Doc: "links of the project it covers; empty means every link of the project that crosses the host"},
					q("rent_share", "", "share of the owners' capacity rent on those links paid to the host: a fraction (0.1) or a percentage (\"10 %\") (optional)"),
					{Name: "source", Type: TypeSource, Doc: "provenance of the contract (required)"},
				}},
				{Name: "loans", Type: TypeRecords, Doc: "loans by one country for part of another's share of capex, drawn as the capex is spent, interest-only during the grace years, then repaid in equal instalments until the tenor ends (optional)", Fields: []Column{
					{Name: "lender", Type: TypeRef, Ref: model.CompCountries, Required: true, Doc: "country that lends"},
					{Name: "borrower", Type: TypeRef, Ref: model.CompCountries, Required: true, Doc: "country that borrows; it must have a financing share"},
					required(q("share", "", "fraction of the borrower's share of capex that the loan covers: 0.5 or \"50 %\"")),
					required(q("rate", "%", "real interest rate per year, e.g. \"2 %\"")),
					required(q("tenor", "yr", "years from the first drawdown to the last instalment")),
					required(q("grace", "yr", "years from the first drawdown during which only interest is paid (\"0 yr\" for none); shorter than the tenor")),
					q("default_probability", "", "yearly probability that the borrower stops paying: 0.02 or \"2 %\" (optional)"),
				}},
				{Name: "depends_on", Type: TypeList, Ref: model.CompProjects, Doc: "projects that must be built first"},
			},
		},
		{
			File: FileCorrelations, Component: model.CompCorrelations, Key: "groups",
			Doc: "groups of uncertain quantities that co-move, drawn jointly by the Monte Carlo (a Gaussian copula); each group has one rank correlation for every pair of its members (an equicorrelated group: a full correlation matrix is out of scope); quantities in no group are drawn independently (YAML: a list under `groups:`)",
			Columns: []Column{
				id("correlation group"),
				name,
				{Name: "paths", Type: TypePaths, Required: true, Doc: "the members: at least two quantities with a range, as `corridor data show --json` names them, e.g. [markets/M1/steps/0/price, markets/M2/steps/0/price]; a quantity belongs to at most one group (project capex, drawn as an overrun, cannot be a member)"},
				required(q("rho", "", "rank (Spearman) correlation of every pair of members, e.g. 0.8, with its source or \"assumption: <reasoning>\"; may have a range (not lognormal); above −1 for two members, above about −0.483 for three (the correlations rule)")),
			},
		},
	}
}
