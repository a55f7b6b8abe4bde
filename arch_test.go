package corridor

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// allowedImports is the layer table of docs/ARCHITECTURE.md: for each package (relative to the
// module), the corridor packages it may import. A package missing from the table may import none,
// except test-only helpers under internal/. cmd/ may import anything.
func allowedImports() map[string][]string {
	return map[string][]string{
		"":                         {},
		"geo":                      {},
		"quantity":                 {},
		"internal/diag":            {},
		"internal/yamldepth":       {},
		"lp":                       {},
		"lp/highs":                 {"lp", "third_party/highs"},
		"lp/lptest":                {"lp"},
		"lp/simplex":               {"lp"},
		"lp/dw":                    {"lp"},
		"lp/face":                  {"lp", "lp/simplex"},
		"lp/interdict":             {"lp"},
		"third_party/highs":        {},
		"third_party/naturalearth": {},
		"model":                    {"geo", "quantity"},
		"dataset":                  {"model", "geo", "quantity", "internal/diag", "internal/yamldepth"},
		"scenario":                 {"model", "quantity", "internal/diag", "internal/yamldepth"},
		"flow":                     {"model", "quantity", "scenario", "lp", "lp/dw", "lp/face"},
		"risk":                     {"quantity"},
		"appraise":                 {"model", "quantity", "scenario", "flow", "risk", "lp"},
		"portfolio":                {"model", "scenario", "flow", "lp"},
		"chokepoint":               {"model", "scenario", "flow", "lp", "lp/interdict"},
		"backcast":                 {"model", "quantity", "flow", "scenario", "internal/diag"},
		"pipeline":                 {"dataset", "scenario", "flow", "appraise", "risk", "model", "quantity", "lp", "chokepoint"},
		"report":                   {"pipeline", "dataset", "scenario", "flow", "appraise", "risk", "model", "quantity", "geo", "third_party/naturalearth", "chokepoint"},
		"store":                    {"pipeline"},
		"dispatch":                 {"pipeline", "appraise"},
		"serve":                    {"pipeline", "store", "report", "dataset", "scenario", "model", "internal/diag", "third_party/naturalearth", "chokepoint"},
		"internal/gendocs":         {"dataset", "model", "quantity"},
	}
}

type listedPackage struct {
	ImportPath string
	Imports    []string
}

// TestArchitecture fails when a package imports a corridor package outside its row of the layer
// table: data flows one way (dataset → model → scenario → flow → appraise → report/store/serve).
func TestArchitecture(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/corridor-dev/corridor"
	allowed := allowedImports()
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		seen++
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		if rel == "cmd/corridor" || strings.HasPrefix(rel, "cmd/") || strings.HasPrefix(rel, "internal/testnet") || strings.HasPrefix(rel, "internal/browsertest") || strings.HasPrefix(rel, "internal/golden") || strings.HasPrefix(rel, "internal/memtest") || strings.HasPrefix(rel, "scripts") {
			continue
		}
		row, ok := allowed[rel]
		if parent, _, nested := strings.Cut(rel, "/internal/"); !ok && nested {
			// a package's own internal helpers follow their parent's row
			row, ok = allowed[parent]
			row = append(row, parent)
		}
		if !ok {
			t.Errorf("package %q is not in the layer table: add its row to arch_test.go and docs/ARCHITECTURE.md", rel)
			continue
		}
		for _, imp := range p.Imports {
			dep, ok := strings.CutPrefix(imp, module+"/")
			if !ok {
				continue
			}
			if !contains(row, dep) {
				t.Errorf("%s imports %s: breaks the one-way data flow (see docs/ARCHITECTURE.md)", rel, dep)
			}
		}
	}
	if seen < 3 {
		t.Fatalf("go list found only %d packages", seen)
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
