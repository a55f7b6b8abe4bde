package dataset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/corridor-dev/corridor/internal/diag"
)

func replaceLine(file, old, new string) string {
	s := tinyFiles()[file]
	if !strings.Contains(s, old) {
		panic("replaceLine: " + old + " not in " + file)
	}
	return strings.Replace(s, old, new, 1)
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		changes map[string]string
		want    []string // each must start a line of the error
	}{
		{"bad unit", map[string]string{"links.csv": replaceLine("links.csv", "5 Mt/yr,4..6", "5 Mtons/yr,4..6")},
			[]string{`links.csv:2:57: capacity: unknown unit "Mtons" in "Mtons/yr"`}},
		{"unknown node", map[string]string{"links.csv": replaceLine("links.csv", "L2,B-C rail,B,C,", "L2,B-C rail,B,Z,")},
			[]string{`links.csv:3:15: to: unknown node id "Z"`}},
		{"negative capacity", map[string]string{"links.csv": replaceLine("links.csv", ",3e6,", ",-3e6,")},
			[]string{`links.csv:3:69: capacity: negative capacity -3e+06 t/yr`}},
		{"bad quote", map[string]string{"nodes.csv": replaceLine("nodes.csv", "A,Alpha,", `A,Al"pha,`)},
			[]string{`nodes.csv:2:5: bare " in non-quoted-field`}},
		{"unterminated quote", map[string]string{"sources.csv": replaceLine("sources.csv", "S2,Other,", `S2,"Other,`)},
			[]string{`sources.csv:3:`}},
		{"bad waypoint", map[string]string{"links.csv": waypointLinks()},
			[]string{`links.csv:2:99: waypoints: waypoint 2 "north": expected a lon lat pair such as 130.6 42.4`}},
		{"link geometry not a line", map[string]string{"nodes.csv": "", "links.csv": "",
			"network.geojson": "{\"type\": \"FeatureCollection\", \"features\": [\n  {\"type\": \"Feature\", \"properties\": {\"component\": \"link\", \"id\": \"L1\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [1, 2]}}\n]}\n"},
			[]string{`network.geojson:2:84: geometry: a link's geometry is a LineString of [lon, lat] positions, or null`}},
		{"malformed yaml", map[string]string{"markets.yaml": "markets:\n  - id: x\n    node: [A, B\n"},
			[]string{`markets.yaml:3:11: malformed YAML:`}},
		{"nested too deep", map[string]string{"markets.yaml": "markets:\n  - id: x\n    node: " + strings.Repeat("{a: ", 1<<16) + strings.Repeat("}", 1<<16) + "\n"},
			[]string{`markets.yaml:3: YAML nested more than 64 levels deep (a data set file nests fewer than ten)`}},
		{"malformed geojson", map[string]string{"nodes.csv": "", "links.csv": "",
			"network.geojson": "{\"type\": \"FeatureCollection\", \"features\": [\n  {\"type\": \"Feature\",,}\n]}\n"},
			[]string{`network.geojson:2:22: malformed JSON: invalid character ','`}},
		{"missing source", map[string]string{"links.csv": replaceLine("links.csv", ",30,S1,", ",30,,")},
			[]string{`links.csv:2:54: length_source: value 30 km has no provenance`}},
		{"unknown source", map[string]string{"links.csv": replaceLine("links.csv", ",30,S1,", ",30,S9,")},
			[]string{`links.csv:2:54: length_source: unknown source id "S9"`}},
		{"bcm on rail", map[string]string{"links.csv": replaceLine("links.csv", "5 Mt/yr,4..6", "5 bcm/yr,4..6")},
			[]string{`links.csv:2:57: capacity: unit "bcm/yr" measures gas volume/time, but a rail1520 link's capacity is in mass/time`}},
		{"lat out of range", map[string]string{"nodes.csv": replaceLine("nodes.csv", "A,Alpha,RUS,city,43.1,", "A,Alpha,RUS,city,143.1,")},
			[]string{`nodes.csv:2:18: lat: position`}},
		{"duplicate id", map[string]string{"nodes.csv": tinyFiles()["nodes.csv"] + "A,Again,RUS,city,43,131,S1,,,,,,,\n"},
			[]string{`nodes.csv:5:1: id: duplicate id "A"`}},
		{"unknown column", map[string]string{"countries.csv": "id,name,gdp\nRUS,Russia,1\nPRK,,\nKOR,,\n"},
			[]string{`countries.csv:1:9: gdp: unknown column "gdp" (known columns: id, name, discount_rate, discount_rate_range, discount_rate_source)`}},
		{"missing column", map[string]string{"modes.csv": "id,name,gauge_mm,capacity_unit\nrail1520,,1520,t/yr\n"},
			[]string{`modes.csv:1: carrier: missing required column "carrier"`}},
		{"missing value", map[string]string{"modes.csv": replaceLine("modes.csv", "rail,1435,t/yr", "rail,1435,")},
			[]string{`modes.csv:3:40: capacity_unit: missing value`}},
		{"ragged row", map[string]string{"countries.csv": replaceLine("countries.csv", "KOR,South Korea,4.5 %,,S2", "KOR,South Korea")},
			[]string{`countries.csv:4:5: row has 2 fields, the header has 5`}},
		{"bad enum", map[string]string{"nodes.csv": replaceLine("nodes.csv", ",RUS,city,", ",RUS,town,")},
			[]string{`nodes.csv:2:13: kind: "town" is not one of city, port,`}},
		{"bad range", map[string]string{"links.csv": replaceLine("links.csv", "5 Mt/yr,4..6", "5 Mt/yr,6..8")},
			[]string{`links.csv:2:65: capacity_range: value 5 Mt/yr lies outside its range "6..8"`}},
		{"bad crossings", map[string]string{"links.csv": replaceLine("links.csv", "RUS:10;PRK:20", "RUS 10;PRK:20")},
			[]string{`links.csv:2:37: countries: "RUS 10" is not id:number`}},
		{"bad bool", map[string]string{"nodes.csv": replaceLine("nodes.csv", ",S2,true", ",S2,yes")},
			[]string{`nodes.csv:3:58: transship: "yes" is not true or false`}},
		{"yaml unknown key", map[string]string{"projects.yaml": replaceLine("projects.yaml", "    capex:", "    capexx:")},
			[]string{`projects.yaml:12:5: capexx: unknown key "capexx" (known keys: id, name, class,`}},
		{"yaml bad quantity", map[string]string{"markets.yaml": replaceLine("markets.yaml", "price: {value: 150,", "price: {value: lots,")},
			[]string{`markets.yaml:8:24: steps/0/price: "lots" is not a finite number`}},
		{"yaml bad step key", map[string]string{"markets.yaml": replaceLine("markets.yaml", "price: {value: 150,", "cost: {value: 150,")},
			[]string{`markets.yaml:8:9: steps/0/cost: unknown key "cost" (known keys: quantity, price)`}},
		{"yaml financing", map[string]string{"projects.yaml": replaceLine("projects.yaml", "KOR: 0.5}", "KOR: 0.4}")},
			[]string{`projects.yaml:18:17: financing: financing shares sum to 0.9: they must sum to 1 [financing]`}},
		{"yaml upgrade unknown link", map[string]string{"projects.yaml": replaceLine("projects.yaml", "- link: L1", "- link: L9")},
			[]string{`projects.yaml:10:15: upgrades/1/link: unknown link id "L9"`}},
		{"yaml base year", map[string]string{"dataset.yaml": replaceLine("dataset.yaml", "base_year: 2024", "base_year: soon")},
			[]string{`dataset.yaml:3:12: base_year: "soon" is not a whole number`}},
		{"yaml list for scalar", map[string]string{"dataset.yaml": replaceLine("dataset.yaml", "name: tiny", "name: [a, b]")},
			[]string{`dataset.yaml:1:7: name: expected a single value`}},
		{"yaml two documents", map[string]string{"dataset.yaml": tinyFiles()["dataset.yaml"] + "---\nname: x\n"},
			[]string{`dataset.yaml:7:1: more than one YAML document`}},
		{"missing file", map[string]string{"modes.csv": ""},
			[]string{`modes.csv: missing file`}},
		{"empty csv", map[string]string{"modes.csv": "\n"},
			[]string{`modes.csv: empty file: expected a header row`}},
		{"both geojson and csv", map[string]string{"network.geojson": `{"type":"FeatureCollection","features":[]}`},
			[]string{`network.geojson: both network.geojson and nodes.csv/links.csv are present`}},
		{"geojson unknown property", map[string]string{"nodes.csv": "", "links.csv": "",
			"network.geojson": "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"component\":\"node\",\"id\":\"A\",\"height\":\"3\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}\n]}"},
			[]string{`network.geojson:2:61: height: unknown property "height"`}},
		{"geojson node without point", map[string]string{"nodes.csv": "", "links.csv": "",
			"network.geojson": "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"component\":\"node\",\"id\":\"A\"},\"geometry\":null}\n]}"},
			[]string{`network.geojson:2:73: geometry: a node needs a Point geometry`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantLoadError(t, tinyFS(tt.changes), tt.want)
		})
	}
}

// wantLoadError loads fsys and checks that the error has a line starting with each of want.
func wantLoadError(t *testing.T, fsys fs.FS, want []string) {
	t.Helper()
	_, _, err := Load(t.Context(), fsys)
	if err == nil {
		t.Fatalf("Load = nil error, want %q", want)
	}
	lines := strings.Split(err.Error(), "\n")
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, w)
		}
		if !found {
			t.Errorf("Load error:\n%v\nwant a line starting %q", err, w)
		}
	}
}

// TestLoadErrorsFull breaks the optional fields of tinyFullFiles (owners, contracts, loans, the
// decider, the strategic premium and reference periods) one at a time.
func TestLoadErrorsFull(t *testing.T) {
	t.Parallel()
	const (
		meta     = "dataset.yaml"
		links    = "links.csv"
		projects = "projects.yaml"
		study    = "study.yaml"
	)
	for _, tt := range []struct {
		name string
		file string
		old  string // replaced once in the file of tinyFullFiles; "" appends new to tinyFiles' file
		new  string
		want []string // each must start a line of the error
	}{
		{"link owners not id:number", links, "RUS:0.5;PRK:0.5", "RUS 0.5;PRK:0.5",
			[]string{`links.csv:2:99: owners: "RUS 0.5" is not id:number`}},
		{"link owners twice", links, "RUS:0.5;PRK:0.5", "RUS:0.5;RUS:0.5",
			[]string{`links.csv:2:99: owners: RUS appears twice`}},
		{"link owners sum", links, "RUS:0.5;PRK:0.5", "RUS:0.5;PRK:0.4",
			[]string{`links.csv:2:99: owners: owners' shares sum to 0.9: they must sum to 1 (or leave owners empty for the default) [owners]`}},
		{"link owners unknown country", links, "RUS:0.5;PRK:0.5", "RUS:0.5;XXX:0.5",
			[]string{`links.csv:2:99: owners: unknown country id "XXX"`}},
		{"link owners without source", links, ",RUS:0.5;PRK:0.5,assumption: test split", ",RUS:0.5;PRK:0.5,",
			[]string{`links.csv:2:115: owners_source: owners have no provenance`}},
		{"link owners unknown source", links, ",PRK:0.25;RUS:0.75,S1", ",PRK:0.25;RUS:0.75,S9",
			[]string{`links.csv:4:172: owners_source: unknown source id "S9"`}},
		{"project owners sum", projects, "owners: {RUS: 0.6, KOR: 0.4}", "owners: {RUS: 0.6, KOR: 0.3}",
			[]string{`projects.yaml:20:14: owners: owners' shares sum to 0.9: they must sum to 1`}},
		{"project owners not numbers", projects, "owners: {RUS: 0.6, KOR: 0.4}", "owners: {RUS: 0.6, KOR: [0.4]}",
			[]string{`projects.yaml:20:29: owners: expected a number for KOR`}},
		{"contract unknown key", projects, `- {host: KOR, source: "S2"}`, `- {hots: KOR, source: "S2"}`,
			[]string{`projects.yaml:27:10: contracts/1/hots: unknown key "hots" (known keys: host, links, rent_share, source)`,
				`projects.yaml:27:10: contracts/1/host: missing value: expected country the contract pays`}},
		{"contract link of another project", projects, "        links: [G1]", "        links: [L1]",
			[]string{`projects.yaml:24:16: contracts/0/links: link L1 does not belong to project P1`}},
		{"contract unknown link", projects, "        links: [G1]", "        links: [G9]",
			[]string{`projects.yaml:24:16: contracts/0/links: unknown link id "G9"`}},
		{"contract rent share above 1", projects, `rent_share: {value: "5 %", range: "0..10",`, `rent_share: {value: "150 %",`,
			[]string{`projects.yaml:25:29: contracts/0/rent_share: rent share 150 % is outside [0, 1]`}},
		{"contract without source", projects, "        source: S1\n      - {host", "      - {host",
			[]string{`projects.yaml:23:9: contracts/0/source: transit contract with PRK has no provenance`}},
		{"contract not a mapping", projects, `- {host: KOR, source: "S2"}`, `- KOR`,
			[]string{`projects.yaml:27:9: contracts/1: expected a mapping with keys host, links, rent_share, source`}},
		{"loan without rate", projects, `        rate: {value: 2, range: "0..5", source: "assumption: test"}` + "\n", "",
			[]string{`projects.yaml:29:9: loans/0/rate: missing value: expected real interest rate per year`}},
		{"loan tenor in km", projects, `tenor: {value: "20 yr"`, `tenor: {value: "20 km"`,
			[]string{`projects.yaml:33:24: loans/0/tenor: unit "km" measures length, expected a unit of yr [unit]`}},
		{"loan grace as long as the tenor", projects, `grace: {value: 5,`, `grace: {value: 25,`,
			[]string{`projects.yaml:34:24: loans/0/grace: grace 25 yr is not shorter than the tenor 20 yr`}},
		{"loan to oneself", projects, `borrower: KOR`, `borrower: RUS`,
			[]string{`projects.yaml:30:19: loans/0/borrower: lender and borrower are both RUS`}},
		{"loan unknown quantity key", projects, `share: {value: "50 %", source: S1}`, `share: {value: "50 %", sauce: S1}`,
			[]string{`projects.yaml:31:32: loans/0/share: unknown key "sauce" in a quantity (known keys: value, range, source)`}},
		{"loan default probability not a number", projects, `default_probability: {value: "1 %"`, `default_probability: {value: "often"`,
			[]string{`projects.yaml:35:38: loans/0/default_probability: "often" is not a finite number`}},
		{"loans not a list", projects, "", "    loans: {lender: RUS}\n",
			[]string{`projects.yaml:20:13: loans: expected a list of mappings with keys lender, borrower, share, rate, tenor, grace, default_probability`}},
		{"reference period of an unknown class", meta, "  rail: {value: 30, source: S2}", "  ship: {value: 30, source: S2}",
			[]string{`dataset.yaml:10:3: reference_periods/ship: unknown key "ship" (known keys: rail, road, bridge, pipeline, power, port)`}},
		{"reference period negative", meta, "  rail: {value: 30,", "  rail: {value: -30,",
			[]string{`dataset.yaml:10:17: reference_periods/rail: reference period -30 yr is not positive`}},
		{"reference period in km", meta, "  rail: {value: 30,", `  rail: {value: "30 km",`,
			[]string{`dataset.yaml:10:17: reference_periods/rail: unit "km" measures length, expected a unit of yr [unit]`}},
		{"reference period empty", meta, "  rail: {value: 30, source: S2}", "  rail:",
			[]string{`dataset.yaml:10:3: reference_periods/rail: missing value: give a quantity {value, range, source} in yr for rail`}},
		{"reference period not a number", meta, "  rail: {value: 30, source: S2}", "  rail: thirty",
			[]string{`dataset.yaml:10:9: reference_periods/rail: "thirty" is not a finite number followed by a unit`}},
		{"reference period without source", meta, "  rail: {value: 30, source: S2}", "  rail: 30",
			[]string{`dataset.yaml:10:9: reference_periods/rail_source: value 30 yr has no provenance`}},
		{"reference periods not a mapping", meta, "", "reference_periods: [30]\n",
			[]string{`dataset.yaml:6:20: reference_periods: expected a mapping of rail, road, bridge, pipeline, power, port to quantities`}},
		{"decider unknown", meta, "decider: RUS", "decider: JPN",
			[]string{`dataset.yaml:6:10: decider: unknown country id "JPN": the decider must be one of countries [decider]`}},
		{"decider a list", meta, "decider: RUS", "decider: [RUS]",
			[]string{`dataset.yaml:6:10: decider: expected a single value`}},
		{"strategic premium in USD", meta, `"50 MUSD/yr"`, `"50 MUSD"`,
			[]string{`dataset.yaml:7:28: strategic_premium: unit "MUSD" measures money, expected a unit of USD/yr [unit]`}},
		{"strategic premium negative", meta, `{value: "50 MUSD/yr", range: "0..100",`, `{value: "-5 MUSD/yr",`,
			[]string{`dataset.yaml:7:28: strategic_premium: strategic premium -5 MUSD/yr is negative`}},
		{"strategic premium without source", meta, `range: "0..100", source: "assumption: test"}`, `range: "0..100"}`,
			[]string{`dataset.yaml:7:28: strategic_premium_source: value 50 MUSD/yr has no provenance`}},
		{"study unknown key", study, "currency: USD", "currency: USD\nquestion: why",
			[]string{`study.yaml:4:1: question: unknown key "question" (known keys: title, headline_scenario, currency, overruns, map_labels)`}},
		{"study currency", study, "currency: USD", "currency: EUR",
			[]string{`study.yaml:3:11: currency: "EUR" is not one of USD`}},
		{"study map label unknown", study, "map_labels: [A, C]", "map_labels: [A, Z]",
			[]string{`study.yaml:9:13: map_labels: unknown node id "Z": a map label must be one of nodes [study]`}},
		{"study overrun class twice", study, "  - class: rail", "  - class: pipeline",
			[]string{`study.yaml:6:12: overruns/1/class: class pipeline has two overrun reference classes: keep one [study]`}},
		{"study overrun unknown class", study, "  - class: rail", "  - class: airport",
			[]string{`study.yaml:6:12: overruns/1/class: "airport" is not one of rail, road, bridge, pipeline, power, port`}},
		{"study overrun mean in km", study, `mean: {value: 0.45,`, `mean: {value: "0.45 km",`,
			[]string{`study.yaml:7:19: overruns/1/mean: unit "km" measures length, expected a unit of none (a plain number or %) [unit]`}},
		{"study overrun mean below -100 %", study, `mean: {value: 0.45,`, `mean: {value: -1.5,`,
			[]string{`study.yaml:7:19: overruns/1/mean: mean overrun -1.5 is not above -100 %`}},
		{"study overrun sd negative", study, `sd: {value: 0.39, range: "0.3..0.5",`, `sd: {value: -0.1,`,
			[]string{`study.yaml:5:70: overruns/0/sd: standard deviation -0.1 is negative`}},
		{"study overrun without source", study, `    mean: {value: 0.45, source: S2}`, `    mean: 0.45`,
			[]string{`study.yaml:7:11: overruns/1/mean_source: value 0.45 has no provenance`}},
		{"study overrun without sd", study, `    sd: {value: "38 %", source: S2}` + "\n", "",
			[]string{`study.yaml:6:5: overruns/1/sd: missing value`}},
		{"cargo holding rate above 100 %", meta, "decider: RUS\n", "decider: RUS\ncargo_holding_rate: {value: \"150 %\", source: S1}\n",
			[]string{`dataset.yaml:7:29: cargo_holding_rate: cargo holding rate 150 % is outside [0 %, 100 %)`}},
		{"appraisal years not numbers", meta, "decider: RUS\n", "decider: RUS\nappraisal_years: [2030, soon]\n",
			[]string{`dataset.yaml:7:25: appraisal_years: expected a whole number, got "soon"`}},
		{"appraisal years descending", meta, "decider: RUS\n", "decider: RUS\nappraisal_years: [2040, 2030]\n",
			[]string{`dataset.yaml:7:18: appraisal_years: appraisal years must ascend without repeats: 2030 follows 2040 [appraisal-years]`}},
		{"cargo holding rate in USD", meta, "decider: RUS\n", "decider: RUS\ncargo_holding_rate: {value: \"15 USD\", source: S1}\n",
			[]string{`dataset.yaml:7:29: cargo_holding_rate: unit "USD" measures money, expected a unit of none (a plain number or %) or 1/yr [unit]`}},
		{"strategic premium bad range", meta, `range: "0..100"`, `range: "60..100"`,
			[]string{`dataset.yaml:7:49: strategic_premium_range: value 50 MUSD/yr lies outside its range "60..100"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := tinyFiles()[tt.file] + tt.new
			if tt.old != "" {
				data = replaceFull(tt.file, tt.old, tt.new)
			}
			wantLoadError(t, tinyFS(full(map[string]string{tt.file: data})), tt.want)
		})
	}
}

// TestLoadWarningsFull checks the warnings of the optional fields, at their cells.
func TestLoadWarningsFull(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, file, old, new, want string
	}{
		{"class without reference period", "dataset.yaml", `  pipeline: {value: "25 yr", range: "15..25", source: S1}` + "\n", "",
			"dataset.yaml:9:3: reference_periods: warning: no reference period for class pipeline (projects P1)"},
		{"strategic premium without decider", "dataset.yaml", "decider: RUS\n", "",
			"dataset.yaml:6:28: strategic_premium: warning: a strategic premium without a decider"},
		{"contract naming its links", "projects.yaml", "      - {host: KOR, source: \"S2\"}", "      - {host: KOR, links: [G1], source: \"S2\"}",
			""},
		{"contract host crossed by no link", "links.csv", "RUS:100;PRK:300;KOR:100", "RUS:100;PRK:400",
			"projects.yaml:27:16: contracts/1/host: warning: no link of project P1 crosses KOR"},
		{"freight link without a speed under a holding rate", "dataset.yaml", "decider: RUS\n", "decider: RUS\ncargo_holding_rate: {value: \"10 %\", source: S1}\n",
			"links.csv:3:"},
		{"loan grace may reach the tenor", "projects.yaml", `grace: {value: 5, source: S2}`, `grace: {value: 5, range: "2..12", source: S2}`,
			"projects.yaml:34:24: loans/0/grace: warning: grace 5 yr (range \"2..5..12\") may reach the tenor"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, warns, err := Load(t.Context(), tinyFS(full(map[string]string{tt.file: replaceFull(tt.file, tt.old, tt.new)})))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if tt.want == "" {
				if len(warns) != 0 {
					t.Errorf("warnings = %v, want none", warns)
				}
				return
			}
			for _, w := range warns {
				if strings.HasPrefix(w.Error(), tt.want) {
					return
				}
			}
			t.Errorf("warnings = %v, want one starting %q", warns, tt.want)
		})
	}
}

func TestLoadCapsErrors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(tinyFiles()["links.csv"])
	for i := range 70 {
		fmt.Fprintf(&b, "X%d,,A,B,rail1520,existing,,,RUS:30,30,S1,5 lots,,S1,,,,,\n", i)
	}
	_, _, err := Load(t.Context(), tinyFS(map[string]string{"links.csv": b.String()}))
	if err == nil {
		t.Fatal("Load = nil error, want 50 errors and a note")
	}
	lines := strings.Split(err.Error(), "\n")
	if got, want := len(lines), 51; got != want {
		t.Errorf("error has %d lines, want %d", got, want)
	}
	if got, want := lines[len(lines)-1], "links.csv: too many errors"; !strings.HasPrefix(got, want) {
		t.Errorf("last line = %q, want prefix %q", got, want)
	}
	if got, want := lines[0], `links.csv:5:42: capacity: unknown unit "lots"`; !strings.HasPrefix(got, want) {
		t.Errorf("first line = %q, want prefix %q", got, want)
	}
}

func TestLoadWarningsPositioned(t *testing.T) {
	t.Parallel()
	// L1's km by country (10+25) differ from its length (30) by more than 5 %: a warning.
	fsys := tinyFS(map[string]string{"links.csv": replaceLine("links.csv", "RUS:10;PRK:20", "RUS:10;PRK:25")})
	n, warns, err := Load(t.Context(), fsys)
	if err != nil || n == nil {
		t.Fatalf("Load: %v", err)
	}
	if len(warns) != 1 {
		t.Fatalf("warnings = %v, want 1", warns)
	}
	if got, want := warns[0].Error(), "links.csv:2:37: countries: warning: km by country add up to 35"; !strings.HasPrefix(got, want) {
		t.Errorf("warning = %q, want prefix %q", got, want)
	}
	var ie *IssueError
	if !errors.As(warns[0], &ie) || ie.Issue.Rule != "crossings" {
		t.Errorf("errors.As(warning, *IssueError) = %v, want rule crossings", ie)
	}
}

func TestLoadCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := Load(ctx, tinyFS(nil)); !errors.Is(err, context.Canceled) {
		t.Errorf("Load(cancelled) = %v, want context.Canceled", err)
	}
}

func TestLoadAllErrorsAreDiag(t *testing.T) {
	t.Parallel()
	fsys := tinyFS(map[string]string{
		"links.csv":    replaceLine("links.csv", "5 Mt/yr,4..6", "5 bcm/yr,4..6"),
		"nodes.csv":    replaceLine("nodes.csv", ",RUS,city,", ",RUS,town,"),
		"markets.yaml": "markets: {",
	})
	_, _, err := Load(t.Context(), fsys)
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Load error %T does not join errors", err)
	}
	for _, e := range joined.Unwrap() {
		var de *diag.Error
		if !errors.As(e, &de) {
			t.Errorf("error %v is %T, want *diag.Error", e, e)
		}
	}
	if got := len(joined.Unwrap()); got < 3 {
		t.Errorf("Load gave %d errors, want at least 3 (one per file):\n%v", got, err)
	}
}

// waypointLinks is the tiny links.csv with a waypoints column, the first link's second waypoint
// malformed.
func waypointLinks() string {
	lines := strings.Split(strings.TrimSuffix(tinyFiles()["links.csv"], "\n"), "\n")
	lines[0] += ",waypoints"
	lines[1] += ",130.6 42.4;north"
	for i := 2; i < len(lines); i++ {
		lines[i] += ","
	}
	return strings.Join(lines, "\n") + "\n"
}

// A file beyond the size limit is refused before decoding, naming the file (#17).
func TestReadLimited(t *testing.T) {
	fsys := fstest.MapFS{"links.csv": {Data: []byte(strings.Repeat("x", 1025))}}
	if _, err := readLimited(fsys, "links.csv", 1024); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("readLimited over the limit = %v, want an error", err)
	}
	if b, err := readLimited(fsys, "links.csv", 2048); err != nil || len(b) != 1025 {
		t.Errorf("readLimited under the limit = %d bytes, %v", len(b), err)
	}
}
