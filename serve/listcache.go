package serve

import (
	"sync"
	"time"
)

// listTTL is how long a run-list body is served before it is built again even without a
// change: the progress of running runs in it may be that old (the events stream has it live).
const listTTL = 200 * time.Millisecond

// listCache holds the bodies of recent run-list requests. Every change to the runs this server
// makes (create, start, finish, cancel, delete, prune) clears it, so apart from progress a list
// is never stale; concurrent misses for one query share one build. It is safe for concurrent
// use.
type listCache struct {
	now func() time.Time

	mu      sync.Mutex
	gen     uint64 // changes so far; a build started before a change is not kept
	entries map[listKey]listEntry
	loading map[listKey]*listLoad
}

// listKey is a run-list query: GET /api/runs?limit=&before=.
type listKey struct {
	limit  int
	before int64
}

type listEntry struct {
	body []byte
	at   time.Time
}

type listLoad struct {
	done chan struct{}
	body []byte
	err  error
}

func newListCache() *listCache {
	return &listCache{now: time.Now, entries: map[listKey]listEntry{}, loading: map[listKey]*listLoad{}}
}

// changed forgets every cached list.
func (c *listCache) changed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}

// load returns the body for k, from the cache while it is fresh, else from build (shared by
// concurrent callers).
func (c *listCache) load(k listKey, build func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if e, ok := c.entries[k]; ok && c.now().Sub(e.at) < listTTL {
		c.mu.Unlock()
		return e.body, nil
	}
	if l, ok := c.loading[k]; ok {
		c.mu.Unlock()
		<-l.done
		return l.body, l.err
	}
	l := &listLoad{done: make(chan struct{})}
	c.loading[k] = l
	gen, at := c.gen, c.now()
	c.mu.Unlock()

	l.body, l.err = build()
	c.mu.Lock()
	delete(c.loading, k)
	if l.err == nil && c.gen == gen {
		c.entries[k] = listEntry{l.body, at}
	}
	c.mu.Unlock()
	close(l.done)
	return l.body, l.err
}
