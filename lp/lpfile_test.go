package lp

import (
	"bytes"
	"errors"
	goldenfile "github.com/corridor-dev/corridor/internal/golden"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// goldenModel exercises every row and bound form the writers know.
func goldenModel() *Model {
	return &Model{
		Name:   "golden",
		Sense:  Maximize,
		Offset: -2.5,
		Vars: []Var{
			{Name: "x", Lower: 0, Upper: inf, Cost: 3},
			{Name: "y", Lower: -1, Upper: 4, Cost: -1},
			{Name: "z", Lower: -inf, Upper: inf, Cost: 0.1},
			{Name: "w", Lower: 2, Upper: 2},
			{Name: "b", Lower: 0, Upper: 1, Cost: 5, Integer: true},
			{Name: "n", Lower: -3, Upper: inf, Cost: 1, Integer: true},
			{Name: "1bad name", Lower: -inf, Upper: 7},
		},
		Rows: []Row{
			{Name: "cap", Index: []int{0, 1, 2}, Coef: []float64{1, 1, 1}, Lower: -inf, Upper: 10},
			{Name: "demand", Index: []int{0, 3}, Coef: []float64{2, -1}, Lower: 1, Upper: inf},
			{Name: "bal", Index: []int{1, 2, 4}, Coef: []float64{1, -1, 1}, Lower: 0, Upper: 0},
			{Name: "band", Index: []int{0, 5, 6}, Coef: []float64{1, 1, 1e-3}, Lower: -2, Upper: 8},
			{Name: "", Index: []int{2, 4}, Coef: []float64{0.5, 1}, Lower: -inf, Upper: 3},
		},
	}
}

func TestWriteGolden(t *testing.T) {
	for _, tt := range []struct {
		file  string
		write func(*bytes.Buffer, *Model) error
	}{
		{"golden.lp", func(b *bytes.Buffer, m *Model) error { return WriteLP(b, m) }},
		{"golden.mps", func(b *bytes.Buffer, m *Model) error { return WriteMPS(b, m) }},
	} {
		t.Run(tt.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.write(&buf, goldenModel()); err != nil {
				t.Fatal(err)
			}
			goldenfile.Check(t, tt.file, buf.Bytes())
		})
	}
}

func TestWriteLPNames(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"x", true}, {"flow_AB(1)", true}, {"", false}, {"1x", false}, {".x", false},
		{"e1", false}, {"Ex", false}, {"free", false}, {"End", false}, {"a b", false},
		{"a:b", false}, {"a+b", false}, {strings.Repeat("a", 256), false},
	} {
		if got := validLPName(tt.name); got != tt.want {
			t.Errorf("validLPName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWriteLPInvalid(t *testing.T) {
	var buf bytes.Buffer
	err := WriteLP(&buf, &Model{Rows: []Row{{Index: []int{3}, Coef: []float64{1}}}})
	if !errors.Is(err, ErrInvalidModel) || buf.Len() != 0 {
		t.Errorf("WriteLP(bad index) = %v with %d bytes, want ErrInvalidModel and nothing written", err, buf.Len())
	}
}

func TestWriteLPLongRow(t *testing.T) {
	m := &Model{}
	r := Row{Name: "long", Lower: -inf, Upper: 1}
	for j := range 100 {
		m.AddVar(Var{Name: "var" + strconv.Itoa(j), Upper: inf, Cost: 1})
		r.Index, r.Coef = append(r.Index, j), append(r.Coef, 1.25)
	}
	m.AddRow(r)
	var buf bytes.Buffer
	if err := WriteLP(&buf, m); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(buf.String(), "\n") {
		if len(line) > 255 {
			t.Errorf("line %d has %d bytes, want at most 255", i+1, len(line))
		}
	}
}

// TestGlpsolReadsWriters solves afiro and e226 written by WriteLP and WriteMPS with glpsol, an
// independent reader and solver, when it is installed (Debian package glpk-utils). The wanted
// objective includes the offset (e226: -11.638929066, testdata/netlib/OPTIMA.tsv).
func TestGlpsolReadsWriters(t *testing.T) {
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		t.Skip("glpsol not installed (apt-get install glpk-utils)")
	}
	objRe := regexp.MustCompile(`\*\s*\d+: obj =\s+(\S+)`) // the simplex log's last feasible line
	for _, tt := range []struct {
		file string
		want float64
	}{
		{"afiro.mps.gz", -4.6475314286e+02},
		{"e226.mps.gz", -1.1638929066e+01},
	} {
		m := readGz(t, filepath.Join(netlibDir, tt.file))
		for _, f := range []struct {
			ext, flag string
			write     func(*bytes.Buffer, *Model) error
		}{
			{"lp", "--lp", func(b *bytes.Buffer, m *Model) error { return WriteLP(b, m) }},
			{"mps", "--freemps", func(b *bytes.Buffer, m *Model) error { return WriteMPS(b, m) }},
		} {
			t.Run(tt.file+"/"+f.ext, func(t *testing.T) {
				if f.ext == "lp" && m.Offset != 0 {
					t.Skip("glpsol's LP reader rejects a constant term in the objective")
				}
				var buf bytes.Buffer
				if err := f.write(&buf, m); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(t.TempDir(), "m."+f.ext)
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				out, err := exec.CommandContext(t.Context(), glpsol, f.flag, path).CombinedOutput()
				if err != nil {
					t.Fatalf("glpsol %s: %v\n%s", f.flag, err, out)
				}
				matches := objRe.FindAllSubmatch(out, -1)
				if matches == nil || !bytes.Contains(out, []byte("OPTIMAL LP SOLUTION FOUND")) {
					t.Fatalf("glpsol printed no objective:\n%s", out)
				}
				got, _ := strconv.ParseFloat(string(matches[len(matches)-1][1]), 64)
				// glpsol prints 10 digits and reads an MPS objective RHS as +constant, not -constant
				// (testdata/netlib/README.md); it reads the LP file's constant as written.
				if f.ext == "mps" {
					got += 2 * m.Offset
				}
				if rel := math.Abs(got-tt.want) / math.Abs(tt.want); rel > 1e-8 {
					t.Errorf("glpsol objective = %v, want %v (relative error %.2g)", got, tt.want, rel)
				}
			})
		}
	}
}
