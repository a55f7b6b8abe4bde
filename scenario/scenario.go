package scenario

import (
	"slices"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// Any is the wildcard element of a Set.
const Any = "*"

// Set is a set of ids (commodities or countries). It matches anything when it is empty or
// contains Any ("*").
type Set []string

// Match reports whether x is in the set, or the set matches anything.
func (s Set) Match(x string) bool {
	return s.All() || slices.Contains(s, x)
}

// All reports whether the set matches anything: it is empty or contains Any.
func (s Set) All() bool { return len(s) == 0 || slices.Contains(s, Any) }

// RuleKind is what a rule does to the flows it matches.
type RuleKind string

// Rule kinds. See docs/decisions/0003-sanctions-rules.md for how each enters the flow LP.
const (
	Ban     RuleKind = "ban"     // compliant flow is 0; evading flow pays the evasion cost
	Cap     RuleKind = "cap"     // compliant flow ≤ Cap per year; the excess pays the evasion cost
	Premium RuleKind = "premium" // every matching unit pays enforcement × Premium
)

// RuleKinds lists the valid rule kinds.
func RuleKinds() []RuleKind { return []RuleKind{Ban, Cap, Premium} }

// Exemption takes flows out of a rule: a flow of a matching commodity and origin on one of Links,
// or entering or leaving one of Nodes, is outside the rule: for example, third-country goods
// allowed to transit a sanctioned country's line to one named port for export.
type Exemption struct {
	Commodities Set
	Origins     Set
	Links       []string // Link ids
	Nodes       []string // Node ids
	Note        string
}

// Exempts reports whether the exemption covers commodity k of origin o on link (with end nodes
// from and to). A link is covered when it is listed or one of its end nodes is.
func (e *Exemption) Exempts(k, o, link, from, to string) bool {
	if !e.Commodities.Match(k) || !e.Origins.Match(o) {
		return false
	}
	return slices.Contains(e.Links, link) || slices.Contains(e.Nodes, from) || slices.Contains(e.Nodes, to)
}

// Rule is one sanctions measure. A rule matches flows of a commodity in Commodities and an origin
// country in Origins that cross a border into a country in Destinations and, when Transit is
// given, touch a country in Transit; when Modes or Operators are given, only on links of those
// modes or operated by those countries. docs/decisions/0003-sanctions-rules.md states the matching
// and the pricing exactly.
type Rule struct {
	ID, Name     string
	Kind         RuleKind
	Commodities  Set // commodity ids
	Origins      Set // country ids where the goods come from
	Destinations Set // country ids the flow enters
	Transit      Set // country ids the flow must touch; empty for no condition
	// Modes, when given, limits the rule to links of these modes (e.g. a ban on port calls:
	// sea); Operators to links in which one of these countries holds a share (Network.OwnersOf),
	// e.g. measures on a sanctioned state's carriers. Empty means any.
	Modes, Operators Set
	// Cap (cap only) is the compliant quantity per year, in the commodity's unit per year
	// (e.g. t/yr). The data author converts (bbl → t) with a labelled assumption or the S fact.
	Cap quantity.Quantity
	// Premium (premium only) is USD per commodity unit, or a dimensionless share of the
	// commodity's reference price ("5 %").
	Premium quantity.Quantity
	// EvasionCost (ban and cap) is what a unit of evading flow pays at 50 % enforcement, in USD per
	// commodity unit or as a share of the reference price; at enforcement e it pays
	// EvasionCost × e/(1−e). It may be left out when enforcement is 1 throughout its range.
	EvasionCost quantity.Quantity
	// Enforcement is the share 0..1 of the rule that binds, usually with a range.
	Enforcement quantity.Quantity
	Exemptions  []Exemption
	Source      quantity.Provenance // S-fact ids
}

// Matches reports whether the rule applies to commodity k of origin o on an arc from country
// tail to country head that touches the given countries (tail, head and any country crossed).
// An arc inside one country (tail == head) never matches. Exemptions, Modes and Operators (link
// properties, which the flow model checks) are not considered; see Exempt.
func (r *Rule) Matches(k, o, tail, head string, touches []string) bool {
	if tail == head || !r.Commodities.Match(k) || !r.Origins.Match(o) || !r.Destinations.Match(head) {
		return false
	}
	if len(r.Transit) == 0 {
		return true
	}
	return slices.ContainsFunc(touches, r.Transit.Match)
}

// Exempt reports whether one of the rule's exemptions covers commodity k of origin o on link
// (from → to).
func (r *Rule) Exempt(k, o, link, from, to string) bool {
	for i := range r.Exemptions {
		if r.Exemptions[i].Exempts(k, o, link, from, to) {
			return true
		}
	}
	return false
}

// Override replaces one quantity of the network. The value may carry a range and source; its unit
// must have the dimension of the target.
type Override struct {
	Path  model.QuantityPath
	Value quantity.Quantity
}

// RegimeState is one state of the sanctions regime: the rules in force, per-rule enforcement
// and overrides that hold while in it.
type RegimeState struct {
	ID, Name string
	// Tags say what the state means for an appraisal, e.g. TagRelief; free words otherwise.
	Tags []string
	// Rules lists the active rule ids; nil means all of the scenario's rules, an empty non-nil
	// slice none.
	Rules []string
	// Enforcement overrides a rule's enforcement in this state, by rule id.
	Enforcement map[string]quantity.Quantity
	Overrides   []Override
}

// Feedback raises a transition's probability with last year's flow across a rule: the yearly
// probability grows by Add for each Per of flow.
type Feedback struct {
	Rule string            // rule id
	Per  quantity.Quantity // flow per year in the rule's commodity unit, e.g. "1 Mt/yr"
	Add  quantity.Quantity // dimensionless probability added per Per, e.g. "2 %"
}

// Transition is a yearly chance of moving from one regime state to another.
type Transition struct {
	From, To    string
	Probability quantity.Quantity // per year, dimensionless, with range
	Feedback    *Feedback         // optional
	Source      quantity.Provenance
}

// TimelineStep fixes the regime state from Year on (until the next step). The year is a value
// like any other: Source says why the regime changes then (an announced date, a source id, or an
// "assumption: <reasoning>").
type TimelineStep struct {
	Year   int
	State  string
	Source quantity.Provenance
}

// Regimes describes how the sanctions regime evolves: a Markov chain over States with yearly
// Transitions, or a fixed Timeline. A scenario gives one or the other (or neither: one state).
type Regimes struct {
	Initial     string
	States      []RegimeState
	Transitions []Transition
	Timeline    []TimelineStep
}

// TagRelief marks a regime state in which sanctions are eased: the appraisal's "probability of
// sanctions relief" driver and switching value scale the yearly probabilities of the transitions
// into such states.
const TagRelief = "relief"

// HasTag reports whether the state carries tag.
func (s *RegimeState) HasTag(tag string) bool { return slices.Contains(s.Tags, tag) }

// State returns the regime state with the given id, or nil.
func (r *Regimes) State(id string) *RegimeState {
	for i := range r.States {
		if r.States[i].ID == id {
			return &r.States[i]
		}
	}
	return nil
}

// Scenario is a named set of sanctions rules, participation, overrides, built projects and regime
// path. Decode it from YAML or build it in code; Check it against a network before Apply.
type Scenario struct {
	Name, Title, Description string
	Source                   quantity.Provenance
	Projects                 []string // project ids built in this scenario
	Participants             []string // country ids taking part; empty means all
	Rules                    []Rule
	// Construction are the rules on building projects (ban or premium on their capex); their
	// ids share one namespace with Rules, so regime states name either.
	Construction []ConstructionRule
	Overrides    []Override
	Regimes      Regimes
	// Premium is the decider's strategic premium in this scenario (money per year, e.g.
	// "50 MUSD/yr"), overriding the data set's Meta.StrategicPremium; unset when not given.
	Premium quantity.Quantity

	file string          // the name Decode was given, for errors
	src  []byte          // the text Decode read
	pos  map[string]spot // field path → position of its value, kept from decoding
	bad  map[string]bool // field paths Decode already reported; later checks stay quiet on them
}

// spot is a position in the scenario file.
type spot struct{ line, col int }

// File returns the file name the scenario was decoded from ("" when built in code).
func (s *Scenario) File() string { return s.file }

// Text returns the text the scenario was decoded from (nil when built in code). Callers must
// not modify it.
func (s *Scenario) Text() []byte { return s.src }

// Rule returns the rule with the given id, or nil.
func (s *Scenario) Rule(id string) *Rule {
	for i := range s.Rules {
		if s.Rules[i].ID == id {
			return &s.Rules[i]
		}
	}
	return nil
}
