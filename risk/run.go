package risk

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Options configures Run.
type Options struct {
	// Workers is the number of goroutines; 0 or less means runtime.GOMAXPROCS(0). It is capped
	// at the number of draws. The results do not depend on it.
	Workers int
	// Progress, if not nil, is called after each successful draw with the number of draws done
	// so far and the total. Calls are serialised and done increases by one per call, but they
	// come from worker goroutines and hold up the calling worker: keep Progress quick.
	Progress func(done, total int)
}

// Run evaluates fn for draws 0..n−1 on opt.Workers goroutines and returns the results in draw
// order: result i is fn's value for draw i, whichever worker computed it and when, so a run is
// deterministic if fn(ctx, i, w) depends only on i (seed its randomness with Stream(seed, i)).
// The worker index w ∈ [0, workers) lets fn use per-worker state, such as one LP engine per
// worker, without locking; no two concurrent calls share a w.
//
// Draws are handed out dynamically (an atomic counter), so slow draws do not idle the other
// workers. The first error returned by fn cancels the context passed to the other calls, stops
// the handing out of draws, and is returned as "draw i: err" after all workers have stopped.
// If ctx is cancelled before every draw is done, Run stops promptly (each worker checks ctx
// before each draw; fn should check it too if a draw is long) and returns ctx.Err(). On any error
// the results are nil. Run panics if n < 0.
//
// The results grow with the draws handed out, never allocated for n up front, so a run asked for
// more draws than memory holds fails or is cancelled having allocated for the draws it ran.
func Run[T any](ctx context.Context, n int, opt Options, fn func(ctx context.Context, draw, worker int) (T, error)) ([]T, error) {
	if n < 0 {
		panic(fmt.Sprintf("risk: Run with %d draws", n))
	}
	if n == 0 {
		return []T{}, ctx.Err()
	}
	var out []T // guarded by mu; grows to the highest draw done
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64 // the next draw to hand out
		mu       sync.Mutex   // guards done, firstErr and Progress calls
		done     int
		firstErr error
		wg       sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for runCtx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				v, err := fn(runCtx, i, w)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("draw %d: %w", i, err)
						cancel()
					}
					mu.Unlock()
					return
				}
				if i >= len(out) {
					out = slices.Grow(out, i+1-len(out))[:i+1]
				}
				out[i] = v
				done++
				if opt.Progress != nil {
					opt.Progress(done, n)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	switch {
	case done == n:
		return out, nil
	case ctx.Err() != nil: // the caller cancelled: report that, not a draw that saw it
		return nil, ctx.Err()
	case firstErr != nil:
		return nil, firstErr
	}
	panic("risk: Run stopped early without an error") // unreachable
}
