package main

import (
	"strings"
	"testing"
)

// Numbers a user can mistype are refused with a usage error (exit 2) before any work starts
// (#17: --draws 9223372036854775807 panicked, a billion draws allocated 24 GB up front).
func TestDrawBounds(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"assess", "--draws", "9223372036854775807"}, "--draws must lie within 1..1000000, got 9223372036854775807"},
		{[]string{"assess", "--draws", "1000000000"}, "--draws must lie within 1..1000000"},
		{[]string{"assess", "--draws", "0"}, "--draws must lie within 1..1000000, got 0"},
		{[]string{"report", "--draws", "-3"}, "--draws must lie within 1..1000000, got -3"},
		{[]string{"serve", "--max-draws", "2000000"}, "--max-draws must lie within 1..1000000, got 2000000"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, errOut, tt.want)
			}
		})
	}
}
