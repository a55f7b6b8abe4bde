package store_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/store"
)

// BenchmarkList lists the runs of a database holding 200 complete runs with 500 kB results each
// (the size of a full default run): the list must not read the results (#17: with 262 stored
// runs, 200 clients got 26 requests/s).
func BenchmarkList(b *testing.B) {
	ctx := b.Context()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "runs.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	result := json.RawMessage(`{"pad":"` + strings.Repeat("x", 500<<10) + `"}`)
	for i := range 200 {
		id, err := s.CreateRun(ctx, json.RawMessage(fmt.Sprintf(`{"i":%d}`, i)), 1, 1)
		if err == nil {
			err = s.MarkRunning(ctx, id)
		}
		if err == nil {
			err = s.Complete(ctx, id, result, []byte("<html>"))
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		runs, err := s.List(ctx, 0, 0)
		if err != nil || len(runs) != 200 {
			b.Fatalf("List = %d runs, %v", len(runs), err)
		}
	}
}
