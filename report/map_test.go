package report

import (
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/geo"
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
