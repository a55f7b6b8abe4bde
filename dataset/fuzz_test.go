package dataset

import (
	"errors"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/internal/diag"
)

// fuzzLoad loads the tiny data set with file replaced by data and checks the property every
// decoder must keep: no panic, and every error is a *diag.Error on one line that starts with a
// data-set file name and ":".
func fuzzLoad(t *testing.T, file string, data []byte) {
	changes := map[string]string{file: string(data)}
	if file == FileGeoJSON {
		changes[FileNodes], changes[FileLinks] = "", ""
	}
	fsys := tinyFS(changes)
	if len(data) == 0 {
		delete(fsys, file)
	}
	_, warns, err := Load(t.Context(), fsys)
	var errs []error
	if err != nil {
		joined, ok := err.(interface{ Unwrap() []error })
		if !ok {
			t.Fatalf("Load error %T is not a joined error: %v", err, err)
		}
		errs = joined.Unwrap()
	}
	for _, w := range warns {
		errs = append(errs, w)
	}
	files := []string{FileGeoJSON, "nodes.geojson", "links.geojson"}
	for _, tb := range Schema() {
		files = append(files, tb.File)
	}
	for _, e := range errs {
		var de *diag.Error
		if !errors.As(e, &de) {
			t.Errorf("error %q is %T, want *diag.Error", e, e)
		}
		msg := e.Error()
		if strings.Contains(msg, "\n") {
			t.Errorf("error spans lines: %q", msg)
		}
		ok := false
		for _, f := range files {
			ok = ok || strings.HasPrefix(msg, f+":")
		}
		if !ok {
			t.Errorf("error lacks a file position: %q", msg)
		}
	}
}

func fuzzSeeds(f *testing.F, file string, extra ...string) {
	f.Add([]byte(tinyFiles()[file]))
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

func FuzzCSVNodes(f *testing.F) {
	fuzzSeeds(f, FileNodes, "id,lat\nA,\"1\n", "id,name,country,kind,lat,lon\nA,\"x\"y,RUS,city,1,2\n", "\ufeffid\nA\nA\n")
	f.Fuzz(func(t *testing.T, in []byte) { fuzzLoad(t, FileNodes, in) })
}

func FuzzLinks(f *testing.F) {
	fuzzSeeds(f, FileLinks, "id,from,to,mode,status,countries,capacity,capacity_range\nL,A,B,rail1520,existing,RUS:1;X,5 bcm/yr,1..2..3 pert\n",
		tinyFullFiles()[FileLinks], "id,from,to,mode,status,countries,length,capacity,owners,owners_source\nL,A,B,rail1520,existing,RUS:1,1,1,RUS:0.5;RUS:x;:1,assumption\n")
	f.Fuzz(func(t *testing.T, in []byte) { fuzzLoad(t, FileLinks, in) })
}

func FuzzCommodities(f *testing.F) {
	fuzzSeeds(f, FileCommodities, "id,unit,price\nx,TEU,3\n")
	f.Fuzz(func(t *testing.T, in []byte) { fuzzLoad(t, FileCommodities, in) })
}

func FuzzYAMLMarkets(f *testing.F) {
	fuzzSeeds(f, FileMarkets, "markets: [{id: a, steps: [{price: 1}]}]\n", "markets:\n  - &a {id: x}\n  - *a\n")
	f.Fuzz(func(t *testing.T, in []byte) { fuzzLoad(t, FileMarkets, in) })
}

func FuzzProjects(f *testing.F) {
	fuzzSeeds(f, FileProjects, "projects:\n  - id: p\n    financing: {RUS: x}\n    upgrades: [1]\n",
		tinyFullFiles()[FileProjects],
		"projects:\n  - id: p\n    owners: [RUS]\n    contracts: [{host: [PRK], links: G1, rent_share: {value: 2}}, 3]\n    loans: {lender: RUS}\n",
		"projects:\n  - id: P1\n    financing: {RUS: 1}\n    loans:\n      - {lender: RUS, borrower: RUS, share: 0, rate: -100, tenor: 0 yr, grace: {value: 9, range: \"1..2\"}, default_probability: 2}\n")
	f.Fuzz(func(t *testing.T, in []byte) { fuzzLoad(t, FileProjects, in) })
}

func FuzzDatasetYAML(f *testing.F) {
	fuzzSeeds(f, FileMeta, "name: !!str x\nbase_year: 0x10\n", "---\n...\n", tinyFullFiles()[FileMeta],
		"name: x\nbase_year: 2024\ndecider: [RUS]\nstrategic_premium: -1\nreference_periods: {rail: , ship: 3, rail: {value: 1}, 4: [1]}\n",
		"name: x\nbase_year: 2024\nreference_periods: [rail]\n",
		"name: x\nbase_year: 2024\nreference_periods: "+strings.Repeat("{a: ", 70)+strings.Repeat("}", 70)+"\n") // #17: nesting
	f.Fuzz(func(t *testing.T, in []byte) { fuzzLoad(t, FileMeta, in) })
}

func FuzzGeoJSON(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"component":"node","id":"A","country":"RUS","kind":"city","pos_source":"S1","transship":false},"geometry":{"type":"Point","coordinates":[131.9,43.1]}},
{"type":"Feature","properties":{"component":"node","id":"B","country":"PRK","kind":"border","pos_source":"S1","transship":true},"geometry":{"type":"Point","coordinates":[130.6,42.3]}},
{"type":"Feature","properties":{"component":"link","id":"L1","from":"A","to":"B","mode":"rail1520","status":"existing","countries":"RUS:10;PRK:20","length":"30","length_source":"S1","capacity":"5 Mt/yr","capacity_source":"S1"},"geometry":{"type":"LineString","coordinates":[[131.9,43.1],[130.6,42.3]]}}
]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"component":"node","id":[1]},"geometry":{"type":"Point","coordinates":[1]}}]} x`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"component":"link","id":"L1","from":"A","to":"B","waypoints":"1 2"},"geometry":{"type":"LineString","coordinates":[[131.9,43.1],[131.2,42.8],[500,"x"],[130.6,42.3]]}}
]}`))
	f.Fuzz(func(t *testing.T, in []byte) { fuzzLoad(t, FileGeoJSON, in) })
}
