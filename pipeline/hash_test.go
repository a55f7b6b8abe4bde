package pipeline

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/corridor-dev/corridor/scenario"
)

// Two scenarios of one name and file but different text hash differently (#13: the input hash
// covered a scenario's name and path only).
func TestHashInputsCoversScenarioText(t *testing.T) {
	fsys := fstest.MapFS{"dataset.yaml": {Data: []byte("name: x\n")}}
	decode := func(src string) *scenario.Scenario {
		t.Helper()
		sc, err := scenario.Decode("mine.yaml", strings.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	a, err := hashInputs(fsys, []*scenario.Scenario{decode("name: mine\ntitle: one\n")}, "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := hashInputs(fsys, []*scenario.Scenario{decode("name: mine\ntitle: two\n")}, "")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := hashInputs(fsys, []*scenario.Scenario{decode("name: mine\ntitle: one\n")}, "")
	if a == b || a != again {
		t.Errorf("hashes: one %s, two %s, one again %s; want one ≠ two and one = one again", a, b, again)
	}
}
