//go:build ignore

// gen.go converts world-atlas's countries-50m.json (TopoJSON) into the clipped, simplified
// Northeast Asia GeoJSON embedded by this package. refresh.sh runs it:
//
//	go run gen.go countries-50m.json > neasia.geojson
//
// Steps: decode the quantised, delta-encoded arcs (TopoJSON spec, "Arcs" and "Transforms"),
// stitch each ring from its arcs (a negative index ~i is arc i reversed; the first point of each
// following arc repeats the last one), clip every ring to the box below with Sutherland–Hodgman,
// simplify with Douglas–Peucker and round to 0.01°. Output is sorted by country name, so it is
// the same on every run.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Clip box in degrees: wider than the map view (lon 100–150, lat 30–62) so that the frame cuts
// land, not the clip.
const (
	minLon, maxLon = 90.0, 165.0
	minLat, maxLat = 20.0, 68.0
	tolerance      = 0.03 // Douglas–Peucker tolerance, degrees
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

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run gen.go countries-50m.json > neasia.geojson")
		os.Exit(2)
	}
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		fail(err)
	}
	arcs := make([][]pt, len(t.Arcs))
	for i, a := range t.Arcs {
		var x, y float64
		for _, d := range a {
			x += d[0]
			y += d[1]
			arcs[i] = append(arcs[i], pt{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]})
		}
	}
	ring := func(idx []int) []pt {
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
	type feature struct {
		name, id string
		polys    [][][]pt
	}
	var out []feature
	for _, g := range t.Objects["countries"].Geometries {
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				fail(err)
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				fail(err)
			}
		default:
			continue
		}
		f := feature{name: g.Properties.Name, id: g.ID}
		for _, p := range polys {
			var rings [][]pt
			for _, ri := range p {
				r := simplify(clip(ring(ri)))
				if len(r) >= 4 {
					rings = append(rings, r)
				}
			}
			if len(rings) > 0 {
				f.polys = append(f.polys, rings)
			}
		}
		if len(f.polys) > 0 {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b feature) int { return strings.Compare(a.name, b.name) })
	var w strings.Builder
	w.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	for i, f := range out {
		if i > 0 {
			w.WriteString(",\n")
		}
		fmt.Fprintf(&w, `{"type":"Feature","id":%q,"properties":{"name":%q},"geometry":{"type":"MultiPolygon","coordinates":[`, f.id, f.name)
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
	os.Stdout.WriteString(w.String())
}

func num(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// clip cuts a closed ring to the box, one edge at a time (Sutherland–Hodgman).
func clip(r []pt) []pt {
	edges := []struct {
		in  func(p pt) bool
		cut func(a, b pt) pt
	}{
		{func(p pt) bool { return p[0] >= minLon }, func(a, b pt) pt { return atX(a, b, minLon) }},
		{func(p pt) bool { return p[0] <= maxLon }, func(a, b pt) pt { return atX(a, b, maxLon) }},
		{func(p pt) bool { return p[1] >= minLat }, func(a, b pt) pt { return atY(a, b, minLat) }},
		{func(p pt) bool { return p[1] <= maxLat }, func(a, b pt) pt { return atY(a, b, maxLat) }},
	}
	for _, e := range edges {
		if len(r) == 0 {
			return nil
		}
		var o []pt
		prev := r[len(r)-1]
		for _, p := range r {
			switch {
			case e.in(p) && !e.in(prev):
				o = append(o, e.cut(prev, p), p)
			case e.in(p):
				o = append(o, p)
			case e.in(prev):
				o = append(o, e.cut(prev, p))
			}
			prev = p
		}
		r = o
	}
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	return r
}

func atX(a, b pt, x float64) pt { return pt{x, a[1] + (b[1]-a[1])*(x-a[0])/(b[0]-a[0])} }
func atY(a, b pt, y float64) pt { return pt{a[0] + (b[0]-a[0])*(y-a[1])/(b[1]-a[1]), y} }

// simplify applies Douglas–Peucker to a closed ring, then drops points that round to the same
// 0.01° position as their predecessor.
func simplify(r []pt) []pt {
	if len(r) < 4 {
		return nil
	}
	keep := make([]bool, len(r))
	keep[0], keep[len(r)-1] = true, true
	mid := len(r) / 2 // split the closed ring so both halves have distinct ends
	keep[mid] = true
	dp(r, 0, mid, keep)
	dp(r, mid, len(r)-1, keep)
	var o []pt
	for i, p := range r {
		if !keep[i] {
			continue
		}
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

func dp(r []pt, i, j int, keep []bool) {
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
	if best > tolerance {
		keep[k] = true
		dp(r, i, k, keep)
		dp(r, k, j, keep)
	}
}

func segDist(p, a, b pt) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := dx*dx + dy*dy
	if l == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
