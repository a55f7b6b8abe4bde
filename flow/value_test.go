package flow_test

import (
	"math/rand/v2"
	"testing"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

// transitGame is the textbook transit game: gas worth 1 a unit at C comes from P, at no cost, only
// through T (one unit a year), with a tariff of 0.3 to T; the bypass P–C is project B.
func transitGame() *model.Network {
	return testnet.New().Country("P", "T", "C").Node("p", "P").Node("t", "T").Node("c", "C").
		Commodity("gas", "mcm", "gas").
		Link("pt", "p", "t", "gas", 10, 0, testnet.OneWay(), testnet.Tariff(0.3)).Link("tc", "t", "c", "gas", 10, 0, testnet.OneWay()).
		Link("pc", "p", "c", "gas", 10, 0, testnet.OneWay(), testnet.Status(model.StatusProposed, "B")).
		Supply("s", "p", "gas", [2]float64{1, 0}).Demand("d", "c", "gas", [2]float64{1, 1}).
		Project("B", "pc").Network()
}

// TestCoalitionValues: v(S) is the surplus S makes alone, tariffs being transfers among members:
// 1 for {P, T, C} and 0 for any smaller coalition; with the bypass, {P, C} makes 1 too.
func TestCoalitionValues(t *testing.T) {
	n := transitGame()
	eng := engine(t)
	for _, built := range []bool{false, true} {
		var projects []string
		if built {
			projects = []string{"B"}
		}
		st := testnet.State(n, nil, projects...)
		p, err := flow.Build(st, flow.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Solve(t.Context(), eng); err != nil {
			t.Fatal(err)
		}
		var certify []*model.Project
		if !built {
			certify = []*model.Project{n.Project("B")}
		}
		for _, c := range []struct {
			outside []string
			want    float64
		}{
			{nil, 1}, {[]string{"T"}, 0}, {[]string{"C"}, 0}, {[]string{"P"}, 0}, {[]string{"P", "T"}, 0},
		} {
			want := c.want
			if built && len(c.outside) == 1 && c.outside[0] == "T" {
				want = 1 // the bypass
			}
			got, adds, _, err := p.Value(t.Context(), st, c.outside, certify, eng)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got, want) {
				t.Errorf("bypass built %v, outside %v: v = %.9g, want %g", built, c.outside, got, want)
			}
			// The bypass adds value exactly where P and C are in and T is out; elsewhere the
			// duals prove it cannot.
			if !built {
				wantAdds := len(c.outside) == 1 && c.outside[0] == "T"
				if adds[0] != wantAdds {
					t.Errorf("outside %v: bypass adds value = %v, want %v", c.outside, adds[0], wantAdds)
				}
			}
		}
		// Update restores the state's own LP: the market pays the tariff again.
		res, err := p.Update(t.Context(), st, eng)
		if err != nil {
			t.Fatal(err)
		}
		if !built && !near(res.Objective, 0.7) {
			t.Errorf("after Value, Update gives objective %.9g, want 0.7 (1 less the tariff)", res.Objective)
		}
	}
}

// TestCoalitionValuesMonotone: a coalition makes at least what any of its sub-coalitions makes
// (a member adds links and markets, which may go unused), and the empty coalition nothing —
// on random degenerate networks, whatever order the values are solved in.
func TestCoalitionValuesMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	countries := []string{"A", "B", "C"}
	eng := engine(t)
	for trial := range 20 {
		n, rules := degenerateNetwork(rng)
		st := testnet.State(n, []scenario.ActiveRule{{Rule: &rules[0], Enforcement: 1}})
		p, err := flow.Build(st, flow.Options{Rules: rules})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Solve(t.Context(), eng); err != nil {
			t.Fatal(err)
		}
		v := make([]float64, 8)
		for _, mask := range rng.Perm(8) {
			var outside []string
			for i, c := range countries {
				if mask&(1<<i) == 0 {
					outside = append(outside, c)
				}
			}
			if v[mask], _, _, err = p.Value(t.Context(), st, outside, nil, eng); err != nil {
				t.Fatal(err)
			}
		}
		if !near(v[0], 0) {
			t.Errorf("trial %d: v(∅) = %g, want 0", trial, v[0])
		}
		for s := range 8 {
			for u := range 8 {
				if s&u == s && v[s] > v[u]+tol {
					t.Errorf("trial %d: v(%03b) = %.9g > v(%03b) = %.9g", trial, s, v[s], u, v[u])
				}
			}
		}
	}
}
