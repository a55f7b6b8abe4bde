package flow_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// One HiGHS runtime per test binary: compiling the wasm is the slow part.
var shared struct {
	once sync.Once
	rt   *highs.Runtime
	err  error
}

func engine(tb testing.TB) *highs.Engine {
	tb.Helper()
	shared.once.Do(func() { shared.rt, shared.err = highs.NewRuntime(context.Background(), highs.Config{Presolve: "off"}) })
	if shared.err != nil {
		tb.Fatalf("highs.NewRuntime: %v", shared.err)
	}
	e, err := shared.rt.NewEngine()
	if err != nil {
		tb.Fatalf("NewEngine: %v", err)
	}
	tb.Cleanup(func() { _ = e.Close() })
	return e
}

// faceEngines returns the engines that pick canonical optima as cmd/corridor composes them: the
// pure-Go simplex, with HiGHS for cold solves (a decomposed LP's solution has no basis) and for
// whatever the simplex cannot finish.
func faceEngines(tb testing.TB) func() (lp.Incremental, error) {
	engine(tb) // makes the runtime
	return func() (lp.Incremental, error) {
		fb, err := shared.rt.NewEngine()
		if err != nil {
			return nil, err
		}
		return simplex.New(simplex.Config{Fallback: fb}), nil
	}
}

// tol is the absolute tolerance for hand-derived answers in USD or units per year (the LP's
// feasibility and optimality tolerances are 1e-7 relative).
const tol = 1e-6

func near(a, b float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// solve solves st whole and by decomposition, checks the invariants of both results and that
// they agree on total surplus, and returns the whole LP's. (Their split among countries may
// differ: where the duals are degenerate a price may lie anywhere between a supply's cost and a
// demand's willingness to pay, and each method picks its own. lp/dw's tests check its duals by
// the optimality conditions.)
func solve(t *testing.T, st *scenario.State) *flow.Result {
	t.Helper()
	res := solveBy(t, st, flow.MethodWhole)
	dec := solveBy(t, st, flow.MethodDecompose)
	if !near(dec.Objective, res.Objective) {
		t.Errorf("decomposition: objective %.10g, whole LP %.10g", dec.Objective, res.Objective)
	}
	// Two engines, two optimal solutions, one canonical optimum: every country's welfare agrees.
	samePayoffs(t, "whole LP and decomposition", res, dec)
	return res
}

func solveBy(t *testing.T, st *scenario.State, method flow.Method) *flow.Result {
	t.Helper()
	p, err := flow.Build(st, flow.Options{Method: method, NewFaceEngine: faceEngines(t)})
	if err != nil {
		t.Fatalf("flow.Build: %v", err)
	}
	res, err := p.Solve(t.Context(), engine(t))
	if err != nil {
		t.Fatalf("flow.Solve (%s): %v", method, err)
	}
	if res.Decomposed != (method == flow.MethodDecompose) {
		t.Fatalf("flow.Solve (%s): decomposed = %v", method, res.Decomposed)
	}
	checkInvariants(t, st, res)
	return res
}

// samePayoffs fails unless a and b give every country the same welfare, to 1e-9 of the total
// surplus (decision 0012: payoffs do not depend on which optimal solution an engine returns).
func samePayoffs(t *testing.T, what string, a, b *flow.Result) {
	t.Helper()
	scale := 1.0
	for _, c := range a.Welfare {
		scale += math.Abs(c.Total())
	}
	ids := map[string]bool{}
	for _, c := range a.Welfare {
		ids[c.Country] = true
	}
	for _, c := range b.Welfare {
		ids[c.Country] = true
	}
	for id := range ids {
		if wa, wb := a.Country(id).Total(), b.Country(id).Total(); math.Abs(wa-wb) > 1e-9*scale {
			t.Errorf("%s: welfare of %s %.12g and %.12g", what, id, wa, wb)
		}
	}
}

// checkInvariants verifies, on every solve in these tests: conservation of each commodity at each
// node, link capacities, node throughputs, caps, and that total welfare across countries equals
// the LP objective plus tariff revenue (docs/MODEL.md, section 2).
func checkInvariants(t *testing.T, st *scenario.State, res *flow.Result) {
	t.Helper()
	n := st.Net
	net := map[[2]string]float64{} // (commodity, node) → inflow − outflow + supply − demand
	for _, lr := range res.Links {
		l := n.Link(lr.Link)
		if lr.Capacity > 0 && (lr.Forward > lr.Capacity*(1+1e-7)+1e-7 || lr.Backward > lr.Capacity*(1+1e-7)+1e-7) {
			t.Errorf("link %s carries %g/%g over capacity %g", lr.Link, lr.Forward, lr.Backward, lr.Capacity)
		}
		if !lr.Available && (lr.Forward > 1e-9 || lr.Backward > 1e-9) {
			t.Errorf("unavailable link %s carries flow", lr.Link)
		}
		for _, f := range lr.Flows {
			net[[2]string{f.Commodity, l.To}] += f.Forward - f.Backward
			net[[2]string{f.Commodity, l.From}] += f.Backward - f.Forward
		}
	}
	for _, m := range res.Markets {
		switch m.Kind {
		case "demand":
			net[[2]string{m.Commodity, m.Node}] -= m.Quantity
		default:
			net[[2]string{m.Commodity, m.Node}] += m.Quantity
		}
	}
	for k, v := range net {
		if math.Abs(v) > 1e-6 {
			t.Errorf("commodity %s is not conserved at %s: imbalance %g", k[0], k[1], v)
		}
	}
	for _, ar := range st.Rules {
		if ar.Rule.Kind == scenario.Cap {
			for _, lk := range res.Leakage {
				if lk.Rule == ar.Rule.ID && lk.Compliant > ar.Rule.Cap.Value*(1+1e-7)+1e-7 {
					t.Errorf("rule %s: compliant flow %g above cap %g", lk.Rule, lk.Compliant, ar.Rule.Cap.Value)
				}
			}
		}
	}
	total := 0.0
	for _, c := range res.Welfare {
		total += c.Total()
	}
	if want := res.Objective + res.TariffRevenue; math.Abs(total-want) > 1e-6*math.Max(1, math.Abs(want)) {
		t.Errorf("Σ country welfare = %.9g, want objective + tariffs = %.9g", total, want)
	}
}

func rule(kind scenario.RuleKind, id string, commodities, origins, dest []string) *scenario.Rule {
	return &scenario.Rule{ID: id, Kind: kind, Commodities: commodities, Origins: origins, Destinations: dest}
}

func TestTwoRoutesAndACap(t *testing.T) {
	// Supply at A: 10 t at 10 USD/t. Demand at D: 8 t at 100. Short route A–B–D costs 2+3 and
	// carries at most 5 t; long route A–C–D costs 4+4. By hand: 5 t short, 3 t long; the price at
	// D is set by the long route, 10 + 8 = 18; the short route's shadow price is 8 − 5 = 3.
	// Surplus = 8·100 − 8·10 − 5·5 − 3·8 = 671 = consumer surplus (100 − 18)·8 = 656 + rent 3·5.
	n := testnet.New().Country("RUS").Node("A", "RUS").Node("B", "RUS").Node("C", "RUS").Node("D", "RUS").
		Commodity("coal", "t", "rail1520").
		Link("AB", "A", "B", "rail1520", 5, 2).Link("BD", "B", "D", "rail1520", math.Inf(1), 3).
		Link("AC", "A", "C", "rail1520", 100, 4).Link("CD", "C", "D", "rail1520", 100, 4).
		Supply("sA", "A", "coal", [2]float64{10, 10}).Demand("dD", "D", "coal", [2]float64{8, 100}).Network()
	res := solve(t, testnet.State(n, nil))
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"objective", res.Objective, 671},
		{"flow AB", res.Link("AB").Forward, 5},
		{"flow AC", res.Link("AC").Forward, 3},
		{"price at D", res.Market("dD").Price, 18},
		{"shadow AB", res.Link("AB").ShadowForward, 3},
		{"consumer surplus", res.Country("RUS").Consumer, 656},
		{"capacity rent", res.Country("RUS").CapacityRent, 15},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %.9g, want %g", c.what, c.got, c.want)
		}
	}
	if len(res.Binding) == 0 || res.Binding[0].ID != "AB" {
		t.Errorf("binding = %+v, want link AB first", res.Binding)
	}
}

func TestGaugeBreak(t *testing.T) {
	// 1,520 mm A–B, 1,435 mm B–C; B transships at most 3 t at 4 USD/t. Supply at A 10 t at 10;
	// demand at C 5 t at 50; LNG-like backstop at C at 40. Rail delivers at 10 + 2 + 2 + 4 = 18 <
	// 40, so B's 3 t bind and the backstop supplies 2 t; the price at C is 40 and B's throughput
	// earns 40 − 18 = 22 per t. Surplus = 5·50 − 3·10 − 3·8 − 2·40 = 116 = CS (50−40)·5 + rent 66.
	n := testnet.New().Country("RUS", "PRK").Node("A", "RUS").Node("B", "RUS").Node("C", "PRK").
		Transship("B", 3, 4).Commodity("coal", "t", "rail1520", "rail1435").
		Link("AB", "A", "B", "rail1520", 100, 2).Link("BC", "B", "C", "rail1435", 100, 2).
		Supply("sA", "A", "coal", [2]float64{10, 10}).Demand("dC", "C", "coal", [2]float64{5, 50}).
		Backstop("lng", "C", "coal", 40, "").Network()
	res := solve(t, testnet.State(n, nil))
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"objective", res.Objective, 116},
		{"rail flow", res.Link("BC").Forward, 3},
		{"backstop", res.Market("lng").Quantity, 2},
		{"price at C", res.Market("dC").Price, 40},
		{"throughput rent (RUS)", res.Country("RUS").CapacityRent, 66},
		{"consumer surplus (PRK)", res.Country("PRK").Consumer, 50},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %.9g, want %g", c.what, c.got, c.want)
		}
	}
}

// rajin builds: Russian coal at V (10 t at 20) by rail V–R into the DPRK (cost 5), by sea R–K to
// Korea (cost 5); Korean demand 12 t at 100 with a world backstop at 80.
func rajin() *model.Network {
	return testnet.New().Country("RUS", "PRK", "KOR").Node("V", "RUS").Node("R", "PRK").Node("K", "KOR").
		Commodity("coal", "t", "rail1520", "sea").
		Link("VR", "V", "R", "rail1520", 100, 5).Link("RK", "R", "K", "sea", 100, 5).
		Supply("sV", "V", "coal", [2]float64{10, 20}).Demand("dK", "K", "coal", [2]float64{12, 100}).
		Backstop("world", "K", "coal", 80, "").Network()
}

func TestBanWithExemption(t *testing.T) {
	ban := rule(scenario.Ban, "no-coal-into-PRK", []string{"coal"}, nil, []string{"PRK"})
	exempt := *ban
	exempt.ID = "no-coal-into-PRK-but-Rajin"
	exempt.Exemptions = []scenario.Exemption{{Origins: []string{"RUS"}, Links: []string{"VR"}}}
	evadable := *ban
	evadable.ID = "weak-ban"
	evadable.EvasionCost = testnet.Q(15, quantity.DimMoney.Div(quantity.DimMass))
	for _, tt := range []struct {
		name      string
		rule      *scenario.Rule
		enforce   float64
		objective float64 // by hand, below
		railFlow  float64
		leakage   float64
	}{
		// No rule: 10 t of Russian coal via Rajin (delivered 30), 2 t from the backstop.
		// 12·100 − 10·20 − 10·10 − 2·80 = 740.
		{"no rule", nil, 0, 740, 10, 0},
		// The ban blocks V–R: Korea buys 12 t at 80. 12·(100 − 80) = 240.
		{"ban", ban, 1, 240, 0, 0},
		// The exemption lets Russian coal through again: 740.
		{"ban with exemption", &exempt, 1, 740, 10, 0},
		// At enforcement 0.5 evading pays 15 per t: delivered 45 < 80, all 10 t evade.
		// 740 − 10·15 = 590.
		{"half-enforced ban", &evadable, 0.5, 590, 10, 10},
		// At 0.9 evading pays 15·9 = 135 per t: delivered 165 > 80, nothing evades: 240.
		{"well-enforced ban", &evadable, 0.9, 240, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var rules []scenario.ActiveRule
			if tt.rule != nil {
				rules = []scenario.ActiveRule{{Rule: tt.rule, Enforcement: tt.enforce}}
			}
			res := solve(t, testnet.State(rajin(), rules))
			if !near(res.Objective, tt.objective) || !near(res.Link("VR").Forward, tt.railFlow) {
				t.Errorf("objective %.9g, rail flow %.9g; want %g, %g", res.Objective, res.Link("VR").Forward, tt.objective, tt.railFlow)
			}
			leak := 0.0
			for _, lk := range res.Leakage {
				leak += lk.Evading
			}
			if !near(leak, tt.leakage) {
				t.Errorf("leakage = %.9g, want %g", leak, tt.leakage)
			}
		})
	}
}

func TestCapBindsWithQuotaRent(t *testing.T) {
	// The Rajin network with a 4 t cap on coal into the DPRK, fully enforced: 4 t go by rail at a
	// delivered 30, 8 t come from the backstop at 80. Price at K is 80, at V 20 (supply slack).
	// Surplus = 12·100 − 4·20 − 4·10 − 8·80 = 440; the cap's rent is (80 − 30)·4 = 200, to the
	// origin of the capped flow, Russia.
	cap := rule(scenario.Cap, "cap", []string{"coal"}, nil, []string{"PRK"})
	cap.Cap = testnet.Q(4, quantity.DimMass.PerYear())
	res := solve(t, testnet.State(rajin(), []scenario.ActiveRule{{Rule: cap, Enforcement: 1}}))
	if !near(res.Objective, 440) || !near(res.Country("RUS").QuotaRent, 200) {
		t.Errorf("objective %.9g, Russian quota rent %.9g; want 440, 200", res.Objective, res.Country("RUS").QuotaRent)
	}
}

func TestTariffFlipsTheRoute(t *testing.T) {
	// Two routes from A to D: via the DPRK (5 USD/t) and via China (12 USD/t). A DPRK transit
	// tariff of 10 makes the DPRK route cost 15, so the flow moves to China and the DPRK earns
	// nothing; at a tariff of 3 the DPRK route (8) keeps the flow and the DPRK earns 3 per t on its
	// 50 % of the link's km for the PRK-side link and all of it on P–D.
	build := func(tariff float64) *model.Network {
		return testnet.New().Country("RUS", "PRK", "CHN", "KOR").Node("A", "RUS").Node("P", "PRK").Node("C", "CHN").Node("D", "KOR").
			Commodity("coal", "t", "rail1520").
			Link("AP", "A", "P", "rail1520", 100, 2).Link("PD", "P", "D", "rail1520", 100, 3, testnet.Tariff(tariff), testnet.Crosses(model.CountryKm{Country: "PRK", Km: 100})).
			Link("AC", "A", "C", "rail1520", 100, 6).Link("CD", "C", "D", "rail1520", 100, 6).
			Supply("sA", "A", "coal", [2]float64{10, 10}).Demand("dD", "D", "coal", [2]float64{10, 100}).Network()
	}
	for _, tt := range []struct {
		tariff, viaPRK, prkTransit float64
	}{{10, 0, 0}, {3, 10, 30}} {
		t.Run(fmt.Sprintf("tariff %g", tt.tariff), func(t *testing.T) {
			res := solve(t, testnet.State(build(tt.tariff), nil))
			if !near(res.Link("PD").Forward, tt.viaPRK) || !near(res.Country("PRK").Transit, tt.prkTransit) {
				t.Errorf("via PRK %.9g, PRK transit %.9g; want %g, %g", res.Link("PD").Forward, res.Country("PRK").Transit, tt.viaPRK, tt.prkTransit)
			}
		})
	}
}

func TestBackstopBoundsALinksValue(t *testing.T) {
	// Korean gas demand 10 mcm at 100 with an LNG backstop at 50. A proposed pipeline from Russian
	// supply at 20 costs 10 per mcm. Its value is what it saves against LNG: (50 − 30)·10 = 200,
	// not the (100 − 30)·10 a demand curve alone would suggest.
	n := testnet.New().Country("RUS", "KOR").Node("V", "RUS").Node("S", "KOR").
		Commodity("gas", "mcm", "gas").
		Link("pipe", "V", "S", "gas", 100, 10, testnet.Status(model.StatusProposed, "P")).
		Supply("sV", "V", "gas", [2]float64{20, 20}).Demand("dS", "S", "gas", [2]float64{10, 100}).
		Backstop("lng", "S", "gas", 50, "").Project("P", "pipe").Network()
	without := solve(t, testnet.State(n, nil))
	with := solve(t, testnet.State(n, nil, "P"))
	if got := with.Objective - without.Objective; !near(got, 200) {
		t.Errorf("value of the pipeline = %.9g, want 200", got)
	}
	if got := with.Market("lng").Quantity; !near(got, 0) {
		t.Errorf("LNG with the pipeline = %.9g, want 0", got)
	}
}

func TestNonParticipantBlocksTransit(t *testing.T) {
	// Russian coal to Korea only through the DPRK (V–R–K). If the DPRK takes no part, it may not
	// re-export goods of another origin: Korea buys from the backstop.
	st := testnet.State(rajin(), nil)
	st.NonParticipants = []string{"PRK"}
	res := solve(t, st)
	if !near(res.Link("RK").Forward, 0) || !near(res.Objective, 240) {
		t.Errorf("R–K flow %.9g, objective %.9g; want 0, 240", res.Link("RK").Forward, res.Objective)
	}
}

func TestPremium(t *testing.T) {
	// A premium of 50 USD/t on Russian coal entering Korea, enforced at 0.8, adds 40 per t:
	// delivered 70 < 80, so the coal still flows and pays 400 outside every country.
	p := rule(scenario.Premium, "shipping-friction", []string{"coal"}, []string{"RUS"}, []string{"KOR"})
	p.Premium = testnet.Q(50, quantity.DimMoney.Div(quantity.DimMass))
	res := solve(t, testnet.State(rajin(), []scenario.ActiveRule{{Rule: p, Enforcement: 0.8}}))
	if !near(res.LeakageCost, 400) || !near(res.Objective, 340) {
		t.Errorf("premium paid %.9g, objective %.9g; want 400, 340", res.LeakageCost, res.Objective)
	}
}

// TestRuleModesAndOperators: the premium of TestPremium limited to sea links applies (R–K is
// by sea), limited to rail it does not (the rail link V–R enters no Korean territory); limited to
// links the DPRK operates it applies (R–K is owned by the countries it crosses, PRK and KOR),
// to links Russia operates it does not.
func TestRuleModesAndOperators(t *testing.T) {
	for _, tt := range []struct {
		modes, operators []string
		premium          float64 // want, USD/yr
	}{
		{[]string{"sea"}, nil, 400},
		{[]string{"rail1520"}, nil, 0},
		{nil, []string{"PRK"}, 400},
		{nil, []string{"RUS"}, 0},
		{[]string{"sea"}, []string{"KOR"}, 400},
	} {
		p := rule(scenario.Premium, "friction", []string{"coal"}, []string{"RUS"}, []string{"KOR"})
		p.Premium = testnet.Q(50, quantity.DimMoney.Div(quantity.DimMass))
		p.Modes, p.Operators = tt.modes, tt.operators
		res := solve(t, testnet.State(rajin(), []scenario.ActiveRule{{Rule: p, Enforcement: 0.8}}))
		if !near(res.LeakageCost, tt.premium) || !near(res.Objective, 740-tt.premium) {
			t.Errorf("modes %v operators %v: premium paid %.9g, objective %.9g; want %g, %g", tt.modes, tt.operators, res.LeakageCost, res.Objective, tt.premium, 740-tt.premium)
		}
	}
}

func TestWarmUpdateMatchesColdSolve(t *testing.T) {
	n := rajin()
	ban := rule(scenario.Ban, "ban", []string{"coal"}, nil, []string{"PRK"})
	ban.EvasionCost = testnet.Q(15, quantity.DimMoney.Div(quantity.DimMass))
	base := testnet.State(n, []scenario.ActiveRule{{Rule: ban, Enforcement: 0.5}})
	eng := engine(t)
	p, err := flow.Build(base, flow.Options{Rules: []scenario.Rule{*ban}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Solve(t.Context(), eng); err != nil {
		t.Fatal(err)
	}
	for _, e := range []float64{0.9, 0.5, 0.2} {
		st := testnet.State(n, []scenario.ActiveRule{{Rule: ban, Enforcement: e}})
		warm, err := p.Update(t.Context(), st, eng)
		if err != nil {
			t.Fatal(err)
		}
		cold := solve(t, st)
		if !near(warm.Objective, cold.Objective) {
			t.Errorf("enforcement %g: warm objective %.9g, cold %.9g", e, warm.Objective, cold.Objective)
		}
	}
}

// TestMMCF solves public multi-commodity flow instances through the flow model and checks the
// published optima (testdata/mmcf/README.md).
func TestMMCF(t *testing.T) {
	for _, tt := range []struct {
		name string
		want float64
	}{{"grid1", 827319}, {"grid2", 1705378}, {"grid3", 1524642}, {"planar30", 44350624}} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("..", "testdata", "mmcf", tt.name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			n, wtp, demand, err := testnet.ReadMMCF(f)
			if err != nil {
				t.Fatal(err)
			}
			res := solve(t, testnet.State(n, nil))
			cost := wtp*demand - res.Objective
			if rel := math.Abs(cost-tt.want) / tt.want; rel > 1e-6 {
				t.Errorf("routing cost = %.10g, want %.10g (relative error %.2g)", cost, tt.want, rel)
			}
		})
	}
}

func TestChainRentIsPooled(t *testing.T) {
	// Two full links in series, A–B in Russia and B–C in China (100 km each), both 5 t/yr. The LP
	// may put the whole capacity rent on either link; pooled by km, each country gets half:
	// (backstop 50 − supply 10 − transport 1 − 1) × 5 t = 190, so 95 each.
	n := testnet.New().Country("RUS", "CHN").Node("A", "RUS").Node("B", "RUS").Node("C", "CHN").
		Commodity("gas", "mcm", "gas").
		Link("AB", "A", "B", "gas", 5, 1, testnet.OneWay(), testnet.Crosses(model.CountryKm{Country: "RUS", Km: 100})).
		Link("BC", "B", "C", "gas", 5, 1, testnet.OneWay(), testnet.Crosses(model.CountryKm{Country: "CHN", Km: 100})).
		Supply("sA", "A", "gas", [2]float64{10, 10}).Demand("dC", "C", "gas", [2]float64{10, 100}).
		Backstop("lng", "C", "gas", 50, "").Network()
	res := solve(t, testnet.State(n, nil))
	if ru, cn := res.Country("RUS").CapacityRent, res.Country("CHN").CapacityRent; !near(ru, 95) || !near(cn, 95) {
		t.Errorf("capacity rent RUS %.9g, CHN %.9g; want 95 each", ru, cn)
	}
}

func TestTimeCostFlipsTheRoute(t *testing.T) {
	// Boxes worth 100 USD/t from A to D by a slow cheap route A–S–D (2 × 100 km at 10 km/h:
	// 20 h, 2 + 2 USD/t) or a fast dear one A–F–D (2 × 100 km at 100 km/h: 2 h, 3 + 3 USD/t). At
	// a holding rate r a year, a route costs its tariff plus 100 × r × hours / 8,760. Break-even:
	// 4 + 100·r·20/8760 = 6 + 100·r·2/8760, r = 2·8760/1800 = 9.73. Without a holding rate the
	// slow route carries all 10 t and the price at D is 10 + 4; at r = 20 (2,000 %/yr, so that
	// time matters at test scale) the fast one does, and the price at D is 10 + 6 + 100·20·2/8760
	// = 16.4566…
	build := func(rate float64) *model.Network {
		kmh := func(v float64) testnet.LinkOpt {
			return func(l *model.Link) {
				l.Speed = testnet.Q(v*quantity.HoursPerYear, quantity.DimLength.Div(quantity.DimTime))
			}
		}
		b := testnet.New().Country("AAA").Node("A", "AAA").Node("S", "AAA").Node("F", "AAA").Node("D", "AAA").
			Commodity("boxes", "t", "rail1520").
			Link("AS", "A", "S", "rail1520", 100, 2, kmh(10)).Link("SD", "S", "D", "rail1520", 100, 2, kmh(10)).
			Link("AF", "A", "F", "rail1520", 100, 3, kmh(100)).Link("FD", "F", "D", "rail1520", 100, 3, kmh(100)).
			Supply("sA", "A", "boxes", [2]float64{20, 10}).Demand("dD", "D", "boxes", [2]float64{10, 1000})
		n := b.Network().Clone()
		if rate > 0 {
			n.Meta.CargoHoldingRate = testnet.Q(rate, quantity.DimNone)
		}
		return n
	}
	for _, tt := range []struct {
		rate, slow, fast, price float64
	}{{0, 10, 0, 14}, {20, 0, 10, 16 + 100*20*2/float64(quantity.HoursPerYear)}} {
		t.Run(fmt.Sprintf("rate %g", tt.rate), func(t *testing.T) {
			res := solve(t, testnet.State(build(tt.rate), nil))
			if !near(res.Link("SD").Forward, tt.slow) || !near(res.Link("FD").Forward, tt.fast) || !near(res.Market("dD").Price, tt.price) {
				t.Errorf("slow %.9g, fast %.9g, price at D %.9g; want %g, %g, %.9g", res.Link("SD").Forward, res.Link("FD").Forward, res.Market("dD").Price, tt.slow, tt.fast, tt.price)
			}
		})
	}
}

// TestHandlingOnlyWhereGoodsChangeHands: handling (6 USD/t at T) is paid where goods are taken
// off a mode — to change mode or to be sold there — never by a train passing through. With
// Russian coal (10 t at 20) railed V–T–K (5 USD/t a link) to Korea (12 t wanted at 100, a
// backstop at 80), by hand:
//   - one gauge throughout: delivered at 30, objective 12·100 − 10·20 − 20·5 − 2·80 = 740;
//   - a gauge change at T: delivered at 36, objective 740 − 10·6 = 680;
//   - sold at T itself (demand and backstop there): delivered at 20 + 5 + 6 = 31, objective
//     12·100 − 10·20 − 10·5 − 10·6 − 2·80 = 730.
func TestHandlingOnlyWhereGoodsChangeHands(t *testing.T) {
	net := func(second string, market string) *model.Network {
		return testnet.New().Country("RUS", "KOR").Node("V", "RUS").Node("T", "RUS").Node("K", "KOR").
			Commodity("coal", "t", "rail1520", "rail1435").Transship("T", 0, 6).
			Link("VT", "V", "T", "rail1520", 100, 5).Link("TK", "T", "K", second, 100, 5).
			Supply("sV", "V", "coal", [2]float64{10, 20}).Demand("d", market, "coal", [2]float64{12, 100}).
			Backstop("world", market, "coal", 80, "").Network()
	}
	for _, tt := range []struct {
		name, second, market string
		objective            float64
	}{
		{"passing through", "rail1520", "K", 740},
		{"gauge change", "rail1435", "K", 680},
		{"sold at the handling node", "rail1520", "T", 730},
	} {
		res := solve(t, testnet.State(net(tt.second, tt.market), nil))
		if !near(res.Objective, tt.objective) {
			t.Errorf("%s: objective %.9g, want %g", tt.name, res.Objective, tt.objective)
		}
		if got := res.Link("VT").Forward; !near(got, 10) {
			t.Errorf("%s: V–T carries %.9g t, want 10", tt.name, got)
		}
	}
}
