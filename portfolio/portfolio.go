// Package portfolio chooses the set of candidate projects worth most to a party under a capex
// budget, honouring the projects' dependencies (docs/decisions/0014-portfolio.md).
//
// Projects interact — a port is worth little without its railway, two routes compete for one
// cargo — so the value of a set is never the sum of single-project values: it is read from the
// flow LP of one scenario state with exactly that set built. For a set S of candidates,
//
//	W(S)     = the LP's total surplus (flow.Result.Objective), or one country's welfare
//	           (flow.Result.Country(c).Total()), USD/yr, in the reference year and regime state
//	Gain(S)  = W(S) − W(∅)                                   USD/yr
//	Capex(S) = Σ_{p∈S} share_p · capex_p · (1 + markup_p)     USD
//	Opex(S)  = Σ_{p∈S} share_p · opex_p                       USD/yr
//	Value(S) = A · (Gain(S) − Opex(S)) − Capex(S)             USD, present value
//	A        = Σ_{t=1..H} (1+r)^−t = (1 − (1+r)^−H) / r      (A = H when r = 0)
//
// with r the data set's social discount rate, H its horizon in years, share_p = 1 for the
// total surplus or the country's financing share of p, and markup_p the capex markup of the
// scenario's construction rules in the regime state (decision 0003); a project a ban enforced in
// full stops there is in no set. This is a deliberate simplification of
// the appraisal (package appraise): every project of S is taken to be in service from year 1 to
// year H at its reference-year gain, its capex paid in year 0, with no construction schedule,
// ramp-up, lifetime, regime path, loans or uncertainty — one deterministic LP per set, because
// the Monte Carlo appraisal of each of up to 2^16 sets would be far too slow.
//
// The choice is exact: every dependency-feasible subset (each project's depends_on either in the
// set or built by the scenario itself) is solved once, warm from the previous one, and for a
// budget B the best set is argmax{Value(S) : Capex(S) ≤ B}. Hence at most MaxCandidates
// candidates.
package portfolio

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// MaxCandidates is the most candidate projects Evaluate takes: it solves up to 2^MaxCandidates
// LPs.
const MaxCandidates = 16

// ErrTooMany is returned (wrapped) for more than MaxCandidates candidates.
var ErrTooMany = errors.New("portfolio: too many candidate projects")

// Input says which sets to value, and for whom.
type Input struct {
	Net      *model.Network
	Scenario *scenario.Scenario // must have passed Check against Net
	// Candidates are the project ids to choose from; nil means every project of Net that the
	// scenario does not build itself, in data order. A candidate the scenario builds is left
	// out of the state without projects.
	Candidates []string
	// Year is the reference year whose demand the LP solves; 0 means ten years after the base
	// year, as the appraisal (appraise.Input.ReferenceYear).
	Year int
	// Regime is the regime state; "" means the scenario's initial state.
	Regime string
	// Country, when set, values the sets by that country's welfare and counts its financing
	// shares of capex and opex; "" values them by total surplus and counts all of it.
	Country string
	// Engine solves every state, re-solved warm from the previous one. The caller closes it.
	Engine lp.Incremental
	// Logger receives debug detail; nil discards.
	Logger *slog.Logger
}

// Set is one dependency-feasible set of candidates and its value.
type Set struct {
	Projects []string `json:"projects"` // in the order of Result.Candidates
	Capex    float64  `json:"capex"`    // USD: Capex(S), the party's share
	Opex     float64  `json:"opex"`     // USD/yr: Opex(S), the party's share
	Gain     float64  `json:"gain"`     // USD/yr: Gain(S) = W(S) − W(∅)
	Value    float64  `json:"value"`    // USD: Value(S) = A·(Gain − Opex) − Capex
	mask     uint32
}

// Result is the value of every dependency-feasible set.
type Result struct {
	Scenario   string   `json:"scenario"`
	Regime     string   `json:"regime"`
	Year       int      `json:"year"`
	Country    string   `json:"country,omitempty"` // "" for total surplus
	Rate       float64  `json:"discount_rate"`     // r, per year
	Horizon    int      `json:"horizon_years"`     // H
	Annuity    float64  `json:"annuity_factor"`    // A
	Base       float64  `json:"base"`              // W(∅), USD/yr
	Candidates []string `json:"candidates"`
	// Markup is the capex markup of each candidate from the scenario's construction rules in
	// force in Regime, at their stated enforcement (a share of capex, decision 0003); Blocked
	// the candidates a ban enforced in full stops there, which no set contains.
	Markup  []float64 `json:"capex_markup"`
	Blocked []string  `json:"blocked"`
	// Sets are every dependency-feasible subset of the candidates, the empty set first, in
	// the order of their bit masks (bit i for Candidates[i]).
	Sets []Set `json:"sets"`
	// Frontier is the best set as the budget grows: each entry is the best set for every budget
	// from its capex up to the next entry's. The first is the best set at a budget of zero.
	Frontier []Set `json:"frontier"`
	// Iterations are the simplex iterations of every solve.
	Iterations int `json:"-"`
}

// Best returns the best set with a capex within budget: the set of greatest value, and of least
// capex among sets of equal value.
func (r *Result) Best(budget float64) Set {
	best := r.Frontier[0]
	for _, s := range r.Frontier[1:] {
		if s.Capex > budget {
			break
		}
		best = s
	}
	return best
}

// Annuity returns Σ_{t=1..h} (1+r)^−t, the present value of 1 a year for h years.
func Annuity(r float64, h int) float64 {
	if r == 0 {
		return float64(h)
	}
	return (1 - math.Pow(1+r, -float64(h))) / r
}

// Evaluate solves every dependency-feasible set of candidates and returns their values and the
// frontier.
func Evaluate(ctx context.Context, in Input) (*Result, error) {
	n, sc := in.Net, in.Scenario
	if n == nil || sc == nil || in.Engine == nil {
		return nil, errors.New("portfolio: need a network, a scenario and an engine")
	}
	log := in.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if in.Country != "" && n.Country(in.Country) == nil {
		return nil, fmt.Errorf("portfolio: unknown country %q", in.Country)
	}
	if n.Meta.HorizonYears <= 0 {
		return nil, errors.New("portfolio: the data set gives no horizon (horizon_years)")
	}
	cands, err := candidates(n, sc, in.Candidates)
	if err != nil {
		return nil, err
	}
	res := &Result{Scenario: sc.Name, Year: in.Year, Country: in.Country, Rate: n.Meta.SocialDiscountRate.Value,
		Horizon: n.Meta.HorizonYears, Candidates: cands, Regime: in.Regime}
	if res.Year == 0 {
		res.Year = n.Meta.BaseYear + 10
	}
	if res.Regime == "" {
		res.Regime = sc.Regimes.Initial
	}
	res.Annuity = Annuity(res.Rate, res.Horizon)
	res.Markup, res.Blocked = make([]float64, len(cands)), []string{}
	var blocked uint32
	for i, id := range cands {
		m, _ := sc.ConstructionMarkup(n, n.Project(id), res.Regime, nil)
		if math.IsInf(m, 1) {
			blocked |= 1 << i
			res.Blocked = append(res.Blocked, id)
			continue
		}
		res.Markup[i] = m
	}
	masks := slices.DeleteFunc(feasible(n, sc, cands), func(m uint32) bool { return m&blocked != 0 })
	log.Debug("portfolio", "candidates", len(cands), "feasible sets", len(masks))

	// Gray-code order: neighbouring solves differ by few projects, so warm re-solves are short.
	slices.SortFunc(masks, func(a, b uint32) int { return cmp.Compare(grayRank(a), grayRank(b)) })
	var p *flow.Problem
	defer func() {
		if p != nil {
			p.Close()
		}
	}()
	w := make(map[uint32]float64, len(masks))
	for _, m := range masks {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		built, excluded := split(cands, m)
		st, _, err := scenario.Apply(n, sc, scenario.Options{Regime: res.Regime, Year: res.Year, Projects: built, ExcludeProjects: excluded})
		if err != nil {
			return nil, fmt.Errorf("portfolio: projects [%s]: %w", strings.Join(built, ","), err)
		}
		var fr *flow.Result
		if p == nil {
			if p, err = flow.Build(st, flow.Options{Rules: sc.Rules, Lean: true, Logger: in.Logger}); err != nil {
				return nil, err
			}
			fr, err = p.Solve(ctx, in.Engine)
		} else {
			fr, err = p.Update(ctx, st, in.Engine)
		}
		if err != nil {
			return nil, fmt.Errorf("portfolio: projects [%s]: %w", strings.Join(built, ","), err)
		}
		res.Iterations += fr.Iterations
		if in.Country == "" {
			w[m] = fr.Objective
		} else {
			w[m] = fr.Country(in.Country).Total()
		}
	}
	res.Base = w[0]
	slices.Sort(masks)
	for _, m := range masks {
		s := Set{Projects: []string{}, Gain: w[m] - res.Base, mask: m}
		for i, id := range cands {
			if m&(1<<i) == 0 {
				continue
			}
			pr := n.Project(id)
			share := 1.0
			if in.Country != "" {
				share = pr.Financing[in.Country]
			}
			s.Projects = append(s.Projects, id)
			s.Capex += share * pr.Capex.Value * (1 + res.Markup[i])
			s.Opex += share * pr.Opex.Value
		}
		s.Value = res.Annuity*(s.Gain-s.Opex) - s.Capex
		res.Sets = append(res.Sets, s)
	}
	res.Frontier = frontier(res.Sets)
	return res, nil
}

// candidates resolves Input.Candidates.
func candidates(n *model.Network, sc *scenario.Scenario, ids []string) ([]string, error) {
	if ids == nil {
		for _, p := range n.Projects {
			if !slices.Contains(sc.Projects, p.ID) {
				ids = append(ids, p.ID)
			}
		}
	}
	var errs []error
	for i, id := range ids {
		if n.Project(id) == nil {
			errs = append(errs, fmt.Errorf("portfolio: unknown project %q", id))
		} else if slices.Contains(ids[:i], id) {
			errs = append(errs, fmt.Errorf("portfolio: project %s named twice", id))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(ids) > MaxCandidates {
		return nil, fmt.Errorf("%w: %d candidates would need up to 2^%d = %d LP solves; at most %d are allowed: choose fewer",
			ErrTooMany, len(ids), len(ids), 1<<len(ids), MaxCandidates)
	}
	return slices.Clone(ids), nil
}

// feasible returns the masks of every subset of cands whose members' dependencies are each in
// the subset or built by the scenario (and not a candidate).
func feasible(n *model.Network, sc *scenario.Scenario, cands []string) []uint32 {
	// need[i]: the candidates project i needs; never: it needs a project nothing builds
	need := make([]uint32, len(cands))
	never := make([]bool, len(cands))
	for i, id := range cands {
		for _, d := range n.Project(id).DependsOn {
			if j := slices.Index(cands, d); j >= 0 {
				need[i] |= 1 << j
			} else if !slices.Contains(sc.Projects, d) {
				never[i] = true
			}
		}
	}
	var out []uint32
	for m := uint32(0); m < 1<<len(cands); m++ {
		ok := true
		for i := range cands {
			if m&(1<<i) != 0 && (never[i] || m&need[i] != need[i]) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, m)
		}
	}
	return out
}

// grayRank returns the position of mask m in the reflected binary Gray code.
func grayRank(m uint32) uint32 {
	r := m
	for s := uint(1); s < 32; s <<= 1 {
		r ^= r >> s
	}
	return r
}

// split returns the candidates in mask m and those not in it.
func split(cands []string, m uint32) (in, out []string) {
	for i, id := range cands {
		if m&(1<<i) != 0 {
			in = append(in, id)
		} else {
			out = append(out, id)
		}
	}
	return in, out
}

// frontier returns the best set as the budget grows: sets by capex (then fewer projects, then
// mask), each kept when it is worth more than every cheaper one.
func frontier(sets []Set) []Set {
	order := slices.Clone(sets)
	slices.SortStableFunc(order, func(a, b Set) int {
		return cmp.Or(cmp.Compare(a.Capex, b.Capex), cmp.Compare(b.Value, a.Value),
			cmp.Compare(bits.OnesCount32(a.mask), bits.OnesCount32(b.mask)), cmp.Compare(a.mask, b.mask))
	})
	var out []Set
	for _, s := range order {
		if len(out) == 0 || s.Value > better(out[len(out)-1].Value) {
			out = append(out, s)
		}
	}
	return out
}

// better returns the least value that beats v: LP values carry rounding noise, so a set must
// gain more than a part in 10^9 to displace a cheaper one.
func better(v float64) float64 { return v + 1e-9*math.Max(1, math.Abs(v)) }
