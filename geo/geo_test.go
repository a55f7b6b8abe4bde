package geo

import (
	"math"
	"testing"
)

func TestDistanceKm(t *testing.T) {
	for _, tt := range []struct {
		name string
		a, b LatLon
		want float64 // km
		tol  float64
	}{
		// one degree of longitude on the equator: R·π/180.
		{"equator-degree", LatLon{0, 130}, LatLon{0, 131}, EarthRadiusKm * math.Pi / 180, 1e-9},
		// a quarter of a meridian: π/2·R.
		{"pole-equator", LatLon{0, 0}, LatLon{90, 0}, math.Pi / 2 * EarthRadiusKm, 1e-9},
		{"same", LatLon{42, 130}, LatLon{42, 130}, 0, 0},
	} {
		if got := DistanceKm(tt.a, tt.b); math.Abs(got-tt.want) > tt.tol {
			t.Errorf("%s: DistanceKm = %.3f, want %.3f ± %g", tt.name, got, tt.want, tt.tol)
		}
	}
}

func TestValid(t *testing.T) {
	for _, tt := range []struct {
		p    LatLon
		want bool
	}{{LatLon{42, 130}, true}, {LatLon{91, 0}, false}, {LatLon{0, -181}, false}, {LatLon{math.NaN(), 0}, false}} {
		if got := tt.p.Valid(); got != tt.want {
			t.Errorf("%v.Valid() = %v, want %v", tt.p, got, tt.want)
		}
	}
}
