package risk

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corridor-dev/corridor/quantity"
)

// drawValue is a draw that uses its own stream only, as Run's contract asks.
func drawValue(seed uint64) func(ctx context.Context, draw, worker int) (float64, error) {
	r := quantity.Range{Low: 1, Mode: 2, High: 5, Dist: quantity.PERT}
	return func(ctx context.Context, draw, worker int) (float64, error) {
		rng := Stream(seed, uint64(draw))
		return Sample(r, rng) + Sample(r, rng), nil
	}
}

func TestRunDeterministic(t *testing.T) {
	const n = 1000
	want, err := Run(t.Context(), n, Options{Workers: 1}, drawValue(7))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 7, 0, 5000} {
		got, err := Run(t.Context(), n, Options{Workers: w}, drawValue(7))
		if err != nil {
			t.Fatalf("Run(workers=%d): %v", w, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Run(workers=%d) differs from Run(workers=1)", w)
		}
	}
	other, _ := Run(t.Context(), n, Options{Workers: 3}, drawValue(8))
	if slices.Equal(other, want) {
		t.Error("seeds 7 and 8 gave the same draws")
	}
}

func TestRunWorkerIndexAndProgress(t *testing.T) {
	const n, workers = 500, 4
	var busy [workers]atomic.Int32 // a worker index is never used by two calls at once
	var last, calls int
	got, err := Run(t.Context(), n, Options{
		Workers: workers,
		Progress: func(done, total int) {
			calls++ // serialised by Run
			if done != last+1 || total != n {
				t.Errorf("Progress(%d, %d) after done=%d, want (%d, %d)", done, total, last, last+1, n)
			}
			last = done
		},
	}, func(ctx context.Context, draw, w int) (int, error) {
		if w < 0 || w >= workers {
			return 0, fmt.Errorf("worker index %d outside [0, %d)", w, workers)
		}
		if busy[w].Add(1) != 1 {
			t.Errorf("worker index %d used concurrently", w)
		}
		defer busy[w].Add(-1)
		return draw * draw, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != i*i {
			t.Fatalf("result[%d] = %d, want %d", i, v, i*i)
		}
	}
	if calls != n {
		t.Errorf("Progress called %d times, want %d", calls, n)
	}
}

func TestRunError(t *testing.T) {
	const n, workers = 10_000, 4
	boom := errors.New("solver failed")
	var started, lateStarts atomic.Int32
	_, err := Run(t.Context(), n, Options{Workers: workers}, func(ctx context.Context, draw, w int) (int, error) {
		started.Add(1)
		if ctx.Err() != nil {
			lateStarts.Add(1)
		}
		if draw == 10 {
			return 0, boom
		}
		time.Sleep(100 * time.Microsecond)
		return draw, ctx.Err()
	})
	if !errors.Is(err, boom) || err.Error() != "draw 10: solver failed" {
		t.Errorf("Run error = %v, want \"draw 10: solver failed\" wrapping boom", err)
	}
	// How many draws start before the failing worker gets to cancel is up to the scheduler; what
	// Run promises is that no draw is handed out once the context is cancelled, except to a
	// worker that had already passed its check: at most one per worker.
	if s := lateStarts.Load(); s > workers {
		t.Errorf("%d draws started after the error cancelled the run, want at most %d (one per worker)", s, workers)
	}
	if s := started.Load(); s == n {
		t.Errorf("all %d draws started, want the run to stop early", s)
	}
}

func TestRunCancel(t *testing.T) {
	const n, workers = 1_000_000, 3
	ctx, cancel := context.WithCancel(t.Context())
	var started, lateStarts atomic.Int32
	res, err := Run(ctx, n, Options{Workers: workers}, func(ctx context.Context, draw, w int) (int, error) {
		if ctx.Err() != nil {
			lateStarts.Add(1)
		}
		if started.Add(1) == 50 {
			cancel()
		}
		return draw, nil
	})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("Run after cancel = %d results, %v; want nil, context.Canceled", len(res), err)
	}
	// The other workers may run many draws while the cancelling one waits for a core (a timing
	// matter, not Run's); once cancel has returned, at most one draw per worker may still start.
	if s := lateStarts.Load(); s > workers {
		t.Errorf("%d draws started after cancel, want at most %d (one per worker)", s, workers)
	}
	if s := started.Load(); s == n {
		t.Errorf("all %d draws started, want a prompt stop after cancel", s)
	}

	// A cancelled context before the start: nothing runs.
	ctx, cancel = context.WithCancel(t.Context())
	cancel()
	if _, err := Run(ctx, 10, Options{}, func(context.Context, int, int) (int, error) {
		t.Error("draw ran under a cancelled context")
		return 0, nil
	}); !errors.Is(err, context.Canceled) {
		t.Errorf("Run(cancelled ctx) error = %v, want context.Canceled", err)
	}
}

func TestRunEdges(t *testing.T) {
	got, err := Run(t.Context(), 0, Options{}, func(context.Context, int, int) (int, error) { return 1, nil })
	if err != nil || len(got) != 0 {
		t.Errorf("Run(0 draws) = %v, %v; want [], nil", got, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Run(-1 draws) did not panic")
		}
	}()
	_, _ = Run(t.Context(), -1, Options{}, func(context.Context, int, int) (int, error) { return 1, nil })
}

// Results grow with the draws done, never allocated for n up front (#17: a billion draws
// allocated 24 GB before the first one ran): a run of 2^40 draws stopped by an error at draw 1,000
// or by cancellation allocates about what its draws need.
func TestRunAllocatesAsItGoes(t *testing.T) {
	const huge = 1 << 40
	for _, tt := range []struct {
		name string
		stop func(cancel context.CancelFunc, draw int) error
	}{
		{"error", func(_ context.CancelFunc, draw int) error {
			if draw >= 1000 {
				return errors.New("stop")
			}
			return nil
		}},
		{"cancel", func(cancel context.CancelFunc, draw int) error {
			if draw >= 1000 {
				cancel()
			}
			return nil
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			got, err := Run(ctx, huge, Options{Workers: 2}, func(_ context.Context, draw, _ int) ([3]float64, error) {
				return [3]float64{}, tt.stop(cancel, draw)
			})
			runtime.ReadMemStats(&after)
			if err == nil || got != nil {
				t.Fatalf("Run = %d results, %v; want an error", len(got), err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Errorf("allocated %d bytes for about 1,000 draws of 24 bytes", alloc)
			}
		})
	}
	// and a complete run still returns every draw in order
	got, err := Run(t.Context(), 5000, Options{Workers: 3}, func(_ context.Context, draw, _ int) (int, error) { return draw, nil })
	if err != nil || len(got) != 5000 {
		t.Fatalf("Run(5000) = %d results, %v", len(got), err)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("result %d = %d", i, v)
		}
	}
}

func BenchmarkRun(b *testing.B) {
	r := quantity.Range{Low: 1, Mode: 2, High: 5}
	for _, w := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, err := Run(b.Context(), 10_000, Options{Workers: w}, func(_ context.Context, draw, _ int) (float64, error) {
					return Sample(r, Stream(1, uint64(draw))), nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestKeyedStreams: a keyed stream depends on the seed, the draw and the key only; different
// keys, draws or seeds give different streams.
func TestKeyedStreams(t *testing.T) {
	a, b := Keyed(7, 3, "links/L1/capacity").Uint64(), Keyed(7, 3, "links/L1/capacity").Uint64()
	if a != b {
		t.Fatalf("same seed, draw and key: %d and %d", a, b)
	}
	seen := map[uint64]string{}
	for _, c := range []struct {
		seed, draw uint64
		key        string
	}{{7, 3, "links/L1/capacity"}, {7, 3, "links/L1/cost"}, {7, 4, "links/L1/capacity"}, {8, 3, "links/L1/capacity"}, {7, 3, ""}} {
		v := Keyed(c.seed, c.draw, c.key).Uint64()
		if prev, dup := seen[v]; dup {
			t.Errorf("%+v gives the same first value as %s", c, prev)
		}
		seen[v] = fmt.Sprint(c)
	}
}
