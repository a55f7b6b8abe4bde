package appraise

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/risk"
	"github.com/corridor-dev/corridor/scenario"
)

// Committer is the country whose commitment the appraisal asks about.
const Committer = "RUS"

// welfareNoise is the smallest yearly welfare change taken as real, relative to the total surplus
// of the state. Two optimal solutions of a degenerate LP can split welfare differently by a few
// units of the solver's tolerance; on the built-in network (total surplus about 1e11 USD/yr) that
// is about 100 USD/yr. Smaller changes are set to zero so that "P(NPV > 0)" does not count noise.
const welfareNoise = 1e-9

// Input says what to appraise.
type Input struct {
	Net       *model.Network
	Scenarios []*scenario.Scenario // each must have passed Check against Net
	Projects  []string             // project ids; nil means every project
	Draws     int                  // Monte Carlo draws; 0 evaluates the base case only
	Seed      uint64
	Workers   int // goroutines; ≤ 0 means GOMAXPROCS. Results do not depend on it.
	// Premium is the strategic premium per country in USD/yr while the project is in service:
	// non-monetary value such as munitions, labour or political leverage. Default none; a range
	// is sampled. See docs/decisions/0005-appraisal.md for the range we document.
	Premium map[string]quantity.Quantity
	// NewEngine returns a fresh LP engine; the appraisal uses one per worker and scenario.
	NewEngine func() (lp.Incremental, error)
	// ReferenceYear is the year whose demand (with growth) the flow model solves for every
	// regime state; 0 means ten years after the base year, a mid-life representative year.
	ReferenceYear int
	// Analysis adds the base-case tornado, switching values and Shapley split (more LP solves).
	Analysis bool
	Progress func(done, total int)
	Logger   *slog.Logger
}

// Output is the appraisal of every project under every scenario.
type Output struct {
	Draws, Seed   uint64
	Workers       int
	Countries     []string
	Cases         []Case // project-major: Cases[p*len(Scenarios)+s]
	LPSolves      int
	LPIterations  int           // simplex iterations of those solves
	LPTime        time.Duration // wall time inside LP solves, summed over workers
	Elapsed       time.Duration
	ReferenceYear int
}

// Case is the appraisal of one project under one scenario.
type Case struct {
	Project, Scenario string
	Needed            []string // countries whose territory the project needs
	Countries         []CountryResult
	// Commit is the probability that Russia commits: its NPV plus strategic premium is positive
	// and so is every needed partner's NPV (MODEL.md, "Will Russia commit?").
	Commit, CommitStdErr float64
	// BreakEvenPremium is the strategic premium, USD/yr in service, that brings Russia's expected
	// NPV to zero; 0 when Russia's expected NPV is already positive.
	BreakEvenPremium float64
	Base             *BaseCase // base-case analysis; nil unless Input.Analysis
}

// CountryResult summarises one country's returns over the draws.
type CountryResult struct {
	Country     string
	NPV         risk.Summary // financial NPV at the country's discount rate, USD
	EconomicNPV risk.Summary // at the social discount rate, USD
	BCR         risk.Summary // PV benefits / PV costs at the social rate (draws with costs)
	IRR         risk.Summary // over draws with exactly one IRR
	IRRNone     float64      // share of draws with no IRR
	IRRSeveral  float64      // share of draws with several IRRs
	// Payback is the discounted payback period in years from the base year, at the country's
	// rate, over the draws in which the project pays back; PaybackNever is the share in which
	// it does not within the horizon.
	Payback      risk.Summary
	PaybackNever float64
}

// caseDraw is one draw of one case.
type caseDraw struct {
	npv, enpv, bcr, irr []float64 // by country index; irr NaN when none, −Inf when several
	payback             []float64 // by country index; NaN when it never pays back
	commit              bool
	npvRU, annuityRU    float64
}

// Run appraises every project under every scenario over in.Draws Monte Carlo draws. Draw i uses
// risk.Stream(in.Seed, i) only, so results are identical for any worker count.
func Run(ctx context.Context, in Input) (*Output, error) {
	t0 := time.Now()
	log := in.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ev, err := newEvaluator(in)
	if err != nil {
		return nil, err
	}
	out := &Output{Draws: uint64(in.Draws), Seed: in.Seed, Countries: ev.countries, ReferenceYear: ev.year}
	workers := in.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, max(in.Draws, 1)))
	out.Workers = workers
	solvers := make([]*solver, workers)
	for w := range solvers {
		solvers[w] = newSolver(in.NewEngine, in.Net, in.Scenarios, ev.countries, ev.year)
	}
	defer func() {
		for _, s := range solvers {
			_ = s.close()
		}
	}()
	draws, err := risk.Run(ctx, in.Draws, risk.Options{Workers: workers, Progress: in.Progress},
		func(ctx context.Context, i, w int) ([]caseDraw, error) {
			return ev.draw(ctx, solvers[w], uint64(i))
		})
	if err != nil {
		return nil, err
	}
	log.InfoContext(ctx, "stage done", "stage", "monte carlo", "draws", in.Draws, "workers", workers, "elapsed", time.Since(t0))
	out.Cases = ev.summarize(draws)
	if in.Analysis {
		if err := ev.analyse(ctx, solvers, out.Cases); err != nil {
			return nil, err
		}
		log.InfoContext(ctx, "stage done", "stage", "analysis", "elapsed", time.Since(t0))
	}
	for _, s := range solvers {
		out.LPSolves += s.solves
		out.LPIterations += s.iterations
		out.LPTime += s.lpTime
	}
	out.Elapsed = time.Since(t0)
	return out, nil
}

// evaluator holds what every draw shares.
type evaluator struct {
	in        Input
	net       *model.Network
	projects  []*model.Project
	countries []string
	year      int
	rules     []*scenario.Rule // every rule with an uncertain enforcement, in scenario order
}

func newEvaluator(in Input) (*evaluator, error) {
	if in.Net == nil || len(in.Scenarios) == 0 || in.NewEngine == nil {
		return nil, errors.New("appraise: need a network, at least one scenario and an engine")
	}
	if in.Draws < 0 {
		panic("appraise: negative draw count")
	}
	ev := &evaluator{in: in, net: in.Net, year: in.ReferenceYear}
	if ev.year == 0 {
		ev.year = in.Net.Meta.BaseYear + 10
	}
	ids := in.Projects
	if ids == nil {
		for _, p := range in.Net.Projects {
			ids = append(ids, p.ID)
		}
	}
	for _, id := range ids {
		p := in.Net.Project(id)
		if p == nil {
			return nil, fmt.Errorf("appraise: unknown project %q", id)
		}
		ev.projects = append(ev.projects, p)
	}
	for _, c := range in.Net.Countries {
		ev.countries = append(ev.countries, c.ID)
	}
	for _, sc := range in.Scenarios {
		for i := range sc.Rules {
			ev.rules = append(ev.rules, &sc.Rules[i])
		}
	}
	return ev, nil
}

// inputs are the sampled values of one draw beyond the network's own quantities.
type inputs struct {
	net         *model.Network
	overrun     []float64            // capex multiplier per project
	premium     map[string]float64   // USD/yr per country
	enforcement []map[string]float64 // per scenario: rule id → enforcement
	pathSeed    []uint64             // per scenario: seed of the regime-path streams
	regimes     []*scenario.Regimes  // per scenario: transition probabilities of this draw
}

// sample draws one set of inputs from rng in a fixed order.
func (ev *evaluator) sample(rng *rand.Rand) *inputs {
	x := &inputs{net: sampleNetwork(ev.net, rng), premium: map[string]float64{}}
	for _, p := range ev.projects {
		m := 1.0
		if r, _, ok := risk.Overrun(p.Class); ok {
			m = risk.Sample(r, rng)
		}
		x.overrun = append(x.overrun, m)
	}
	for _, c := range ev.countries {
		if q, ok := ev.in.Premium[c]; ok {
			v := q.Value
			if q.Range != nil {
				v = risk.Sample(*q.Range, rng)
			}
			x.premium[c] = v
		}
	}
	for _, sc := range ev.in.Scenarios {
		e := map[string]float64{}
		for i := range sc.Rules {
			r := &sc.Rules[i]
			if r.Enforcement.Range != nil {
				e[r.ID] = risk.Sample(*r.Enforcement.Range, rng)
			}
		}
		x.enforcement = append(x.enforcement, e)
		x.pathSeed = append(x.pathSeed, rng.Uint64())
		reg := sc.Regimes
		reg.Transitions = slices.Clone(sc.Regimes.Transitions)
		for i := range reg.Transitions {
			if q := &reg.Transitions[i].Probability; q.Range != nil {
				q.Value = risk.Sample(*q.Range, rng)
			}
		}
		x.regimes = append(x.regimes, &reg)
	}
	return x
}

// base returns the base-case inputs: every quantity at its value, overruns at their median.
func (ev *evaluator) base() *inputs {
	x := &inputs{net: ev.net, premium: map[string]float64{}}
	for _, p := range ev.projects {
		m := 1.0
		if r, _, ok := risk.Overrun(p.Class); ok {
			m = risk.Quantile(r, 0.5)
		}
		x.overrun = append(x.overrun, m)
	}
	for c, q := range ev.in.Premium {
		x.premium[c] = q.Value
	}
	for _, sc := range ev.in.Scenarios {
		x.enforcement = append(x.enforcement, nil)
		x.pathSeed = append(x.pathSeed, 0)
		x.regimes = append(x.regimes, &sc.Regimes)
	}
	return x
}

func (ev *evaluator) draw(ctx context.Context, s *solver, i uint64) ([]caseDraw, error) {
	x := ev.sample(risk.Stream(ev.in.Seed, i))
	s.reset(x.net)
	occ := make([][]occupancy, len(ev.projects))
	for pi := range ev.projects {
		occ[pi] = make([]occupancy, len(ev.in.Scenarios))
		for si := range ev.in.Scenarios {
			o, err := ev.pathOccupancy(ctx, s, x, pi, si)
			if err != nil {
				return nil, err
			}
			occ[pi][si] = o
		}
	}
	if err := ev.prime(ctx, s, x, occ); err != nil {
		return nil, err
	}
	out := make([]caseDraw, 0, len(ev.projects)*len(ev.in.Scenarios))
	for pi := range ev.projects {
		for si := range ev.in.Scenarios {
			cd, _, err := ev.evaluateFlows(ctx, s, x, pi, si, occ[pi][si], nil)
			if err != nil {
				return nil, err
			}
			out = append(out, cd)
		}
	}
	return out, nil
}

// prime solves every state the cash flows of a draw need, in the order that keeps re-solves
// short: scenario by scenario and regime by regime, each state with a project started from the
// optimum of the same state without it (they differ only in that project's links). The order is
// a function of the draw alone, so results stay independent of the worker count.
func (ev *evaluator) prime(ctx context.Context, s *solver, x *inputs, occ [][]occupancy) error {
	h := ev.horizon()
	for si := range ev.in.Scenarios {
		var regimes []string
		for pi := range ev.projects {
			for t := 0; t <= h; t++ {
				for r := range occ[pi][si][t] {
					if !slices.Contains(regimes, r) {
						regimes = append(regimes, r)
					}
				}
			}
		}
		slices.Sort(regimes)
		for _, r := range regimes {
			for pi, p := range ev.projects {
				if !ev.needs(x.net.Project(p.ID), occ[pi][si], r) {
					continue
				}
				without, err := s.solve(ctx, ev.request(si, pi, r, false, x, nil))
				if err != nil {
					return err
				}
				if _, err := s.solveFrom(ctx, ev.request(si, pi, r, true, x, nil), without.basis); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// needs reports whether the cash flows of p (as sampled) use regime r in some year it is in service.
func (ev *evaluator) needs(p *model.Project, occ occupancy, r string) bool {
	sch := newSchedule(p, ev.net.Meta.BaseYear, ev.horizon(), p.ConstructionYears.Value, p.Lifetime.Value)
	for t := range occ {
		if sch.ramp[t] > 0 && occ[t][r] > 0 {
			return true
		}
	}
	return false
}

// occupancy is, per year t = 0 … horizon, the weight of each regime state (1 on the sampled
// state in a draw; the Markov chain's probabilities in the base case).
type occupancy []map[string]float64

// horizon returns the appraisal horizon in years after the base year (30 when unset).
func (ev *evaluator) horizon() int {
	if h := ev.net.Meta.HorizonYears; h > 0 {
		return h
	}
	return 30
}

// pathOccupancy samples the regime path of scenario si for project pi: a fixed timeline, or a
// Markov chain whose transition probabilities may rise with last year's flows across a rule.
func (ev *evaluator) pathOccupancy(ctx context.Context, s *solver, x *inputs, pi, si int) (occupancy, error) {
	h := ev.horizon()
	occ := make(occupancy, h+1)
	reg := x.regimes[si]
	if len(reg.States) == 0 || reg.Fixed() {
		for t := range occ {
			r := ""
			if len(reg.States) > 0 {
				r = reg.At(ev.net.Meta.BaseYear + t)
			}
			occ[t] = map[string]float64{r: 1}
		}
		return occ, nil
	}
	p := ev.projects[pi]
	rng := rand.New(rand.NewPCG(x.pathSeed[si], uint64(pi)))
	sch := newSchedule(p, ev.net.Meta.BaseYear, h, p.ConstructionYears.Value, p.Lifetime.Value)
	cur := reg.Initial
	for t := range occ {
		occ[t] = map[string]float64{cur: 1}
		// last year's flows across each rule, in the world with the project once it is in
		// service, when a transition out of this state depends on them
		var flows map[string]float64
		if reg.NeedsFlows(cur) {
			o, err := s.solve(ctx, ev.request(si, pi, cur, sch.service[t] > 0, x, nil))
			if err != nil {
				return nil, err
			}
			flows = o.ruleFlow
		}
		cur = reg.Next(cur, rng.Float64(), flows)
	}
	return occ, nil
}

// request builds the state request for project pi in scenario si: with or without the project.
func (ev *evaluator) request(si, pi int, regime string, with bool, x *inputs, outside []string) request {
	p := ev.projects[pi]
	r := request{scenario: si, regime: regime, enforcement: x.enforcement[si], outside: outside}
	deps := dependencies(ev.net, p.ID)
	r.projects = deps
	if with {
		r.projects = append(slices.Clone(deps), p.ID)
		slices.Sort(r.projects)
	} else {
		r.exclude = p.ID
	}
	return r
}

// dependencies returns every project p depends on, directly or not, sorted.
func dependencies(n *model.Network, id string) []string {
	seen := map[string]bool{}
	var visit func(string)
	visit = func(id string) {
		p := n.Project(id)
		if p == nil {
			return
		}
		for _, d := range p.DependsOn {
			if !seen[d] {
				seen[d] = true
				visit(d)
			}
		}
	}
	visit(id)
	out := make([]string, 0, len(seen))
	for d := range seen {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// evaluateFlows computes one case's cash flows and returns per country. outside, when set,
// makes those countries non-participants (coalition analysis).
func (ev *evaluator) evaluateFlows(ctx context.Context, s *solver, x *inputs, pi, si int, occ occupancy, outside []string) (caseDraw, []CashFlow, error) {
	p := ev.projects[pi]
	n := x.net
	pp := n.Project(p.ID) // the sampled project
	h := ev.horizon()
	sch := newSchedule(pp, n.Meta.BaseYear, h, pp.ConstructionYears.Value, pp.Lifetime.Value)
	capex := pp.Capex.Value * x.overrun[pi]
	delta := map[string][]float64{}
	for _, c := range ev.countries {
		delta[c] = make([]float64, h+1)
	}
	for t := 0; t <= h; t++ {
		if sch.ramp[t] == 0 {
			continue
		}
		for _, regime := range slices.Sorted(maps.Keys(occ[t])) { // sorted: float sums in a fixed order
			wgt := occ[t][regime]
			with, err := s.solve(ctx, ev.request(si, pi, regime, true, x, outside))
			if err != nil {
				return caseDraw{}, nil, err
			}
			without, err := s.solve(ctx, ev.request(si, pi, regime, false, x, outside))
			if err != nil {
				return caseDraw{}, nil, err
			}
			for ci, c := range ev.countries {
				d := with.welfare[ci] - without.welfare[ci]
				if math.Abs(d) < welfareNoise*math.Max(math.Abs(with.total), math.Abs(without.total)) {
					d = 0
				}
				delta[c][t] += wgt * sch.ramp[t] * d
			}
		}
	}
	social := n.Meta.SocialDiscountRate.Value
	cd := caseDraw{}
	var cfs []CashFlow
	for _, c := range ev.countries {
		share := pp.Financing[c]
		f := flows{benefit: delta[c], cost: make([]float64, h+1)}
		for t := 0; t <= h; t++ {
			f.cost[t] = share * (capex*sch.capex[t] + pp.Opex.Value*sch.service[t])
		}
		cfs = append(cfs, CashFlow{Country: c, Gain: slices.Clone(f.benefit), Residual: share * capex * sch.residual, Cost: f.cost})
		f.benefit[h] += share * capex * sch.residual
		rate := social
		if cc := n.Country(c); cc != nil && cc.DiscountRate.IsSet() {
			rate = cc.DiscountRate.Value
		}
		cf := f.net()
		cd.npv = append(cd.npv, NPV(cf, rate))
		cd.enpv = append(cd.enpv, NPV(cf, social))
		b := BCR(f.benefit, f.cost, social)
		cd.bcr = append(cd.bcr, b)
		if y, ok := DiscountedPayback(cf, rate); ok {
			cd.payback = append(cd.payback, y)
		} else {
			cd.payback = append(cd.payback, math.NaN())
		}
		irr := IRR(cf)
		switch irr.Kind {
		case IRROne:
			cd.irr = append(cd.irr, irr.Rate)
		case IRRSeveral:
			cd.irr = append(cd.irr, math.Inf(-1))
		default:
			cd.irr = append(cd.irr, math.NaN())
		}
		if c == Committer {
			cd.npvRU = cd.npv[len(cd.npv)-1]
			cd.annuityRU = NPV(sch.service, rate)
		}
	}
	needed, _ := projectCountries(n, pp)
	cd.commit = cd.npvRU+x.premium[Committer]*cd.annuityRU > 0
	for i, c := range ev.countries {
		if c != Committer && slices.Contains(needed, c) && cd.npv[i] <= 0 {
			cd.commit = false
		}
	}
	return cd, cfs, nil
}

// summarize turns the draws into per-case summaries.
func (ev *evaluator) summarize(draws [][]caseDraw) []Case {
	var out []Case
	ns := len(ev.in.Scenarios)
	for pi, p := range ev.projects {
		needed, _ := projectCountries(ev.net, p)
		for si, sc := range ev.in.Scenarios {
			k := pi*ns + si
			c := Case{Project: p.ID, Scenario: sc.Name, Needed: needed}
			commits := make([]bool, len(draws))
			npvRU, annuity := 0.0, 0.0
			for i, d := range draws {
				commits[i] = d[k].commit
				npvRU += d[k].npvRU
				annuity += d[k].annuityRU
			}
			c.Commit, c.CommitStdErr = risk.Probability(commits)
			if len(draws) > 0 && annuity > 0 && npvRU < 0 {
				c.BreakEvenPremium = -npvRU / annuity
			}
			for ci, country := range ev.countries {
				var npv, enpv, bcr, irr, payback []float64
				none, several, never := 0, 0, 0
				for _, d := range draws {
					x := d[k]
					npv = append(npv, x.npv[ci])
					enpv = append(enpv, x.enpv[ci])
					if !math.IsNaN(x.bcr[ci]) && !math.IsInf(x.bcr[ci], 0) {
						bcr = append(bcr, x.bcr[ci])
					}
					if y := x.payback[ci]; math.IsNaN(y) {
						never++
					} else {
						payback = append(payback, y)
					}
					switch v := x.irr[ci]; {
					case math.IsNaN(v):
						none++
					case math.IsInf(v, -1):
						several++
					default:
						irr = append(irr, v)
					}
				}
				cr := CountryResult{Country: country, NPV: risk.Summarize(npv), EconomicNPV: risk.Summarize(enpv), BCR: risk.Summarize(bcr),
					IRR: risk.Summarize(irr), Payback: risk.Summarize(payback)}
				if len(draws) > 0 {
					nd := float64(len(draws))
					cr.IRRNone, cr.IRRSeveral, cr.PaybackNever = float64(none)/nd, float64(several)/nd, float64(never)/nd
				}
				c.Countries = append(c.Countries, cr)
			}
			out = append(out, c)
		}
	}
	return out
}
