package dataset

import (
	"bytes"
	"fmt"
	"io/fs"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/corridor-dev/corridor/model"
)

// diffNetworks describes the first differences between two networks, table by table.
func diffNetworks(a, b *model.Network) []string {
	var out []string
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	for i := range va.NumField() {
		f := va.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		x, y := va.Field(i), vb.Field(i)
		if x.Kind() != reflect.Slice {
			if !reflect.DeepEqual(x.Interface(), y.Interface()) {
				out = append(out, fmt.Sprintf("%s:\n got %+v\nwant %+v", f.Name, y.Interface(), x.Interface()))
			}
			continue
		}
		if x.Len() != y.Len() {
			out = append(out, fmt.Sprintf("%s: %d rows, want %d", f.Name, y.Len(), x.Len()))
			continue
		}
		for j := range x.Len() {
			if !reflect.DeepEqual(x.Index(j).Interface(), y.Index(j).Interface()) {
				out = append(out, fmt.Sprintf("%s[%d]:\n got %+v\nwant %+v", f.Name, j, y.Index(j).Interface(), x.Index(j).Interface()))
			}
		}
	}
	return out
}

func mapFS(files map[string][]byte) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: v}
	}
	return m
}

// roundTripSets are the data sets the round-trip tests run on.
func roundTripSets(t *testing.T) map[string]fs.FS {
	sets := map[string]fs.FS{"tiny": tinyFS(nil), "tiny-full": tinyFS(tinyFullChanges())}
	for _, name := range Builtins() {
		fsys, _ := Builtin(name)
		sets[name] = fsys
	}
	return sets
}

func TestEncodeRoundTrip(t *testing.T) {
	for name, fsys := range roundTripSets(t) {
		t.Run(name, func(t *testing.T) {
			n1, _, err := Load(t.Context(), fsys)
			if err != nil {
				t.Fatalf("Load(%s): %v", name, err)
			}
			files, err := Encode(n1)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			n2, _, err := Load(t.Context(), mapFS(files))
			if err != nil {
				t.Fatalf("Load(Encode(%s)): %v", name, err)
			}
			for _, d := range diffNetworks(n1, n2) {
				t.Error(d)
			}
			if !reflect.DeepEqual(n1, n2) {
				t.Error("Load(Encode(n)) is not deeply equal to n")
			}
			again, err := Encode(n2)
			if err != nil {
				t.Fatalf("Encode(second): %v", err)
			}
			for f := range files {
				if !bytes.Equal(files[f], again[f]) {
					t.Errorf("second Encode changed %s:\n%s\nwant\n%s", f, again[f], files[f])
				}
			}
		})
	}
}

// TestGeoJSONRoundTrip checks that a QGIS round trip changes nothing: exporting network.geojson,
// loading it in place of nodes.csv and links.csv and exporting again gives the same bytes and an
// equal network.
func TestGeoJSONRoundTrip(t *testing.T) {
	for name, fsys := range roundTripSets(t) {
		t.Run(name, func(t *testing.T) {
			n1, _, err := Load(t.Context(), fsys)
			if err != nil {
				t.Fatalf("Load(%s): %v", name, err)
			}
			var g1 bytes.Buffer
			if err := WriteGeoJSON(&g1, n1); err != nil {
				t.Fatalf("WriteGeoJSON: %v", err)
			}
			files, err := Encode(n1)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			delete(files, FileNodes)
			delete(files, FileLinks)
			files[FileGeoJSON] = g1.Bytes()
			n2, _, err := Load(t.Context(), mapFS(files))
			if err != nil {
				t.Fatalf("Load with %s: %v", FileGeoJSON, err)
			}
			for _, d := range diffNetworks(n1, n2) {
				t.Error(d)
			}
			var g2 bytes.Buffer
			if err := WriteGeoJSON(&g2, n2); err != nil {
				t.Fatalf("WriteGeoJSON(second): %v", err)
			}
			if !bytes.Equal(g1.Bytes(), g2.Bytes()) {
				t.Errorf("second export differs:\n%s\nwant\n%s", g2.Bytes(), g1.Bytes())
			}
		})
	}
}
