package serve

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corridor-dev/corridor/store"
)

func TestBodyCacheLRU(t *testing.T) {
	b := func(n int) *body { return newBody(make([]byte, n), "text/plain") }
	// room for three 1000-byte bodies with their overhead, not four
	c := newBodyCache(3 * (1000 + cacheEntryOverhead))
	for id := int64(1); id <= 3; id++ {
		c.add(cacheKey{id, "run"}, b(1000))
	}
	c.get(cacheKey{1, "run"})               // 1 is now the most recently used, 2 the least
	c.add(cacheKey{4, "run"}, b(1000))      // evicts 2
	c.add(cacheKey{5, "run"}, b(1_000_000)) // larger than the cache: not stored
	for id, want := range map[int64]bool{1: true, 2: false, 3: true, 4: true, 5: false} {
		if _, ok := c.get(cacheKey{id, "run"}); ok != want {
			t.Errorf("after adding 4: get(%d) found %v, want %v", id, ok, want)
		}
	}
	if n, size := c.stats(); n != 3 || size != 3*(1000+cacheEntryOverhead) {
		t.Errorf("stats = %d entries, %d bytes, want 3, %d", n, size, 3*(1000+cacheEntryOverhead))
	}

	// concurrent misses share one load; a body that is not final is not kept
	var calls atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 50 {
		wg.Go(func() {
			<-start
			got, err := c.load(cacheKey{9, "run"}, func() (*body, bool, error) {
				calls.Add(1)
				return b(10), false, nil
			})
			if err != nil || len(got.data) != 10 {
				t.Errorf("load = %v, %v", got, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := calls.Load(); n < 1 || n > 50 {
		t.Errorf("load called %d times", n)
	}
	if _, ok := c.get(cacheKey{9, "run"}); ok {
		t.Errorf("a body that is not final was cached")
	}
}

// TestResultCache checks that a complete run is served from memory with an ETag that
// If-None-Match honours, byte for byte what the store holds, and that runs still going are not
// cached.
func TestResultCache(t *testing.T) {
	f := newFixture(t, nil)
	ctx := t.Context()
	result := `{"cases":[{"Project":"P","Scenario":"s"}],"note":"<&>"}`
	id, err := f.st.CreateRun(ctx, json.RawMessage(`{"draws":2}`), 1, 2)
	if err == nil {
		err = f.st.MarkRunning(ctx, id)
	}
	if err != nil {
		t.Fatal(err)
	}
	get := func(hdr map[string]string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/runs/%d", f.ts.URL, id), nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := f.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b)
	}

	res, running := get(nil)
	if res.StatusCode != 200 || !strings.Contains(running, `"status":"running"`) {
		t.Fatalf("GET running run = %d %s", res.StatusCode, running)
	}
	if n, _ := f.srv.cache.stats(); n != 0 {
		t.Errorf("a running run was cached (%d entries)", n)
	}

	if err := f.st.Complete(ctx, id, json.RawMessage(result), nil); err != nil {
		t.Fatal(err)
	}
	res, first := get(nil)
	etag := res.Header.Get("ETag")
	if res.StatusCode != 200 || etag == "" || !strings.HasPrefix(etag, `"`) || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET complete run = %d, ETag %q, Cache-Control %q", res.StatusCode, etag, res.Header.Get("Cache-Control"))
	}
	var v struct {
		Status store.Status
		Result json.RawMessage
		Done   int
		Total  int
	}
	if err := json.Unmarshal([]byte(first), &v); err != nil {
		t.Fatal(err)
	}
	if v.Status != store.Complete || string(v.Result) != result || v.Done != 2 || v.Total != 2 {
		t.Errorf("GET complete run = %s %s %d/%d, want complete with the stored result, 2/2", v.Status, v.Result, v.Done, v.Total)
	}
	if n, _ := f.srv.cache.stats(); n != 1 {
		t.Errorf("cache holds %d bodies after reading a complete run, want 1", n)
	}
	if _, second := get(nil); second != first {
		t.Errorf("second read differs from the first:\n%s\n%s", second, first)
	}
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		if res, b := get(map[string]string{"If-None-Match": inm}); res.StatusCode != 304 || b != "" || res.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match: %s = %d with %d bytes, ETag %q; want 304, empty, %s", inm, res.StatusCode, len(b), res.Header.Get("ETag"), etag)
		}
	}
	if res, _ := get(map[string]string{"If-None-Match": `"stale"`}); res.StatusCode != 200 {
		t.Errorf("If-None-Match with another tag = %d, want 200", res.StatusCode)
	}
}
