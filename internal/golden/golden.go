// Package golden compares test output with files in testdata/ and rewrites them under
// `go test -update`. It is imported only by tests.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is the -update flag of every test binary that imports this package.
var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// Check compares got with testdata/name, or rewrites the file when the test runs with -update.
// On a difference it reports the first differing byte with some context on each side.
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-80)
	t.Errorf("%s differs from the golden file at byte %d:\ngot  …%s\nwant …%s\n(run go test -update and review the diff)",
		path, i, got[lo:min(len(got), i+80)], want[lo:min(len(want), i+80)])
}
