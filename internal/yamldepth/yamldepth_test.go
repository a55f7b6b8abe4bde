package yamldepth

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	block := func(levels int) string {
		var b strings.Builder
		for i := range levels {
			b.WriteString(strings.Repeat("  ", i) + "a:\n")
		}
		return b.String()
	}
	tests := []struct {
		name string
		src  string
		line int // 0: accepted under limit 4
	}{
		{"flat", "a: 1\nb: [1, 2]\n", 0},
		{"flow at the limit", "a: [[[1]]]\n", 0},
		{"flow past the limit", "a: [[[[1]]]]\n", 1},
		{"flow over lines", "a: [\n [\n  [\n   {b: 1}]]]\n", 4},
		{"block at the limit", block(4), 0},
		{"block past the limit", block(5), 5},
		{"sequences of sequences", "- - - - 1\n", 1},
		{"brackets in quotes", "a: \"[[[[[\"\nb: '{{{{{'\n", 0},
		{"escaped quote", "a: \"\\\"[[[[[\"\n", 0},
		{"quote spanning lines", "a: \"x\n  [[[[[ y\"\n", 0},
		{"apostrophe in a plain scalar", "a: don't\nb: [[[[1]]]]\n", 2},
		{"brackets in a comment", "a: 1 # [[[[[\n", 0},
		{"brackets in a block scalar", "a: |-\n  [[[[[\n  {{{{{\nb: 1\n", 0},
		{"block scalar ends", "a: >\n  text\nb: [[[[1]]]]\n", 3},
		{"closing brackets alone", "]]]]}}}}\n", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.src), 4)
			var e *Error
			switch {
			case tt.line == 0 && err != nil:
				t.Fatalf("Check = %v, want nil", err)
			case tt.line > 0 && !errors.As(err, &e):
				t.Fatalf("Check = %v, want an *Error at line %d", err, tt.line)
			case tt.line > 0 && (e.Line != tt.line || e.Limit != 4):
				t.Fatalf("Check = line %d limit %d, want line %d limit 4", e.Line, e.Limit, tt.line)
			}
		})
	}
}

// tokens returns the count CheckSize gives src: the least limit it accepts.
func tokens(t *testing.T, src string) int {
	t.Helper()
	for n := 1; n < 1000; n++ {
		err := CheckSize([]byte(src), 64, n)
		var te *TokensError
		switch {
		case err == nil:
			return n
		case !errors.As(err, &te) || te.Limit != n:
			t.Fatalf("CheckSize(%q, 64, %d) = %v, want a *TokensError of limit %d", src, n, err, n)
		}
	}
	t.Fatalf("%q: more than 1000 tokens", src)
	return 0
}

func TestCheckSizeTokens(t *testing.T) {
	tests := []struct {
		name, src string
		want      int // at least as many as the parser's tokens
	}{
		{"key and value", "a: 1\n", 3},
		{"flow sequence", "a: [1, 2]\n", 7},
		{"empty flow mappings", "[{},{}]\n", 7},
		{"block sequence", "- a\n- b\n", 4},
		{"comments", "# one\n  # two\na: 1 # three\n", 6},
		{"quoted scalars", "a: \"x, [y]: z\"\nb: 'w'\n", 6},
		{"plain scalar words", "a: two words\n", 4},
		{"block scalar lines", "a: |\n  one\n  two\n", 5},
		{"colon inside a word", "a: http://x\n", 3},
		{"blank lines", "\n\n\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tokens(t, tt.src); got != tt.want {
				t.Errorf("tokens(%q) = %d, want %d", tt.src, got, tt.want)
			}
		})
	}
	// The line reported is where the count passes the limit.
	var te *TokensError
	if err := CheckSize([]byte("a: 1\nb: 2\nc: 3\n"), 64, 7); !errors.As(err, &te) || te.Line != 3 {
		t.Errorf("CheckSize over the limit on line 3 = %v", err)
	}
	// Depth is checked as by Check.
	var de *Error
	if err := CheckSize([]byte("a: [[[[1]]]]\n"), 4, 100); !errors.As(err, &de) {
		t.Errorf("CheckSize of a deep text = %v, want an *Error", err)
	}
}

// A deep document is rejected in time linear in its size: the check itself cannot be the
// quadratic step it guards against.
func BenchmarkCheckDeep(b *testing.B) {
	src := []byte("a: " + strings.Repeat("[", 1<<19) + strings.Repeat("]", 1<<19) + "\n")
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if Check(src, len(src)) != nil {
			b.Fatal("rejected under a limit above its depth")
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"a: [[1]]\n", "- - x\n", "a: |\n  [[\n", "a: \"[\\\"\"\n", "a: '[''['\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// Depth never exceeds one level per byte, and a looser limit accepts what a stricter did.
		if err := Check(src, len(src)+1); err != nil {
			t.Fatalf("rejected %q under a limit above its length: %v", src, err)
		}
		if Check(src, 3) == nil && Check(src, 4) != nil {
			t.Fatalf("%q accepted at limit 3 but not 4", src)
		}
		// Tokens never exceed one per byte and a line, and a looser limit accepts what a
		// stricter did.
		if err := CheckSize(src, len(src)+1, 2*len(src)+1); err != nil {
			t.Fatalf("rejected %q under a token limit above its length: %v", src, err)
		}
		if CheckSize(src, len(src)+1, 3) == nil && CheckSize(src, len(src)+1, 4) != nil {
			t.Fatalf("%q accepted at 3 tokens but not 4", src)
		}
	})
}
