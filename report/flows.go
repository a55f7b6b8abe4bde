package report

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/geo"
	"github.com/corridor-dev/corridor/model"
)

// FlowsView is one solved scenario state with what a reader needs to interpret it.
type FlowsView struct {
	Scenario string
	Title    string
	Year     int
	Regime   string
	Projects []string // built on top of existing infrastructure
	Net      *model.Network
	Result   *flow.Result
}

// unitOf returns the capacity unit text of a link's mode, e.g. "t/yr".
func unitOf(n *model.Network, linkID string) string {
	if l := n.Link(linkID); l != nil {
		if m := n.Mode(l.Mode); m != nil {
			return m.CapacityUnit
		}
	}
	return ""
}

// Num formats a number with 4 significant digits and SI-style suffixes (k, M, G), for tables.
func Num(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 1e9:
		return strconv.FormatFloat(v/1e9, 'f', 2, 64) + "G"
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 2, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	case a < 0.01:
		return strconv.FormatFloat(v, 'g', 2, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// USDm formats USD as millions with one decimal.
func USDm(v float64) string {
	if math.Abs(v) < 0.05e6 {
		v = 0
	}
	return strconv.FormatFloat(v/1e6, 'f', 1, 64)
}

// FlowsText writes the terminal tables of "corridor flows".
func FlowsText(w io.Writer, v FlowsView) error {
	r, n := v.Result, v.Net
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	built := "none"
	if len(v.Projects) > 0 {
		built = strings.Join(v.Projects, ", ")
	}
	fmt.Fprintf(tw, "Scenario %s — %s\nregime %s, year %d; projects built: %s\n", v.Scenario, v.Title, v.Regime, v.Year, built)
	fmt.Fprintf(tw, "total surplus %s USD m/yr; transit tariffs %s; sanctions premiums and evasion costs %s\n\n", USDm(r.Objective), USDm(r.TariffRevenue), USDm(r.LeakageCost))

	fmt.Fprintln(tw, "FLOWS BY CORRIDOR (links carrying flow)")
	fmt.Fprintln(tw, "link\tmode\tfrom → to\tflow →\tflow ←\tunit\tcapacity\tutil.\tshadow USD/unit\tcommodities")
	for _, lr := range flowingLinks(r) {
		l := n.Link(lr.Link)
		var cs []string
		for _, f := range lr.Flows {
			cs = append(cs, fmt.Sprintf("%s(%s) %s", f.Commodity, f.Origin, Num(f.Forward+f.Backward)))
		}
		capTxt, util := "∞", "—"
		if lr.Capacity > 0 {
			capTxt, util = Num(lr.Capacity), fmt.Sprintf("%.0f%%", 100*lr.Utilisation)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s → %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", lr.Link, lr.Mode, l.From, l.To, Num(lr.Forward), Num(lr.Backward),
			unitOf(n, lr.Link), capTxt, util, Num(math.Max(lr.ShadowForward, lr.ShadowBackward)), strings.Join(cs, "; "))
	}

	fmt.Fprintln(tw, "\nMARKETS")
	fmt.Fprintln(tw, "market\tkind\tcommodity\tnode\tquantity/yr\tunmet/yr\tprice USD/unit\tsurplus USD m/yr")
	for _, m := range r.Markets {
		unmet := "—"
		if m.Kind == "demand" {
			unmet = Num(m.Unmet)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Market, m.Kind, m.Commodity, m.Node, Num(m.Quantity), unmet, Num(m.Price), USDm(m.Surplus))
	}

	if len(r.Binding) > 0 {
		fmt.Fprintln(tw, "\nBINDING CONSTRAINTS (shadow price: USD/yr per extra unit/yr)")
		fmt.Fprintln(tw, "kind\tid\tdirection\tactivity\tlimit\tshadow")
		for _, b := range r.Binding {
			dir := "—"
			if b.Kind == "link" {
				dir = map[bool]string{true: "→", false: "←"}[b.Forward]
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", b.Kind, b.ID, dir, Num(b.Activity), Num(b.Limit), Num(b.Shadow))
		}
	}

	fmt.Fprintln(tw, "\nWELFARE BY COUNTRY (USD m/yr)")
	fmt.Fprintln(tw, "country\tconsumer\tproducer\ttransit\tcapacity rent\tquota rent\ttotal")
	for _, c := range r.Welfare {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Country, USDm(c.Consumer), USDm(c.Producer), USDm(c.Transit), USDm(c.CapacityRent), USDm(c.QuotaRent), USDm(c.Total()))
	}

	if len(r.Leakage) > 0 {
		fmt.Fprintln(tw, "\nSANCTIONS RULES (quantities per year in the commodity's unit)")
		fmt.Fprintln(tw, "rule\tenforcement\tcompliant\tevading (leakage)\tpremiums/evasion USD m/yr\tquota rent USD m/yr")
		for _, lk := range r.Leakage {
			fmt.Fprintf(tw, "%s\t%.2f\t%s\t%s\t%s\t%s\n", lk.Rule, lk.Enforcement, Num(lk.Compliant), Num(lk.Evading), USDm(lk.Cost), USDm(lk.QuotaRent))
		}
	}
	return tw.Flush()
}

// flowingLinks returns the links carrying flow, by mode, then flow (largest first), then id.
func flowingLinks(r *flow.Result) []flow.LinkResult {
	var links []flow.LinkResult
	for _, lr := range r.Links {
		if lr.Forward+lr.Backward >= 1e-6 {
			links = append(links, lr)
		}
	}
	slices.SortStableFunc(links, func(a, b flow.LinkResult) int {
		return cmp.Or(cmp.Compare(a.Mode, b.Mode), cmp.Compare(b.Forward+b.Backward, a.Forward+a.Backward), cmp.Compare(a.Link, b.Link))
	})
	return links
}

// FlowsSchemaVersion is the version of the JSON shape FlowsJSON writes.
const FlowsSchemaVersion = 2

// FlowsJSON writes the view as indented JSON (snake_case keys, schema_version FlowsSchemaVersion).
func FlowsJSON(w io.Writer, v FlowsView) error {
	out := struct {
		SchemaVersion int          `json:"schema_version"`
		Scenario      string       `json:"scenario"`
		Title         string       `json:"title"`
		Year          int          `json:"year"`
		Regime        string       `json:"regime"`
		Projects      []string     `json:"projects"`
		Result        *flow.Result `json:"result"`
	}{FlowsSchemaVersion, v.Scenario, v.Title, v.Year, v.Regime, v.Projects, v.Result}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// FlowsCSV returns the CSV tables of a view by file name: links.csv, markets.csv, welfare.csv,
// rules.csv.
func FlowsCSV(v FlowsView) (map[string][]byte, error) {
	r := v.Result
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }
	tables := map[string][][]string{}
	rows := [][]string{{"link", "mode", "commodity", "origin", "forward", "backward", "unit", "capacity", "utilisation", "shadow_forward", "shadow_backward"}}
	for _, lr := range r.Links {
		for _, fl := range lr.Flows {
			rows = append(rows, []string{lr.Link, lr.Mode, fl.Commodity, fl.Origin, f(fl.Forward), f(fl.Backward), unitOf(v.Net, lr.Link), f(lr.Capacity), f(lr.Utilisation), f(lr.ShadowForward), f(lr.ShadowBackward)})
		}
	}
	tables["links.csv"] = rows
	rows = [][]string{{"market", "kind", "commodity", "node", "quantity_per_yr", "unmet_per_yr", "price_usd_per_unit", "surplus_usd_per_yr"}}
	for _, m := range r.Markets {
		rows = append(rows, []string{m.Market, m.Kind, m.Commodity, m.Node, f(m.Quantity), f(m.Unmet), f(m.Price), f(m.Surplus)})
	}
	tables["markets.csv"] = rows
	rows = [][]string{{"country", "consumer_usd_per_yr", "producer_usd_per_yr", "transit_usd_per_yr", "capacity_rent_usd_per_yr", "quota_rent_usd_per_yr", "total_usd_per_yr"}}
	for _, c := range r.Welfare {
		rows = append(rows, []string{c.Country, f(c.Consumer), f(c.Producer), f(c.Transit), f(c.CapacityRent), f(c.QuotaRent), f(c.Total())})
	}
	tables["welfare.csv"] = rows
	rows = [][]string{{"rule", "enforcement", "compliant_per_yr", "evading_per_yr", "cost_usd_per_yr", "quota_rent_usd_per_yr"}}
	for _, lk := range r.Leakage {
		rows = append(rows, []string{lk.Rule, f(lk.Enforcement), f(lk.Compliant), f(lk.Evading), f(lk.Cost), f(lk.QuotaRent)})
	}
	tables["rules.csv"] = rows
	out := map[string][]byte{}
	for name, rows := range tables {
		var b strings.Builder
		cw := csv.NewWriter(&b)
		if err := cw.WriteAll(rows); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		out[name] = []byte(b.String())
	}
	return out, nil
}

// FlowsGeoJSON writes links as LineStrings (WGS84) with their flows, utilisation and shadow
// prices, and nodes as Points with the price of each commodity traded there, all as numbers, for
// QGIS (which loads the two geometry types as two layers; "component" is "link" or "node").
func FlowsGeoJSON(w io.Writer, v FlowsView) error {
	type feature struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection"}
	for _, lr := range v.Result.Links {
		l := v.Net.Link(lr.Link)
		from, to := v.Net.Node(l.From), v.Net.Node(l.To)
		props := map[string]any{
			"component": "link", "link": l.ID, "name": l.Name, "mode": l.Mode, "status": string(l.Status), "project": l.Project,
			"available": lr.Available, "flow_forward": round(lr.Forward), "flow_backward": round(lr.Backward),
			"unit": unitOf(v.Net, l.ID), "capacity": round(lr.Capacity), "utilisation": round(lr.Utilisation),
			"shadow_usd_per_unit": round(math.Max(lr.ShadowForward, lr.ShadowBackward)),
		}
		fc.Features = append(fc.Features, feature{Type: "Feature",
			Geometry:   map[string]any{"type": "LineString", "coordinates": route(from.Pos, l.Waypoints, to.Pos)},
			Properties: props})
	}
	prices := map[string]map[string]float64{} // node → commodity → price, USD per unit
	for _, m := range v.Result.Markets {
		if prices[m.Node] == nil {
			prices[m.Node] = map[string]float64{}
		}
		if _, ok := prices[m.Node][m.Commodity]; !ok {
			prices[m.Node][m.Commodity] = round(m.Price)
		}
	}
	for _, nd := range v.Net.Nodes {
		props := map[string]any{"component": "node", "node": nd.ID, "name": nd.Name, "country": nd.Country, "kind": string(nd.Kind)}
		for c, p := range prices[nd.ID] {
			props["price_"+c+"_usd_per_unit"] = p
		}
		fc.Features = append(fc.Features, feature{Type: "Feature",
			Geometry:   map[string]any{"type": "Point", "coordinates": [2]float64{nd.Pos.Lon, nd.Pos.Lat}},
			Properties: props})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(fc)
}

// round keeps 10 significant digits so that JSON output is stable across platforms.
func round(x float64) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 10, 64), 64)
	return v
}

// route returns the [lon, lat] positions of a link from a through its waypoints to b.
func route(a geo.LatLon, waypoints []geo.LatLon, b geo.LatLon) [][2]float64 {
	out := make([][2]float64, 0, len(waypoints)+2)
	for _, p := range append(append([]geo.LatLon{a}, waypoints...), b) {
		out = append(out, [2]float64{p.Lon, p.Lat})
	}
	return out
}
