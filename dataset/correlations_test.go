package dataset

import (
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/model"
)

func replaceCorrelations(old, new string) string {
	if !strings.Contains(tinyCorrelations, old) {
		panic("replaceCorrelations: " + old + " not in correlations.yaml")
	}
	return strings.Replace(tinyCorrelations, old, new, 1)
}

// TestLoadCorrelations reads correlations.yaml of tinyFullFiles into Network.Correlations, with
// rho among the quantities (and so under the provenance rule).
func TestLoadCorrelations(t *testing.T) {
	t.Parallel()
	n, warns, err := Load(t.Context(), tinyFS(tinyFullChanges()))
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) > 0 {
		t.Errorf("warnings: %v", warns)
	}
	if len(n.Correlations) != 1 {
		t.Fatalf("Correlations = %+v, want one group", n.Correlations)
	}
	g := n.Correlations[0]
	want := []model.QuantityPath{"markets/gas-demand/steps/0/price", "commodities/gas/price"}
	if g.ID != "gas-prices" || g.Name != "Gas prices" || len(g.Paths) != 2 || g.Paths[0] != want[0] || g.Paths[1] != want[1] {
		t.Errorf("group = %+v", g)
	}
	if g.Rho.Value != 0.6 || g.Rho.Range == nil || g.Rho.Range.Low != 0.3 || g.Rho.Range.High != 0.8 || g.Rho.Source.Assumption == "" {
		t.Errorf("rho = %+v", g.Rho)
	}
	if q := n.Quantity("correlations/gas-prices/rho"); q == nil || q.Value != 0.6 {
		t.Errorf("Quantity(correlations/gas-prices/rho) = %v", q)
	}
	if n.Correlation("gas-prices") == nil {
		t.Error("Correlation(gas-prices) = nil")
	}
}

// TestLoadCorrelationErrors breaks correlations.yaml one way at a time: every error names file,
// line, column and field.
func TestLoadCorrelationErrors(t *testing.T) {
	t.Parallel()
	const file = "correlations.yaml"
	for _, tt := range []struct {
		name, old, new string
		want           []string
	}{
		{"unknown path", "commodities/gas/price]", "commodities/gas/cost]",
			[]string{`correlations.yaml:4:47: paths/1: unknown quantity path "commodities/gas/cost"`}},
		{"no range", "commodities/gas/price]", "nodes/B/handling_cost]",
			[]string{`correlations.yaml:4:47: paths/1: quantity nodes/B/handling_cost has no range: a fixed value cannot co-move`}},
		{"capex", "commodities/gas/price]", "projects/P1/capex]",
			[]string{`correlations.yaml:4:47: paths/1: project capex projects/P1/capex is not drawn from its range`}},
		{"one path", "paths: [markets/gas-demand/steps/0/price, commodities/gas/price]", "paths: [commodities/gas/price]",
			[]string{`correlations.yaml:4:12: paths: a correlation group needs at least two quantity paths, got 1`}},
		{"path twice", "commodities/gas/price]", "commodities/gas/price, markets/gas-demand/steps/0/price]",
			[]string{`correlations.yaml:4:70: paths/2: quantity markets/gas-demand/steps/0/price is already in correlation group "gas-prices"`}},
		{"path in two groups", "", "",
			[]string{`correlations.yaml:7:32: paths/1: quantity commodities/gas/price is already in correlation group "gas-prices"`}},
		{"rho too negative", "rho: {value: 0.6, range: \"0.3..0.8\"", "rho: {value: -0.5, range: \"-1..0.8\"",
			[]string{`correlations.yaml:5:18: rho: rho -0.5 (range "-1..-0.5..0.8") outside (-1.000, 1]`}},
		{"rho too negative for three", "commodities/gas/price]", "commodities/gas/price, links/L1/capacity]",
			nil}, // filled below
		{"rho above one", "rho: {value: 0.6, range: \"0.3..0.8\"", "rho: {value: 0.6, range: \"0.3..1.2\"",
			[]string{`correlations.yaml:5:18: rho: rho 0.6 (range "0.3..0.6..1.2") outside (-1.000, 1]`}},
		{"rho lognormal", `range: "0.3..0.8"`, `range: "0.3..0.8 lognormal"`,
			[]string{`correlations.yaml:5:30: rho_range: a lognormal rho is unbounded`}},
		{"rho unit", "value: 0.6,", `value: "0.6 USD",`,
			[]string{`correlations.yaml:5:18: rho: unit "USD" measures money`}},
		{"rho without source", `, source: "assumption: test"}`, "}",
			[]string{`correlations.yaml:5:18: rho_source: value 0.6 has no provenance`}},
		{"missing rho", "    rho: {value: 0.6, range: \"0.3..0.8\", source: \"assumption: test\"}\n", "",
			[]string{`correlations.yaml:2:5: rho: missing value`}},
		{"unknown key", "    name: Gas prices", "    title: Gas prices",
			[]string{`correlations.yaml:3:5: title: unknown key "title" (known keys: id, name, paths, rho)`}},
		{"duplicate id", "", "",
			[]string{`correlations.yaml:6:9: id: duplicate id "gas-prices"`}},
		{"paths not a list", "paths: [markets/gas-demand/steps/0/price, commodities/gas/price]", "paths: {a: b}",
			[]string{`correlations.yaml:4:13: paths: expected a list`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var data string
			switch tt.name {
			case "path in two groups":
				data = tinyCorrelations + "  - id: coal\n    paths: [links/L1/capacity, commodities/gas/price]\n    rho: {value: 0.5, source: S1}\n"
			case "duplicate id":
				data = tinyCorrelations + "  - id: gas-prices\n    paths: [links/L1/capacity, nodes/B/throughput]\n    rho: {value: 0.5, source: S1}\n"
			case "rho too negative for three":
				data = strings.Replace(replaceCorrelations(tt.old, tt.new), "value: 0.6, range: \"0.3..0.8\"", "value: -0.49", 1)
				tt.want = []string{`correlations.yaml:5:18: rho: rho -0.49 outside (-0.483, 1]: with 3 members`}
			default:
				data = replaceCorrelations(tt.old, tt.new)
			}
			wantLoadError(t, tinyFS(full(map[string]string{file: data})), tt.want)
		})
	}
}
