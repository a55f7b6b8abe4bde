package appraise_test

import (
	"math"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// TestConstructionSanctions works the pipeline case of TestHandComputedCase under rules on
// building it. The capex of 100 falls in year 0, so a markup m costs Russia exactly 100·m more:
//   - a premium of 40 % at enforcement 0.5 adds 20 % (100 · 0.4 · 0.5 = 20);
//   - a ban with an evasion cost of 10 % at enforcement 0.75 adds 0.1 · 0.75/0.25 = 30 %;
//   - both add up to 50 %;
//   - a ban enforced in full stops the project: every figure is zero and Russia never commits;
//   - a rule for another host, builder or class, or one that exempts the project, changes nothing.
func TestConstructionSanctions(t *testing.T) {
	n := pipelineNet(t, false)
	free := -100 + pv(11, 0.1, func(t int) float64 { return 120 * ramp(t) })
	share := func(v float64) quantity.Quantity { return quantity.Quantity{Value: v, Dim: quantity.DimNone} }
	premium := scenario.ConstructionRule{ID: "p", Kind: scenario.Premium, Hosts: scenario.Set{"*"}, Builders: scenario.Set{"RUS"},
		Classes: scenario.Set{"*"}, Premium: share(0.4), Enforcement: share(0.5)}
	ban := scenario.ConstructionRule{ID: "b", Kind: scenario.Ban, Hosts: scenario.Set{"KOR"}, Builders: scenario.Set{"*"},
		Classes: scenario.Set{"*"}, EvasionCost: share(0.1), Enforcement: share(0.75)}
	full := ban
	full.Enforcement = share(1)
	otherHost, otherBuilder, otherClass, exempt := ban, ban, ban, ban
	otherHost.Hosts = scenario.Set{"CHN"}
	otherBuilder.Builders = scenario.Set{"KOR"}
	otherClass.Classes = scenario.Set{"rail"}
	exempt.Exemptions = []scenario.ProjectExemption{{Projects: []string{"P"}}}
	for _, c := range []struct {
		name    string
		rules   []scenario.ConstructionRule
		markup  float64 // want, share of capex
		blocked bool
	}{
		{"premium", []scenario.ConstructionRule{premium}, 0.2, false},
		{"ban evaded", []scenario.ConstructionRule{ban}, 0.3, false},
		{"both", []scenario.ConstructionRule{premium, ban}, 0.5, false},
		{"ban in full", []scenario.ConstructionRule{full}, 0, true},
		{"other host", []scenario.ConstructionRule{otherHost}, 0, false},
		{"other builder", []scenario.ConstructionRule{otherBuilder}, 0, false},
		{"other class", []scenario.ConstructionRule{otherClass}, 0, false},
		{"exempt", []scenario.ConstructionRule{exempt}, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc := &scenario.Scenario{Name: "s", Construction: c.rules}
			out, err := appraise.Run(t.Context(), appraise.Input{Net: n, Scenarios: []*scenario.Scenario{sc},
				Draws: 2, Seed: 1, Workers: 1, NewEngine: newEngine(t), ReferenceYear: 2024})
			if err != nil {
				t.Fatal(err)
			}
			cs := out.Cases[0]
			ru := cs.Countries[0]
			commit := *cs.Bargaining.Commit
			switch {
			case c.blocked:
				if cs.Construction == nil || cs.Construction.Blocked != 1 || ru.NPV.Mean != 0 || ru.Strategic.Mean != 0 || commit != 0 {
					t.Errorf("blocked: construction %+v, NPV %g, strategic %g, commit %g; want blocked in every draw, zeros and no commitment",
						cs.Construction, ru.NPV.Mean, ru.Strategic.Mean, commit)
				}
			default:
				if want := free - 100*c.markup; math.Abs(ru.NPV.Mean-want) > 1e-6 {
					t.Errorf("Russia's NPV %.6f, want %.6f (markup %g)", ru.NPV.Mean, want, c.markup)
				}
				if c.markup > 0 && (cs.Construction == nil || math.Abs(cs.Construction.Markup.Mean-c.markup) > 1e-12 || cs.Construction.Blocked != 0) {
					t.Errorf("construction effect %+v, want markup %g", cs.Construction, c.markup)
				}
				if c.markup == 0 && cs.Construction != nil {
					t.Errorf("construction effect %+v, want none", cs.Construction)
				}
			}
		})
	}
}
