package dataset_test

import (
	"testing"

	"github.com/corridor-dev/corridor/dataset"
)

// BenchmarkLoadDefault loads the built-in data set (about 0.3 MB of files); #17's target is
// ≤ 50 MB allocated.
func BenchmarkLoadDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := dataset.Load(b.Context(), dataset.Default()); err != nil {
			b.Fatal(err)
		}
	}
}
