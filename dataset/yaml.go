package dataset

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/internal/yamldepth"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// unwrap strips tags and anchors from a YAML node.
func unwrap(n ast.Node) ast.Node {
	for range 100 {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			n = t.Value
		default:
			return n
		}
	}
	return n
}

// scalar returns the text of a scalar node as written; null is "".
func scalar(n ast.Node) (string, bool) {
	switch t := unwrap(n).(type) {
	case nil, *ast.NullNode:
		return "", true
	case *ast.StringNode:
		return t.Value, true
	case *ast.LiteralNode:
		if t.Value == nil {
			return "", true
		}
		return t.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if tk := t.GetToken(); tk != nil {
			return tk.Value, true
		}
		return "", true
	}
	return "", false
}

// mapping returns the entries of a mapping node; null is an empty mapping.
func mapping(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch t := unwrap(n).(type) {
	case nil, *ast.NullNode:
		return nil, true
	case *ast.MappingNode:
		return t.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{t}, true
	}
	return nil, false
}

// sequence returns the items of a sequence node; null is an empty sequence.
func sequence(n ast.Node) ([]ast.Node, bool) {
	switch t := unwrap(n).(type) {
	case nil, *ast.NullNode:
		return nil, true
	case *ast.SequenceNode:
		return t.Values, true
	}
	return nil, false
}

// nodePos returns the position of a node: its first key for a mapping.
func nodePos(file string, n ast.Node) pos {
	if n == nil {
		return pos{file: file}
	}
	switch t := unwrap(n).(type) {
	case *ast.MappingNode:
		if len(t.Values) > 0 {
			return nodePos(file, t.Values[0].Key)
		}
	case *ast.MappingValueNode:
		return nodePos(file, t.Key)
	case nil:
		return pos{file: file}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return pos{file: file}
	}
	return pos{file, tk.Position.Line, tk.Position.Column}
}

// valuePos is the position of a key's value, or of the key when the value is empty.
func valuePos(file string, mv *ast.MappingValueNode) pos {
	if p := nodePos(file, mv.Value); p.line > 0 {
		if _, null := unwrap(mv.Value).(*ast.NullNode); !null {
			return p
		}
	}
	return nodePos(file, mv.Key)
}

// parseYAML parses a single-document YAML file and returns its body (nil for an empty file).
func (d *decoder) parseYAML(file string, data []byte) (body ast.Node, ok bool) {
	defer func() {
		// The YAML parser is third-party code; a panic on hostile input is a data error here.
		if v := recover(); v != nil {
			d.add(pos{file: file}, "", fmt.Errorf("malformed YAML: %v", v))
			body, ok = nil, false
		}
	}()
	var deep *yamldepth.Error
	if errors.As(yamldepth.Check(data, yamldepth.Limit), &deep) {
		d.add(pos{file: file, line: deep.Line}, "", fmt.Errorf("%w (a data set file nests fewer than ten)", deep))
		return nil, false
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) {
			p := pos{file: file}
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				p.line, p.col = tk.Position.Line, tk.Position.Column
			}
			d.add(p, "", fmt.Errorf("malformed YAML: %s", ye.GetMessage()))
			return nil, false
		}
		d.add(pos{file: file}, "", fmt.Errorf("malformed YAML: %v", err))
		return nil, false
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	if len(docs) > 1 {
		d.add(nodePos(file, docs[1].Body), "", errors.New("more than one YAML document: keep one"))
		return nil, false
	}
	if len(docs) == 0 {
		return nil, true
	}
	return docs[0].Body, true
}

func keyNames(cols []Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// yamlRec builds a record from a YAML mapping; nil when n is not a mapping.
func (d *decoder) yamlRec(file string, comp model.Component, cols []Column, n ast.Node, id, prefix string) *rec {
	r := newRec(d, comp, cols, nodePos(file, n))
	r.id, r.prefix = id, prefix
	mvs, ok := mapping(n)
	if !ok {
		d.add(nodePos(file, n), strings.TrimSuffix(prefix, "/"), fmt.Errorf("expected a mapping with keys %s", keyNames(cols)))
		return nil
	}
	for _, mv := range mvs {
		key, ok := scalar(mv.Key)
		kp := nodePos(file, mv.Key)
		if !ok {
			d.add(kp, strings.TrimSuffix(prefix, "/"), errors.New("a key must be a plain name"))
			continue
		}
		col, known := findColumn(cols, key)
		switch {
		case !known:
			d.add(kp, prefix+key, fmt.Errorf("unknown key %q (known keys: %s)", key, keyNames(cols)))
			continue
		case r.cells[key].set:
			d.add(kp, prefix+key, fmt.Errorf("key %q appears twice", key))
			continue
		}
		vp := valuePos(file, mv)
		if col.Type == TypeQuantity && isMapping(mv.Value) {
			d.yamlQuantity(file, r, key, mv.Value)
			continue
		}
		switch col.Type {
		case TypeList, TypeInts, TypeMap, TypeRecords, TypeQuantities, TypePaths:
			r.nodes[key] = unwrap(mv.Value)
			r.cells[key] = cell{pos: vp, set: true}
			if _, null := unwrap(mv.Value).(*ast.NullNode); null || mv.Value == nil {
				delete(r.nodes, key)
			}
		default:
			s, ok := scalar(mv.Value)
			if !ok {
				d.add(vp, prefix+key, fmt.Errorf("expected a single value (%s), got a list or mapping", col.Doc))
				r.cells[key] = cell{pos: vp, set: true}
				d.failed[posKey{comp, id, prefix + key}] = true
				continue
			}
			r.cells[key] = cell{text: strings.TrimSpace(s), pos: vp, set: true}
		}
	}
	for _, c := range cols {
		if c.Required && !r.cells[c.Name].set {
			r.cells[c.Name] = cell{pos: r.row, set: true} // reported as missing by begin
		}
	}
	return r
}

func isMapping(n ast.Node) bool {
	switch unwrap(n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return true
	}
	return false
}

// yamlQuantity reads {value: "10 bcm/yr", range: "8..12", source: "P18"} into cells F, F_range
// and F_source.
func (d *decoder) yamlQuantity(file string, r *rec, key string, n ast.Node) {
	mvs, _ := mapping(n)
	r.cells[key] = cell{pos: nodePos(file, n), set: true}
	for _, mv := range mvs {
		k, _ := scalar(mv.Key)
		name := key
		switch k {
		case "value":
		case "range":
			name += "_range"
		case "source":
			name += "_source"
		default:
			d.add(nodePos(file, mv.Key), r.prefix+key, fmt.Errorf("unknown key %q in a quantity (known keys: value, range, source)", k))
			continue
		}
		vp := valuePos(file, mv)
		s, ok := scalar(mv.Value)
		if !ok {
			d.add(vp, r.prefix+name, errors.New("expected a single value, got a list or mapping"))
			d.failed[posKey{r.comp, r.id, r.prefix + name}] = true
			continue
		}
		r.cells[name] = cell{text: strings.TrimSpace(s), pos: vp, set: true}
	}
}

// readYAMLList decodes a YAML file holding a list of records under t.Key.
func (d *decoder) readYAMLList(t *Table, data []byte, each func(*rec)) {
	file := t.File
	body, ok := d.parseYAML(file, data)
	if !ok || body == nil {
		return
	}
	mvs, ok := mapping(body)
	if !ok {
		d.add(nodePos(file, body), "", fmt.Errorf("expected a mapping with the key %q holding a list", t.Key))
		return
	}
	for _, mv := range mvs {
		k, _ := scalar(mv.Key)
		if k != t.Key {
			d.add(nodePos(file, mv.Key), k, fmt.Errorf("unknown key %q (expected %q holding a list)", k, t.Key))
			continue
		}
		items, ok := sequence(mv.Value)
		if !ok {
			d.add(valuePos(file, mv), k, fmt.Errorf("expected a list of %s", t.Key))
			continue
		}
		for _, it := range items {
			if d.errs.Full() {
				return
			}
			id := ""
			if ims, ok := mapping(it); ok {
				for _, im := range ims {
					if k, _ := scalar(im.Key); k == "id" {
						id, _ = scalar(im.Value)
						id = strings.TrimSpace(id)
					}
				}
			}
			r := d.yamlRec(file, t.Component, t.Columns, it, id, "")
			if r == nil {
				continue
			}
			r.begin()
			each(r)
		}
	}
}

// readYAMLRecord decodes a YAML file holding one record (dataset.yaml).
func (d *decoder) readYAMLRecord(t *Table, data []byte, id string, each func(*rec)) {
	body, ok := d.parseYAML(t.File, data)
	if !ok {
		return
	}
	if body == nil {
		d.add(pos{file: t.File}, "", fmt.Errorf("empty file: expected keys %s", keyNames(t.Columns)))
		return
	}
	r := d.yamlRec(t.File, t.Component, t.Columns, body, id, "")
	if r == nil {
		return
	}
	r.begin()
	each(r)
}

// records decodes a TypeRecords value (YAML sequence of mappings) into nested records.
func (r *rec) records(name string, each func(*rec)) {
	n := r.nodes[name]
	if n == nil {
		return
	}
	file := r.cell(name).pos.file
	items, ok := sequence(n)
	if !ok {
		r.fail(name, fmt.Errorf("expected a list of mappings with keys %s", keyNames(r.column(name).Fields)))
		return
	}
	for i, it := range items {
		prefix := r.prefix + name + "/" + strconv.Itoa(i) + "/"
		s := r.d.yamlRec(file, r.comp, r.column(name).Fields, it, r.id, prefix)
		if s == nil {
			r.d.failed[posKey{r.comp, r.id, strings.TrimSuffix(prefix, "/")}] = true
			continue
		}
		s.begin()
		each(s)
	}
}

// quantities decodes a TypeQuantities value (a YAML mapping key → quantity) as a nested record
// whose columns are the allowed keys, calling each in the order the keys are written. Positions
// and validation fields are name/key (and name/key_source, name/key_range).
func (r *rec) quantities(name string, vars map[string]string, each func(key string, q quantity.Quantity)) {
	n := r.nodes[name]
	if n == nil {
		return
	}
	col := r.column(name)
	file := r.cell(name).pos.file
	mvs, ok := mapping(n)
	if !ok {
		r.fail(name, fmt.Errorf("expected a mapping of %s to quantities, e.g. {%s: {value: \"30 %s\", source: ...}}", strings.Join(col.Values, ", "), col.Values[0], col.Unit))
		return
	}
	cols := make([]Column, len(col.Values))
	for i, v := range col.Values {
		cols[i] = Column{Name: v, Type: TypeQuantity, Unit: col.Unit, Doc: col.Doc}
	}
	prefix := r.prefix + name + "/"
	s := r.d.yamlRec(file, r.comp, cols, n, r.id, prefix)
	if s == nil {
		return
	}
	s.begin()
	seen := map[string]bool{}
	for _, mv := range mvs {
		k, ok := scalar(mv.Key)
		if _, known := findColumn(cols, k); !ok || !known || seen[k] {
			continue // reported by yamlRec
		}
		seen[k] = true
		if q := s.q(k, vars); q.IsSet() || r.d.failed[posKey{r.comp, r.id, prefix + k}] {
			each(k, q)
		} else {
			s.fail(k, fmt.Errorf("missing value: give a quantity {value, range, source} in %s for %s", col.Unit, k))
		}
	}
}
