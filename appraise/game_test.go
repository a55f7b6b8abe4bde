package appraise_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// transitNet is the textbook transit game of decision 0013: gas worth 1 a year at C comes from P,
// at no cost, only through T; the bypass P–C is project B, which P (the decider) finances, at
// capex c. B is in service in the base year only, at a third of its value (the first year of
// the ramp-up), so every value below is a third of the yearly game's; rates do not matter in
// year 0.
func transitNet(c float64) *model.Network {
	n := testnet.New().Country("P", "T", "C").Node("p", "P").Node("t", "T").Node("c", "C").
		Commodity("gas", "mcm", "gas").
		Link("pt", "p", "t", "gas", 10, 0, testnet.OneWay()).Link("tc", "t", "c", "gas", 10, 0, testnet.OneWay()).
		Link("pc", "p", "c", "gas", 10, 0, testnet.OneWay(), testnet.Status(model.StatusProposed, "B")).
		Supply("s", "p", "gas", [2]float64{1, 0}).Demand("d", "c", "gas", [2]float64{1, 1}).
		Project("B", "pc").Network().Clone()
	n.Meta.Decider = "P"
	n.Meta.SocialDiscountRate = testnet.Q(0.05, quantity.DimNone)
	n.Meta.ReferencePeriods = []model.ReferencePeriod{{Class: "test", Years: testnet.Q(1, quantity.DimTime)}}
	p := &n.Projects[0]
	p.Class, p.StartYear = "test", 2024 // no reference-class overrun
	p.ConstructionYears, p.Lifetime = testnet.Q(0, quantity.DimTime), testnet.Q(1, quantity.DimTime)
	p.Capex, p.Opex = testnet.Q(c, quantity.DimMoney), testnet.Q(0, quantity.DimMoneyPerYr)
	return model.Build(*n)
}

func strategic(c appraise.Case, id string) (sv, threat float64) {
	for _, cr := range c.Countries {
		if cr.Country == id {
			return cr.Strategic.Mean, cr.Threat.Mean
		}
	}
	return math.NaN(), math.NaN()
}

// TestTransitGame: without the bypass, v(PTC) = 1 and every smaller coalition makes 0, so
// φ = (1/3, 1/3, 1/3). With it built, v(PC) = 1 too and T adds nothing: φ = (1/2, 0, 1/2). The
// bypass carries nothing in the grand coalition, yet its strategic value is +1/6 to P and C and
// −1/3 to T. As an option at cost c < 1 instead, v(PC) = 1 − c: the threat moves (1 − c)/3 away
// from T, (1 − c)/6 to each of P and C. All times 1/3, the bypass's year of service at a third.
func TestTransitGame(t *testing.T) {
	const c = 0.1
	out, err := appraise.Run(t.Context(), appraise.Input{Net: transitNet(c), Scenarios: []*scenario.Scenario{{Name: "none"}},
		Draws: 1, Seed: 1, Workers: 1, NewEngine: newSimplexEngine(t), ReferenceYear: 2024})
	if err != nil {
		t.Fatal(err)
	}
	cs := out.Cases[0]
	for _, w := range []struct {
		id        string
		strategic float64 // yearly Δφ
	}{{"P", 1.0 / 6}, {"T", -1.0 / 3}, {"C", 1.0 / 6}} {
		sv, th := strategic(cs, w.id)
		if math.Abs(sv-w.strategic/3) > 1e-9 || math.Abs(th-optWant(w.id, c)) > 1e-9 {
			t.Errorf("%s: strategic value %.9g, threat %.9g; want %.9g, %.9g", w.id, sv, th, w.strategic/3, optWant(w.id, c))
		}
	}
	// The bypass carries nothing in the grand coalition: no country's market gains.
	for _, cr := range cs.Countries {
		if math.Abs(cr.NPV.Mean+costShare(cr.Country, c)) > 1e-9 {
			t.Errorf("%s: NPV %.9g, want only its cost share %g", cr.Country, cr.NPV.Mean, -costShare(cr.Country, c))
		}
	}
}

// optWant is the threat value of the transit game's option: Shapley of max(0, Δv(S) − c) with
// Δv(PC) = 1/3 (present value) and Δv(PTC) = 0: (1/3 − c)/6 to P and C, −(1/3 − c)/3 to T.
func optWant(id string, c float64) float64 {
	g := 1.0/3 - c
	if id == "T" {
		return -g / 3
	}
	return g / 6
}

func costShare(id string, c float64) float64 {
	if id == "P" {
		return c
	}
	return 0
}

// TestSelectionDoesNotChangeDraws: a case's figures depend on its own inputs and the seed only,
// not on which other projects and scenarios a run selects or in which order (every input draws
// from its own keyed stream).
func TestSelectionDoesNotChangeDraws(t *testing.T) {
	n := pipelineNet(t, true).Clone()
	n.Links = append(n.Links, model.Link{ID: "pipe2", Name: "pipe2", From: "V", To: "S", Mode: "gas", Status: model.StatusProposed, Project: "Q", TwoWay: true,
		Length: n.Links[0].Length, Capacity: testnet.Q(3, n.Links[0].Capacity.Dim), Cost: n.Links[0].Cost, Crossings: n.Links[0].Crossings})
	q := n.Projects[0]
	q.ID, q.Links = "Q", []string{"pipe2"}
	q.Capex = testnet.Q(50, quantity.DimMoney)
	q.Capex.Range = &quantity.Range{Low: 40, Mode: 50, High: 90, Dist: quantity.Triangular}
	n.Projects = append(n.Projects, q)
	n = model.Build(*n)
	s1 := &scenario.Scenario{Name: "s1"}
	s2 := &scenario.Scenario{Name: "s2", Premium: testnet.Q(5, quantity.DimMoneyPerYr)}
	s2.Premium.Range = &quantity.Range{Low: 0, Mode: 5, High: 20, Dist: quantity.Triangular}
	run := func(projects []string, scs ...*scenario.Scenario) map[string]appraise.Case {
		out, err := appraise.Run(t.Context(), appraise.Input{Net: n, Scenarios: scs, Projects: projects, Draws: 6, Seed: 9, Workers: 2,
			NewEngine: newSimplexEngine(t), ReferenceYear: 2024})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]appraise.Case{}
		for _, c := range out.Cases {
			m[c.Project+"/"+c.Scenario] = c
		}
		return m
	}
	all := run([]string{"P", "Q"}, s1, s2)
	some := run([]string{"Q"}, s2, s1)
	for _, k := range []string{"Q/s1", "Q/s2"} {
		if !reflect.DeepEqual(all[k], some[k]) {
			t.Errorf("%s differs when P is also selected and the scenarios are in another order:\n%+v\n%+v", k, all[k], some[k])
		}
	}
	if all["Q/s2"].Premium == 0 {
		t.Error("the premium range of s2 was not sampled")
	}
}
