package dataset

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// knownColumns lists the columns a CSV table accepts, for error messages.
func knownColumns(cols []Column) string {
	var names []string
	for _, c := range cols {
		names = append(names, c.Name)
		if c.Type == TypeQuantity {
			names = append(names, c.Name+"_range", c.Name+"_source")
		}
	}
	return strings.Join(names, ", ")
}

// columnFor maps a header name to its schema column: "capacity_range" belongs to "capacity".
func columnFor(cols []Column, name string) (Column, bool) {
	if c, ok := findColumn(cols, name); ok && c.Type != TypeRecords {
		return c, true
	}
	for _, suf := range []string{"_range", "_source"} {
		if base, ok := strings.CutSuffix(name, suf); ok {
			if c, ok := findColumn(cols, base); ok && c.Type == TypeQuantity {
				return c, true
			}
		}
	}
	return Column{}, false
}

// readCSV decodes a CSV table, calling each for every data row.
func (d *decoder) readCSV(t *Table, data []byte, each func(*rec)) {
	file := t.File
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		d.add(pos{file: file}, "", fmt.Errorf("empty file: expected a header row with columns %s", knownColumns(t.Columns)))
		return
	}
	if err != nil {
		d.csvErr(file, err)
		return
	}
	names := make([]string, len(header)) // "" for columns that are skipped
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		line, col := cr.FieldPos(i)
		p := pos{file, line, col}
		switch _, ok := columnFor(t.Columns, h); {
		case h == "":
			d.add(p, "", fmt.Errorf("column %d has no name (known columns: %s)", i+1, knownColumns(t.Columns)))
		case !ok:
			d.add(p, h, fmt.Errorf("unknown column %q (known columns: %s)", h, knownColumns(t.Columns)))
		case seen[h]:
			d.add(p, h, fmt.Errorf("column %q appears twice", h))
		default:
			names[i] = h
			seen[h] = true
		}
	}
	for _, c := range t.Columns {
		if c.Required && !seen[c.Name] {
			d.add(pos{file, 1, 0}, c.Name, fmt.Errorf("missing required column %q (%s)", c.Name, c.Doc))
		}
	}
	for !d.errs.Full() {
		row, err := cr.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			d.csvErr(file, err)
			continue
		}
		line, _ := cr.FieldPos(0)
		r := newRec(d, t.Component, t.Columns, pos{file, line, 1})
		if len(row) != len(header) {
			l, c := cr.FieldPos(max(len(row)-1, 0))
			d.add(pos{file, l, c}, "", fmt.Errorf("row has %d fields, the header has %d", len(row), len(header)))
		}
		for i, name := range names {
			if name == "" || i >= len(row) {
				continue
			}
			l, c := cr.FieldPos(i)
			r.cells[name] = cell{text: strings.TrimSpace(row[i]), pos: pos{file, l, c}, set: true}
		}
		r.begin()
		each(r)
	}
}

// csvErr reports a CSV syntax error at its position.
func (d *decoder) csvErr(file string, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			msg += `: a cell containing " must be quoted as a whole, with the quote doubled ("a ""b"" c")`
		case errors.Is(pe.Err, csv.ErrQuote):
			msg += ": a quoted cell must end with a closing quote before the next comma or line end"
		}
		d.add(pos{file, pe.Line, pe.Column}, "", errors.New(msg))
		return
	}
	d.add(pos{file: file}, "", err)
}
