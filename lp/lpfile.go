package lp

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// lpLineWidth is where WriteLP breaks long expressions; CPLEX reads lines of up to 255 bytes.
const lpLineWidth = 200

// WriteLP writes m to w in CPLEX LP format (sections Minimize/Maximize, Subject To, Bounds,
// General, Binary, End), which CPLEX, Gurobi, HiGHS and glpsol (--lp) read; glpsol only when
// Model.Offset is 0, as it rejects a constant term in the objective.
//
// The output is deterministic: rows, columns and terms in model order, numbers in the shortest
// form that parses back to the same float64. The objective is named obj and carries
// Model.Offset as a constant term. A range row is written as "name: lo <= expr <= hi"; a free
// row as "-inf <= expr <= +inf". Integer columns with bounds [0, 1] go to Binary, other
// integer columns to General. Names the format cannot carry (empty, longer than 255 bytes,
// starting with a digit, a period or the letter e, containing other characters than letters,
// digits and !"#$%&()/,.;?@_`'{}|~, or equal to a keyword) and repeated names are replaced by
// x<index> for columns and c<index> for rows (with a _<k> suffix if that is taken).
//
// It returns an error wrapping ErrInvalidModel, and writes nothing, for the models WriteMPS
// rejects.
func WriteLP(w io.Writer, m *Model) error {
	if err := checkWritable(m); err != nil {
		return fmt.Errorf("write lp: %w", err)
	}
	rows := uniqueNames(len(m.Rows), func(i int) string { return m.Rows[i].Name }, "c", validLPName)
	cols := uniqueNames(len(m.Vars), func(j int) string { return m.Vars[j].Name }, "x", validLPName)
	obj := "obj"
	for k := 1; contains(rows, obj); k++ {
		obj = "obj_" + strconv.Itoa(k)
	}
	bw := bufio.NewWriter(w)
	if name := mpsModelName(m.Name); name != "" {
		fmt.Fprintf(bw, "\\ Problem: %s\n", name)
	}
	if m.Sense == Maximize {
		fmt.Fprintln(bw, "Maximize")
	} else {
		fmt.Fprintln(bw, "Minimize")
	}

	ex := &lpExpr{w: bw}
	ex.start(" " + obj + ":")
	for j, v := range m.Vars {
		if v.Cost != 0 {
			ex.term(v.Cost, cols[j])
		}
	}
	if m.Offset != 0 || (ex.n == 0 && len(m.Vars) == 0) {
		ex.constant(m.Offset)
	} else if ex.n == 0 {
		ex.term(0, cols[0])
	}
	fmt.Fprintln(bw)

	fmt.Fprintln(bw, "Subject To")
	for i, r := range m.Rows {
		lo, hi := r.Lower, r.Upper
		ranged := lo != hi && !math.IsInf(lo, -1) && !math.IsInf(hi, 1) || math.IsInf(lo, -1) && math.IsInf(hi, 1)
		if ranged {
			ex.start(" " + rows[i] + ": " + lpNum(lo) + " <=")
		} else {
			ex.start(" " + rows[i] + ":")
		}
		for k, j := range r.Index {
			if r.Coef[k] != 0 {
				ex.term(r.Coef[k], cols[j])
			}
		}
		if ex.n == 0 {
			if len(m.Vars) == 0 {
				// No column to hang the row on: an LP file cannot state it. Keep a note.
				fmt.Fprintf(bw, "\n\\ row %s has no columns and bounds [%s, %s]\n", rows[i], lpNum(lo), lpNum(hi))
				continue
			}
			ex.term(0, cols[0])
		}
		switch {
		case ranged:
			ex.tail(" <= " + lpNum(hi))
		case lo == hi:
			ex.tail(" = " + lpNum(lo))
		case math.IsInf(lo, -1):
			ex.tail(" <= " + lpNum(hi))
		default:
			ex.tail(" >= " + lpNum(lo))
		}
		fmt.Fprintln(bw)
	}

	var bounds, general, binary []string
	for j, v := range m.Vars {
		l, u, name := v.Lower, v.Upper, cols[j]
		if v.Integer && l == 0 && u == 1 {
			binary = append(binary, name)
			continue
		}
		if v.Integer {
			general = append(general, name)
		}
		switch {
		case l == 0 && math.IsInf(u, 1):
		case l == u:
			bounds = append(bounds, name+" = "+lpNum(l))
		case math.IsInf(l, -1) && math.IsInf(u, 1):
			bounds = append(bounds, name+" free")
		case math.IsInf(u, 1):
			bounds = append(bounds, name+" >= "+lpNum(l))
		default:
			bounds = append(bounds, lpNum(l)+" <= "+name+" <= "+lpNum(u))
		}
	}
	if len(bounds) > 0 {
		fmt.Fprintln(bw, "Bounds")
		for _, b := range bounds {
			fmt.Fprintf(bw, " %s\n", b)
		}
	}
	for _, s := range []struct {
		title string
		names []string
	}{{"General", general}, {"Binary", binary}} {
		if len(s.names) == 0 {
			continue
		}
		fmt.Fprintln(bw, s.title)
		ex.start("")
		for _, n := range s.names {
			ex.word(n)
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, "End")
	return bw.Flush()
}

func contains(names []string, s string) bool {
	for _, n := range names {
		if n == s {
			return true
		}
	}
	return false
}

// lpNum formats v for an LP file: shortest round-trip form, infinities as inf.
func lpNum(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// lpExpr writes a linear expression, breaking lines before lpLineWidth.
type lpExpr struct {
	w   *bufio.Writer
	col int // bytes on the current line
	n   int // terms written
}

func (e *lpExpr) start(head string) {
	e.w.WriteString(head)
	e.col, e.n = len(head), 0
}

// word appends one space-separated token, wrapping first if the line is full.
func (e *lpExpr) word(s string) {
	if e.col+1+len(s) > lpLineWidth && e.col > 0 {
		e.w.WriteString("\n")
		e.col = 0
	}
	e.w.WriteString(" " + s)
	e.col += 1 + len(s)
	e.n++
}

// term appends "± |c| name".
func (e *lpExpr) term(c float64, name string) {
	sign := "+"
	if math.Signbit(c) {
		sign, c = "-", -c
	}
	if e.n == 0 && sign == "+" {
		e.word(lpNum(c) + " " + name)
		return
	}
	e.word(sign + " " + lpNum(c) + " " + name)
}

// constant appends a constant term.
func (e *lpExpr) constant(c float64) {
	sign := "+"
	if math.Signbit(c) {
		sign, c = "-", -c
	}
	if e.n == 0 && sign == "+" {
		e.word(lpNum(c))
		return
	}
	e.word(sign + " " + lpNum(c))
}

// tail appends the relation and right-hand side, unbroken.
func (e *lpExpr) tail(s string) {
	e.w.WriteString(s)
	e.col += len(s)
}

// isLPKeyword reports whether an LP-file reader may take s for a section or bound keyword.
func isLPKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "min", "minimize", "minimise", "minimum", "max", "maximize", "maximise", "maximum",
		"st", "s.t.", "st.", "subject", "such", "to", "that", "bound", "bounds",
		"gen", "general", "generals", "bin", "binary", "binaries", "semi", "semis",
		"semi-continuous", "sos", "end", "free", "inf", "infinity":
		return true
	}
	return false
}

// validLPName reports whether an LP file can carry name as a row or column name.
func validLPName(name string) bool {
	if name == "" || len(name) > 255 || isLPKeyword(name) {
		return false
	}
	switch c := name[0]; {
	case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E':
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!\"#$%&()/,.;?@_`'{}|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
