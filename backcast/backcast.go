// Package backcast checks the flow model against observed history: a data set's optional
// history.csv lists observed quantities on links, at nodes or in markets, each with a tolerance,
// and Compare puts each beside what the flow LP of the matching scenario state gives
// (decision 0016).
//
// history.csv has a header row and one observation a row. Columns (any order; those marked
// optional may be left out of the header):
//
//	id         unique id of the observation
//	year       the year observed
//	what       what was observed, in words
//	link       link id(s) — exactly one of link, node and market is set on a row; several ids
//	node       node id(s)   separated by ";" are summed
//	market     market id(s)
//	commodity  optional: count only this commodity (required for a node without freight links)
//	direction  optional, links only: forward (from→to), backward or both (the default)
//	quantity   the observed quantity with its unit, e.g. "2 Mt/yr", "63 bcm/yr", "72 kt/yr"
//	tolerance  the ratio modelled/observed that passes: "50 %" (0.5 to 1.5) or a range "1..3"
//	source     source id(s) of the data set's sources table, or "assumption: …"
//	scenario   optional: the scenario whose regime the year stands for (default: the headline)
//	regime     optional: the regime state (default: the scenario's initial state)
//	note       optional: anything the reader should know
//
// What is compared, in canonical units per year: on links the flow in the chosen direction, in
// the mode's capacity unit (tonnes on freight modes), or with a commodity that commodity's flow
// summed over origins, in its unit; at a node what arrives over its links (tonnes on freight
// links, or the commodity's flow); in a market the quantity supplied, served or imported.
//
// The package only reads and compares: choosing and solving the state is the caller's (corridor
// data backcast solves the base year for years before it).
package backcast

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// File is the name of the history table in a data set.
const File = "history.csv"

// Kind says what an observation is about.
type Kind string

// Kinds of observation.
const (
	Link   Kind = "link"
	Node   Kind = "node"
	Market Kind = "market"
)

// Directions of a link observation.
const (
	Forward  = "forward"
	Backward = "backward"
	Both     = "both"
)

// Observation is one row of history.csv.
type Observation struct {
	Line      int    // line of the row in history.csv
	ID        string // unique
	Year      int
	What      string
	Kind      Kind
	Targets   []string // ids of links, nodes or markets, summed
	Commodity string   // optional
	Direction string   // links: Forward, Backward or Both; empty otherwise
	Quantity  quantity.Quantity
	Tolerance Tolerance
	Source    quantity.Provenance
	Scenario  string // optional
	Regime    string // optional
	Note      string
}

// Tolerance is the interval of the ratio modelled/observed that passes.
type Tolerance struct {
	Low, High float64
	Text      string // as written
}

// Pass reports whether modelled lies within the tolerance of observed (both in the same unit).
// An observed 0 passes only a modelled 0 (to a rounding slack).
func (t Tolerance) Pass(observed, modelled float64) bool {
	const slack = 1e-9
	if observed == 0 {
		return math.Abs(modelled) <= slack
	}
	r := modelled / observed
	return r >= t.Low-slack && r <= t.High+slack
}

// ParseTolerance reads "50 %" (ratio 0.5 to 1.5; 100 % or more gives 0 to 1 + p) or "low..high"
// (ratios, 0 ≤ low < high).
func ParseTolerance(s string) (Tolerance, error) {
	s = strings.TrimSpace(s)
	if lo, hi, ok := strings.Cut(s, ".."); ok {
		a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if err1 != nil || err2 != nil || !finite(a) || !finite(b) || a < 0 || a >= b {
			return Tolerance{}, fmt.Errorf("%q is not a range of ratios low..high with 0 ≤ low < high", s)
		}
		return Tolerance{Low: a, High: b, Text: s}, nil
	}
	num, ok := strings.CutSuffix(s, "%")
	if !ok {
		return Tolerance{}, fmt.Errorf("%q is not a tolerance (want a percentage such as \"50 %%\" or a range of ratios such as \"0.5..2\")", s)
	}
	p, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || !finite(p) || p <= 0 {
		return Tolerance{}, fmt.Errorf("%q: want a percentage above 0", s)
	}
	return Tolerance{Low: max(0, 1-p/100), High: 1 + p/100, Text: s}, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

var (
	required = []string{"id", "year", "what", "quantity", "tolerance", "source"}
	optional = []string{"link", "node", "market", "commodity", "direction", "scenario", "regime", "note"}
)

// Read reads history.csv from a data set; ok is false (and the error nil) when it has none.
func Read(fsys fs.FS, n *model.Network) (obs []Observation, ok bool, err error) {
	f, err := fsys.Open(File)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, &diag.Error{File: File, Err: err}
	}
	defer f.Close()
	obs, err = Parse(f, n)
	return obs, true, err
}

// Parse reads history.csv and checks every id and source against n. Errors are *diag.Error
// ("history.csv:LINE: column: message"), every one found joined.
func Parse(r io.Reader, n *model.Network) ([]Observation, error) {
	var errs diag.List
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &diag.Error{File: File, Line: 1, Err: errors.New("empty file: want a header row")}
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(required, h) && !slices.Contains(optional, h):
			errs.Addf(File, 1, 0, h, "unknown column (want %s)", strings.Join(append(slices.Clone(required), optional...), ", "))
		case col[h] > 0:
			errs.Addf(File, 1, 0, h, "duplicate column")
		default:
			col[h] = i + 1
		}
	}
	for _, h := range required {
		if col[h] == 0 {
			errs.Addf(File, 1, 0, h, "missing column")
		}
	}
	if errs.Len() > 0 {
		return nil, errs.Err()
	}
	var out []Observation
	seen := map[string]int{}
	for !errs.Full() {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs.Add(csvError(err))
			if _, ok := errors.AsType[*csv.ParseError](err); ok && !errors.Is(err, csv.ErrFieldCount) {
				break // the reader cannot resynchronise after a quoting error
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		get := func(h string) string {
			if i := col[h]; i > 0 && i <= len(rec) {
				return strings.TrimSpace(rec[i-1])
			}
			return ""
		}
		bad := func(field, format string, args ...any) { errs.Addf(File, line, 0, field, format, args...) }
		o, ok := parseRow(get, bad, n)
		if !ok {
			continue
		}
		o.Line = line
		if prev, dup := seen[o.ID]; dup {
			bad("id", "duplicate id %q (first on line %d)", o.ID, prev)
			continue
		}
		seen[o.ID] = line
		out = append(out, o)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// csvError turns an encoding/csv error into a positioned one.
func csvError(err error) *diag.Error {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return &diag.Error{File: File, Line: pe.Line, Err: pe.Err}
	}
	return &diag.Error{File: File, Err: err}
}

// parseRow checks one row's cells; ok is false when any is bad (each reported through bad).
func parseRow(get func(string) string, bad func(field, format string, args ...any), n *model.Network) (Observation, bool) {
	nbad := 0
	fail := func(field, format string, args ...any) { nbad++; bad(field, format, args...) }
	o := Observation{ID: get("id"), What: get("what"), Commodity: get("commodity"), Scenario: get("scenario"), Regime: get("regime"), Note: get("note")}
	if o.ID == "" {
		fail("id", "empty id")
	}
	if o.What == "" {
		fail("what", "empty: say what was observed")
	}
	if y, err := strconv.Atoi(get("year")); err != nil || y < 1800 || y > 2300 {
		fail("year", "%q is not a year", get("year"))
	} else {
		o.Year = y
	}
	var set []Kind
	for _, k := range []Kind{Link, Node, Market} {
		if get(string(k)) != "" {
			set = append(set, k)
		}
	}
	if len(set) != 1 {
		fail("link", "set exactly one of link, node and market (got %d)", len(set))
		return o, false
	}
	o.Kind = set[0]
	for t := range strings.SplitSeq(get(string(o.Kind)), ";") {
		o.Targets = append(o.Targets, strings.TrimSpace(t))
	}
	var comm *model.Commodity
	if o.Commodity != "" {
		if comm = n.Commodity(o.Commodity); comm == nil {
			fail("commodity", "unknown commodity %q", o.Commodity)
			return o, false
		}
	}
	// dim is the dimension of what is compared; -1 marks a mix.
	var dim quantity.Dim
	dimSet := false
	want := func(d quantity.Dim, field, id string) {
		if dimSet && d != dim {
			fail(field, "%s: %s is not in the same unit as the ids before it (%s, not %s)", id, string(o.Kind), d, dim)
		}
		dim, dimSet = d, true
	}
	if comm != nil {
		want(comm.Unit.Dim.PerYear(), "commodity", o.Commodity)
	}
	field := string(o.Kind)
	for _, id := range o.Targets {
		switch o.Kind {
		case Link:
			l := n.Link(id)
			if l == nil {
				fail(field, "unknown link %q", id)
				continue
			}
			if comm == nil {
				if m := n.Mode(l.Mode); m != nil {
					want(m.Capacity, field, id)
				}
			}
		case Node:
			if n.Node(id) == nil {
				fail(field, "unknown node %q", id)
			}
			if comm == nil {
				want(quantity.DimMass.PerYear(), field, id)
			}
		case Market:
			m := n.Market(id)
			if m == nil {
				fail(field, "unknown market %q", id)
				continue
			}
			if comm != nil && m.Commodity != o.Commodity {
				fail("commodity", "market %s trades %s, not %s", id, m.Commodity, o.Commodity)
				continue
			}
			if c := n.Commodity(m.Commodity); c != nil {
				want(c.Unit.Dim.PerYear(), field, id)
			}
		}
	}
	switch d := strings.ToLower(get("direction")); {
	case o.Kind != Link && d != "":
		fail("direction", "only a link observation has a direction")
	case d == "":
		if o.Kind == Link {
			o.Direction = Both
		}
	case d == Forward || d == Backward || d == Both:
		o.Direction = d
	default:
		fail("direction", "%q: want forward, backward or both", get("direction"))
	}
	if q, err := quantity.Parse(get("quantity"), quantity.Canonical(dim)); err != nil {
		fail("quantity", "%v", err)
	} else if dimSet && q.Dim != dim {
		fail("quantity", "%s is %s; want a quantity in %s", q, q.Dim, quantity.Canonical(dim))
	} else if q.Value < 0 {
		fail("quantity", "%s: an observed flow is not negative", q)
	} else {
		o.Quantity = q
	}
	if t, err := ParseTolerance(get("tolerance")); err != nil {
		fail("tolerance", "%v", err)
	} else {
		o.Tolerance = t
	}
	p, err := quantity.ParseProvenance(get("source"))
	switch {
	case err != nil:
		fail("source", "%v", err)
	case p.IsZero():
		fail("source", "empty: give a source id or \"assumption: …\"")
	default:
		for _, s := range p.Sources {
			if n.Source(s) == nil {
				fail("source", "unknown source %q (not in sources.csv)", s)
			}
		}
		o.Source = p
	}
	return o, nbad == 0
}

// Modelled returns what the flow result gives for o, in canonical units per year (the unit of
// o.Quantity.Value).
func Modelled(o Observation, n *model.Network, res *flow.Result) float64 {
	links := map[string]*flow.LinkResult{}
	for i := range res.Links {
		links[res.Links[i].Link] = &res.Links[i]
	}
	// flow of one link result in each direction, for the commodity or in total
	dirFlows := func(lr *flow.LinkResult) (fwd, bwd float64) {
		if o.Commodity == "" {
			return lr.Forward, lr.Backward
		}
		for _, f := range lr.Flows {
			if f.Commodity == o.Commodity {
				fwd += f.Forward
				bwd += f.Backward
			}
		}
		return fwd, bwd
	}
	total := 0.0
	for _, id := range o.Targets {
		switch o.Kind {
		case Link:
			lr := links[id]
			if lr == nil {
				continue
			}
			fwd, bwd := dirFlows(lr)
			switch o.Direction {
			case Forward:
				total += fwd
			case Backward:
				total += bwd
			default:
				total += fwd + bwd
			}
		case Node:
			for i := range n.Links {
				l := &n.Links[i]
				lr := links[l.ID]
				if lr == nil || (l.From != id && l.To != id) {
					continue
				}
				if o.Commodity == "" {
					if m := n.Mode(l.Mode); m == nil || !m.Freight() {
						continue
					}
				}
				fwd, bwd := dirFlows(lr)
				if l.To == id {
					total += fwd
				}
				if l.From == id {
					total += bwd
				}
			}
		case Market:
			for _, m := range res.Markets {
				if m.Market == id {
					total += m.Quantity
				}
			}
		}
	}
	return total
}
