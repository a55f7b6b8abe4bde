package serve

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"
	"time"
)

// DefaultCacheBytes is the default size of the in-memory cache of finished response bodies
// (Config.CacheBytes).
const DefaultCacheBytes = 64 << 20

// cacheEntryOverhead is what an entry costs besides its body (key, list element, ETag), counted
// against the cache's size so that many tiny entries cannot grow it without bound.
const cacheEntryOverhead = 256

// body is a ready-to-send response body with its strong ETag, computed once.
type body struct {
	data        []byte
	etag        string
	contentType string
	csp         string // Content-Security-Policy to send instead of the server's, if not empty
}

// newBody returns data as a body with an ETag derived from its SHA-256.
func newBody(data []byte, contentType string) *body {
	sum := sha256.Sum256(data)
	return &body{data: data, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, contentType: contentType}
}

// serve writes b, answering If-None-Match with 304 and HEAD without a body (http.ServeContent).
// Clients must revalidate (no-cache), which costs them a 304 when nothing changed.
func (b *body) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", b.contentType)
	h.Set("ETag", b.etag)
	h.Set("Cache-Control", "no-cache")
	if b.csp != "" {
		h.Set("Content-Security-Policy", b.csp)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b.data))
}

// cacheKey names a cached body: a run's API view or its HTML report.
type cacheKey struct {
	id   int64
	kind string // "run" or "report"
}

// bodyCache is a size-bounded LRU cache of response bodies that never change (those of complete
// runs: a run reaches complete once, in one transaction, and is never written again), so it
// needs no invalidation beyond removal when a run is deleted. Concurrent misses on one key share a single load. It is safe for
// concurrent use.
type bodyCache struct {
	max int64 // bytes; ≤ 0 disables caching (loads are still shared)

	mu      sync.Mutex
	size    int64
	lru     *list.List // of *cacheItem, most recently used first
	items   map[cacheKey]*list.Element
	loading map[cacheKey]*cacheLoad
}

type cacheItem struct {
	key cacheKey
	b   *body
}

// cacheLoad is a load in progress that later callers wait for.
type cacheLoad struct {
	done chan struct{}
	b    *body
	err  error
}

func newBodyCache(maxBytes int64) *bodyCache {
	return &bodyCache{max: maxBytes, lru: list.New(), items: map[cacheKey]*list.Element{}, loading: map[cacheKey]*cacheLoad{}}
}

// cost is what b counts against the cache's size.
func cost(b *body) int64 { return int64(len(b.data)) + cacheEntryOverhead }

// get returns the cached body for k and marks it recently used.
func (c *bodyCache) get(k cacheKey) (*body, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cacheItem).b, true
}

// add stores b under k, evicting the least recently used bodies beyond the size bound. A body
// larger than the whole cache is not stored.
func (c *bodyCache) add(k cacheKey, b *body) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addLocked(k, b)
}

func (c *bodyCache) addLocked(k cacheKey, b *body) {
	if cost(b) > c.max {
		return
	}
	if e, ok := c.items[k]; ok {
		c.size -= cost(e.Value.(*cacheItem).b)
		e.Value.(*cacheItem).b = b
		c.lru.MoveToFront(e)
	} else {
		c.items[k] = c.lru.PushFront(&cacheItem{k, b})
	}
	c.size += cost(b)
	for c.size > c.max {
		e := c.lru.Back()
		it := e.Value.(*cacheItem)
		c.lru.Remove(e)
		delete(c.items, it.key)
		c.size -= cost(it.b)
	}
}

// remove drops k's body (its run was deleted).
func (c *bodyCache) remove(k cacheKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.size -= cost(e.Value.(*cacheItem).b)
		c.lru.Remove(e)
		delete(c.items, k)
	}
}

// load returns the cached body for k or calls f to make it; concurrent callers for the same key
// wait for one call of f. f reports whether its body may be cached (it is final).
func (c *bodyCache) load(k cacheKey, f func() (b *body, final bool, err error)) (*body, error) {
	c.mu.Lock()
	if e, ok := c.items[k]; ok {
		c.lru.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*cacheItem).b, nil
	}
	if l, ok := c.loading[k]; ok {
		c.mu.Unlock()
		<-l.done
		return l.b, l.err
	}
	l := &cacheLoad{done: make(chan struct{})}
	c.loading[k] = l
	c.mu.Unlock()

	var final bool
	l.err = errLoadPanicked // replaced unless f panics
	defer func() {
		c.mu.Lock()
		delete(c.loading, k)
		if l.err == nil && final {
			c.addLocked(k, l.b)
		}
		c.mu.Unlock()
		close(l.done)
	}()
	l.b, final, l.err = f()
	return l.b, l.err
}

// errLoadPanicked is what callers waiting on a load get when the load panicked.
var errLoadPanicked = errors.New("serve: cache load panicked")

// stats returns the number of cached bodies and their cost in bytes.
func (c *bodyCache) stats() (n int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.size
}
