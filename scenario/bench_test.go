package scenario

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/internal/memtest"
)

// rules returns a scenario of n ban rules of 44 tokens each.
func rules(n int) string {
	var sb strings.Builder
	sb.WriteString("name: big\nrules:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  - {id: r%d, kind: ban, commodities: [coal], origins: [PRK], destinations: [CHN], enforcement: {value: 1, source: \"assumption: load test\"}, source: \"assumption: load test\"}\n", i)
	}
	return sb.String()
}

// BenchmarkDecode decodes the largest scenarios Decode accepts (just under MaxTokens: 1,100 rules
// of 44 tokens, 16,600 empty rules of 3, the costliest per token) and refuses 1 MiB of rules, the
// largest request body corridor serve takes. #17's target for any 1 MiB body is ≤ 1 s and
// ≤ 100 MB.
func BenchmarkDecode(b *testing.B) {
	var mib strings.Builder
	mib.WriteString(rules(0))
	for i := 0; mib.Len() < 1<<20-200; i++ {
		fmt.Fprintf(&mib, "  - {id: r%d, kind: ban, commodities: [coal], origins: [PRK], destinations: [CHN], enforcement: {value: 1, source: \"assumption: load test\"}, source: \"assumption: load test\"}\n", i)
	}
	for _, bb := range []struct {
		name, src string
		ok        bool
	}{
		{"rules=1100", rules(1100), true},
		{"empty-rules=16600", "name: big\nrules: [" + strings.Repeat("{},", 16600) + "{}]\n", false},
		{"MiB-refused", mib.String(), false},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(bb.src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode("big.yaml", strings.NewReader(bb.src)); (err == nil) != bb.ok {
					b.Fatalf("Decode: %v", err)
				}
			}
		})
	}
}

// TestDecodePeakHeap holds the largest scenarios Decode accepts to 100 MB of peak heap.
func TestDecodePeakHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory")
	}
	for _, tt := range []struct{ name, src string }{
		{"1,100 rules", rules(1100)},
		{"16,600 empty rules", "name: big\nrules: [" + strings.Repeat("{},", 16600) + "{}]\n"},
	} {
		extra, took := memtest.Peak(func() { _, _ = Decode("big.yaml", strings.NewReader(tt.src)) })
		t.Logf("%s (%d bytes): peak heap +%.1f MB, %v", tt.name, len(tt.src), float64(extra)/(1<<20), took)
		if extra > 100<<20 {
			t.Errorf("%s: peak heap +%.1f MB, want ≤ 100 MB", tt.name, float64(extra)/(1<<20))
		}
	}
}
