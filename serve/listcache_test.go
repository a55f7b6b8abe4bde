package serve

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corridor-dev/corridor/store"
)

func TestListCache(t *testing.T) {
	now := time.Unix(0, 0)
	c := newListCache()
	c.now = func() time.Time { return now }
	var builds atomic.Int32
	build := func() ([]byte, error) {
		n := builds.Add(1)
		return fmt.Appendf(nil, "body %d", n), nil
	}
	k := listKey{limit: 200}
	get := func() string {
		t.Helper()
		b, err := c.load(k, build)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := get(); got != "body 1" {
		t.Fatalf("first load = %q", got)
	}
	if got := get(); got != "body 1" {
		t.Errorf("load within the TTL = %q, want the cached body 1", got)
	}
	c.changed()
	if got := get(); got != "body 2" {
		t.Errorf("load after a change = %q, want a new build", got)
	}
	now = now.Add(listTTL)
	if got := get(); got != "body 3" {
		t.Errorf("load after the TTL = %q, want a new build", got)
	}
	if b, _ := c.load(listKey{limit: 5}, build); string(b) != "body 4" {
		t.Errorf("another query = %q, want its own build", b)
	}

	// concurrent misses share one build
	c.changed()
	release := make(chan struct{})
	before := builds.Load()
	slow := func() ([]byte, error) { <-release; return build() }
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { c.load(k, slow) })
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := builds.Load() - before; n != 1 {
		t.Errorf("50 concurrent misses built %d times, want 1", n)
	}

	// a build that a change overtakes is served once but not kept
	c.changed()
	before = builds.Load()
	c.load(k, func() ([]byte, error) { c.changed(); return build() })
	get()
	if n := builds.Load() - before; n != 2 {
		t.Errorf("builds = %d, want 2 (the first overtaken by a change)", n)
	}
	// errors are not kept
	fail := errors.New("disk")
	c.changed()
	if _, err := c.load(k, func() ([]byte, error) { return nil, fail }); !errors.Is(err, fail) {
		t.Errorf("load = %v, want the build's error", err)
	}
	if got := get(); got == "" {
		t.Error("a failed build was kept")
	}
}

// A run the full queue rejects is not left behind as a failed run (#17).
func TestQueueFullLeavesNoRun(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Queue = 1; c.Concurrent = 1 })
	body := jsonBody(map[string]any{"scenarios": []string{"x1"}, "draws": 2000})
	var accepted []int64
	rejected := 0
	for range 4 {
		var created struct{ ID int64 }
		switch code := f.do(t, "POST", "/api/runs", body, nil, &created); code {
		case 202:
			accepted = append(accepted, created.ID)
		case 503:
			rejected++
		default:
			t.Fatalf("POST /api/runs = %d", code)
		}
	}
	if rejected == 0 {
		t.Fatal("no request was rejected: the test needs a full queue")
	}
	runs, err := f.st.List(t.Context(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != len(accepted) {
		t.Errorf("%d runs stored for %d accepted requests (%d rejected)", len(runs), len(accepted), rejected)
	}
	for _, r := range runs {
		if r.Status == store.Failed {
			t.Errorf("run %d failed: %s", r.ID, r.Error)
		}
	}
	for _, id := range accepted {
		f.do(t, "POST", fmt.Sprintf("/api/runs/%d/cancel", id), "{}", nil, nil)
	}
}
