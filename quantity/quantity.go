package quantity

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Dist names the distribution of an uncertain quantity.
type Dist string

// Distributions. For Triangular and PERT, Low, Mode and High are the minimum, most likely and
// maximum. For Uniform, Mode is ignored. For Lognormal, Low and High are the 5th and 95th
// percentiles (a common elicitation; see Vose, Risk Analysis, 3rd ed., §9) and Mode is ignored.
const (
	Triangular Dist = "triangular"
	PERT       Dist = "pert"
	Lognormal  Dist = "lognormal"
	Uniform    Dist = "uniform"
)

// ParseDist parses a distribution name; the empty string means Triangular.
func ParseDist(s string) (Dist, error) {
	switch d := Dist(strings.ToLower(strings.TrimSpace(s))); d {
	case "":
		return Triangular, nil
	case Triangular, PERT, Lognormal, Uniform:
		return d, nil
	}
	return "", fmt.Errorf("unknown distribution %q (expected triangular, pert, lognormal or uniform)", s)
}

// Range is the uncertainty of a quantity, in the same canonical units as its Value.
type Range struct {
	Low, Mode, High float64
	Dist            Dist
}

// Provenance says where a value comes from: one or more source ids (into the data set's sources
// table) or a labelled assumption with its reasoning. Exactly one of the two is set.
type Provenance struct {
	Sources    []string // source ids, e.g. "L27"
	Assumption string   // the reasoning behind an assumed value
}

// IsZero reports whether no provenance was given.
func (p Provenance) IsZero() bool { return len(p.Sources) == 0 && p.Assumption == "" }

// String writes provenance in the form ParseProvenance reads.
func (p Provenance) String() string {
	if p.Assumption != "" {
		return "assumption: " + p.Assumption
	}
	return strings.Join(p.Sources, ";")
}

// ParseProvenance reads "ID" or "ID1;ID2" (source ids) or "assumption: reasoning". An empty string
// gives a zero Provenance; whether that is allowed is the caller's rule.
func ParseProvenance(s string) (Provenance, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Provenance{}, nil
	}
	if rest, ok := cutPrefixFold(s, "assumption:"); ok {
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return Provenance{}, errors.New(`"assumption:" needs its reasoning after the colon`)
		}
		return Provenance{Assumption: rest}, nil
	}
	var p Provenance
	for id := range strings.SplitSeq(s, ";") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if strings.ContainsAny(id, " \t,") {
			return Provenance{}, fmt.Errorf("source id %q contains a space or comma (expected ids separated by ';', or \"assumption: <reasoning>\")", id)
		}
		p.Sources = append(p.Sources, id)
	}
	return p, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// Quantity is a value with a unit, an optional range and its provenance. Value and Range are in
// canonical units; Written and Unit keep the form the user wrote, so that exporting changes nothing.
type Quantity struct {
	Value   float64    // in canonical units (see Canonical(Dim))
	Dim     Dim        // dimension of the unit
	Written float64    // the number as written, in Unit
	Unit    Unit       // the unit as written
	Range   *Range     // nil when the value is taken as certain
	Source  Provenance // where the value comes from
}

// New returns a certain quantity of value v in the canonical unit of d, with provenance p.
func New(v float64, d Dim, p Provenance) Quantity {
	return Quantity{Value: v, Dim: d, Written: v, Unit: Unit{Text: Canonical(d), Dim: d, Factor: 1}, Source: p}
}

// IsSet reports whether the quantity was given (a zero Quantity is "missing").
func (q Quantity) IsSet() bool { return q.Unit.Factor != 0 }

// In returns the value converted to unit u. It returns an error if dimensions differ.
func (q Quantity) In(u Unit) (float64, error) {
	if u.Dim != q.Dim {
		return 0, fmt.Errorf("cannot express %s in %q (%s)", q.Dim, u.Text, u.Dim)
	}
	return q.Value / u.Factor, nil
}

// String writes the value with its unit as written, e.g. "10 bcm/yr".
func (q Quantity) String() string {
	if !q.IsSet() {
		return ""
	}
	s := strconv.FormatFloat(q.Written, 'g', -1, 64)
	if q.Unit.Text != "" {
		s += " " + q.Unit.Text
	}
	return s
}

// RangeString writes the range in the written unit in the form ParseRange reads, or "" if none.
func (q Quantity) RangeString() string {
	if q.Range == nil {
		return ""
	}
	f := q.Unit.Factor
	if f == 0 {
		f = 1
	}
	// 12 significant digits: dividing by the unit's factor leaves noise in the last bits
	// (0.074 / 0.01 = 7.400000000000001), which no written range has.
	g := func(v float64) string { return strconv.FormatFloat(v/f, 'g', 12, 64) }
	r := q.Range
	var s string
	switch r.Dist {
	case Uniform, Lognormal:
		s = g(r.Low) + ".." + g(r.High)
	default:
		s = g(r.Low) + ".." + g(r.Mode) + ".." + g(r.High)
	}
	if r.Dist != Triangular {
		s += " " + string(r.Dist)
	}
	return s
}

// Parse reads a value cell such as "10 bcm/yr", "-3.5 %" or "5e6 t/yr". When the cell has no unit,
// defaultUnit is used (it may be "" for a dimensionless field).
func Parse(cell, defaultUnit string) (Quantity, error) {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return Quantity{}, errors.New("empty value")
	}
	num, unitText := cell, defaultUnit
	if i := strings.IndexFunc(cell, func(r rune) bool { return r == ' ' || r == '%' }); i >= 0 {
		num, unitText = cell[:i], strings.TrimSpace(cell[i:])
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(num, "_", ""), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Quantity{}, fmt.Errorf("%q is not a finite number followed by a unit (for example \"10 %s\")", cell, orDefault(defaultUnit, "t"))
	}
	u, err := ParseUnit(unitText)
	if err != nil {
		return Quantity{}, err
	}
	return Quantity{Value: v * u.Factor, Dim: u.Dim, Written: v, Unit: u}, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// ParseRange reads a range cell in the quantity's written unit: "low..high" (mode = the value),
// "low..mode..high", each optionally followed by a distribution name: "8..12 pert". It checks
// low ≤ mode ≤ high and that the value lies within the range.
func (q *Quantity) ParseRange(cell string) error {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		q.Range = nil
		return nil
	}
	body, distText, _ := strings.Cut(cell, " ")
	dist, err := ParseDist(distText)
	if err != nil {
		return err
	}
	parts := strings.Split(body, "..")
	if len(parts) != 2 && len(parts) != 3 {
		return fmt.Errorf("%q is not a range (expected low..high or low..mode..high, optionally followed by triangular, pert, lognormal or uniform)", cell)
	}
	vals := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%q in range %q is not a finite number", p, cell)
		}
		vals[i] = v * q.Unit.Factor
	}
	r := Range{Low: vals[0], High: vals[len(vals)-1], Mode: q.Value, Dist: dist}
	if len(vals) == 3 {
		r.Mode = vals[1]
	}
	if q.Value < r.Low || q.Value > r.High {
		return fmt.Errorf("value %s lies outside its range %q", q, cell)
	}
	if !(r.Low <= r.Mode && r.Mode <= r.High) || r.Low == r.High {
		return fmt.Errorf("range %q must have low < high and low ≤ mode ≤ high (value %s)", cell, q)
	}
	if dist == Lognormal && r.Low <= 0 {
		return fmt.Errorf("a lognormal range needs low > 0, got %q", cell)
	}
	q.Range = &r
	return nil
}
