package lp

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// WriteMPS writes m to w as free MPS that ReadMPS reads back into an identical Model (names
// aside, see below), and that HiGHS, CPLEX, Gurobi and glpsol (--freemps) read.
//
// The output is deterministic: rows and columns in model order, one coefficient per line,
// numbers in the shortest form that parses back to the same float64 (strconv 'g', -1).
// The objective row is named OBJ (or OBJ_1, ... if a row has that name); Model.Offset is
// written as the objective row's RHS, negated. A row with both bounds finite and different
// becomes an L or G row with a RANGES entry chosen so that the bounds read back exactly; a
// free row is an L row with RHS +Inf. (A range that no RHS and RANGES pair reproduces, which
// ReadMPS never produces, may move the upper bound by one unit in the last place.) Names that free MPS cannot carry (empty, containing white
// space, or repeated) are replaced by C<index> or R<index> (with a _<k> suffix if that is
// taken); a model's own name has line breaks replaced by blanks.
//
// It returns an error wrapping ErrInvalidModel, and writes nothing, for a model it cannot
// represent: an index out of range, a repeated column in a row, a NaN anywhere, an infinite
// cost, coefficient or offset, or a row whose lower bound exceeds its upper bound.
func WriteMPS(w io.Writer, m *Model) error {
	if err := checkWritable(m); err != nil {
		return fmt.Errorf("write mps: %w", err)
	}
	obj, rowNames, colNames := mpsNames(m)
	bw := bufio.NewWriter(w)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

	if name := mpsModelName(m.Name); name != "" {
		fmt.Fprintf(bw, "NAME %s\n", name)
	} else {
		fmt.Fprintln(bw, "NAME")
	}
	if m.Sense == Maximize {
		fmt.Fprint(bw, "OBJSENSE\n    MAX\n")
	}

	type rowForm struct {
		kind     byte
		rhs, rng float64
		hasRng   bool
	}
	forms := make([]rowForm, len(m.Rows))
	fmt.Fprint(bw, "ROWS\n")
	fmt.Fprintf(bw, " N  %s\n", obj)
	for i, r := range m.Rows {
		k, rhs, rng, has := mpsRowForm(r.Lower, r.Upper)
		forms[i] = rowForm{k, rhs, rng, has}
		fmt.Fprintf(bw, " %c  %s\n", k, rowNames[i])
	}

	// Transpose: entries per column in ascending row order.
	type entry struct {
		row  int
		coef float64
	}
	cols := make([][]entry, len(m.Vars))
	for i, r := range m.Rows {
		for k, j := range r.Index {
			if r.Coef[k] != 0 {
				cols[j] = append(cols[j], entry{i, r.Coef[k]})
			}
		}
	}
	fmt.Fprint(bw, "COLUMNS\n")
	inInt := false
	for j, v := range m.Vars {
		if v.Integer != inInt {
			inInt = v.Integer
			marker := "'INTEND'"
			if inInt {
				marker = "'INTORG'"
			}
			fmt.Fprintf(bw, "    MARKER  'MARKER'  %s\n", marker)
		}
		if v.Cost != 0 || len(cols[j]) == 0 {
			fmt.Fprintf(bw, "    %s  %s  %s\n", colNames[j], obj, num(v.Cost))
		}
		for _, e := range cols[j] {
			fmt.Fprintf(bw, "    %s  %s  %s\n", colNames[j], rowNames[e.row], num(e.coef))
		}
	}
	if inInt {
		fmt.Fprint(bw, "    MARKER  'MARKER'  'INTEND'\n")
	}

	section := func(title string, started *bool) {
		if !*started {
			*started = true
			fmt.Fprintln(bw, title)
		}
	}
	var started bool
	if m.Offset != 0 {
		section("RHS", &started)
		fmt.Fprintf(bw, "    RHS  %s  %s\n", obj, num(-m.Offset))
	}
	for i, f := range forms {
		if f.rhs != 0 {
			section("RHS", &started)
			fmt.Fprintf(bw, "    RHS  %s  %s\n", rowNames[i], num(f.rhs))
		}
	}
	started = false
	for i, f := range forms {
		if f.hasRng {
			section("RANGES", &started)
			fmt.Fprintf(bw, "    RNG  %s  %s\n", rowNames[i], num(f.rng))
		}
	}
	started = false
	bound := func(kind string, j int, v float64, withValue bool) {
		section("BOUNDS", &started)
		if withValue {
			fmt.Fprintf(bw, " %s BND  %s  %s\n", kind, colNames[j], num(v))
		} else {
			fmt.Fprintf(bw, " %s BND  %s\n", kind, colNames[j])
		}
	}
	for j, v := range m.Vars {
		l, u := v.Lower, v.Upper
		switch {
		case l == 0 && math.IsInf(u, 1):
			// the default
		case l == u:
			bound("FX", j, l, true)
		case math.IsInf(l, -1) && math.IsInf(u, 1):
			bound("FR", j, 0, false)
		case l == 0:
			// UP first: a negative UP read with lower bound 0 frees the lower bound, so
			// restate the lower bound after it.
			bound("UP", j, u, true)
			if u < 0 {
				bound("LO", j, 0, true)
			}
		default:
			if math.IsInf(l, -1) {
				bound("MI", j, 0, false)
			} else {
				bound("LO", j, l, true)
			}
			if !math.IsInf(u, 1) {
				bound("UP", j, u, true)
			}
		}
	}
	fmt.Fprint(bw, "ENDATA\n")
	return bw.Flush()
}

// mpsRowForm returns the MPS row type, right-hand side and range that read back as exactly
// [l, u]. It expects l ≤ u and no NaN.
func mpsRowForm(l, u float64) (kind byte, rhs, rng float64, hasRng bool) {
	switch {
	case l == u:
		return rowE, l, 0, false
	case math.IsInf(l, -1):
		return rowL, u, 0, false // u = +Inf gives a free row
	case math.IsInf(u, 1):
		return rowG, l, 0, false
	}
	// Both finite: the reader computes u-|R| (L row) or l+|R| (G row). Search a few units in
	// the last place around u-l for an R that reproduces the other bound exactly.
	d := u - l
	up, down := d, d
	for range 32 {
		for _, r := range [2]float64{up, down} {
			if r < 0 || math.IsInf(r, 0) {
				continue
			}
			if u-r == l {
				return rowL, u, r, true
			}
			if l+r == u {
				return rowG, l, r, true
			}
		}
		up, down = math.Nextafter(up, math.Inf(1)), math.Nextafter(down, math.Inf(-1))
	}
	// Some pairs have no exact form (l = 1+2⁻⁵², u = 3+2⁻⁵¹: every l+R and u-R misses by one
	// unit in the last place). They never come from ReadMPS; write the nearest.
	return rowG, l, d, true
}

// checkWritable reports why m cannot be written as MPS or LP, or nil.
func checkWritable(m *Model) error {
	if math.IsNaN(m.Offset) || math.IsInf(m.Offset, 0) {
		return fmt.Errorf("%w: objective offset %g", ErrInvalidModel, m.Offset)
	}
	for j, v := range m.Vars {
		if math.IsNaN(v.Lower) || math.IsNaN(v.Upper) || math.IsNaN(v.Cost) || math.IsInf(v.Cost, 0) {
			return fmt.Errorf("%w: variable %d (%s) has bounds [%g, %g] and cost %g", ErrInvalidModel, j, v.Name, v.Lower, v.Upper, v.Cost)
		}
	}
	seen := make([]int, len(m.Vars)) // 1 + last row that used the column
	for i, r := range m.Rows {
		if len(r.Index) != len(r.Coef) {
			return fmt.Errorf("%w: row %d (%s) has %d indices and %d coefficients", ErrInvalidModel, i, r.Name, len(r.Index), len(r.Coef))
		}
		if math.IsNaN(r.Lower) || math.IsNaN(r.Upper) || r.Lower > r.Upper {
			return fmt.Errorf("%w: row %d (%s) has bounds [%g, %g]", ErrInvalidModel, i, r.Name, r.Lower, r.Upper)
		}
		for k, j := range r.Index {
			if j < 0 || j >= len(m.Vars) {
				return fmt.Errorf("%w: row %d (%s) refers to column %d of %d", ErrInvalidModel, i, r.Name, j, len(m.Vars))
			}
			if c := r.Coef[k]; math.IsNaN(c) || math.IsInf(c, 0) {
				return fmt.Errorf("%w: row %d (%s) has coefficient %g", ErrInvalidModel, i, r.Name, c)
			}
			if seen[j] == i+1 {
				return fmt.Errorf("%w: row %d (%s) has column %d twice", ErrInvalidModel, i, r.Name, j)
			}
			seen[j] = i + 1
		}
	}
	return nil
}

// mpsModelName returns the model name as WriteMPS writes it and ReadMPS reads it back.
func mpsModelName(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' {
			return ' '
		}
		return r
	}, s))
}

// validMPSName reports whether free MPS can carry name as a row or column name.
func validMPSName(name string) bool {
	return name != "" && name != "'MARKER'" && !strings.ContainsFunc(name, unicode.IsSpace)
}

// mpsNames returns the names WriteMPS uses: the objective row's, each row's and each column's.
func mpsNames(m *Model) (obj string, rows, cols []string) {
	rows = uniqueNames(len(m.Rows), func(i int) string { return m.Rows[i].Name }, "R", validMPSName)
	cols = uniqueNames(len(m.Vars), func(j int) string { return m.Vars[j].Name }, "C", validMPSName)
	taken := make(map[string]bool, len(rows))
	for _, r := range rows {
		taken[r] = true
	}
	obj = "OBJ"
	for k := 1; taken[obj]; k++ {
		obj = "OBJ_" + strconv.Itoa(k)
	}
	return obj, rows, cols
}

// uniqueNames returns n distinct names: name(i) where valid and not used by an earlier index,
// otherwise prefix<i> (with _<k> appended until unused).
func uniqueNames(n int, name func(int) string, prefix string, valid func(string) bool) []string {
	out := make([]string, n)
	taken := make(map[string]bool, n)
	for i := range n {
		if s := name(i); valid(s) && !taken[s] {
			out[i] = s
			taken[s] = true
		}
	}
	for i := range n {
		if out[i] != "" {
			continue
		}
		s := prefix + strconv.Itoa(i)
		for k := 1; taken[s]; k++ {
			s = prefix + strconv.Itoa(i) + "_" + strconv.Itoa(k)
		}
		out[i] = s
		taken[s] = true
	}
	return out
}
