// Package dispatch runs a run's Monte Carlo draws on worker processes over NATS JetStream
// (decision 0017). A Coordinator splits the draws into chunks and publishes them to a work-queue
// stream; workers (RunWorker) take one chunk at a time, compute it with pipeline.NewDrawer and
// publish its encoded batch to a results stream, which the Coordinator gathers keyed by run and
// chunk. JetStream does the scheduling: a chunk is acknowledged when its result is published, so
// a worker that dies mid-chunk loses nothing (the chunk is redelivered after the ack wait) and a
// chunk answered twice counts once. StartBroker runs an embedded JetStream server for one
// machine and the tests.
//
// The package holds no global state; every function takes a context and an injected logger.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Names of the JetStream resources every coordinator and worker shares.
const (
	ChunkStream   = "CORRIDOR_CHUNKS"  // work queue of chunks of draws
	ResultStream  = "CORRIDOR_RESULTS" // encoded batches and errors, by run and chunk
	WorkerGroup   = "corridor-workers" // the one durable pull consumer all workers share
	DataBucket    = "corridor-data"    // object store of data sets, zipped, by content hash
	chunkSubject  = "corridor.chunk"   // .<run>.<lo>
	resultSubject = "corridor.result"  // .<run>.<lo>
)

// Headers of a result message.
const (
	hdrLo      = "Corridor-Lo"      // first draw of the chunk
	hdrHi      = "Corridor-Hi"      // one past its last draw
	hdrError   = "Corridor-Error"   // the worker's error, deterministic: the run fails with it
	hdrWorker  = "Corridor-Worker"  // the worker's name
	hdrCompute = "Corridor-Compute" // time the worker spent computing, as a Go duration
)

// Setup is how JetStream treats chunks: how long a worker may hold one without a sign of life
// before it is given to another, and how often it is given out before the run fails.
type Setup struct {
	// AckWait is the time after which an unacknowledged chunk is redelivered. Workers signal
	// progress every AckWait/3, so it bounds the time a dead worker's chunk waits, not the time
	// a chunk may take.
	AckWait time.Duration
	// MaxDeliver is how often a chunk is delivered at most; a chunk that is still unanswered
	// then fails its run.
	MaxDeliver int
}

// DefaultSetup is the Setup a coordinator or worker creates when the streams do not exist yet.
var DefaultSetup = Setup{AckWait: 30 * time.Second, MaxDeliver: 5}

// Ensure creates the streams, the workers' consumer and the data bucket when missing; with
// replace it also updates existing ones to setup (the broker's setup is authoritative).
func Ensure(ctx context.Context, js jetstream.JetStream, setup Setup, replace bool) error {
	if setup.AckWait <= 0 || setup.MaxDeliver < 1 {
		return fmt.Errorf("dispatch: ack wait %v and max deliver %d: want both positive", setup.AckWait, setup.MaxDeliver)
	}
	streams := []jetstream.StreamConfig{
		{Name: ChunkStream, Subjects: []string{chunkSubject + ".>"}, Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage,
			MaxAge: 24 * time.Hour, Duplicates: 2 * time.Minute, Description: "corridor: chunks of Monte Carlo draws to compute"},
		{Name: ResultStream, Subjects: []string{resultSubject + ".>"}, Retention: jetstream.LimitsPolicy, Storage: jetstream.FileStorage,
			MaxAge: time.Hour, Duplicates: 2 * time.Minute, Description: "corridor: computed chunks, by run and first draw"},
	}
	for _, cfg := range streams {
		if err := ensure(ctx, replace, func() error { _, err := js.Stream(ctx, cfg.Name); return err },
			func() error { _, err := js.CreateOrUpdateStream(ctx, cfg); return err }); err != nil {
			return fmt.Errorf("dispatch: stream %s: %w", cfg.Name, err)
		}
	}
	cc := jetstream.ConsumerConfig{Durable: WorkerGroup, AckPolicy: jetstream.AckExplicitPolicy, AckWait: setup.AckWait, MaxDeliver: setup.MaxDeliver,
		FilterSubject: chunkSubject + ".>", Description: "corridor workers"}
	if err := ensure(ctx, replace, func() error { _, err := js.Consumer(ctx, ChunkStream, WorkerGroup); return err },
		func() error { _, err := js.CreateOrUpdateConsumer(ctx, ChunkStream, cc); return err }); err != nil {
		return fmt.Errorf("dispatch: consumer %s: %w", WorkerGroup, err)
	}
	if _, err := js.ObjectStore(ctx, DataBucket); err != nil {
		if !errors.Is(err, jetstream.ErrBucketNotFound) {
			return fmt.Errorf("dispatch: bucket %s: %w", DataBucket, err)
		}
		if _, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: DataBucket, Storage: jetstream.FileStorage, TTL: 24 * time.Hour,
			Description: "corridor: data sets of runs, zipped, by content hash"}); err != nil {
			return fmt.Errorf("dispatch: bucket %s: %w", DataBucket, err)
		}
	}
	return nil
}

// ensure creates a resource when get finds none, or always with replace.
func ensure(ctx context.Context, replace bool, get, create func() error) error {
	if !replace {
		err := get()
		if err == nil {
			return nil
		}
		if !errors.Is(err, jetstream.ErrStreamNotFound) && !errors.Is(err, jetstream.ErrConsumerNotFound) {
			return err
		}
	}
	if err := create(); err != nil {
		return err
	}
	return ctx.Err()
}

// ConnectTimeout bounds connecting to the server and every JetStream request.
const ConnectTimeout = 5 * time.Second

// conn is a connection with its JetStream context; closed is closed when the connection is
// closed for good (the server stayed unreachable through every reconnect attempt).
type conn struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	url    string
	closed chan struct{}
}

// connect connects to the server at url. It gives up reconnecting after about ten seconds
// without a server, so that nothing waits on a dead server for long.
func connect(url, name string, log *slog.Logger) (*conn, error) {
	c := &conn{url: url, closed: make(chan struct{})}
	nc, err := nats.Connect(url, nats.Name(name), nats.Timeout(ConnectTimeout), nats.MaxReconnects(10), nats.ReconnectWait(time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("NATS connection lost; reconnecting", "url", url, "err", err)
			}
		}),
		nats.ReconnectHandler(func(*nats.Conn) { log.Warn("NATS connection back", "url", url) }),
		nats.ClosedHandler(func(*nats.Conn) { close(c.closed) }))
	if err != nil {
		return nil, fmt.Errorf("connect to NATS at %s: %w (is a server running? start one with \"corridor broker\" or \"nats-server -js\")", url, err)
	}
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(ConnectTimeout))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("NATS at %s: %w", url, err)
	}
	c.nc, c.js = nc, js
	return c, nil
}

// lost is the error of a connection closed for good.
func (c *conn) lost() error {
	err := c.nc.LastError()
	if err == nil {
		err = nats.ErrConnectionClosed
	}
	return fmt.Errorf("lost the connection to NATS at %s: %w", c.url, err)
}

func discard(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}
