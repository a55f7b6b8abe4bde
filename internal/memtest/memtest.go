// Package memtest measures the peak heap a piece of code needs, for tests that hold code to a
// memory budget (#17: any 1 MiB request body within 100 MB of extra memory).
package memtest

import (
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// heapObjects is the runtime metric sampled: bytes of heap objects, live or not yet swept, so
// it is what the process holds, garbage included (HeapAlloc of runtime.MemStats).
const heapObjects = "/memory/classes/heap/objects:bytes"

// Peak runs fn and returns the highest heap it saw above the heap before fn, and fn's time. It
// collects garbage first, then samples the heap every 100 µs from another goroutine while fn runs,
// so a spike shorter than that can be missed: the figure is a lower bound, close for code that
// allocates over milliseconds. Other goroutines' allocations during fn count too: run it alone.
func Peak(fn func()) (extra uint64, elapsed time.Duration) {
	runtime.GC()
	base := read()
	var high atomic.Uint64
	high.Store(base)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			if v := read(); v > high.Load() {
				high.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	t0 := time.Now()
	fn()
	elapsed = time.Since(t0)
	if v := read(); v > high.Load() {
		high.Store(v)
	}
	close(stop)
	<-done
	return high.Load() - base, elapsed
}

// read returns the current bytes of heap objects.
func read() uint64 {
	s := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
