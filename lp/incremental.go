package lp

import "context"

// Incremental is an Engine that keeps a loaded model between solves, so that a sequence of
// small changes (costs and bounds drawn per Monte Carlo sample) is re-solved from the previous
// basis instead of from scratch.
//
// Typical use, one Incremental per worker:
//
//	if err := eng.Load(ctx, base); err != nil { ... }
//	for each draw {
//		eng.SetCosts(idx, cost)
//		sol, err := eng.Resolve(ctx, opt)
//	}
//
// Solve(ctx, m, opt) is equivalent to Load(ctx, m) followed by Resolve(ctx, opt): a cold start.
// Changes are applied to the engine's own copy; the Model passed to Load is never modified or
// retained. Set… methods return an error wrapping ErrInvalidModel when no model is loaded, the
// slices differ in length, an index is out of range, a value is NaN, or lo[k] > hi[k].
type Incremental interface {
	Engine
	// Load replaces the engine's model with a copy of m and discards any basis.
	Load(ctx context.Context, m *Model) error
	// SetCosts sets the objective coefficient of column idx[k] to cost[k].
	SetCosts(idx []int, cost []float64) error
	// SetColBounds sets the bounds of column idx[k] to [lo[k], hi[k]].
	SetColBounds(idx []int, lo, hi []float64) error
	// SetRowBounds sets the bounds of row idx[k] to [lo[k], hi[k]].
	SetRowBounds(idx []int, lo, hi []float64) error
	// SetBasis makes b (from an earlier Solution of the same model) the starting basis of the
	// next Resolve, so that what follows does not depend on what the engine solved before.
	SetBasis(ctx context.Context, b *Basis) error
	// Resolve solves the current model, warm-started from the last basis when the engine has
	// one. Results and errors are as for Engine.Solve.
	Resolve(ctx context.Context, opt Options) (*Solution, error)
}
