package geo

import (
	"fmt"
	"math"
)

// LCC is a Lambert conformal conic projection on a sphere of radius EarthRadiusKm, with two
// standard parallels. Source: J. P. Snyder, "Map Projections: A Working Manual", USGS
// Professional Paper 1395 (1987), pp. 104–110, eqs. 15-1 to 15-3 and 14-1, 14-2, 14-4 (forward)
// and 14-9 to 14-11, 15-5 (inverse). Build one with NewLCC; the zero value is not usable.
type LCC struct {
	lat1, lat2 float64 // standard parallels, degrees (for String)
	lon0       float64 // central meridian, radians
	n, f, rho0 float64 // cone constant, F and ρ0 (in km)
}

// NewLCC returns the projection with standard parallels lat1 and lat2, origin latitude lat0 and
// central meridian lon0 (degrees). It panics if lat1 = -lat2 (the cone degenerates to a cylinder)
// or a standard parallel is a pole.
func NewLCC(lat1, lat2, lat0, lon0 float64) LCC {
	const rad = math.Pi / 180
	p1, p2 := lat1*rad, lat2*rad
	if math.Abs(math.Abs(lat1)-90) < 1e-9 || math.Abs(math.Abs(lat2)-90) < 1e-9 || math.Abs(lat1+lat2) < 1e-9 {
		panic("geo: degenerate Lambert conformal conic parallels")
	}
	t := func(phi float64) float64 { return math.Tan(math.Pi/4 + phi/2) }
	var n float64
	if math.Abs(p1-p2) < 1e-12 {
		n = math.Sin(p1) // one standard parallel: the limit of 15-3
	} else {
		n = math.Log(math.Cos(p1)/math.Cos(p2)) / math.Log(t(p2)/t(p1)) // 15-3
	}
	f := math.Cos(p1) * math.Pow(t(p1), n) / n // 15-2
	return LCC{lat1: lat1, lat2: lat2, lon0: lon0 * rad, n: n, f: f, rho0: EarthRadiusKm * f / math.Pow(t(lat0*rad), n)}
}

// Forward returns the projected position of p in km east (x) and north (y) of the origin. The
// longitude difference p.Lon − lon0 is not reduced modulo 360°: pass longitudes unwrapped within
// 180° of the central meridian (UnwrapLon), so that a shape crossing the antimeridian stays in
// one piece. Latitudes are clamped to ±89.999° so that the pole opposite the cone's apex stays
// finite.
func (l LCC) Forward(p LatLon) (x, y float64) {
	const rad = math.Pi / 180
	lat := math.Max(-89.999, math.Min(89.999, p.Lat))
	rho := EarthRadiusKm * l.f / math.Pow(math.Tan(math.Pi/4+lat*rad/2), l.n) // 15-1
	dl := p.Lon*rad - l.lon0
	theta := l.n * dl                                          // 14-4
	return rho * math.Sin(theta), l.rho0 - rho*math.Cos(theta) // 14-1, 14-2
}

// Inverse returns the position whose projection is (x, y) km.
func (l LCC) Inverse(x, y float64) LatLon {
	const deg = 180 / math.Pi
	dy := l.rho0 - y
	rho := math.Copysign(math.Hypot(x, dy), l.n) // 14-10
	var theta float64
	if l.n >= 0 {
		theta = math.Atan2(x, dy) // 14-11
	} else {
		theta = math.Atan2(-x, -dy)
	}
	var lat float64
	if rho == 0 {
		lat = math.Copysign(90, l.n)
	} else {
		lat = (2*math.Atan(math.Pow(EarthRadiusKm*l.f/rho, 1/l.n)) - math.Pi/2) * deg // 15-5
	}
	return LatLon{Lat: lat, Lon: (theta/l.n + l.lon0) * deg} // 14-9
}

// String describes the projection for a map legend, e.g. "Lambert conformal conic, standard
// parallels 35° N and 50° N, central meridian 128° E".
func (l LCC) String() string {
	return fmt.Sprintf("Lambert conformal conic, standard parallels %s and %s, central meridian %s",
		LatString(l.lat1), LatString(l.lat2), LonString(l.lon0*180/math.Pi))
}

// ScaleFactor returns the projection's scale factor k at latitude lat (degrees): 1 on the standard
// parallels (Snyder eq. 15-4).
func (l LCC) ScaleFactor(lat float64) float64 {
	const rad = math.Pi / 180
	phi := lat * rad
	rho := EarthRadiusKm * l.f / math.Pow(math.Tan(math.Pi/4+phi/2), l.n)
	return rho * l.n / (EarthRadiusKm * math.Cos(phi))
}
