// Package diag holds position-carrying data errors: a file, line, column and field with what is
// wrong, and a capped collector so that a user sees every problem in a file at once.
//
// It knows no file formats and imports no corridor package.
package diag

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Severity ranks an Error.
type Severity int

// Severities. The zero value is Fatal, so a plain &Error{} is an error.
const (
	Fatal   Severity = iota // the data cannot be used as is
	Warning                 // suspicious; the data can be used
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Error is a problem at a place in a data file. Line and Col are 1-based; 0 means unknown. Field
// names the column or key (or path such as "steps/0/price").
type Error struct {
	File      string
	Line, Col int
	Field     string
	Severity  Severity
	Err       error
}

// Error formats the error as "file:line:col: field: message", leaving out the parts that are
// unknown ("file:line: field: message" when Col is 0, "file: message" with neither position nor
// field). Warnings carry "warning: " before the message. Line breaks are escaped as \n so that
// an error is always one line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteString(":" + strconv.Itoa(e.Col))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	if e.Severity == Warning {
		b.WriteString("warning: ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid value")
	}
	return oneLine(b.String())
}

// oneLine escapes line breaks, so that each error prints as exactly one line even when a
// value from the data (an id, say) contains one.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Max is the number of errors a List keeps; later ones are counted, not kept.
const Max = 50

// List collects errors up to Max. The zero List is ready to use. It is not safe for concurrent use.
type List struct {
	errs    []*Error
	dropped int
	first   string // file of the first dropped error, for the "too many errors" note
}

// Add appends e, or counts it as dropped once the list holds Max errors. A nil e is ignored.
func (l *List) Add(e *Error) {
	if e == nil {
		return
	}
	if len(l.errs) >= Max {
		if l.dropped == 0 {
			l.first = e.File
		}
		l.dropped++
		return
	}
	l.errs = append(l.errs, e)
}

// Addf appends an error built from its parts; the message is formatted with fmt.Errorf.
func (l *List) Addf(file string, line, col int, field, format string, args ...any) {
	l.Add(&Error{File: file, Line: line, Col: col, Field: field, Err: fmt.Errorf(format, args...)})
}

// Len returns the number of errors added, including those dropped past the cap.
func (l *List) Len() int { return len(l.errs) + l.dropped }

// Full reports whether the list holds Max errors, so a caller may stop looking for more.
func (l *List) Full() bool { return len(l.errs) >= Max }

// Errors returns the kept errors in the order they were added.
func (l *List) Errors() []*Error { return l.errs }

// Err returns nil for an empty list, else errors.Join of the kept errors followed, past the cap,
// by a note "file: too many errors (N more not shown)".
func (l *List) Err() error {
	if len(l.errs) == 0 {
		return nil
	}
	errs := make([]error, 0, len(l.errs)+1)
	for _, e := range l.errs {
		errs = append(errs, e)
	}
	if l.dropped > 0 {
		errs = append(errs, &Error{File: l.first, Err: fmt.Errorf("too many errors (%d more not shown)", l.dropped)})
	}
	return errors.Join(errs...)
}
