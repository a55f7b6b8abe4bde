package chokepoint_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/chokepoint"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

func newEngine() (lp.Incremental, error) { return simplex.New(simplex.Config{}), nil }

func evaluate(t *testing.T, n *model.Network, in chokepoint.Input) *chokepoint.Result {
	t.Helper()
	in.State, in.NewEngine = testnet.State(n, nil), newEngine
	res, err := chokepoint.Evaluate(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func setName(s chokepoint.Set) string { return strings.Join(s.Closed, "+") }

// bridgeNet: 10 t of coal worth 100 at d (country B) come from s (country A, no cost) over one
// of two parallel routes to the junction j — r1 (10 USD/t, 10 t/yr) or r2 (20 USD/t) — and
// then over the bridge b (j–d); an import backstop at d costs 95 USD/t.
//
//	base: 10 t over r1 and b: 10 × (100 − 10) = 900/yr
//	close r1: over r2: 10 × (100 − 20) = 800, loss 100
//	close r2: unused, loss 0
//	close b: imports: 10 × (100 − 95) = 50, loss 850 — the worst single cut
//	any pair: imports, loss 850
func bridgeNet() *model.Network {
	return testnet.New().Country("A", "B").
		Node("s", "A").Node("j", "B").Node("d", "B").
		Commodity("coal", "t", "rail1520").
		Link("r1", "s", "j", "rail1520", 10, 10).
		Link("r2", "s", "j", "rail1520", math.Inf(1), 20).
		Link("b", "j", "d", "rail1520", math.Inf(1), 0).
		Supply("sup", "s", "coal", [2]float64{10, 0}).
		Demand("dem", "d", "coal", [2]float64{10, 100}).
		Backstop("imp", "d", "coal", 95, "").
		Network()
}

func TestBridge(t *testing.T) {
	res := evaluate(t, bridgeNet(), chokepoint.Input{K: 2, Top: 10})
	if !near(res.Objective, 900) {
		t.Fatalf("base surplus %g, want 900", res.Objective)
	}
	want := [][]struct {
		set  string
		loss float64
	}{
		{{"b", 850}, {"r1", 100}, {"r2", 0}},
		{{"r1+b", 850}, {"r2+b", 850}, {"r1+r2", 850}},
	}
	for k, lv := range res.Levels {
		if len(lv.Top) != len(want[k]) {
			t.Fatalf("k = %d: %d sets, want %d", k+1, len(lv.Top), len(want[k]))
		}
		for i, s := range lv.Top {
			if !near(s.Loss, want[k][i].loss) {
				t.Errorf("k = %d, rank %d: %s loses %g, want %g", k+1, i+1, setName(s), s.Loss, want[k][i].loss)
			}
			// no tariffs: the countries' losses add up to the network's (the rest of the
			// world's backstop rent included)
			sum := 0.0
			for _, c := range s.Losses {
				sum += c.Loss
			}
			if !near(sum, s.Loss) {
				t.Errorf("k = %d, %s: countries lose %g in all, the network %g", k+1, setName(s), sum, s.Loss)
			}
		}
	}
	if got := setName(res.Levels[0].Top[0]); got != "b" {
		t.Errorf("worst single cut %s, want b", got)
	}
	// r2 carries nothing: its closure is known to cost 0 without a solve
	if lv := res.Levels[0]; lv.Solved != 2 || lv.Sets != 3 {
		t.Errorf("k = 1: %d of %d sets solved, want 2 of 3", lv.Solved, lv.Sets)
	}
	found := false
	for _, r := range res.Levels[0].Top[0].Reroutes {
		if r.Link == "b" && near(r.Before, 10) && r.After == 0 && r.Unit == "t/yr" {
			found = true
		}
	}
	if !found {
		t.Errorf("reroutes of closing b %+v: want b 10 → 0 t/yr", res.Levels[0].Top[0].Reroutes)
	}
	// closing r1: r2 takes the coal
	res = evaluate(t, bridgeNet(), chokepoint.Input{K: 1, Links: []string{"r1"}})
	rr := res.Levels[0].Top[0].Reroutes
	if len(rr) != 2 || rr[0].Link != "r1" && rr[1].Link != "r1" {
		t.Errorf("reroutes of closing r1 %+v: want r1 and r2", rr)
	}
	for _, r := range rr {
		if r.Link == "r2" && (r.Before != 0 || !near(r.After, 10)) {
			t.Errorf("r2 %g → %g, want 0 → 10", r.Before, r.After)
		}
	}
}

// pairNet: two markets. Coal, 20 t worth 100 at d1 from s1 (no cost) over p and q (10 t/yr
// each, no cost) or r (10 t/yr, 90 USD/t); grain, 10 t worth 95 at d2 from s2 over e alone.
//
//	base 2,000 + 950 = 2,950/yr
//	singles: e 950, p 900 (q and r carry it), q 900, r 0
//	pairs: p+q 1,900 (r alone: 10 × 10 = 100 left), p+e 1,850, q+e 1,850, p+r 1,000, q+r 1,000,
//	       r+e 950
//	triples: p+q+e 2,850, p+q+r 2,000, p+r+e 1,950, q+r+e 1,950
//
// The worst pair, p+q, is not the two worst single cuts (e and p).
func pairNet() *model.Network {
	return testnet.New().Country("A").
		Node("s1", "A").Node("d1", "A").Node("s2", "A").Node("d2", "A").
		Commodity("coal", "t", "rail1520").Commodity("grain", "t", "rail1520").
		Link("p", "s1", "d1", "rail1520", 10, 0).
		Link("q", "s1", "d1", "rail1520", 10, 0).
		Link("r", "s1", "d1", "rail1520", 10, 90).
		Link("e", "s2", "d2", "rail1520", math.Inf(1), 0).
		Supply("sup1", "s1", "coal", [2]float64{20, 0}).Demand("dem1", "d1", "coal", [2]float64{20, 100}).
		Supply("sup2", "s2", "grain", [2]float64{10, 0}).Demand("dem2", "d2", "grain", [2]float64{10, 95}).
		Network()
}

func TestPairIsNotTheBestSingles(t *testing.T) {
	want := [][]struct {
		set  string
		loss float64
	}{
		{{"e", 950}, {"p", 900}, {"q", 900}, {"r", 0}},
		{{"p+q", 1900}, {"p+e", 1850}, {"q+e", 1850}, {"p+r", 1000}, {"q+r", 1000}, {"r+e", 950}},
		{{"p+q+e", 2850}, {"p+q+r", 2000}, {"p+r+e", 1950}, {"q+r+e", 1950}},
	}
	for _, noPrune := range []bool{false, true} {
		res := evaluate(t, pairNet(), chokepoint.Input{K: 3, Top: 10, NoPrune: noPrune})
		if !near(res.Objective, 2950) {
			t.Fatalf("base surplus %g, want 2950", res.Objective)
		}
		for k, lv := range res.Levels {
			if len(lv.Top) != len(want[k]) {
				t.Fatalf("k = %d: %d sets, want %d", k+1, len(lv.Top), len(want[k]))
			}
			for i, s := range lv.Top {
				if setName(s) != want[k][i].set || !near(s.Loss, want[k][i].loss) {
					t.Errorf("no prune %v, k = %d, rank %d: %s loses %g, want %s %g", noPrune, k+1, i+1, setName(s), s.Loss, want[k][i].set, want[k][i].loss)
				}
			}
		}
		solved := 0
		for _, lv := range res.Levels {
			solved += lv.Solved
		}
		if noPrune && solved != 4+6+4 || !noPrune && solved >= 4+6+4 {
			t.Errorf("no prune %v: %d sets solved", noPrune, solved)
		}
	}
}

// TestPruningIsExact checks, on a generated grid network with alternative optima, that the
// pruned enumeration ranks every set as solving them all does.
func TestPruningIsExact(t *testing.T) {
	n := testnet.Generated(9, 2, 3)
	pruned := evaluate(t, n, chokepoint.Input{K: 3, Top: 1 << 20})
	all := evaluate(t, n, chokepoint.Input{K: 3, Top: 1 << 20, NoPrune: true})
	if len(pruned.Candidates) < 10 {
		t.Fatalf("%d candidates: the network is too small to test anything", len(pruned.Candidates))
	}
	savedAny := false
	for k := range all.Levels {
		p, a := pruned.Levels[k], all.Levels[k]
		if p.Solved < p.Sets {
			savedAny = true
		}
		if a.Solved != a.Sets || len(p.Top) != p.Sets || len(a.Top) != a.Sets {
			t.Fatalf("k = %d: %d/%d solved, %d and %d sets ranked of %d", k+1, a.Solved, a.Sets, len(p.Top), len(a.Top), a.Sets)
		}
		loss := map[string]float64{}
		for _, s := range a.Top {
			loss[setName(s)] = s.Loss
		}
		for i, s := range p.Top {
			if !near(s.Loss, a.Top[i].Loss) {
				t.Errorf("k = %d, rank %d: pruned %s loses %g, unpruned %s %g", k+1, i+1, setName(s), s.Loss, setName(a.Top[i]), a.Top[i].Loss)
			}
			if l, ok := loss[setName(s)]; !ok || !near(s.Loss, l) {
				t.Errorf("k = %d: %s loses %g pruned, %g unpruned", k+1, setName(s), s.Loss, l)
			}
		}
	}
	if !savedAny {
		t.Error("the pruning saved no solve")
	}
	// workers split the solves, but the ranking and every figure reported are the same, to the
	// bit: the reported sets are re-solved on one engine of their own, in rank order
	par := evaluate(t, n, chokepoint.Input{K: 3, Top: 1 << 20, Workers: 3})
	for k := range pruned.Levels {
		for i, s := range pruned.Levels[k].Top {
			if q := par.Levels[k].Top[i]; setName(q) != setName(s) || q.Loss != s.Loss || !reflect.DeepEqual(q.Losses, s.Losses) {
				t.Fatalf("k = %d, rank %d: %s loses %v on one worker, %s %v on three", k+1, i+1, setName(s), s.Loss, setName(q), q.Loss)
			}
		}
	}
}

func TestCountryAndNodes(t *testing.T) {
	res := evaluate(t, bridgeNet(), chokepoint.Input{K: 2, Country: "B", Nodes: []string{"j"}, Links: []string{"r1", "r2"}})
	if res.Pruned || res.Country != "B" {
		t.Fatalf("pruned %v, country %q", res.Pruned, res.Country)
	}
	for _, lv := range res.Levels {
		if lv.Solved != lv.Sets {
			t.Errorf("k = %d: %d of %d solved; a country's loss needs every set solved", lv.K, lv.Solved, lv.Sets)
		}
		for _, s := range lv.Top {
			if s.CountryLoss == nil {
				t.Fatalf("k = %d: %s has no country loss", lv.K, setName(s))
			}
			for _, c := range s.Losses {
				if c.Country == "B" && !near(c.Loss, *s.CountryLoss) {
					t.Errorf("%s: B loses %g in Losses, %g in CountryLoss", setName(s), c.Loss, *s.CountryLoss)
				}
			}
		}
	}
	// closing node j closes r1, r2 and b: imports only, as closing b
	var node *chokepoint.Candidate
	for i := range res.Candidates {
		if res.Candidates[i].ID == "node:j" {
			node = &res.Candidates[i]
		}
	}
	if node == nil || strings.Join(node.Links, ",") != "r1,r2,b" {
		t.Fatalf("candidates %+v: want node:j closing r1, r2 and b", res.Candidates)
	}
	for _, s := range res.Levels[0].Top {
		if setName(s) == "node:j" && !near(s.Loss, 850) {
			t.Errorf("closing node j loses %g, want 850", s.Loss)
		}
	}
}

func TestErrors(t *testing.T) {
	n := bridgeNet()
	for _, tt := range []struct {
		in   chokepoint.Input
		want string
	}{
		{chokepoint.Input{Links: []string{"nope"}}, `unknown link "nope"`},
		{chokepoint.Input{Modes: []string{"canal"}}, `unknown mode "canal"`},
		{chokepoint.Input{Modes: []string{"sea"}}, "no candidate"},
		{chokepoint.Input{Nodes: []string{"x"}}, `unknown node "x"`},
		{chokepoint.Input{Links: []string{"b", "b"}}, "named twice"},
		{chokepoint.Input{Country: "ZZ"}, `unknown country "ZZ"`},
		{chokepoint.Input{K: 9}, "k = 9"},
	} {
		tt.in.State, tt.in.NewEngine = testnet.State(n, nil), newEngine
		_, err := chokepoint.Evaluate(t.Context(), tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", tt.in, err, tt.want)
		}
	}
	// a grid of 100 nodes has about 300 links: C(300, 4) sets are far too many
	big := testnet.Generated(100, 1, 1)
	_, err := chokepoint.Evaluate(t.Context(), chokepoint.Input{State: testnet.State(big, nil), K: 4, NewEngine: newEngine})
	if !errors.Is(err, chokepoint.ErrTooMany) {
		t.Errorf("k = 4 on %d links: error %v, want ErrTooMany", len(big.Links), err)
	}
}

// A second bridge b2 (5 USD/t) beside b removes the bridge's closure as the worst case. Without
// it the worst single closure is b: the 10 t are imported at 95 instead of shipped at 10, surplus
// 10·(100 − 95) = 50 against 900, a loss of 850. With b2, closing b sends the 10 t over b2 at
// 5 USD/t more, a loss of 50, so the worst closure becomes r1 (100, as in TestBridge) and the
// redundancy is 850 − 100 = 750.
func TestResilience(t *testing.T) {
	n := bridgeNet()
	withB2 := testnet.New().Country("A", "B").
		Node("s", "A").Node("j", "B").Node("d", "B").
		Commodity("coal", "t", "rail1520").
		Link("r1", "s", "j", "rail1520", 10, 10).
		Link("r2", "s", "j", "rail1520", math.Inf(1), 20).
		Link("b", "j", "d", "rail1520", math.Inf(1), 0).
		Link("b2", "j", "d", "rail1520", math.Inf(1), 5).
		Supply("sup", "s", "coal", [2]float64{10, 0}).
		Demand("dem", "d", "coal", [2]float64{10, 100}).
		Backstop("imp", "d", "coal", 95, "").
		Network()
	in := chokepoint.Input{State: testnet.State(n, nil), NewEngine: newEngine}
	got, err := chokepoint.Resilience(t.Context(), in, []string{"B2"}, []string{""}, func(string) (*scenario.State, error) {
		return testnet.State(withB2, nil), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("Resilience = %+v, want one row", got)
	}
	r := got[0]
	if !near(r.WorstWithout, 850) || strings.Join(r.ClosedWithout, "+") != "b" || !near(r.WorstWith, 100) || strings.Join(r.ClosedWith, "+") != "r1" || !near(r.Reduction, 750) {
		t.Errorf("Resilience = %+v; want worst b 850 without, r1 100 with, reduction 750", r)
	}
}

// sameTop reports how the top sets of got differ from want's, level by level: the sets, in
// order, with their equivalence marks, and their losses (to a part in 10^6).
func sameTop(got, want *chokepoint.Result) error {
	if len(got.Levels) != len(want.Levels) {
		return fmt.Errorf("%d levels, want %d", len(got.Levels), len(want.Levels))
	}
	for k := range want.Levels {
		g, w := got.Levels[k].Top, want.Levels[k].Top
		if len(g) != len(w) {
			return fmt.Errorf("k = %d: %d sets, want %d", k+1, len(g), len(w))
		}
		for i := range w {
			if setName(g[i]) != setName(w[i]) || !near(g[i].Loss, w[i].Loss) || g[i].EquivalentOf != w[i].EquivalentOf ||
				!reflect.DeepEqual(g[i].Equivalent, w[i].Equivalent) {
				return fmt.Errorf("k = %d, rank %d: %s loses %g (equivalent %v, of %d), want %s %g (%v, of %d)", k+1, i+1,
					setName(g[i]), g[i].Loss, g[i].Equivalent, g[i].EquivalentOf, setName(w[i]), w[i].Loss, w[i].Equivalent, w[i].EquivalentOf)
			}
		}
	}
	return nil
}

// solved is how many sets res solved, at every level.
func solved(res *chokepoint.Result) int {
	n := 0
	for _, lv := range res.Levels {
		n += lv.Solved
	}
	return n
}

// sameJSON fails unless a and b marshal to the same bytes.
func sameJSON(t *testing.T, what string, a, b *chokepoint.Result) {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ja, jb) {
		t.Errorf("%s: the results differ:\n%s\n%s", what, ja, jb)
	}
}

// TestBoundIsExact checks the branch and bound on every level (sets whose bound is below the
// top left unsolved) against solving every set, for small tops on networks with parallel
// routes, links in series (ties) and alternative optima; and that one worker and two give the
// same bytes, the counts of sets solved included.
func TestBoundIsExact(t *testing.T) {
	for _, tt := range []struct {
		name string
		net  *model.Network
	}{
		{"bridge", bridgeNet()},
		{"pair", pairNet()},
		{"grid 9/2/3", testnet.Generated(9, 2, 3)},
		{"grid 9/3/1", testnet.Generated(9, 3, 1)},
		{"grid 16/2/7", testnet.Generated(16, 2, 7)},
		{"grid 9/2/3 congested", congested(testnet.Generated(9, 2, 3))},
	} {
		for _, top := range []int{1, 2, 5} {
			t.Run(fmt.Sprintf("%s/top %d", tt.name, top), func(t *testing.T) {
				all := evaluate(t, tt.net, chokepoint.Input{K: 3, Top: top, NoPrune: true})
				one := evaluate(t, tt.net, chokepoint.Input{K: 3, Top: top})
				if err := sameTop(one, all); err != nil {
					t.Error(err)
				}
				t.Logf("%d of %d sets solved", solved(one), solved(all))
				two := evaluate(t, tt.net, chokepoint.Input{K: 3, Top: top, Workers: 2})
				sameJSON(t, "1 and 2 workers", one, two)
			})
		}
	}
}

// TestBoundIsExactOnDefault checks the pruned ranking of single links and pairs of the
// built-in data's headline state against solving every set, and that one worker and two give
// the same bytes.
func TestBoundIsExactOnDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("solves every pair of 85 links")
	}
	st := defaultState(t)
	run := func(in chokepoint.Input) *chokepoint.Result {
		in.State, in.NewEngine, in.K = st, newEngine, 2
		res, err := chokepoint.Evaluate(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	all := run(chokepoint.Input{NoPrune: true, Workers: 2})
	one := run(chokepoint.Input{})
	if err := sameTop(one, all); err != nil {
		t.Error(err)
	}
	if n, m := solved(one), solved(all); n*4 > m {
		t.Errorf("%d sets solved of %d", n, m)
	}
	sameJSON(t, "1 and 2 workers", one, run(chokepoint.Input{Workers: 2}))
}

// congested gives the grid's middle row queueing costs (flow/queue.go): the bound must hold for
// convex costs too.
func congested(n *model.Network) *model.Network {
	for i := range n.Nodes {
		if nd := &n.Nodes[i]; strings.HasPrefix(nd.ID, "n1_") {
			nd.Throughput = testnet.Q(300, quantity.DimMass.PerYear())
			nd.CongestionCost = testnet.Q(2, quantity.DimMoney.Div(quantity.DimMass))
		}
	}
	return n
}
