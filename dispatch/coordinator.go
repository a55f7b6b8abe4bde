package dispatch

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/corridor-dev/corridor/pipeline"
)

// DefaultChunk is the draws of one chunk when the coordinator is given none: on the built-in
// data a draw costs about 0.6 core-seconds, so a chunk is several seconds of work against a few
// milliseconds of overhead, and 100 draws still make 10 chunks to share.
const DefaultChunk = 10

// DefaultWindow is the most chunks of a run published and not yet gathered when the coordinator
// is given no window: far more than the worker goroutines of any cluster the project targets,
// so they never wait for work, while a run of a million draws does not put a hundred thousand
// messages (each carrying the run's spec, scenario texts included) on the stream up front.
const DefaultWindow = 1024

// CoordinatorConfig configures a Coordinator.
type CoordinatorConfig struct {
	URL   string // the NATS server, e.g. nats://127.0.0.1:4222
	Chunk int    // draws per chunk; ≤ 0 means DefaultChunk
	// Window is the most chunks of a run published and not yet gathered; ≤ 0 means
	// DefaultWindow. More are published as results come back.
	Window int
	Logger *slog.Logger
	// Stalled is how long the coordinator waits without a result before it checks that some
	// worker is attached and warns when none is; 0 means 10 s.
	Stalled time.Duration
}

// Coordinator publishes runs' chunks and gathers their results. Its Remote method is a
// pipeline.Remote. It is safe for concurrent use; Close closes its connection.
type Coordinator struct {
	c       *conn
	chunk   int
	window  int
	log     *slog.Logger
	stalled time.Duration
	mu      sync.Mutex
	data    map[string]bool // data objects known to be in the bucket
}

// NewCoordinator connects to the server and creates the streams when missing.
func NewCoordinator(ctx context.Context, cfg CoordinatorConfig) (*Coordinator, error) {
	log := discard(cfg.Logger)
	c, err := connect(cfg.URL, "corridor coordinator", log)
	if err != nil {
		return nil, err
	}
	if err := Ensure(ctx, c.js, DefaultSetup, false); err != nil {
		c.nc.Close()
		return nil, fmt.Errorf("NATS at %s: %w", cfg.URL, err)
	}
	co := &Coordinator{c: c, chunk: cfg.Chunk, window: cfg.Window, log: log, stalled: cfg.Stalled, data: map[string]bool{}}
	if co.chunk <= 0 {
		co.chunk = DefaultChunk
	}
	if co.window <= 0 {
		co.window = DefaultWindow
	}
	if co.stalled <= 0 {
		co.stalled = 10 * time.Second
	}
	return co, nil
}

// Close closes the connection.
func (co *Coordinator) Close() { co.c.nc.Close() }

// Chunk returns the draws per chunk.
func (co *Coordinator) Chunk() int { return co.chunk }

// result is one gathered chunk.
type result struct {
	lo, hi int
	batch  []byte
}

// Remote computes draws [lo, hi) of job on the workers: it uploads the data set (once per
// content), publishes one chunk message per Chunk draws under a new run id, at most Window of
// them ahead of the results gathered, and gathers one result per chunk, whichever worker
// computed it and however often. It fails with the worker's
// message when a worker reports an error, when a chunk was delivered MaxDeliver times without
// an answer, and when the connection is lost for good. It removes the run's chunks and results
// from the streams before it returns.
func (co *Coordinator) Remote(ctx context.Context, j pipeline.Job, lo, hi int, progress func(done int)) ([][]byte, error) {
	if hi <= lo {
		return nil, nil
	}
	data, err := co.upload(ctx, j)
	if err != nil {
		return nil, err
	}
	run := newRunID()
	log := co.log.With("run", run)
	// cleanup with a context of its own: an interrupted run removes its chunks too
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ConnectTimeout)
		defer cancel()
		co.purge(cctx, run)
	}()

	results := make(chan *nats.Msg, 64)
	quit := make(chan struct{})
	defer close(quit)
	failures := make(chan error, 4)
	cons, err := co.c.js.OrderedConsumer(ctx, ResultStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{resultSubject + "." + run + ".>"}})
	if err != nil {
		return nil, fmt.Errorf("NATS: gather results: %w", err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case results <- &nats.Msg{Subject: m.Subject(), Header: m.Headers(), Data: m.Data()}:
		case <-quit:
		}
	}, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		log.Debug("gathering results", "err", err)
	}))
	if err != nil {
		return nil, fmt.Errorf("NATS: gather results: %w", err)
	}
	defer cc.Stop()
	// a chunk delivered MaxDeliver times without an answer fails the run
	var seqMu sync.Mutex
	seqs := map[uint64]int{}  // stream sequence → first draw of a chunk not yet gathered
	seqOf := map[int]uint64{} // the reverse, to forget a chunk once gathered
	adv, err := co.c.nc.Subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES."+ChunkStream+"."+WorkerGroup, func(m *nats.Msg) {
		var a struct {
			StreamSeq  uint64 `json:"stream_seq"`
			Deliveries uint64 `json:"deliveries"`
		}
		if json.Unmarshal(m.Data, &a) != nil {
			return
		}
		seqMu.Lock()
		first, ours := seqs[a.StreamSeq]
		seqMu.Unlock()
		if ours {
			select {
			case failures <- fmt.Errorf("the chunk of draws from %d was delivered %d times and never answered: the workers that took it died or stopped signalling (see their logs)", first, a.Deliveries):
			default:
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("NATS: %w", err)
	}
	defer adv.Unsubscribe()

	chunks := (hi - lo + co.chunk - 1) / co.chunk
	published := 0
	// publish sends the next chunk; the window keeps the stream from holding every chunk of a
	// long run at once
	publish := func() error {
		a := lo + published*co.chunk
		b := min(a+co.chunk, hi)
		body, err := json.Marshal(job{Run: run, Lo: a, Hi: b, Version: pipeline.Version, Spec: j.Spec, InputHash: j.InputHash, Data: data})
		if err != nil {
			return err
		}
		ack, err := co.c.js.Publish(ctx, fmt.Sprintf("%s.%s.%d", chunkSubject, run, a), body, jetstream.WithMsgID(fmt.Sprintf("%s.%d.%d", run, a, b)),
			jetstream.WithExpectStream(ChunkStream))
		if err != nil {
			return fmt.Errorf("NATS: publish the chunk of draws %d..%d: %w", a, b, err)
		}
		seqMu.Lock()
		seqs[ack.Sequence] = a
		seqOf[a] = ack.Sequence
		seqMu.Unlock()
		published++
		return nil
	}
	for published < min(chunks, co.window) {
		if err := publish(); err != nil {
			return nil, err
		}
	}
	log.Info("chunks published", "draws", hi-lo, "from", lo, "chunks", published, "of", chunks, "chunk", co.chunk)

	got := map[int]result{}
	done := 0
	tick := time.NewTicker(co.stalled)
	defer tick.Stop()
	last := time.Now()
	for len(got) < chunks {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-co.c.closed:
			return nil, co.c.lost()
		case err := <-failures:
			return nil, fmt.Errorf("distributed run: %w", err)
		case m := <-results:
			r, err := parseResult(m)
			if err != nil {
				return nil, err
			}
			if prev, dup := got[r.lo]; dup {
				if !bytes.Equal(prev.batch, r.batch) || prev.hi != r.hi {
					return nil, fmt.Errorf("distributed run: draws %d..%d came back twice with different figures: the workers do not compute the same answer (different corridor builds?)", r.lo, r.hi)
				}
				log.Debug("duplicate result ignored", "from", r.lo)
				continue
			}
			got[r.lo] = r
			done += r.hi - r.lo
			seqMu.Lock()
			delete(seqs, seqOf[r.lo])
			delete(seqOf, r.lo)
			seqMu.Unlock()
			if published < chunks {
				if err := publish(); err != nil {
					return nil, err
				}
			}
			last = time.Now()
			log.Debug("chunk gathered", "from", r.lo, "to", r.hi, "worker", m.Header.Get(hdrWorker), "compute", m.Header.Get(hdrCompute))
			if progress != nil {
				progress(done)
			}
		case <-tick.C:
			if time.Since(last) < co.stalled {
				continue
			}
			if info, err := co.c.js.Consumer(ctx, ChunkStream, WorkerGroup); err == nil {
				if ci, err := info.Info(ctx); err == nil && ci.NumWaiting == 0 && ci.NumAckPending == 0 {
					log.Warn("no worker is taking chunks: start one with \"corridor worker --nats "+co.c.url+"\"", "chunks_done", len(got), "chunks", chunks)
				}
			}
		}
	}
	out := make([][]byte, 0, chunks)
	for _, r := range got {
		out = append(out, r.batch)
	}
	return out, nil
}

// parseResult reads a result message; a worker's error becomes the run's.
func parseResult(m *nats.Msg) (result, error) {
	lo, err1 := strconv.Atoi(m.Header.Get(hdrLo))
	hi, err2 := strconv.Atoi(m.Header.Get(hdrHi))
	if err := errors.Join(err1, err2); err != nil {
		return result{}, fmt.Errorf("distributed run: a result without its draws (%s): %w", m.Subject, err)
	}
	if e := m.Header.Get(hdrError); e != "" {
		return result{}, fmt.Errorf("worker %s, draws %d..%d: %s", m.Header.Get(hdrWorker), lo, hi, e)
	}
	return result{lo: lo, hi: hi, batch: m.Data}, nil
}

// upload puts the job's data set into the data bucket unless it is there, and returns its name.
func (co *Coordinator) upload(ctx context.Context, j pipeline.Job) (string, error) {
	b, name, err := zipData(j.Data)
	if err != nil {
		return "", err
	}
	co.mu.Lock()
	known := co.data[name]
	co.mu.Unlock()
	if known {
		return name, nil
	}
	obs, err := co.c.js.ObjectStore(ctx, DataBucket)
	if err != nil {
		return "", fmt.Errorf("NATS: data bucket: %w", err)
	}
	if _, err := obs.GetInfo(ctx, name); errors.Is(err, jetstream.ErrObjectNotFound) {
		if _, err := obs.PutBytes(ctx, name, b); err != nil {
			return "", fmt.Errorf("NATS: upload the data set (%d bytes): %w", len(b), err)
		}
		co.log.Info("data set uploaded", "object", name, "bytes", len(b))
	} else if err != nil {
		return "", fmt.Errorf("NATS: data bucket: %w", err)
	}
	co.mu.Lock()
	co.data[name] = true
	co.mu.Unlock()
	return name, nil
}

// purge removes a run's chunks (those no worker has finished) and results from the streams.
func (co *Coordinator) purge(ctx context.Context, run string) {
	for stream, subject := range map[string]string{ChunkStream: chunkSubject, ResultStream: resultSubject} {
		s, err := co.c.js.Stream(ctx, stream)
		if err == nil {
			err = s.Purge(ctx, jetstream.WithPurgeSubject(subject+"."+run+".>"))
		}
		if err != nil {
			co.log.Debug("purge", "stream", stream, "run", run, "err", err)
		}
	}
}

// newRunID returns a random run id, safe as a subject token.
func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
