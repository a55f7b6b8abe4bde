package lp

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// netlibDir holds the netlib subset shipped with the repository (see testdata/netlib/README.md).
const netlibDir = "../testdata/netlib"

var inf = math.Inf(1)

// readGz reads a gzipped MPS file from testdata.
func readGz(t testing.TB, path string) *Model {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadMPS(z, filepath.Base(path))
	if err != nil {
		t.Fatalf("ReadMPS(%s) = %v", path, err)
	}
	return m
}

// optimaRow is one line of testdata/netlib/OPTIMA.tsv.
type optimaRow map[string]string

func readOptima(t testing.TB) []optimaRow {
	t.Helper()
	f, err := os.Open(filepath.Join(netlibDir, "OPTIMA.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var head []string
	var out []optimaRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		if head == nil {
			head = fields
			continue
		}
		row := optimaRow{}
		for i, h := range head {
			if i < len(fields) {
				row[h] = fields[i]
			}
		}
		out = append(out, row)
	}
	return out
}

// TestReadMPSNetlibCounts checks the reader against the row, column and nonzero counts that
// OPTIMA.tsv records (parsed_* columns, from an independent plain MPS reader).
func TestReadMPSNetlibCounts(t *testing.T) {
	rows := readOptima(t)
	if len(rows) != 20 {
		t.Fatalf("OPTIMA.tsv has %d problems, want 20", len(rows))
	}
	for _, o := range rows {
		t.Run(o["name"], func(t *testing.T) {
			t.Parallel()
			m := readGz(t, filepath.Join(netlibDir, o["file"]))
			nObj := 0
			for _, v := range m.Vars {
				if v.Cost != 0 {
					nObj++
				}
			}
			for _, c := range []struct {
				col string
				got int
			}{
				{"parsed_constraint_rows", len(m.Rows)},
				{"parsed_cols", len(m.Vars)},
				{"parsed_nnz_A", m.NonZeros()},
				{"parsed_nnz_obj", nObj},
			} {
				if want, _ := strconv.Atoi(o[c.col]); c.got != want {
					t.Errorf("%s: %s = %d, want %d", o["name"], c.col, c.got, want)
				}
			}
		})
	}
}

// TestReadMPSE226Offset checks the objective-constant convention on the one netlib problem
// that needs it: e226's objective row has RHS -7.113, so the offset is +7.113
// (testdata/netlib/README.md).
func TestReadMPSE226Offset(t *testing.T) {
	m := readGz(t, filepath.Join(netlibDir, "e226.mps.gz"))
	if m.Offset != 7.113 {
		t.Errorf("e226: Offset = %v, want 7.113", m.Offset)
	}
}

func TestReadMPS(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		want *Model
	}{
		{
			name: "free minimal",
			in: `NAME TINY
ROWS
 N obj
 L c1
COLUMNS
 x obj 1 c1 2
 y c1 3
RHS
 rhs c1 4
ENDATA
`,
			want: &Model{Name: "TINY", Vars: []Var{{Name: "x", Upper: inf, Cost: 1}, {Name: "y", Upper: inf}},
				Rows: []Row{{Name: "c1", Index: []int{0, 1}, Coef: []float64{2, 3}, Lower: -inf, Upper: 4}}},
		},
		{
			// Fixed format with blanks inside names, as forplan has.
			name: "fixed with blanks in names",
			in: "NAME          FIX\n" +
				"ROWS\n" +
				fixedLine("N", "COST", "", "", "", "") +
				fixedLine("G", "ROW 1", "", "", "", "") +
				"COLUMNS\n" +
				fixedLine("", "COL A", "COST", "1.", "ROW 1", "2.") +
				"RHS\n" +
				fixedLine("", "RHS", "ROW 1", "5.", "", "") +
				"BOUNDS\n" +
				fixedLine("UP", "BND", "COL A", "7.", "", "") +
				"ENDATA\n",
			want: &Model{Name: "FIX", Vars: []Var{{Name: "COL A", Upper: 7, Cost: 1}},
				Rows: []Row{{Name: "ROW 1", Index: []int{0}, Coef: []float64{2}, Lower: 5, Upper: inf}}},
		},
		{
			// Range sign rules (e.g. the CPLEX and lp_solve MPS documentation):
			// L [rhs-|R|, rhs]; G [rhs, rhs+|R|]; E R>0 [rhs, rhs+R]; E R<0 [rhs+R, rhs].
			name: "ranges sign table",
			in: `NAME
ROWS
 N obj
 L l1
 L l2
 G g1
 G g2
 E e1
 E e2
 E e3
COLUMNS
 x l1 1 l2 1
 x g1 1 g2 1
 x e1 1 e2 1
 x e3 1
RHS
 rhs l1 10 l2 10
 rhs g1 10 g2 10
 rhs e1 10 e2 10
 rhs e3 10
RANGES
 rng l1 4 l2 -4
 rng g1 4 g2 -4
 rng e1 4 e2 -4
 rng e3 0
ENDATA
`,
			want: &Model{Vars: []Var{{Name: "x", Upper: inf}}, Rows: []Row{
				{Name: "l1", Index: []int{0}, Coef: []float64{1}, Lower: 6, Upper: 10},
				{Name: "l2", Index: []int{0}, Coef: []float64{1}, Lower: 6, Upper: 10},
				{Name: "g1", Index: []int{0}, Coef: []float64{1}, Lower: 10, Upper: 14},
				{Name: "g2", Index: []int{0}, Coef: []float64{1}, Lower: 10, Upper: 14},
				{Name: "e1", Index: []int{0}, Coef: []float64{1}, Lower: 10, Upper: 14},
				{Name: "e2", Index: []int{0}, Coef: []float64{1}, Lower: 6, Upper: 10},
				{Name: "e3", Index: []int{0}, Coef: []float64{1}, Lower: 10, Upper: 10},
			}},
		},
		{
			name: "bound types",
			in: `NAME
ROWS
 N obj
COLUMNS
 a obj 1
 b obj 1
 c obj 1
 d obj 1
 e obj 1
 f obj 1
 g obj 1
 h obj 1
 i obj 1
 k obj 1
BOUNDS
 UP bnd a 4
 LO bnd b -2
 FX bnd c 3.5
 FR bnd d
 MI bnd e
 UP bnd e 8
 LO bnd f 1
 PL bnd f
 BV bnd g
 LI bnd h -1
 UI bnd h 9
 UP bnd i -3
 UP bnd k -3
 LO bnd k 0
ENDATA
`,
			want: &Model{Vars: []Var{
				{Name: "a", Lower: 0, Upper: 4, Cost: 1},
				{Name: "b", Lower: -2, Upper: inf, Cost: 1},
				{Name: "c", Lower: 3.5, Upper: 3.5, Cost: 1},
				{Name: "d", Lower: -inf, Upper: inf, Cost: 1},
				{Name: "e", Lower: -inf, Upper: 8, Cost: 1},
				{Name: "f", Lower: 1, Upper: inf, Cost: 1},
				{Name: "g", Lower: 0, Upper: 1, Cost: 1, Integer: true},
				{Name: "h", Lower: -1, Upper: 9, Cost: 1, Integer: true},
				{Name: "i", Lower: -inf, Upper: -3, Cost: 1}, // negative UP with lower 0: lower -Inf
				{Name: "k", Lower: 0, Upper: -3, Cost: 1},    // LO after UP restores lower 0
			}},
		},
		{
			name: "objective sense section, offset, extra N row, integer markers, second vectors",
			in: `NAME M
OBJSENSE
    MAXIMIZE
ROWS
 E c1
 N obj
 N other
COLUMNS
    MARKER 'MARKER' 'INTORG'
 x obj 2 other 5
 x c1 1
    MARKER 'MARKER' 'INTEND'
 y obj 3 c1 1
RHS
 rhs obj 10 c1 4
 rhs other 99
 rhs2 c1 5
BOUNDS
 UP bnd x 3
 UP bnd2 y 1
ENDATA
`,
			want: &Model{Name: "M", Sense: Maximize, Offset: -10, Vars: []Var{
				{Name: "x", Upper: 3, Cost: 2, Integer: true},
				{Name: "y", Upper: inf, Cost: 3},
			}, Rows: []Row{{Name: "c1", Index: []int{0, 1}, Coef: []float64{1, 1}, Lower: 4, Upper: 4}}},
		},
		{
			name: "objective sense on the header line, OBJNAME, comments, blank lines, zero entries, CRLF",
			in:   "* comment\r\nNAME\r\nOBJSENSE MAX\r\nOBJNAME second\r\nROWS\r\n N first\r\n N second\r\n\r\n G c\r\nCOLUMNS\r\n x first 7 second 1\r\n x c 0\r\nENDATA\r\n",
			want: &Model{Sense: Maximize, Vars: []Var{{Name: "x", Upper: inf, Cost: 1}},
				Rows: []Row{{Name: "c", Lower: 0, Upper: inf}}},
		},
		{
			name: "RHS without a vector name, numbers out of range and Fortran-style",
			in: `NAME
ROWS
 N obj
 L c
COLUMNS
 x c 1. obj -1e-3
RHS
 c 1e999
BOUNDS
 UP x 5
ENDATA
`,
			want: &Model{Vars: []Var{{Name: "x", Upper: 5, Cost: -1e-3}},
				Rows: []Row{{Name: "c", Index: []int{0}, Coef: []float64{1}, Lower: -inf, Upper: inf}}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadMPS(strings.NewReader(tt.in), "t.mps")
			if err != nil {
				t.Fatalf("ReadMPS = %v, want nil error", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ReadMPS =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// fixedLine lays out a fixed-format MPS data line: fields in columns 2-3, 5-12, 15-22, 25-36,
// 40-47 and 50-61, numbers right-aligned.
func fixedLine(f1, f2, f3, f4, f5, f6 string) string {
	return strings.TrimRight(fmt.Sprintf(" %-2s %-8s  %-8s  %12s   %-8s  %12s", f1, f2, f3, f4, f5, f6), " ") + "\n"
}

func TestReadMPSNegativeUpperWarns(t *testing.T) {
	var buf bytes.Buffer
	r := MPSReader{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	in := "NAME\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n UP b x -1\nENDATA\n"
	if _, err := r.Read(strings.NewReader(in), "w.mps"); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "line=7") {
		t.Errorf("log = %q, want a warning naming line 7", got)
	}
}

func TestReadMPSFormat(t *testing.T) {
	// A name with a blank: free format must refuse it, fixed and auto must read it.
	in := "NAME\nROWS\n N  OBJ\n L  MY ROW\nCOLUMNS\n    X         MY ROW            1.\nENDATA\n"
	for _, tt := range []struct {
		f       MPSFormat
		wantErr string
	}{
		{MPSAuto, ""},
		{MPSFixed, ""},
		{MPSFree, "f.mps:4: ROWS: want a row type and a name, got 3 fields"},
	} {
		t.Run(tt.f.String(), func(t *testing.T) {
			m, err := MPSReader{Format: tt.f}.Read(strings.NewReader(in), "f.mps")
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Read = %v, want error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read = %v", err)
			}
			if got := m.Rows[0].Name; got != "MY ROW" {
				t.Errorf("row name = %q, want %q", got, "MY ROW")
			}
		})
	}
}

func TestReadMPSErrors(t *testing.T) {
	const head = "NAME\nROWS\n N obj\n L c\nCOLUMNS\n x obj 1 c 1\n"
	for _, tt := range []struct {
		name, in, want string
	}{
		{"unknown row", "NAME\nROWS\n N COST\nCOLUMNS\n X R09 1\nENDATA\n", `afiro.mps:5: COLUMNS: unknown row "R09"`},
		{"missing ENDATA", head, "afiro.mps:6: COLUMNS: missing ENDATA (input ends in section COLUMNS)"},
		{"empty input", "", "afiro.mps:1: missing ENDATA (input ends in section none)"},
		{"bad number", head + "RHS\n r c x1\nENDATA\n", `afiro.mps:8: RHS: invalid number "x1"`},
		{"NaN", head + "RHS\n r c NaN\nENDATA\n", `afiro.mps:8: RHS: invalid number "NaN"`},
		{"infinite coefficient", "NAME\nROWS\n N obj\nCOLUMNS\n x obj 1e999\nENDATA\n", `afiro.mps:5: COLUMNS: infinite coefficient "1e999" for column "x"`},
		{"unknown column", head + "BOUNDS\n UP b z 1\nENDATA\n", `afiro.mps:8: BOUNDS: unknown column "z"`},
		{"semi-continuous", head + "BOUNDS\n SC b x 1\nENDATA\n", `afiro.mps:8: BOUNDS: bound type SC (semi-continuous) on column "x": unsupported operation`},
		{"unknown bound", head + "BOUNDS\n XX b x 1\nENDATA\n", `afiro.mps:8: BOUNDS: unknown bound type "XX" on column "x"`},
		{"unknown section", head + "FOO\nENDATA\n", `afiro.mps:7: unknown section "FOO"`},
		{"quadratic", head + "QUADOBJ\nENDATA\n", `afiro.mps:7: QUADOBJ: section QUADOBJ: unsupported operation`},
		{"duplicate row", "NAME\nROWS\n N obj\n L c\n G c\nENDATA\n", `afiro.mps:5: ROWS: row "c" declared twice`},
		{"bad row type", "NAME\nROWS\n X c\nENDATA\n", `afiro.mps:3: ROWS: unknown row type "X" for row "c" (want N, L, G or E)`},
		{"duplicate entry", "NAME\nROWS\n N obj\n L c\nCOLUMNS\n x c 1 c 2\nENDATA\n", `afiro.mps:6: COLUMNS: duplicate entry for column "x" in row "c"`},
		{"split column", head + " y c 1\n x c 2\nENDATA\n", `afiro.mps:8: COLUMNS: column "x" appears in two separate blocks`},
		{"range on objective", head + "RANGES\n r obj 1\nENDATA\n", `afiro.mps:8: RANGES: range on the objective row "obj"`},
		{"data outside section", " x obj 1\n", "afiro.mps:1: data line outside a section"},
		{"COLUMNS before ROWS", "NAME\nCOLUMNS\nENDATA\n", "afiro.mps:2: COLUMNS: COLUMNS section before ROWS"},
		{"bad sense", "NAME\nOBJSENSE\n UP\nENDATA\n", `afiro.mps:3: OBJSENSE: unknown objective sense "UP" (want MAX or MIN)`},
		{"bad marker", "NAME\nROWS\n N obj\nCOLUMNS\n M 'MARKER' 'FOO'\nENDATA\n", `afiro.mps:5: COLUMNS: unknown marker "'FOO'" (want 'INTORG' or 'INTEND')`},
		{"OBJNAME not found", "NAME\nOBJNAME z\nROWS\n N obj\nCOLUMNS\nENDATA\n", `afiro.mps:6: ENDATA: OBJNAME names "z", which is not an N row`},
		{"range gives NaN", "NAME\nROWS\n N obj\n L c\nCOLUMNS\n x c 1\nRHS\n r c Inf\nRANGES\n r c Inf\nENDATA\n", `afiro.mps:10: RANGES: range +Inf on row "c" with right-hand side +Inf gives no valid bound`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadMPS(strings.NewReader(tt.in), "afiro.mps")
			if err == nil {
				t.Fatalf("ReadMPS(%q) = nil error, want %q", tt.in, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ReadMPS(%q) error\n got %q\nwant %q", tt.in, err.Error(), tt.want)
			}
			var me *MPSError
			if !errors.As(err, &me) {
				t.Errorf("error %v is not an *MPSError", err)
			}
		})
	}
}

func TestReadMPSUnsupportedIs(t *testing.T) {
	_, err := ReadMPS(strings.NewReader("NAME\nROWS\n N o\nCOLUMNS\n x o 1\nBOUNDS\n SC b x 1\nENDATA\n"), "sc.mps")
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("ReadMPS with an SC bound = %v, want errors.Is ErrUnsupported", err)
	}
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestReadMPSReadError(t *testing.T) {
	_, err := ReadMPS(failReader{}, "x.mps")
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) || !strings.HasPrefix(err.Error(), "x.mps:") {
		t.Errorf("ReadMPS(failing reader) = %v, want an x.mps: error wrapping io.ErrUnexpectedEOF", err)
	}
}

// roundTrip writes m and reads it back, failing the test on any error.
func roundTrip(t testing.TB, m *Model) (*Model, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMPS(&buf, m); err != nil {
		t.Fatalf("WriteMPS = %v", err)
	}
	out := bytes.Clone(buf.Bytes())
	m2, err := ReadMPS(&buf, "roundtrip.mps")
	if err != nil {
		t.Fatalf("ReadMPS(WriteMPS(m)) = %v\n%s", err, out)
	}
	return m2, out
}

// withWrittenNames returns a copy of m carrying the names WriteMPS gives it.
func withWrittenNames(m *Model) *Model {
	c := *m
	c.Name = mpsModelName(m.Name)
	_, rows, cols := mpsNames(m)
	c.Rows = append([]Row(nil), m.Rows...)
	c.Vars = append([]Var(nil), m.Vars...)
	for i := range c.Rows {
		c.Rows[i].Name = rows[i]
	}
	for j := range c.Vars {
		c.Vars[j].Name = cols[j]
	}
	return &c
}

func TestWriteMPSRoundTripNetlib(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(netlibDir, "*.mps.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no netlib files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			m := readGz(t, f)
			m2, out := roundTrip(t, m)
			if !reflect.DeepEqual(m2, m) {
				t.Errorf("read(write(m)) differs from m")
			}
			_, out2 := roundTrip(t, m2)
			if !bytes.Equal(out, out2) {
				t.Errorf("write(read(write(m))) differs from write(m)")
			}
		})
	}
}

func TestWriteMPSRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    *Model
	}{
		{"empty", &Model{}},
		{"ranges and odd bounds", &Model{Name: "odd", Sense: Maximize, Offset: 1.5,
			Vars: []Var{
				{Name: "a", Lower: -inf, Upper: -2, Cost: 0.1},
				{Name: "b", Lower: 0, Upper: -2},
				{Name: "c", Lower: 3, Upper: 1, Integer: true},
				{Name: "d", Lower: -inf, Upper: inf, Integer: true},
				{Name: "e", Lower: 0, Upper: 1, Integer: true},
				{Name: "f", Lower: inf, Upper: inf},
				{Name: "g", Lower: 0.1, Upper: inf},
			},
			Rows: []Row{
				{Name: "r0", Index: []int{0, 6}, Coef: []float64{1, -1e-300}, Lower: 0.1, Upper: 0.3},
				{Name: "r1", Index: []int{1}, Coef: []float64{2}, Lower: -1e300, Upper: 1},
				{Name: "r2", Index: []int{2}, Coef: []float64{3}, Lower: -inf, Upper: inf},
				{Name: "r3", Lower: -inf, Upper: -inf},
				{Name: "r4", Index: []int{3}, Coef: []float64{4}, Lower: -1, Upper: 1e300},
				// 1+2⁻⁵² + 2 rounds to 3: the writer must find R = 2 (or 2+2⁻⁵¹ from the L side).
				{Name: "r5", Index: []int{4}, Coef: []float64{5}, Lower: 1.0000000000000002, Upper: 3},
			}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, out := roundTrip(t, tt.m)
			if want := withWrittenNames(tt.m); !reflect.DeepEqual(got, want) {
				t.Errorf("read(write(m)) =\n%+v\nwant\n%+v\nMPS:\n%s", got, want, out)
			}
		})
	}
}

func TestWriteMPSNames(t *testing.T) {
	m := &Model{
		Name: "two\nlines ",
		Vars: []Var{{Name: ""}, {Name: "x"}, {Name: "x"}, {Name: "C2"}, {Name: "has blank"}},
		Rows: []Row{{Name: "OBJ", Lower: -inf, Upper: 1}, {Name: "'MARKER'", Lower: -inf, Upper: 1}},
	}
	got := withWrittenNames(m)
	var names []string
	for _, v := range got.Vars {
		names = append(names, v.Name)
	}
	for _, r := range got.Rows {
		names = append(names, r.Name)
	}
	obj, _, _ := mpsNames(m)
	names = append(names, obj, got.Name)
	want := []string{"C0", "x", "C2_1", "C2", "C4", "OBJ", "R1", "OBJ_1", "two lines"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("written names = %q, want %q", names, want)
	}
	if m2, _ := roundTrip(t, m); !reflect.DeepEqual(m2, got) {
		t.Errorf("read(write(m)) = %+v, want %+v", m2, got)
	}
}

func TestWriteMPSInvalid(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    *Model
	}{
		{"index out of range", &Model{Rows: []Row{{Index: []int{0}, Coef: []float64{1}}}}},
		{"length mismatch", &Model{Vars: []Var{{}}, Rows: []Row{{Index: []int{0}}}}},
		{"repeated column", &Model{Vars: []Var{{}}, Rows: []Row{{Index: []int{0, 0}, Coef: []float64{1, 2}}}}},
		{"NaN cost", &Model{Vars: []Var{{Cost: math.NaN()}}}},
		{"infinite coefficient", &Model{Vars: []Var{{}}, Rows: []Row{{Index: []int{0}, Coef: []float64{inf}}}}},
		{"row bounds crossed", &Model{Rows: []Row{{Lower: 2, Upper: 1}}}},
		{"infinite offset", &Model{Offset: inf}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteMPS(&buf, tt.m)
			if !errors.Is(err, ErrInvalidModel) {
				t.Errorf("WriteMPS = %v, want ErrInvalidModel", err)
			}
			if buf.Len() != 0 {
				t.Errorf("WriteMPS wrote %d bytes for an invalid model, want 0", buf.Len())
			}
		})
	}
}

// A model text beyond MaxBytes is refused after reading at most MaxBytes+1 bytes (#17: a 2.2 MB
// .mps.gz took 3.7 GB).
func TestReadMPSMaxBytes(t *testing.T) {
	src := strings.Repeat("*\n", 1<<19) + "NAME x\nROWS\n N obj\nCOLUMNS\nENDATA\n"
	_, err := MPSReader{MaxBytes: 1 << 20}.Read(strings.NewReader(src), "big.mps")
	var me *MPSError
	if !errors.As(err, &me) || me.File != "big.mps" || !strings.Contains(err.Error(), "larger than 1048576 bytes") {
		t.Fatalf("Read of %d bytes under a 1 MiB limit = %v, want an MPSError naming the limit", len(src), err)
	}
	if _, err := (MPSReader{MaxBytes: 2 << 20}).Read(strings.NewReader(src), "big.mps"); err != nil {
		t.Errorf("the same text under a 2 MiB limit: %v", err)
	}
}
