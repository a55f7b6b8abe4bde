package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkResults has 200 concurrent clients read one stored, complete run from a loopback
// server, and reports the median and 99th-percentile latency of a request. Sizes: 24 kB is the
// result of a one-project run; about 500 kB that of the default run (every project and built-in
// scenario, with the analysis) as the server stores it, compact; 1 MB the same result indented, as
// `corridor assess --json` prints it. The target is p99 ≤
// 100 ms with no errors. Every round starts 200 requests at once, so a request's latency
// includes waiting for the others on a 2-core machine.
func BenchmarkResults(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int
	}{{"kB=24", 24 << 10}, {"kB=500", 500 << 10}, {"kB=1024", 1 << 20}} {
		b.Run(size.name, func(b *testing.B) { benchmarkResults(b, size.bytes) })
	}
}

func benchmarkResults(b *testing.B, size int) {
	const clients = 200
	f := newFixture(b, nil)
	ctx := context.Background()
	id, err := f.st.CreateRun(ctx, json.RawMessage(`{"draws":2}`), 1, 2)
	if err == nil {
		err = f.st.MarkRunning(ctx, id)
	}
	if err == nil {
		err = f.st.Complete(ctx, id, json.RawMessage(`{"pad":"`+strings.Repeat("x", size)+`"}`), nil)
	}
	if err != nil {
		b.Fatal(err)
	}
	load(b, clients, fmt.Sprintf("%s/api/runs/%d", f.ts.URL, id), size)
}

// BenchmarkRunList has 200 concurrent clients list the runs of a server holding 1,000 complete
// runs of 500 kB each (#17: the target is p99 ≤ 50 ms; before results moved to their own table,
// 262 stored runs gave 26 requests/s).
func BenchmarkRunList(b *testing.B) {
	const clients, runs = 200, 1000
	f := newFixture(b, nil)
	ctx := context.Background()
	result := json.RawMessage(`{"pad":"` + strings.Repeat("x", 500<<10) + `"}`)
	for range runs {
		id, err := f.st.CreateRun(ctx, json.RawMessage(`{"draws":2}`), 1, 2)
		if err == nil {
			err = f.st.MarkRunning(ctx, id)
		}
		if err == nil {
			err = f.st.Complete(ctx, id, result, nil)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	load(b, clients, f.ts.URL+"/api/runs", 1000)
}

// load starts rounds of clients concurrent GETs of url, each expecting at least minBytes, and
// reports the median and 99th-percentile latency.
func load(b *testing.B, clients int, url string, minBytes int) {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				t0 := time.Now()
				res, err := client.Get(url)
				if err == nil {
					var n int64
					n, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 || n < int64(minBytes) {
						err = fmt.Errorf("status %d, %d bytes", res.StatusCode, n)
					}
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				if err != nil {
					errs++
				}
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	b.StopTimer()
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.5), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	b.ReportMetric(float64(errs), "errors")
	if errs > 0 {
		b.Errorf("%d of %d requests failed", errs, len(lat))
	}
}
