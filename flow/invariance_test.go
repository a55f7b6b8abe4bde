package flow_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// solvers returns the ways of solving one state that can land on different optimal vertices of
// a degenerate LP: HiGHS cold, the pure-Go simplex cold (from its slack basis), HiGHS warm after
// solving another state first (so that it starts elsewhere), and the decomposition.
func solvers(t *testing.T, st, other *scenario.State, rules []scenario.Rule) map[string]*flow.Result {
	t.Helper()
	out := map[string]*flow.Result{}
	build := func(s *scenario.State, m flow.Method) *flow.Problem {
		p, err := flow.Build(s, flow.Options{Rules: rules, Method: m, NewFaceEngine: faceEngines(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = p.Close() })
		return p
	}
	solveWith := func(name string, p *flow.Problem, eng lp.Engine) {
		res, err := p.Solve(t.Context(), eng)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkInvariants(t, st, res)
		out[name] = res
	}
	solveWith("highs", build(st, flow.MethodWhole), engine(t))
	solveWith("simplex", build(st, flow.MethodWhole), simplex.New(simplex.Config{}))
	solveWith("decomposed", build(st, flow.MethodDecompose), engine(t))
	p, eng := build(other, flow.MethodWhole), engine(t)
	if _, err := p.Solve(t.Context(), eng); err != nil {
		t.Fatal(err)
	}
	warm, err := p.Update(t.Context(), st, eng)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, st, warm)
	out["highs warm"] = warm
	return out
}

// sameEverywhere fails unless every result gives each country the same welfare.
func sameEverywhere(t *testing.T, what string, rs map[string]*flow.Result) {
	t.Helper()
	base := rs["highs"]
	for name, r := range rs {
		if name != "highs" {
			samePayoffs(t, what+": highs and "+name, base, r)
		}
	}
}

// degenerateNetwork is a random network of three countries built to have many optimal
// solutions: step prices, costs and capacities drawn from a few round numbers, so that equal
// prices, capacities binding together and caps equal to capacities are common. A cap on coal
// into C equal to a link capacity, and a two-way pipeline chain A – B – C with markets at B.
func degenerateNetwork(rng *rand.Rand) (*model.Network, []scenario.Rule) {
	b := testnet.New().Country("A", "B", "C")
	nodes := []string{"a1", "a2", "b1", "b2", "c1", "c2"}
	for _, id := range nodes {
		b.Node(id, map[byte]string{'a': "A", 'b': "B", 'c': "C"}[id[0]])
	}
	b.Commodity("coal", "t", "rail1520").Commodity("gas", "mcm", "gas")
	pick := func(xs ...float64) float64 { return xs[rng.IntN(len(xs))] }
	k := 0
	for i := range nodes {
		for j := i + 1; j < len(nodes); j++ {
			if rng.IntN(3) == 0 {
				continue
			}
			k++
			b.Link(fmt.Sprintf("r%d", k), nodes[i], nodes[j], "rail1520", pick(5, 10, 10, 20), pick(1, 2, 2))
		}
	}
	b.Link("g1", "a1", "b1", "gas", pick(5, 10), pick(1, 2), testnet.Tariff(pick(0, 1))).
		Link("g2", "b1", "c1", "gas", pick(5, 10), pick(1, 2))
	for _, id := range nodes {
		switch rng.IntN(3) {
		case 0:
			b.Supply("sc_"+id, id, "coal", [2]float64{pick(5, 10), pick(10, 20)}, [2]float64{pick(5, 10), pick(20, 30)})
		case 1:
			b.Demand("dc_"+id, id, "coal", [2]float64{pick(5, 10), pick(40, 50)}, [2]float64{pick(5, 10), pick(30, 40)})
		}
	}
	b.Supply("sg", "a1", "gas", [2]float64{10, pick(10, 20)}, [2]float64{10, pick(20, 30)})
	b.Demand("dg_b", "b1", "gas", [2]float64{pick(5, 10), pick(40, 50)})
	b.Demand("dg_c", "c1", "gas", [2]float64{10, 60}).Backstop("lng", "c1", "gas", pick(40, 50), "")
	b.Backstop("coal_imp", "c2", "coal", 45, "")
	n := b.Network()
	capRule := scenario.Rule{ID: "cap", Kind: scenario.Cap, Commodities: []string{"coal"}, Origins: []string{"*"}, Destinations: []string{"C"},
		Cap: testnet.Q(pick(5, 10), quantity.DimMass.PerYear())}
	return n, []scenario.Rule{capRule}
}

// TestPayoffsDoNotDependOnTheSolver is the property of decision 0012: on random networks with
// deliberately degenerate data, where engines and starting bases return different optimal
// solutions, every country's welfare is the same to 1e-9 of the total surplus.
func TestPayoffsDoNotDependOnTheSolver(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 12))
	trials := 60
	if testing.Short() {
		trials = 15
	}
	for trial := range trials {
		n, rules := degenerateNetwork(rng)
		active := []scenario.ActiveRule{{Rule: &rules[0], Enforcement: 1}}
		st := testnet.State(n, active)
		other := testnet.State(n, nil) // the cap inactive: another optimum to start from
		sameEverywhere(t, fmt.Sprintf("trial %d", trial), solvers(t, st, other, rules))
	}
}

// TestChainBrokenByAMarket: a full chain A → J → B with a demand step at J served exactly; the
// price at J may be anywhere between the two arcs' rents, so engines split the chain's rent
// between A's and B's sections differently. The canonical price is the middle of its range, the
// same for all.
func TestChainBrokenByAMarket(t *testing.T) {
	n := testnet.New().Country("A", "J", "B").Node("a", "A").Node("j", "J").Node("b", "B").
		Commodity("gas", "mcm", "gas").
		Link("aj", "a", "j", "gas", 20, 1, testnet.OneWay()).Link("jb", "j", "b", "gas", 10, 1, testnet.OneWay()).
		Supply("s", "a", "gas", [2]float64{30, 10}).Demand("dj", "j", "gas", [2]float64{10, 30}).
		Demand("db", "b", "gas", [2]float64{30, 60}).Network()
	st := testnet.State(n, nil)
	rs := solvers(t, st, st, nil)
	sameEverywhere(t, "chain broken by a market", rs)
	// By hand: both arcs full; λ_a = 10 (supply partly used), λ_b = 60 (demand partly served);
	// λ_j ∈ [11, 30] (above a's delivered cost, at most the step's value) and ≤ 59: the middle, 20.5.
	for _, p := range rs["highs"].Prices {
		if p.Node == "j" && !near(p.Price, 20.5) {
			t.Errorf("price at j %.9g, want 20.5", p.Price)
		}
	}
}

// TestBuiltInPayoffsDoNotDependOnTheSolver solves states of the built-in data, whose Power of
// Siberia chain and gas markets are degenerate (decision 0008's measured failure), with HiGHS and
// the pure-Go simplex cold and with HiGHS warm from another state: every country's welfare
// agrees.
func TestBuiltInPayoffsDoNotDependOnTheSolver(t *testing.T) {
	fsys := dataset.Default()
	n, _, err := dataset.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file, regime string
		projects     []string
	}{
		{"x1-status-quo.yaml", "", nil},
		{"x3-relief-rok.yaml", "relief", []string{"GAS_RDK"}},
		{"x3-relief-rok.yaml", "relief-west-eased", []string{"GAS_RDK", "POWER_RUDPRK", "TKR_EAST", "KHASAN_RAJIN_UPGRADE"}},
	} {
		sc, err := scenario.Load(fsys, "scenarios/"+c.file)
		if err != nil {
			t.Fatal(err)
		}
		opt := scenario.Options{Regime: c.regime, Year: n.Meta.BaseYear + 10, Projects: c.projects}
		st, _, err := scenario.Apply(n, sc, opt)
		if err != nil {
			t.Fatal(err)
		}
		other, _, err := scenario.Apply(n, sc, scenario.Options{Year: n.Meta.BaseYear + 10})
		if err != nil {
			t.Fatal(err)
		}
		sameEverywhere(t, fmt.Sprint(c.file, c.regime, c.projects), solvers(t, st, other, sc.Rules))
	}
}
