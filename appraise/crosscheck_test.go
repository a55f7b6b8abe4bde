package appraise_test

import (
	"context"
	"math"
	"testing"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/simplex"
)

// crossChecked is the engine the command line uses — the pure-Go simplex warm, HiGHS cold and
// as fallback — with every warm answer checked against a cold HiGHS solve of the same model.
type crossChecked struct {
	*simplex.Engine
	oracle lp.Engine
	model  *lp.Model // the engine's model, kept in step with every change
	tb     testing.TB
	solves int
}

func (c *crossChecked) Load(ctx context.Context, m *lp.Model) error {
	c.model = cloneModel(m)
	return c.Engine.Load(ctx, m)
}

func (c *crossChecked) SetCosts(idx []int, cost []float64) error {
	for k, j := range idx {
		c.model.Vars[j].Cost = cost[k]
	}
	return c.Engine.SetCosts(idx, cost)
}

func (c *crossChecked) SetColBounds(idx []int, lo, hi []float64) error {
	for k, j := range idx {
		c.model.Vars[j].Lower, c.model.Vars[j].Upper = lo[k], hi[k]
	}
	return c.Engine.SetColBounds(idx, lo, hi)
}

func (c *crossChecked) SetRowBounds(idx []int, lo, hi []float64) error {
	for k, i := range idx {
		c.model.Rows[i].Lower, c.model.Rows[i].Upper = lo[k], hi[k]
	}
	return c.Engine.SetRowBounds(idx, lo, hi)
}

func (c *crossChecked) Resolve(ctx context.Context, opt lp.Options) (*lp.Solution, error) {
	got, err := c.Engine.Resolve(ctx, opt)
	if err != nil {
		return got, err
	}
	want, err := c.oracle.Solve(ctx, c.model, opt)
	if err != nil {
		c.tb.Fatalf("HiGHS: %v", err)
	}
	c.solves++
	if got.Status != want.Status {
		c.tb.Fatalf("solve %d: status %v, HiGHS says %v", c.solves, got.Status, want.Status)
	}
	if rel := math.Abs(got.Objective-want.Objective) / math.Max(1, math.Abs(want.Objective)); got.Status == lp.StatusOptimal && rel > 1e-9 {
		c.tb.Errorf("solve %d: objective %.12g, HiGHS %.12g (relative difference %.2g)", c.solves, got.Objective, want.Objective, rel)
	}
	return got, nil
}

func cloneModel(m *lp.Model) *lp.Model {
	c := *m
	c.Vars = append([]lp.Var(nil), m.Vars...)
	c.Rows = append([]lp.Row(nil), m.Rows...)
	return &c // Index and Coef are never changed through the engine
}

// TestSimplexAgreesWithHiGHS runs a draw of the default assessment of two projects under every
// scenario and checks every one of its warm re-solves — market states, the extremes that pick
// their canonical optima, the network game's coalition values — against a cold HiGHS solve of
// the same LP.
func TestSimplexAgreesWithHiGHS(t *testing.T) {
	if testing.Short() {
		t.Skip("several hundred cold HiGHS solves")
	}
	n, scs := defaultAssessment(t)
	highsEngine := newEngine(t)
	var engines []*crossChecked
	_, err := appraise.Run(t.Context(), appraise.Input{Net: n, Scenarios: scs, Draws: 1, Seed: 11, Workers: 1,
		Projects: []string{"GAS_RDK", "TUMEN_ROAD_BRIDGE"},
		NewEngine: func() (lp.Incremental, error) {
			fb, err := highsEngine()
			if err != nil {
				return nil, err
			}
			oracle, err := highsEngine()
			if err != nil {
				return nil, err
			}
			c := &crossChecked{Engine: simplex.New(simplex.Config{Fallback: fb}), oracle: oracle, tb: t}
			engines = append(engines, c)
			return c, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	solves, fallbacks := 0, 0
	for _, c := range engines {
		solves += c.solves
		fallbacks += c.Fallbacks()
		_ = c.oracle.Close()
	}
	t.Logf("%d solves checked against HiGHS; %d handed to the fallback (cold solves included)", solves, fallbacks)
	if solves < 100 {
		t.Errorf("only %d solves checked", solves)
	}
}
