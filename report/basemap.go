package report

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/corridor-dev/corridor/geo"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/third_party/naturalearth"
)

// xy is a point: [lon, lat] in degrees for basemap rings, [x, y] in px once projected.
type xy = [2]float64

// basemapCountry is one basemap feature: its name, ISO 3166-1 alpha-3 code ("" for none) and polygons,
// each a list of rings (the first the outline, the others holes), rings open (no repeated point).
type basemapCountry struct {
	Name, ISO string
	Polys     [][][]xy
}

// basemap decodes the embedded world outlines (package naturalearth) into countries.
func basemap() ([]basemapCountry, error) {
	var fc struct {
		Features []struct {
			Properties struct {
				Name string `json:"name"`
				ISO  string `json:"iso_a3"`
			} `json:"properties"`
			Geometry struct {
				Coordinates [][][]xy `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(naturalearth.World(), &fc); err != nil {
		return nil, fmt.Errorf("decode basemap: %w", err)
	}
	out := make([]basemapCountry, len(fc.Features))
	for i, f := range fc.Features {
		c := basemapCountry{Name: f.Properties.Name, ISO: f.Properties.ISO}
		for _, poly := range f.Geometry.Coordinates {
			rings := make([][]xy, 0, len(poly))
			for _, r := range poly {
				if len(r) > 1 && r[0] == r[len(r)-1] {
					r = r[:len(r)-1]
				}
				rings = append(rings, r)
			}
			c.Polys = append(c.Polys, rings)
		}
		out[i] = c
	}
	return out, nil
}

// lonLatBox is a box in degrees whose longitudes may lie beyond ±180° (unwrapped).
type lonLatBox struct{ lon0, lon1, lat0, lat1 float64 }

// meets reports whether two boxes overlap (edges included).
func (b lonLatBox) meets(o lonLatBox) bool {
	return b.lon0 <= o.lon1 && o.lon0 <= b.lon1 && b.lat0 <= o.lat1 && o.lat0 <= b.lat1
}

// ringBox is the smallest box holding the ring.
func ringBox(r []xy) lonLatBox {
	b := lonLatBox{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
	for _, p := range r {
		b.lon0, b.lon1 = math.Min(b.lon0, p[0]), math.Max(b.lon1, p[0])
		b.lat0, b.lat1 = math.Min(b.lat0, p[1]), math.Max(b.lat1, p[1])
	}
	return b
}

// copiesIn returns the copies of ring r, shifted by −360°, 0° or +360° of longitude, that meet
// the box, each cut to the box's longitudes. The outlines' rings are continuous across the
// antimeridian (centred in [−180°, 180°]), so a map centred near 180° needs the shifted copies.
func copiesIn(r []xy, box lonLatBox) [][]xy {
	rb := ringBox(r)
	var out [][]xy
	for _, k := range []float64{-360, 0, 360} {
		if !box.meets(lonLatBox{rb.lon0 + k, rb.lon1 + k, rb.lat0, rb.lat1}) {
			continue
		}
		c := make([]xy, len(r))
		for i, p := range r {
			c[i] = xy{p[0] + k, p[1]}
		}
		c = clipAxis(clipAxis(c, 0, box.lon0, true), 0, box.lon1, false)
		if len(c) >= 3 {
			out = append(out, c)
		}
	}
	return out
}

// clipAxis cuts an open ring to one side of the line coordinate[axis] = v: the side ≥ v when
// keepAbove, ≤ v otherwise (one edge of Sutherland–Hodgman polygon clipping). Meridians and
// parallels are straight in the map's projections, so cutting on a meridian in degrees and then
// projecting is exact.
func clipAxis(r []xy, axis int, v float64, keepAbove bool) []xy {
	if len(r) == 0 {
		return nil
	}
	in := func(p xy) bool { return (p[axis] >= v) == keepAbove || p[axis] == v }
	cut := func(a, b xy) xy {
		t := (v - a[axis]) / (b[axis] - a[axis])
		var q xy
		q[axis] = v
		q[1-axis] = a[1-axis] + t*(b[1-axis]-a[1-axis])
		return q
	}
	var o []xy
	prev := r[len(r)-1]
	for _, p := range r {
		switch pin, qin := in(p), in(prev); {
		case pin && !qin:
			o = append(o, cut(prev, p), p)
		case pin:
			o = append(o, p)
		case qin:
			o = append(o, cut(prev, p))
		}
		prev = p
	}
	return o
}

// clipRect cuts an open ring to the rectangle [x0, x1] × [y0, y1].
func clipRect(r []xy, x0, y0, x1, y1 float64) []xy {
	r = clipAxis(r, 0, x0, true)
	r = clipAxis(r, 0, x1, false)
	r = clipAxis(r, 1, y0, true)
	return clipAxis(r, 1, y1, false)
}

// densify inserts points so that no edge of the open ring spans more than step degrees of
// longitude or latitude: a long straight edge in degrees (a border along a parallel) is a curve
// in a conic projection.
func densify(r []xy, step float64) []xy {
	var o []xy
	for i, p := range r {
		q := r[(i+1)%len(r)]
		o = append(o, p)
		n := math.Ceil(math.Max(math.Abs(q[0]-p[0]), math.Abs(q[1]-p[1])) / step)
		for k := 1.0; k < n; k++ {
			o = append(o, xy{p[0] + (q[0]-p[0])*k/n, p[1] + (q[1]-p[1])*k/n})
		}
	}
	return o
}

// ringArea is the signed shoelace area of an open ring: ½ Σ (xᵢ·yᵢ₊₁ − xᵢ₊₁·yᵢ).
func ringArea(r []xy) float64 {
	var s float64
	for i, p := range r {
		q := r[(i+1)%len(r)]
		s += p[0]*q[1] - q[0]*p[1]
	}
	return s / 2
}

// ringCentroid is the centroid of an open ring's area:
// c = 1/(6A) Σ (pᵢ + pᵢ₊₁)(xᵢ·yᵢ₊₁ − xᵢ₊₁·yᵢ).
func ringCentroid(r []xy) xy {
	var cx, cy float64
	for i, p := range r {
		q := r[(i+1)%len(r)]
		c := p[0]*q[1] - q[0]*p[1]
		cx += (p[0] + q[0]) * c
		cy += (p[1] + q[1]) * c
	}
	a := 6 * ringArea(r)
	return xy{cx / a, cy / a}
}

// inRing reports whether p lies inside the open ring (even–odd rule, ray cast along +x).
func inRing(r []xy, p xy) bool {
	in := false
	for i, a := range r {
		b := r[(i+1)%len(r)]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in
}

// frameBox returns the box in degrees (longitudes unwrapped around the frame's central meridian)
// that holds the whole frame, from the inverse projection of points along its edges, widened by
// 1° and, where the frame holds a pole, extended to it and to every longitude. Countries outside
// it are not drawn.
func (f frame) frameBox() lonLatBox {
	b := lonLatBox{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
	const n = 32
	add := func(px, py float64) {
		p := f.proj.Inverse(f.x0+px/f.s, f.y1-py/f.s)
		b.lon0, b.lon1 = math.Min(b.lon0, p.Lon), math.Max(b.lon1, p.Lon)
		b.lat0, b.lat1 = math.Min(b.lat0, p.Lat), math.Max(b.lat1, p.Lat)
	}
	for i := range n + 1 {
		t := float64(i) / n
		add(t*f.w, 0)
		add(t*f.w, f.h)
		add(0, t*f.h)
		add(f.w, t*f.h)
	}
	b = lonLatBox{b.lon0 - 1, b.lon1 + 1, b.lat0 - 1, b.lat1 + 1}
	for _, pole := range []float64{-90, 90} {
		if x, y := f.pxOf(geo.LatLon{Lat: pole, Lon: f.lon0}); x >= 0 && x <= f.w && y >= 0 && y <= f.h {
			b = lonLatBox{-math.MaxFloat64, math.MaxFloat64, math.Min(b.lat0, pole), math.Max(b.lat1, pole)}
		}
	}
	return lonLatBox{math.Max(b.lon0, f.lon0-180), math.Min(b.lon1, f.lon0+180), math.Max(b.lat0, -90), math.Min(b.lat1, 90)}
}

// countryShape is a country drawn in a frame: its SVG path (px) and the largest piece of its
// outline inside the frame, for its name.
type countryShape struct {
	basemapCountry
	d       string // SVG path data; "" when nothing is in the frame
	largest []xy   // px, open ring; nil when nothing is in the frame
}

// mapSimplifyPx is the Douglas–Peucker tolerance, px, of the outlines drawn: finer detail does
// not show and would only make the report bigger.
const mapSimplifyPx = 0.4

// shapesIn projects the countries that meet the frame: each ring is copied across the
// antimeridian as needed (copiesIn), densified to 1°, projected, cut to the frame (plus 2 px, so
// the cut edges stay outside the frame's clip) and simplified to mapSimplifyPx.
func shapesIn(cs []basemapCountry, f frame) []countryShape {
	box := f.frameBox()
	var out []countryShape
	for _, c := range cs {
		s := countryShape{basemapCountry: c}
		var d []byte
		bestA := 0.0
		for _, poly := range c.Polys {
			for k, r := range poly {
				for _, g := range copiesIn(r, box) {
					g = densify(g, 1)
					px := make([]xy, len(g))
					for i, p := range g {
						x, y := f.pxOf(geo.LatLon{Lat: p[1], Lon: p[0]})
						px[i] = xy{x, y}
					}
					px = simplifyRing(clipRect(px, -2, -2, f.w+2, f.h+2), mapSimplifyPx)
					if len(px) < 3 {
						continue
					}
					d = appendPath(d, px)
					if a := math.Abs(ringArea(px)); k == 0 && a > bestA {
						bestA, s.largest = a, px
					}
				}
			}
		}
		if len(d) > 0 {
			s.d = string(d)
			out = append(out, s)
		}
	}
	return out
}

// simplifyRing applies Douglas–Peucker with tolerance tol to an open ring, split at its first
// point and the point halfway round; it returns nil when fewer than three points are left.
func simplifyRing(r []xy, tol float64) []xy {
	if len(r) < 4 {
		return r
	}
	closed := append(slices.Clone(r), r[0])
	keep := make([]bool, len(closed))
	mid := len(r) / 2
	keep[0], keep[mid], keep[len(r)] = true, true, true
	douglasPeucker(closed, 0, mid, keep, tol)
	douglasPeucker(closed, mid, len(r), keep, tol)
	var o []xy
	for i, p := range r {
		if keep[i] {
			o = append(o, p)
		}
	}
	if len(o) < 3 {
		return nil
	}
	return o
}

// douglasPeucker keeps the point of r[i+1:j] farthest from the segment r[i]–r[j] when it is
// farther than tol, and recurses on both sides (Douglas and Peucker 1973).
func douglasPeucker(r []xy, i, j int, keep []bool, tol float64) {
	if j <= i+1 {
		return
	}
	best, k := -1.0, -1
	for m := i + 1; m < j; m++ {
		if d := segDist(r[m], r[i], r[j]); d > best {
			best, k = d, m
		}
	}
	if best > tol {
		keep[k] = true
		douglasPeucker(r, i, k, keep, tol)
		douglasPeucker(r, k, j, keep, tol)
	}
}

// segDist is the distance from p to the segment a–b.
func segDist(p, a, b xy) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := dx*dx + dy*dy
	if l == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

// appendPath appends a closed SVG subpath through the ring's points, rounded to 0.1 px, leaving
// out points that round to their predecessor.
func appendPath(d []byte, r []xy) []byte {
	last := ""
	for i, p := range r {
		pt := f1(p[0]) + " " + f1(p[1])
		if pt == last {
			continue
		}
		if i == 0 {
			d = append(d, 'M')
		} else {
			d = append(d, 'L')
		}
		d = append(d, pt...)
		last = pt
	}
	return append(d, 'Z')
}

// BasemapGeoJSON returns the embedded world outlines as GeoJSON, keeping only the polygons that
// meet the region of the network's nodes and waypoints: their extent (geo.Extent, read on the
// longitude circle) widened on every side by half its width or height, at least 15°. Coordinates
// are the embedded ones (rings continuous across the antimeridian, see package naturalearth); a
// polygon counts as meeting the region when it does shifted by −360°, 0° or +360°. Each
// feature's properties are "name" and "iso_a3". With no nodes it returns the whole world.
func BasemapGeoJSON(n *model.Network) ([]byte, error) {
	cs, err := basemap()
	if err != nil {
		return nil, err
	}
	box := lonLatBox{-540, 540, -90, 90}
	if pts := mapPoints(n); len(pts) > 0 {
		e := geo.Extent(pts)
		dlon := math.Max((e.Max.Lon-e.Min.Lon)/2, 15)
		dlat := math.Max((e.Max.Lat-e.Min.Lat)/2, 15)
		box = lonLatBox{e.Min.Lon - dlon, e.Max.Lon + dlon, e.Min.Lat - dlat, e.Max.Lat + dlat}
	}
	type feature struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   struct {
			Type        string   `json:"type"`
			Coordinates [][][]xy `json:"coordinates"`
		} `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	for _, c := range cs {
		f := feature{Type: "Feature", Properties: map[string]string{"name": c.Name, "iso_a3": c.ISO}}
		f.Geometry.Type = "MultiPolygon"
		for _, poly := range c.Polys {
			if len(poly) == 0 || !meetsShifted(ringBox(poly[0]), box) {
				continue
			}
			rings := make([][]xy, len(poly))
			for i, r := range poly {
				rings[i] = append(slices.Clone(r), r[0]) // GeoJSON rings repeat their first point
			}
			f.Geometry.Coordinates = append(f.Geometry.Coordinates, rings)
		}
		if len(f.Geometry.Coordinates) > 0 {
			fc.Features = append(fc.Features, f)
		}
	}
	return json.Marshal(fc)
}

// meetsShifted reports whether the box b, shifted by −360°, 0° or +360° of longitude, meets box.
func meetsShifted(b, box lonLatBox) bool {
	for _, k := range []float64{-360, 0, 360} {
		if box.meets(lonLatBox{b.lon0 + k, b.lon1 + k, b.lat0, b.lat1}) {
			return true
		}
	}
	return false
}
