package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/geo"
	"github.com/corridor-dev/corridor/model"
)

// Map layout: the frame, then a legend column on the right.
const (
	mapFrameW      = 660.0 // px
	mapFrameMinH   = 360.0 // px
	mapFrameMaxH   = 720.0 // px
	mapLegendW     = 240.0 // px
	mapPad         = 0.06  // share of the data's projected extent added on every side
	mapMinSpan     = 300.0 // km: the smallest extent a frame shows (one node, or a short line)
	mapFlowMax     = 9.0   // px of the widest flow of each mode
	mapAutoLabels  = 8     // labels printed when the study lists none
	mapCountryArea = 6000  // px²: the smallest piece of a country in the frame that gets its name
	mapCountryMax  = 12    // country names at most
)

// MapView is what the map shows: a network and the flows of one solved state.
type MapView struct {
	Net    *model.Network
	Flows  *flow.Result // nil: infrastructure only
	Title  string
	Detail string // e.g. "x1, every project built, 2035"
	// Focus, when not empty, frames the map on these nodes (a detail map): links and nodes
	// outside the frame are cut at its edge. Empty frames every node and waypoint.
	Focus []string
	// ID tells the SVG's element ids apart when a page holds several maps; "" means "map".
	ID string
	// Marks are links drawn with a numbered red disc at their middle (chokepoints).
	Marks []MapMark
}

// MapMark marks one link on the map: Label in a red disc at the middle of its route, Title as
// its tooltip.
type MapMark struct {
	Link, Label, Title string
}

// ProjectFocus returns the nodes of the candidate projects — the ends of their links and of the
// links they upgrade, and the nodes they upgrade — when a map framed on them would zoom in at
// least twice as far as the map of the whole network; otherwise nil, since a detail map would
// show little more than the whole.
func ProjectFocus(n *model.Network) []string {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if id != "" && !seen[id] && n.Node(id) != nil {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, p := range n.Projects {
		for _, lid := range p.Links {
			if l := n.Link(lid); l != nil {
				add(l.From)
				add(l.To)
			}
		}
		for _, u := range p.Upgrades {
			add(u.Node)
			if l := n.Link(u.Link); l != nil {
				add(l.From)
				add(l.To)
			}
		}
	}
	if len(ids) < 2 {
		return nil
	}
	all, focus := newFrame(mapPoints(n), 0), newFrame(focusPoints(n, ids), 0)
	// px per projected km of each frame: the detail pays off when it zooms in at least 2×
	if focus.s < 2*all.s {
		return nil
	}
	return ids
}

// focusPoints returns the positions of the focus nodes and the waypoints of links between them.
func focusPoints(n *model.Network, ids []string) []geo.LatLon {
	in := map[string]bool{}
	var pts []geo.LatLon
	for _, id := range ids {
		if nd := n.Node(id); nd != nil {
			in[id] = true
			pts = append(pts, nd.Pos)
		}
	}
	for _, l := range n.Links {
		if in[l.From] && in[l.To] {
			pts = append(pts, l.Waypoints...)
		}
	}
	return pts
}

// carrierColors lists colours per carrier; the n-th mode of a carrier takes the n-th colour.
func carrierColors(c model.Carrier) []string {
	switch c {
	case model.CarrierRail:
		return []string{colBlue, colSkyBlue}
	case model.CarrierRoad:
		return []string{colOrange}
	case model.CarrierSea:
		return []string{"#6B8FA3"}
	case model.CarrierPipeline:
		return []string{colVermilion, colBlack}
	case model.CarrierPower:
		return []string{colPurple}
	}
	return []string{colGrey}
}

// modeColors assigns each mode a colour, in the order of the modes table.
func modeColors(n *model.Network) map[string]string {
	seen := map[model.Carrier]int{}
	out := map[string]string{}
	for _, m := range n.Modes {
		cs := carrierColors(m.Carrier)
		out[m.ID] = cs[seen[m.Carrier]%len(cs)]
		seen[m.Carrier]++
	}
	return out
}

// dashOf returns the stroke-dasharray and opacity of a link status.
func dashOf(s model.Status) (dash string, opacity float64) {
	switch s {
	case model.StatusConstruction:
		return "7 3 2 3", 1
	case model.StatusProposed:
		return "5 4", 1
	case model.StatusClosed:
		return "2 3", 0.35
	}
	return "", 1
}

// nodeGlyph draws a node kind's symbol centred at (x, y).
func nodeGlyph(b *strings.Builder, k model.NodeKind, x, y float64, title string) {
	t := ""
	if title != "" {
		t = "<title>" + esc(title) + "</title>"
	}
	switch k {
	case model.KindCity, model.KindMarket:
		fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="3.6" fill="#fff" stroke="#222" stroke-width="1.4">%s</circle>`, f1(x), f1(y), t)
	case model.KindPort, model.KindTerminal:
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="6.4" height="6.4" fill="%s" stroke="#222" stroke-width="0.8">%s</rect>`, f1(x-3.2), f1(y-3.2), colSkyBlue, t)
	case model.KindBorder:
		fmt.Fprintf(b, `<path d="M%s %sl4 4l-4 4l-4-4z" fill="%s" stroke="#222" stroke-width="0.8">%s</path>`, f1(x), f1(y-4), colYellow, t)
	case model.KindField, model.KindMine:
		fmt.Fprintf(b, `<path d="M%s %sl4.2 7h-8.4z" fill="%s" stroke="#222" stroke-width="0.8">%s</path>`, f1(x), f1(y-4.5), colOrange, t)
	case model.KindPlant:
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="6.4" height="6.4" fill="%s" stroke="#222" stroke-width="0.8">%s</rect>`, f1(x-3.2), f1(y-3.2), colPurple, t)
	default: // junction
		fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="2" fill="#222">%s</circle>`, f1(x), f1(y), t)
	}
}

// frame maps positions to px inside the map frame.
type frame struct {
	proj   geo.Projection
	lon0   float64 // degrees: the central meridian; longitudes are unwrapped within 180° of it
	x0, y1 float64 // projected km at the frame's left and top edges
	s      float64 // px per projected km
	w, h   float64 // px
	refLat float64 // degrees: the latitude at which the scale bar is true
}

// px returns the position of p in px from the frame's top-left corner, after unwrapping p's
// longitude around the central meridian (geo.UnwrapLon), so that a network across the
// antimeridian is drawn in one piece.
func (f frame) px(p geo.LatLon) (x, y float64) {
	p.Lon = geo.UnwrapLon(p.Lon, f.lon0)
	return f.pxOf(p)
}

// pxOf is px without the unwrapping, for positions already unwrapped: x = (X − x0)·s,
// y = (y1 − Y)·s for the projected position (X, Y) in km.
func (f frame) pxOf(p geo.LatLon) (x, y float64) {
	X, Y := f.proj.Forward(p)
	return (X - f.x0) * f.s, (f.y1 - Y) * f.s
}

// mapPoints returns the positions a map must show: every node and every link waypoint.
func mapPoints(n *model.Network) []geo.LatLon {
	pts := make([]geo.LatLon, 0, len(n.Nodes))
	for _, nd := range n.Nodes {
		pts = append(pts, nd.Pos)
	}
	for _, l := range n.Links {
		pts = append(pts, l.Waypoints...)
	}
	return pts
}

// newFrame fits the points into the frame. The projection comes from their extent (geo.Extent,
// geo.FitProjection: a Lambert conic away from the equator, equirectangular near it or for
// extents wider than 180°), centred on it, with longitudes unwrapped around its central
// meridian. The frame holds the points' projected extent, at least mapMinSpan km each way,
// widened by mapPad on every side; it is mapFrameW px wide and minH to max(minH, mapFrameMaxH) px
// high, the short side of the extent getting more map, centred. With no points it shows the
// world from 60° S to 80° N.
func newFrame(pts []geo.LatLon, minH float64) frame {
	ext := geo.Extent(pts)
	if len(pts) == 0 {
		ext = geo.BBox{Min: geo.LatLon{Lat: -60, Lon: -180}, Max: geo.LatLon{Lat: 80, Lon: 180}}
		pts = []geo.LatLon{ext.Min, {Lat: 80, Lon: 179.99}} // 180° would unwrap to −180°
	}
	f := frame{proj: geo.FitProjection(ext), lon0: (ext.Min.Lon + ext.Max.Lon) / 2, w: mapFrameW, refLat: (ext.Min.Lat + ext.Max.Lat) / 2}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		p.Lon = geo.UnwrapLon(p.Lon, f.lon0)
		x, y := f.proj.Forward(p)
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	dx := math.Max(maxX-minX, mapMinSpan) * (1 + 2*mapPad)
	dy := math.Max(maxY-minY, mapMinSpan) * (1 + 2*mapPad)
	f.s = math.Min(mapFrameW/dx, math.Max(minH, mapFrameMaxH)/dy)
	f.h = math.Round(math.Max(dy*f.s, minH))
	f.x0 = (minX+maxX)/2 - f.w/f.s/2
	f.y1 = (minY+maxY)/2 + f.h/f.s/2
	return f
}

// rect is a rectangle in px.
type rect struct{ x0, y0, x1, y1 float64 }

// overlaps reports whether two rectangles share more than an edge.
func (a rect) overlaps(b rect) bool { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 }

// overlap is the total area in px² that a shares with the rectangles of others.
func (a rect) overlap(others []rect) float64 {
	var s float64
	for _, b := range others {
		s += math.Max(0, math.Min(a.x1, b.x1)-math.Max(a.x0, b.x0)) * math.Max(0, math.Min(a.y1, b.y1)-math.Max(a.y0, b.y0))
	}
	return s
}

// inside reports whether a lies within the frame of w × h px.
func (a rect) inside(w, h float64) bool { return a.x0 >= 0 && a.y0 >= 0 && a.x1 <= w && a.y1 <= h }

// shortName is a node's name without its parenthesised or slashed alternatives:
// "Harbour town (old port)" → "Harbour town", "North / Upper station" → "North".
func shortName(name string) string {
	name, _, _ = strings.Cut(name, " (")
	name, _, _ = strings.Cut(name, " /")
	return name
}

// label is a node name placed on the map: its text, baseline start and rectangle.
type label struct {
	text string
	x, y float64
	box  rect
}

// labelCandidates returns the nodes whose names the map prints and whether all of them must be:
// the study's MapLabels when it lists some (printed even where they overlap), otherwise the
// border crossings, then the ports, then the cities, each by id, of which placeLabels prints the
// first mapAutoLabels that fit.
func labelCandidates(n *model.Network) (ids []string, all bool) {
	if len(n.Study.MapLabels) > 0 {
		return n.Study.MapLabels, true
	}
	for _, k := range []model.NodeKind{model.KindBorder, model.KindPort, model.KindCity} {
		var of []string
		for _, nd := range n.Nodes {
			if nd.Kind == k {
				of = append(of, nd.ID)
			}
		}
		slices.Sort(of)
		ids = append(ids, of...)
	}
	return ids, false
}

// placeLabels places node names (10 px text) to the right, left, above or below their node, or
// diagonally, taking the first position inside the frame that overlaps no label placed before and
// no other node; a name that must be printed takes the position inside the frame that overlaps
// least when every one overlaps. obstacles are the nodes' rectangles.
func placeLabels(n *model.Network, f frame, obstacles []rect) []label {
	ids, all := labelCandidates(n)
	var out []label
	taken := slices.Clone(obstacles)
	for _, id := range ids {
		nd := n.Node(id)
		if nd == nil || (!all && len(out) == mapAutoLabels) {
			continue
		}
		x, y := f.px(nd.Pos)
		text := shortName(nd.Name)
		w := textWidthPx(text, 10)
		var best *rect
		leastOverlap := math.Inf(1)
		for _, c := range []rect{
			{x + 6, y - 6, x + 6 + w, y + 6}, {x - 6 - w, y - 6, x - 6, y + 6}, // right, left
			{x - w/2, y - 18, x + w/2, y - 6}, {x - w/2, y + 6, x + w/2, y + 18}, // above, below
			{x + 4, y - 16, x + 4 + w, y - 4}, {x + 4, y + 4, x + 4 + w, y + 16}, // above right, below right
			{x - 4 - w, y - 16, x - 4, y - 4}, {x - 4 - w, y + 4, x - 4, y + 16}, // above left, below left
		} {
			if !c.inside(f.w, f.h) {
				continue
			}
			o := c.overlap(taken)
			if o == 0 {
				best = &c
				break
			}
			if all && o < leastOverlap {
				best, leastOverlap = &c, o
			}
		}
		if best == nil {
			continue
		}
		taken = append(taken, *best)
		out = append(out, label{text: text, x: best.x0, y: best.y1 - 3, box: *best})
	}
	return out
}

// countryNames places the names of the larger countries in the frame: a country whose largest
// piece in the frame covers at least mapCountryArea px² gets its name (9 px) at that piece's
// centroid if the centroid lies in the piece, the name is narrower than the piece and overlaps
// no node, node label or name placed before; the mapCountryMax largest pieces are tried.
func countryNames(shapes []countryShape, f frame, taken []rect) []label {
	type piece struct {
		name string
		r    []xy
		a    float64
	}
	var ps []piece
	for _, s := range shapes {
		if s.largest == nil {
			continue
		}
		if a := math.Abs(ringArea(s.largest)); a >= mapCountryArea {
			ps = append(ps, piece{s.Name, s.largest, a})
		}
	}
	slices.SortStableFunc(ps, func(p, q piece) int { return cmp.Compare(q.a, p.a) })
	taken = slices.Clone(taken)
	var out []label
	for _, p := range ps[:min(len(ps), mapCountryMax)] {
		c := ringCentroid(p.r)
		w := textWidthPx(p.name, 9) + 0.5*float64(len([]rune(p.name))) // letter-spacing 0.5 px
		bx := rect{c[0] - w/2, c[1] - 6, c[0] + w/2, c[1] + 5}
		if pb := ringBox(p.r); !inRing(p.r, c) || w > pb.lon1-pb.lon0 || !bx.inside(f.w, f.h) || slices.ContainsFunc(taken, bx.overlaps) {
			continue
		}
		taken = append(taken, bx)
		out = append(out, label{text: p.name, x: c[0], y: c[1] + 3, box: bx})
	}
	return out
}

// seg is one straight leg of a link's route, in px.
type seg struct {
	x0, y0, x1, y1 float64
	l              *model.Link
}

// routeSegments returns the legs of every link: from its from node through its waypoints to its
// to node. On a map of the whole network every leg is inside the frame; on a detail map
// (MapView.Focus) the frame's clip path cuts the legs that leave it.
func routeSegments(n *model.Network, f frame) []seg {
	var segs []seg
	for i := range n.Links {
		l := &n.Links[i]
		a, c := n.Node(l.From), n.Node(l.To)
		if a == nil || c == nil {
			continue
		}
		route := append(append([]geo.LatLon{a.Pos}, l.Waypoints...), c.Pos)
		for k := range len(route) - 1 {
			ax, ay := f.px(route[k])
			cx, cy := f.px(route[k+1])
			segs = append(segs, seg{ax, ay, cx, cy, l})
		}
	}
	return segs
}

// MapSVG draws the network on Natural Earth country outlines in a frame fitted to its nodes and
// waypoints (see newFrame): the countries of the data set shaded, the names of the larger
// countries, links by mode and status, flow widths scaled per mode, candidate projects
// highlighted, nodes by kind with their names as tooltips, the names of the nodes in
// Study.MapLabels (or of a few border crossings, ports and cities when it is empty), a legend
// and a scale bar.
func MapSVG(v MapView) (string, error) {
	cs, err := basemap()
	if err != nil {
		return "", err
	}
	n := v.Net
	pts := mapPoints(n)
	if len(v.Focus) > 0 {
		pts = focusPoints(n, v.Focus)
	}
	id := v.ID
	if id == "" {
		id = "map"
	}
	f := newFrame(pts, mapFrameMinH)
	flows := newFlowWidths(v.Flows)
	var legend strings.Builder
	if h := writeMapLegend(&legend, n, f, flows); h > f.h { // the frame is as high as the legend
		f = newFrame(pts, h)
	}
	shapes := shapesIn(cs, f)
	var glyphs []rect
	for _, nd := range n.Nodes {
		x, y := f.px(nd.Pos)
		glyphs = append(glyphs, rect{x - 4.5, y - 4.5, x + 4.5, y + 4.5})
	}
	inFrame := func(x, y float64) bool { return x >= 0 && y >= 0 && x <= f.w && y <= f.h }
	labels := placeLabels(n, f, glyphs)
	taken := slices.Clone(glyphs)
	for _, l := range labels {
		taken = append(taken, l.box)
	}
	names := countryNames(shapes, f, taken)

	W, H := mapFrameW+mapLegendW, f.h
	var b strings.Builder
	desc := "Map of the network (" + f.proj.String() + "): nodes by kind, links by mode and status, line widths proportional to the flow of each mode."
	if v.Detail != "" {
		desc += " Flows: " + v.Detail + "."
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="map" data-chart="map" role="img" aria-label="%s" viewBox="0 0 %s %s" width="%s" height="%s" font-family="system-ui, sans-serif" font-size="10">`,
		esc(v.Title+". "+desc), f1(W), f1(H), f1(W), f1(H))
	fmt.Fprintf(&b, "<title>%s</title><desc>%s</desc>", esc(v.Title), esc(desc))
	fmt.Fprintf(&b, `<defs><clipPath id="%s-frame"><rect x="0" y="0" width="%s" height="%s"/></clipPath></defs>`, id, f1(f.w), f1(f.h))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%s" height="%s" fill="#e4eef5"/>`, f1(f.w), f1(f.h))
	fmt.Fprintf(&b, `<g clip-path="url(#%s-frame)">`, id)
	writeBasemap(&b, n, shapes, names)
	writeLinks(&b, n, v.Flows, routeSegments(n, f), flows)
	for _, nd := range n.Nodes {
		if x, y := f.px(nd.Pos); inFrame(x, y) {
			nodeGlyph(&b, nd.Kind, x, y, nd.Name+" ("+string(nd.Kind)+", "+nd.Country+")")
		}
	}
	writeMarks(&b, n, f, v.Marks)
	b.WriteString("</g>")
	for _, l := range labels {
		fmt.Fprintf(&b, `<text x="%s" y="%s" paint-order="stroke" stroke="#fff" stroke-width="2.5" stroke-opacity="0.8">%s</text>`, f1(l.x), f1(l.y), esc(l.text))
	}
	writeScaleBar(&b, f)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%s" height="%s" fill="none" stroke="#666"/>`, f1(f.w), f1(f.h))
	b.WriteString(legend.String())
	b.WriteString("</svg>")
	return b.String(), nil
}

// writeMarks draws each mark as a red disc with its label at the middle of its link's route (the
// middle of the middle leg), with the mark's title as tooltip.
func writeMarks(b *strings.Builder, n *model.Network, f frame, marks []MapMark) {
	for _, m := range marks {
		l := n.Link(m.Link)
		if l == nil {
			continue
		}
		a, c := n.Node(l.From), n.Node(l.To)
		if a == nil || c == nil {
			continue
		}
		route := append(append([]geo.LatLon{a.Pos}, l.Waypoints...), c.Pos)
		k := (len(route) - 2) / 2
		x0, y0 := f.px(route[k])
		x1, y1 := f.px(route[k+1])
		x, y := (x0+x1)/2, (y0+y1)/2
		fmt.Fprintf(b, `<g class="chokepoint"><title>%s</title><circle cx="%s" cy="%s" r="7" fill="#D55E00" stroke="#fff" stroke-width="1.2"/>`, esc(m.Title), f1(x), f1(y))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="9" font-weight="bold" fill="#fff">%s</text></g>`, f1(x), f1(y+3), esc(m.Label))
	}
}

// writeBasemap draws the countries in the frame, those of the data set (Network.Countries ids
// matched to the outlines' ISO 3166-1 alpha-3 codes) shaded darker, and the country names.
func writeBasemap(b *strings.Builder, n *model.Network, shapes []countryShape, names []label) {
	participants := map[string]bool{}
	for _, c := range n.Countries {
		participants[c.ID] = true
	}
	b.WriteString(`<g>`)
	for _, s := range shapes {
		fill := "#f4f1ea"
		if s.ISO != "" && participants[s.ISO] {
			fill = "#e6dfcc"
		}
		fmt.Fprintf(b, `<path d="%s" fill="%s" stroke="#a89f8f" stroke-width="0.6" fill-rule="evenodd"><title>%s</title></path>`, s.d, fill, esc(s.Name))
	}
	for _, l := range names {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="9" letter-spacing="0.5" fill="#8c8270">%s</text>`, f1(l.x), f1(l.y), esc(l.text))
	}
	b.WriteString("</g>")
}

// flowWidths holds each link's flow (both directions) and each mode's largest, for line widths.
type flowWidths struct{ of, max map[string]float64 }

// newFlowWidths reads the flows of a solved state; nil gives no widths.
func newFlowWidths(r *flow.Result) flowWidths {
	fw := flowWidths{of: map[string]float64{}, max: map[string]float64{}}
	if r != nil {
		for _, lr := range r.Links {
			q := lr.Forward + lr.Backward
			fw.of[lr.Link] = q
			fw.max[lr.Mode] = math.Max(fw.max[lr.Mode], q)
		}
	}
	return fw
}

// width is a link's band width in px: 1 + mapFlowMax · flow / (largest flow of its mode); 0
// without flow.
func (fw flowWidths) width(l *model.Link) float64 {
	if m := fw.max[l.Mode]; m > 0 && fw.of[l.ID] > 0 {
		return 1 + mapFlowMax*fw.of[l.ID]/m
	}
	return 0
}

// writeLinks draws the links in three layers: a yellow halo under candidate projects, flow bands
// (widest first, so thin ones stay visible), then thin lines by status with a tooltip.
func writeLinks(b *strings.Builder, n *model.Network, r *flow.Result, segs []seg, fw flowWidths) {
	colors := modeColors(n)
	line := func(s seg, stroke string, width, opacity float64, dash string) {
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s" stroke-linecap="round"`, f1(s.x0), f1(s.y0), f1(s.x1), f1(s.y1), stroke, f1(width))
		if opacity < 1 {
			fmt.Fprintf(b, ` stroke-opacity="%s"`, f1(opacity))
		}
		if dash != "" {
			fmt.Fprintf(b, ` stroke-dasharray="%s"`, dash)
		}
		b.WriteString("/>")
	}
	for _, s := range segs {
		if s.l.Project != "" {
			line(s, colYellow, math.Max(fw.width(s.l), 1.5)+6, 0.9, "")
		}
	}
	byWidth := slices.Clone(segs)
	slices.SortStableFunc(byWidth, func(p, q seg) int { return cmp.Compare(fw.width(q.l), fw.width(p.l)) })
	for _, s := range byWidth {
		if w := fw.width(s.l); w > 0 {
			line(s, colors[s.l.Mode], w, 0.5, "")
		}
	}
	for _, s := range segs {
		dash, op := dashOf(s.l.Status)
		fmt.Fprintf(b, "<g><title>%s</title>", esc(linkTooltip(n, r, s.l)))
		line(s, colors[s.l.Mode], 1.4, op, dash)
		b.WriteString("</g>")
	}
}

// scaleKm picks the scale bar's length: the largest of 1, 2 or 5 × 10ⁿ km not longer than
// 130 px at the frame's reference latitude, where a km is s · k px (k the projection's scale
// factor along that parallel).
func scaleKm(f frame) float64 {
	max := 130 / (f.s * f.proj.ScaleFactor(f.refLat))
	p := math.Pow(10, math.Floor(math.Log10(max)))
	for _, m := range []float64{5, 2, 1} {
		if m*p <= max {
			return m * p
		}
	}
	return p
}

// writeScaleBar draws the scale bar in the frame's bottom-left corner, true at its reference
// latitude: a bar of two halves, "0" at its start and the length after its end.
func writeScaleBar(b *strings.Builder, f frame) {
	km := scaleKm(f)
	sl := km * f.proj.ScaleFactor(f.refLat) * f.s
	sx, sy := 14.0, f.h-18
	fmt.Fprintf(b, `<g><rect x="%s" y="%s" width="%s" height="5" fill="#fff" stroke="#222" stroke-width="0.8"/><rect x="%s" y="%s" width="%s" height="5" fill="#222"/>`, f1(sx), f1(sy), f1(sl), f1(sx), f1(sy), f1(sl/2))
	fmt.Fprintf(b, `<text x="%s" y="%s">0</text><text x="%s" y="%s" paint-order="stroke" stroke="#fff" stroke-width="2.5" stroke-opacity="0.8">%s km (at %s)</text></g>`,
		f1(sx), f1(sy-3), f1(sx+sl+5), f1(sy+5), strconv.FormatFloat(km, 'f', -1, 64), geo.LatString(f.refLat))
}

// wrapWords breaks text into lines of at most width characters, at spaces.
func wrapWords(text string, width int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		if cur != "" && len([]rune(cur))+1+len([]rune(w)) > width {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// wrapPx breaks text into lines no wider than width px at the font size (textWidthPx), at
// spaces; a single word wider than width stays whole.
func wrapPx(text string, width, size float64) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && textWidthPx(line+" "+w, size) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}

// writeMapLegend draws the legend column right of the frame: modes (with each mode's largest
// flow), statuses, candidate projects, node kinds, the projection and the borders note. It
// returns the height it needs, px.
func writeMapLegend(b *strings.Builder, n *model.Network, f frame, fw flowWidths) float64 {
	colors := modeColors(n)
	lx, ly := f.w+16, 16.0
	row := func(draw func(x, y float64), text string) {
		draw(lx, ly)
		// a long mode name wraps within the legend column, 12 px a continued line
		for i, line := range wrapPx(text, mapLegendW-30-24, 10) {
			if i > 0 {
				ly += 12
			}
			fmt.Fprintf(b, `<text x="%s" y="%s">%s</text>`, f1(lx+30), f1(ly+4), esc(line))
		}
		ly += 16
	}
	head := func(t string) {
		ly += 4
		fmt.Fprintf(b, `<text x="%s" y="%s" font-weight="600">%s</text>`, f1(lx), f1(ly+4), esc(t))
		ly += 16
	}
	head("Modes (band width ∝ flow; widest =)")
	for _, m := range n.Modes {
		c := colors[m.ID]
		txt := m.Name
		if mx := fw.max[m.ID]; mx > 0 {
			txt += " — " + Num(mx) + " " + m.CapacityUnit
		}
		row(func(x, y float64) {
			fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="6" stroke-opacity="0.5"/><line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="1.4"/>`, f1(x), f1(x+24), f1(y), f1(y), c, f1(x), f1(x+24), f1(y), f1(y), c)
		}, txt)
	}
	head("Status")
	for _, st := range model.Statuses() {
		dash, op := dashOf(st)
		row(func(x, y float64) {
			fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#222" stroke-width="1.6" stroke-opacity="%s" stroke-dasharray="%s"/>`, f1(x), f1(x+24), f1(y), f1(y), f1(op), dash)
		}, string(st))
	}
	row(func(x, y float64) {
		fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="7"/><line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#222" stroke-width="1.4" stroke-dasharray="5 4"/>`, f1(x), f1(x+24), f1(y), f1(y), colYellow, f1(x), f1(x+24), f1(y), f1(y))
	}, "candidate project")
	head("Nodes")
	for _, kinds := range []struct {
		k    model.NodeKind
		text string
	}{{model.KindCity, "city, market"}, {model.KindPort, "port, terminal"}, {model.KindBorder, "border crossing"}, {model.KindField, "field, mine"}, {model.KindPlant, "plant"}, {model.KindJunction, "junction"}} {
		row(func(x, y float64) { nodeGlyph(b, kinds.k, x+12, y, "") }, kinds.text)
	}
	ly += 6
	for _, t := range wrapWords(f.proj.String()+". Borders: Natural Earth de-facto boundaries; they imply no endorsement.", 36) {
		fmt.Fprintf(b, `<text x="%s" y="%s" fill="#444">%s</text>`, f1(lx), f1(ly+4), esc(t))
		ly += 13
	}
	return ly + 4
}

// linkTooltip describes a link and its flow for the map's hover text.
func linkTooltip(n *model.Network, r *flow.Result, l *model.Link) string {
	s := l.Name + " (" + l.ID + ", " + string(l.Status)
	if l.Project != "" {
		s += ", project " + l.Project
	}
	s += ")"
	if r != nil {
		if lr := r.Link(l.ID); lr != nil {
			s += fmt.Sprintf(": %s → / %s ← %s", Num(lr.Forward), Num(lr.Backward), unitOf(n, l.ID))
			if lr.Capacity > 0 {
				s += fmt.Sprintf(", %.0f%% used", 100*lr.Utilisation)
			}
		}
	}
	return s
}
