package appraise

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// outcome is what the appraisal keeps of one solved scenario state: welfare by country and the
// yearly flow across each rule (for the regime feedback), USD/yr and commodity units/yr.
type outcome struct {
	welfare  []float64             // by country, in the order of the solver's countries
	parts    []flow.CountryWelfare // the same, by component
	ruleFlow map[string]float64
	links    []flow.LinkResult // flows by link, for carried
	total    float64           // total surplus (the LP objective), USD/yr
	basis    *lp.Basis         // the optimal basis, to start neighbouring states from
	state    *scenario.State   // the state solved, for the coalition values of the game
	sig      stateKey          // what its LP depends on (signature): states with one LP share it
}

// carried returns the commodities flowing on link id, in the order of its flows.
func (o *outcome) carried(id string) []string {
	var out []string
	for _, lr := range o.links {
		if lr.Link != id {
			continue
		}
		for _, f := range lr.Flows {
			if f.Forward+f.Backward > 0 && !slices.Contains(out, f.Commodity) {
				out = append(out, f.Commodity)
			}
		}
	}
	return out
}

// stateKey identifies a solved state within one sampled network.
type stateKey struct {
	scenario int
	regime   string
	year     int
	built    string // sorted, comma-separated: every project built (the scenario's and extras)
	outside  string // the state's non-participants, sorted (signatures only)
}

// solver solves scenario states for one worker: one LP engine and one flow.Problem per scenario,
// re-solved warm as states change, and a cache of outcomes for the current network.
type solver struct {
	newEngine func() (lp.Incremental, error)
	scenarios []*scenario.Scenario
	countries []string       // the countries whose welfare outcomes hold, in order
	base      *model.Network // the unsampled network: each problem is first solved in its base state
	year      int
	engines   []lp.Incremental
	problems  []*flow.Problem
	cache     map[stateKey]*outcome
	net       *model.Network // the network the cache belongs to
	stale     []bool         // per scenario: the engine must be Reset before the next solve
	// per scenario, within the current unit of work: the last optimal basis in each regime
	// state, and the regime of the last solve
	regimeBasis []map[string]*lp.Basis
	lastRegime  []string
	solves      int
	lpTime      time.Duration // wall time in flow.Problem Solve and Update
	iterations  int           // simplex iterations of those solves
	// the network game's coalition values of the current unit of work, and its work
	values         map[valueKey]coalitionValue
	gameSolves     int
	gameTime       time.Duration
	gameIterations int
}

// coalitionValue is v(S) in one state, with, for each project the state does not build, whether
// building it could raise v(S) (false proves it cannot; flow.Problem.Value).
type coalitionValue struct {
	v    float64
	adds map[string]bool
}

// valueKey identifies a coalition value within one sampled network: the state and the closure.
type valueKey struct {
	state  stateKey
	closed string // signature of what the closure shuts (coalitionSignature)
}

func newSolver(newEngine func() (lp.Incremental, error), base *model.Network, scenarios []*scenario.Scenario, countries []string, year int) *solver {
	return &solver{newEngine: newEngine, base: base, scenarios: scenarios, countries: countries, year: year,
		engines: make([]lp.Incremental, len(scenarios)), problems: make([]*flow.Problem, len(scenarios)),
		stale: make([]bool, len(scenarios)), regimeBasis: make([]map[string]*lp.Basis, len(scenarios)), lastRegime: make([]string, len(scenarios))}
}

// close releases the engines.
func (s *solver) close() error {
	var errs []error
	for _, e := range s.engines {
		if e != nil {
			errs = append(errs, e.Close())
		}
	}
	for _, p := range s.problems {
		if p != nil {
			errs = append(errs, p.Close())
		}
	}
	return errors.Join(errs...)
}

// reset starts a new unit of work on network n: cached outcomes are dropped and every engine is
// Reset before its next solve.
func (s *solver) reset(n *model.Network) {
	s.net = n
	clear(s.cache)
	if s.cache == nil {
		s.cache = map[stateKey]*outcome{}
	}
	clear(s.values)
	if s.values == nil {
		s.values = map[valueKey]coalitionValue{}
	}
	for i := range s.stale {
		s.stale[i] = true
	}
}

// request is one state to solve.
type request struct {
	scenario    int
	regime      string
	year        int      // the year solved; 0 for the solver's first
	projects    []string // built on top of the scenario's own
	exclude     string   // a project the scenario builds that must not be built ("" for none)
	enforcement map[string]float64
}

// key names the state by what is built, so that the "without" cases of different projects share
// one solve whenever they build the same set.
func (r request) key(sc *scenario.Scenario) stateKey {
	var built []string
	for _, p := range append(slices.Clone(sc.Projects), r.projects...) {
		if p != r.exclude && !slices.Contains(built, p) {
			built = append(built, p)
		}
	}
	slices.Sort(built)
	return stateKey{scenario: r.scenario, regime: r.regime, year: r.year, built: strings.Join(built, ",")}
}

// solve returns the outcome of a state of the current network, from the cache when it can.
func (s *solver) solve(ctx context.Context, r request) (*outcome, error) {
	return s.solveFrom(ctx, r, nil)
}

// solveFrom is solve, starting the LP from basis start when it must be solved (nil: from the
// engine's last basis, or the last one in the same regime).
func (s *solver) solveFrom(ctx context.Context, r request, start *lp.Basis) (*outcome, error) {
	sc := s.scenarios[r.scenario]
	k := r.key(sc)
	if o, ok := s.cache[k]; ok {
		return o, nil
	}
	opt := scenario.Options{Regime: r.regime, Year: cmp.Or(r.year, s.year), Projects: r.projects, Enforcement: r.enforcement}
	if r.exclude != "" {
		opt.ExcludeProjects = []string{r.exclude}
	}
	st, err := scenario.ApplyShared(s.net, sc, opt)
	if err != nil {
		return nil, err
	}
	// Requests that differ only in projects that change nothing here (their links unavailable,
	// e.g. crossing a non-participant) lead to the same LP: solve it once.
	sig := signature(r.scenario, st)
	if o, ok := s.cache[sig]; ok {
		s.cache[k] = o
		return o, nil
	}
	res, err := s.flow(ctx, r.scenario, st, start)
	if err != nil {
		return nil, fmt.Errorf("scenario %s, regime %s, projects [%s]: %w", sc.Name, st.Regime, strings.Join(r.projects, ","), err)
	}
	o := &outcome{welfare: make([]float64, len(s.countries)), parts: make([]flow.CountryWelfare, len(s.countries)),
		ruleFlow: make(map[string]float64, len(res.Leakage)), links: res.Links, total: res.Objective,
		basis: s.problems[r.scenario].Basis(), state: st, sig: sig}
	for _, c := range res.Welfare {
		for i, id := range s.countries {
			if id == c.Country {
				o.welfare[i] = c.Total()
				o.parts[i] = c
			}
		}
	}
	for _, lk := range res.Leakage {
		o.ruleFlow[lk.Rule] = lk.Compliant + lk.Evading
	}
	s.cache[k] = o
	s.cache[sig] = o
	return o, nil
}

// signature names a state by what its LP depends on beyond the network and enforcements (fixed
// within a unit of work): the regime, the year, the proposed or under-construction links available, the
// built projects that add capacity, and the non-participants.
func signature(si int, st *scenario.State) stateKey {
	var avail, upgraded []string
	for i := range st.Net.Links {
		if l := &st.Net.Links[i]; l.Status != model.StatusExisting && st.Available[l.ID] {
			avail = append(avail, l.ID)
		}
	}
	for p := range st.Built {
		if pr := st.Net.Project(p); pr != nil && len(pr.Upgrades) > 0 {
			upgraded = append(upgraded, p)
		}
	}
	slices.Sort(upgraded)
	return stateKey{scenario: si, regime: "state:" + st.Regime, year: st.Year, built: strings.Join(avail, ",") + "|" + strings.Join(upgraded, ","),
		outside: strings.Join(st.NonParticipants, ",")}
}

// flow solves st with the scenario's problem, warm from start when it is given and otherwise
// from the previous state of this unit of work.
// The first solve of a scenario in each unit (a draw, or one case of the analysis) starts from
// the problem's Reset — the optimum of the scenario's base state — so results depend only on the
// unit, never on what the worker did before: the Monte Carlo stays byte-identical for any worker
// count, although degenerate LPs have many optimal dual solutions.
func (s *solver) flow(ctx context.Context, si int, st *scenario.State, start *lp.Basis) (*flow.Result, error) {
	s.solves++
	t0 := time.Now()
	defer func() { s.lpTime += time.Since(t0) }()
	if s.problems[si] == nil {
		if err := s.prepare(ctx, si); err != nil {
			return nil, err
		}
	}
	p, eng := s.problems[si], s.engines[si]
	if s.stale[si] {
		if err := p.Reset(ctx, eng); err != nil {
			return nil, err
		}
		s.stale[si] = false
		clear(s.regimeBasis[si])
		s.lastRegime[si] = ""
	}
	// A regime change switches rules on and off; start from the last optimum in the same regime
	// (which differs only in the projects built) rather than from the previous state.
	if start == nil && s.lastRegime[si] != st.Regime {
		start = s.regimeBasis[si][st.Regime]
	}
	if start != nil {
		if err := eng.SetBasis(ctx, start); err != nil {
			return nil, err
		}
	}
	res, err := p.Update(ctx, st, eng)
	if err != nil {
		return nil, err
	}
	if s.regimeBasis[si] == nil {
		s.regimeBasis[si] = map[string]*lp.Basis{}
	}
	s.iterations += res.Iterations
	s.regimeBasis[si][st.Regime] = p.Basis()
	s.lastRegime[si] = st.Regime
	return res, nil
}

// prepare creates the engine and problem of scenario si and solves its base state cold.
func (s *solver) prepare(ctx context.Context, si int) error {
	e, err := s.newEngine()
	if err != nil {
		return err
	}
	s.engines[si] = e
	sc := s.scenarios[si]
	st, err := scenario.ApplyShared(s.base, sc, scenario.Options{Year: s.year})
	if err != nil {
		return err
	}
	p, err := flow.Build(st, flow.Options{Rules: sc.Rules, Lean: true})
	if err != nil {
		return err
	}
	if _, err := p.Solve(ctx, e); err != nil {
		return fmt.Errorf("base state of %s: %w", sc.Name, err)
	}
	s.problems[si] = p
	return nil
}

// value returns v(S) for the coalition that leaves the countries of outside out, in the state o
// of scenario si (solved before in this unit of work), from the cache when it can, and whether
// building each project the state does not build could raise it. closed is the signature of what
// the closure shuts: coalitions that shut the same links and markets in states of the same LP
// have the same value.
func (s *solver) value(ctx context.Context, si int, o *outcome, outside []string, closed string) (coalitionValue, error) {
	key := valueKey{o.sig, closed}
	if v, ok := s.values[key]; ok {
		return v, nil
	}
	if s.problems[si] == nil || s.stale[si] {
		return coalitionValue{}, fmt.Errorf("appraise: coalition value of scenario %d asked before its states were solved", si)
	}
	var certify []*model.Project
	for i := range o.state.Net.Projects {
		if pr := &o.state.Net.Projects[i]; !o.state.Built[pr.ID] {
			certify = append(certify, pr)
		}
	}
	t0 := time.Now()
	v, adds, iters, err := s.problems[si].Value(ctx, o.state, outside, certify, s.engines[si])
	s.gameSolves++
	s.gameIterations += iters
	s.gameTime += time.Since(t0)
	if err != nil {
		return coalitionValue{}, fmt.Errorf("coalition without %v: %w", outside, err)
	}
	cv := coalitionValue{v: v, adds: make(map[string]bool, len(certify))}
	for i, pr := range certify {
		cv.adds[pr.ID] = adds[i]
	}
	s.values[key] = cv
	s.lastRegime[si] = "" // the engine's basis is a coalition's: the next state starts from its regime's
	return cv, nil
}

// startFrom makes the next solve of scenario si start from basis b.
func (s *solver) startFrom(ctx context.Context, si int, b *lp.Basis) error {
	if b == nil || s.engines[si] == nil {
		return nil
	}
	return s.engines[si].SetBasis(ctx, b)
}
