package scenario

import (
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// The keys a scenario file may use, per record. Decode rejects any other key. They are functions
// so that the package holds no mutable state.
func keysScenario() []string {
	return []string{"name", "title", "description", "source", "premium", "projects", "participants", "rules", "construction", "overrides", "regimes"}
}
func keysRule() []string {
	return []string{"id", "name", "kind", "commodities", "origins", "destinations", "transit", "modes", "operators", "cap", "premium", "evasion_cost", "enforcement", "exemptions", "source"}
}
func keysExemption() []string  { return []string{"commodities", "origins", "links", "nodes", "note"} }
func keysOverride() []string   { return []string{"path", "value", "range", "source"} }
func keysRegimes() []string    { return []string{"initial", "states", "transitions", "timeline"} }
func keysState() []string      { return []string{"id", "name", "tags", "rules", "enforcement", "overrides"} }
func keysTransition() []string { return []string{"from", "to", "probability", "feedback", "source"} }
func keysFeedback() []string   { return []string{"rule", "per", "add"} }
func keysStep() []string       { return []string{"year", "state", "source"} }

// MaxFileBytes is the largest scenario file Decode reads.
const MaxFileBytes = 4 << 20

// MaxTokens is the most YAML tokens (keys, values, brackets, commas, list entries and comments,
// as yamldepth.CheckSize counts them) a scenario may hold. The YAML parser and the reader need
// about a kilobyte per token, whatever the file's shape, so the bound keeps decoding within about
// 50 MB and 0.5 s; the built-in scenarios hold 1,200–1,500 tokens, a scenario of 2,000 rules
// about 50,000.
const MaxTokens = 50_000

// Decode reads a scenario from YAML. file names the input in errors. It checks everything that
// needs no network: the keys (unknown keys are errors), units and dimensions, shares within 0..1,
// rule kinds and the fields each kind needs, unique ids, and references inside the file (regime
// rule ids, transition and timeline states). Every problem is a *diag.Error with file, line,
// column and field path; all are returned at once, joined (at most diag.Max).
//
// The format is described in docs/decisions/0003-sanctions-rules.md and by the files in
// dataset/neasia/scenarios.
func Decode(file string, r io.Reader) (*Scenario, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, &diag.Error{File: file, Err: fmt.Errorf("read: %w", err)}
	}
	if len(src) > MaxFileBytes {
		return nil, &diag.Error{File: file, Err: fmt.Errorf("file is larger than %d bytes", MaxFileBytes)}
	}
	rd := newReader(file)
	root := rd.parse(src)
	if root == nil {
		return nil, rd.errs.Err()
	}
	s := rd.scenario(root)
	s.file, s.src, s.pos, s.bad = file, src, rd.pos, rd.bad
	s.checkSelf(&rd.errs)
	if err := rd.errs.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// Load reads and decodes the scenario at path in fsys; errors name path as the file.
func Load(fsys fs.FS, path string) (*Scenario, error) {
	f, err := fsys.Open(path)
	if err != nil {
		return nil, &diag.Error{File: path, Err: err}
	}
	defer f.Close()
	return Decode(path, f)
}

func (r *reader) scenario(n ast.Node) *Scenario {
	s := &Scenario{}
	f, ok := r.mapping(n, "", keysScenario()...)
	if !ok {
		return s
	}
	s.Name = r.id(f, "name", false)
	s.Title = r.str(f, "title", false)
	s.Description = r.str(f, "description", false)
	s.Source = r.provenance(f, "source")
	// The premium is a number of its own: it does not inherit the scenario's source.
	s.Premium = r.quantity(f, "premium", quantity.Provenance{})
	s.Projects = r.list(f, "projects", false)
	s.Participants = r.list(f, "participants", false)
	// Sized once: a Rule is large, and growing the slice by appending copied each one
	// repeatedly (half the memory of decoding thousands of rules).
	if items := r.sequence(f, "rules"); len(items) > 0 {
		s.Rules = make([]Rule, len(items))
		for i, it := range items {
			s.Rules[i] = r.rule(it)
		}
	}
	if items := r.sequence(f, "construction"); len(items) > 0 {
		s.Construction = make([]ConstructionRule, len(items))
		for i, it := range items {
			s.Construction[i] = r.construction(it)
		}
	}
	s.Overrides = r.overrides(f, "overrides")
	if f.has("regimes") {
		s.Regimes = r.regimes(f.get("regimes"), f.path("regimes"))
	}
	return s
}

func (r *reader) rule(it item) Rule {
	f, ok := r.mapping(it.node, it.path, keysRule()...)
	if !ok {
		return Rule{}
	}
	rule := Rule{
		ID:           r.id(f, "id", false),
		Name:         r.str(f, "name", false),
		Kind:         RuleKind(r.str(f, "kind", false)),
		Source:       r.provenance(f, "source"),
		Commodities:  r.list(f, "commodities", true),
		Origins:      r.list(f, "origins", true),
		Destinations: r.list(f, "destinations", true),
		Transit:      r.list(f, "transit", true),
		Modes:        r.list(f, "modes", true),
		Operators:    r.list(f, "operators", true),
	}
	rule.Cap = r.quantity(f, "cap", rule.Source)
	rule.Premium = r.quantity(f, "premium", rule.Source)
	rule.EvasionCost = r.quantity(f, "evasion_cost", rule.Source)
	rule.Enforcement = r.quantity(f, "enforcement", rule.Source)
	for _, ex := range r.sequence(f, "exemptions") {
		ef, ok := r.mapping(ex.node, ex.path, keysExemption()...)
		if !ok {
			continue
		}
		rule.Exemptions = append(rule.Exemptions, Exemption{
			Commodities: r.list(ef, "commodities", true),
			Origins:     r.list(ef, "origins", true),
			Links:       r.list(ef, "links", false),
			Nodes:       r.list(ef, "nodes", false),
			Note:        r.str(ef, "note", false),
		})
	}
	return rule
}

func (r *reader) overrides(f fields, key string) []Override {
	var out []Override
	for _, it := range r.sequence(f, key) {
		of, ok := r.mapping(it.node, it.path, keysOverride()...)
		if !ok {
			continue
		}
		// value, range and source sit beside path and are read as one quantity.
		out = append(out, Override{Path: model.QuantityPath(r.str(of, "path", false)), Value: r.quantityAt(of)})
	}
	return out
}

// quantityAt reads the value, range and source keys of f (an override) as one quantity.
func (r *reader) quantityAt(f fields) quantity.Quantity {
	valueText := r.str(f, "value", false)
	if valueText == "" {
		return quantity.Quantity{}
	}
	q, err := quantity.Parse(valueText, "")
	if err != nil {
		r.errorf(f.get("value"), f.path("value"), "%v", err)
		return quantity.Quantity{}
	}
	if err := q.ParseRange(r.str(f, "range", false)); err != nil {
		r.errorf(f.get("range"), f.path("range"), "%v", err)
	}
	q.Source = r.provenance(f, "source")
	return q
}

func (r *reader) regimes(n ast.Node, path string) Regimes {
	var g Regimes
	f, ok := r.mapping(n, path, keysRegimes()...)
	if !ok {
		return g
	}
	g.Initial = r.id(f, "initial", false)
	for _, it := range r.sequence(f, "states") {
		sf, ok := r.mapping(it.node, it.path, keysState()...)
		if !ok {
			continue
		}
		st := RegimeState{ID: r.id(sf, "id", false), Name: r.str(sf, "name", false)}
		if sf.has("tags") {
			st.Tags = r.list(sf, "tags", false)
		}
		if sf.has("rules") {
			st.Rules = r.list(sf, "rules", false)
		} else if _, present := sf.entries["rules"]; present {
			st.Rules = []string{} // "rules:" with nothing: no rule is active
		}
		if sf.has("enforcement") {
			if ef, ok := r.mappingAny(sf.get("enforcement"), sf.path("enforcement")); ok {
				st.Enforcement = map[string]quantity.Quantity{}
				for _, k := range ef.order {
					st.Enforcement[k] = r.quantity(ef.fields, k, quantity.Provenance{})
				}
			}
		}
		st.Overrides = r.overrides(sf, "overrides")
		g.States = append(g.States, st)
	}
	for _, it := range r.sequence(f, "transitions") {
		tf, ok := r.mapping(it.node, it.path, keysTransition()...)
		if !ok {
			continue
		}
		t := Transition{From: r.id(tf, "from", false), To: r.id(tf, "to", false), Source: r.provenance(tf, "source")}
		t.Probability = r.quantity(tf, "probability", t.Source)
		if tf.has("feedback") {
			// The feedback is part of the probability model: without its own sources it takes the
			// transition's, or else the probability's.
			inherit := t.Source
			if inherit.IsZero() {
				inherit = t.Probability.Source
			}
			if ff, ok := r.mapping(tf.get("feedback"), tf.path("feedback"), keysFeedback()...); ok {
				t.Feedback = &Feedback{
					Rule: r.id(ff, "rule", false),
					Per:  r.quantity(ff, "per", inherit),
					Add:  r.quantity(ff, "add", inherit),
				}
			}
		}
		g.Transitions = append(g.Transitions, t)
	}
	for _, it := range r.sequence(f, "timeline") {
		sf, ok := r.mapping(it.node, it.path, keysStep()...)
		if !ok {
			continue
		}
		g.Timeline = append(g.Timeline, TimelineStep{Year: r.integer(sf, "year", false), State: r.id(sf, "state", false), Source: r.provenance(sf, "source")})
	}
	return g
}

// anyKeys is a mapping with free keys (ids), in file order.
type anyKeys struct {
	fields
	order []string
}

// mappingAny reads a mapping whose keys are ids chosen by the author (e.g. rule ids).
func (r *reader) mappingAny(n ast.Node, path string) (anyKeys, bool) {
	out := anyKeys{fields: fields{node: n, field: path, entries: map[string]entry{}}}
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	default:
		r.errorf(n, path, "expected a mapping of rule id to value, found %s", describe(n))
		return out, false
	}
	for _, mv := range values {
		key, ok := r.scalarText(mv.Key, join(path, "(key)"))
		if !ok {
			continue
		}
		p := join(path, key)
		if !validID(key) {
			r.errorf(mv.Key, p, "%q is not an id (letters, digits, '-', '_' and '.')", key)
			continue
		}
		v := r.unwrap(mv.Value, p)
		r.pos[p] = position(mv.Key)
		out.entries[key] = entry{key: mv.Key, value: v}
		out.order = append(out.order, key)
	}
	return out, true
}

func isKind(k RuleKind) bool {
	for _, x := range RuleKinds() {
		if x == k {
			return true
		}
	}
	return false
}

// certain reports whether a share is 1 throughout its range.
func certain(q quantity.Quantity) bool {
	return q.Value >= 1 && (q.Range == nil || q.Range.Low >= 1)
}

// ruleIDs lists the ids of the flow and construction rules, for error messages.
func (s *Scenario) ruleIDs() string {
	var ids []string
	for _, r := range s.Rules {
		ids = append(ids, r.ID)
	}
	for _, r := range s.Construction {
		ids = append(ids, r.ID)
	}
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}
