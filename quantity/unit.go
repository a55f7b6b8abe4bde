package quantity

import (
	"fmt"
	"slices"
	"strings"
)

// Base is one base dimension of the unit vocabulary.
type Base int

// The base dimensions and their canonical units.
const (
	Length Base = iota // km
	Mass               // t
	Gas                // mcm: million cubic metres of natural gas at standard conditions
	Energy             // MWh
	Oil                // bbl: barrels of crude or products
	Boxes              // TEU: twenty-foot equivalent containers
	Money              // USD of the data set's base year
	Time               // yr
	numBases
)

var baseNames = [numBases]string{"length", "mass", "gas volume", "energy", "oil volume", "containers", "money", "time"}

// Dim is a dimension: the exponent of each base. The zero Dim is dimensionless.
type Dim [numBases]int8

// Common dimensions, for checking fields.
var (
	DimNone        = Dim{}
	DimLength      = Dim{Length: 1}
	DimMass        = Dim{Mass: 1}
	DimGas         = Dim{Gas: 1}
	DimEnergy      = Dim{Energy: 1}
	DimOil         = Dim{Oil: 1}
	DimBoxes       = Dim{Boxes: 1}
	DimMoney       = Dim{Money: 1}
	DimTime        = Dim{Time: 1}
	DimMoneyPerYr  = Dim{Money: 1, Time: -1}
	DimRatePerYear = Dim{Time: -1}
	DimSpeed       = Dim{Length: 1, Time: -1}
)

// Mul returns the dimension of a product.
func (d Dim) Mul(e Dim) Dim {
	for i := range d {
		d[i] += e[i]
	}
	return d
}

// Div returns the dimension of a quotient.
func (d Dim) Div(e Dim) Dim {
	for i := range d {
		d[i] -= e[i]
	}
	return d
}

// PerYear returns d divided by time: the dimension of a yearly rate of d.
func (d Dim) PerYear() Dim { return d.Div(DimTime) }

// String writes the dimension in words, e.g. "money/mass" or "gas volume/time".
func (d Dim) String() string {
	var num, den []string
	for b, e := range d {
		for range max(e, 0) {
			num = append(num, baseNames[b])
		}
		for range max(-e, 0) {
			den = append(den, baseNames[b])
		}
	}
	s := strings.Join(num, "·")
	if s == "" {
		s = "1"
	}
	if len(den) > 0 {
		s += "/" + strings.Join(den, "/")
	}
	if s == "1" {
		return "dimensionless"
	}
	return s
}

// symbol is one word of the unit vocabulary: its dimension and its size in canonical units.
type symbol struct {
	dim    Dim
	factor float64
	doc    string
}

// Hours and days per year used for rates (365-day year).
const (
	HoursPerYear = 8760
	DaysPerYear  = 365
)

// vocabulary returns the fixed unit words. It is a function, not a variable, so the package holds
// no mutable state.
func vocabulary(word string) (symbol, bool) {
	switch word {
	case "km":
		return symbol{DimLength, 1, "kilometre"}, true
	case "m":
		return symbol{DimLength, 1e-3, "metre"}, true
	case "t":
		return symbol{DimMass, 1, "tonne"}, true
	case "kt":
		return symbol{DimMass, 1e3, "thousand tonnes"}, true
	case "Mt":
		return symbol{DimMass, 1e6, "million tonnes"}, true
	case "mcm":
		return symbol{DimGas, 1, "million cubic metres of gas"}, true
	case "bcm":
		return symbol{DimGas, 1e3, "billion cubic metres of gas"}, true
	case "MWh":
		return symbol{DimEnergy, 1, "megawatt-hour"}, true
	case "GWh":
		return symbol{DimEnergy, 1e3, "gigawatt-hour"}, true
	case "TWh":
		return symbol{DimEnergy, 1e6, "terawatt-hour"}, true
	case "MW":
		return symbol{DimEnergy.PerYear(), HoursPerYear, "megawatt (8,760 MWh/yr)"}, true
	case "GW":
		return symbol{DimEnergy.PerYear(), HoursPerYear * 1e3, "gigawatt"}, true
	case "bbl":
		return symbol{DimOil, 1, "barrel"}, true
	case "TEU":
		return symbol{DimBoxes, 1, "twenty-foot equivalent unit"}, true
	case "USD":
		return symbol{DimMoney, 1, "US dollar"}, true
	case "kUSD":
		return symbol{DimMoney, 1e3, "thousand US dollars"}, true
	case "MUSD":
		return symbol{DimMoney, 1e6, "million US dollars"}, true
	case "BUSD":
		return symbol{DimMoney, 1e9, "billion US dollars"}, true
	case "yr":
		return symbol{DimTime, 1, "year"}, true
	case "d":
		return symbol{DimTime, 1.0 / DaysPerYear, "day"}, true
	case "h":
		return symbol{DimTime, 1.0 / HoursPerYear, "hour"}, true
	case "%":
		return symbol{DimNone, 0.01, "per cent"}, true
	case "1":
		return symbol{DimNone, 1, "dimensionless"}, true
	}
	return symbol{}, false
}

// Words lists the unit vocabulary, for documentation and error messages.
func Words() []string {
	return []string{"km", "m", "t", "kt", "Mt", "mcm", "bcm", "MWh", "GWh", "TWh", "MW", "GW", "bbl", "TEU",
		"USD", "kUSD", "MUSD", "BUSD", "yr", "d", "h", "%", "1"}
}

// Unit is a parsed unit expression such as "bcm/yr", "USD/t/km" or "MUSD".
type Unit struct {
	Text   string  // as written
	Dim    Dim     // its dimension
	Factor float64 // multiply a value in this unit by Factor to get canonical units
}

// ParseUnit parses a unit expression: words from the vocabulary joined by "/" (divide) or "*" (multiply),
// left to right, e.g. "Mt/yr", "USD/t/km", "USD/MWh", "t*km". An empty string is dimensionless.
func ParseUnit(s string) (Unit, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Unit{Text: "", Dim: DimNone, Factor: 1}, nil
	}
	u := Unit{Text: s, Factor: 1}
	op := byte('*')
	rest := s
	for {
		i := strings.IndexAny(rest, "/*")
		word := rest
		if i >= 0 {
			word = rest[:i]
		}
		word = strings.TrimSpace(word)
		sym, ok := vocabulary(word)
		if !ok {
			return Unit{}, fmt.Errorf("unknown unit %q in %q (known: %s)", word, s, strings.Join(Words(), ", "))
		}
		if op == '*' {
			u.Dim = u.Dim.Mul(sym.dim)
			u.Factor *= sym.factor
		} else {
			u.Dim = u.Dim.Div(sym.dim)
			u.Factor /= sym.factor
		}
		if i < 0 {
			break
		}
		op = rest[i]
		rest = rest[i+1:]
	}
	return u, nil
}

// Canonical returns the canonical unit text for a dimension, e.g. "mcm/yr" or "USD/t".
func Canonical(d Dim) string {
	names := [numBases]string{"km", "t", "mcm", "MWh", "bbl", "TEU", "USD", "yr"}
	var num, den []string
	// money first reads naturally: USD/t, USD/MWh
	order := []Base{Money, Length, Mass, Gas, Energy, Oil, Boxes, Time}
	for _, b := range order {
		for range max(d[b], 0) {
			num = append(num, names[b])
		}
		for range max(-d[b], 0) {
			den = append(den, names[b])
		}
	}
	s := strings.Join(num, "*")
	if s == "" {
		s = "1"
	}
	if len(den) > 0 {
		s += "/" + strings.Join(den, "/")
	}
	return s
}

// OneOf reports whether d is one of the allowed dimensions.
func OneOf(d Dim, allowed ...Dim) bool { return slices.Contains(allowed, d) }
