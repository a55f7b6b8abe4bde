package geo

import (
	"math"
	"strings"
	"testing"
)

func TestUnwrapLon(t *testing.T) {
	for _, tt := range []struct{ lon, ref, want float64 }{
		{-170, 180, 190}, {170, 180, 170}, {10, 0, 10}, {190, 0, -170}, {-180, 0, -180}, {180, 0, -180}, {44, -135, 44}, {45, -135, -315}, {-90, 100, 270},
	} {
		if got := UnwrapLon(tt.lon, tt.ref); got != tt.want {
			t.Errorf("UnwrapLon(%g, %g) = %g, want %g", tt.lon, tt.ref, got, tt.want)
		}
	}
}

// The extent and projection of the regions the maps draw: the longitude range is read on the
// circle, and the projection is a conic away from the equator, equirectangular near it.
func TestExtentAndFitProjection(t *testing.T) {
	for _, tt := range []struct {
		name     string
		pts      []LatLon
		want     BBox
		proj     string // prefix of the projection's description
		lat1     float64
		lat2     float64 // standard parallels, degrees (conic only)
		lon0Desc string
	}{
		{
			name: "Northeast Asia with Moscow",
			pts:  []LatLon{{55.76, 37.62}, {43.12, 131.89}, {35.10, 129.08}, {39.03, 125.75}, {60, 111}, {46.62, 142.91}},
			want: BBox{Min: LatLon{35.10, 37.62}, Max: LatLon{60, 142.91}},
			proj: "Lambert conformal conic", lat1: 35.10 + 24.9/6, lat2: 60 - 24.9/6, lon0Desc: "90° E",
		},
		{
			name: "Caspian to India",
			pts:  []LatLon{{55.76, 37.62}, {40.41, 49.87}, {37.47, 49.46}, {35.69, 51.39}, {27.18, 56.27}, {18.95, 72.83}, {25.3, 60.6}},
			want: BBox{Min: LatLon{18.95, 37.62}, Max: LatLon{55.76, 72.83}},
			proj: "Lambert conformal conic", lat1: 18.95 + 36.81/6, lat2: 55.76 - 36.81/6, lon0Desc: "55° E",
		},
		{
			name: "antimeridian, southern hemisphere",
			pts:  []LatLon{{-20, 170}, {-45, -170}, {-30, 178}, {-38, -175}, {-25, 175}},
			want: BBox{Min: LatLon{-45, 170}, Max: LatLon{-20, 190}},
			proj: "Lambert conformal conic", lat1: -45 + 25.0/6, lat2: -20 - 25.0/6, lon0Desc: "180°",
		},
		{
			name: "equator crossing",
			pts:  []LatLon{{-6.2, 106.8}, {1.35, 103.8}, {13.75, 100.5}, {-8.65, 115.2}},
			want: BBox{Min: LatLon{-8.65, 100.5}, Max: LatLon{13.75, 115.2}},
			proj: "Equirectangular, true scale at 3° N", lon0Desc: "108° E",
		},
		{
			name: "low latitudes, one hemisphere",
			pts:  []LatLon{{5, -75}, {20, -100}},
			want: BBox{Min: LatLon{5, -100}, Max: LatLon{20, -75}},
			proj: "Equirectangular, true scale at 13° N", lon0Desc: "88° W",
		},
		{
			name: "wider than half the globe",
			pts:  []LatLon{{40, -120}, {50, 0}, {45, 120}},
			want: BBox{Min: LatLon{40, -120}, Max: LatLon{50, 120}},
			proj: "Equirectangular", lon0Desc: "0°",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := Extent(tt.pts)
			if !near(b.Min, tt.want.Min) || !near(b.Max, tt.want.Max) {
				t.Errorf("Extent = %v…%v, want %v…%v", b.Min, b.Max, tt.want.Min, tt.want.Max)
			}
			p := FitProjection(b)
			desc := p.String()
			if !strings.HasPrefix(desc, tt.proj) || !strings.HasSuffix(desc, "central meridian "+tt.lon0Desc) {
				t.Errorf("FitProjection = %q, want %q… with central meridian %s", desc, tt.proj, tt.lon0Desc)
			}
			if l, ok := p.(LCC); ok {
				if math.Abs(l.lat1-tt.lat1) > 1e-9 || math.Abs(l.lat2-tt.lat2) > 1e-9 {
					t.Errorf("standard parallels %g, %g, want %g, %g", l.lat1, l.lat2, tt.lat1, tt.lat2)
				}
			}
			// every point, unwrapped around the centre, projects north-up and back to itself
			lon0 := (b.Min.Lon + b.Max.Lon) / 2
			for _, q := range tt.pts {
				q.Lon = UnwrapLon(q.Lon, lon0)
				x, y := p.Forward(q)
				if got := p.Inverse(x, y); !near(got, q) {
					t.Errorf("Inverse(Forward(%v)) = %v", q, got)
				}
				_, yn := p.Forward(LatLon{q.Lat + 0.1, q.Lon})
				xe, _ := p.Forward(LatLon{q.Lat, q.Lon + 0.1})
				if yn <= y || xe <= x {
					t.Errorf("at %v north or east does not point up or right", q)
				}
			}
		})
	}
}

func near(a, b LatLon) bool { return math.Abs(a.Lat-b.Lat) < 1e-9 && math.Abs(a.Lon-b.Lon) < 1e-9 }

// A southern cone (negative standard parallels) is true to scale on its parallels and
// continuous across the antimeridian.
func TestLCCSouthern(t *testing.T) {
	l := NewLCC(-40, -25, -32, 180)
	for _, lat := range []float64{-40, -25} {
		if k := l.ScaleFactor(lat); math.Abs(k-1) > 1e-12 {
			t.Errorf("ScaleFactor(%g) = %.15f, want 1", lat, k)
		}
	}
	xw, _ := l.Forward(LatLon{-32, 179.9})
	xe, _ := l.Forward(LatLon{-32, 180.1})
	if xe-xw <= 0 || xe-xw > 20 {
		t.Errorf("0.2° across the antimeridian at 32° S spans %.1f km, want about 19", xe-xw)
	}
}

func TestEquirect(t *testing.T) {
	e := NewEquirect(0, 0)
	if x, y := e.Forward(LatLon{0, 1}); math.Abs(x-EarthRadiusKm*math.Pi/180) > 1e-9 || y != 0 {
		t.Errorf("Forward(0, 1) = (%g, %g), want one degree of the equator", x, y)
	}
	if k := NewEquirect(60, 0).ScaleFactor(60); math.Abs(k-1) > 1e-12 {
		t.Errorf("ScaleFactor at the true-scale latitude = %g, want 1", k)
	}
}

func TestLonLatString(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{LonString(128), "128° E"}, {LonString(190), "170° W"}, {LonString(180), "180°"}, {LonString(-180), "180°"},
		{LonString(0.2), "0°"}, {LatString(-32.4), "32° S"}, {LatString(42), "42° N"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
