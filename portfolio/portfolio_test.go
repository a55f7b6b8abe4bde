package portfolio_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/portfolio"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// Rate and horizon of the test network: A = (1 − 1.05^−10) / 0.05 ≈ 7.7217.
const (
	rate    = 0.05
	horizon = 10
)

// interactNet is three separate markets for coal, each reached only by candidate projects, all
// in country A (links cost per tonne, supplies at no cost, no capacity unless said):
//
//   - complements: 10 t worth 100 at d1 come from s1 only over PORT (s1–m1) and then RAIL
//     (m1–d1). Either alone carries nothing: gain 1,000/yr with both, 0 otherwise.
//   - substitutes: 10 t worth 100 at d2 come from s2 over X (cost 10: gain 900/yr) or Y (cost
//     20: gain 800/yr). With both, Y carries nothing: 900/yr.
//   - dependency: 10 t worth 50 at d3 come from s3 over D1 or D2, 5 t/yr each (gain 250/yr
//     each); D2 depends on D1.
//
// Capex: PORT 1,000, RAIL 2,000, X 3,000 (financed half by B), Y 1,000 (and 100/yr of opex),
// D1 and D2 500 each.
func interactNet() *model.Network {
	prop := func(p string) testnet.LinkOpt { return testnet.Status(model.StatusProposed, p) }
	inf := math.Inf(1)
	n := testnet.New().Country("A", "B").
		Node("s1", "A").Node("m1", "A").Node("d1", "A").
		Node("s2", "A").Node("d2", "A").
		Node("s3", "A").Node("d3", "A").
		Commodity("coal", "t", "rail1520").
		Link("port", "s1", "m1", "rail1520", inf, 0, prop("PORT")).
		Link("rail", "m1", "d1", "rail1520", inf, 0, prop("RAIL")).
		Link("x", "s2", "d2", "rail1520", inf, 10, prop("X")).
		Link("y", "s2", "d2", "rail1520", inf, 20, prop("Y")).
		Link("d1", "s3", "d3", "rail1520", 5, 0, prop("D1")).
		Link("d2", "s3", "d3", "rail1520", 5, 0, prop("D2")).
		Supply("sup1", "s1", "coal", [2]float64{10, 0}).Demand("dem1", "d1", "coal", [2]float64{10, 100}).
		Supply("sup2", "s2", "coal", [2]float64{10, 0}).Demand("dem2", "d2", "coal", [2]float64{10, 100}).
		Supply("sup3", "s3", "coal", [2]float64{10, 0}).Demand("dem3", "d3", "coal", [2]float64{10, 50}).
		Project("PORT", "port").Project("RAIL", "rail").Project("X", "x").Project("Y", "y").
		Project("D1", "d1").Project("D2", "d2").
		Network().Clone()
	n.Meta.SocialDiscountRate = testnet.Q(rate, quantity.DimNone)
	n.Meta.HorizonYears = horizon
	capex := map[string]float64{"PORT": 1000, "RAIL": 2000, "X": 3000, "Y": 1000, "D1": 500, "D2": 500}
	for i := range n.Projects {
		p := &n.Projects[i]
		p.Capex = testnet.Q(capex[p.ID], quantity.DimMoney)
		switch p.ID {
		case "X":
			p.Financing = map[string]float64{"A": 0.5, "B": 0.5}
		case "Y":
			p.Opex = testnet.Q(100, quantity.DimMoneyPerYr)
		case "D2":
			p.DependsOn = []string{"D1"}
		}
	}
	return model.Build(*n)
}

// handGain is the yearly gain of a set, derived by hand from interactNet's three markets.
func handGain(set []string) float64 {
	has := func(id string) bool { return slices.Contains(set, id) }
	g := 0.0
	if has("PORT") && has("RAIL") {
		g += 1000
	}
	switch {
	case has("X"):
		g += 900
	case has("Y"):
		g += 800
	}
	if has("D1") {
		g += 250
	}
	if has("D2") {
		g += 250
	}
	return g
}

func evaluate(t *testing.T, in portfolio.Input) *portfolio.Result {
	t.Helper()
	eng := simplex.New(simplex.Config{})
	t.Cleanup(func() { eng.Close() })
	if in.Net == nil {
		in.Net = interactNet()
	}
	in.Scenario, in.Engine = &scenario.Scenario{Name: "none"}, eng
	res, err := portfolio.Evaluate(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func TestInteractions(t *testing.T) {
	res := evaluate(t, portfolio.Input{})
	a := (1 - math.Pow(1+rate, -horizon)) / rate
	if !near(res.Annuity, a) {
		t.Fatalf("annuity factor %g, want %g", res.Annuity, a)
	}
	// 2^6 subsets, less the 16 with D2 and without D1
	if len(res.Sets) != 48 {
		t.Errorf("%d feasible sets, want 48", len(res.Sets))
	}
	for _, s := range res.Sets {
		if slices.Contains(s.Projects, "D2") && !slices.Contains(s.Projects, "D1") {
			t.Errorf("set %v breaks D2's dependency on D1", s.Projects)
		}
		if g := handGain(s.Projects); !near(s.Gain, g) {
			t.Errorf("set %v: gain %g/yr, want %g", s.Projects, s.Gain, g)
		}
	}
	byName := map[string]portfolio.Set{}
	for _, s := range res.Sets {
		byName[strings.Join(s.Projects, "+")] = s
	}
	for _, tt := range []struct {
		set         string
		gain, value float64
	}{
		{"", 0, 0},
		{"PORT", 0, -1000}, // a port without its railway carries nothing
		{"RAIL", 0, -2000}, // nor a railway without its port
		{"PORT+RAIL", 1000, 1000*a - 3000},
		{"X", 900, 900*a - 3000},       // the cheaper route
		{"Y", 800, (800-100)*a - 1000}, // the dearer route, less its opex
		{"X+Y", 900, (900-100)*a - 4000},
		{"D1", 250, 250*a - 500},
		{"D1+D2", 500, 500*a - 1000},
		{"PORT+RAIL+Y+D1+D2", 2300, (2300-100)*a - 5000},
	} {
		s, ok := byName[tt.set]
		if !ok {
			t.Errorf("set %q missing", tt.set)
			continue
		}
		if !near(s.Gain, tt.gain) || !near(s.Value, tt.value) {
			t.Errorf("set %q: gain %g, value %g; want %g, %g", tt.set, s.Gain, s.Value, tt.gain, tt.value)
		}
	}
	if _, ok := byName["D2"]; ok {
		t.Error("D2 without D1 was valued")
	}

	// the best set at given budgets, worked out by hand from the values above
	for _, tt := range []struct {
		budget float64
		want   string
	}{
		{0, ""},
		{499, ""},
		{999, "D1"},
		{1000, "Y"},
		{1500, "Y+D1"},
		{2000, "Y+D1+D2"},
		{3999, "Y+D1+D2"},
		{4000, "PORT+RAIL+Y"},
		{5000, "PORT+RAIL+Y+D1+D2"},
		{1e9, "PORT+RAIL+Y+D1+D2"}, // X would add 100/yr for 3,000: not worth it
	} {
		if got := strings.Join(res.Best(tt.budget).Projects, "+"); got != tt.want {
			t.Errorf("budget %g: best %q, want %q", tt.budget, got, tt.want)
		}
	}
	bruteForce(t, res)
}

// bruteForce checks that at every budget where a set's capex starts to fit (and just below it),
// Best returns a feasible set within the budget worth as much as any feasible set within it, and
// that the frontier grows in capex and value.
func bruteForce(t *testing.T, res *portfolio.Result) {
	t.Helper()
	var budgets []float64
	for _, s := range res.Sets {
		budgets = append(budgets, s.Capex, s.Capex-0.5)
	}
	for _, b := range budgets {
		if b < 0 {
			continue
		}
		best := res.Best(b)
		if best.Capex > b {
			t.Errorf("budget %g: best set %v costs %g", b, best.Projects, best.Capex)
		}
		for _, s := range res.Sets {
			if s.Capex <= b && s.Value > best.Value+1e-6*math.Max(1, math.Abs(best.Value)) {
				t.Errorf("budget %g: %v (value %g) beats the best set %v (value %g)", b, s.Projects, s.Value, best.Projects, best.Value)
			}
		}
	}
	for i := 1; i < len(res.Frontier); i++ {
		if p, s := res.Frontier[i-1], res.Frontier[i]; !(s.Capex > p.Capex && s.Value > p.Value) {
			t.Errorf("frontier step %d (%v, capex %g, value %g) does not improve on %v (capex %g, value %g)",
				i, s.Projects, s.Capex, s.Value, p.Projects, p.Capex, p.Value)
		}
	}
}

// TestCountry values the sets for country A: everything happens in A, so its welfare gain is the
// total surplus gain, but it pays only half of X.
func TestCountry(t *testing.T) {
	res := evaluate(t, portfolio.Input{Country: "A"})
	a := res.Annuity
	for _, s := range res.Sets {
		capex := 0.0
		for _, id := range s.Projects {
			capex += map[string]float64{"PORT": 1000, "RAIL": 2000, "X": 1500, "Y": 1000, "D1": 500, "D2": 500}[id]
		}
		opex := 0.0
		if slices.Contains(s.Projects, "Y") {
			opex = 100
		}
		if g := handGain(s.Projects); !near(s.Gain, g) || !near(s.Capex, capex) || !near(s.Value, (g-opex)*a-capex) {
			t.Errorf("set %v: gain %g, capex %g, value %g; want %g, %g, %g", s.Projects, s.Gain, s.Capex, s.Value, g, capex, (g-opex)*a-capex)
		}
	}
	// B gains nothing from anything and pays half of X: its best set is always the empty one
	resB := evaluate(t, portfolio.Input{Country: "B"})
	if got := resB.Best(1e9).Projects; len(got) != 0 {
		t.Errorf("best set for B: %v, want none", got)
	}
	bruteForce(t, res)
	bruteForce(t, resB)
}

// TestCandidates checks the choice of candidates: a subset, the dependency of D2 on a D1 that is
// not a candidate, and the guards.
func TestCandidates(t *testing.T) {
	res := evaluate(t, portfolio.Input{Candidates: []string{"X", "Y"}})
	if len(res.Sets) != 4 || strings.Join(res.Best(1e9).Projects, "+") != "Y" {
		t.Errorf("X, Y: %d sets, best %v; want 4 and Y", len(res.Sets), res.Best(1e9).Projects)
	}
	// D2 needs D1, which is no candidate and which the scenario does not build: never feasible
	res = evaluate(t, portfolio.Input{Candidates: []string{"D2", "X"}})
	for _, s := range res.Sets {
		if slices.Contains(s.Projects, "D2") {
			t.Errorf("set %v builds D2 without D1", s.Projects)
		}
	}

	eng := simplex.New(simplex.Config{})
	defer eng.Close()
	sc := &scenario.Scenario{Name: "none"}
	var many []string
	n := interactNet().Clone()
	for i := range portfolio.MaxCandidates + 1 {
		id := fmt.Sprintf("P%02d", i)
		n.Projects = append(n.Projects, model.Project{ID: id, Capex: testnet.Q(1, quantity.DimMoney)})
		many = append(many, id)
	}
	_, err := portfolio.Evaluate(t.Context(), portfolio.Input{Net: model.Build(*n), Scenario: sc, Engine: eng, Candidates: many})
	if !errors.Is(err, portfolio.ErrTooMany) {
		t.Errorf("17 candidates: err %v, want ErrTooMany", err)
	}
	for _, tt := range []struct {
		in   portfolio.Input
		want string
	}{
		{portfolio.Input{Candidates: []string{"NOPE"}}, `unknown project "NOPE"`},
		{portfolio.Input{Candidates: []string{"X", "X"}}, "named twice"},
		{portfolio.Input{Country: "ZZ"}, `unknown country "ZZ"`},
	} {
		tt.in.Net, tt.in.Scenario, tt.in.Engine = interactNet(), sc, eng
		if _, err := portfolio.Evaluate(t.Context(), tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err %v, want %q", tt.in.Candidates, err, tt.want)
		}
	}
}

func TestAnnuity(t *testing.T) {
	if a := portfolio.Annuity(0, 30); a != 30 {
		t.Errorf("Annuity(0, 30) = %g", a)
	}
	if a, want := portfolio.Annuity(0.1, 2), 1/1.1+1/1.21; !near(a, want) {
		t.Errorf("Annuity(0.1, 2) = %g, want %g", a, want)
	}
}
