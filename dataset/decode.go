package dataset

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/geo"
	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/goccy/go-yaml/ast"
)

// pos is a place in a file; line and col are 1-based, 0 when unknown.
type pos struct {
	file      string
	line, col int
}

// cell is one value of a record as written, with its position. set is false when the column or
// key is absent.
type cell struct {
	text string
	pos  pos
	set  bool
}

// posKey locates a value the way model.Issue does.
type posKey struct {
	comp  model.Component
	id    string
	field string
}

// decoder turns data files into the parts of a model.Network, collecting positioned errors and
// an index from (component, id, field) to file positions.
type decoder struct {
	errs   diag.List
	pos    map[posKey]pos   // first position of each value
	rows   map[posKey][]pos // positions of every row with an id (field ""), for duplicates
	files  map[model.Component]string
	failed map[posKey]bool // values that did not decode; validation issues on them are dropped
	net    model.Network

	modeUnit map[string]string // mode id → canonical capacity unit
	comUnit  map[string]string // commodity id → unit as written
}

func newDecoder() *decoder {
	return &decoder{
		pos:      map[posKey]pos{},
		rows:     map[posKey][]pos{},
		files:    map[model.Component]string{},
		failed:   map[posKey]bool{},
		modeUnit: map[string]string{},
		comUnit:  map[string]string{},
	}
}

// add records a decode error at p.
func (d *decoder) add(p pos, field string, err error) {
	d.errs.Add(&diag.Error{File: p.file, Line: p.line, Col: p.col, Field: field, Err: err})
}

// rec is one record (a CSV row, a YAML mapping or a GeoJSON feature) being decoded.
type rec struct {
	d      *decoder
	cols   []Column
	comp   model.Component
	row    pos    // position of the id cell, or of the record
	id     string // the record's id ("dataset" for dataset.yaml)
	prefix string // field path prefix of a nested record, e.g. "steps/0/"
	cells  map[string]cell
	nodes  map[string]ast.Node // YAML values of list, map and records columns
}

func newRec(d *decoder, comp model.Component, cols []Column, row pos) *rec {
	return &rec{d: d, cols: cols, comp: comp, row: row, cells: map[string]cell{}, nodes: map[string]ast.Node{}}
}

// begin validates the id, checks required cells and records positions. Call it once the cells
// are filled.
func (r *rec) begin() {
	if c, ok := r.cells["id"]; ok {
		r.id = c.text
		r.row = c.pos
		if c.text != "" && !validID(c.text) {
			r.fail("id", fmt.Errorf("id %q may contain only letters, digits, '-', '_' and '.'", c.text))
		}
	}
	if r.prefix == "" {
		k := posKey{r.comp, r.id, ""}
		r.d.rows[k] = append(r.d.rows[k], r.row)
	}
	r.d.mark(r.comp, r.id, strings.TrimSuffix(r.prefix, "/"), r.row)
	for name, c := range r.cells {
		r.d.mark(r.comp, r.id, r.prefix+name, c.pos)
	}
	for _, col := range r.cols {
		c, ok := r.cells[col.Name]
		if col.Required && ok && c.text == "" && r.nodes[col.Name] == nil {
			r.fail(col.Name, fmt.Errorf("missing value: expected %s", col.Doc))
		}
	}
}

// mark records the first position of a value.
func (d *decoder) mark(comp model.Component, id, field string, p pos) {
	k := posKey{comp, id, field}
	if _, ok := d.pos[k]; !ok {
		d.pos[k] = p
	}
}

func validID(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return s != ""
}

// cell returns the named cell; an absent one is placed at the record.
func (r *rec) cell(name string) cell {
	if c, ok := r.cells[name]; ok {
		return c
	}
	return cell{pos: r.row}
}

// fail reports err on the named value and marks it failed.
func (r *rec) fail(name string, err error) {
	r.d.add(r.cell(name).pos, r.prefix+name, err)
	r.d.failed[posKey{r.comp, r.id, r.prefix + name}] = true
}

func (r *rec) str(name string) string { return r.cell(name).text }

func (r *rec) column(name string) Column {
	c, _ := findColumn(r.cols, name)
	return c
}

func (r *rec) int(name string) int {
	s := r.str(name)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		r.fail(name, fmt.Errorf("%q is not a whole number", s))
	}
	return v
}

func (r *rec) float(name string) float64 {
	s := r.str(name)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		r.fail(name, fmt.Errorf("%q is not a finite number", s))
		return 0
	}
	return v
}

func (r *rec) bool(name string) bool {
	switch s := strings.ToLower(r.str(name)); s {
	case "", "false":
		return false
	case "true":
		return true
	}
	r.fail(name, fmt.Errorf("%q is not true or false", r.str(name)))
	return false
}

func (r *rec) enum(name string) string {
	s := r.str(name)
	if s == "" {
		return ""
	}
	vals := r.column(name).Values
	if !slices.Contains(vals, s) {
		r.fail(name, fmt.Errorf("%q is not one of %s", s, strings.Join(vals, ", ")))
	}
	return s
}

func (r *rec) prov(name string) quantity.Provenance {
	p, err := quantity.ParseProvenance(r.str(name))
	if err != nil {
		r.fail(name, err)
	}
	return p
}

func (r *rec) unit(name string) quantity.Unit {
	s := r.str(name)
	if s == "" {
		return quantity.Unit{}
	}
	u, err := quantity.ParseUnit(s)
	if err != nil {
		r.fail(name, err)
	}
	return u
}

// ints returns the whole numbers of a YAML sequence.
func (r *rec) ints(name string) []int {
	n := r.nodes[name]
	if n == nil {
		return nil
	}
	items, ok := sequence(n)
	if !ok {
		r.fail(name, errors.New("expected a list of whole numbers, e.g. [2030, 2045]"))
		return nil
	}
	var out []int
	for _, it := range items {
		s, ok := scalar(it)
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if !ok || err != nil {
			r.d.add(nodePos(r.cell(name).pos.file, it), r.prefix+name, fmt.Errorf("expected a whole number, got %q", s))
			r.d.failed[posKey{r.comp, r.id, r.prefix + name}] = true
			continue
		}
		out = append(out, v)
	}
	return out
}

// list returns ids from "a;b" (CSV) or a YAML sequence of scalars.
func (r *rec) list(name string) []string {
	if n := r.nodes[name]; n != nil {
		items, ok := sequence(n)
		if !ok {
			r.fail(name, errors.New("expected a list of ids, e.g. [A, B]"))
			return nil
		}
		var out []string
		for _, it := range items {
			s, ok := scalar(it)
			if !ok {
				r.d.add(nodePos(r.cell(name).pos.file, it), r.prefix+name, errors.New("expected an id, got a list or mapping"))
				r.d.failed[posKey{r.comp, r.id, r.prefix + name}] = true
				continue
			}
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	var out []string
	for s := range strings.SplitSeq(r.str(name), ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// pair is one id → number entry of a map column.
type pair struct {
	id  string
	val float64
}

// pairs returns "AAA:17;BBB:37" (CSV) or a YAML mapping id → number, in the order written.
func (r *rec) pairs(name string) []pair {
	var out []pair
	seen := map[string]bool{}
	addPair := func(p pos, id, num string) {
		id = strings.TrimSpace(id)
		v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		switch {
		case id == "":
			err = fmt.Errorf("entry %q has no id before the number", id+":"+num)
		case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
			err = fmt.Errorf("%q for %s is not a finite number", strings.TrimSpace(num), id)
		case seen[id]:
			err = fmt.Errorf("%s appears twice", id)
		}
		if err != nil {
			r.d.add(p, r.prefix+name, err)
			r.d.failed[posKey{r.comp, r.id, r.prefix + name}] = true
			return
		}
		seen[id] = true
		out = append(out, pair{id, v})
	}
	if n := r.nodes[name]; n != nil {
		file := r.cell(name).pos.file
		mvs, ok := mapping(n)
		if !ok {
			r.fail(name, errors.New("expected a mapping of id: number, e.g. {AAA: 0.5, BBB: 0.5}"))
			return nil
		}
		for _, mv := range mvs {
			k, _ := scalar(mv.Key)
			v, ok := scalar(mv.Value)
			if !ok {
				r.d.add(nodePos(file, mv.Value), r.prefix+name, fmt.Errorf("expected a number for %s", k))
				r.d.failed[posKey{r.comp, r.id, r.prefix + name}] = true
				continue
			}
			addPair(nodePos(file, mv.Key), k, v)
		}
		return out
	}
	c := r.cell(name)
	for part := range strings.SplitSeq(c.text, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		id, num, ok := strings.Cut(part, ":")
		if !ok {
			r.d.add(c.pos, r.prefix+name, fmt.Errorf("%q is not id:number (expected e.g. AAA:17;BBB:37)", strings.TrimSpace(part)))
			r.d.failed[posKey{r.comp, r.id, r.prefix + name}] = true
			continue
		}
		addPair(c.pos, id, num)
	}
	return out
}

// q decodes quantity column name with its _range and _source. vars fills placeholders such as
// {unit} in the column's default unit; an unfilled placeholder leaves the value dimensionless.
func (r *rec) q(name string, vars map[string]string) quantity.Quantity {
	c, rc, sc := r.cell(name), r.cell(name+"_range"), r.cell(name+"_source")
	if c.text == "" {
		if rc.text != "" {
			r.fail(name+"_range", fmt.Errorf("range %q given without a value in %s", rc.text, name))
		}
		return quantity.Quantity{}
	}
	unit := r.column(name).Unit
	for k, v := range vars {
		unit = strings.ReplaceAll(unit, "{"+k+"}", v)
	}
	if strings.Contains(unit, "{") {
		unit = ""
	}
	qv, err := quantity.Parse(c.text, unit)
	if err != nil {
		r.fail(name, err)
		return quantity.Quantity{}
	}
	if err := qv.ParseRange(rc.text); err != nil {
		r.fail(name+"_range", err)
	}
	p, err := quantity.ParseProvenance(sc.text)
	if err != nil {
		r.fail(name+"_source", err)
	}
	qv.Source = p
	return qv
}

// The per-table decoders turn a record into a model value.

func (d *decoder) meta(r *rec) {
	d.net.Meta = model.Meta{
		Name:               r.str("name"),
		Description:        r.str("description"),
		BaseYear:           r.int("base_year"),
		HorizonYears:       r.int("horizon_years"),
		AppraisalYears:     r.ints("appraisal_years"),
		SocialDiscountRate: r.q("social_discount_rate", nil),
		Decider:            r.str("decider"),
		StrategicPremium:   r.q("strategic_premium", nil),
		CargoHoldingRate:   r.q("cargo_holding_rate", nil),
	}
	r.quantities("reference_periods", nil, func(class string, q quantity.Quantity) {
		d.net.Meta.ReferencePeriods = append(d.net.Meta.ReferencePeriods, model.ReferencePeriod{Class: class, Years: q})
	})
}

func (d *decoder) study(r *rec) {
	d.net.Study = model.Study{
		Title: r.str("title"), HeadlineScenario: r.str("headline_scenario"), Currency: r.enum("currency"),
		MapLabels: r.list("map_labels"),
	}
	r.records("overruns", func(s *rec) {
		d.net.Study.Overruns = append(d.net.Study.Overruns, model.OverrunClass{
			Class: s.enum("class"), Mean: s.q("mean", nil), SD: s.q("sd", nil),
		})
	})
}

func (d *decoder) source(r *rec) {
	d.net.Sources = append(d.net.Sources, model.Source{
		ID: r.id, Publisher: r.str("publisher"), Title: r.str("title"), URL: r.str("url"),
		Date: r.str("date"), FactID: r.str("fact_id"), Confidence: r.str("confidence"), Note: r.str("note"),
	})
}

func (d *decoder) country(r *rec) {
	d.net.Countries = append(d.net.Countries, model.Country{ID: r.id, Name: r.str("name"), DiscountRate: r.q("discount_rate", nil)})
}

func (d *decoder) mode(r *rec) {
	u := r.unit("capacity_unit")
	m := model.Mode{
		ID: r.id, Name: r.str("name"), Carrier: model.Carrier(r.enum("carrier")), GaugeMM: r.int("gauge_mm"),
		Capacity: u.Dim,
	}
	if u.Factor != 0 {
		m.CapacityUnit = quantity.Canonical(u.Dim)
		if _, dup := d.modeUnit[m.ID]; !dup {
			d.modeUnit[m.ID] = m.CapacityUnit
		}
	}
	d.net.Modes = append(d.net.Modes, m)
}

func (d *decoder) node(r *rec) {
	d.net.Nodes = append(d.net.Nodes, model.Node{
		ID: r.id, Name: r.str("name"), Country: r.str("country"), Kind: model.NodeKind(r.enum("kind")),
		Pos:       geo.LatLon{Lat: r.float("lat"), Lon: r.float("lon")},
		PosSource: r.prov("pos_source"), Throughput: r.q("throughput", nil), HandlingCost: r.q("handling_cost", nil),
		CongestionCost: r.q("congestion_cost", nil),
		Transship:      r.bool("transship"),
	})
}

func (d *decoder) link(r *rec) {
	l := model.Link{
		ID: r.id, Name: r.str("name"), From: r.str("from"), To: r.str("to"), Mode: r.str("mode"),
		Status: model.Status(r.enum("status")), Project: r.str("project"), TwoWay: r.enum("direction") != "oneway",
	}
	for _, p := range r.pairs("countries") {
		l.Crossings = append(l.Crossings, model.CountryKm{Country: p.id, Km: p.val})
	}
	l.CrossingsSource = r.prov("countries_source")
	vars := map[string]string{}
	if u, ok := d.modeUnit[l.Mode]; ok {
		vars["capacity_unit"] = u
	}
	l.Length = r.q("length", nil)
	l.Capacity = r.q("capacity", vars)
	l.Cost = r.q("cost", nil)
	l.Tariff = r.q("tariff", nil)
	l.Speed = r.q("speed", nil)
	for _, p := range r.pairs("owners") {
		l.Owners = append(l.Owners, model.Share{Country: p.id, Fraction: p.val})
	}
	l.OwnersSource = r.prov("owners_source")
	if text := r.str("waypoints"); text != "" {
		var err error
		if l.Waypoints, err = parseWaypoints(text); err != nil {
			r.fail("waypoints", err)
		}
	}
	d.net.Links = append(d.net.Links, l)
}

// parseWaypoints reads "lon lat;lon lat;…" (WGS84 degrees).
func parseWaypoints(text string) ([]geo.LatLon, error) {
	var out []geo.LatLon
	for i, pair := range strings.Split(text, ";") {
		f := strings.Fields(pair)
		if len(f) != 2 {
			return nil, fmt.Errorf("waypoint %d %q: expected a lon lat pair such as 130.6 42.4", i+1, strings.TrimSpace(pair))
		}
		lon, err1 := strconv.ParseFloat(f[0], 64)
		lat, err2 := strconv.ParseFloat(f[1], 64)
		p := geo.LatLon{Lat: lat, Lon: lon}
		if err1 != nil || err2 != nil || !p.Valid() {
			return nil, fmt.Errorf("waypoint %d %q: expected lon within -180..180 and lat within -90..90", i+1, strings.TrimSpace(pair))
		}
		out = append(out, p)
	}
	return out, nil
}

func (d *decoder) commodity(r *rec) {
	c := model.Commodity{ID: r.id, Name: r.str("name"), Unit: r.unit("unit"), Modes: r.list("modes")}
	vars := map[string]string{}
	if c.Unit.Text != "" {
		vars["unit"] = c.Unit.Text
		if _, dup := d.comUnit[c.ID]; !dup {
			d.comUnit[c.ID] = c.Unit.Text
		}
	}
	c.TonnesPerUnit = r.q("tonnes_per_unit", vars)
	c.Price = r.q("price", vars)
	d.net.Commodities = append(d.net.Commodities, c)
}

func (d *decoder) market(r *rec) {
	m := model.Market{
		ID: r.id, Name: r.str("name"), Node: r.str("node"), Commodity: r.str("commodity"),
		Kind: model.MarketKind(r.enum("kind")), Origin: r.str("origin"), Growth: r.q("growth", nil),
	}
	vars := map[string]string{}
	if u, ok := d.comUnit[m.Commodity]; ok {
		vars["unit"] = u
	}
	r.records("steps", func(s *rec) {
		m.Steps = append(m.Steps, model.Step{Quantity: s.q("quantity", vars), Price: s.q("price", vars)})
	})
	d.net.Markets = append(d.net.Markets, m)
}

func (d *decoder) project(r *rec) {
	p := model.Project{
		ID: r.id, Name: r.str("name"), Class: r.enum("class"), Description: r.str("description"),
		Links: r.list("links"), Capex: r.q("capex", nil), StartYear: r.int("start_year"),
		StartYearSource:   r.prov("start_year_source"),
		ConstructionYears: r.q("construction_years", nil), Opex: r.q("opex", nil), Lifetime: r.q("lifetime", nil),
		FinancingSource: r.prov("financing_source"), DependsOn: r.list("depends_on"),
	}
	r.records("upgrades", func(s *rec) {
		u := model.Upgrade{Link: s.str("link"), Node: s.str("node")}
		vars := map[string]string{}
		switch {
		case u.Link != "":
			for _, l := range d.net.Links {
				if l.ID == u.Link {
					if cu, ok := d.modeUnit[l.Mode]; ok {
						vars["capacity_unit"] = cu
					}
					break
				}
			}
		case u.Node != "":
			vars["capacity_unit"] = "t/yr"
		}
		u.Add = s.q("add", vars)
		p.Upgrades = append(p.Upgrades, u)
	})
	if fin := r.pairs("financing"); len(fin) > 0 {
		p.Financing = make(map[string]float64, len(fin))
		for _, f := range fin {
			p.Financing[f.id] = f.val
		}
	}
	if own := r.pairs("owners"); len(own) > 0 {
		p.Owners = make(map[string]float64, len(own))
		for _, o := range own {
			p.Owners[o.id] = o.val
		}
	}
	p.OwnersSource = r.prov("owners_source")
	r.records("contracts", func(s *rec) {
		p.Contracts = append(p.Contracts, model.Contract{
			Host: s.str("host"), Links: s.list("links"), RentShare: s.q("rent_share", nil), Source: s.prov("source"),
		})
	})
	r.records("loans", func(s *rec) {
		p.Loans = append(p.Loans, model.Loan{
			Lender: s.str("lender"), Borrower: s.str("borrower"),
			Share: s.q("share", nil), Rate: s.q("rate", nil), Tenor: s.q("tenor", nil), Grace: s.q("grace", nil),
			DefaultProbability: s.q("default_probability", nil),
		})
	})
	d.net.Projects = append(d.net.Projects, p)
}

func (d *decoder) correlation(r *rec) {
	g := model.CorrelationGroup{ID: r.id, Name: r.str("name"), Rho: r.q("rho", nil)}
	for _, p := range r.list("paths") {
		g.Paths = append(g.Paths, model.QuantityPath(p))
	}
	// Position each member, so that a validation issue on paths/j points at its line.
	if n := r.nodes["paths"]; n != nil {
		if items, ok := sequence(n); ok {
			file := r.cell("paths").pos.file
			j := 0
			for _, it := range items {
				if s, ok := scalar(it); ok && strings.TrimSpace(s) != "" {
					d.mark(r.comp, r.id, r.prefix+"paths/"+strconv.Itoa(j), nodePos(file, it))
					j++
				}
			}
		}
	}
	d.net.Correlations = append(d.net.Correlations, g)
}
