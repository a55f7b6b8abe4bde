// Package naturalearth holds Natural Earth country outlines of the whole world, simplified from
// the npm package world-atlas and tagged with ISO 3166-1 codes from the npm package
// i18n-iso-countries (see README.md and VERSION). It only embeds bytes; report is the package
// that draws them.
package naturalearth

import _ "embed"

//go:embed world.geojson
var world string

// World returns the country outlines as a GeoJSON FeatureCollection of MultiPolygons in WGS84
// degrees (about 1.1 MB), one feature per country, sorted by name. Each feature's properties are
// "name" (the Natural Earth short name), "iso_a3" (ISO 3166-1 alpha-3, empty for the five
// territories without one: Indian Ocean Ter., Kosovo, N. Cyprus, Siachen Glacier, Somaliland)
// and "iso_n3" (ISO 3166-1 numeric, likewise). Rings are continuous across the antimeridian:
// a ring that crosses it has longitudes beyond ±180° (the easternmost reaches 190.27°) rather
// than being cut, and Antarctica's ring is closed along the South Pole (latitude -90°). Callers
// own the slice.
func World() []byte { return []byte(world) }

// Version is the npm package the outlines were taken from.
const Version = "world-atlas@2.0.2"

// CodesVersion is the npm package the ISO 3166-1 codes were taken from.
const CodesVersion = "i18n-iso-countries@7.14.0"

// Attribution is the credit line to print beside a map drawn from these outlines.
const Attribution = "Country outlines: Natural Earth 1:50m (public domain) via world-atlas 2.0.2"
