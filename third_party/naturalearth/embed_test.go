package naturalearth

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The embedded outlines are the whole world, sorted by name, each feature named and coded, each
// ring closed and continuous (no jump of more than 180° of longitude between neighbours, except
// along the pole where Antarctica's ring is closed).
func TestWorld(t *testing.T) {
	var fc struct {
		Features []struct {
			Properties map[string]string
			Geometry   struct {
				Type        string
				Coordinates [][][][2]float64
			}
		}
	}
	if err := json.Unmarshal(World(), &fc); err != nil {
		t.Fatal(err)
	}
	if n := len(fc.Features); n < 240 {
		t.Fatalf("%d features, want the world's 241", n)
	}
	alpha3 := regexp.MustCompile(`^[A-Z]{3}$`)
	var names []string
	seen := map[string]bool{}
	for i, f := range fc.Features {
		p := f.Properties
		name := p["name"]
		names = append(names, name)
		if name == "" || f.Geometry.Type != "MultiPolygon" || len(f.Geometry.Coordinates) == 0 {
			t.Errorf("feature %d (%q): want a name and a non-empty MultiPolygon", i, name)
		}
		if a3 := p["iso_a3"]; a3 != "" && !alpha3.MatchString(a3) {
			t.Errorf("%s: iso_a3 %q is not an alpha-3 code", name, a3)
		} else {
			seen[a3] = true
		}
		for _, poly := range f.Geometry.Coordinates {
			for _, r := range poly {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Errorf("%s: a ring of %d points is not closed", name, len(r))
				}
				for k := 1; k < len(r); k++ {
					if d := r[k][0] - r[k-1][0]; (d > 180 || d < -180) && r[k][1] != -90 {
						t.Errorf("%s: ring jumps %.2f° of longitude at point %d", name, d, k)
					}
				}
			}
		}
	}
	if !slices.IsSortedFunc(names, strings.Compare) {
		t.Error("features are not sorted by name")
	}
	for _, a3 := range []string{"RUS", "PRK", "KOR", "CHN", "JPN", "MNG", "AZE", "IRN", "IND", "FJI", "NZL", "BRA", "ATA", ""} {
		if !seen[a3] {
			t.Errorf("no feature with iso_a3 %q", a3)
		}
	}
}
