package serve

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/internal/memtest"
)

// bodyBudget is #17's target for any request body up to the size limit: at most 100 MB of extra
// memory (and 1 s, which the test logs rather than checks: a loaded machine cannot promise it).
const bodyBudget = 100 << 20

// fill repeats item after head until the text is nearly n bytes long, then ends it with tail.
// An item with %d gets its index.
func fill(head, item, tail string, n int) string { return repeat(head, item, tail, n, -1) }

// repeat is fill that stops after count items too (−1: no count).
func repeat(head, item, tail string, n, count int) string {
	var b strings.Builder
	b.WriteString(head)
	for i := 0; b.Len()+len(item)+len(tail) < n && i != count; i++ {
		if strings.Contains(item, "%d") {
			fmt.Fprintf(&b, item, i)
		} else {
			b.WriteString(item)
		}
	}
	b.WriteString(tail)
	return b.String()
}

// TestLargeBodies sends bodies of nearly DefaultMaxBodyBytes, shaped as the costliest input for
// each endpoint that decodes one, and holds the server to bodyBudget of peak heap. Before the
// scenario reader counted tokens, 1 MiB of empty rules ("{},") took about 1 GB and 10 s.
func TestLargeBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory; the race detector's time and allocations would blur it")
	}
	f := newFixture(t, nil)
	const n = DefaultMaxBodyBytes - 64 // room for the JSON around the YAML
	// yamlBody is the scenario request of YAML made by fill, as long as fits in n bytes of JSON
	yamlBody := func(head, item, tail string) string {
		for m := n; ; {
			b := jsonBody(map[string]string{"yaml": fill(head, item, tail, m)})
			if len(b) <= n {
				return b
			}
			m -= len(b) - n + len(item)
		}
	}
	const rule = "  - {id: r%d, kind: ban, commodities: [coal], origins: [PRK], destinations: [CHN], enforcement: {value: 1, source: \"assumption: load test\"}, source: \"assumption: load test\"}\n"
	for _, tt := range []struct {
		name, path, body string
		want             int
	}{
		// the largest scenarios accepted (43 and 3 tokens a rule, at most 50,000 tokens)
		{"1,100 rules", "/api/scenarios", jsonBody(map[string]string{"yaml": repeat("name: big\nrules:\n", rule, "", n, 1100)}), 201},
		{"16,600 empty rules", "/api/scenarios/validate", jsonBody(map[string]string{"yaml": repeat("name: big\nrules: [", "{},", "{}]\n", n, 16600)}), 400},
		{"6,000 rules", "/api/scenarios/validate", yamlBody("name: big\nrules:\n", rule, ""), 400},
		{"empty rules", "/api/scenarios/validate", yamlBody("name: big\nrules: [", "{},", "{}]\n"), 400},
		{"flow list", "/api/scenarios/validate", yamlBody("name: big\nprojects: [", "a,", "a]\n"), 400},
		{"block list", "/api/scenarios/validate", yamlBody("name: big\nprojects:\n", "- a\n", ""), 400},
		{"comments", "/api/scenarios/validate", yamlBody("name: big\n", "#\n", ""), 400},
		{"keys", "/api/scenarios", yamlBody("name: big\ntitle: {", "k%d: 1,", "z: 1}\n"), 400},
		{"deep", "/api/scenarios/validate", yamlBody("name: big\ntitle: ", "[", ""), 400},
		{"scenario names", "/api/runs", fill(`{"draws":1,"scenarios":[`, `"x%d",`, `"x1"]}`, n), 400},
		{"project names", "/api/runs", fill(`{"draws":1,"projects":[`, `"P%d",`, `"P"]}`, n), 400},
		{"stored scenario ids", "/api/runs", fill(`{"draws":1,"scenario_ids":[`, `%d,`, `1]}`, n), 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.body) > DefaultMaxBodyBytes {
				t.Fatalf("body of %d bytes, over the limit", len(tt.body))
			}
			var code int
			extra, took := memtest.Peak(func() { code = f.do(t, "POST", tt.path, tt.body, nil, nil) })
			t.Logf("%d bytes: %d in %v, peak heap +%.1f MB", len(tt.body), code, took, float64(extra)/(1<<20))
			if code != tt.want {
				t.Errorf("status %d, want %d", code, tt.want)
			}
			if extra > bodyBudget {
				t.Errorf("peak heap +%.1f MB, budget %d MB", float64(extra)/(1<<20), bodyBudget>>20)
			}
		})
	}
	var runs []any
	f.do(t, "GET", "/api/runs", "", nil, &runs)
	if len(runs) != 0 {
		t.Errorf("rejected requests left %d runs behind", len(runs))
	}
}
