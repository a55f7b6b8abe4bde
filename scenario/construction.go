package scenario

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// ConstructionRule is a sanctions measure on building a project rather than on the goods that
// flow over it: a ban on supplying machinery, steel or equipment to a host country, or an
// embargo on a builder's financing or technology. It matches a candidate project whose works lie
// in one of Hosts (the countries its links cross and its upgraded nodes lie in), that a country
// in Builders finances (a financing share above 0), and whose reference class is in Classes.
//
// Its effect is on the project's capex, year by year of construction, in the regime state of
// that year (docs/decisions/0003-sanctions-rules.md, "Construction"):
//   - ban: at enforcement e < 1 the works go ahead by evasion at a capex markup of
//     EvasionCost × e/(1−e), the flow rules' pricing of evasion; at e = 1 the project cannot
//     be built in that state;
//   - premium: every year of works pays Premium × e of its capex (compliance, costlier
//     suppliers, finance at a risk premium).
//
// A project listed in an exemption (e.g. one the sanctions committee exempted) is outside the
// rule.
type ConstructionRule struct {
	ID, Name string
	Kind     RuleKind // Ban or Premium
	Hosts    Set      // country ids where the works lie
	Builders Set      // country ids financing the project
	Classes  Set      // project reference classes (rail, road, bridge, pipeline, power, port, …)
	// Premium (premium only) and EvasionCost (ban only) are dimensionless shares of capex.
	Premium, EvasionCost quantity.Quantity
	// Enforcement is the share 0..1 of the rule that binds, usually with a range.
	Enforcement quantity.Quantity
	Exemptions  []ProjectExemption
	Source      quantity.Provenance
}

// ProjectExemption takes named projects out of a construction rule.
type ProjectExemption struct {
	Projects []string // Project.IDs
	Note     string
}

// Blocked is the markup of a construction ban enforced in full: the project cannot be built.
var Blocked = math.Inf(1)

// Matches reports whether the rule applies to project p of network n: its works lie in one of
// the rule's hosts, a builder finances it, its class matches and no exemption names it.
func (r *ConstructionRule) Matches(n *model.Network, p *model.Project) bool {
	if !r.Classes.Match(p.Class) || slices.ContainsFunc(r.Exemptions, func(e ProjectExemption) bool { return slices.Contains(e.Projects, p.ID) }) {
		return false
	}
	if !slices.ContainsFunc(n.Hosts(p), r.Hosts.Match) {
		return false
	}
	for c, s := range p.Financing {
		if s > 0 && r.Builders.Match(c) {
			return true
		}
	}
	return false
}

// Markup is the share of capex the rule adds at enforcement e: Blocked for a ban at e ≥ 1.
func (r *ConstructionRule) Markup(e float64) float64 {
	switch r.Kind {
	case Ban:
		if e >= 1 {
			return Blocked
		}
		return r.EvasionCost.Value * e / (1 - e)
	case Premium:
		return r.Premium.Value * e
	}
	return 0
}

// ConstructionRule returns the construction rule with the given id, or nil.
func (s *Scenario) ConstructionRule(id string) *ConstructionRule {
	for i := range s.Construction {
		if s.Construction[i].ID == id {
			return &s.Construction[i]
		}
	}
	return nil
}

// ConstructionMarkup is the capex markup (a share of capex; Blocked when a ban in force is
// enforced in full) that the construction rules in force in regime state regime put on building
// project p of network n, and the ids of the rules that match. Enforcement comes, in order of
// precedence, from drawn (keyed by EnforcementKey), the regime state, or the rule; a rule's
// premium or evasion cost from drawn (keyed by CostKey) or the rule. A markup is
// the sum of the rules' markups: measures by different authorities add up.
func (s *Scenario) ConstructionMarkup(n *model.Network, p *model.Project, regime string, drawn map[string]float64) (markup float64, rules []string) {
	st := s.Regimes.State(regime)
	for i := range s.Construction {
		r := &s.Construction[i]
		if st != nil && st.Rules != nil && !slices.Contains(st.Rules, r.ID) {
			continue
		}
		if !r.Matches(n, p) {
			continue
		}
		rc := *r
		if v, ok := drawn[CostKey(r.ID)]; ok {
			rc.Premium.Value, rc.EvasionCost.Value = v, v // a rule has one of the two
		}
		markup += rc.Markup(s.enforcement(r.ID, r.Enforcement, st, drawn))
		rules = append(rules, r.ID)
	}
	return markup, rules
}

// EnforcementKey is the key of a drawn enforcement in the map Options.Enforcement and
// ConstructionMarkup take: the rule id for the rule's own enforcement, "state/rule" for the
// enforcement a regime state sets for it.
func EnforcementKey(state, rule string) string {
	if state == "" {
		return rule
	}
	return state + "/" + rule
}

// CostKey is the key of a construction rule's drawn premium or evasion cost in the map
// ConstructionMarkup takes ('#' is not allowed in ids, so it meets no EnforcementKey).
func CostKey(rule string) string { return rule + "#cost" }

// enforcement resolves the enforcement of rule id: the regime state's own value (drawn, or as
// written), else the rule's (drawn, or as written).
func (s *Scenario) enforcement(id string, own quantity.Quantity, st *RegimeState, drawn map[string]float64) float64 {
	if st != nil {
		if q, ok := st.Enforcement[id]; ok {
			if v, ok := drawn[EnforcementKey(st.ID, id)]; ok {
				return v
			}
			return q.Value
		}
	}
	if v, ok := drawn[id]; ok {
		return v
	}
	return own.Value
}

func keysConstruction() []string {
	return []string{"id", "name", "kind", "hosts", "builders", "classes", "premium", "evasion_cost", "enforcement", "exemptions", "source"}
}
func keysProjectExemption() []string { return []string{"projects", "note"} }

func (r *reader) construction(it item) ConstructionRule {
	f, ok := r.mapping(it.node, it.path, keysConstruction()...)
	if !ok {
		return ConstructionRule{}
	}
	c := ConstructionRule{
		ID:       r.id(f, "id", false),
		Name:     r.str(f, "name", false),
		Kind:     RuleKind(r.str(f, "kind", false)),
		Source:   r.provenance(f, "source"),
		Hosts:    r.list(f, "hosts", true),
		Builders: r.list(f, "builders", true),
		Classes:  r.list(f, "classes", true),
	}
	c.Premium = r.quantity(f, "premium", c.Source)
	c.EvasionCost = r.quantity(f, "evasion_cost", c.Source)
	c.Enforcement = r.quantity(f, "enforcement", c.Source)
	for _, ex := range r.sequence(f, "exemptions") {
		ef, ok := r.mapping(ex.node, ex.path, keysProjectExemption()...)
		if !ok {
			continue
		}
		c.Exemptions = append(c.Exemptions, ProjectExemption{Projects: r.list(ef, "projects", false), Note: r.str(ef, "note", false)})
	}
	return c
}

// checkConstruction checks the construction rules without a network; ids shares the flow rules'
// ids, so that regime states can name either.
func (s *Scenario) checkConstruction(l *diag.List, ids map[string]bool, shape func(string, quantity.Quantity, func(quantity.Quantity) error)) {
	need := func(field string, ok bool, format string, args ...any) {
		if !ok {
			s.errorf(l, field, format, args...)
		}
	}
	for i := range s.Construction {
		r := &s.Construction[i]
		p := "construction/" + strconv.Itoa(i)
		switch {
		case r.ID == "":
			s.errorf(l, p+"/id", "missing id (each rule needs a unique id)")
		case ids[r.ID]:
			s.errorf(l, p+"/id", "duplicate rule id %q (flow and construction rules share one set of ids)", r.ID)
		}
		ids[r.ID] = true
		need(p+"/kind", r.Kind == Ban || r.Kind == Premium, "construction rule kind must be ban or premium, got %q", r.Kind)
		need(p+"/source", !r.Source.IsZero(), `missing source (the S fact ids the rule encodes, or "assumption: <reasoning>")`)
		need(p+"/hosts", len(r.Hosts) > 0, `missing hosts (country ids where the works lie, or "*")`)
		need(p+"/builders", len(r.Builders) > 0, `missing builders (country ids financing the project, or "*")`)
		need(p+"/classes", len(r.Classes) > 0, `missing classes (project classes such as rail or power, or "*")`)
		shape(p+"/premium", r.Premium, capexShare("premium"))
		shape(p+"/evasion_cost", r.EvasionCost, capexShare("evasion_cost"))
		shape(p+"/enforcement", r.Enforcement, share("enforcement"))
		need(p+"/enforcement", r.Enforcement.IsSet(), `missing enforcement (the share 0..1 of the rule that binds, e.g. {value: 0.9, range: "0.6..1", source: "assumption: …"})`)
		need(p+"/premium", r.Kind != Premium || r.Premium.IsSet(), `a premium rule needs premium (a share of capex, e.g. "10 %%")`)
		need(p+"/premium", !r.Premium.IsSet() || r.Kind == Premium, "premium applies only to rules of kind premium (this one is %q)", r.Kind)
		need(p+"/evasion_cost", !r.EvasionCost.IsSet() || r.Kind == Ban, "evasion_cost applies only to ban rules (this one is %q)", r.Kind)
		if r.Kind == Ban && !r.EvasionCost.IsSet() && r.Enforcement.IsSet() && !certain(r.Enforcement) {
			s.errorf(l, p+"/enforcement", "enforcement below 1 lets works evade the ban: give evasion_cost (a share of capex paid at 50 %% enforcement, e.g. \"30 %%\")")
		}
		for j, e := range r.Exemptions {
			need(p+"/exemptions/"+strconv.Itoa(j)+"/projects", len(e.Projects) > 0, "an exemption needs projects (the project ids it exempts)")
		}
	}
}

// construction checks a construction rule's references against the network.
func (c *checker) construction(p string, r *ConstructionRule) {
	c.source(p+"/source", r.Source)
	c.set(p+"/hosts", r.Hosts, c.country)
	c.set(p+"/builders", r.Builders, c.country)
	for _, f := range []struct {
		name string
		q    quantity.Quantity
	}{{"premium", r.Premium}, {"evasion_cost", r.EvasionCost}, {"enforcement", r.Enforcement}} {
		if f.q.IsSet() && f.q.Source.String() != r.Source.String() {
			c.source(p+"/"+f.name, f.q.Source)
		}
	}
	for j, e := range r.Exemptions {
		for k, id := range e.Projects {
			if c.n.Project(id) == nil {
				c.errorf(p+"/exemptions/"+strconv.Itoa(j)+"/projects/"+strconv.Itoa(k), "unknown project %q", id)
			}
		}
	}
}

// capexShare checks a non-negative dimensionless share of capex (it may exceed 1).
func capexShare(what string) func(q quantity.Quantity) error {
	return func(q quantity.Quantity) error {
		if q.Dim != quantity.DimNone {
			return fmt.Errorf("%s must be a share of capex (e.g. \"30 %%\" or 0.3), got %s (%s)", what, q, q.Dim)
		}
		if q.Value < 0 || math.IsNaN(q.Value) || (q.Range != nil && q.Range.Low < 0) {
			return fmt.Errorf("%s must not be negative, got %s", what, q)
		}
		return nil
	}
}
