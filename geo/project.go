package geo

import (
	"fmt"
	"math"
	"slices"
)

// Projection maps WGS84 positions to a plane, in km east (x) and north (y) of its origin, and
// back. Longitudes are not reduced modulo 360°: callers pass them unwrapped within 180° of the
// central meridian (UnwrapLon), and Inverse may return longitudes beyond ±180°.
type Projection interface {
	Forward(p LatLon) (x, y float64)
	Inverse(x, y float64) LatLon
	// ScaleFactor is the scale along the parallel at lat (degrees): 1 where distances are true.
	ScaleFactor(lat float64) float64
	// String describes the projection for a map legend.
	String() string
}

// Equirect is the equidistant cylindrical (equirectangular) projection on a sphere of radius
// EarthRadiusKm with true scale along the parallels ±lat0 and along every meridian:
// x = R·(λ − λ0)·cos φ0, y = R·φ (Snyder 1987, eqs. 12-1, 12-2; inverse 12-3, 12-4). Build one
// with NewEquirect.
type Equirect struct {
	lat0, lon0 float64 // degrees
	cos0       float64 // cos φ0
}

// NewEquirect returns the equirectangular projection true to scale at latitude lat0 with central
// meridian lon0 (degrees). lat0 is clamped to ±80° so that the map keeps a width.
func NewEquirect(lat0, lon0 float64) Equirect {
	lat0 = math.Max(-80, math.Min(80, lat0))
	return Equirect{lat0: lat0, lon0: lon0, cos0: math.Cos(lat0 * math.Pi / 180)}
}

// Forward returns the projected position of p in km (eqs. 12-1, 12-2).
func (e Equirect) Forward(p LatLon) (x, y float64) {
	const rad = math.Pi / 180
	return EarthRadiusKm * (p.Lon - e.lon0) * rad * e.cos0, EarthRadiusKm * p.Lat * rad
}

// Inverse returns the position whose projection is (x, y) km (eqs. 12-3, 12-4).
func (e Equirect) Inverse(x, y float64) LatLon {
	const deg = 180 / math.Pi
	return LatLon{Lat: y / EarthRadiusKm * deg, Lon: e.lon0 + x/(EarthRadiusKm*e.cos0)*deg}
}

// ScaleFactor returns the scale along the parallel at lat: k = cos φ0 / cos φ; meridians are
// true to scale everywhere (h = 1).
func (e Equirect) ScaleFactor(lat float64) float64 {
	return e.cos0 / math.Cos(lat*math.Pi/180)
}

// String describes the projection for a map legend.
func (e Equirect) String() string {
	return fmt.Sprintf("Equirectangular, true scale at %s, central meridian %s", LatString(e.lat0), LonString(e.lon0))
}

// LatString formats a latitude in whole degrees with its hemisphere: "42° N", "20° S", "0°".
func LatString(lat float64) string {
	switch d := math.Round(lat); {
	case d > 0:
		return fmt.Sprintf("%.0f° N", d)
	case d < 0:
		return fmt.Sprintf("%.0f° S", -d)
	}
	return "0°"
}

// LonString formats a longitude in whole degrees with its hemisphere after reducing it to
// (−180°, 180°]: "128° E", "170° W", "180°", "0°".
func LonString(lon float64) string {
	d := math.Round(lon)
	d = math.Mod(math.Mod(d+180, 360)+360, 360) - 180 // [-180, 180)
	switch {
	case d == -180:
		return "180°"
	case d > 0:
		return fmt.Sprintf("%.0f° E", d)
	case d < 0:
		return fmt.Sprintf("%.0f° W", -d)
	}
	return "0°"
}

// UnwrapLon returns lon + 360°·k for the integer k that puts it within [ref − 180°, ref + 180°).
func UnwrapLon(lon, ref float64) float64 {
	return lon - 360*math.Floor((lon-ref+180)/360)
}

// Extent returns the smallest latitude/longitude box holding every point, reading longitude as a
// circle: the box leaves out the largest gap between the points' longitudes, so a network at
// 170° E and 170° W is 20° wide (Min.Lon 170, Max.Lon 190), not 340°. Min.Lon lies in
// [−180°, 180°); Max.Lon may exceed 180°. The zero BBox for no points.
func Extent(pts []LatLon) BBox {
	if len(pts) == 0 {
		return BBox{}
	}
	lons := make([]float64, len(pts))
	b := BBox{Min: LatLon{Lat: pts[0].Lat}, Max: LatLon{Lat: pts[0].Lat}}
	for i, p := range pts {
		lons[i] = UnwrapLon(p.Lon, 0)
		b.Min.Lat, b.Max.Lat = math.Min(b.Min.Lat, p.Lat), math.Max(b.Max.Lat, p.Lat)
	}
	slices.Sort(lons)
	// the gap after lons[i] runs to lons[i+1]; the last one wraps to lons[0] + 360
	gap, after := lons[0]+360-lons[len(lons)-1], len(lons)-1
	for i := range len(lons) - 1 {
		if g := lons[i+1] - lons[i]; g > gap {
			gap, after = g, i
		}
	}
	start := lons[(after+1)%len(lons)]
	b.Min.Lon, b.Max.Lon = start, start+360-gap
	return b
}

// Projection choice: a Lambert conformal conic suits an extent in one hemisphere away from the
// equator; a cone whose standard parallels straddle or hug the equator degenerates, so a low or
// equator-crossing extent, or one wider than half the globe, gets an equirectangular map.
const (
	minConicLat  = 15.0  // degrees: the standard parallels' mean must be at least this far from the equator
	maxConicSpan = 180.0 // degrees of longitude a conic may span
)

// FitProjection chooses a projection for a map of the extent b (from Extent), centred on it:
//
//   - Lambert conformal conic (NewLCC) with standard parallels one sixth of the latitude range
//     inside each edge (φ1 = φS + Δφ/6, φ2 = φN − Δφ/6, the usual one-sixth rule for conics),
//     origin at the middle latitude and central meridian at the middle longitude, when φ1
//     and φ2 have the same sign, |φ1 + φ2|/2 ≥ 15° and the extent spans at most 180° of
//     longitude;
//   - otherwise the equirectangular projection (NewEquirect) true to scale at the middle
//     latitude, with the same central meridian.
func FitProjection(b BBox) Projection {
	lon0 := (b.Min.Lon + b.Max.Lon) / 2
	lat0 := (b.Min.Lat + b.Max.Lat) / 2
	d := (b.Max.Lat - b.Min.Lat) / 6
	lat1, lat2 := b.Min.Lat+d, b.Max.Lat-d
	if lat1*lat2 > 0 && math.Abs(lat1+lat2)/2 >= minConicLat && b.Max.Lon-b.Min.Lon <= maxConicSpan &&
		math.Abs(lat1) < 89 && math.Abs(lat2) < 89 {
		return NewLCC(lat1, lat2, lat0, lon0)
	}
	return NewEquirect(lat0, lon0)
}
