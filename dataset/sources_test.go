package dataset

import (
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// factID matches a REFERENCE_FACTS-style fact id (L27, P13, E102, S01): one or two capitals and
// two or three digits, as a whole word.
var factID = regexp.MustCompile(`\b[A-Z]{1,2}[0-9]{2,3}\b`)

// TestCitedFactIDsAreSources checks issue #18's "cited ids missing from sources.csv" on every
// built-in data set: a fact id named anywhere in its files — a *_source cell, the reasoning of an
// assumption ("L42-L47"), a description — is a row of sources.csv. The validator checks the
// source-id cells; this also covers ids cited in free text, which it cannot tell from prose.
func TestCitedFactIDsAreSources(t *testing.T) {
	for _, name := range Builtins() {
		t.Run(name, func(t *testing.T) {
			fsys, _ := Builtin(name)
			n, _, err := Load(t.Context(), fsys)
			if err != nil {
				t.Fatal(err)
			}
			missing := map[string][]string{}
			err = fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || path == "sources.csv" || strings.HasSuffix(path, ".md") {
					return err
				}
				b, err := fs.ReadFile(fsys, path)
				if err != nil {
					return err
				}
				for _, id := range factID.FindAllString(string(b), -1) {
					if n.Source(id) == nil {
						missing[id] = append(missing[id], path)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]string, 0, len(missing))
			for id := range missing {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				t.Errorf("%s is cited (in %s) but is not in sources.csv", id, strings.Join(uniq(missing[id]), ", "))
			}
		})
	}
}

func uniq(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
