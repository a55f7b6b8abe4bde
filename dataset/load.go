package dataset

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/model"
)

//go:embed all:neasia all:instc
var builtinFS embed.FS // read-only: embed.FS cannot be changed

// DefaultName is the name of the built-in data set commands use when given none.
const DefaultName = "neasia"

// Builtins returns the names of the data sets built into the program, sorted.
func Builtins() []string {
	entries, err := builtinFS.ReadDir(".")
	if err != nil {
		panic("dataset: embedded data sets unreadable: " + err.Error()) // cannot happen: embedded
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names // ReadDir sorts by name
}

// Builtin returns the built-in data set called name (see Builtins), rooted at its files; ok is
// false when there is none by that name.
func Builtin(name string) (fsys fs.FS, ok bool) {
	if !slices.Contains(Builtins(), name) {
		return nil, false
	}
	sub, err := fs.Sub(builtinFS, name)
	if err != nil {
		panic("dataset: embedded data set " + name + " unreadable: " + err.Error()) // cannot happen
	}
	return sub, true
}

// Default returns the built-in data set DefaultName, rooted at its files.
func Default() fs.FS {
	fsys, ok := Builtin(DefaultName)
	if !ok {
		panic("dataset: embedded data set " + DefaultName + " missing") // cannot happen: embedded
	}
	return fsys
}

// IssueError is the error inside a *diag.Error that reports a model.Validate issue.
type IssueError struct {
	Issue model.Issue
}

// Error returns the issue's message followed by its rule name in brackets.
func (e *IssueError) Error() string { return e.Issue.Message + " [" + e.Issue.Rule + "]" }

// Load reads the data set in fsys (the files of Schema, with network.geojson optionally replacing
// nodes.csv and links.csv), builds the network and validates it with model.Validate.
//
// It returns the network, the validation warnings (positioned), and an error joining every
// decode error and validation error as *diag.Error values that print as
// "file:line:col: field: message" (capped at diag.Max). When the error is not nil the network is
// nil. A cancelled ctx is returned as is, checked between files. Files other than those of the
// schema (e.g. README.md) are ignored.
func Load(ctx context.Context, fsys fs.FS) (*model.Network, []*diag.Error, error) {
	d := newDecoder()
	if err := d.decodeAll(ctx, fsys); err != nil {
		return nil, nil, err
	}
	n := model.Build(d.net)
	var warnings []*diag.Error
	dups := map[posKey]int{}
	for _, is := range model.Validate(n) {
		if d.suppressed(is) {
			continue
		}
		e := d.issueError(is, dups)
		if is.Severity == model.Warning {
			warnings = append(warnings, e)
			continue
		}
		d.errs.Add(e)
	}
	if err := d.errs.Err(); err != nil {
		return nil, warnings, err
	}
	return n, warnings, nil
}

// decodeAll reads every file of the schema into d.net.
func (d *decoder) decodeAll(ctx context.Context, fsys fs.FS) error {
	schema := Schema()
	tables := map[string]*Table{}
	for i := range schema {
		tables[schema[i].File] = &schema[i]
	}
	read := func(file string) ([]byte, bool, error) {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		b, err := readLimited(fsys, file, MaxFileBytes)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, false, nil
		case err != nil:
			d.add(pos{file: file}, "", fmt.Errorf("cannot read: %w", err))
			return nil, false, nil
		}
		return b, true, nil
	}
	exists := func(file string) bool {
		_, err := fs.Stat(fsys, file)
		return err == nil
	}
	for _, old := range []string{"nodes.geojson", "links.geojson"} {
		if exists(old) {
			d.add(pos{file: old}, "", fmt.Errorf("not read: nodes and links in GeoJSON go together in %s", FileGeoJSON))
		}
	}
	geo := exists(FileGeoJSON)
	if geo && (exists(FileNodes) || exists(FileLinks)) {
		d.add(pos{file: FileGeoJSON}, "", fmt.Errorf("both %s and %s/%s are present: keep one form (the CSV files are read)", FileGeoJSON, FileNodes, FileLinks))
		geo = false
	}
	for i := range schema {
		t := &schema[i]
		if geo && (t.File == FileNodes || t.File == FileLinks) {
			if t.File == FileLinks {
				continue
			}
			d.files[model.CompNodes], d.files[model.CompLinks] = FileGeoJSON, FileGeoJSON
			data, ok, err := read(FileGeoJSON)
			if err != nil {
				return err
			}
			if ok {
				d.readGeoJSON(t, tables[FileLinks], data)
			}
			continue
		}
		d.files[t.Component] = t.File
		data, ok, err := read(t.File)
		if err != nil {
			return err
		}
		if !ok {
			if t.Required && !exists(t.File) {
				d.add(pos{file: t.File}, "", fmt.Errorf("missing file: the data set needs %s (%s)", t.File, t.Doc))
			}
			continue
		}
		d.decodeFile(t, data)
	}
	return nil
}

// decodeFile decodes one schema file.
func (d *decoder) decodeFile(t *Table, data []byte) {
	switch t.Component {
	case model.CompMeta:
		d.readYAMLRecord(t, data, "dataset", d.meta)
	case model.CompStudy:
		d.readYAMLRecord(t, data, "study", d.study)
	case model.CompSources:
		d.readCSV(t, data, d.source)
	case model.CompCountries:
		d.readCSV(t, data, d.country)
	case model.CompModes:
		d.readCSV(t, data, d.mode)
	case model.CompNodes:
		d.readCSV(t, data, d.node)
	case model.CompLinks:
		d.readCSV(t, data, d.link)
	case model.CompCommodities:
		d.readCSV(t, data, d.commodity)
	case model.CompMarkets:
		d.readYAMLList(t, data, d.market)
	case model.CompProjects:
		d.readYAMLList(t, data, d.project)
	case model.CompCorrelations:
		d.readYAMLList(t, data, d.correlation)
	}
}

// baseField strips a quantity suffix: "capacity_source" → "capacity".
func baseField(f string) string {
	for _, suf := range []string{"_range", "_source"} {
		if b, ok := strings.CutSuffix(f, suf); ok {
			return b
		}
	}
	return f
}

// suppressed reports whether an issue concerns a value that already failed to decode, so that
// one mistake is reported once.
func (d *decoder) suppressed(is model.Issue) bool {
	for f := is.Field; ; {
		if d.failed[posKey{is.Component, is.ID, f}] || d.failed[posKey{is.Component, is.ID, baseField(f)}] {
			return true
		}
		i := strings.LastIndexByte(f, '/')
		if i < 0 {
			return false
		}
		f = f[:i]
	}
}

// issueError positions a validation issue: at its field's cell, else the nearest enclosing value,
// else the row's id cell, else the file.
func (d *decoder) issueError(is model.Issue, dups map[posKey]int) *diag.Error {
	e := &diag.Error{Field: is.Field, Err: &IssueError{Issue: is}}
	if is.Severity == model.Warning {
		e.Severity = diag.Warning
	}
	p, ok := d.locate(is, dups)
	if !ok {
		p = pos{file: d.files[is.Component]}
		if p.file == "" {
			p.file = string(is.Component)
		}
	}
	e.File, e.Line, e.Col = p.file, p.line, p.col
	return e
}

func (d *decoder) locate(is model.Issue, dups map[posKey]int) (pos, bool) {
	row := posKey{is.Component, is.ID, ""}
	if is.Rule == "duplicate-id" && is.Field == "id" {
		// The k-th report of a duplicate id points at its (k+1)-th row.
		k := dups[row] + 1
		dups[row] = k
		if rows := d.rows[row]; k < len(rows) {
			return rows[k], true
		}
	}
	for f := is.Field; f != ""; {
		if p, ok := d.pos[posKey{is.Component, is.ID, f}]; ok {
			return p, true
		}
		if b := baseField(f); b != f {
			f = b
			continue
		}
		i := strings.LastIndexByte(f, '/')
		if i < 0 {
			break
		}
		f = f[:i]
	}
	if rows := d.rows[row]; len(rows) > 0 {
		return rows[0], true
	}
	return pos{}, false
}

// MaxFileBytes is the largest file of a data set Load reads: far above a national network's
// tables (the built-in files are tens of kB), far below what decoding could hold in memory
// (decoding takes about 30 times a file's size).
const MaxFileBytes = 64 << 20

// readLimited reads file from fsys, refusing one larger than limit bytes before decoding it.
func readLimited(fsys fs.FS, file string, limit int64) ([]byte, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("the file is larger than %d MiB (dataset.MaxFileBytes)", limit>>20)
	}
	return b, nil
}
