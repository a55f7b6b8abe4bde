package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/geo"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/third_party/naturalearth"
)

// Map layout, px: the frame, then a legend column on the right.
const (
	mapFrameW  = 660.0
	mapLegendW = 240.0
	mapPad     = 0.06 // share of the nodes' extent added on every side
	mapMinLon  = 100.0
	mapFlowMax = 9.0 // px of the widest flow of each mode
)

// MapView is what the map shows: a network and the flows of one solved state.
type MapView struct {
	Net    *model.Network
	Flows  *flow.Result // nil: infrastructure only
	Title  string
	Detail string // e.g. "x1, every project built, 2035"
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

// frame maps projected km to px inside the map frame.
type frame struct {
	proj       geo.LCC
	x0, y1, s  float64 // km at the frame's left and top edges, px per km
	w, h       float64 // px
	viewBox    geo.BBox
	projectLat float64
}

func (f frame) px(p geo.LatLon) (float64, float64) {
	x, y := f.proj.Forward(p)
	return (x - f.x0) * f.s, (f.y1 - y) * f.s
}

// newFrame fits the nodes east of mapMinLon into the frame with a Lambert conformal conic
// projection (standard parallels 35° and 50° N, central meridian 128° E).
func newFrame(n *model.Network) frame {
	f := frame{proj: geo.NewLCC(35, 50, 42, 128), w: mapFrameW}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, nd := range n.Nodes {
		if nd.Pos.Lon < mapMinLon {
			continue
		}
		x, y := f.proj.Forward(nd.Pos)
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	if math.IsInf(minX, 0) {
		minX, minY, maxX, maxY = -1500, -1000, 1500, 1500
	}
	dx, dy := (maxX-minX)*mapPad, (maxY-minY)*mapPad
	minX, maxX, minY, maxY = minX-dx, maxX+dx, minY-dy, maxY+dy
	f.x0, f.y1 = minX, maxY
	f.s = mapFrameW / (maxX - minX)
	f.h = math.Round((maxY - minY) * f.s)
	f.projectLat = 42
	return f
}

// clipSegment clips the segment a→b to the rectangle [0,w]×[0,h] (Liang–Barsky); ok is false
// when nothing is left.
func clipSegment(ax, ay, bx, by, w, h float64) (x0, y0, x1, y1 float64, ok bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := bx-ax, by-ay
	for _, e := range [][2]float64{{-dx, ax}, {dx, w - ax}, {-dy, ay}, {dy, h - ay}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, 0, 0, false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
		if t0 > t1 {
			return 0, 0, 0, 0, false
		}
	}
	return ax + t0*dx, ay + t0*dy, ax + t1*dx, ay + t1*dy, true
}

// outline is the part of the embedded basemap the map reads.
type outline struct {
	Features []struct {
		ID         string `json:"id"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
		Geometry struct {
			Coordinates [][][][2]float64 `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// MapSVG draws the network on Natural Earth country outlines: links by mode and status, flow
// widths scaled per mode, candidate projects highlighted, nodes by kind, a legend and a scale bar.
// Links to nodes west of 100° E (Moscow, Europe) are cut at the frame edge and labelled.
func MapSVG(v MapView) (string, error) {
	var ol outline
	if err := json.Unmarshal(naturalearth.NEAsia(), &ol); err != nil {
		return "", fmt.Errorf("decode basemap: %w", err)
	}
	n := v.Net
	f := newFrame(n)
	W, H := mapFrameW+mapLegendW, math.Max(f.h, 420)
	var b strings.Builder
	desc := "Map of the network in a Lambert conformal conic projection: nodes by kind, links by mode and status, line widths proportional to the flow of each mode."
	if v.Detail != "" {
		desc += " Flows: " + v.Detail + "."
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="map" data-chart="map" role="img" aria-label="%s" viewBox="0 0 %s %s" width="%s" height="%s" font-family="system-ui, sans-serif" font-size="10">`,
		esc(v.Title+". "+desc), f1(W), f1(H), f1(W), f1(H))
	fmt.Fprintf(&b, "<title>%s</title><desc>%s</desc>", esc(v.Title), esc(desc))
	fmt.Fprintf(&b, `<defs><clipPath id="map-frame"><rect x="0" y="0" width="%s" height="%s"/></clipPath>`, f1(mapFrameW), f1(f.h))
	b.WriteString(`<marker id="map-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#333"/></marker></defs>`)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%s" height="%s" fill="#e4eef5"/>`, f1(mapFrameW), f1(f.h))
	b.WriteString(`<g clip-path="url(#map-frame)">`)
	participants := map[string]bool{}
	for _, c := range n.Countries {
		participants[c.ID] = true
	}
	iso := map[string]string{"643": "RUS", "408": "PRK", "410": "KOR", "156": "CHN", "392": "JPN", "496": "MNG"}
	for _, ft := range ol.Features {
		var d strings.Builder
		for _, poly := range ft.Geometry.Coordinates {
			for _, ring := range poly {
				for i, p := range ring {
					x, y := f.px(geo.LatLon{Lat: p[1], Lon: p[0]})
					if i == 0 {
						d.WriteString("M" + f1(x) + " " + f1(y))
					} else {
						d.WriteString("L" + f1(x) + " " + f1(y))
					}
				}
				d.WriteString("Z")
			}
		}
		fill := "#f4f1ea"
		if participants[iso[ft.ID]] {
			fill = "#ebe6da"
		}
		fmt.Fprintf(&b, `<path d="%s" fill="%s" stroke="#a89f8f" stroke-width="0.6" fill-rule="evenodd"><title>%s</title></path>`, d.String(), fill, esc(ft.Properties.Name))
	}
	b.WriteString("</g>")

	colors := modeColors(n)
	// per-mode maximum flow, for widths
	flowOf := map[string]float64{}
	maxOf := map[string]float64{}
	if v.Flows != nil {
		for _, lr := range v.Flows.Links {
			q := lr.Forward + lr.Backward
			flowOf[lr.Link] = q
			maxOf[lr.Mode] = math.Max(maxOf[lr.Mode], q)
		}
	}
	type seg struct {
		x0, y0, x1, y1 float64
		l              *model.Link
		cut            string // name of the far node when cut at the frame edge
	}
	var segs []seg
	for i := range n.Links {
		l := &n.Links[i]
		a, c := n.Node(l.From), n.Node(l.To)
		if a == nil || c == nil {
			continue
		}
		// the route: from the from node through the waypoints to the to node
		route := append(append([]geo.LatLon{a.Pos}, l.Waypoints...), c.Pos)
		inside := func(x, y float64) bool { return x >= 0 && y >= 0 && x <= mapFrameW && y <= f.h }
		for k := range len(route) - 1 {
			ax, ay := f.px(route[k])
			cx, cy := f.px(route[k+1])
			x0, y0, x1, y1, ok := clipSegment(ax, ay, cx, cy, mapFrameW, f.h)
			if !ok {
				continue
			}
			s := seg{x0, y0, x1, y1, l, ""}
			switch inA, inC := inside(ax, ay), inside(cx, cy); {
			case inA && !inC: // the route leaves the frame towards the to node
				s.cut = c.Name
			case !inA && inC: // it enters from the from node's side
				s.cut = a.Name
				s.x0, s.y0, s.x1, s.y1 = x1, y1, x0, y0
			}
			segs = append(segs, s)
		}
	}
	line := func(s seg, stroke string, width, opacity float64, dash, extra string) {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s" stroke-linecap="round"`, f1(s.x0), f1(s.y0), f1(s.x1), f1(s.y1), stroke, f1(width))
		if opacity < 1 {
			fmt.Fprintf(&b, ` stroke-opacity="%s"`, f1(opacity))
		}
		if dash != "" {
			fmt.Fprintf(&b, ` stroke-dasharray="%s"`, dash)
		}
		b.WriteString(extra + "/>")
	}
	width := func(l *model.Link) float64 {
		if m := maxOf[l.Mode]; m > 0 && flowOf[l.ID] > 0 {
			return 1 + mapFlowMax*flowOf[l.ID]/m
		}
		return 0
	}
	// 1. candidate projects: a yellow halo
	for _, s := range segs {
		if s.l.Project != "" {
			line(s, colYellow, math.Max(width(s.l), 1.5)+6, 0.9, "", "")
		}
	}
	// 2. flows: translucent bands, widest first so thin ones stay visible
	byWidth := slices.Clone(segs)
	slices.SortStableFunc(byWidth, func(p, q seg) int { return cmp.Compare(width(q.l), width(p.l)) })
	for _, s := range byWidth {
		if w := width(s.l); w > 0 {
			line(s, colors[s.l.Mode], w, 0.5, "", "")
		}
	}
	// 3. infrastructure: thin lines by status, with a tooltip
	for _, s := range segs {
		dash, op := dashOf(s.l.Status)
		extra := ""
		if s.cut != "" {
			extra = ` marker-end="url(#map-arrow)"`
		}
		fmt.Fprintf(&b, "<g><title>%s</title>", esc(linkTooltip(n, v.Flows, s.l)))
		line(s, colors[s.l.Mode], 1.4, op, dash, extra)
		b.WriteString("</g>")
	}
	// labels of links cut at the frame edge, one per far node
	cutSeen := map[string]bool{}
	for _, s := range segs {
		if s.cut == "" || cutSeen[s.cut] {
			continue
		}
		cutSeen[s.cut] = true
		name, _, _ := strings.Cut(s.cut, " (")
		anchor, dx := "start", 4.0
		if s.x1 < mapFrameW/2 {
			dx = 8
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="%s" font-style="italic" fill="#333">to %s</text>`, f1(math.Max(s.x1, 0)+dx), f1(math.Min(math.Max(s.y1-6, 12), f.h-6)), anchor, esc(name))
	}
	// nodes and labels (greedy: skip a label that would overlap one already placed)
	type box struct{ x0, y0, x1, y1 float64 }
	var placed []box
	nodes := slices.Clone(n.Nodes)
	rank := func(k model.NodeKind) int {
		switch k {
		case model.KindCity:
			return 0
		case model.KindPort:
			return 1
		case model.KindField, model.KindPlant, model.KindMine, model.KindTerminal:
			return 2
		case model.KindBorder:
			return 3
		}
		return 4
	}
	slices.SortStableFunc(nodes, func(p, q model.Node) int {
		return cmp.Or(cmp.Compare(rank(p.Kind), rank(q.Kind)), cmp.Compare(p.ID, q.ID))
	})
	var labels strings.Builder
	for _, nd := range nodes {
		x, y := f.px(nd.Pos)
		if x < 0 || y < 0 || x > mapFrameW || y > f.h {
			continue
		}
		nodeGlyph(&b, nd.Kind, x, y, nd.Name+" ("+string(nd.Kind)+", "+nd.Country+")")
		if rank(nd.Kind) > 2 {
			continue
		}
		name, _, _ := strings.Cut(nd.Name, " (")
		name, _, _ = strings.Cut(name, " /")
		bw := 5.2 * float64(len([]rune(name)))
		bx := box{x + 5, y - 9, x + 5 + bw, y + 3}
		if bx.x1 > mapFrameW {
			bx = box{x - 5 - bw, y - 9, x - 5, y + 3}
		}
		if slices.ContainsFunc(placed, func(o box) bool { return bx.x0 < o.x1 && o.x0 < bx.x1 && bx.y0 < o.y1 && o.y0 < bx.y1 }) {
			continue
		}
		placed = append(placed, bx)
		fmt.Fprintf(&labels, `<text x="%s" y="%s" paint-order="stroke" stroke="#fff" stroke-width="2.5" stroke-opacity="0.8">%s</text>`, f1(bx.x0), f1(bx.y1-2), esc(name))
	}
	b.WriteString(labels.String())
	// scale bar: 500 km at the reference latitude
	const km = 500
	k := f.proj.ScaleFactor(f.projectLat)
	sl := km * k * f.s
	sx, sy := 14.0, f.h-18
	fmt.Fprintf(&b, `<g><rect x="%s" y="%s" width="%s" height="5" fill="#fff" stroke="#222" stroke-width="0.8"/><rect x="%s" y="%s" width="%s" height="5" fill="#222"/>`, f1(sx), f1(sy), f1(sl), f1(sx), f1(sy), f1(sl/2))
	fmt.Fprintf(&b, `<text x="%s" y="%s">0</text><text x="%s" y="%s" text-anchor="middle">250</text><text x="%s" y="%s" text-anchor="middle">500 km (at 42° N)</text></g>`, f1(sx), f1(sy-3), f1(sx+sl/2), f1(sy-3), f1(sx+sl), f1(sy-3))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%s" height="%s" fill="none" stroke="#666"/>`, f1(mapFrameW), f1(f.h))

	// legend
	lx, ly := mapFrameW+16, 16.0
	row := func(draw func(x, y float64), text string) {
		draw(lx, ly)
		fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`, f1(lx+30), f1(ly+4), esc(text))
		ly += 16
	}
	head := func(t string) {
		ly += 4
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-weight="600">%s</text>`, f1(lx), f1(ly+4), esc(t))
		ly += 16
	}
	head("Modes (band width ∝ flow; widest =)")
	for _, m := range n.Modes {
		c := colors[m.ID]
		txt := m.Name
		if mx := maxOf[m.ID]; mx > 0 {
			txt += " — " + Num(mx) + " " + m.CapacityUnit
		}
		row(func(x, y float64) {
			fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="6" stroke-opacity="0.5"/><line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="1.4"/>`, f1(x), f1(x+24), f1(y), f1(y), c, f1(x), f1(x+24), f1(y), f1(y), c)
		}, txt)
	}
	head("Status")
	for _, st := range model.Statuses() {
		dash, op := dashOf(st)
		row(func(x, y float64) {
			fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#222" stroke-width="1.6" stroke-opacity="%s" stroke-dasharray="%s"/>`, f1(x), f1(x+24), f1(y), f1(y), f1(op), dash)
		}, string(st))
	}
	row(func(x, y float64) {
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="7"/><line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#222" stroke-width="1.4" stroke-dasharray="5 4"/>`, f1(x), f1(x+24), f1(y), f1(y), colYellow, f1(x), f1(x+24), f1(y), f1(y))
	}, "candidate project")
	head("Nodes")
	for _, kinds := range []struct {
		k    model.NodeKind
		text string
	}{{model.KindCity, "city, market"}, {model.KindPort, "port, terminal"}, {model.KindBorder, "border crossing"}, {model.KindField, "field, mine"}, {model.KindPlant, "plant"}, {model.KindJunction, "junction"}} {
		row(func(x, y float64) { nodeGlyph(&b, kinds.k, x+12, y, "") }, kinds.text)
	}
	ly += 6
	for _, t := range []string{"Lambert conformal conic, standard", "parallels 35° and 50° N, 128° E.", "Borders: Natural Earth de-facto", "boundaries; they imply no", "endorsement."} {
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#444">%s</text>`, f1(lx), f1(ly+4), esc(t))
		ly += 13
	}
	b.WriteString("</svg>")
	return b.String(), nil
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
