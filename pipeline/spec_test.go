package pipeline

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestSpecJSON checks that a Spec survives JSON unchanged, with snake_case keys, and that a stored
// scenario's text decodes under the name its errors carry.
func TestSpecJSON(t *testing.T) {
	spec := Spec{Data: "instc", Scenarios: []string{"x1"}, Projects: []string{"RASHT_ASTARA"}, Draws: 50, Seed: 9, Analysis: true,
		Premium: "50 MUSD/yr", Custom: []ScenarioText{{ID: 4, Name: "mine", YAML: "name: mine\n"}, {Name: "f", File: "dir/f.yaml", YAML: "name: f\n"}}}
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"data":"instc"`, `"scenarios":["x1"]`, `"custom":[{"id":4,`, `"premium":"50 MUSD/yr"`, `"analysis":true`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("Spec JSON %s lacks %s", b, k)
		}
	}
	var back Spec
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, spec) {
		t.Errorf("round trip = %+v, %v; want %+v", back, err, spec)
	}
	if got := spec.Custom[0].FileName(); got != "scenario-4.yaml" {
		t.Errorf("stored scenario FileName = %q", got)
	}
	if got := spec.Custom[1].FileName(); got != "dir/f.yaml" {
		t.Errorf("file scenario FileName = %q", got)
	}
	_, err = ScenarioText{ID: 7, YAML: "name: x\nrulez: []\n"}.Decode()
	if err == nil || !strings.HasPrefix(err.Error(), "scenario-7.yaml:2:") {
		t.Errorf("Decode of a bad stored scenario = %v, want an error at scenario-7.yaml:2", err)
	}
}

// MaxDraws is appraise's bound on draws, lowered where the figures kept for the percentiles
// would pass theirs, so that a server can refuse such a run before queueing it (#17).
func TestMaxDraws(t *testing.T) {
	for _, tt := range []struct{ projects, scenarios, countries, want int }{
		{9, 5, 8, 22_222}, // the built-in data's full assessment
		{9, 3, 8, 37_037},
		{1, 1, 8, 1_000_000},
		{0, 0, 0, 1_000_000},
	} {
		if got := MaxDraws(tt.projects, tt.scenarios, tt.countries); got != tt.want {
			t.Errorf("MaxDraws(%d, %d, %d) = %d, want %d", tt.projects, tt.scenarios, tt.countries, got, tt.want)
		}
	}
}
