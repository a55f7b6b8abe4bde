package scenario

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
)

// ActiveRule is a rule in force in a scenario state with the enforcement that applies.
type ActiveRule struct {
	Rule        *Rule   // points into the Scenario; read-only
	Enforcement float64 // share 0..1 of the rule that binds
}

// State is the network of one scenario state, ready for the flow model.
type State struct {
	// Net is a Clone of the input network with the overrides applied and the built projects'
	// upgrades added (link capacity += add; node throughput += add).
	Net    *model.Network
	Year   int    // the year asked for (0 when none)
	Regime string // the regime state id ("" when the scenario has no regimes)
	// Built holds the project ids built in this state.
	Built map[string]bool
	// Available says, per link id, whether the link can carry flow: existing links always;
	// construction links with no project or a built one; proposed links only when their project
	// is built; closed links never; and no proposed or construction link that crosses a
	// non-participant.
	Available map[string]bool
	// NonParticipants are the countries taking no part, sorted: the flow model forbids re-export
	// (transit) through them of goods that do not originate there.
	NonParticipants []string
	// Rules are the rules in force in the regime state, in scenario order, with enforcement.
	Rules []ActiveRule
}

// Change is one entry of the change log Apply returns.
type Change struct {
	Path     string // e.g. "links/L27/capacity" or "links/L42/available"
	From, To string // values before and after, as written
	Why      string
}

// Options selects the scenario state Apply derives.
type Options struct {
	// Regime is the regime state id; "" means the state the timeline gives for Year (when the
	// scenario has a timeline and Year is set) or else Regimes.Initial.
	Regime string
	// Year, when not 0, selects the timeline state and leaves out scenario projects not yet in
	// service that year (start year + construction years, rounded up). Extra Projects are built
	// whatever the year: the caller decides their timing.
	Year int
	// Projects are built on top of the scenario's own (e.g. the candidate under appraisal).
	Projects []string
	// ExcludeProjects are not built even if the scenario lists them (the "without" case).
	ExcludeProjects []string
	// Enforcement holds drawn enforcements (a Monte Carlo draw), keyed by EnforcementKey: the rule
	// id replaces the rule's own enforcement, "state/rule" the one a regime state sets for it. A
	// regime state's enforcement takes precedence over the rule's, drawn or not.
	Enforcement map[string]float64
}

// ErrUnknownRegime is returned by Apply for a regime state the scenario does not define.
var ErrUnknownRegime = errors.New("scenario: unknown regime state")

// Apply derives the scenario state of s for opt from network n. It returns a new State whose
// network is a Clone of n (n is never changed), and the log of what changed. The scenario should
// have passed Check against n: Apply reports references it cannot resolve as errors, a built
// project whose dependency is not built among them.
func Apply(n *model.Network, s *Scenario, opt Options) (*State, []Change, error) {
	a := applier{n: n, s: s, opt: opt, keepLog: true}
	st, err := a.apply()
	if err != nil {
		return nil, nil, err
	}
	return st, a.log, nil
}

// ApplyShared derives the same state as Apply, more cheaply, for callers that derive many states
// of one network and only read them (the Monte Carlo): the state's network shares with n every
// table that the state does not change (see model.Network.CloneTables), so treat it as
// read-only, like n; and no change log is built. n is never changed.
func ApplyShared(n *model.Network, s *Scenario, opt Options) (*State, error) {
	a := applier{n: n, s: s, opt: opt, shared: true}
	return a.apply()
}

// applier derives one scenario state; Apply and ApplyShared differ only in how the state's
// network is copied and whether the change log is kept.
type applier struct {
	n       *model.Network
	s       *Scenario
	opt     Options
	shared  bool // copy only the tables the state changes (ApplyShared)
	keepLog bool
	log     []Change
}

// logging reports whether the change log is kept: what goes into it need not be put together
// otherwise.
func (a *applier) logging() bool { return a.keepLog }

// change appends to the change log when it is kept.
func (a *applier) change(c Change) {
	if a.keepLog {
		a.log = append(a.log, c)
	}
}

func (a *applier) apply() (*State, error) {
	n, s, opt := a.n, a.s, a.opt
	var errs []error

	// Regime state.
	var regime *RegimeState
	switch {
	case opt.Regime != "":
		if regime = s.Regimes.State(opt.Regime); regime == nil {
			return nil, fmt.Errorf("apply %s: %w %q", s.Name, ErrUnknownRegime, opt.Regime)
		}
	case len(s.Regimes.Timeline) > 0 && opt.Year != 0:
		regime = s.Regimes.State(s.Regimes.At(opt.Year))
	case s.Regimes.Initial != "":
		regime = s.Regimes.State(s.Regimes.Initial)
	}

	// Overrides: the scenario's, then the regime state's.
	overrides := slices.Clone(s.Overrides)
	if regime != nil {
		overrides = append(overrides, regime.Overrides...)
	}
	built, inService, projectsErr := s.projects(n, opt)
	st := &State{Net: a.network(overrides, inService), Year: opt.Year, Built: map[string]bool{}, Available: map[string]bool{}}
	if regime != nil {
		st.Regime = regime.ID
	}
	if len(overrides) > 0 {
		// every path is resolved before any override changes what it names
		quantities := make([]*model.Q, len(overrides))
		for i, o := range overrides {
			quantities[i] = st.Net.Quantity(o.Path)
		}
		for i, o := range overrides {
			q := quantities[i]
			switch {
			case q == nil:
				errs = append(errs, fmt.Errorf("override %s: no such quantity in the network", o.Path))
				continue
			case q.Dim != o.Value.Dim:
				errs = append(errs, fmt.Errorf("override %s: %s is %s, expected %s", o.Path, o.Value, o.Value.Dim, q.Dim))
				continue
			}
			if a.logging() {
				a.change(Change{Path: string(o.Path), From: q.String(), To: o.Value.String(), Why: "override (" + o.Value.Source.String() + ")"})
			}
			*q = cloneQ(o.Value)
		}
	}

	// Projects.
	if projectsErr != nil {
		errs = append(errs, projectsErr)
	}
	for _, id := range inService {
		st.Built[id] = true
	}
	for _, id := range built {
		if !st.Built[id] && a.logging() {
			a.change(Change{Path: "projects/" + id, From: "planned", To: "not in service", Why: fmt.Sprintf("not in service by %d", opt.Year)})
		}
	}

	// Participation.
	if len(s.Participants) > 0 {
		for _, c := range n.Countries {
			if !slices.Contains(s.Participants, c.ID) {
				st.NonParticipants = append(st.NonParticipants, c.ID)
			}
		}
		slices.Sort(st.NonParticipants)
	}

	// Upgrades of built projects, in project id order.
	for _, id := range inService {
		p := n.Project(id)
		for j, u := range p.Upgrades {
			if err := a.upgrade(st, p.ID, j, u); err != nil {
				errs = append(errs, err)
			}
		}
	}

	// Link availability.
	for i := range st.Net.Links {
		l := &st.Net.Links[i]
		ok, why := st.available(n, l)
		st.Available[l.ID] = ok
		if base := l.Status == model.StatusExisting || l.Status == model.StatusConstruction; ok != base && a.logging() {
			a.change(Change{Path: "links/" + l.ID + "/available", From: strconv.FormatBool(base), To: strconv.FormatBool(ok), Why: why.String()})
		}
	}

	// Rules in force.
	for i := range s.Rules {
		r := &s.Rules[i]
		if regime != nil && regime.Rules != nil && !slices.Contains(regime.Rules, r.ID) {
			continue
		}
		e := s.enforcement(r.ID, r.Enforcement, regime, opt.Enforcement)
		if math.IsNaN(e) || e < 0 || e > 1 {
			errs = append(errs, fmt.Errorf("enforcement of rule %s: %g is not within 0..1", r.ID, e))
			continue
		}
		st.Rules = append(st.Rules, ActiveRule{Rule: r, Enforcement: e})
	}

	if len(errs) > 0 {
		return nil, fmt.Errorf("apply %s: %w", s.Name, errors.Join(errs...))
	}
	return st, nil
}

// network returns the copy of n that the state changes: a Clone, or when shared only copies of
// the tables that the overrides and the upgrades of the projects in service change.
func (a *applier) network(overrides []Override, inService []string) *model.Network {
	if !a.shared {
		return a.n.Clone()
	}
	var tables []model.Component
	need := func(c model.Component) {
		if !slices.Contains(tables, c) {
			tables = append(tables, c)
		}
	}
	for _, o := range overrides {
		c, _, _ := strings.Cut(string(o.Path), "/")
		need(model.Component(c))
	}
	for _, id := range inService {
		if p := a.n.Project(id); p != nil {
			for _, u := range p.Upgrades {
				switch {
				case u.Link != "":
					need(model.CompLinks)
				case u.Node != "":
					need(model.CompNodes)
				}
			}
		}
	}
	return a.n.CloneTables(tables...)
}

// projects returns the projects requested (the scenario's plus opt.Projects, less
// opt.ExcludeProjects) and those of them in service in opt.Year, both sorted. A requested
// project whose dependency is not requested is an error.
func (s *Scenario) projects(n *model.Network, opt Options) (requested, inService []string, err error) {
	extra := map[string]bool{}
	for _, id := range opt.Projects {
		extra[id] = true
	}
	for _, id := range append(slices.Clone(s.Projects), opt.Projects...) {
		if !slices.Contains(opt.ExcludeProjects, id) && !slices.Contains(requested, id) {
			requested = append(requested, id)
		}
	}
	slices.Sort(requested)
	var errs []error
	for _, id := range requested {
		p := n.Project(id)
		if p == nil {
			errs = append(errs, fmt.Errorf("unknown project %q", id))
			continue
		}
		for _, d := range p.DependsOn {
			if !slices.Contains(requested, d) {
				errs = append(errs, fmt.Errorf("project %s depends on %s, which is not built: add it to the projects built", id, d))
			}
		}
	}
	if len(errs) > 0 {
		return requested, nil, errors.Join(errs...)
	}
	// In service: extra projects always; the scenario's own once finished in opt.Year; and only
	// when every dependency is in service too (dependencies are acyclic; model.Validate checks).
	in := map[string]bool{}
	var visit func(id string) bool
	visiting := map[string]bool{}
	visit = func(id string) bool {
		if v, done := in[id]; done {
			return v
		}
		if visiting[id] {
			return false
		}
		visiting[id] = true
		p := n.Project(id)
		ok := extra[id] || opt.Year == 0 || inServiceYear(p) <= opt.Year
		for _, d := range p.DependsOn {
			ok = visit(d) && ok
		}
		in[id] = ok
		return ok
	}
	for _, id := range requested {
		if visit(id) {
			inService = append(inService, id)
		}
	}
	return requested, inService, nil
}

// inServiceYear returns the first full year of service of p: start year plus construction
// years, rounded up (0 when the project has no start year).
func inServiceYear(p *model.Project) int {
	if p.StartYear == 0 {
		return 0
	}
	return p.StartYear + int(math.Ceil(p.ConstructionYears.Value))
}

// upgrade adds upgrade j of project p to the state's network.
func (a *applier) upgrade(st *State, p string, j int, u model.Upgrade) error {
	var q *model.Q
	var path string
	switch {
	case u.Link != "":
		l := st.Net.Link(u.Link)
		if l == nil {
			return fmt.Errorf("project %s upgrade %d: unknown link %q", p, j, u.Link)
		}
		q, path = &l.Capacity, "links/"+u.Link+"/capacity"
	case u.Node != "":
		nd := st.Net.Node(u.Node)
		if nd == nil {
			return fmt.Errorf("project %s upgrade %d: unknown node %q", p, j, u.Node)
		}
		q, path = &nd.Throughput, "nodes/"+u.Node+"/throughput"
	default:
		return fmt.Errorf("project %s upgrade %d: names neither a link nor a node", p, j)
	}
	if !q.IsSet() {
		a.change(Change{Path: path, From: "unlimited", To: "unlimited", Why: "project " + p + " upgrade ignored: no limit to raise"})
		return nil
	}
	if q.Dim != u.Add.Dim {
		return fmt.Errorf("project %s upgrade %d: adds %s (%s) to %s (%s)", p, j, u.Add, u.Add.Dim, path, q.Dim)
	}
	if !a.logging() {
		*q = add(*q, u.Add)
		return nil
	}
	before := q.String()
	*q = add(*q, u.Add)
	a.change(Change{Path: path, From: before, To: q.String(), Why: "project " + p + " adds " + u.Add.String()})
	return nil
}

// add returns q + a (same dimension), in q's written unit, with the range shifted by a's range.
func add(q, a model.Q) model.Q {
	out := cloneQ(q)
	out.Value += a.Value
	out.Written = out.Value / out.Unit.Factor
	if out.Range != nil || a.Range != nil {
		r := quantity.Range{Low: q.Value, Mode: q.Value, High: q.Value, Dist: quantity.Triangular}
		if q.Range != nil {
			r = *q.Range
		}
		alo, amode, ahi := a.Value, a.Value, a.Value
		if a.Range != nil {
			alo, amode, ahi = a.Range.Low, a.Range.Mode, a.Range.High
		}
		r.Low, r.Mode, r.High = r.Low+alo, r.Mode+amode, r.High+ahi
		out.Range = &r
	}
	out.Source.Sources = append(slices.Clone(q.Source.Sources), a.Source.Sources...)
	if q.Source.Assumption != "" || a.Source.Assumption != "" {
		out.Source.Assumption = joinNonEmpty(q.Source.Assumption, a.Source.Assumption)
	}
	return out
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// available reports whether link l can carry flow in the state, and why when that differs from
// its status.
func (st *State) available(n *model.Network, l *model.Link) (bool, reason) {
	switch l.Status {
	case model.StatusClosed:
		return false, reason{text: "closed"}
	case model.StatusExisting:
		return true, reason{}
	}
	if l.Project != "" && !st.Built[l.Project] {
		return false, reason{"project ", l.Project, " not built"}
	}
	if l.Status == model.StatusProposed && l.Project == "" {
		return false, reason{text: "proposed with no project to build it"}
	}
	for _, c := range linkCountries(n, l) {
		if slices.Contains(st.NonParticipants, c) {
			return false, reason{"crosses non-participant ", c, ""}
		}
	}
	if l.Project != "" {
		return true, reason{"project ", l.Project, " built"}
	}
	return true, reason{}
}

// reason is why a link is available or not, put together only when the change log needs it.
type reason struct{ text, id, suffix string }

func (r reason) String() string { return r.text + r.id + r.suffix }

// linkCountries returns the countries a link touches: its end nodes' and those it crosses.
func linkCountries(n *model.Network, l *model.Link) []string {
	var out []string
	addC := func(c string) {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if nd := n.Node(l.From); nd != nil {
		addC(nd.Country)
	}
	if nd := n.Node(l.To); nd != nil {
		addC(nd.Country)
	}
	for _, c := range l.Crossings {
		addC(c.Country)
	}
	return out
}

func cloneQ(q model.Q) model.Q {
	if q.Range != nil {
		r := *q.Range
		q.Range = &r
	}
	q.Source.Sources = slices.Clone(q.Source.Sources)
	return q
}
