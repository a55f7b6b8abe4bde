package appraise

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/risk"
	"github.com/corridor-dev/corridor/scenario"
)

// welfareNoise is the smallest yearly welfare change taken as real, relative to the total surplus
// of the state. The canonical optimum (decision 0012) fixes payoffs up to the solver's tolerance;
// on the built-in network (total surplus about 1e11 USD/yr) that is about 100 USD/yr. Smaller
// changes are set to zero so that "P(NPV > 0)" does not count noise.
const welfareNoise = 1e-9

// Input says what to appraise.
type Input struct {
	Net       *model.Network
	Scenarios []*scenario.Scenario // each must have passed Check against Net
	Projects  []string             // project ids; nil means every project
	Draws     int                  // Monte Carlo draws; 0 evaluates the base case only
	Seed      uint64
	Workers   int // goroutines; ≤ 0 means GOMAXPROCS. Results do not depend on it.
	// Premium, when set, is the decider's strategic premium in every scenario, USD/yr while a
	// project is in service (a range is sampled). Unset, each scenario's own premium applies, or
	// else the data set's (model.Meta.StrategicPremium); none means zero.
	Premium quantity.Quantity
	// NewEngine returns a fresh LP engine; the appraisal uses one per worker and scenario, and
	// four more per worker and scenario to pick canonical optima (lp/face).
	NewEngine func() (lp.Incremental, error)
	// Years are the years whose demand (with growth) and network the flow model solves, in every
	// regime state; a year of a cash flow between two of them takes their flows linearly
	// interpolated, one before the first or after the last that one's (docs/MODEL.md, section 3).
	// Empty means ReferenceYear alone.
	Years []int
	// ReferenceYear is the one year solved when Years is empty; 0 means ten years after the base
	// year, a mid-life representative year.
	ReferenceYear int
	// Analysis adds the base-case tornado, switching values, gain split and game (more solves).
	Analysis bool
	// Precision, when > 0, makes Draws a ceiling and the precision of the decider's P(commit) the
	// stopping rule: draws run in batches (FirstBatch, then doubling the total) until the standard
	// error of P(commit) in the bargaining view is at most Precision (a probability: 0.01 is one
	// percentage point) in every case, or Draws is reached. A case in which the decider commits in
	// every draw or in none has a standard error of 0; cases without a decision do not count.
	// Draw i is the same draw in every batch, so the output is the output of a plain run with the
	// number of draws run (Output.Draws); Output.Stop says how it ended.
	Precision float64
	// KeepSamples keeps every draw's figures in Output.Samples.
	KeepSamples bool
	// Remote, when set, computes the Monte Carlo draws elsewhere (batches from Drawers on other
	// processes or machines) instead of on Workers goroutines here; the result is the same bytes.
	// The base-case analysis still runs here.
	Remote   Remote
	Progress func(done, total int)
	Logger   *slog.Logger
}

// FirstBatch is the draws a run with Input.Precision starts with.
const FirstBatch = 50

// Output is the appraisal of every project under every scenario.
type Output struct {
	Draws     uint64   `json:"draws"`
	Seed      uint64   `json:"seed"`
	Workers   int      `json:"workers"`
	Countries []string `json:"countries"`
	Decider   string   `json:"decider"` // the data set's deciding country; "" for none
	Cases     []Case   `json:"cases"`   // project-major: Cases[p*len(Scenarios)+s]
	// Years are the years solved (Input.Years), ascending; ReferenceYear is the first.
	Years         []int `json:"years"`
	ReferenceYear int   `json:"reference_year"`
	// Work is what the run cost; it depends on the machine and the number of workers, so it is
	// left out of the JSON, which must be the same bytes for the same inputs and seed.
	Work Work `json:"-"`
	// Samples are every draw's figures when Input.KeepSamples is set: Samples[i][k] is draw i
	// of Cases[k]. They are left out of the JSON.
	Samples [][]Sample `json:"-"`
	// Stop says how a run with Input.Precision ended; nil without it.
	Stop *Stop `json:"-"`
}

// Sample is one Monte Carlo draw of one case: figures the case's summaries are computed from.
type Sample struct {
	// Overrun is the project's capex overrun multiplier in this draw (1 for a project class
	// without a reference class).
	Overrun float64
	// NPV and Strategic are by country (Output.Countries): the financial NPV and the strategic
	// value, USD at the country's rate (CountryResult.NPV and Strategic).
	NPV, Strategic []float64
	// CommitBargaining and CommitAccounting say that the decider commits in this draw (its margin
	// with premium is positive) in each view; false when it has no part (Case.Involved false).
	CommitBargaining, CommitAccounting bool
}

// Stop says how a run with Input.Precision ended.
type Stop struct {
	Precision float64 // the target, Input.Precision
	Reached   bool    // every case met it; false when the run stopped at Input.Draws
	// WorstStdErr is the largest standard error of the decider's P(commit) in the bargaining
	// view over the cases, and Worst its case (an index into Output.Cases; the first of equals),
	// −1 when no case has a decision.
	WorstStdErr float64
	Worst       int
}

// Work is what a run cost. Times are wall times summed over workers.
type Work struct {
	LPSolves     int           `json:"lp_solves"`     // states of the market solved (accounting view), each with its canonical optimum picked
	LPIterations int           `json:"lp_iterations"` // their simplex iterations
	LPTime       time.Duration `json:"lp_time_ns"`    // time in those solves and picks
	// PickSolves and PickIterations are the re-solves and simplex iterations spent picking the
	// canonical optima (four extremes a state; lp/face), included in LPTime.
	PickSolves     int           `json:"pick_solves"`
	PickIterations int           `json:"pick_iterations"`
	GameSolves     int           `json:"game_solves"`     // coalition values solved (bargaining view)
	GameIterations int           `json:"game_iterations"` // their simplex iterations
	GameTime       time.Duration `json:"game_time_ns"`    // time in them
	// Fallbacks counts the solves an engine handed to its fallback (lp/simplex to HiGHS: cold
	// solves, and warm ones it could not finish).
	Fallbacks int           `json:"fallbacks"`
	Elapsed   time.Duration `json:"elapsed_ns"`
}

// Case is the appraisal of one project under one scenario.
type Case struct {
	Project  string `json:"project"`
	Scenario string `json:"scenario"`
	// Needed are the countries whose territory the project needs; Partners those whose
	// territory or money it needs, the decider excluded.
	Needed   []string `json:"needed"`
	Partners []string `json:"partners"`
	Decider  string   `json:"decider"`
	// Involved says the decider has a part in the project (territory, money, ownership, a
	// contract or a loan); when false the decisions below are empty (null in JSON).
	Involved bool `json:"decider_involved"`
	// Premium is the decider's strategic premium in this scenario, USD/yr in service (mean over
	// the draws), and where it comes from.
	Premium       float64 `json:"premium_usd_per_yr"`
	PremiumSource string  `json:"premium_source"`
	// Bargaining is the headline decision: the decider's strategic value in the network game
	// against its cost; Accounting the decision on NPVs under the stated contracts.
	Bargaining Decision        `json:"bargaining"`
	Accounting Decision        `json:"accounting"`
	Countries  []CountryResult `json:"countries"`
	Base       *BaseCase       `json:"base,omitempty"` // base-case analysis; nil unless Input.Analysis
	// Construction is what the scenario's construction sanctions do to the project; nil when
	// none applies to it.
	Construction *ConstructionEffect `json:"construction,omitempty"`
}

// ConstructionEffect summarises the construction sanctions on one project in one scenario.
type ConstructionEffect struct {
	// Rules are the construction rules that apply to the project in some regime state.
	Rules []string `json:"rules"`
	// Markup is the capex markup they put on it (a share of capex, capex-weighted over the years
	// of works), over the draws in which it can be built.
	Markup risk.Summary `json:"capex_markup"`
	// Blocked is the share of draws in which a ban enforced in full stops the project: nothing
	// is built, every figure of the draw is zero and the decider does not commit.
	Blocked float64 `json:"blocked_share"`
}

// Decision is whether the decider commits, under one view (docs/MODEL.md, section 5). Pointers
// are nil when the decider has no part in the project.
type Decision struct {
	// Commit is the probability that the decider commits: its margin is positive.
	Commit       *float64 `json:"commit"`
	CommitStdErr *float64 `json:"commit_stderr"`
	// Margin is the decider's value of committing, USD at its own rate: its gain (strategic
	// value or NPV) less its cost, plus the premium, less what it must pay partners that would
	// otherwise lose (Compensation).
	Margin       *risk.Summary `json:"margin,omitempty"`
	Compensation *risk.Summary `json:"compensation,omitempty"`
	// BreakEvenPremium is the premium, USD/yr in service, that brings the decider's expected
	// margin without premium to zero; 0 when it is already positive.
	BreakEvenPremium *float64 `json:"break_even_premium_usd_per_yr"`
}

// CountryResult summarises one country's returns over the draws.
type CountryResult struct {
	Country     string       `json:"country"`
	NPV         risk.Summary `json:"npv"`          // financial NPV at the country's discount rate, USD
	EconomicNPV risk.Summary `json:"economic_npv"` // at the social discount rate, USD
	BCR         risk.Summary `json:"bcr"`          // PV benefits / PV costs at the social rate (draws with costs)
	IRR         risk.Summary `json:"irr"`          // over draws with exactly one IRR
	IRRNone     float64      `json:"irr_none_share"`
	IRRSeveral  float64      `json:"irr_several_share"`
	// Payback is the discounted payback period in years from the base year, at the country's
	// rate, over the draws in which the project pays back; PaybackNever is the share in which
	// it does not.
	Payback      risk.Summary `json:"payback_years"`
	PaybackNever float64      `json:"payback_never_share"`
	// Strategic is the country's strategic value of the project (the change of its Shapley value
	// in the network game when the project is built), USD at its own rate; Outlay what the
	// project costs it there (capex and opex shares, net of loans).
	Strategic risk.Summary `json:"strategic_value"`
	Outlay    risk.Summary `json:"outlay"`
	// Threat is its Shapley value of the project as an option that any coalition holding its
	// territory may build at full cost, USD at the social rate.
	Threat risk.Summary `json:"threat_value"`
}

// caseDraw is one draw of one case.
type caseDraw struct {
	npv, enpv, bcr, irr []float64 // by country index; irr NaN when none, −Inf when several
	payback             []float64 // by country index; NaN when it never pays back
	strategic, outlay   []float64 // by country index, at its rate
	threat              []float64 // by country index, at the social rate
	premium             float64   // the decider's premium, USD/yr
	annuity             float64   // PV at the decider's rate of one USD a year in service
	bargain, account    margin    // the decider's margins without premium
	overrun             float64   // the project's capex overrun multiplier
	// markup is the construction sanctions' capex markup (capex-weighted over the years of
	// works); blocked says a ban enforced in full stopped the project in this draw.
	markup  float64
	blocked bool
}

// commits reports whether the decider commits in this draw under a view's margin: its margin
// with the premium is positive.
func (d caseDraw) commits(m margin) bool { return !d.blocked && d.withPremium(m) > 0 }

// withPremium is a view's margin plus the decider's premium over its years in service.
func (d caseDraw) withPremium(m margin) float64 { return m.value + d.premium*d.annuity }

// MaxDraws is the most Monte Carlo draws one run takes: every draw's figures are kept for the
// percentiles (tens of bytes per draw, case and country), so the bound keeps a typo from asking
// for gigabytes.
const MaxDraws = 1_000_000

// MaxKeptFigures bounds draws × cases × countries, the per-country figure sets a run keeps for
// its percentiles and the state they carry: about 500 bytes each of resident memory (9 projects
// under one scenario for 8 countries: 180 MB at 100 draws, 214 MB at 1,000), so about 4 GB at
// the bound. The built-in data's full assessment (9 projects, 5 scenarios, 8 countries) may take
// 22,000 draws.
const MaxKeptFigures = 8_000_000

// Run appraises every project under every scenario over in.Draws Monte Carlo draws. Draw i
// samples each uncertain input from its own stream risk.Keyed(in.Seed, i, key), so results are
// identical for any worker count and whatever else is selected.
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
	out := &Output{Draws: uint64(in.Draws), Seed: in.Seed, Countries: ev.countries, Years: ev.years, ReferenceYear: ev.years[0], Decider: ev.decider}
	workers := in.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, max(in.Draws, 1)))
	out.Workers = workers
	solvers := make([]*solver, workers)
	for w := range solvers {
		solvers[w] = newSolver(in.NewEngine, in.Net, in.Scenarios, ev.countries, ev.years[0])
	}
	defer func() {
		for _, s := range solvers {
			_ = s.close()
		}
	}()
	// Draws run in batches with a precision target, else all at once; draw i is the same
	// whichever batch runs it, as it depends on the seed and i alone.
	n := in.Draws
	if in.Precision > 0 {
		n = min(in.Draws, FirstBatch)
	}
	var draws [][]caseDraw
	for {
		start := len(draws)
		var progress func(done int)
		if in.Progress != nil {
			progress = func(done int) { in.Progress(start+done, in.Draws) }
		}
		more, err := ev.drawsOf(ctx, solvers, start, n, progress)
		if err != nil {
			return nil, err
		}
		draws = append(draws, more...)
		if in.Precision <= 0 {
			break
		}
		out.Stop = ev.stop(draws)
		log.InfoContext(ctx, "precision", "draws", len(draws), "worst_commit_stderr", out.Stop.WorstStdErr, "target", in.Precision)
		if out.Stop.Reached || n >= in.Draws {
			break
		}
		n = min(in.Draws, 2*n)
	}
	out.Draws = uint64(len(draws))
	log.InfoContext(ctx, "stage done", "stage", "monte carlo", "draws", len(draws), "workers", workers, "elapsed", time.Since(t0))
	out.Cases = ev.summarize(draws)
	if in.KeepSamples {
		out.Samples = samples(draws, out.Cases)
	}
	if in.Analysis {
		if err := ev.analyse(ctx, solvers, out.Cases); err != nil {
			return nil, err
		}
		log.InfoContext(ctx, "stage done", "stage", "analysis", "elapsed", time.Since(t0))
	}
	for _, s := range solvers {
		for _, p := range s.problems {
			if p != nil {
				st := p.PickStats()
				out.Work.PickSolves += st.Solves
				out.Work.PickIterations += st.Iterations
			}
		}
		out.Work.LPSolves += s.solves
		out.Work.LPIterations += s.iterations
		out.Work.LPTime += s.lpTime
		out.Work.GameSolves += s.gameSolves
		for _, e := range s.engines {
			if f, ok := e.(interface{ Fallbacks() int }); ok {
				out.Work.Fallbacks += f.Fallbacks()
			}
		}
		out.Work.GameIterations += s.gameIterations
		out.Work.GameTime += s.gameTime
	}
	out.Work.Elapsed = time.Since(t0)
	return out, nil
}

// evaluator holds what every draw shares.
type evaluator struct {
	in        Input
	net       *model.Network
	projects  []*model.Project
	countries []string
	decider   string
	years     []int // the years solved, ascending, without repeats
	game      *game
}

func newEvaluator(in Input) (*evaluator, error) {
	if in.Net == nil || len(in.Scenarios) == 0 || in.NewEngine == nil {
		return nil, errors.New("appraise: need a network, at least one scenario and an engine")
	}
	if in.Draws < 0 || in.Draws > MaxDraws {
		return nil, fmt.Errorf("appraise: %d draws: expected 0..%d", in.Draws, MaxDraws)
	}
	if !(in.Precision >= 0) {
		return nil, fmt.Errorf("appraise: precision %g: expected a standard error ≥ 0", in.Precision)
	}
	ev := &evaluator{in: in, net: in.Net, decider: in.Net.Meta.Decider}
	ev.years = slices.Compact(slices.Sorted(slices.Values(in.Years)))
	if len(ev.years) == 0 {
		ev.years = []int{cmp.Or(in.ReferenceYear, in.Net.Meta.BaseYear+10)}
	}
	if base := in.Net.Meta.BaseYear; base != 0 && ev.years[0] < base {
		return nil, fmt.Errorf("appraise: year %d is before the data set's base year %d", ev.years[0], base)
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
	if ev.decider != "" && !slices.Contains(ev.countries, ev.decider) {
		return nil, fmt.Errorf("appraise: the deciding country %q is not a country of the data set", ev.decider)
	}
	if kept := int64(in.Draws) * int64(len(ev.projects)*len(in.Scenarios)*max(1, len(ev.countries))); kept > MaxKeptFigures {
		return nil, fmt.Errorf("appraise: %d draws of %d projects under %d scenarios for %d countries keep %d figure sets, at most %d (about 500 bytes each): choose fewer draws, projects or scenarios",
			in.Draws, len(ev.projects), len(in.Scenarios), len(ev.countries), kept, MaxKeptFigures)
	}
	g, err := newGame(in.Net, ev.countries, in.Scenarios)
	if err != nil {
		return nil, err
	}
	ev.game = g
	return ev, nil
}

// summarize turns the draws into per-case summaries.
func (ev *evaluator) summarize(draws [][]caseDraw) []Case {
	var out []Case
	ns := len(ev.in.Scenarios)
	for pi, p := range ev.projects {
		needed, _ := projectCountries(ev.net, p)
		for si, sc := range ev.in.Scenarios {
			k := pi*ns + si
			c := Case{Project: p.ID, Scenario: sc.Name, Needed: needed, Partners: ev.partners(p), Decider: ev.decider,
				Involved: ev.involved(p)}
			_, c.PremiumSource = ev.premiumQuantity(si)
			col := func(f func(d caseDraw) float64) []float64 {
				xs := make([]float64, len(draws))
				for i, d := range draws {
					xs[i] = f(d[k])
				}
				return xs
			}
			c.Premium = mean(col(func(d caseDraw) float64 { return d.premium }))
			c.Construction = ev.constructionEffect(pi, si, draws, k)
			if c.Involved {
				c.Bargaining = decide(draws, k, func(d caseDraw) margin { return d.bargain })
				c.Accounting = decide(draws, k, func(d caseDraw) margin { return d.account })
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
					IRR: risk.Summarize(irr), Payback: risk.Summarize(payback),
					Strategic: risk.Summarize(col(func(d caseDraw) float64 { return d.strategic[ci] })),
					Outlay:    risk.Summarize(col(func(d caseDraw) float64 { return d.outlay[ci] })),
					Threat:    risk.Summarize(col(func(d caseDraw) float64 { return d.threat[ci] }))}
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

// constructionEffect summarises the construction sanctions on case k (project pi, scenario si)
// over the draws; nil when no construction rule applies to the project in any regime state.
func (ev *evaluator) constructionEffect(pi, si int, draws [][]caseDraw, k int) *ConstructionEffect {
	sc := ev.in.Scenarios[si]
	p := ev.net.Project(ev.projects[pi].ID)
	states := []string{""} // a scenario without regime states has its rules always in force
	if len(sc.Regimes.States) > 0 {
		states = nil
		for _, st := range sc.Regimes.States {
			states = append(states, st.ID)
		}
	}
	var rules []string
	for _, st := range states {
		_, ids := sc.ConstructionMarkup(ev.net, p, st, nil)
		for _, id := range ids {
			if !slices.Contains(rules, id) {
				rules = append(rules, id)
			}
		}
	}
	if len(rules) == 0 {
		return nil
	}
	slices.Sort(rules)
	e := &ConstructionEffect{Rules: rules}
	var markups []float64
	blocked := 0
	for _, d := range draws {
		if d[k].blocked {
			blocked++
			continue
		}
		markups = append(markups, d[k].markup)
	}
	e.Markup = risk.Summarize(markups)
	if len(draws) > 0 {
		e.Blocked = float64(blocked) / float64(len(draws))
	}
	return e
}

// decide summarises one view's decision over the draws: the commitment probability with its
// standard error, the margin and compensation, and the break-even premium, exact because the
// premium enters the margin linearly: −E[margin without premium] / E[annuity in service].
func decide(draws [][]caseDraw, k int, view func(caseDraw) margin) Decision {
	if len(draws) == 0 {
		return Decision{}
	}
	commits := make([]bool, len(draws))
	margins, comps := make([]float64, len(draws)), make([]float64, len(draws))
	var bare, annuity float64
	for i, d := range draws {
		m := view(d[k])
		withPremium := d[k].withPremium(m)
		commits[i] = d[k].commits(m)
		margins[i], comps[i] = withPremium, m.compensation
		bare += m.value
		annuity += d[k].annuity
	}
	p, se := risk.Probability(commits)
	be := 0.0
	if bare < 0 && annuity > 0 {
		be = -bare / annuity
	}
	ms, cs := risk.Summarize(margins), risk.Summarize(comps)
	return Decision{Commit: &p, CommitStdErr: &se, Margin: &ms, Compensation: &cs, BreakEvenPremium: &be}
}

// stop measures the draws so far against Input.Precision: the largest standard error of the
// decider's P(commit) in the bargaining view over the cases in which it has a part.
func (ev *evaluator) stop(draws [][]caseDraw) *Stop {
	st := &Stop{Precision: ev.in.Precision, Worst: -1}
	ns := len(ev.in.Scenarios)
	for pi, p := range ev.projects {
		if !ev.involved(p) {
			continue
		}
		for si := range ns {
			k := pi*ns + si
			commits := make([]bool, len(draws))
			for i, d := range draws {
				commits[i] = d[k].commits(d[k].bargain)
			}
			if _, se := risk.Probability(commits); st.Worst < 0 || se > st.WorstStdErr {
				st.WorstStdErr, st.Worst = se, k
			}
		}
	}
	st.Reached = st.WorstStdErr <= st.Precision
	return st
}

// involved reports whether the decider has a part in project p (Case.Involved).
func (ev *evaluator) involved(p *model.Project) bool {
	_, all := projectCountries(ev.net, p)
	return ev.decider != "" && slices.Contains(all, ev.decider)
}

// samples returns every draw's figures of every case (Output.Samples).
func samples(draws [][]caseDraw, cases []Case) [][]Sample {
	out := make([][]Sample, len(draws))
	for i, d := range draws {
		out[i] = make([]Sample, len(d))
		for k, x := range d {
			s := Sample{Overrun: x.overrun, NPV: x.npv, Strategic: x.strategic}
			if cases[k].Involved {
				s.CommitBargaining, s.CommitAccounting = x.commits(x.bargain), x.commits(x.account)
			}
			out[i][k] = s
		}
	}
	return out
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
