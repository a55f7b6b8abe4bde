package scenario

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/internal/yamldepth"
	"github.com/corridor-dev/corridor/quantity"
)

// reader walks a YAML syntax tree strictly, recording the position of every value by field path
// and collecting position-carrying errors. Working on the tree (instead of unmarshalling into
// structs) keeps a line and column for every field, which Check needs later.
type reader struct {
	file string
	errs diag.List
	pos  map[string]spot
	bad  map[string]bool // field paths that already have an error
}

func newReader(file string) *reader {
	return &reader{file: file, pos: map[string]spot{}, bad: map[string]bool{}}
}

// parse parses src into the body of its single document. It returns nil after recording an error
// for malformed YAML, more than one document, or an empty file.
func (r *reader) parse(src []byte) ast.Node {
	err := yamldepth.CheckSize(src, yamldepth.Limit, MaxTokens)
	var deep *yamldepth.Error
	var long *yamldepth.TokensError
	switch {
	case errors.As(err, &deep):
		r.errs.Add(&diag.Error{File: r.file, Line: deep.Line, Err: fmt.Errorf("%w (a scenario nests fewer than ten)", deep)})
		return nil
	case errors.As(err, &long):
		r.errs.Add(&diag.Error{File: r.file, Line: long.Line, Err: fmt.Errorf("%w; the built-in scenarios hold fewer than 2,000", long)})
		return nil
	}
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil {
			p := ye.GetToken().Position
			r.errs.Add(&diag.Error{File: r.file, Line: p.Line, Col: p.Column, Err: fmt.Errorf("malformed YAML: %s", ye.GetMessage())})
		} else {
			r.errs.Add(&diag.Error{File: r.file, Err: fmt.Errorf("malformed YAML: %v", err)})
		}
		return nil
	}
	var bodies []ast.Node
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			bodies = append(bodies, d.Body)
		}
	}
	switch len(bodies) {
	case 0:
		r.errs.Add(&diag.Error{File: r.file, Err: errors.New("empty file: expected a scenario mapping with name, rules, …")})
		return nil
	case 1:
		return bodies[0]
	}
	p := position(bodies[1])
	r.errs.Add(&diag.Error{File: r.file, Line: p.line, Col: p.col, Err: errors.New("more than one YAML document: put one scenario per file")})
	return nil
}

// position returns the 1-based line and column where node n starts.
func position(n ast.Node) spot {
	switch m := n.(type) {
	case nil:
		return spot{}
	case *ast.MappingNode:
		// A block mapping starts at its first key (its start token is the first colon).
		if !m.IsFlowStyle && len(m.Values) > 0 {
			return position(m.Values[0].Key)
		}
	case *ast.MappingValueNode:
		return position(m.Key)
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return spot{tk.Position.Line, tk.Position.Column}
	}
	return spot{}
}

// errorf records an error at node n for field.
func (r *reader) errorf(n ast.Node, field, format string, args ...any) {
	r.bad[field] = true
	if r.errs.Full() { // counted past the cap, not formatted
		r.errs.Add(&diag.Error{File: r.file})
		return
	}
	p := position(n)
	r.errs.Add(&diag.Error{File: r.file, Line: p.line, Col: p.col, Field: field, Err: fmt.Errorf(format, args...)})
}

// unwrap strips anchors and tags. Aliases are reported and give nil.
func (r *reader) unwrap(n ast.Node, field string) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			r.errorf(n, field, "YAML aliases (*name) are not supported: write the value out")
			return nil
		case *ast.NullNode:
			return nil
		default:
			return n
		}
	}
}

// entry is one key of a mapping: the value node (nil when null) and the key node.
type entry struct {
	key   ast.Node
	value ast.Node
}

// fields holds the entries of a mapping by key, with the mapping node for errors about missing
// keys.
type fields struct {
	node    ast.Node
	field   string
	entries map[string]entry
}

// has reports whether key is present with a non-null value.
func (f fields) has(key string) bool { return f.entries[key].value != nil }

// get returns the value node of key, or nil.
func (f fields) get(key string) ast.Node { return f.entries[key].value }

// path returns the field path of key.
func (f fields) path(key string) string { return join(f.field, key) }

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "/" + key
}

// mapping reads n as a mapping whose keys must be among allowed. It records the position of each
// value, reports unknown keys, and returns ok = false when n is not a mapping (already reported).
// A null n gives an empty mapping.
func (r *reader) mapping(n ast.Node, field string, allowed ...string) (fields, bool) {
	f := fields{node: n, field: field, entries: map[string]entry{}}
	n = r.unwrap(n, field)
	if n == nil {
		return f, true
	}
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	default:
		r.errorf(n, field, "expected a mapping of keys (%s), found %s", strings.Join(allowed, ", "), describe(n))
		return f, false
	}
	f.node = n
	for _, mv := range values {
		key, ok := r.scalarText(mv.Key, join(field, "(key)"))
		if !ok {
			continue
		}
		path := join(field, key)
		if !slices.Contains(allowed, key) {
			r.errorf(mv.Key, path, "unknown key %q (expected one of: %s)", key, strings.Join(allowed, ", "))
			continue
		}
		v := r.unwrap(mv.Value, path)
		at := mv.Value
		if v != nil {
			at = v
		}
		if p := position(at); p.line > 0 {
			r.pos[path] = p
		} else {
			r.pos[path] = position(mv.Key)
		}
		f.entries[key] = entry{key: mv.Key, value: v}
	}
	return f, true
}

// describe names a node's kind for messages.
func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case nil:
		return "nothing"
	}
	return "a single value"
}

// scalarText returns the text of a scalar node. Non-scalars are reported.
func (r *reader) scalarText(n ast.Node, field string) (string, bool) {
	n = r.unwrap(n, field)
	switch v := n.(type) {
	case nil:
		return "", true
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.MappingKeyNode:
		return r.scalarText(v.Value, field)
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if tk := v.GetToken(); tk != nil {
			return tk.Value, true
		}
		return "", true
	}
	r.errorf(n, field, "expected a single value, found %s", describe(n))
	return "", false
}

// str reads key of f as text ("" when absent). With required, absence is an error.
func (r *reader) str(f fields, key string, required bool) string {
	if !f.has(key) {
		if required {
			r.missing(f, key, "")
		}
		return ""
	}
	s, _ := r.scalarText(f.get(key), f.path(key))
	s = strings.TrimSpace(s)
	if s == "" && required {
		r.missing(f, key, "")
	}
	return s
}

// missing reports a required key that is absent or empty, at the mapping.
func (r *reader) missing(f fields, key, hint string) {
	at := f.node
	if e, ok := f.entries[key]; ok && e.key != nil {
		at = e.key
	}
	msg := fmt.Sprintf("missing %s", key)
	if hint != "" {
		msg += " (" + hint + ")"
	}
	r.errorf(at, f.path(key), "%s", msg)
}

// validID reports whether s is an id: letters, digits, '-', '_' and '.'.
func validID(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// id reads key of f as an id.
func (r *reader) id(f fields, key string, required bool) string {
	s := r.str(f, key, required)
	if s != "" && !validID(s) {
		r.errorf(f.get(key), f.path(key), "%q is not an id (letters, digits, '-', '_' and '.')", s)
	}
	return s
}

// integer reads key of f as a whole number.
func (r *reader) integer(f fields, key string, required bool) int {
	s := r.str(f, key, required)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		r.errorf(f.get(key), f.path(key), "%q is not a whole number", s)
	}
	return v
}

// list reads key of f as a list of ids: a YAML sequence of scalars or one scalar. Each element's
// position is recorded as path/i. With wildcard, "*" is allowed.
func (r *reader) list(f fields, key string, wildcard bool) []string {
	n := f.get(key)
	if n == nil {
		return nil
	}
	path := f.path(key)
	var items []ast.Node
	if seq, ok := n.(*ast.SequenceNode); ok {
		items = seq.Values
	} else {
		items = []ast.Node{n}
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		p := join(path, strconv.Itoa(i))
		s, ok := r.scalarText(it, p)
		if !ok {
			continue
		}
		s = strings.TrimSpace(s)
		r.pos[p] = position(it)
		switch {
		case s == Any && wildcard:
		case s == Any:
			r.errorf(it, p, `"*" is not allowed here: list the ids`)
			continue
		case !validID(s):
			r.errorf(it, p, "%q is not an id (letters, digits, '-', '_' and '.')", s)
			continue
		}
		if slices.Contains(out, s) {
			r.errorf(it, p, "%q is listed twice", s)
			continue
		}
		out = append(out, s)
	}
	return out
}

// sequence reads key of f as a YAML sequence and returns its items with their field paths.
func (r *reader) sequence(f fields, key string) []item {
	n := f.get(key)
	if n == nil {
		return nil
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		r.errorf(n, f.path(key), "expected a list, found %s", describe(n))
		return nil
	}
	out := make([]item, len(seq.Values))
	for i, v := range seq.Values {
		p := join(f.path(key), strconv.Itoa(i))
		r.pos[p] = position(v)
		out[i] = item{node: v, path: p}
	}
	return out
}

// item is one element of a sequence with its field path.
type item struct {
	node ast.Node
	path string
}

// provenance reads key of f as provenance ("S09;S21" or "assumption: reasoning").
func (r *reader) provenance(f fields, key string) quantity.Provenance {
	s := r.str(f, key, false)
	p, err := quantity.ParseProvenance(s)
	if err != nil {
		r.errorf(f.get(key), f.path(key), "%v", err)
	}
	return p
}

// quantity reads key of f as a quantity: a scalar "10 Mt/yr" or a mapping
// {value: "10 Mt/yr", range: "8..12", source: "S16"}. Without its own source it takes inherit.
// Dimensions, bounds and missing sources are Scenario.checkSelf's business.
func (r *reader) quantity(f fields, key string, inherit quantity.Provenance) quantity.Quantity {
	n := f.get(key)
	path := f.path(key)
	if n == nil {
		return quantity.Quantity{}
	}
	var valueText, rangeText string
	var prov quantity.Provenance
	valueAt, rangeAt := n, n
	if isMapping(n) {
		qf, ok := r.mapping(n, path, "value", "range", "source")
		if !ok {
			return quantity.Quantity{}
		}
		valueText = r.str(qf, "value", true)
		rangeText = r.str(qf, "range", false)
		prov = r.provenance(qf, "source")
		valueAt, rangeAt = qf.get("value"), qf.get("range")
		if valueText == "" {
			return quantity.Quantity{}
		}
		r.pos[path] = position(valueAt)
	} else {
		s, ok := r.scalarText(n, path)
		if !ok {
			return quantity.Quantity{}
		}
		valueText = strings.TrimSpace(s)
	}
	q, err := quantity.Parse(valueText, "")
	if err != nil {
		r.errorf(valueAt, path, "%v", err)
		return quantity.Quantity{}
	}
	if err := q.ParseRange(rangeText); err != nil {
		r.errorf(rangeAt, join(path, "range"), "%v", err)
	}
	if prov.IsZero() {
		prov = inherit
	}
	q.Source = prov
	return q
}

func isMapping(n ast.Node) bool {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return true
	}
	return false
}

// share checks a dimensionless quantity with value and range within [0, 1].
func share(what string) func(q quantity.Quantity) error {
	return func(q quantity.Quantity) error {
		if q.Dim != quantity.DimNone {
			return fmt.Errorf("%s must be a share between 0 and 1 (e.g. 0.9 or 90 %%), got %s (%s)", what, q, q.Dim)
		}
		lo, hi := q.Value, q.Value
		if q.Range != nil {
			lo, hi = q.Range.Low, q.Range.High
		}
		if lo < 0 || hi > 1 || math.IsNaN(lo) || math.IsNaN(hi) {
			return fmt.Errorf("%s must lie within 0..1, got %s (range %q)", what, q, q.RangeString())
		}
		return nil
	}
}

// perYear checks a quantity per year (Dim has time exponent −1), e.g. a cap or a flow.
func perYear(what, example string) func(q quantity.Quantity) error {
	return func(q quantity.Quantity) error {
		if q.Dim[quantity.Time] != -1 {
			return fmt.Errorf("%s must be a quantity per year such as %q, got %s (%s)", what, example, q, q.Dim)
		}
		if q.Value < 0 || (q.Range != nil && q.Range.Low < 0) {
			return fmt.Errorf("%s must not be negative, got %s", what, q)
		}
		return nil
	}
}

// moneyPerUnit checks USD per commodity unit or a dimensionless share of the price, non-negative.
func moneyPerUnit(what string) func(q quantity.Quantity) error {
	return func(q quantity.Quantity) error {
		if q.Dim != quantity.DimNone && q.Dim[quantity.Money] != 1 {
			return fmt.Errorf("%s must be USD per commodity unit (e.g. \"20 USD/t\") or a share of the price (e.g. \"5 %%\"), got %s (%s)", what, q, q.Dim)
		}
		if q.Value < 0 || (q.Range != nil && q.Range.Low < 0) {
			return fmt.Errorf("%s must not be negative, got %s", what, q)
		}
		return nil
	}
}

// moneyPerYear checks a non-negative amount of money per year, e.g. a strategic premium.
func moneyPerYear(what, example string) func(q quantity.Quantity) error {
	return func(q quantity.Quantity) error {
		if q.Dim != quantity.DimMoneyPerYr {
			return fmt.Errorf("%s must be money per year such as %q, got %s (%s)", what, example, q, q.Dim)
		}
		if !(q.Value >= 0) || (q.Range != nil && !(q.Range.Low >= 0)) {
			return fmt.Errorf("%s must not be negative, got %s", what, q)
		}
		return nil
	}
}
