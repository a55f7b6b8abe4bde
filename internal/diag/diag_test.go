package diag

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

func TestErrorString(t *testing.T) {
	t.Parallel()
	base := errors.New("bad")
	for _, tt := range []struct {
		name string
		e    Error
		want string
	}{
		{"full", Error{File: "links.csv", Line: 3, Col: 8, Field: "capacity", Err: base}, "links.csv:3:8: capacity: bad"},
		{"no col", Error{File: "links.csv", Line: 3, Field: "capacity", Err: base}, "links.csv:3: capacity: bad"},
		{"no line", Error{File: "links.csv", Col: 8, Field: "capacity", Err: base}, "links.csv: capacity: bad"},
		{"no field", Error{File: "links.csv", Line: 3, Col: 8, Err: base}, "links.csv:3:8: bad"},
		{"file only", Error{File: "links.csv", Err: base}, "links.csv: bad"},
		{"warning", Error{File: "a.csv", Line: 1, Col: 2, Field: "f", Severity: Warning, Err: base}, "a.csv:1:2: f: warning: bad"},
		{"nil err", Error{File: "a.csv"}, "a.csv: invalid value"},
		{"line breaks", Error{File: "a.yaml", Field: "x\ny", Err: errors.New("id \"a\r\nb\"")}, `a.yaml: x\ny: id "a\r\nb"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnwrap(t *testing.T) {
	t.Parallel()
	e := &Error{File: "x", Err: fmt.Errorf("open: %w", fs.ErrNotExist)}
	if !errors.Is(e, fs.ErrNotExist) {
		t.Errorf("errors.Is(%v, fs.ErrNotExist) = false, want true", e)
	}
	var l List
	l.Add(e)
	var got *Error
	if !errors.As(l.Err(), &got) || got != e {
		t.Errorf("errors.As(List.Err()) = %v, want %v", got, e)
	}
}

func TestListCap(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n         int
		wantLines int
		wantNote  string
	}{
		{0, 0, ""},
		{1, 1, ""},
		{Max, Max, ""},
		{Max + 7, Max + 1, "b.csv: too many errors (7 more not shown)"},
	} {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			var l List
			l.Add(nil)
			for i := range tt.n {
				file := "a.csv"
				if i >= Max {
					file = "b.csv"
				}
				l.Addf(file, i+1, 1, "f", "error %d", i)
			}
			if l.Len() != tt.n {
				t.Errorf("Len() = %d, want %d", l.Len(), tt.n)
			}
			if got, want := l.Full(), tt.n >= Max; got != want {
				t.Errorf("Full() = %v, want %v", got, want)
			}
			err := l.Err()
			if tt.n == 0 {
				if err != nil {
					t.Fatalf("Err() = %v, want nil", err)
				}
				return
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != tt.wantLines {
				t.Errorf("Err() has %d lines, want %d", len(lines), tt.wantLines)
			}
			if tt.wantNote != "" && lines[len(lines)-1] != tt.wantNote {
				t.Errorf("last line = %q, want %q", lines[len(lines)-1], tt.wantNote)
			}
			if got, want := len(l.Errors()), min(tt.n, Max); got != want {
				t.Errorf("len(Errors()) = %d, want %d", got, want)
			}
		})
	}
}
