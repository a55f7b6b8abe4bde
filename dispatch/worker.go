package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/pipeline"
)

// WorkerConfig configures RunWorker.
type WorkerConfig struct {
	URL  string
	Name string // shown in the coordinator's log; "" means host name and process id
	// Deps are the engines, logger and goroutines (Workers) each chunk is computed with.
	Deps   pipeline.Deps
	Logger *slog.Logger
	// OnChunk, if not nil, is called when the worker has taken a chunk and signals progress on
	// it, before it computes it.
	OnChunk func(run string, lo, hi int)
}

// transient marks a worker failure that another delivery may not meet (a NATS request that
// timed out): the chunk is handed back instead of failing the run.
type transient struct{ error }

// RunWorker takes chunks from the work queue one at a time until ctx is done, and returns nil
// then; it returns an error when the connection is lost for good. A chunk's result is published
// before the chunk is acknowledged, and the worker signals progress every AckWait/3 while it
// computes, so that only a dead worker's chunk is redelivered. An error that another delivery
// would meet again (bad input, an input hash that differs from the coordinator's, another model
// version) is published as the chunk's result, which fails the run, and the chunk is not
// redelivered.
func RunWorker(ctx context.Context, cfg WorkerConfig) error {
	log := discard(cfg.Logger)
	if cfg.Name == "" {
		host, _ := os.Hostname()
		cfg.Name = fmt.Sprintf("%s/%d", host, os.Getpid())
	}
	c, err := connect(cfg.URL, "corridor worker "+cfg.Name, log)
	if err != nil {
		return err
	}
	defer c.nc.Close()
	if err := Ensure(ctx, c.js, DefaultSetup, false); err != nil {
		return fmt.Errorf("NATS at %s: %w", cfg.URL, err)
	}
	cons, err := c.js.Consumer(ctx, ChunkStream, WorkerGroup)
	if err != nil {
		return fmt.Errorf("NATS at %s: consumer %s: %w", cfg.URL, WorkerGroup, err)
	}
	w := &worker{cfg: cfg, c: c, log: log.With("worker", cfg.Name), ackWait: cons.CachedInfo().Config.AckWait}
	defer w.closeRuns()
	w.log.Info("worker ready", "url", cfg.URL, "ack_wait", w.ackWait)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-c.closed:
			return c.lost()
		default:
		}
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		batch, err := cons.Fetch(1, jetstream.FetchContext(fctx))
		if err != nil {
			cancel()
			if ctx.Err() != nil {
				return nil
			}
			w.log.Debug("fetch", "err", err)
			cons = w.again(ctx, cons, err)
			select {
			case <-time.After(time.Second):
			case <-ctx.Done():
				return nil
			case <-c.closed:
				return c.lost()
			}
			continue
		}
		for m := range batch.Messages() {
			w.handle(ctx, m)
		}
		cancel()
		if err := batch.Error(); err != nil && ctx.Err() == nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
			w.log.Debug("fetch", "err", err)
			cons = w.again(ctx, cons, err)
		}
	}
}

// again returns the work queue's consumer created anew when a fetch failed because it no longer
// exists (a broker restarted on a fresh store), else cons.
func (w *worker) again(ctx context.Context, cons jetstream.Consumer, err error) jetstream.Consumer {
	if !gone(err) {
		return cons
	}
	w.log.Warn("the work queue is gone; creating it again", "err", err)
	if err := Ensure(ctx, w.c.js, DefaultSetup, false); err != nil {
		w.log.Warn("work queue", "err", err)
		return cons
	}
	cc, err := w.c.js.Consumer(ctx, ChunkStream, WorkerGroup)
	if err != nil {
		return cons
	}
	return cc
}

// gone reports whether a fetch failed because the work queue or its consumer no longer exists.
func gone(err error) bool {
	return errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrStreamNotFound)
}

// worker is RunWorker's state: the runs it has prepared, kept for their next chunks.
type worker struct {
	cfg     WorkerConfig
	c       *conn
	log     *slog.Logger
	ackWait time.Duration
	runs    []*preparedRun // most recent first; at most keepRuns
	data    map[string]fs.FS
}

// keepRuns is how many prepared runs (data set, scenarios and LP engines) a worker keeps.
const keepRuns = 2

type preparedRun struct {
	key    string
	drawer *appraise.Drawer
}

func (w *worker) closeRuns() {
	for _, r := range w.runs {
		_ = r.drawer.Close()
	}
}

// handle computes one chunk and publishes its result or its error, then acknowledges it; a
// transient failure or a shutdown hands it back for redelivery.
func (w *worker) handle(ctx context.Context, m jetstream.Msg) {
	var j job
	if err := json.Unmarshal(m.Data(), &j); err != nil || j.Run == "" {
		w.log.Error("not a chunk: dropped", "subject", m.Subject(), "err", err)
		_ = m.TermWithReason("not a corridor chunk")
		return
	}
	log := w.log.With("run", j.Run, "from", j.Lo, "to", j.Hi)
	if md, err := m.Metadata(); err == nil && md.NumDelivered > 1 {
		log = log.With("delivery", md.NumDelivered)
	}
	log.Info("chunk taken")
	// signal progress while computing, so that the chunk is redelivered only if this process dies
	beat, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(max(w.ackWait/3, 100*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-beat.Done():
				return
			case <-t.C:
				_ = m.InProgress()
			}
		}
	})
	if w.cfg.OnChunk != nil {
		w.cfg.OnChunk(j.Run, j.Lo, j.Hi)
	}
	t0 := time.Now()
	batch, err := w.compute(ctx, j)
	stop()
	wg.Wait()
	if ctx.Err() != nil {
		_ = m.Nak() // shutting down: another worker takes it at once
		log.Info("chunk handed back: shutting down")
		return
	}
	if t, ok := errors.AsType[transient](err); ok {
		_ = m.NakWithDelay(time.Second)
		log.Warn("chunk handed back", "err", t.error)
		return
	}
	msg := nats.NewMsg(fmt.Sprintf("%s.%s.%d", resultSubject, j.Run, j.Lo))
	msg.Header.Set(hdrLo, strconv.Itoa(j.Lo))
	msg.Header.Set(hdrHi, strconv.Itoa(j.Hi))
	msg.Header.Set(hdrWorker, w.cfg.Name)
	msg.Header.Set(hdrCompute, time.Since(t0).String())
	msg.Data = batch
	if err == nil {
		if limit := w.c.nc.MaxPayload(); int64(len(batch))+1024 > limit {
			err = fmt.Errorf("a chunk of %d draws encodes to %d bytes, over the server's max_payload of %d: use smaller chunks (--chunk)", j.Hi-j.Lo, len(batch), limit)
		}
	}
	if err != nil {
		log.Error("chunk failed", "err", err)
		msg.Header.Set(hdrError, err.Error())
		msg.Data = nil
	}
	pctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	if _, perr := w.c.js.PublishMsg(pctx, msg, jetstream.WithMsgID(fmt.Sprintf("%s.%d.%d", j.Run, j.Lo, j.Hi)), jetstream.WithExpectStream(ResultStream)); perr != nil {
		_ = m.NakWithDelay(time.Second)
		log.Warn("chunk handed back: publishing its result failed", "err", perr)
		return
	}
	if err != nil {
		_ = m.TermWithReason("failed: " + err.Error())
		return
	}
	_ = m.Ack()
	log.Info("chunk done", "compute", time.Since(t0))
}

// compute prepares the job's run (or reuses it) and computes its draws.
func (w *worker) compute(ctx context.Context, j job) ([]byte, error) {
	if j.Version != pipeline.Version {
		return nil, fmt.Errorf("the run needs corridor model version %s, this worker runs %s", j.Version, pipeline.Version)
	}
	spec, _ := json.Marshal(j.Spec)
	key := j.InputHash + "\x00" + string(spec)
	var run *preparedRun
	for i, r := range w.runs {
		if r.key == key {
			run = r
			w.runs = append(append([]*preparedRun{r}, w.runs[:i]...), w.runs[i+1:]...)
			break
		}
	}
	if run == nil {
		data, err := w.dataSet(ctx, j.Data)
		if err != nil {
			return nil, err
		}
		deps := w.cfg.Deps
		deps.Logger = w.log
		d, hash, err := pipeline.NewDrawer(ctx, j.Spec, data, deps)
		if err != nil {
			return nil, err
		}
		if hash != j.InputHash {
			_ = d.Close()
			return nil, fmt.Errorf("input hash %s here, %s at the coordinator: the data set or scenarios differ", hash, j.InputHash)
		}
		run = &preparedRun{key: key, drawer: d}
		w.runs = append([]*preparedRun{run}, w.runs...)
		if len(w.runs) > keepRuns {
			_ = w.runs[keepRuns].drawer.Close()
			w.runs = w.runs[:keepRuns]
		}
	}
	return run.drawer.Draws(ctx, j.Lo, j.Hi, nil)
}

// dataSet returns the zipped data set named name from the data bucket, cached.
func (w *worker) dataSet(ctx context.Context, name string) (fs.FS, error) {
	if f, ok := w.data[name]; ok {
		return f, nil
	}
	obs, err := w.c.js.ObjectStore(ctx, DataBucket)
	if err != nil {
		return nil, transient{fmt.Errorf("data bucket: %w", err)}
	}
	b, err := obs.GetBytes(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, fmt.Errorf("data set %s is not in the bucket %s", name, DataBucket)
	} else if err != nil {
		return nil, transient{fmt.Errorf("fetch data set %s: %w", name, err)}
	}
	f, err := unzipData(b)
	if err != nil {
		return nil, err
	}
	if w.data == nil || len(w.data) >= 4 {
		w.data = map[string]fs.FS{}
	}
	w.data[name] = f
	return f, nil
}
