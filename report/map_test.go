package report

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/geo"
	"github.com/corridor-dev/corridor/model"
)

// A link's waypoints bend its line on the map: one segment per leg, each with the link's
// tooltip (#17: link geometry is read back on import and drawn).
func TestMapWaypoints(t *testing.T) {
	n, _, err := dataset.Load(t.Context(), dataset.Default())
	if err != nil {
		t.Fatal(err)
	}
	l := n.Link("GP-RDK-KHA-RAJ")
	if l == nil {
		t.Fatal("the built-in data have no link GP-RDK-KHA-RAJ")
	}
	tooltip := "<title>" + esc(linkTooltip(n, nil, l)) + "</title>"
	count := func() int {
		svg, err := MapSVG(MapView{Net: n, Title: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(svg, tooltip)
	}
	if got := count(); got != 1 {
		t.Fatalf("a straight link has %d tooltips, want 1", got)
	}
	l.Waypoints = []geo.LatLon{{Lat: 42.40, Lon: 130.55}, {Lat: 42.37, Lon: 130.45}}
	if got := count(); got != 3 {
		t.Errorf("a link through two waypoints has %d segments, want 3", got)
	}
}

// synthetic builds a network of cities at the given positions (id, lat, lon), linked in a chain
// by one rail mode, in the given countries.
func synthetic(countries []string, nodes ...struct {
	id       string
	lat, lon float64
}) *model.Network {
	n := model.Network{Modes: []model.Mode{{ID: "rail", Name: "Rail", Carrier: model.CarrierRail}}}
	for _, c := range countries {
		n.Countries = append(n.Countries, model.Country{ID: c, Name: c})
	}
	for i, nd := range nodes {
		n.Nodes = append(n.Nodes, model.Node{ID: nd.id, Name: "Town " + nd.id, Country: countries[0], Kind: model.KindCity, Pos: geo.LatLon{Lat: nd.lat, Lon: nd.lon}})
		if i > 0 {
			n.Links = append(n.Links, model.Link{ID: "L" + nd.id, Name: "Line " + nd.id, From: nodes[i-1].id, To: nd.id, Mode: "rail", Status: model.StatusExisting})
		}
	}
	return model.Build(n)
}

type pos = struct {
	id       string
	lat, lon float64
}

// antimeridian is a southern-hemisphere network across 180°: Fiji, Tonga, New Zealand.
func antimeridian() *model.Network {
	return synthetic([]string{"FJI", "TON", "NZL"},
		pos{"SUVA", -18.14, 178.44}, pos{"NUKU", -21.14, -175.2}, pos{"CHAT", -43.95, -176.56}, pos{"AKL", -36.85, 174.76}, pos{"NORF", -29.04, 167.95})
}

// equatorial is a network across the equator: Singapore, Jakarta, Bangkok.
func equatorial() *model.Network {
	return synthetic([]string{"SGP", "IDN", "THA"}, pos{"SIN", 1.35, 103.82}, pos{"JKT", -6.2, 106.85}, pos{"BKK", 13.75, 100.5})
}

// caspian is a network from Moscow by the Caspian Sea to Mumbai.
func caspian() *model.Network {
	return synthetic([]string{"RUS", "AZE", "IRN", "IND"},
		pos{"MOW", 55.76, 37.62}, pos{"AST", 46.35, 48.04}, pos{"BAK", 40.41, 49.87}, pos{"RSH", 37.28, 49.58}, pos{"BND", 27.18, 56.27}, pos{"BOM", 18.95, 72.83})
}

// The frame fits the data's extent: the projection suits the region (a conic away from the
// equator, equirectangular across it), the central meridian is the middle of the extent read on
// the circle, every node and waypoint lies inside, and the frame is 660 px wide and 360–720 px
// high.
func TestNewFrame(t *testing.T) {
	ne, _, err := dataset.Load(t.Context(), dataset.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		n    *model.Network
		proj string // prefix of the projection's description
		lon0 float64
	}{
		{"Northeast Asia (Rotterdam to Sakhalin)", ne, "Lambert conformal conic", (4.14 + 142.91) / 2},
		{"Caspian to India", caspian(), "Lambert conformal conic", (37.62 + 72.83) / 2},
		{"antimeridian, southern", antimeridian(), "Lambert conformal conic", (167.95 + 360 - 175.2) / 2},
		{"equator crossing", equatorial(), "Equirectangular", (100.5 + 106.85) / 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pts := mapPoints(tt.n)
			f := newFrame(pts, mapFrameMinH)
			if got := f.proj.String(); !strings.HasPrefix(got, tt.proj) {
				t.Errorf("projection %q, want %s", got, tt.proj)
			}
			if math.Abs(f.lon0-tt.lon0) > 1e-9 {
				t.Errorf("central meridian %g, want %g", f.lon0, tt.lon0)
			}
			if f.w != mapFrameW || f.h < mapFrameMinH || f.h > mapFrameMaxH {
				t.Errorf("frame %g × %g px", f.w, f.h)
			}
			for _, p := range pts {
				if x, y := f.px(p); x < 0 || y < 0 || x > f.w || y > f.h {
					t.Errorf("%v is drawn at (%.1f, %.1f), outside the frame", p, x, y)
				}
			}
		})
	}
}

// Every node of a network across the antimeridian is drawn inside the frame, the links are
// short (not across the whole map), the data set's countries are shaded, and nothing of
// Northeast Asia is in the SVG: no RUS, PRK, KOR, CHN, JPN, MNG, not even their outlines.
func TestMapAntimeridian(t *testing.T) {
	n := antimeridian()
	svg, err := MapSVG(MapView{Net: n, Title: "Pacific"})
	if err != nil {
		t.Fatal(err)
	}
	frameH := attr(t, svg, `<clipPath id="map-frame"><rect x="0" y="0" width="660.0" height="`)
	for _, nd := range n.Nodes {
		m := regexp.MustCompile(`<circle cx="([-\d.]+)" cy="([-\d.]+)"[^>]*><title>` + regexp.QuoteMeta(nd.Name+" (")).FindStringSubmatch(svg)
		if m == nil {
			t.Errorf("node %s is not drawn", nd.ID)
			continue
		}
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		if x < 0 || x > mapFrameW || y < 0 || y > frameH {
			t.Errorf("node %s at (%g, %g), outside the 660 × %g frame", nd.ID, x, y, frameH)
		}
	}
	for _, m := range regexp.MustCompile(`<line x1="([-\d.]+)" y1="[-\d.]+" x2="([-\d.]+)"`).FindAllStringSubmatch(svg, -1) {
		x1, _ := strconv.ParseFloat(m[1], 64)
		x2, _ := strconv.ParseFloat(m[2], 64)
		if x1 >= 0 && x1 <= mapFrameW && math.Abs(x2-x1) > mapFrameW*0.9 {
			t.Errorf("a link runs %g px across the frame: torn at the antimeridian", math.Abs(x2-x1))
		}
	}
	for _, id := range []string{"RUS", "PRK", "KOR", "CHN", "JPN", "MNG", "Russia", "Korea", "China", "Japan", "Mongolia"} {
		if strings.Contains(svg, id) {
			t.Errorf("the SVG mentions %s", id)
		}
	}
	const shaded, plain = `fill="#e6dfcc" stroke="#a89f8f" stroke-width="0.6" fill-rule="evenodd"><title>`, `fill="#f4f1ea" stroke="#a89f8f" stroke-width="0.6" fill-rule="evenodd"><title>`
	for _, c := range []string{"Fiji", "New Zealand", "Tonga"} {
		if !strings.Contains(svg, shaded+c+"</title>") {
			t.Errorf("%s is not drawn shaded as a country of the data set", c)
		}
	}
	if !strings.Contains(svg, plain+"New Caledonia</title>") {
		t.Error("New Caledonia, in the frame but not in the data set, is not drawn plain")
	}
}

// attr reads the number that follows prefix in s.
func attr(t *testing.T, s, prefix string) float64 {
	t.Helper()
	_, rest, ok := strings.Cut(s, prefix)
	if !ok {
		t.Fatalf("no %q in the SVG", prefix)
	}
	end := strings.IndexByte(rest, '"')
	v, err := strconv.ParseFloat(rest[:end], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// labelTexts returns the node labels of a map (the text elements with a white halo).
func labelTexts(svg string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<text x="[-\d.]+" y="[-\d.]+" paint-order="stroke" stroke="#fff" stroke-width="2.5" stroke-opacity="0.8">([^<]*)</text>`).FindAllStringSubmatch(svg, -1) {
		if !strings.Contains(m[1], " km (at ") {
			out = append(out, m[1])
		}
	}
	return out
}

// The study's MapLabels name exactly the nodes whose names are printed; without them the map
// prints up to mapAutoLabels border crossings, ports and cities, in that order.
func TestMapLabels(t *testing.T) {
	n := caspian()
	n.Study.MapLabels = []string{"BAK", "BOM"}
	svg, err := MapSVG(MapView{Net: n, Title: "labels"})
	if err != nil {
		t.Fatal(err)
	}
	if got := labelTexts(svg); !slices.Equal(got, []string{"Town BAK", "Town BOM"}) {
		t.Errorf("labels %q, want those of MapLabels", got)
	}
	n.Study.MapLabels = nil
	n.Nodes[2].Kind, n.Nodes[4].Kind = model.KindBorder, model.KindPort
	svg, err = MapSVG(MapView{Net: n, Title: "labels"})
	if err != nil {
		t.Fatal(err)
	}
	got := labelTexts(svg)
	if len(got) > mapAutoLabels || len(got) < 3 || got[0] != "Town BAK" || got[1] != "Town BND" {
		t.Errorf("automatic labels %q, want the border crossing, then the port, then cities", got)
	}
	// every node keeps its tooltip
	for _, nd := range n.Nodes {
		if !strings.Contains(svg, "<title>"+nd.Name+" (") {
			t.Errorf("node %s has no tooltip", nd.ID)
		}
	}
}

// A ring across the antimeridian (world-atlas's unwrapped Fiji) is drawn once, in one piece, in
// a frame centred on 180°, and a ring at −178° is shifted next to it; the copies are cut to the
// frame's longitudes.
func TestCopiesIn(t *testing.T) {
	box := lonLatBox{170, 190, -30, -10}
	east := []xy{{179, -17}, {181, -17}, {181, -16}, {179, -16}}
	west := []xy{{-178, -18}, {-177, -18}, {-177, -17}}
	far := []xy{{10, -17}, {11, -17}, {11, -16}}
	if got := copiesIn(east, box); len(got) != 1 || got[0][0] != (xy{179, -17}) {
		t.Errorf("ring across 180°: %v", got)
	}
	if got := copiesIn(west, box); len(got) != 1 || got[0][0] != (xy{182, -18}) {
		t.Errorf("ring at 178° W: %v, want it shifted by 360°", got)
	}
	if got := copiesIn(far, box); got != nil {
		t.Errorf("ring at 10° E: %v, want none", got)
	}
	wide := []xy{{160, -20}, {200, -20}, {200, -15}, {160, -15}}
	for _, p := range copiesIn(wide, box)[0] {
		if p[0] < 170 || p[0] > 190 {
			t.Errorf("cut ring has %v outside the box's longitudes", p)
		}
	}
}

func TestClipRect(t *testing.T) {
	sq := []xy{{-5, -5}, {5, -5}, {5, 5}, {-5, 5}}
	got := clipRect(sq, 0, 0, 10, 10)
	if a := ringArea(got); math.Abs(a-25) > 1e-9 {
		t.Errorf("clipped area %g, want 25 (%v)", a, got)
	}
	if got := clipRect(sq, 20, 20, 30, 30); len(got) != 0 {
		t.Errorf("a ring outside the rectangle leaves %v", got)
	}
}

// A network without nodes gets a world map (equirectangular, 60° S to 80° N).
func TestMapEmpty(t *testing.T) {
	svg, err := MapSVG(MapView{Net: model.Build(model.Network{}), Title: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Equirectangular", "<title>Brazil</title>", "<title>Russia</title>", "<title>Australia</title>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the empty map lacks %q", want)
		}
	}
}

// The web map's basemap keeps the countries around the network: across the antimeridian, Fiji,
// Tonga and New Zealand (and Fiji whole, though it straddles 180°), not Russia or China.
func TestBasemapGeoJSON(t *testing.T) {
	b, err := BasemapGeoJSON(antimeridian())
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]string
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range fc.Features {
		got[f.Properties["iso_a3"]] = true
	}
	for _, c := range []string{"FJI", "TON", "NZL", "WSM", "NCL"} {
		if !got[c] {
			t.Errorf("no %s around the Pacific network", c)
		}
	}
	for _, c := range []string{"RUS", "CHN", "KOR", "BRA"} {
		if got[c] {
			t.Errorf("%s is served for the Pacific network", c)
		}
	}
	world, err := BasemapGeoJSON(model.Build(model.Network{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) >= len(world)/4 {
		t.Errorf("the Pacific basemap is %d bytes, the world %d: want it much smaller", len(b), len(world))
	}
}

// A wide network whose projects sit in a corner gets a detail map framed on them: it zooms in,
// draws the project nodes, leaves out nodes far outside, and has its own clip path id. A compact
// network gets none.
func TestProjectFocus(t *testing.T) {
	n, _, err := dataset.Load(t.Context(), dataset.Default())
	if err != nil {
		t.Fatal(err)
	}
	focus := ProjectFocus(n)
	if len(focus) == 0 {
		t.Fatal("ProjectFocus(built-in data) = nil, want the projects' nodes (the network reaches from Europe to Korea)")
	}
	for _, p := range n.Projects {
		for _, lid := range p.Links {
			if l := n.Link(lid); l != nil && (!slices.Contains(focus, l.From) || !slices.Contains(focus, l.To)) {
				t.Errorf("focus %v lacks an end of %s's link %s", focus, p.ID, lid)
			}
		}
	}
	whole, err := MapSVG(MapView{Net: n, Title: "whole"})
	if err != nil {
		t.Fatal(err)
	}
	detail, err := MapSVG(MapView{Net: n, Title: "detail", Focus: focus, ID: "detail"})
	if err != nil {
		t.Fatal(err)
	}
	far := n.Node(n.Nodes[0].ID) // the first node of the data set is far west of the projects
	glyph := "<title>" + esc(far.Name+" ("+string(far.Kind)+", "+far.Country+")") + "</title>"
	if !strings.Contains(whole, glyph) || strings.Contains(detail, glyph) {
		t.Errorf("node %s: on the whole map %v, on the detail %v; want only the whole", far.ID, strings.Contains(whole, glyph), strings.Contains(detail, glyph))
	}
	if !strings.Contains(detail, `clipPath id="detail-frame"`) || !strings.Contains(whole, `clipPath id="map-frame"`) {
		t.Error("the two maps must have distinct clip path ids")
	}

	// a compact network: the projects span most of it
	small := *n
	small.Nodes = nil
	for _, nd := range n.Nodes {
		if slices.Contains(focus, nd.ID) {
			small.Nodes = append(small.Nodes, nd)
		}
	}
	small.Links = nil
	for _, l := range n.Links {
		if slices.Contains(focus, l.From) && slices.Contains(focus, l.To) {
			small.Links = append(small.Links, l)
		}
	}
	if got := ProjectFocus(model.Build(small)); got != nil {
		t.Errorf("ProjectFocus(projects' own nodes) = %v, want nil: the detail would show the whole", got)
	}
}
