package scenario

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkDecodeMiB decodes 1 MiB of scenario YAML (thousands of rules), the largest body
// corridor serve accepts; #17's target is ≤ 1 s and ≤ 100 MB.
func BenchmarkDecodeMiB(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("name: big\nrules:\n")
	for i := 0; sb.Len() < 1<<20-200; i++ {
		fmt.Fprintf(&sb, "  - {id: r%d, kind: ban, commodities: [coal], origins: [PRK], destinations: [CHN], enforcement: {value: 1, source: \"assumption: load test\"}, source: \"assumption: load test\"}\n", i)
	}
	src := sb.String()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode("big.yaml", strings.NewReader(src)); err != nil {
			b.Fatal(err)
		}
	}
}
