package scenario

import (
	"iter"
	"strconv"

	"github.com/corridor-dev/corridor/quantity"
)

// Values yields every number the scenario states, with its provenance, in file order: the
// premium, each rule's cap, premium, evasion cost and enforcement, overrides, each regime state's
// enforcement levels and overrides, each transition's probability and feedback, and each
// timeline year. Paths read like the scenario's field paths with ids for indices, e.g.
// "rules/un-coal-from-dprk/enforcement" or "regimes/timeline/1/year". A number without
// provenance is yielded with a zero Provenance (checkSelf reports it).
func (s *Scenario) Values() iter.Seq2[string, quantity.Provenance] {
	return func(yield func(string, quantity.Provenance) bool) {
		q := func(path string, x quantity.Quantity) bool {
			return !x.IsSet() || yield(path, x.Source)
		}
		if !q("premium", s.Premium) {
			return
		}
		for i := range s.Rules {
			r := &s.Rules[i]
			p := "rules/" + r.ID + "/"
			if !q(p+"cap", r.Cap) || !q(p+"premium", r.Premium) || !q(p+"evasion_cost", r.EvasionCost) || !q(p+"enforcement", r.Enforcement) {
				return
			}
		}
		for i := range s.Construction {
			r := &s.Construction[i]
			p := "construction/" + r.ID + "/"
			if !q(p+"premium", r.Premium) || !q(p+"evasion_cost", r.EvasionCost) || !q(p+"enforcement", r.Enforcement) {
				return
			}
		}
		for _, o := range s.Overrides {
			if !q("overrides/"+string(o.Path), o.Value) {
				return
			}
		}
		g := &s.Regimes
		for i := range g.States {
			st := &g.States[i]
			p := "regimes/states/" + st.ID + "/"
			for j := range s.Rules { // rule order, not map order
				if e, ok := st.Enforcement[s.Rules[j].ID]; ok && !q(p+"enforcement/"+s.Rules[j].ID, e) {
					return
				}
			}
			for j := range s.Construction {
				if e, ok := st.Enforcement[s.Construction[j].ID]; ok && !q(p+"enforcement/"+s.Construction[j].ID, e) {
					return
				}
			}
			for _, o := range st.Overrides {
				if !q(p+"overrides/"+string(o.Path), o.Value) {
					return
				}
			}
		}
		for _, t := range g.Transitions {
			p := "regimes/transitions/" + t.From + "/" + t.To + "/"
			if !q(p+"probability", t.Probability) {
				return
			}
			if f := t.Feedback; f != nil && (!q(p+"feedback/per", f.Per) || !q(p+"feedback/add", f.Add)) {
				return
			}
		}
		for i, st := range g.Timeline {
			if st.Year != 0 && !yield("regimes/timeline/"+strconv.Itoa(i)+"/year", st.Source) {
				return
			}
		}
	}
}
