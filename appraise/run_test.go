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
// Russia alone: capex 100 in the base year, one year to build, ten years of life, no opex.
func pipelineNet(t testing.TB, withRanges bool) *model.Network {
	b := testnet.New().Country("RUS", "KOR").Node("V", "RUS").Node("S", "KOR").
		Commodity("gas", "mcm", "gas").
		Link("pipe", "V", "S", "gas", 6, 10, testnet.Status(model.StatusProposed, "P")).
		Supply("sV", "V", "gas", [2]float64{20, 20}).Demand("dS", "S", "gas", [2]float64{10, 100}).
		Backstop("lng", "S", "gas", 50, "").Project("P", "pipe")
	n := b.Network().Clone()
	n.Meta.HorizonYears = 3
	n.Meta.SocialDiscountRate = testnet.Q(0.05, quantity.DimNone)
	n.Countries[0].DiscountRate = testnet.Q(0.1, quantity.DimNone)
	n.Countries[1].DiscountRate = testnet.Q(0.1, quantity.DimNone)
	p := &n.Projects[0]
	p.Class = "" // no reference-class overrun: the test is deterministic
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

// TestHandComputedCase checks the whole chain — flows, welfare by country, schedule, ramp-up,
// residual value, discounting — against a case worked by hand.
//
// With the pipeline, 6 mcm flow at a delivered 20 + 10 = 30 against LNG at 50: the pipeline's
// capacity earns 50 − 30 = 20 per mcm, 120 a year, split by km between Russia and Korea (60
// each); consumers pay 50 either way. Capex 100 falls in year 0; service starts in year 1 and
// ramps up over three years (1/3, 2/3, 1); at the horizon (year 3) 7 of 10 years of life remain,
// a residual value of 70. Russia: −100, 20, 40, 60 + 70 at 10 %:
// −100 + 20/1.1 + 40/1.21 + 130/1.331 = 48.9106 (rounded).
func TestHandComputedCase(t *testing.T) {
	n := pipelineNet(t, false)
	out, err := appraise.Run(t.Context(), appraise.Input{Net: n, Scenarios: []*scenario.Scenario{{Name: "none"}},
		Draws: 3, Seed: 1, Workers: 1, NewEngine: newEngine(t), ReferenceYear: 2024, Analysis: true})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Cases[0]
	want := -100 + 20/1.1 + 40/1.21 + 130/1.331
	ru, kr := c.Countries[0], c.Countries[1]
	if math.Abs(ru.NPV.Mean-want) > 1e-6 {
		t.Errorf("Russia's NPV = %.6f, want %.6f", ru.NPV.Mean, want)
	}
	// Korea pays nothing and gains 20, 40, 60 at 10 %.
	if wantKR := 20/1.1 + 40/1.21 + 60/1.331; math.Abs(kr.NPV.Mean-wantKR) > 1e-6 {
		t.Errorf("Korea's NPV = %.6f, want %.6f", kr.NPV.Mean, wantKR)
	}
	// Discounted payback: cumulative −100, −81.8, −48.8 after years 0–2 and +48.9 after year 3,
	// so Russia is paid back during year 3.
	if pb := ru.Payback; pb.N != 3 || ru.PaybackNever != 0 || pb.P50 <= 2 || pb.P50 >= 3 {
		t.Errorf("Russia's payback = %+v (never %g), want in every draw between 2 and 3 years", pb, ru.PaybackNever)
	}
	if c.Commit != 1 || c.BreakEvenPremium != 0 {
		t.Errorf("commit = %g, break-even premium = %g; want 1, 0", c.Commit, c.BreakEvenPremium)
	}
	// Shapley: the pipeline crosses both countries, so neither gains alone; the game is
	// symmetric in the gains (60 a year each, residual value excluded), so each gets half of v(N):
	// 20/1.05 + 40/1.05² + 60/1.05³ = 107.159 at the social rate.
	if sh := c.Base.Shapley; len(sh) != 2 || math.Abs(sh[0].Shapley-sh[1].Shapley) > 1e-6 || math.Abs(sh[0].Shapley-(20/1.05+40/1.1025+60/1.157625)) > 1e-6 {
		t.Errorf("Shapley split = %+v, want two equal shares", sh)
	}
	// Capex enters linearly, through the outlay and the residual value: NPV(k) = NPV(1) −
	// (k − 1)(100 − 70/1.331), so the switching multiplier is 1 + NPV/(100 − 70/1.331) = 2.0317.
	wantK := 1 + want/(100-70/1.331)
	for _, s := range c.Base.Switching {
		if s.Input == "capex" && math.Abs(s.Value-wantK) > 1e-6 {
			t.Errorf("capex switching value = %.6f, want %.6f", s.Value, wantK)
		}
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
// yearly amount that offsets its expected NPV over the years in service, and adding exactly that
// premium makes it commit in (about) half of the draws or more.
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
	if c.Commit != 0 || c.BreakEvenPremium <= 0 {
		t.Fatalf("commit %g, break-even %g; want 0 and a positive premium", c.Commit, c.BreakEvenPremium)
	}
	// Service shares 1, 1, 1 in years 1–3 at 10 %: annuity 1/1.1 + 1/1.21 + 1/1.331.
	annuity := 1/1.1 + 1/1.21 + 1/1.331
	if got, want := c.BreakEvenPremium, -c.Countries[0].NPV.Mean/annuity; math.Abs(got-want) > 1e-6 {
		t.Errorf("break-even premium = %.6f, want %.6f", got, want)
	}
	in.Premium = map[string]quantity.Quantity{"RUS": testnet.Q(c.BreakEvenPremium*1.001, quantity.DimMoneyPerYr)}
	out, err = appraise.Run(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if out.Cases[0].Commit != 1 {
		t.Errorf("with the break-even premium Russia commits in %g of draws, want 1", out.Cases[0].Commit)
	}
}
