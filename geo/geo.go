// Package geo holds geographic primitives: WGS84 positions, great-circle distance and bounding
// boxes. It knows no networks or files.
package geo

import (
	"fmt"
	"math"
)

// EarthRadiusKm is the mean Earth radius (IUGG, 6,371.0088 km) used for great-circle distances.
const EarthRadiusKm = 6371.0088

// LatLon is a WGS84 position in decimal degrees.
type LatLon struct {
	Lat, Lon float64
}

// Valid reports whether the position lies within latitude [-90, 90] and longitude [-180, 180].
func (p LatLon) Valid() bool {
	return p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180 &&
		!math.IsNaN(p.Lat) && !math.IsNaN(p.Lon)
}

func (p LatLon) String() string { return fmt.Sprintf("%.4f,%.4f", p.Lat, p.Lon) }

// DistanceKm returns the great-circle (haversine) distance between a and b in km.
// Source: R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2), 1984.
func DistanceKm(a, b LatLon) float64 {
	const rad = math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * EarthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// BBox is a latitude/longitude bounding box.
type BBox struct {
	Min, Max LatLon
}

// Bounds returns the smallest box holding every point; the zero BBox for none.
func Bounds(pts []LatLon) BBox {
	if len(pts) == 0 {
		return BBox{}
	}
	b := BBox{Min: pts[0], Max: pts[0]}
	for _, p := range pts[1:] {
		b.Min.Lat = math.Min(b.Min.Lat, p.Lat)
		b.Min.Lon = math.Min(b.Min.Lon, p.Lon)
		b.Max.Lat = math.Max(b.Max.Lat, p.Lat)
		b.Max.Lon = math.Max(b.Max.Lon, p.Lon)
	}
	return b
}

// Contains reports whether p lies inside b (edges included).
func (b BBox) Contains(p LatLon) bool {
	return p.Lat >= b.Min.Lat && p.Lat <= b.Max.Lat && p.Lon >= b.Min.Lon && p.Lon <= b.Max.Lon
}
