package appraise_test

import (
	"context"
	"math"
	"reflect"
	"sync"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

var shared struct {
	once sync.Once
	rt   *highs.Runtime
	err  error
}

func newEngine(tb testing.TB) func() (lp.Incremental, error) {
	tb.Helper()
	shared.once.Do(func() {
		shared.rt, shared.err = highs.NewRuntime(context.Background(), highs.Config{Presolve: "off"})
	})
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return func() (lp.Incremental, error) { return shared.rt.NewEngine() }
}

// newSimplexEngine returns the engine the command line uses: the pure-Go simplex for warm
// re-solves, with HiGHS for cold solves and as its fallback.
func newSimplexEngine(tb testing.TB) func() (lp.Incremental, error) {
	tb.Helper()
	highsEngine := newEngine(tb)
	return func() (lp.Incremental, error) {
		fb, err := highsEngine()
		if err != nil {
			return nil, err
		}
		return simplex.New(simplex.Config{Fallback: fb}), nil
	}
}

// pipelineNet is a Russian gas field V and a Korean terminal S with an LNG backstop at 50 and
// demand of 10 mcm at 100; a proposed pipeline V–S (capacity 6, cost 10) is project P, paid by
// Russia alone, which decides: capex 100 in the base year, one year to build, ten years of life,
// no opex; an appraisal period of four years (horizon 3), so seven years of service come after it.
func pipelineNet(t testing.TB, withRanges bool) *model.Network {
	b := testnet.New().Country("RUS", "KOR").Node("V", "RUS").Node("S", "KOR").
		Commodity("gas", "mcm", "gas").
		Link("pipe", "V", "S", "gas", 6, 10, testnet.Status(model.StatusProposed, "P")).
		Supply("sV", "V", "gas", [2]float64{20, 20}).Demand("dS", "S", "gas", [2]float64{10, 100}).
		Backstop("lng", "S", "gas", 50, "").Project("P", "pipe")
	n := b.Network().Clone()
	n.Meta.HorizonYears = 3
	n.Meta.Decider = "RUS"
	n.Meta.SocialDiscountRate = testnet.Q(0.05, quantity.DimNone)
	n.Countries[0].DiscountRate = testnet.Q(0.1, quantity.DimNone)
	n.Countries[1].DiscountRate = testnet.Q(0.1, quantity.DimNone)
	p := &n.Projects[0]
	p.Class = "" // no reference-class overrun and no reference period: the test is deterministic
	p.StartYear = 2024
	p.ConstructionYears = testnet.Q(1, quantity.DimTime)
	p.Lifetime = testnet.Q(10, quantity.DimTime)
	p.Capex = testnet.Q(100, quantity.DimMoney)
	p.Opex = testnet.Q(0, quantity.DimMoneyPerYr)
	p.Financing = map[string]float64{"RUS": 1}
	if withRanges {
		lng := &n.Markets[2].Steps[0].Price
		lng.Range = &quantity.Range{Low: 40, Mode: 50, High: 70, Dist: quantity.Triangular}
	}
	return model.Build(*n)
}

// pv returns Σ f(t)/(1+r)^t for t = 0 … years−1.
func pv(years int, r float64, f func(t int) float64) float64 {
	s := 0.0
	for t := range years {
		s += f(t) / math.Pow(1+r, float64(t))
	}
	return s
}

// ramp is the service weight of the pipeline in year t: in service from year 1, ramping up over
// three years (1/3, 2/3, 1) until the end of its life after year 10.
func ramp(t int) float64 {
	switch {
	case t == 0 || t > 10:
		return 0
	case t < 3:
		return float64(t) / 3
	}
	return 1
}

// TestHandComputedCase checks the whole chain — flows, welfare by owner, schedule, ramp-up,
// residual value, discounting, the network game and both decisions — against a case worked by
// hand.
//
// With the pipeline, 6 mcm flow at a delivered 20 + 10 = 30 against LNG at 50: its capacity earns
// 50 − 30 = 20 per mcm, 120 a year, all to Russia, which owns it (it paid for it); Korean
// consumers pay 50 either way. Capex 100 falls in year 0; service runs from year 1, ramping up
// over three years; the appraisal period ends with year 3 and the seven years of service after it
// are worth their net benefits (120 a year, positive, so the pipeline is kept). Russia's NPV at
// 10 %: −100 + Σ 120·ramp(t)/1.1^t. In the network game both countries are needed, so the
// coalition {RUS, KOR} makes Δv = 120 a year more with the pipeline and each has a Shapley value
// of 60 a year: Korea's bargaining position gains although its market does not.
func TestHandComputedCase(t *testing.T) {
	n := pipelineNet(t, false)
	out, err := appraise.Run(t.Context(), appraise.Input{Net: n, Scenarios: []*scenario.Scenario{{Name: "none"}},
		Draws: 3, Seed: 1, Workers: 1, NewEngine: newEngine(t), ReferenceYear: 2024, Analysis: true})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Cases[0]
	ru, kr := c.Countries[0], c.Countries[1]
	wantNPV := -100 + pv(11, 0.1, func(t int) float64 { return 120 * ramp(t) })
	if math.Abs(ru.NPV.Mean-wantNPV) > 1e-6 {
		t.Errorf("Russia's NPV = %.6f, want %.6f", ru.NPV.Mean, wantNPV)
	}
	if math.Abs(kr.NPV.Mean) > 1e-6 {
		t.Errorf("Korea's NPV = %.6f, want 0 (it pays nothing, and its consumers pay the LNG price either way)", kr.NPV.Mean)
	}
	wantSV := pv(11, 0.1, func(t int) float64 { return 60 * ramp(t) })
	if math.Abs(ru.Strategic.Mean-wantSV) > 1e-6 || math.Abs(kr.Strategic.Mean-wantSV) > 1e-6 {
		t.Errorf("strategic values RUS %.6f, KOR %.6f; want %.6f each", ru.Strategic.Mean, kr.Strategic.Mean, wantSV)
	}
	if math.Abs(ru.Outlay.Mean-100) > 1e-9 || kr.Outlay.Mean != 0 {
		t.Errorf("outlays RUS %.6f, KOR %.6f; want 100, 0", ru.Outlay.Mean, kr.Outlay.Mean)
	}
	// Discounted payback: cumulative −100, −63.6, +2.5 after years 0–2: paid back in year 2.
	if pb := ru.Payback; pb.N != 3 || ru.PaybackNever != 0 || pb.P50 <= 1 || pb.P50 >= 2 {
		t.Errorf("Russia's payback = %+v (never %g), want in every draw between 1 and 2 years", pb, ru.PaybackNever)
	}
	for name, d := range map[string]appraise.Decision{"bargaining": c.Bargaining, "accounting": c.Accounting} {
		if d.Commit == nil || *d.Commit != 1 || *d.BreakEvenPremium != 0 {
			t.Errorf("%s: commit %v, break-even premium %v; want 1, 0", name, d.Commit, d.BreakEvenPremium)
		}
	}
	if m := c.Bargaining.Margin.Mean; math.Abs(m-(wantSV-100)) > 1e-6 {
		t.Errorf("bargaining margin %.6f, want %.6f (strategic value less capex)", m, wantSV-100)
	}
	// The gain split: Russia's gain is all capacity rent (it owns the pipeline), at the social rate.
	rent := pv(11, 0.05, func(t int) float64 { return 120 * ramp(t) })
	for _, g := range c.Base.Gains {
		if g.Country == "RUS" && math.Abs(g.Rent-rent) > 1e-6 {
			t.Errorf("Russia's rent %.6f, want %.6f", g.Rent, rent)
		}
	}
	// The residual value: the seven years after the period, valued at its end at the social rate.
	wantRes := 0.0
	for k := 1; k <= 7; k++ {
		wantRes += 120 / math.Pow(1.05, float64(k))
	}
	for _, cf := range c.Base.CashFlows {
		if cf.Country == "RUS" && (math.Abs(cf.Residual-wantRes) > 1e-6 || cf.Period != 4) {
			t.Errorf("Russia's residual value %.6f over a period of %d years, want %.6f and 4", cf.Residual, cf.Period, wantRes)
		}
	}
	// Capex enters linearly, through the outlay only: NPV(k) = NPV(1) − (k − 1)·100, so the
	// switching multiplier is 1 + NPV/100.
	for _, s := range c.Base.Switching {
		if s.Input == "capex" && math.Abs(s.Value-(1+wantNPV/100)) > 1e-6 {
			t.Errorf("capex switching value = %.6f, want %.6f", s.Value, 1+wantNPV/100)
		}
	}
}

// TestIdleAssetHasNoResidualValue: a pipeline that costs too much to carry anything (100 per mcm
// against LNG at 50) earns nothing; its opex is paid through the appraisal period only, and the
// years of life after it are worth nothing (not the book value of the remaining life).
func TestIdleAssetHasNoResidualValue(t *testing.T) {
	n := pipelineNet(t, false).Clone()
	n.Links[0].Cost = testnet.Q(100, n.Links[0].Cost.Dim)
	n.Projects[0].Opex = testnet.Q(5, quantity.DimMoneyPerYr)
	n = model.Build(*n)
	out, err := appraise.Run(t.Context(), appraise.Input{Net: n, Scenarios: []*scenario.Scenario{{Name: "none"}},
		Draws: 1, Seed: 1, Workers: 1, NewEngine: newEngine(t), ReferenceYear: 2024, Analysis: true})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Cases[0]
	want := -100 - 5*(1/1.1+1/1.21+1/1.331)
	if got := c.Countries[0].NPV.Mean; math.Abs(got-want) > 1e-6 {
		t.Errorf("Russia's NPV = %.6f, want %.6f", got, want)
	}
	for _, cf := range c.Base.CashFlows {
		if cf.Residual != 0 {
			t.Errorf("%s: residual value %g, want 0 for an idle asset", cf.Country, cf.Residual)
		}
	}
	if *c.Bargaining.Commit != 0 || *c.Accounting.Commit != 0 {
		t.Errorf("commit %g (bargaining), %g (accounting); want 0", *c.Bargaining.Commit, *c.Accounting.Commit)
	}
}

// TestNoFigureWithoutTheDecider: a project of Korea alone, with no Russian territory, money or
// contract, gets no commitment figure (nil), however it turns out.
func TestNoFigureWithoutTheDecider(t *testing.T) {
	n := pipelineNet(t, false).Clone()
	n.Meta.Decider = "CHN"
	n.Countries = append(n.Countries, model.Country{ID: "CHN", Name: "China", DiscountRate: testnet.Q(0.08, quantity.DimNone)})
	n = model.Build(*n)
	out, err := appraise.Run(t.Context(), appraise.Input{Net: n, Scenarios: []*scenario.Scenario{{Name: "none"}},
		Draws: 2, Seed: 1, Workers: 1, NewEngine: newEngine(t), ReferenceYear: 2024})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Cases[0]
	if c.Involved || c.Bargaining.Commit != nil || c.Accounting.Commit != nil || c.Bargaining.BreakEvenPremium != nil {
		t.Errorf("involved %v, commit %v / %v, break-even %v; want false and nil figures", c.Involved, c.Bargaining.Commit, c.Accounting.Commit, c.Bargaining.BreakEvenPremium)
	}
}

// TestDeterministicAcrossWorkers: the same seed gives identical results for any worker count,
// with HiGHS alone and with the pure-Go simplex warm-starting in front of it.
func TestDeterministicAcrossWorkers(t *testing.T) {
	n := pipelineNet(t, true)
	for name, eng := range map[string]func() (lp.Incremental, error){"highs": newEngine(t), "simplex": newSimplexEngine(t)} {
		t.Run(name, func(t *testing.T) {
			run := func(workers int) *appraise.Output {
				out, err := appraise.Run(t.Context(), appraise.Input{Net: n, Scenarios: []*scenario.Scenario{{Name: "none"}},
					Draws: 12, Seed: 42, Workers: workers, NewEngine: eng, ReferenceYear: 2024})
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			one, three := run(1), run(3)
			if !reflect.DeepEqual(one.Cases, three.Cases) {
				t.Errorf("results differ between 1 and 3 workers:\n%+v\n%+v", one.Cases, three.Cases)
			}
			if one.Cases[0].Countries[0].NPV.StdDev == 0 {
				t.Error("the LNG price range produced no spread in Russia's NPV")
			}
		})
	}
}

// TestBreakEvenPremium: with a capex of 1,000 Russia loses money; the break-even premium is the
// yearly amount that offsets its expected margin over the years in service, and adding a little
// more than that premium makes it commit.
func TestBreakEvenPremium(t *testing.T) {
	n := pipelineNet(t, false).Clone()
	n.Projects[0].Capex = testnet.Q(1000, quantity.DimMoney)
	n = model.Build(*n)
	in := appraise.Input{Net: n, Scenarios: []*scenario.Scenario{{Name: "none"}}, Draws: 2, Seed: 1, Workers: 1, NewEngine: newEngine(t), ReferenceYear: 2024}
	out, err := appraise.Run(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	c := out.Cases[0]
	for name, d := range map[string]appraise.Decision{"bargaining": c.Bargaining, "accounting": c.Accounting} {
		if *d.Commit != 0 || *d.BreakEvenPremium <= 0 {
			t.Fatalf("%s: commit %g, break-even %g; want 0 and a positive premium", name, *d.Commit, *d.BreakEvenPremium)
		}
	}
	// Service in years 1–10 at 10 %.
	annuity := pv(11, 0.1, func(t int) float64 { return math.Min(1, float64(t)) })
	if got, want := *c.Accounting.BreakEvenPremium, -c.Countries[0].NPV.Mean/annuity; math.Abs(got-want) > 1e-6 {
		t.Errorf("break-even premium = %.6f, want %.6f", got, want)
	}
	in.Premium = testnet.Q(*c.Bargaining.BreakEvenPremium*1.001, quantity.DimMoneyPerYr)
	out, err = appraise.Run(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got := *out.Cases[0].Bargaining.Commit; got != 1 {
		t.Errorf("with the break-even premium Russia commits in %g of draws, want 1", got)
	}
	if out.Cases[0].PremiumSource != "set for the run" {
		t.Errorf("premium source %q, want set for the run", out.Cases[0].PremiumSource)
	}
}
