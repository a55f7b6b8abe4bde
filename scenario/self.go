package scenario

import (
	"maps"
	"slices"
	"strconv"

	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/quantity"
)

// checkSelf checks what the scenario says about itself, needing no network: required fields,
// rule kinds and the fields each kind takes, units and bounds of its quantities, provenance on
// every number, unique ids, and references between its own parts (regime rule ids, transition and
// timeline states). Decode and Check both run it.
func (s *Scenario) checkSelf(l *diag.List) {
	need := func(field string, ok bool, format string, args ...any) {
		if !ok {
			s.errorf(l, field, format, args...)
		}
	}
	// shape checks a quantity with fn (nil: only provenance) and that it carries a source.
	shape := func(field string, q quantity.Quantity, fn func(quantity.Quantity) error) {
		if !q.IsSet() {
			return
		}
		if fn != nil {
			if err := fn(q); err != nil {
				s.errorf(l, field, "%v", err)
				return
			}
		}
		need(field, !q.Source.IsZero(), `%s needs a source: write {value: %q, source: "<ids>"} or source: "assumption: <reasoning>"`, lastSegment(field), q.String())
	}
	need("name", s.Name != "", "missing name (an id such as x1-status-quo)")
	need("name", s.Name == "" || validID(s.Name), "%q is not an id (letters, digits, '-', '_' and '.')", s.Name)
	shape("premium", s.Premium, moneyPerYear("premium", "50 MUSD/yr"))

	rules := map[string]bool{}
	for i := range s.Rules {
		r := &s.Rules[i]
		p := "rules/" + strconv.Itoa(i)
		switch {
		case r.ID == "":
			s.errorf(l, p+"/id", "missing id (each rule needs a unique id)")
		case rules[r.ID]:
			s.errorf(l, p+"/id", "duplicate rule id %q", r.ID)
		}
		rules[r.ID] = true
		switch {
		case r.Kind == "":
			s.errorf(l, p+"/kind", "missing kind (ban, cap or premium)")
		case !isKind(r.Kind):
			s.errorf(l, p+"/kind", "unknown rule kind %q (expected ban, cap or premium)", r.Kind)
		}
		need(p+"/source", !r.Source.IsZero(), `missing source (the S fact ids the rule encodes, or "assumption: <reasoning>")`)
		need(p+"/commodities", len(r.Commodities) > 0, `missing commodities (list ids, or "*" for all)`)
		need(p+"/origins", len(r.Origins) > 0, `missing origins (list country ids, or "*" for all)`)
		need(p+"/destinations", len(r.Destinations) > 0, `missing destinations (list country ids, or "*" for any border crossing)`)
		shape(p+"/cap", r.Cap, perYear("cap", "62500 t/yr"))
		shape(p+"/premium", r.Premium, moneyPerUnit("premium"))
		shape(p+"/evasion_cost", r.EvasionCost, moneyPerUnit("evasion_cost"))
		shape(p+"/enforcement", r.Enforcement, share("enforcement"))
		need(p+"/enforcement", r.Enforcement.IsSet(), `missing enforcement (the share 0..1 of the rule that binds, e.g. {value: 0.9, range: "0.6..1", source: "assumption: …"})`)
		switch r.Kind {
		case Cap:
			need(p+"/cap", r.Cap.IsSet(), `a cap rule needs cap (a quantity per year in the commodity's unit, e.g. "62500 t/yr")`)
		case Premium:
			need(p+"/premium", r.Premium.IsSet(), `a premium rule needs premium (USD per unit, e.g. "5 USD/t", or a share of the price, e.g. "5 %%")`)
		}
		need(p+"/cap", !r.Cap.IsSet() || r.Kind == Cap, "cap applies only to rules of kind cap (this one is %q)", r.Kind)
		need(p+"/premium", !r.Premium.IsSet() || r.Kind == Premium, "premium applies only to rules of kind premium (this one is %q)", r.Kind)
		need(p+"/evasion_cost", !r.EvasionCost.IsSet() || r.Kind != Premium, "evasion_cost applies to ban and cap rules; a premium rule prices every unit")
		if (r.Kind == Ban || r.Kind == Cap) && !r.EvasionCost.IsSet() && r.Enforcement.IsSet() && !certain(r.Enforcement) {
			s.errorf(l, p+"/enforcement", "enforcement below 1 lets flow evade the rule: give evasion_cost (USD per unit, or a share of the price, paid at 50 %% enforcement)")
		}
		for j, e := range r.Exemptions {
			need(p+"/exemptions/"+strconv.Itoa(j), len(e.Links)+len(e.Nodes) > 0, "an exemption needs links or nodes where it applies")
		}
	}
	s.checkConstruction(l, rules, shape)
	s.checkOverrides(l, "overrides", s.Overrides, shape)

	g := &s.Regimes
	states := map[string]bool{}
	for i, st := range g.States {
		p := "regimes/states/" + strconv.Itoa(i)
		switch {
		case st.ID == "":
			s.errorf(l, p+"/id", "missing id (each regime state needs a unique id)")
		case states[st.ID]:
			s.errorf(l, p+"/id", "duplicate regime state id %q", st.ID)
		}
		states[st.ID] = true
		for j, id := range st.Rules {
			need(p+"/rules/"+strconv.Itoa(j), rules[id], "unknown rule %q: the scenario's rules are %s", id, s.ruleIDs())
		}
		for _, id := range slices.Sorted(maps.Keys(st.Enforcement)) {
			ep := p + "/enforcement/" + id
			q := st.Enforcement[id]
			r, cr := s.Rule(id), s.ConstructionRule(id)
			if r == nil && cr == nil {
				s.errorf(l, ep, "unknown rule %q: the scenario's rules are %s", id, s.ruleIDs())
				continue
			}
			need(ep, q.IsSet(), "missing enforcement value for rule %q", id)
			shape(ep, q, share("enforcement"))
			evades := (r != nil && (r.Kind == Ban || r.Kind == Cap) && !r.EvasionCost.IsSet()) || (cr != nil && cr.Kind == Ban && !cr.EvasionCost.IsSet())
			if evades && q.IsSet() && !certain(q) {
				s.errorf(l, ep, "enforcement below 1 needs evasion_cost on rule %q", id)
			}
		}
		s.checkOverrides(l, p+"/overrides", st.Overrides, shape)
	}
	if len(g.States) > 0 {
		switch {
		case g.Initial == "":
			s.errorf(l, "regimes/initial", "missing initial (the regime state the scenario starts in)")
		case !states[g.Initial]:
			s.errorf(l, "regimes/initial", "unknown regime state %q", g.Initial)
		}
	} else if g.Initial != "" || len(g.Transitions) > 0 || len(g.Timeline) > 0 {
		s.errorf(l, "regimes", "regimes need states (each with an id and the rules active in it)")
	}
	need("regimes/timeline", len(g.Transitions) == 0 || len(g.Timeline) == 0, "give transitions (a sampled path) or a timeline (a fixed path), not both")
	leaving := map[string]float64{}
	for i, t := range g.Transitions {
		p := "regimes/transitions/" + strconv.Itoa(i)
		need(p+"/from", t.From != "", "missing from (a regime state id)")
		need(p+"/to", t.To != "", "missing to (a regime state id)")
		need(p+"/from", t.From == "" || len(g.States) == 0 || states[t.From], "unknown regime state %q", t.From)
		need(p+"/to", t.To == "" || len(g.States) == 0 || states[t.To], "unknown regime state %q", t.To)
		need(p+"/to", t.From == "" || t.From != t.To, "a transition must lead to another state (staying has probability 1 minus the others)")
		need(p+"/probability", t.Probability.IsSet(), "missing probability (per year, e.g. {value: \"5 %%\", range: \"2..10\", source: \"assumption: …\"})")
		shape(p+"/probability", t.Probability, share("probability"))
		if f := t.Feedback; f != nil {
			fp := p + "/feedback"
			need(fp+"/rule", f.Rule != "", "missing rule (the rule whose flow raises the probability)")
			need(fp+"/rule", f.Rule == "" || s.Rule(f.Rule) != nil, "unknown flow rule %q: feedback counts the flow across one of the scenario's flow rules", f.Rule)
			need(fp+"/per", f.Per.IsSet(), `missing per (a flow per year, e.g. "1 Mt/yr")`)
			need(fp+"/add", f.Add.IsSet(), `missing add (probability added per "per" of flow, e.g. "2 %%")`)
			shape(fp+"/per", f.Per, perYear("per", "1 Mt/yr"))
			need(fp+"/per", !f.Per.IsSet() || f.Per.Value > 0, "per must be positive, got %s", f.Per.String())
			shape(fp+"/add", f.Add, share("add"))
		}
		leaving[t.From] += t.Probability.Value
		need(p+"/probability", leaving[t.From] <= 1+1e-9, "the yearly probabilities of leaving %q add up to %.4g, more than 1", t.From, leaving[t.From])
	}
	for i, st := range g.Timeline {
		p := "regimes/timeline/" + strconv.Itoa(i)
		need(p+"/year", st.Year != 0, "missing year")
		need(p+"/state", st.State != "", "missing state (a regime state id)")
		need(p+"/state", st.State == "" || len(g.States) == 0 || states[st.State], "unknown regime state %q", st.State)
		need(p+"/year", i == 0 || st.Year > g.Timeline[i-1].Year, "timeline years must increase (%d follows %d)", st.Year, prevYear(g.Timeline, i))
		need(p+"/source", st.Year == 0 || !st.Source.IsZero(), `the year %d needs a source: write {year: %d, state: %s, source: "<ids>"} or source: "assumption: <reasoning>"`, st.Year, st.Year, st.State)
	}
}

func prevYear(t []TimelineStep, i int) int {
	if i == 0 {
		return 0
	}
	return t[i-1].Year
}

// checkOverrides checks the parts of overrides that need no network.
func (s *Scenario) checkOverrides(l *diag.List, field string, os []Override, shape func(string, quantity.Quantity, func(quantity.Quantity) error)) {
	for i, o := range os {
		p := field + "/" + strconv.Itoa(i)
		if o.Path == "" {
			s.errorf(l, p+"/path", "missing path (e.g. links/L27/capacity)")
		}
		if !o.Value.IsSet() {
			s.errorf(l, p+"/value", `missing value (e.g. value: "3 Mt/yr")`)
			continue
		}
		shape(p+"/value", o.Value, nil)
	}
}

func lastSegment(field string) string {
	for i := len(field) - 1; i >= 0; i-- {
		if field[i] == '/' {
			return field[i+1:]
		}
	}
	return field
}
