// Package quantity holds corridor's measured values: a number with a unit from a fixed
// vocabulary, an optional uncertainty range with a distribution, and its provenance (a source id
// or a labelled assumption with its reasoning).
//
// Values are stored in canonical units (see Canonical) so that the rest of corridor never
// converts: km, t, mcm (gas), MWh, bbl, TEU, USD and years. Power is energy per year: 1 MW is
// 8,760 MWh/yr. It does no I/O and knows no networks.
package quantity
