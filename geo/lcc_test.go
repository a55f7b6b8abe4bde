package geo

import (
	"math"
	"testing"
)

// TestLCCSnyderExample checks Snyder (1987), p. 295, the numerical example for the spherical
// Lambert conformal conic: R = 1, standard parallels 33° and 45° N, origin 23° N 96° W; the point
// 35° N 75° W projects to x = 0.2966785, y = 0.2462112 (in units of R).
func TestLCCSnyderExample(t *testing.T) {
	l := NewLCC(33, 45, 23, -96)
	if got, want := l.n, 0.6304777; math.Abs(got-want) > 1e-7 {
		t.Errorf("n = %.7f, want %.7f", got, want)
	}
	x, y := l.Forward(LatLon{Lat: 35, Lon: -75})
	x, y = x/EarthRadiusKm, y/EarthRadiusKm
	if math.Abs(x-0.2966785) > 1e-7 || math.Abs(y-0.2462112) > 1e-7 {
		t.Errorf("Forward(35N 75W) = (%.7f, %.7f), want (0.2966785, 0.2462112)", x, y)
	}
}

func TestLCC(t *testing.T) {
	l := NewLCC(35, 50, 42, 128)
	for _, tt := range []struct {
		name string
		p    LatLon
	}{
		{"origin", LatLon{42, 128}},
		{"Moscow", LatLon{55.76, 37.62}},
		{"Busan", LatLon{35.104, 129.079}},
		{"Chayanda", LatLon{60, 111}},
		{"Sakhalin", LatLon{46.62, 142.91}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x, y := l.Forward(tt.p)
			got := l.Inverse(x, y)
			if math.Abs(got.Lat-tt.p.Lat) > 1e-9 || math.Abs(got.Lon-tt.p.Lon) > 1e-9 {
				t.Errorf("Inverse(Forward(%v)) = %v, want %v", tt.p, got, tt.p)
			}
		})
	}
	if x, y := l.Forward(LatLon{42, 128}); math.Abs(x) > 1e-9 || math.Abs(y) > 1e-9 {
		t.Errorf("Forward(origin) = (%g, %g), want (0, 0)", x, y)
	}
	for _, lat := range []float64{35, 50} {
		if k := l.ScaleFactor(lat); math.Abs(k-1) > 1e-12 {
			t.Errorf("ScaleFactor(%g) = %.15f, want 1 on a standard parallel", lat, k)
		}
	}
	// Conformal: a small step north and east near Seoul has equal scale in both directions.
	p := LatLon{37.57, 126.98}
	x0, y0 := l.Forward(p)
	xn, yn := l.Forward(LatLon{p.Lat + 1e-4, p.Lon})
	xe, ye := l.Forward(LatLon{p.Lat, p.Lon + 1e-4})
	north := math.Hypot(xn-x0, yn-y0)
	east := math.Hypot(xe-x0, ye-y0) / math.Cos(p.Lat*math.Pi/180)
	if math.Abs(north/east-1) > 1e-4 {
		t.Errorf("north/east scale ratio at Seoul = %.6f, want 1 (conformal)", north/east)
	}
}
