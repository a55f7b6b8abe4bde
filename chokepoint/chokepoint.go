// Package chokepoint finds the sets of links whose closure costs most in one scenario state
// (docs/decisions/0015-chokepoints.md): an interdictor closes k links (or nodes: all of a
// node's links), the market re-optimises around them, and the loss is the drop in the flow
// LP's total surplus (flow.Result.Objective) or in one country's welfare
// (flow.Result.Country(c).Total()), USD/yr:
//
//	Loss(S) = W(∅) − W(S)   where W(S) is the optimum of the state's LP with the links of S closed
//
// For each k = 1..K the sets of k candidates are ranked by loss, exactly, by enumeration: every
// k-set is solved warm on one engine per worker (flow.Problem.Update), except those whose loss is
// known without a solve and, for total surplus, those whose loss is proven too small to rank
// among the Top. Where nothing but the loss in total surplus is needed of a solve — the last
// level when pruning, every level without — only the optimal value is computed
// (flow.Problem.Surplus), not the canonical optimum every figure a user reads comes from: the
// optimal value of an LP is unique, so the ranking depends on no engine's choice of vertex, and
// the reported sets are re-solved for their figures anyway. It is three to four times cheaper.
//
// # Pruning (total surplus only)
//
// Closing a link only adds upper bounds of 0 on its flow columns; it changes no cost. Hence,
// for sets T ⊂ S:
//
//	Loss(T) ≤ Loss(S) ≤ Loss(T) + Σ_{c ∈ S∖T} B_T(c)
//
// where B_T(c) = Σ_j M_j·x_j over the flow columns j of c's links, x being an optimal solution
// x_T of LP(T) and M_j the bound of flow.Closure on what one unit on column j can add to an
// optimum (USD/yr; flow.Closure.Bound). Proof: LP(S)'s feasible set is a subset of LP(T)'s, so
// W(S) ≤ W(T). For the other side, flow.Closure proves that LP(S) has the same optimum as the LP
// with the columns of S∖T open again but each unit on them paying M_j; x_T is feasible for that
// LP (it honours T's closures, and S∖T's columns are open), where it is worth
// W(T) − Σ_{c∈S∖T} B_T(c), so W(S) is at least that. Nothing depends on which optimum x_T is;
// here it is the canonical optimum every solve returns (decision 0012).
//
// Two uses, level by level (the sets of each k, with every smaller set's loss and optimum known
// or proven):
//
//   - Inheritance. When B_T(e) ≤ exact for some T = S∖{e}, S is not solved and takes T's loss:
//     it is exact to within exact per level, a millionth of the rounding the ranking compares
//     losses to (a part in 10^9 of the base). In particular closing links that carry nothing
//     (B = 0) costs nothing more: for k = 1 no link unused in the base state is solved, a
//     pair of unused links costs 0, and a pair {a, b} whose b carries nothing once a is closed costs
//     what closing a alone costs. (An exact zero test would be exact, but float rounding leaves
//     flows of a few 10⁻⁹ units on unused links, which depend on the engine's path: the sets
//     solved would depend on the workers.)
//   - Branch and bound. Every other set S gets the lower bound max_T Loss(T) and the upper bound
//     min_T Loss(T) + Σ_{c∈S∖T} B_T(c) over its proper subsets T whose optimum is known. The
//     threshold τ is the Top-th largest of the level's known losses and lower bounds: at least
//     Top sets lose τ or more. Sets are solved best upper bound first, in batches of a fixed
//     size (so that which are solved does not depend on the workers), τ rising as losses
//     replace lower bounds, until every set left has an upper bound below τ by more than a
//     slack (10⁻⁶ of the base surplus, far above the solves' rounding). Those cannot rank
//     among the Top — even by candidate order among ties, as they lose less than the Top-th by
//     more than the ranking's rounding — and are left unsolved; sets that tie with the Top-th
//     are solved, so equivalent sets are still found. A solved loss above its upper bound is
//     an error, not a result. A set left unsolved has no known optimum: its supersets bound
//     and inherit from their other subsets.
//
// When the LP's values do not support flow.Closure's bound (flow.ErrNoClosureBound) the
// pruning falls back to inheritance with B read as "carries any flow", exact, and every other
// set is solved.
//
// For a country's welfare neither holds: the welfare of a country is read from the canonical
// optimum's flows and prices, and closing an unused link shrinks the optimal face (and removes a
// dual constraint, so prices may move) — the total is unchanged but its split among countries
// may not be. With Input.Country set every set is solved.
//
// # Cost
//
// Without pruning there are Σ_{k≤K} C(n, k) solves for n candidates; with it at most the number
// of sets holding a link used in the base state, Σ_{k≤K} C(n, k) − C(n − u, k) for u used
// candidates, usually far fewer (on the built-in data, k ≤ 3 and the top 5: 156 of 106,081).
// Evaluate refuses more than MaxSolves of this bound.
package chokepoint

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"slices"
	"sync"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// MaxK is the largest set size Evaluate takes.
const MaxK = 4

// MaxSolves is the largest bound on the number of LP solves Evaluate starts.
const MaxSolves = 200_000

// maxCandidates bounds the candidates, so that a set of MaxK indices packs into a uint64 key.
const maxCandidates = 1<<16 - 2

// Methods of ranking (Input.Method).
const (
	// MethodEnumerate solves every k-set but those whose loss the pruning proves.
	MethodEnumerate = "enumerate"
	// MethodMIP finds the worst k-set, then the next worst, … as interdiction MIPs (package
	// lp/interdict), one per set reported; total surplus only.
	MethodMIP = "mip"
	// MethodAuto enumerates unless the enumeration would need more than MaxSolves solves (or
	// 10·MaxSolves sets) and the ranking is by total surplus; then it uses the MIP. On the
	// built-in data the enumeration is the faster up to k = 3 (docs/decisions/0015).
	MethodAuto = "auto"
)

// ErrTooMany is returned (wrapped) when the enumeration would need more than MaxSolves solves.
var ErrTooMany = errors.New("chokepoint: too many solves")

// Input says which state to interdict, what may be closed and how losses are counted.
type Input struct {
	// State is the scenario state (scenario.Apply). Its Available map says which links are open;
	// it is not modified.
	State *scenario.State
	// Rules is the rule universe of the flow LP; nil means the state's active rules.
	Rules []scenario.Rule
	// Links are the candidate links to close; each must be open in State. Nil (with no Nodes)
	// means every open link.
	Links []string
	// Modes, when set, keep only the candidate links of these modes (it does not filter Nodes).
	Modes []string
	// Nodes are candidate node closures: closing a node closes every open link that touches it.
	Nodes []string
	// K is the largest set size, 1..MaxK; 0 means 2.
	K int
	// Top is how many sets to report for each k; 0 means 5.
	Top int
	// Reroutes is how many links whose flow changes most to report for the worst set of each k;
	// 0 means 8.
	Reroutes int
	// Country, when set, ranks sets by the drop in this country's welfare (every set solved);
	// "" ranks them by the drop in total surplus (with pruning).
	Country string
	// NoPrune solves every set even for total surplus (to check the pruning).
	NoPrune bool
	// Method is how sets are ranked: MethodEnumerate, MethodMIP (total surplus only), or ""
	// for MethodAuto.
	Method string
	// NewMIPEngine makes the engine that solves the interdiction MIPs (MethodMIP): one, closed by
	// Evaluate.
	NewMIPEngine func() (lp.Engine, error)
	// NewEngine makes the engine of each worker; every state is re-solved warm on it. Evaluate
	// closes the engines it makes.
	NewEngine func() (lp.Incremental, error)
	// Workers solve sets in parallel, each on its own engine; 0 means 1. The result does not
	// depend on it: the ranking compares losses rounded to a part in 10^9 of the base (solves
	// from different bases differ in the last digits only, as every figure is read from the
	// canonical optimum), and the reported sets are re-solved in rank order on one engine of
	// their own, so their figures are the same bytes.
	Workers int
	// Logger receives debug detail; nil discards.
	Logger *slog.Logger
}

// Candidate is one thing the interdictor may close.
type Candidate struct {
	ID    string   `json:"id"`   // the link id, or "node:" and the node id
	Kind  string   `json:"kind"` // "link" or "node"
	Mode  string   `json:"mode,omitempty"`
	Links []string `json:"links"` // the links its closure closes
	// Used says that one of its links carries flow in the base state.
	Used bool `json:"used"`
}

// CountryLoss is one country's loss, USD/yr: its welfare in the base state less its welfare with
// the set closed (negative for a country that gains).
type CountryLoss struct {
	Country string  `json:"country"`
	Loss    float64 `json:"loss"`
}

// Reroute is the flow on one link before and after a closure, in its mode's capacity unit per
// year (both directions together, then each).
type Reroute struct {
	Link           string  `json:"link"`
	Mode           string  `json:"mode"`
	Unit           string  `json:"unit"`
	Before         float64 `json:"before"`
	After          float64 `json:"after"`
	ForwardBefore  float64 `json:"forward_before"`
	ForwardAfter   float64 `json:"forward_after"`
	BackwardBefore float64 `json:"backward_before"`
	BackwardAfter  float64 `json:"backward_after"`
}

// Set is one set of closed candidates and what its closure costs.
type Set struct {
	Closed []string `json:"closed"` // candidate ids, in candidate order
	Loss   float64  `json:"loss"`   // USD/yr: the drop in total surplus
	// CountryLoss is the drop in Result.Country's welfare, USD/yr (only with a country).
	CountryLoss *float64 `json:"country_loss,omitempty"`
	// Losses are every country's losses, sorted by country (flow.RestOfWorld included).
	Losses []CountryLoss `json:"losses"`
	// Reroutes are the links whose flow changes most, for the worst set of each k only.
	Reroutes []Reroute `json:"reroutes,omitempty"`
	// Equivalent are, on the first of a run of sets of the level with the same loss for the
	// network and every country (to a part in 10^9 of the base: segments of one line in series),
	// the closed candidates of the others; EquivalentOf is, on each of the others, the rank
	// (1-based) of that first set. A reader showing one row per run skips sets with EquivalentOf.
	Equivalent   [][]string `json:"equivalent,omitempty"`
	EquivalentOf int        `json:"equivalent_of,omitempty"`
	idx          []int
}

// Level is the ranking of the sets of one size.
type Level struct {
	K    int `json:"k"`
	Sets int `json:"sets"` // the number of k-sets of candidates
	// Solved is how many were solved (enumeration; the others were pruned: their loss known, or
	// bounded below the top), or how many interdiction MIPs were (MIP). It does not depend on
	// Input.Workers.
	Solved int   `json:"solved"`
	Top    []Set `json:"top"` // the Top worst, by loss then candidate order
}

// Result is the ranking for every k.
type Result struct {
	Year      int     `json:"year"`
	Regime    string  `json:"regime"`
	Country   string  `json:"country,omitempty"` // the country sets are ranked for; "" for total surplus
	Objective float64 `json:"base_objective"`    // W(∅) as total surplus, USD/yr
	// CountryWelfare is W(∅) as Country's welfare, USD/yr (only with a country).
	CountryWelfare float64     `json:"base_country_welfare,omitempty"`
	Candidates     []Candidate `json:"candidates"`
	Pruned         bool        `json:"pruned"` // whether the pruning was used
	// Method is how the sets were ranked: MethodEnumerate or MethodMIP.
	Method string  `json:"method"`
	Levels []Level `json:"levels"`
	Solves int     `json:"solves"` // LP solves, the base and the reports' detail included
	// Iterations are the simplex iterations of every solve.
	Iterations int `json:"-"`
}

// entry is what the enumeration keeps of one set.
type entry struct {
	idx    [MaxK]uint16
	score  float64   // loss: total or the country's
	used   []uint64  // total mode: candidates carrying flow in the set's optimum (nil: unknown)
	pen    []float64 // total mode: per candidate, a bound on the extra loss of closing it too (penalties)
	ub     float64   // total mode: an upper bound on the loss, USD/yr (bounds)
	solve  bool      // must be solved
	pruned bool      // not solved, as its bound is below the top (bounded): its loss is unknown
	mip    bool      // score is the MIP's, to be checked against the LP's
}

// Evaluate solves the base state and ranks the k-sets of candidates for k = 1..K.
func Evaluate(ctx context.Context, in Input) (*Result, error) {
	st := in.State
	if st == nil || st.Net == nil || in.NewEngine == nil {
		return nil, errors.New("chokepoint: need a state and an engine")
	}
	n := st.Net
	log := in.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	K, top, nReroutes, workers := cmp.Or(in.K, 2), cmp.Or(in.Top, 5), cmp.Or(in.Reroutes, 8), max(1, in.Workers)
	if K < 1 || K > MaxK {
		return nil, fmt.Errorf("chokepoint: k = %d: want 1 to %d", K, MaxK)
	}
	if top < 1 {
		return nil, fmt.Errorf("chokepoint: top = %d: want at least 1", top)
	}
	if in.Country != "" && n.Country(in.Country) == nil {
		return nil, fmt.Errorf("chokepoint: unknown country %q", in.Country)
	}
	cands, err := candidates(st, in.Links, in.Modes, in.Nodes)
	if err != nil {
		return nil, err
	}
	K = min(K, len(cands))
	prune := in.Country == "" && !in.NoPrune

	pool := &pool{in: in}
	defer pool.close()
	w0, err := pool.worker(ctx)
	if err != nil {
		return nil, err
	}
	base, err := w0.solve(ctx, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("chokepoint: base state: %w", err)
	}
	reporter, err := pool.newWorker(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{Year: st.Year, Regime: st.Regime, Country: in.Country, Objective: base.Objective, Pruned: prune, Solves: 1,
		Iterations: base.Iterations}
	baseScore := score(base, in.Country)
	if in.Country != "" {
		res.CountryWelfare = baseScore
	}
	baseUsed := usedBits(base, cands)
	nUsed := 0
	for i := range cands {
		cands[i].Used = has(baseUsed, i)
		if cands[i].Used {
			nUsed++
		}
	}
	res.Candidates = cands

	// The guard: a bound on the solves, before any is started.
	bound, sets := new(big.Int), new(big.Int)
	for k := 1; k <= K; k++ {
		all := new(big.Int).Binomial(int64(len(cands)), int64(k))
		sets.Add(sets, all)
		if prune {
			all.Sub(all, new(big.Int).Binomial(int64(len(cands)-nUsed), int64(k)))
		}
		bound.Add(bound, all)
	}
	tooMany := bound.Cmp(big.NewInt(MaxSolves)) > 0 || sets.Cmp(big.NewInt(10*MaxSolves)) > 0
	method := cmp.Or(in.Method, MethodAuto)
	switch method {
	case MethodAuto:
		method = MethodEnumerate
		if in.Country == "" && !in.NoPrune && in.NewMIPEngine != nil && tooMany {
			method = MethodMIP
		}
	case MethodEnumerate:
	case MethodMIP:
		if in.Country != "" {
			return nil, fmt.Errorf("chokepoint: the MIP ranks by total surplus only: a country's welfare is read from the canonical optimum's prices and flows, not linear in the dual; enumerate for %s", in.Country)
		}
		if in.NewMIPEngine == nil {
			return nil, errors.New("chokepoint: the MIP needs a MIP engine")
		}
	default:
		return nil, fmt.Errorf("chokepoint: unknown method %q: want %s, %s or %s", in.Method, MethodAuto, MethodEnumerate, MethodMIP)
	}
	res.Method = method
	if method == MethodEnumerate && tooMany {
		return nil, fmt.Errorf("%w: %d candidates (%d used in the base state) and k up to %d would need up to %s LP solves (%s sets); at most %d are allowed",
			ErrTooMany, len(cands), nUsed, K, bound, sets, MaxSolves)
	}
	log.Debug("chokepoints", "candidates", len(cands), "used", nUsed, "k", K, "solve bound", bound, "workers", workers, "method", method)

	// losses within a part in 10^9 of the base are LP rounding, not losses
	noise := 1e-9 * math.Max(1, math.Max(math.Abs(base.Objective), math.Abs(baseScore)))
	snap := func(v float64) float64 {
		if math.Abs(v) <= noise {
			return 0
		}
		return v
	}
	// report re-solves the worst sets of a level (order, ranked) on the reporter for their figures
	report := func(lv *Level, order []*entry, k int) error {
		for i, e := range order[:min(top, len(order))] {
			// the figures printed come from one engine that solves only these sets, in rank
			// order, so that they are the same bytes whatever the number of workers
			fr, err := reporter.solve(ctx, cands, e.idx[:k])
			if err != nil {
				return fmt.Errorf("chokepoint: closing %s: %w", names(cands, e.idx[:k]), err)
			}
			res.Solves++
			res.Iterations += fr.Iterations
			s := Set{Loss: snap(base.Objective - fr.Objective), idx: idxs(e.idx[:k])}
			if e.mip && math.Abs(s.Loss-e.score) > 1e-6*math.Max(1, math.Abs(base.Objective)) {
				return fmt.Errorf("chokepoint: closing %s loses %g by the MIP, %g by the LP: the MIP's bound or tolerance failed", names(cands, e.idx[:k]), e.score, s.Loss)
			}
			for _, j := range s.idx {
				s.Closed = append(s.Closed, cands[j].ID)
			}
			s.Losses = losses(base, fr, noise)
			if in.Country != "" {
				v := snap(baseScore - score(fr, in.Country))
				s.CountryLoss = &v
			}
			if i == 0 {
				s.Reroutes = reroutes(n, base, fr, nReroutes)
			}
			lv.Top = append(lv.Top, s)
		}
		tie(lv.Top, noise)
		return nil
	}
	// rank sorts by loss rounded to the noise (so that equal losses, as of links in series, tie
	// whatever the rounding of their solves), then in candidate order
	rank := func(level []*entry) []*entry {
		order := slices.Clone(level)
		slices.SortStableFunc(order, func(a, b *entry) int {
			if c := cmp.Compare(math.Round(b.score/noise), math.Round(a.score/noise)); c != 0 {
				return c
			}
			return slices.Compare(a.idx[:], b.idx[:])
		})
		return order
	}
	if method == MethodMIP {
		if err := mipLevels(ctx, log, in, cands, K, top, base.Objective, noise, func(lv *Level, order []*entry, k int) error {
			if err := report(lv, rank(order), k); err != nil {
				return err
			}
			res.Levels = append(res.Levels, *lv)
			return nil
		}); err != nil {
			return nil, err
		}
		return res, nil
	}
	// the bound on a set's loss from a smaller set's optimum (see the package doc), when the data
	// support it
	var cl *flow.Closure
	if prune {
		if cl, err = closure(reporter.p, cands); err != nil {
			log.Debug("chokepoints: no bound on losses, every set not inherited is solved", "reason", err)
		}
	}
	known := map[uint64]*entry{0: {used: baseUsed, pen: penalties(cl, base, len(cands))}}
	// a set whose loss is proven within exact of a subset's takes the subset's (inherit): a
	// millionth of the rounding of the ranking, far above the penalty of the flows of a few
	// 10⁻⁹ units that float rounding leaves in an optimum on links that carry nothing (which
	// depend on the engine's path, and would make the sets solved depend on the workers)
	exact := 1e-6 * noise
	for k := 1; k <= K; k++ {
		level := combinations(len(cands), k)
		var todo []*entry
		for _, e := range level {
			if prune {
				if t := inherit(known, e, k, exact); t != nil {
					e.score, e.used, e.pen = t.score, t.used, t.pen
					continue
				}
			}
			e.solve = true
			todo = append(todo, e)
		}
		// the flows of an optimum are needed for a country's welfare and for the pruning of the
		// next level; otherwise the optimal value is all a set's rank needs (no pruning decision
		// reads it, so the sets solved do not depend on the vertices the engines reach)
		needFlows := in.Country != "" || prune && k < K
		solve := func(w *worker, e *entry) (int, error) {
			if !needFlows {
				obj, it, err := w.surplus(ctx, cands, e.idx[:k])
				if err != nil {
					return 0, fmt.Errorf("chokepoint: closing %s: %w", names(cands, e.idx[:k]), err)
				}
				e.score = snap(baseScore - obj)
				return it, nil
			}
			fr, err := w.solve(ctx, cands, e.idx[:k])
			if err != nil {
				return 0, fmt.Errorf("chokepoint: closing %s: %w", names(cands, e.idx[:k]), err)
			}
			e.score = snap(baseScore - score(fr, in.Country))
			if prune {
				e.used, e.pen = usedBits(fr, cands), penalties(cl, fr, len(cands))
			}
			return fr.Iterations, nil
		}
		var solved, iters int
		if prune && cl != nil {
			// branch and bound: only the sets whose upper bound reaches the top are solved
			slack := 1e-6 * math.Max(1, math.Abs(base.Objective))
			solved, iters, err = bounded(ctx, pool, known, cands, level, todo, k, top, slack, solve)
		} else {
			solved = len(todo)
			iters, err = pool.run(ctx, todo, solve)
		}
		if err != nil {
			return nil, err
		}
		res.Solves += solved
		res.Iterations += iters
		lv := Level{K: k, Sets: len(level), Solved: solved}
		if err := report(&lv, rank(slices.DeleteFunc(slices.Clone(level), func(e *entry) bool { return e.pruned })), k); err != nil {
			return nil, err
		}
		res.Levels = append(res.Levels, lv)
		log.Debug("chokepoints level", "k", k, "sets", len(level), "solved", solved)
		if k < K {
			for _, e := range level {
				if !e.pruned {
					known[key(e.idx[:k])] = e
				}
			}
		}
	}
	return res, nil
}

// batch is how many sets of the last level are solved between updates of the threshold
// (bounded): a constant, so that which sets are solved does not depend on the workers.
const batch = 32

// bounded solves the sets of todo — the sets of level (all of size k) whose loss no subset's
// gives — best upper bound first, in batches of a fixed size, until every set left has an upper
// bound below the threshold by more than slack (USD/yr): the top-th largest of the level's
// losses known (the inherited sets', the solved ones') and lower bounds (the others'). Those
// left are marked pruned; none of them can rank among the top (see the package doc). It returns
// how many sets were solved and the simplex iterations.
func bounded(ctx context.Context, pl *pool, known map[uint64]*entry, cands []Candidate, level, todo []*entry, k, top int,
	slack float64, solve func(*worker, *entry) (int, error)) (solved, iters int, err error) {
	for _, e := range todo {
		e.score, e.ub = bounds(known, e, k) // e.score is a lower bound until e is solved
	}
	order := slices.Clone(todo)
	slices.SortStableFunc(order, func(a, b *entry) int {
		return cmp.Or(cmp.Compare(b.ub, a.ub), slices.Compare(a.idx[:], b.idx[:]))
	})
	vals := make([]float64, len(level))
	next := 0
	for next < len(order) {
		for i, e := range level {
			vals[i] = e.score
		}
		tau := kth(vals, top)
		end := next
		for end < len(order) && end-next < batch && order[end].ub+slack >= tau {
			end++
		}
		if end == next {
			break
		}
		// in candidate order, so that a worker's consecutive sets differ in few links
		b := slices.Clone(order[next:end])
		slices.SortFunc(b, func(x, y *entry) int { return slices.Compare(x.idx[:], y.idx[:]) })
		it, err := pl.run(ctx, b, solve)
		if err != nil {
			return 0, 0, err
		}
		for _, e := range b {
			if e.score > e.ub+slack {
				return 0, 0, fmt.Errorf("chokepoint: closing %s loses %g, above its proven bound %g: the bound failed", names(cands, e.idx[:k]), e.score, e.ub)
			}
		}
		solved += len(b)
		iters += it
		next = end
	}
	for _, e := range order[next:] {
		e.pruned = true
	}
	return solved, iters, nil
}

// bounds returns a lower and an upper bound on the loss of e's set S of k candidates, from its
// proper subsets T in known (USD/yr):
//
//	max_T Loss(T) ≤ Loss(S) ≤ min_T Loss(T) + Σ_{c ∈ S∖T} B_T(c)
//
// where B_T(c) is T's penalty (flow.Closure.Bound) of closing c given T's optimum. The lower
// bound holds as closing more links cannot raise the optimum; the upper one is Closure.Bound's,
// summed: T's optimum is feasible for LP(S) with the columns of S∖T open at their penalties.
// The upper bound is +Inf when no subset has penalties.
func bounds(known map[uint64]*entry, e *entry, k int) (lo, hi float64) {
	hi = math.Inf(1)
	var sub [MaxK]uint16
	for mask := 0; mask < 1<<k-1; mask++ {
		m := 0
		for i := 0; i < k; i++ {
			if mask&(1<<i) != 0 {
				sub[m] = e.idx[i]
				m++
			}
		}
		t := known[key(sub[:m])]
		if t == nil {
			continue
		}
		lo = max(lo, t.score)
		if t.pen == nil {
			continue
		}
		u := t.score
		for i := 0; i < k; i++ {
			if mask&(1<<i) == 0 {
				u += t.pen[e.idx[i]]
			}
		}
		hi = min(hi, u)
	}
	return lo, hi
}

// kth returns the n-th largest of vals (1-based), or −Inf when there are fewer than n.
func kth(vals []float64, n int) float64 {
	if n > len(vals) || n < 1 {
		return math.Inf(-1)
	}
	if n > 64 {
		s := slices.Clone(vals)
		slices.Sort(s)
		return s[len(s)-n]
	}
	best := make([]float64, 0, n+1) // the n largest so far, in decreasing order
	for _, v := range vals {
		if len(best) == n && v <= best[n-1] {
			continue
		}
		i, _ := slices.BinarySearchFunc(best, v, func(a, b float64) int { return cmp.Compare(b, a) })
		best = slices.Insert(best, i, v)
		if len(best) > n {
			best = best[:n]
		}
	}
	return best[n-1]
}

// closure returns the closure bounds of the candidates on problem p (flow.Problem.Closure).
func closure(p *flow.Problem, cands []Candidate) (*flow.Closure, error) {
	groups := make([][]string, len(cands))
	for i, c := range cands {
		groups[i] = c.Links
	}
	return p.Closure(groups)
}

// penalties returns, per candidate, what closing it can cost at most beyond fr's state, USD/yr
// (flow.Closure.Bound); nil without a closure.
func penalties(cl *flow.Closure, fr *flow.Result, n int) []float64 {
	if cl == nil {
		return nil
	}
	out := make([]float64, n)
	for g := range out {
		out[g] = cl.Bound(fr, g)
	}
	return out
}

// tie marks the runs of consecutive sets with the same figures (Set.Equivalent, EquivalentOf).
func tie(top []Set, noise float64) {
	same := func(a, b *Set) bool {
		if math.Abs(a.Loss-b.Loss) > noise || (a.CountryLoss == nil) != (b.CountryLoss == nil) ||
			a.CountryLoss != nil && math.Abs(*a.CountryLoss-*b.CountryLoss) > noise || len(a.Losses) != len(b.Losses) {
			return false
		}
		for i := range a.Losses {
			if a.Losses[i].Country != b.Losses[i].Country || math.Abs(a.Losses[i].Loss-b.Losses[i].Loss) > noise {
				return false
			}
		}
		return true
	}
	head := 0
	for i := 1; i < len(top); i++ {
		if same(&top[head], &top[i]) {
			top[head].Equivalent = append(top[head].Equivalent, top[i].Closed)
			top[i].EquivalentOf = head + 1
		} else {
			head = i
		}
	}
}

// inherit returns a (k−1)-subset T = S \ {e} of e's set whose loss is S's, or nil. With
// penalties (t.pen), T's qualifies when closing e too can cost at most exact more than T
// (bounds): then Loss(T) ≤ Loss(S) ≤ Loss(T) + exact. Without, T's optimum must carry exactly
// nothing on e (t.used): then Loss(S) = Loss(T) (see the package doc).
func inherit(known map[uint64]*entry, e *entry, k int, exact float64) *entry {
	var sub [MaxK]uint16
	for drop := 0; drop < k; drop++ {
		m := 0
		for i := 0; i < k; i++ {
			if i != drop {
				sub[m] = e.idx[i]
				m++
			}
		}
		t := known[key(sub[:k-1])]
		switch c := int(e.idx[drop]); {
		case t == nil:
		case t.pen != nil:
			if t.pen[c] <= exact {
				return t
			}
		case t.used != nil && !has(t.used, c):
			return t
		}
	}
	return nil
}

// score is the figure losses are counted in: total surplus, or the country's welfare.
func score(fr *flow.Result, country string) float64 {
	if country == "" {
		return fr.Objective
	}
	return fr.Country(country).Total()
}

// usedBits marks the candidates one of whose links carries flow in fr.
func usedBits(fr *flow.Result, cands []Candidate) []uint64 {
	bits := make([]uint64, (len(cands)+63)/64)
	for i, c := range cands {
		for _, id := range c.Links {
			if lr := fr.Link(id); lr != nil && (len(lr.Flows) > 0 || lr.Forward > 0 || lr.Backward > 0) {
				bits[i/64] |= 1 << (i % 64)
				break
			}
		}
	}
	return bits
}

func has(bits []uint64, i int) bool { return bits[i/64]&(1<<(i%64)) != 0 }

// key packs sorted candidate indices into a map key.
func key(idx []uint16) uint64 {
	var k uint64
	for i, j := range idx {
		k |= uint64(j+1) << (16 * i)
	}
	return k
}

func idxs(idx []uint16) []int {
	out := make([]int, len(idx))
	for i, j := range idx {
		out[i] = int(j)
	}
	return out
}

func names(cands []Candidate, idx []uint16) string {
	s := ""
	for i, j := range idx {
		if i > 0 {
			s += " + "
		}
		s += cands[j].ID
	}
	return s
}

// combinations returns every k-subset of 0..n−1, in lexicographic order.
func combinations(n, k int) []*entry {
	var out []*entry
	c := make([]int, k)
	for i := range c {
		c[i] = i
	}
	for {
		e := &entry{}
		for i, j := range c {
			e.idx[i] = uint16(j)
		}
		out = append(out, e)
		i := k - 1
		for i >= 0 && c[i] == n-k+i {
			i--
		}
		if i < 0 {
			return out
		}
		c[i]++
		for j := i + 1; j < k; j++ {
			c[j] = c[j-1] + 1
		}
	}
}

// losses returns every country's loss from base to fr, sorted by country.
func losses(base, fr *flow.Result, noise float64) []CountryLoss {
	seen := map[string]bool{}
	var ids []string
	for _, w := range [][]flow.CountryWelfare{base.Welfare, fr.Welfare} {
		for _, c := range w {
			if !seen[c.Country] {
				seen[c.Country] = true
				ids = append(ids, c.Country)
			}
		}
	}
	slices.Sort(ids)
	out := make([]CountryLoss, 0, len(ids))
	for _, id := range ids {
		v := base.Country(id).Total() - fr.Country(id).Total()
		if math.Abs(v) <= noise {
			v = 0
		}
		out = append(out, CountryLoss{id, v})
	}
	return out
}

// reroutes returns the at most max links whose flow changes most from base to fr: by the change
// as a share of the largest flow on any link of the same mode (so that tonnes, mcm and MWh
// compare), then by link order.
func reroutes(n *model.Network, base, fr *flow.Result, most int) []Reroute {
	scale := map[string]float64{}
	for i := range base.Links {
		b, a := &base.Links[i], &fr.Links[i]
		scale[b.Mode] = max(scale[b.Mode], b.Forward+b.Backward, a.Forward+a.Backward)
	}
	type cand struct {
		r     Reroute
		share float64
	}
	var cs []cand
	for i := range base.Links {
		b, a := &base.Links[i], &fr.Links[i]
		before, after := b.Forward+b.Backward, a.Forward+a.Backward
		d := math.Abs(after - before)
		if d <= 1e-9*math.Max(1, scale[b.Mode]) {
			continue
		}
		unit := ""
		if m := n.Mode(b.Mode); m != nil {
			unit = m.CapacityUnit
		}
		cs = append(cs, cand{Reroute{Link: b.Link, Mode: b.Mode, Unit: unit, Before: before, After: after,
			ForwardBefore: b.Forward, ForwardAfter: a.Forward, BackwardBefore: b.Backward, BackwardAfter: a.Backward}, d / scale[b.Mode]})
	}
	slices.SortStableFunc(cs, func(x, y cand) int { return cmp.Compare(y.share, x.share) })
	out := []Reroute{}
	for _, c := range cs[:min(most, len(cs))] {
		out = append(out, c.r)
	}
	return out
}

// candidates resolves the candidate links and nodes of a state.
func candidates(st *scenario.State, links, modes, nodes []string) ([]Candidate, error) {
	n := st.Net
	var errs []error
	for _, m := range modes {
		if n.Mode(m) == nil {
			errs = append(errs, fmt.Errorf("chokepoint: unknown mode %q", m))
		}
	}
	keep := func(l *model.Link) bool { return len(modes) == 0 || slices.Contains(modes, l.Mode) }
	var out []Candidate
	seen := map[string]bool{}
	add := func(c Candidate) {
		if seen[c.ID] {
			errs = append(errs, fmt.Errorf("chokepoint: %s named twice", c.ID))
			return
		}
		seen[c.ID] = true
		out = append(out, c)
	}
	if links == nil && nodes == nil {
		for i := range n.Links {
			if l := &n.Links[i]; st.Available[l.ID] && keep(l) {
				add(Candidate{ID: l.ID, Kind: "link", Mode: l.Mode, Links: []string{l.ID}})
			}
		}
	}
	for _, id := range links {
		l := n.Link(id)
		switch {
		case l == nil:
			errs = append(errs, fmt.Errorf("chokepoint: unknown link %q", id))
		case !st.Available[id]:
			errs = append(errs, fmt.Errorf("chokepoint: link %s is not open in this state", id))
		case keep(l):
			add(Candidate{ID: l.ID, Kind: "link", Mode: l.Mode, Links: []string{l.ID}})
		}
	}
	for _, id := range nodes {
		if n.Node(id) == nil {
			errs = append(errs, fmt.Errorf("chokepoint: unknown node %q", id))
			continue
		}
		c := Candidate{ID: "node:" + id, Kind: "node", Links: []string{}}
		for i := range n.Links {
			if l := &n.Links[i]; st.Available[l.ID] && (l.From == id || l.To == id) {
				c.Links = append(c.Links, l.ID)
			}
		}
		add(c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	switch {
	case len(out) == 0:
		return nil, errors.New("chokepoint: no candidate to close")
	case len(out) > maxCandidates:
		return nil, fmt.Errorf("chokepoint: %d candidates: at most %d", len(out), maxCandidates)
	}
	return out, nil
}

// pool holds the workers, each with its own problem and engine.
type pool struct {
	in      Input
	workers []*worker // used by run
	extra   []*worker // every worker made, for close
}

// worker solves states on one engine: the base state's problem with some links closed.
type worker struct {
	p     *flow.Problem
	eng   lp.Incremental
	base  *scenario.State
	st    scenario.State // base with its own Available map, changed per solve
	first bool           // the problem has not been solved yet
}

// worker adds a worker to the pool, for run.
func (pl *pool) worker(ctx context.Context) (*worker, error) {
	w, err := pl.newWorker(ctx)
	if err != nil {
		return nil, err
	}
	pl.workers = append(pl.workers, w)
	return w, nil
}

// newWorker returns a worker on a fresh engine, closed with the pool but not used by run.
func (pl *pool) newWorker(ctx context.Context) (*worker, error) {
	eng, err := pl.in.NewEngine()
	if err != nil {
		return nil, err
	}
	p, err := flow.Build(pl.in.State, flow.Options{Rules: pl.in.Rules, Lean: true, Logger: pl.in.Logger})
	if err != nil {
		eng.Close()
		return nil, err
	}
	w := &worker{p: p, eng: eng, base: pl.in.State, st: *pl.in.State, first: true}
	w.st.Available = make(map[string]bool, len(w.base.Available))
	for id, ok := range w.base.Available {
		w.st.Available[id] = ok
	}
	pl.extra = append(pl.extra, w)
	return w, ctx.Err()
}

// solve solves the state with the candidates idx of cands closed (the base state when none) and
// reads its result from the canonical optimum.
func (w *worker) solve(ctx context.Context, cands []Candidate, idx []uint16) (*flow.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	defer w.close(cands, idx)()
	if w.first {
		w.first = false
		if len(idx) > 0 {
			// start from the base state, so that every worker's engine holds the full model
			if _, err := w.p.Solve(ctx, w.eng); err != nil {
				return nil, err
			}
		} else {
			return w.p.Solve(ctx, w.eng)
		}
	}
	return w.p.Update(ctx, &w.st, w.eng)
}

// surplus solves the state with the candidates idx of cands closed and returns only its optimal
// total surplus, USD/yr, and the simplex iterations (flow.Problem.Surplus: no canonical optimum
// is read, so no flow, price or welfare either).
func (w *worker) surplus(ctx context.Context, cands []Candidate, idx []uint16) (float64, int, error) {
	if w.first {
		if _, err := w.solve(ctx, nil, nil); err != nil {
			return 0, 0, err
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	defer w.close(cands, idx)()
	return w.p.Surplus(ctx, &w.st, w.eng)
}

// close marks the links of the candidates idx of cands closed in the worker's state and returns
// the function that opens them again.
func (w *worker) close(cands []Candidate, idx []uint16) func() {
	for _, i := range idx {
		for _, id := range cands[i].Links {
			w.st.Available[id] = false
		}
	}
	return func() {
		for _, i := range idx {
			for _, id := range cands[i].Links {
				w.st.Available[id] = w.base.Available[id]
			}
		}
	}
}

// run calls f for every entry, the entries split in contiguous runs among the workers (so that
// each worker's consecutive sets differ in few links), and returns the sum of what f returns.
func (pl *pool) run(ctx context.Context, todo []*entry, f func(*worker, *entry) (int, error)) (int, error) {
	want := max(1, min(pl.in.Workers, len(todo)/8+1))
	for len(pl.workers) < want {
		if _, err := pl.worker(ctx); err != nil {
			return 0, err
		}
	}
	nw := min(len(pl.workers), want)
	iters := make([]int, nw)
	errs := make([]error, nw)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for wi := range nw {
		lo, hi := wi*len(todo)/nw, (wi+1)*len(todo)/nw
		wg.Go(func() {
			for _, e := range todo[lo:hi] {
				if ctx.Err() != nil {
					return
				}
				it, err := f(pl.workers[wi], e)
				if err != nil {
					errs[wi] = err
					cancel()
					return
				}
				iters[wi] += it
			}
		})
	}
	wg.Wait()
	total := 0
	for _, it := range iters {
		total += it
	}
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	return total, ctx.Err()
}

func (pl *pool) close() {
	for _, w := range pl.extra {
		w.p.Close()
		w.eng.Close()
	}
}
