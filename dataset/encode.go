package dataset

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/geo"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// Encode writes n as the files of a data set (file name → content): dataset.yaml and the CSV and
// YAML tables of Schema, with every column (study.yaml and correlations.yaml only when there is
// something to write). Output is deterministic, and loading it gives back an
// equal network. Quantities are written as written (Quantity.String, RangeString, Source.String).
func Encode(n *model.Network) (map[string][]byte, error) {
	if n == nil {
		return nil, fmt.Errorf("encode: nil network")
	}
	out := map[string][]byte{}
	tables := map[string]*Table{}
	schema := Schema()
	for i := range schema {
		tables[schema[i].File] = &schema[i]
	}
	csvFiles := []struct {
		file string
		rows []map[string]string
	}{
		{FileSources, mapRows(n.Sources, sourceCells)},
		{FileCountries, mapRows(n.Countries, countryCells)},
		{FileModes, mapRows(n.Modes, modeCells)},
		{FileNodes, mapRows(n.Nodes, nodeCells)},
		{FileLinks, mapRows(n.Links, linkCells)},
		{FileCommodities, mapRows(n.Commodities, commodityCells)},
	}
	for _, f := range csvFiles {
		b, err := writeCSV(tables[f.file].Columns, f.rows)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", f.file, err)
		}
		out[f.file] = b
	}
	out[FileMeta] = metaYAML(&n.Meta)
	if b := studyYAML(&n.Study); len(b) > 0 {
		out[FileStudy] = b
	}
	out[FileMarkets] = marketsYAML(n.Markets)
	out[FileProjects] = projectsYAML(n.Projects)
	if len(n.Correlations) > 0 {
		out[FileCorrelations] = correlationsYAML(n.Correlations)
	}
	return out, nil
}

// columnNames expands quantity columns into F, F_range, F_source.
func columnNames(cols []Column, skip ...string) []string {
	var names []string
	for _, c := range cols {
		if c.Type == TypeRecords || slices.Contains(skip, c.Name) {
			continue
		}
		names = append(names, c.Name)
		if c.Type == TypeQuantity {
			names = append(names, c.Name+"_range", c.Name+"_source")
		}
	}
	return names
}

func writeCSV(cols []Column, rows []map[string]string) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	names := columnNames(cols)
	if err := w.Write(names); err != nil {
		return nil, err
	}
	rec := make([]string, len(names))
	for _, r := range rows {
		for i, name := range names {
			rec[i] = r[name]
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

func mapRows[T any](s []T, cells func(*T) map[string]string) []map[string]string {
	out := make([]map[string]string, len(s))
	for i := range s {
		out[i] = cells(&s[i])
	}
	return out
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// putQ sets the cells of quantity column name.
func putQ(m map[string]string, name string, q quantity.Quantity) {
	if !q.IsSet() {
		return
	}
	m[name] = q.String()
	m[name+"_range"] = q.RangeString()
	m[name+"_source"] = q.Source.String()
}

func sourceCells(x *model.Source) map[string]string {
	return map[string]string{"id": x.ID, "publisher": x.Publisher, "title": x.Title, "url": x.URL,
		"date": x.Date, "fact_id": x.FactID, "confidence": x.Confidence, "note": x.Note}
}

func countryCells(x *model.Country) map[string]string {
	m := map[string]string{"id": x.ID, "name": x.Name}
	putQ(m, "discount_rate", x.DiscountRate)
	return m
}

func modeCells(x *model.Mode) map[string]string {
	m := map[string]string{"id": x.ID, "name": x.Name, "carrier": string(x.Carrier), "capacity_unit": x.CapacityUnit}
	if x.GaugeMM != 0 {
		m["gauge_mm"] = strconv.Itoa(x.GaugeMM)
	}
	return m
}

func nodeCells(x *model.Node) map[string]string {
	m := map[string]string{"id": x.ID, "name": x.Name, "country": x.Country, "kind": string(x.Kind),
		"lat": fmtFloat(x.Pos.Lat), "lon": fmtFloat(x.Pos.Lon), "pos_source": x.PosSource.String(),
		"transship": strconv.FormatBool(x.Transship)}
	putQ(m, "throughput", x.Throughput)
	putQ(m, "handling_cost", x.HandlingCost)
	putQ(m, "congestion_cost", x.CongestionCost)
	return m
}

func linkCells(x *model.Link) map[string]string {
	dir := "twoway"
	if !x.TwoWay {
		dir = "oneway"
	}
	var km []string
	for _, c := range x.Crossings {
		km = append(km, c.Country+":"+fmtFloat(c.Km))
	}
	m := map[string]string{"id": x.ID, "name": x.Name, "from": x.From, "to": x.To, "mode": x.Mode,
		"status": string(x.Status), "project": x.Project, "direction": dir, "countries": strings.Join(km, ";"),
		"countries_source": x.CrossingsSource.String()}
	putQ(m, "length", x.Length)
	putQ(m, "capacity", x.Capacity)
	putQ(m, "cost", x.Cost)
	putQ(m, "tariff", x.Tariff)
	putQ(m, "speed", x.Speed)
	var own []string
	for _, s := range x.Owners {
		own = append(own, s.Country+":"+fmtFloat(s.Fraction))
	}
	m["owners"] = strings.Join(own, ";")
	m["owners_source"] = x.OwnersSource.String()
	m["waypoints"] = formatWaypoints(x.Waypoints)
	return m
}

// formatWaypoints writes waypoints as parseWaypoints reads them.
func formatWaypoints(ps []geo.LatLon) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmtFloat(p.Lon) + " " + fmtFloat(p.Lat)
	}
	return strings.Join(s, ";")
}

func commodityCells(x *model.Commodity) map[string]string {
	m := map[string]string{"id": x.ID, "name": x.Name, "unit": x.Unit.Text, "modes": strings.Join(x.Modes, ";")}
	putQ(m, "tonnes_per_unit", x.TonnesPerUnit)
	putQ(m, "price", x.Price)
	return m
}

// yamlWriter writes the small YAML subset Encode needs: keys in a fixed order, strings
// double-quoted (Go escapes are valid YAML escapes), empty values left out.
type yamlWriter struct {
	b bytes.Buffer
}

func (w *yamlWriter) str(indent, key, v string) {
	if v != "" {
		fmt.Fprintf(&w.b, "%s%s: %s\n", indent, key, strconv.Quote(v))
	}
}

func (w *yamlWriter) int(indent, key string, v int) {
	if v != 0 {
		fmt.Fprintf(&w.b, "%s%s: %d\n", indent, key, v)
	}
}

func flowQ(q quantity.Quantity) string {
	parts := []string{"value: " + strconv.Quote(q.String())}
	if r := q.RangeString(); r != "" {
		parts = append(parts, "range: "+strconv.Quote(r))
	}
	if s := q.Source.String(); s != "" {
		parts = append(parts, "source: "+strconv.Quote(s))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (w *yamlWriter) q(indent, key string, q quantity.Quantity) {
	if q.IsSet() {
		fmt.Fprintf(&w.b, "%s%s: %s\n", indent, key, flowQ(q))
	}
}

func (w *yamlWriter) list(indent, key string, ids []string) {
	if len(ids) == 0 {
		return
	}
	fmt.Fprintf(&w.b, "%s%s: %s\n", indent, key, quotedList(ids))
}

func metaYAML(m *model.Meta) []byte {
	var w yamlWriter
	w.str("", "name", m.Name)
	w.str("", "description", m.Description)
	w.int("", "base_year", m.BaseYear)
	w.int("", "horizon_years", m.HorizonYears)
	if len(m.AppraisalYears) > 0 {
		ys := make([]string, len(m.AppraisalYears))
		for i, y := range m.AppraisalYears {
			ys[i] = strconv.Itoa(y)
		}
		fmt.Fprintf(&w.b, "appraisal_years: [%s]\n", strings.Join(ys, ", "))
	}
	w.q("", "social_discount_rate", m.SocialDiscountRate)
	w.str("", "decider", m.Decider)
	w.q("", "strategic_premium", m.StrategicPremium)
	w.q("", "cargo_holding_rate", m.CargoHoldingRate)
	if len(m.ReferencePeriods) > 0 {
		w.b.WriteString("reference_periods:\n")
		for _, r := range m.ReferencePeriods {
			fmt.Fprintf(&w.b, "  %s: %s\n", strconv.Quote(r.Class), flowQ(r.Years))
		}
	}
	return w.b.Bytes()
}

// studyYAML writes study.yaml; nil for a data set without a study.
func studyYAML(st *model.Study) []byte {
	var w yamlWriter
	w.str("", "title", st.Title)
	w.str("", "headline_scenario", st.HeadlineScenario)
	w.str("", "currency", st.Currency)
	if len(st.Overruns) > 0 {
		w.b.WriteString("overruns:\n")
		for _, o := range st.Overruns {
			parts := []string{"class: " + strconv.Quote(o.Class)}
			if o.Mean.IsSet() {
				parts = append(parts, "mean: "+flowQ(o.Mean))
			}
			if o.SD.IsSet() {
				parts = append(parts, "sd: "+flowQ(o.SD))
			}
			fmt.Fprintf(&w.b, "  - {%s}\n", strings.Join(parts, ", "))
		}
	}
	w.list("", "map_labels", st.MapLabels)
	return w.b.Bytes()
}

// shares writes a country → share map as a flow mapping sorted by country.
func (w *yamlWriter) shares(indent, key string, m map[string]float64) {
	if len(m) == 0 {
		return
	}
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = strconv.Quote(k) + ": " + fmtFloat(m[k])
	}
	fmt.Fprintf(&w.b, "%s%s: {%s}\n", indent, key, strings.Join(parts, ", "))
}

// quotedList writes ids as a flow sequence of quoted strings.
func quotedList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = strconv.Quote(id)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func marketsYAML(ms []model.Market) []byte {
	var w yamlWriter
	if len(ms) == 0 {
		w.b.WriteString("markets: []\n")
		return w.b.Bytes()
	}
	w.b.WriteString("markets:\n")
	for _, m := range ms {
		fmt.Fprintf(&w.b, "  - id: %s\n", strconv.Quote(m.ID))
		const in = "    "
		w.str(in, "name", m.Name)
		w.str(in, "node", m.Node)
		w.str(in, "commodity", m.Commodity)
		w.str(in, "kind", string(m.Kind))
		w.str(in, "origin", m.Origin)
		w.q(in, "growth", m.Growth)
		if len(m.Steps) > 0 {
			w.b.WriteString(in + "steps:\n")
			for _, s := range m.Steps {
				var parts []string
				if s.Quantity.IsSet() {
					parts = append(parts, "quantity: "+flowQ(s.Quantity))
				}
				if s.Price.IsSet() {
					parts = append(parts, "price: "+flowQ(s.Price))
				}
				fmt.Fprintf(&w.b, "%s  - {%s}\n", in, strings.Join(parts, ", "))
			}
		}
	}
	return w.b.Bytes()
}

func projectsYAML(ps []model.Project) []byte {
	var w yamlWriter
	if len(ps) == 0 {
		w.b.WriteString("projects: []\n")
		return w.b.Bytes()
	}
	w.b.WriteString("projects:\n")
	for _, p := range ps {
		fmt.Fprintf(&w.b, "  - id: %s\n", strconv.Quote(p.ID))
		const in = "    "
		w.str(in, "name", p.Name)
		w.str(in, "class", p.Class)
		w.str(in, "description", p.Description)
		w.list(in, "links", p.Links)
		if len(p.Upgrades) > 0 {
			w.b.WriteString(in + "upgrades:\n")
			for _, u := range p.Upgrades {
				var parts []string
				if u.Link != "" {
					parts = append(parts, "link: "+strconv.Quote(u.Link))
				}
				if u.Node != "" {
					parts = append(parts, "node: "+strconv.Quote(u.Node))
				}
				if u.Add.IsSet() {
					parts = append(parts, "add: "+flowQ(u.Add))
				}
				fmt.Fprintf(&w.b, "%s  - {%s}\n", in, strings.Join(parts, ", "))
			}
		}
		w.q(in, "capex", p.Capex)
		w.int(in, "start_year", p.StartYear)
		w.str(in, "start_year_source", p.StartYearSource.String())
		w.q(in, "construction_years", p.ConstructionYears)
		w.q(in, "opex", p.Opex)
		w.q(in, "lifetime", p.Lifetime)
		w.shares(in, "financing", p.Financing)
		w.str(in, "financing_source", p.FinancingSource.String())
		w.shares(in, "owners", p.Owners)
		w.str(in, "owners_source", p.OwnersSource.String())
		if len(p.Contracts) > 0 {
			w.b.WriteString(in + "contracts:\n")
			for _, k := range p.Contracts {
				var parts []string
				if k.Host != "" {
					parts = append(parts, "host: "+strconv.Quote(k.Host))
				}
				if len(k.Links) > 0 {
					parts = append(parts, "links: "+quotedList(k.Links))
				}
				if k.RentShare.IsSet() {
					parts = append(parts, "rent_share: "+flowQ(k.RentShare))
				}
				if s := k.Source.String(); s != "" {
					parts = append(parts, "source: "+strconv.Quote(s))
				}
				fmt.Fprintf(&w.b, "%s  - {%s}\n", in, strings.Join(parts, ", "))
			}
		}
		if len(p.Loans) > 0 {
			w.b.WriteString(in + "loans:\n")
			for _, l := range p.Loans {
				var parts []string
				if l.Lender != "" {
					parts = append(parts, "lender: "+strconv.Quote(l.Lender))
				}
				if l.Borrower != "" {
					parts = append(parts, "borrower: "+strconv.Quote(l.Borrower))
				}
				for _, f := range []struct {
					key string
					q   quantity.Quantity
				}{{"share", l.Share}, {"rate", l.Rate}, {"tenor", l.Tenor}, {"grace", l.Grace}, {"default_probability", l.DefaultProbability}} {
					if f.q.IsSet() {
						parts = append(parts, f.key+": "+flowQ(f.q))
					}
				}
				fmt.Fprintf(&w.b, "%s  - {%s}\n", in, strings.Join(parts, ", "))
			}
		}
		w.list(in, "depends_on", p.DependsOn)
	}
	return w.b.Bytes()
}

// correlationsYAML writes correlations.yaml.
func correlationsYAML(gs []model.CorrelationGroup) []byte {
	var w yamlWriter
	w.b.WriteString("groups:\n")
	for _, g := range gs {
		fmt.Fprintf(&w.b, "  - id: %s\n", strconv.Quote(g.ID))
		const in = "    "
		w.str(in, "name", g.Name)
		paths := make([]string, len(g.Paths))
		for i, p := range g.Paths {
			paths[i] = string(p)
		}
		w.list(in, "paths", paths)
		w.q(in, "rho", g.Rho)
	}
	return w.b.Bytes()
}
