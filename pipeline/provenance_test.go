package pipeline

import (
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// TestProvenanceAddsUp checks issue #18's accounting on every built-in data set: every value —
// each quantity, position, km split of a link crossing borders, owners and financing split,
// start year, and each number of every shipped scenario, timeline years included — has a
// provenance class, and fact + derived + assumption is the number of values, counted here
// table by table independently of model.Network.Values and scenario.Scenario.Values.
func TestProvenanceAddsUp(t *testing.T) {
	for _, name := range dataset.Builtins() {
		t.Run(name, func(t *testing.T) {
			fsys, _ := dataset.Builtin(name)
			n, _, err := dataset.Load(t.Context(), fsys)
			if err != nil {
				t.Fatal(err)
			}
			scens, err := Scenarios(fsys, nil, n.Study.HeadlineScenario)
			if err != nil {
				t.Fatal(err)
			}
			c := appraise.ProvenanceCounts(n, scens)
			if c.None != 0 {
				for path, p := range n.Values() {
					if p.IsZero() {
						t.Errorf("%s has no provenance", path)
					}
				}
				t.Errorf("%d values without provenance", c.None)
			}
			want := networkValues(n)
			for _, sc := range scens {
				want += scenarioValues(sc)
			}
			if got := c.Fact + c.Derived + c.Assumption; got != want {
				t.Errorf("fact %d + derived %d + assumption %d = %d, want every value: %d", c.Fact, c.Derived, c.Assumption, got, want)
			}
			if c.Fact == 0 || c.Derived == 0 || c.Assumption == 0 {
				t.Errorf("counts %+v: want every class used", c)
			}
			// The fields that had no provenance before issue #18 are counted.
			fields := map[string]int{}
			for path := range n.Values() {
				fields[path[strings.LastIndex(path, "/")+1:]]++
			}
			for _, sc := range scens {
				for path := range sc.Values() {
					if strings.HasPrefix(path, "regimes/timeline/") {
						fields["timeline"]++
					}
				}
			}
			for _, f := range []string{"start_year", "countries", "timeline", "position"} {
				if fields[f] == 0 {
					t.Errorf("no %s value counted", f)
				}
			}
		})
	}
}

// networkValues counts the values of n that need a source, table by table.
func networkValues(n *model.Network) int {
	v := 0
	for range n.Quantities() {
		v++
	}
	v += len(n.Nodes) // positions
	for _, l := range n.Links {
		if len(l.Crossings) > 1 {
			v++
		}
		if len(l.Owners) > 0 {
			v++
		}
	}
	for _, p := range n.Projects {
		if p.StartYear != 0 {
			v++
		}
		if len(p.Financing) > 0 {
			v++
		}
		if len(p.Owners) > 0 {
			v++
		}
	}
	return v
}

// scenarioValues counts the numbers a scenario states, field by field.
func scenarioValues(s *scenario.Scenario) int {
	v := 0
	set := func(ok bool) {
		if ok {
			v++
		}
	}
	set(s.Premium.IsSet())
	for _, r := range s.Rules {
		set(r.Cap.IsSet())
		set(r.Premium.IsSet())
		set(r.EvasionCost.IsSet())
		set(r.Enforcement.IsSet())
	}
	for _, r := range s.Construction {
		set(r.Premium.IsSet())
		set(r.EvasionCost.IsSet())
		set(r.Enforcement.IsSet())
	}
	v += len(s.Overrides)
	for _, st := range s.Regimes.States {
		v += len(st.Enforcement) + len(st.Overrides)
	}
	for _, tr := range s.Regimes.Transitions {
		set(tr.Probability.IsSet())
		if tr.Feedback != nil {
			set(tr.Feedback.Per.IsSet())
			set(tr.Feedback.Add.IsSet())
		}
	}
	v += len(s.Regimes.Timeline)
	return v
}
