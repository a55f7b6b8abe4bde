// Package naturalearth holds Natural Earth country outlines for Northeast Asia, clipped and
// simplified from the npm package world-atlas (see README.md and VERSION). It only embeds bytes;
// report is the package that draws them.
package naturalearth

import _ "embed"

//go:embed neasia.geojson
var neasia string

// NEAsia returns the clipped country outlines as a GeoJSON FeatureCollection of MultiPolygons in
// WGS84 degrees (about 50 KB). Callers own the slice.
func NEAsia() []byte { return []byte(neasia) }

// Version is the npm package the outlines were taken from.
const Version = "world-atlas@2.0.2"

// Attribution is the credit line to print beside a map drawn from these outlines.
const Attribution = "Country outlines: Natural Earth 1:50m (public domain) via world-atlas 2.0.2"
