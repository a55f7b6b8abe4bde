package dataset

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

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
		{"malformed yaml", map[string]string{"markets.yaml": "markets:\n  - id: x\n    node: [A, B\n"},
			[]string{`markets.yaml:3:11: malformed YAML:`}},
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
			[]string{`projects.yaml:17:17: financing: financing shares sum to 0.9: they must sum to 1 [financing]`}},
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
			_, _, err := Load(t.Context(), tinyFS(tt.changes))
			if err == nil {
				t.Fatalf("Load = nil error, want %q", tt.want)
			}
			lines := strings.Split(err.Error(), "\n")
			for _, w := range tt.want {
				found := false
				for _, l := range lines {
					found = found || strings.HasPrefix(l, w)
				}
				if !found {
					t.Errorf("Load error:\n%v\nwant a line starting %q", err, w)
				}
			}
		})
	}
}

func TestLoadCapsErrors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(tinyFiles()["links.csv"])
	for i := range 70 {
		fmt.Fprintf(&b, "X%d,,A,B,rail1520,existing,,,RUS:30,30,S1,5 lots,,S1,,,,\n", i)
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
