// Package yamldepth bounds how deeply a YAML text nests, and how many tokens it holds, before a
// parser sees it. The YAML parser the project uses (goccy/go-yaml) spends time and memory
// quadratic in the nesting depth: 32 kB of "[[[…]]]" took 1.1 s, and 128 kB ended a server with
// "out of memory". Its memory is also about a kilobyte per token at any depth: 1 MiB of "{},"
// took 1 GB and 10 s to decode as a scenario. A scan of the bytes, linear in their length,
// rejects such input with the line where a limit is passed.
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

// TokensError reports input of more tokens than a limit.
type TokensError struct {
	Line  int // 1-based line where the count first exceeds Limit
	Limit int
}

func (e *TokensError) Error() string {
	return fmt.Sprintf("YAML of more than %d tokens (keys, values, brackets, commas, list entries and comments)", e.Limit)
}

// Check returns an *Error if src nests deeper than limit, nil otherwise.
func Check(src []byte, limit int) error { return CheckSize(src, limit, 0) }

// CheckSize returns an *Error if src nests deeper than depth and a *TokensError if it holds more
// than tokens tokens (0: any number), nil otherwise.
//
// The tokens counted are what the parser's time and memory grow with: every flow indicator
// ([ ] { } ,), every "- " that opens a sequence entry, every ":" that ends a key, every start of
// a plain or quoted scalar, every comment and every line of a block scalar's text that is not blank. A plain
// scalar with spaces counts once per word, so the count can exceed the parser's, never fall
// short of it by more than a token a line.
func CheckSize(src []byte, depth, tokens int) error {
	s := scanner{limit: depth, blockParent: -1}
	line := 1
	for start := 0; start <= len(src); {
		end := start
		for end < len(src) && src[end] != '\n' {
			end++
		}
		if !s.line(src[start:end]) {
			return &Error{Line: line, Limit: depth}
		}
		if tokens > 0 && s.tokens > tokens {
			return &TokensError{Line: line, Limit: tokens}
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
	tokens      int   // tokens so far, as CheckSize counts them
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
			if indent < len(b) {
				s.tokens++
			}
			return true // a line of a block scalar's text
		}
		s.blockParent = -1
	}
	pos := 0
	if s.flow == 0 && s.quote == 0 {
		if blank {
			if indent < len(b) {
				s.tokens++ // a comment
			}
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
			s.tokens++
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
			s.tokens++
			i = len(b)
			continue
		case (c == '"' || c == '\'') && atToken:
			s.quote = c
			s.tokens++
		case c == '[' || c == '{':
			s.flow++
			s.tokens++
			if !s.ok() {
				return false
			}
		case (c == ']' || c == '}') && s.flow > 0:
			s.flow--
			s.tokens++
		case c == ',' || c == ']' || c == '}' || (c == ':' && (i+1 == len(b) || b[i+1] == ' ' || b[i+1] == '\t')):
			s.tokens++
		case atToken && c != ' ' && c != '\t':
			s.tokens++ // a plain scalar (or a word of one)
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
