package backcast

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadStates(t *testing.T) {
	n := tinyNet(t)
	const ok = "name: h2015\ntitle: t\ndescription: d\nsource: S1\nrules: []\n"
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		want  []string // state names, or the error's fragments
		fails bool
	}{
		{"no folder", fstest.MapFS{"history.csv": {Data: []byte(header)}}, nil, false},
		{"one state", fstest.MapFS{"history/h2015.yaml": {Data: []byte(ok)}}, []string{"h2015"}, false},
		{"name differs from the stem", fstest.MapFS{"history/h2016.yaml": {Data: []byte(ok)}},
			[]string{"history/h2016.yaml", `name: "h2015" differs from the file's stem "h2016"`}, true},
		{"unknown source", fstest.MapFS{"history/h2015.yaml": {Data: []byte(strings.Replace(ok, "S1", "S9", 1))}},
			[]string{"history/h2015.yaml", "S9"}, true},
		{"unknown field", fstest.MapFS{"history/h2015.yaml": {Data: []byte(ok + "colour: red\n")}},
			[]string{"history/h2015.yaml", "colour"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadStates(tc.files, n)
			if tc.fails {
				if err == nil {
					t.Fatalf("LoadStates = %v, want an error", got)
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("states = %v, want %v", got, tc.want)
			}
			for _, w := range tc.want {
				if got[w] == nil || got[w].Name != w {
					t.Errorf("state %s = %+v", w, got[w])
				}
			}
		})
	}
}
