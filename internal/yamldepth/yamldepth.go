// Package yamldepth bounds how deeply a YAML text nests before a parser sees it. The YAML parser
// the project uses (goccy/go-yaml) spends time and memory quadratic in the nesting depth: 32 kB of
// "[[[…]]]" took 1.1 s, and 128 kB ended a server with "out of memory". A scan of the bytes,
// linear in their length, rejects such input with the line where the limit is passed.
//
// The depth counted is that of flow collections ([…] and {…}) plus the block structure (each
// deeper indentation, and each "- " that opens a sequence entry). It can exceed the parser's
// depth by about one level per block level, never fall short of it, and ignores brackets inside
// quoted scalars, comments and block scalars (| and >).
package yamldepth

import "fmt"

// Limit is the nesting depth the project's readers accept: data sets and scenarios nest fewer
// than ten levels.
const Limit = 64

// Error reports input nested deeper than a limit.
type Error struct {
	Line  int // 1-based line where the depth first exceeds Limit
	Limit int
}

func (e *Error) Error() string {
	return fmt.Sprintf("YAML nested more than %d levels deep", e.Limit)
}

// Check returns an *Error if src nests deeper than limit, nil otherwise.
func Check(src []byte, limit int) error {
	s := scanner{limit: limit, blockParent: -1}
	line := 1
	for start := 0; start <= len(src); {
		end := start
		for end < len(src) && src[end] != '\n' {
			end++
		}
		if !s.line(src[start:end]) {
			return &Error{Line: line, Limit: limit}
		}
		line++
		start = end + 1
	}
	return nil
}

// scanner holds what a line's meaning depends on from the lines before it.
type scanner struct {
	limit       int
	indents     []int // columns of the open block levels
	flow        int   // open [ and { brackets
	quote       byte  // the quote of a scalar that continues on the next line, or 0
	blockParent int   // indentation of the line that opened a block scalar, or −1
}

// line scans one line; it returns false once the depth exceeds the limit.
func (s *scanner) line(b []byte) bool {
	indent := 0
	for indent < len(b) && b[indent] == ' ' {
		indent++
	}
	blank := indent == len(b) || b[indent] == '#'
	if s.blockParent >= 0 {
		if blank || indent > s.blockParent {
			return true // a line of a block scalar's text
		}
		s.blockParent = -1
	}
	pos := 0
	if s.flow == 0 && s.quote == 0 {
		if blank {
			return true
		}
		for len(s.indents) > 0 && s.indents[len(s.indents)-1] >= indent {
			s.indents = s.indents[:len(s.indents)-1]
		}
		s.indents = append(s.indents, indent)
		pos = indent
		for pos < len(b) && b[pos] == '-' && (pos+1 == len(b) || b[pos+1] == ' ') {
			pos++
			for pos < len(b) && b[pos] == ' ' {
				pos++
			}
			s.indents = append(s.indents, pos)
		}
		if !s.ok() {
			return false
		}
	}
	last := byte(0) // the last character that is not a space, outside quotes and comments
	for i := pos; i < len(b); i++ {
		c := b[i]
		if s.quote != 0 {
			switch {
			case c == '\\' && s.quote == '"':
				i++
			case c == s.quote:
				s.quote = 0
				last = c
			}
			continue
		}
		prev := byte(' ')
		if i > 0 {
			prev = b[i-1]
		}
		atToken := prev == ' ' || prev == '\t' || prev == '[' || prev == '{' || prev == ',' || i == pos
		switch {
		case c == '#' && (prev == ' ' || prev == '\t' || i == 0):
			i = len(b)
			continue
		case (c == '"' || c == '\'') && atToken:
			s.quote = c
		case c == '[' || c == '{':
			s.flow++
			if !s.ok() {
				return false
			}
		case (c == ']' || c == '}') && s.flow > 0:
			s.flow--
		}
		if c != ' ' && c != '\t' {
			last = c
		}
	}
	if s.flow == 0 && s.quote == 0 && (last == '|' || last == '>' || isBlockIndicator(b, last)) {
		s.blockParent = indent
	}
	return true
}

// isBlockIndicator reports whether a line ends with a block scalar header with modifiers, such
// as "|-", ">+" or "|2".
func isBlockIndicator(b []byte, last byte) bool {
	if last != '-' && last != '+' && (last < '1' || last > '9') {
		return false
	}
	end := len(b)
	for end > 0 && (b[end-1] == ' ' || b[end-1] == '\t') {
		end--
	}
	for i := end - 1; i >= 0 && i >= end-3; i-- {
		switch b[i] {
		case '|', '>':
			return i == 0 || b[i-1] == ' '
		case '-', '+', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		default:
			return false
		}
	}
	return false
}

func (s *scanner) ok() bool { return len(s.indents)+s.flow <= s.limit }
