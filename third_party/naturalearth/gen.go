//go:build ignore

// gen.go converts world-atlas's countries-50m.json (TopoJSON) into the simplified world GeoJSON
// embedded by this package, with ISO 3166-1 codes from i18n-iso-countries's codes.json.
// refresh.sh runs it:
//
//	go run gen.go [-tolerance 0.02] countries-50m.json codes.json > world.geojson
//
// Steps: decode the quantised, delta-encoded arcs (TopoJSON spec, "Arcs" and "Transforms");
// simplify every arc once with Douglas–Peucker, keeping its ends, so the border two countries
// share stays the same line in both; stitch each ring from its arcs (a negative index ~i is arc
// i reversed; the first point of each following arc repeats the last one); make each ring's
// longitudes continuous across the antimeridian (see unwrap); round to 0.01° and
// drop rings left with fewer than four points. A country whose every ring vanished keeps its
// largest ring, rounded but not simplified, so that no country is lost. Each feature's numeric
// id (ISO 3166-1 numeric) is looked up in codes.json for the alpha-3 code; the five world-atlas
// features without an id (Kosovo, N. Cyprus, Somaliland, Indian Ocean Ter., Siachen Glacier)
// get an empty code. Output is sorted by country name, one feature a line, so it is the same on
// every run.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

type topology struct {
	Transform struct{ Scale, Translate [2]float64 }
	Arcs      [][][2]float64
	Objects   map[string]struct {
		Geometries []struct {
			Type       string
			ID         string
			Arcs       json.RawMessage
			Properties struct{ Name string }
		}
	}
}

type pt = [2]float64

// feature is one country: its names and codes and its polygons (rings of [lon, lat] degrees).
type feature struct {
	name, a3, n3 string
	polys        [][][]pt
}

func main() {
	tol := flag.Float64("tolerance", 0.02, "Douglas–Peucker tolerance, degrees")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run gen.go [-tolerance deg] countries-50m.json codes.json > world.geojson")
		os.Exit(2)
	}
	var t topology
	readJSON(flag.Arg(0), &t)
	var codes [][]string // [alpha-2, alpha-3, numeric, ISO 3166-2 name]
	readJSON(flag.Arg(1), &codes)
	alpha3 := map[string]string{}
	for _, c := range codes {
		if len(c) < 3 {
			fail(fmt.Errorf("codes.json: short entry %q", c))
		}
		alpha3[c[2]] = c[1]
	}
	raw := decodeArcs(t)
	simple := make([][]pt, len(raw))
	for i, a := range raw {
		simple[i] = simplifyArc(a, *tol)
	}
	var out []feature
	for _, g := range t.Objects["countries"].Geometries {
		polys := polygons(g.Type, g.Arcs)
		if polys == nil {
			continue
		}
		a3 := alpha3[g.ID]
		if g.ID != "" && a3 == "" {
			fail(fmt.Errorf("%s: numeric code %s is not in codes.json", g.Properties.Name, g.ID))
		}
		f := feature{name: g.Properties.Name, a3: a3, n3: g.ID}
		for _, p := range polys {
			var rings [][]pt
			for _, ri := range p {
				if r := round(unwrap(stitch(simple, ri))); len(r) >= 4 {
					rings = append(rings, r)
				}
			}
			if len(rings) > 0 {
				f.polys = append(f.polys, rings)
			}
		}
		if len(f.polys) == 0 {
			f.polys = [][][]pt{{largestRing(raw, polys)}}
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b feature) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.n3, b.n3)
	})
	os.Stdout.WriteString(encode(out))
}

// readJSON decodes the JSON file at path into v, or exits.
func readJSON(path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		fail(fmt.Errorf("%s: %w", path, err))
	}
}

// decodeArcs undoes the delta encoding and the quantisation: position = Σ delta · scale + translate.
func decodeArcs(t topology) [][]pt {
	arcs := make([][]pt, len(t.Arcs))
	for i, a := range t.Arcs {
		var x, y float64
		for _, d := range a {
			x += d[0]
			y += d[1]
			arcs[i] = append(arcs[i], pt{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]})
		}
	}
	return arcs
}

// polygons decodes a geometry's arc indexes as polygons of rings; nil for other geometry types.
func polygons(typ string, arcs json.RawMessage) [][][]int {
	switch typ {
	case "Polygon":
		var p [][]int
		if err := json.Unmarshal(arcs, &p); err != nil {
			fail(err)
		}
		return [][][]int{p}
	case "MultiPolygon":
		var ps [][][]int
		if err := json.Unmarshal(arcs, &ps); err != nil {
			fail(err)
		}
		return ps
	}
	return nil
}

// stitch joins the arcs of a ring; ~i is arc i reversed.
func stitch(arcs [][]pt, idx []int) []pt {
	var r []pt
	for k, i := range idx {
		var a []pt
		if i < 0 {
			a = slices.Clone(arcs[^i])
			slices.Reverse(a)
		} else {
			a = arcs[i]
		}
		if k > 0 {
			a = a[1:]
		}
		r = append(r, a...)
	}
	return r
}

// unwrap makes a ring's longitudes continuous, so that a ring crossing the antimeridian is one
// planar shape (with longitudes beyond ±180°) instead of a shape torn across the whole map: each
// point is shifted by a multiple of 360° to lie within 180° of its predecessor. A ring that then
// fails to close by ±360° winds around a pole (Antarctica): it is closed along the pole (±90°,
// the sign of its mean latitude). Last, the ring is shifted by a multiple of 360° so that the
// middle of its longitude range lies in [-180°, 180°].
func unwrap(r []pt) []pt {
	if len(r) == 0 {
		return nil
	}
	o := slices.Clone(r)
	for i := 1; i < len(o); i++ {
		o[i][0] -= 360 * math.Round((o[i][0]-o[i-1][0])/360)
	}
	if d := o[len(o)-1][0] - o[0][0]; math.Abs(d) > 180 {
		var lat float64
		for _, p := range o {
			lat += p[1]
		}
		pole := math.Copysign(90, lat)
		o = append(o, pt{o[len(o)-1][0], pole}, pt{o[0][0], pole}, o[0])
	}
	lo, hi := o[0][0], o[0][0]
	for _, p := range o {
		lo, hi = math.Min(lo, p[0]), math.Max(hi, p[0])
	}
	if k := math.Round((lo + hi) / 2 / 360); k != 0 {
		for i := range o {
			o[i][0] -= 360 * k
		}
	}
	return o
}

// largestRing returns the rounded ring with the largest absolute shoelace area among polys.
func largestRing(arcs [][]pt, polys [][][]int) []pt {
	var best []pt
	bestA := -1.0
	for _, p := range polys {
		for _, ri := range p {
			r := round(unwrap(stitch(arcs, ri)))
			if a := math.Abs(area(r)); len(r) >= 4 && a > bestA {
				best, bestA = r, a
			}
		}
	}
	return best
}

// area is the shoelace area of a closed ring, square degrees.
func area(r []pt) float64 {
	var s float64
	for i := 1; i < len(r); i++ {
		s += r[i-1][0]*r[i][1] - r[i][0]*r[i-1][1]
	}
	return s / 2
}

// simplifyArc applies Douglas–Peucker with tolerance tol (degrees) to an arc, keeping its ends;
// a closed arc (an island) is split in two halves at its middle point first.
func simplifyArc(a []pt, tol float64) []pt {
	if len(a) <= 2 {
		return a
	}
	keep := make([]bool, len(a))
	keep[0], keep[len(a)-1] = true, true
	if a[0] == a[len(a)-1] {
		mid := len(a) / 2
		keep[mid] = true
		dp(a, 0, mid, keep, tol)
		dp(a, mid, len(a)-1, keep, tol)
	} else {
		dp(a, 0, len(a)-1, keep, tol)
	}
	var o []pt
	for i, p := range a {
		if keep[i] {
			o = append(o, p)
		}
	}
	return o
}

// dp keeps the point of r[i+1:j] farthest from the chord r[i]–r[j] if it is farther than tol,
// and recurses on both sides (Douglas and Peucker 1973).
func dp(r []pt, i, j int, keep []bool, tol float64) {
	if j <= i+1 {
		return
	}
	a, b := r[i], r[j]
	best, k := -1.0, -1
	for m := i + 1; m < j; m++ {
		if d := segDist(r[m], a, b); d > best {
			best, k = d, m
		}
	}
	if best > tol {
		keep[k] = true
		dp(r, i, k, keep, tol)
		dp(r, k, j, keep, tol)
	}
}

// segDist is the planar distance in degrees from p to the segment a–b.
func segDist(p, a, b pt) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := dx*dx + dy*dy
	if l == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

// round rounds a closed ring to 0.01° and drops points equal to their predecessor; it returns
// nil when fewer than four points (a triangle) are left.
func round(r []pt) []pt {
	var o []pt
	for _, p := range r {
		q := pt{math.Round(p[0]*100) / 100, math.Round(p[1]*100) / 100}
		if len(o) > 0 && o[len(o)-1] == q {
			continue
		}
		o = append(o, q)
	}
	if len(o) < 4 {
		return nil
	}
	o[len(o)-1] = o[0]
	return o
}

// encode writes the features as a GeoJSON FeatureCollection, one feature a line.
func encode(fs []feature) string {
	var w strings.Builder
	w.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	for i, f := range fs {
		if i > 0 {
			w.WriteString(",\n")
		}
		fmt.Fprintf(&w, `{"type":"Feature","properties":{"name":%q,"iso_a3":%q,"iso_n3":%q},"geometry":{"type":"MultiPolygon","coordinates":[`, f.name, f.a3, f.n3)
		for j, p := range f.polys {
			if j > 0 {
				w.WriteByte(',')
			}
			w.WriteByte('[')
			for k, r := range p {
				if k > 0 {
					w.WriteByte(',')
				}
				w.WriteByte('[')
				for m, q := range r {
					if m > 0 {
						w.WriteByte(',')
					}
					fmt.Fprintf(&w, "[%s,%s]", num(q[0]), num(q[1]))
				}
				w.WriteByte(']')
			}
			w.WriteByte(']')
		}
		w.WriteString("]}}")
	}
	w.WriteString("\n]}\n")
	return w.String()
}

// num formats a rounded coordinate with at most two decimals.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
