package lp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
)

// MPSFormat selects the MPS dialect an MPSReader accepts.
type MPSFormat int

const (
	// MPSAuto reads free MPS and, when that fails, retries as fixed MPS (the zero value). This is
	// the strategy of HiGHS's reader: a fixed-format file whose names have no blanks is also valid
	// free MPS, and names with blanks almost always make the free parse fail.
	MPSAuto MPSFormat = iota
	// MPSFree reads free MPS: fields are separated by white space and names may not contain blanks.
	MPSFree
	// MPSFixed reads fixed MPS: fields sit in columns 2-3, 5-12, 15-22, 25-36, 40-47 and 50-61,
	// so names may contain blanks. The reader accepts names and numbers that spill over into the
	// blank columns between fields.
	MPSFixed
)

func (f MPSFormat) String() string {
	switch f {
	case MPSFree:
		return "free"
	case MPSFixed:
		return "fixed"
	default:
		return "auto"
	}
}

// MPSError is a defect in an MPS file. Error prints "file:line: SECTION: detail", for example
//
//	afiro.mps:12: COLUMNS: unknown row "R09"
type MPSError struct {
	File    string // the name given to the reader
	Line    int    // 1-based line number; for a defect found at the end of input, the last line
	Section string // the MPS section the line belongs to (ROWS, COLUMNS, ...); empty before the first
	Err     error  // what is wrong
}

func (e *MPSError) Error() string {
	if e.Section == "" {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Section, e.Err)
}

// Unwrap returns the underlying defect, so errors.Is(err, errors.ErrUnsupported) finds features
// the reader rejects on purpose (semi-continuous bounds, quadratic and SOS sections).
func (e *MPSError) Unwrap() error { return e.Err }

// MPSReader reads MPS files into Models. The zero value auto-detects the format and logs nothing.
type MPSReader struct {
	Format MPSFormat    // MPSAuto, MPSFree or MPSFixed
	Logger *slog.Logger // receives warnings (a negative UP bound that frees the lower bound); nil discards
	// MaxBytes bounds the text read (after any decompression the caller does); 0 means
	// DefaultMaxMPSBytes. A gzip file of a few MB can expand to gigabytes.
	MaxBytes int64
}

// DefaultMaxMPSBytes is the largest MPS text a reader takes by default: far above the netlib
// and MIPLIB models (tens of MB), far below what would exhaust a machine's memory.
const DefaultMaxMPSBytes = 512 << 20

// ReadMPS reads an MPS model (free or fixed format, detected) from r; name labels errors
// (usually the file name). It is MPSReader{}.Read.
func ReadMPS(r io.Reader, name string) (*Model, error) {
	return MPSReader{}.Read(r, name)
}

// Read reads an MPS model from r; name labels errors (usually the file name). Decompression is
// the caller's business.
//
// Conventions, as in HiGHS, CPLEX and clp (see testdata/netlib/README.md):
//   - The first N row is the objective (or the one OBJNAME names); other N rows are dropped,
//     with their coefficients.
//   - An RHS entry on the objective row is minus the objective constant: Model.Offset = -rhs.
//   - RANGES: on an L row the bounds are [rhs-|R|, rhs], on a G row [rhs, rhs+|R|], on an E row
//     [rhs, rhs+R] if R ≥ 0 and [rhs+R, rhs] if R < 0.
//   - Only the first RHS, RANGES and BOUNDS vector counts; entries of later ones are ignored.
//   - Columns default to [0, +Inf], integer ones (between INTORG and INTEND markers) too.
//     Bound types: UP, LO, FX, FR, MI (lower -Inf only), PL, BV, LI, UI; SC is rejected. An UP
//     or UI bound below zero on a column whose lower bound is 0 also sets the lower bound to
//     -Inf, with a warning (the classic convention; netlib's 80bau3b relies on it).
//   - OBJSENSE (MAX, MAXIMIZE, MIN, MINIMIZE) may be a section or share the header line.
//   - Duplicate names, duplicate matrix entries, NaN and infinite matrix coefficients are errors.
//
// Every error is an *MPSError carrying the line number. Read never panics.
func (mr MPSReader) Read(r io.Reader, name string) (*Model, error) {
	limit := mr.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxMPSBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, &MPSError{File: name, Err: fmt.Errorf("read: %w", err)}
	}
	if int64(len(data)) > limit {
		return nil, &MPSError{File: name, Err: fmt.Errorf("the model text is larger than %d bytes (MPSReader.MaxBytes)", limit)}
	}
	switch mr.Format {
	case MPSFree:
		return mr.parse(data, name, false)
	case MPSFixed:
		return mr.parse(data, name, true)
	}
	m, errFree := mr.parse(data, name, false)
	if errFree == nil {
		return m, nil
	}
	m, errFixed := mr.parse(data, name, true)
	if errFixed == nil {
		return m, nil
	}
	// Report the attempt that got further: it is more likely the intended format.
	var ef, ex *MPSError
	if errors.As(errFree, &ef) && errors.As(errFixed, &ex) && ex.Line > ef.Line {
		return nil, errFixed
	}
	return nil, errFree
}

// MPS row kinds as they appear in the ROWS section.
const (
	rowN = 'N'
	rowL = 'L'
	rowG = 'G'
	rowE = 'E'
)

// Special values of mpsParser.rowIndex for N rows.
const (
	rowObjective = -1 // the objective row
	rowDropped   = -2 // an extra N row, ignored
)

// mpsParser holds the state of one parse.
type mpsParser struct {
	file    string
	fixed   bool
	log     *slog.Logger
	line    int
	section string

	m        *Model
	objName  string // from OBJNAME, or the first N row
	hasObj   bool   // an objective row was declared in ROWS
	rowIndex map[string]int
	rowKind  []byte
	rhs      []float64
	rng      []float64
	hasRng   []bool
	rngLine  []int
	rowLast  []int // 1 + index of the last column with an entry in the row, for duplicate checks
	objLast  int   // same for the objective row
	colIndex map[string]int
	curCol   int
	integer  bool // between INTORG and INTEND

	rank                   int // 0 before ROWS, 1 in ROWS, 2 in COLUMNS, 3 after
	rhsSet, rngSet, bndSet string
	rhsSeen, rngSeen       bool
	bndSeen                bool
}

// Section ranks: ROWS, then COLUMNS, then RHS/RANGES/BOUNDS in any order.
const (
	rankStart = iota
	rankRows
	rankColumns
	rankData
)

func (mr MPSReader) parse(data []byte, name string, fixed bool) (*Model, error) {
	p := &mpsParser{
		file:     name,
		fixed:    fixed,
		log:      mr.Logger,
		m:        &Model{},
		rowIndex: make(map[string]int),
		colIndex: make(map[string]int),
		curCol:   -1,
	}
	ended := false
	for len(data) > 0 && !ended {
		var raw []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			raw, data = data, nil
		}
		p.line++
		line := strings.TrimRight(string(raw), " \t\r\f\v")
		if line == "" || line[0] == '*' {
			continue
		}
		var err error
		if line[0] == ' ' || line[0] == '\t' {
			err = p.dataLine(line)
		} else {
			ended, err = p.header(line)
		}
		if err != nil {
			return nil, p.errorf("%w", err)
		}
	}
	if !ended {
		if p.line == 0 {
			p.line = 1
		}
		return nil, p.errorf("missing ENDATA (input ends in section %s)", orNone(p.section))
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.m, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func (p *mpsParser) errorf(format string, args ...any) error {
	return &MPSError{File: p.file, Line: p.line, Section: p.section, Err: fmt.Errorf(format, args...)}
}

// header handles a section line; it reports whether the line was ENDATA.
func (p *mpsParser) header(line string) (bool, error) {
	tok := strings.Fields(line)
	key := tok[0]
	switch key {
	case "NAME":
		p.section = key
		p.m.Name = strings.TrimSpace(line[len(key):])
		return false, nil
	case "OBJSENSE", "OBJSENSE:":
		p.section = "OBJSENSE"
		if len(tok) > 1 {
			return false, p.objSense(tok[1])
		}
		return false, nil
	case "OBJNAME", "OBJNAME:":
		p.section = "OBJNAME"
		if len(tok) > 1 {
			return false, p.objNameLine(tok[1])
		}
		return false, nil
	case "ROWS":
		p.section = key
		if p.rank >= rankRows {
			return false, errors.New("ROWS section appears twice or after COLUMNS")
		}
		p.rank = rankRows
		return false, nil
	case "COLUMNS":
		p.section = key
		if p.rank != rankRows {
			if p.rank < rankRows {
				return false, errors.New("COLUMNS section before ROWS")
			}
			return false, errors.New("COLUMNS section appears twice or after RHS, RANGES or BOUNDS")
		}
		p.rank = rankColumns
		return false, nil
	case "RHS", "RANGES", "BOUNDS":
		p.section = key
		if p.rank < rankColumns {
			return false, fmt.Errorf("%s section before COLUMNS", key)
		}
		p.rank = rankData
		return false, nil
	case "ENDATA":
		p.section = key
		return true, nil
	case "SOS", "QUADOBJ", "QMATRIX", "QSECTION", "QCMATRIX", "CSECTION", "INDICATORS", "LAZYCONS", "USERCUTS", "GENCONS", "PWLOBJ":
		p.section = key
		return false, fmt.Errorf("section %s: %w", key, errors.ErrUnsupported)
	}
	p.section = ""
	return false, fmt.Errorf("unknown section %q", key)
}

func (p *mpsParser) objSense(word string) error {
	switch word {
	case "MAX", "MAXIMIZE", "MAXIMISE":
		p.m.Sense = Maximize
	case "MIN", "MINIMIZE", "MINIMISE":
		p.m.Sense = Minimize
	default:
		return fmt.Errorf("unknown objective sense %q (want MAX or MIN)", word)
	}
	return nil
}

func (p *mpsParser) objNameLine(word string) error {
	if p.rank >= rankRows {
		return errors.New("OBJNAME must come before ROWS")
	}
	p.objName = word
	return nil
}

// dataLine dispatches a line that starts with white space.
func (p *mpsParser) dataLine(line string) error {
	switch p.section {
	case "OBJSENSE":
		return p.objSense(strings.TrimSpace(line))
	case "OBJNAME":
		return p.objNameLine(strings.TrimSpace(line))
	case "ROWS":
		return p.rowLine(line)
	case "COLUMNS":
		return p.columnLine(line)
	case "RHS", "RANGES":
		return p.rhsLine(line)
	case "BOUNDS":
		return p.boundLine(line)
	case "NAME", "":
		return errors.New("data line outside a section")
	}
	return errors.New("data line after ENDATA")
}

// fixedField returns the trimmed text of a fixed-format field spanning columns [from, to)
// (0-based byte offsets); to < 0 means the rest of the line.
func fixedField(line string, from, to int) string {
	if from >= len(line) {
		return ""
	}
	if to < 0 || to > len(line) {
		to = len(line)
	}
	return strings.TrimSpace(line[from:to])
}

// fixedFields splits a fixed-format data line into its six fields. Names keep inner blanks.
// Fields are widened into the blank columns that separate them (a name in 5-14, a number in
// 25-39) to accept slightly misaligned files.
func fixedFields(line string) [6]string {
	return [6]string{
		fixedField(line, 1, 3),
		fixedField(line, 4, 14),
		fixedField(line, 14, 24),
		fixedField(line, 24, 39),
		fixedField(line, 39, 49),
		fixedField(line, 49, -1),
	}
}

func (p *mpsParser) rowLine(line string) error {
	var kind, name string
	if p.fixed {
		f := fixedFields(line)
		kind, name = f[0], strings.TrimSpace(line[min(4, len(line)):])
	} else {
		tok := strings.Fields(line)
		if len(tok) != 2 {
			return fmt.Errorf("want a row type and a name, got %d fields", len(tok))
		}
		kind, name = tok[0], tok[1]
	}
	if name == "" {
		return errors.New("row without a name")
	}
	if len(kind) != 1 || !strings.Contains("NLGE", kind) {
		return fmt.Errorf("unknown row type %q for row %q (want N, L, G or E)", kind, name)
	}
	if _, dup := p.rowIndex[name]; dup {
		return fmt.Errorf("row %q declared twice", name)
	}
	if kind[0] == rowN {
		if !p.hasObj && (p.objName == "" || p.objName == name) {
			p.hasObj = true
			p.objName = name
			p.rowIndex[name] = rowObjective
		} else {
			p.rowIndex[name] = rowDropped
		}
		return nil
	}
	p.rowIndex[name] = len(p.m.Rows)
	p.m.Rows = append(p.m.Rows, Row{Name: name})
	p.rowKind = append(p.rowKind, kind[0])
	p.rhs = append(p.rhs, 0)
	p.rng = append(p.rng, 0)
	p.hasRng = append(p.hasRng, false)
	p.rngLine = append(p.rngLine, 0)
	p.rowLast = append(p.rowLast, 0)
	return nil
}

// parseNumber reads an MPS number. Values beyond the float64 range become ±Inf; NaN is an error.
func parseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
			return 0, fmt.Errorf("invalid number %q", s)
		}
	}
	if math.IsNaN(v) {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	return v, nil
}

// pair is a (row name, value) field pair of a COLUMNS, RHS or RANGES line.
type pair struct{ row, val string }

// freePairs splits tokens into name/value pairs; it needs 2 or 4 tokens.
func freePairs(tok []string) ([]pair, error) {
	switch len(tok) {
	case 2:
		return []pair{{tok[0], tok[1]}}, nil
	case 4:
		return []pair{{tok[0], tok[1]}, {tok[2], tok[3]}}, nil
	}
	return nil, fmt.Errorf("want 1 or 2 name/value pairs, got %d fields", len(tok))
}

// fixedPairs returns the pairs in fields 3-6 of a fixed line.
func fixedPairs(f [6]string) ([]pair, error) {
	if f[2] == "" {
		return nil, errors.New("missing row name in columns 15-22")
	}
	ps := []pair{{f[2], f[3]}}
	if f[4] != "" || f[5] != "" {
		if f[4] == "" {
			return nil, errors.New("missing row name in columns 40-47")
		}
		ps = append(ps, pair{f[4], f[5]})
	}
	return ps, nil
}

func (p *mpsParser) columnLine(line string) error {
	var col string
	var ps []pair
	var err error
	if p.fixed {
		f := fixedFields(line)
		if f[2] == "'MARKER'" {
			return p.marker(f[4])
		}
		col = f[1]
		ps, err = fixedPairs(f)
	} else {
		tok := strings.Fields(line)
		if len(tok) == 3 && tok[1] == "'MARKER'" {
			return p.marker(tok[2])
		}
		if len(tok) != 3 && len(tok) != 5 {
			return fmt.Errorf("want a column name and 1 or 2 row/value pairs, got %d fields", len(tok))
		}
		col = tok[0]
		ps, err = freePairs(tok[1:])
	}
	if err != nil {
		return err
	}
	if col == "" {
		return errors.New("column without a name")
	}
	j, seen := p.colIndex[col]
	switch {
	case !seen:
		j = len(p.m.Vars)
		p.colIndex[col] = j
		v := Var{Name: col, Upper: math.Inf(1), Integer: p.integer}
		p.m.Vars = append(p.m.Vars, v)
		p.curCol = j
	case j != p.curCol:
		return fmt.Errorf("column %q appears in two separate blocks", col)
	}
	for _, e := range ps {
		v, err := parseNumber(e.val)
		if err != nil {
			return err
		}
		if math.IsInf(v, 0) {
			return fmt.Errorf("infinite coefficient %q for column %q", e.val, col)
		}
		i, ok := p.rowIndex[e.row]
		if !ok {
			return fmt.Errorf("unknown row %q", e.row)
		}
		switch i {
		case rowDropped:
		case rowObjective:
			if p.objLast == j+1 {
				return fmt.Errorf("duplicate entry for column %q in row %q", col, e.row)
			}
			p.objLast = j + 1
			p.m.Vars[j].Cost = v
		default:
			if p.rowLast[i] == j+1 {
				return fmt.Errorf("duplicate entry for column %q in row %q", col, e.row)
			}
			p.rowLast[i] = j + 1
			if v != 0 {
				r := &p.m.Rows[i]
				r.Index = append(r.Index, j)
				r.Coef = append(r.Coef, v)
			}
		}
	}
	return nil
}

func (p *mpsParser) marker(kind string) error {
	switch kind {
	case "'INTORG'":
		p.integer = true
	case "'INTEND'":
		p.integer = false
	default:
		return fmt.Errorf("unknown marker %q (want 'INTORG' or 'INTEND')", kind)
	}
	return nil
}

// rhsLine reads an RHS or RANGES line (same layout).
func (p *mpsParser) rhsLine(line string) error {
	var set string
	var ps []pair
	var err error
	if p.fixed {
		f := fixedFields(line)
		set = f[1]
		ps, err = fixedPairs(f)
	} else {
		tok := strings.Fields(line)
		if len(tok)%2 == 1 {
			set, tok = tok[0], tok[1:]
		}
		ps, err = freePairs(tok)
	}
	if err != nil {
		return err
	}
	isRHS := p.section == "RHS"
	if isRHS {
		if !p.first(&p.rhsSeen, &p.rhsSet, set) {
			return nil
		}
	} else if !p.first(&p.rngSeen, &p.rngSet, set) {
		return nil
	}
	for _, e := range ps {
		v, err := parseNumber(e.val)
		if err != nil {
			return err
		}
		i, ok := p.rowIndex[e.row]
		if !ok {
			return fmt.Errorf("unknown row %q", e.row)
		}
		switch {
		case i == rowDropped:
		case i == rowObjective && isRHS:
			if math.IsInf(v, 0) {
				return fmt.Errorf("infinite objective constant %q", e.val)
			}
			p.m.Offset = -v
		case i == rowObjective:
			return fmt.Errorf("range on the objective row %q", e.row)
		case isRHS:
			p.rhs[i] = v
		default:
			p.rng[i], p.hasRng[i], p.rngLine[i] = v, true, p.line
		}
	}
	return nil
}

// first reports whether a line of vector set belongs to the first vector of its section; an
// empty set name belongs to whichever vector is current.
func (p *mpsParser) first(seen *bool, first *string, set string) bool {
	if !*seen {
		*seen, *first = true, set
		return true
	}
	if set == "" || *first == "" || set == *first {
		return true
	}
	p.debug("ignoring a second vector", "set", set)
	return false
}

func (p *mpsParser) debug(msg string, args ...any) {
	if p.log != nil {
		p.log.Debug(msg, append([]any{"file", p.file, "line", p.line, "section", p.section}, args...)...)
	}
}

func (p *mpsParser) boundLine(line string) error {
	var kind, set, col, val string
	if p.fixed {
		f := fixedFields(line)
		kind, set, col, val = f[0], f[1], f[2], f[3]
	} else {
		tok := strings.Fields(line)
		kind = tok[0]
		needsValue := boundNeedsValue(kind)
		switch {
		case needsValue && len(tok) == 4:
			set, col, val = tok[1], tok[2], tok[3]
		case needsValue && len(tok) == 3:
			col, val = tok[1], tok[2]
		case !needsValue && (len(tok) == 3 || len(tok) == 4):
			set, col = tok[1], tok[2]
		case !needsValue && len(tok) == 2:
			col = tok[1]
		default:
			return fmt.Errorf("want a bound type, an optional vector name, a column and a value, got %d fields", len(tok))
		}
	}
	if !p.first(&p.bndSeen, &p.bndSet, set) {
		return nil
	}
	if col == "" {
		return errors.New("missing column name")
	}
	j, ok := p.colIndex[col]
	if !ok {
		return fmt.Errorf("unknown column %q", col)
	}
	v := &p.m.Vars[j]
	var x float64
	if boundNeedsValue(kind) {
		var err error
		if val == "" {
			return fmt.Errorf("bound %s on column %q needs a value", kind, col)
		}
		if x, err = parseNumber(val); err != nil {
			return err
		}
	}
	switch kind {
	case "UP", "UI":
		if x < 0 && v.Lower == 0 {
			v.Lower = math.Inf(-1)
			if p.log != nil {
				p.log.Warn("negative upper bound with lower bound 0: lower bound set to -Inf",
					"file", p.file, "line", p.line, "column", col, "upper", x)
			}
		}
		v.Upper = x
		v.Integer = v.Integer || kind == "UI"
	case "LO", "LI":
		v.Lower = x
		v.Integer = v.Integer || kind == "LI"
	case "FX":
		v.Lower, v.Upper = x, x
	case "FR":
		v.Lower, v.Upper = math.Inf(-1), math.Inf(1)
	case "MI":
		v.Lower = math.Inf(-1)
	case "PL":
		v.Upper = math.Inf(1)
	case "BV":
		v.Lower, v.Upper, v.Integer = 0, 1, true
	case "SC":
		return fmt.Errorf("bound type SC (semi-continuous) on column %q: %w", col, errors.ErrUnsupported)
	default:
		return fmt.Errorf("unknown bound type %q on column %q", kind, col)
	}
	return nil
}

// boundNeedsValue reports whether a bound type takes a value field.
func boundNeedsValue(kind string) bool {
	switch kind {
	case "UP", "LO", "FX", "LI", "UI", "SC":
		return true
	}
	return false
}

// finish turns row kinds, right-hand sides and ranges into row bounds.
func (p *mpsParser) finish() error {
	if p.objName != "" && !p.hasObj {
		return p.errorf("OBJNAME names %q, which is not an N row", p.objName)
	}
	inf := math.Inf(1)
	for i := range p.m.Rows {
		r := &p.m.Rows[i]
		b, rg := p.rhs[i], p.rng[i]
		switch p.rowKind[i] {
		case rowL:
			r.Lower, r.Upper = -inf, b
			if p.hasRng[i] {
				r.Lower = b - math.Abs(rg)
			}
		case rowG:
			r.Lower, r.Upper = b, inf
			if p.hasRng[i] {
				r.Upper = b + math.Abs(rg)
			}
		default: // rowE
			r.Lower, r.Upper = b, b
			if p.hasRng[i] {
				if rg >= 0 {
					r.Upper = b + rg
				} else {
					r.Lower = b + rg
				}
			}
		}
		if math.IsNaN(r.Lower) || math.IsNaN(r.Upper) {
			p.line, p.section = p.rngLine[i], "RANGES"
			return p.errorf("range %g on row %q with right-hand side %g gives no valid bound", rg, r.Name, b)
		}
	}
	return nil
}
