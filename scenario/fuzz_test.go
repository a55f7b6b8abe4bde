package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecode checks that Decode never panics and that every error starts with the file name.
// The corpus is seeded from testdata and the default scenarios of the built-in data set.
func FuzzDecode(f *testing.F) {
	for _, pattern := range []string{"testdata/*.yaml", "../dataset/neasia/scenarios/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(b))
		}
	}
	f.Add("name: x\nrules:\n  - id: a\n    kind: cap\n    cap: {value: \"1 t/yr\", range: \"0..2\"}\n")
	f.Add("regimes: {initial: a, states: [{id: a, enforcement: {r: 0.5}}], timeline: [{year: x}]}\n")
	f.Add("overrides: [{path: links/L1/capacity, value: 1 Mt/yr}]\n")
	f.Add("name: x\npremium: {value: \"50 MUSD/yr\", range: \"0..100\", source: \"assumption: x\"}\n")
	f.Add("name: x\npremium: -5 USD\n")
	f.Add("name: x\nconstruction:\n  - {id: b, kind: ban, hosts: [A], builders: [\"*\"], classes: [rail], evasion_cost: 30 %, enforcement: 0.5, exemptions: [{projects: [P]}]}\n")
	f.Add("name: x\npremium: [1]\n")
	f.Add("name: x\nrules: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n") // #17: nesting
	f.Add("name: x\nrules:\n" + strings.Repeat("- ", 70) + "x\n")
	f.Add("name: x\nrules: [" + strings.Repeat("{},", MaxTokens/3) + "{}]\n") // #17: tokens
	f.Add("name: x\n" + strings.Repeat("#\n", MaxTokens+1))
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Decode("fuzz.yaml", strings.NewReader(in))
		if err != nil {
			for _, e := range leaves(err) {
				if !strings.HasPrefix(e.Error(), "fuzz.yaml") {
					t.Errorf("error lacks the file name: %v", e)
				}
			}
			return
		}
		// A decoded scenario can be checked and applied without panicking.
		n := testNetwork(t)
		if s.Check(n) == nil {
			if _, _, err := Apply(n, s, Options{}); err != nil && !strings.HasPrefix(err.Error(), "apply ") {
				t.Errorf("Apply error lacks its operation: %v", err)
			}
		}
		_ = s.Regimes.Next(s.Regimes.Initial, 0.5, nil)
	})
}
