package dispatch_test

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/corridor-dev/corridor/dispatch"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/lp/simplex"
	"github.com/corridor-dev/corridor/pipeline"
)

// anyRegion is the synthetic data set of the command's tests: small, so a draw takes
// milliseconds.
const anyRegion = "../cmd/corridor/testdata/anyregion"

var shared struct {
	once sync.Once
	rt   *highs.Runtime
	err  error
}

func engines(t testing.TB) func() (lp.Incremental, error) {
	t.Helper()
	shared.once.Do(func() { shared.rt, shared.err = highs.NewRuntime(context.Background(), highs.Config{Presolve: "off"}) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return func() (lp.Incremental, error) {
		fb, err := shared.rt.NewEngine()
		if err != nil {
			return nil, err
		}
		return simplex.New(simplex.Config{Fallback: fb}), nil
	}
}

// broker starts an embedded server with a short ack wait.
func broker(t *testing.T, setup dispatch.Setup) *dispatch.Broker {
	t.Helper()
	b, err := dispatch.StartBroker(t.Context(), dispatch.BrokerConfig{Listen: "127.0.0.1:0", StoreDir: t.TempDir(), Setup: setup})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Shutdown)
	return b
}

// startWorkers runs n workers in goroutines until the test ends.
func startWorkers(t *testing.T, url string, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			err := dispatch.RunWorker(ctx, dispatch.WorkerConfig{URL: url, Name: "w" + string(rune('0'+i)),
				Deps: pipeline.Deps{NewEngine: engines(t), Workers: 1}})
			if err != nil {
				t.Errorf("worker: %v", err)
			}
		})
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
}

func spec(draws int) pipeline.Spec {
	return pipeline.Spec{Data: anyRegion, Draws: draws, Seed: 7}
}

func run(t *testing.T, s pipeline.Spec, remote pipeline.Remote) []byte {
	t.Helper()
	res, err := pipeline.Run(t.Context(), s, os.DirFS(anyRegion), pipeline.Deps{NewEngine: engines(t), Workers: 2, Remote: remote})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res.Appraisal)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSameBytes: a run whose draws are computed by workers in chunks gives the bytes of a local
// run, with a precision target too (batches of draws, each its own set of chunks).
func TestSameBytes(t *testing.T) {
	b := broker(t, dispatch.Setup{AckWait: time.Second, MaxDeliver: 3})
	startWorkers(t, b.URL(), 2)
	co, err := dispatch.NewCoordinator(t.Context(), dispatch.CoordinatorConfig{URL: b.URL(), Chunk: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer co.Close()
	for _, s := range []pipeline.Spec{spec(18), {Data: anyRegion, Draws: 120, Seed: 3, Precision: 0.5}} {
		local := run(t, s, nil)
		var calls int
		remote := run(t, s, func(ctx context.Context, j pipeline.Job, lo, hi int, progress func(int)) ([][]byte, error) {
			calls++
			return co.Remote(ctx, j, lo, hi, progress)
		})
		if string(local) != string(remote) {
			t.Errorf("draws %d: the distributed run differs from the local one", s.Draws)
		}
		if calls == 0 {
			t.Error("the coordinator was not used")
		}
	}
}

// TestWindow: a coordinator keeps at most Window chunks of a run on the stream, publishing the
// next as results come back, and the run gives the bytes of a local one (#17: draws streamed,
// never all allocated up front).
func TestWindow(t *testing.T) {
	b := broker(t, dispatch.Setup{AckWait: time.Second, MaxDeliver: 3})
	startWorkers(t, b.URL(), 2)
	const window = 2
	co, err := dispatch.NewCoordinator(t.Context(), dispatch.CoordinatorConfig{URL: b.URL(), Chunk: 1, Window: window})
	if err != nil {
		t.Fatal(err)
	}
	defer co.Close()
	nc, err := nats.Connect(b.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	s := spec(12)
	local := run(t, s, nil)
	most := 0
	remote := run(t, s, func(ctx context.Context, j pipeline.Job, lo, hi int, progress func(int)) ([][]byte, error) {
		return co.Remote(ctx, j, lo, hi, func(done int) {
			if st, err := js.Stream(ctx, dispatch.ChunkStream); err == nil {
				if info, err := st.Info(ctx); err == nil {
					most = max(most, int(info.State.Msgs))
				}
			}
			if progress != nil {
				progress(done)
			}
		})
	})
	if string(local) != string(remote) {
		t.Error("the distributed run differs from the local one")
	}
	// a worker acknowledges its chunk after publishing the result, so each of the two may hold
	// one answered chunk beside the window
	if most > window+2 {
		t.Errorf("the chunk stream held %d messages, window %d and 2 workers", most, window)
	}
}

// TestWorkerError: a worker that cannot reproduce the run's input hash fails the run with the
// reason, at once, instead of having the chunk redelivered.
func TestWorkerError(t *testing.T) {
	b := broker(t, dispatch.Setup{AckWait: time.Second, MaxDeliver: 3})
	startWorkers(t, b.URL(), 1)
	co, err := dispatch.NewCoordinator(t.Context(), dispatch.CoordinatorConfig{URL: b.URL(), Chunk: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer co.Close()
	t0 := time.Now()
	_, err = co.Remote(t.Context(), pipeline.Job{Spec: spec(8), InputHash: "not-the-hash", Data: os.DirFS(anyRegion)}, 0, 8, nil)
	if err == nil || !strings.Contains(err.Error(), "input hash") || !strings.Contains(err.Error(), "not-the-hash") {
		t.Fatalf("err = %v, want the input hash mismatch", err)
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("took %v: the error was redelivered instead of failing the run", d)
	}
}

// TestMaxDeliver: a chunk that workers keep taking and never answer fails the run after
// MaxDeliver deliveries, with a message that says so.
func TestMaxDeliver(t *testing.T) {
	b := broker(t, dispatch.Setup{AckWait: 200 * time.Millisecond, MaxDeliver: 2})
	// a worker that takes every chunk and dies with it (never acknowledges)
	nc, err := nats.Connect(b.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	cons, err := js.Consumer(t.Context(), dispatch.ChunkStream, dispatch.WorkerGroup)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := cons.Consume(func(jetstream.Msg) {})
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Stop()
	co, err := dispatch.NewCoordinator(t.Context(), dispatch.CoordinatorConfig{URL: b.URL(), Chunk: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer co.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	_, err = co.Remote(ctx, pipeline.Job{Spec: spec(4), InputHash: "h", Data: os.DirFS(anyRegion)}, 0, 4, nil)
	if err == nil || !strings.Contains(err.Error(), "delivered 2 times and never answered") {
		t.Fatalf("err = %v, want the chunk's deliveries exhausted", err)
	}
}

// TestDeadServer: a server that does not answer is an error within a bound, never a wait.
func TestDeadServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://" + l.Addr().String()
	l.Close() // nothing listens there now
	t0 := time.Now()
	_, err = dispatch.NewCoordinator(t.Context(), dispatch.CoordinatorConfig{URL: url})
	if err == nil || !strings.Contains(err.Error(), "connect to NATS at "+url) {
		t.Fatalf("err = %v", err)
	}
	err = dispatch.RunWorker(t.Context(), dispatch.WorkerConfig{URL: url})
	if err == nil || !strings.Contains(err.Error(), "connect to NATS at "+url) {
		t.Fatalf("worker: err = %v", err)
	}
	if d := time.Since(t0); d > 2*dispatch.ConnectTimeout {
		t.Errorf("took %v", d)
	}
}

// TestServerDiesMidRun: the coordinator reports a server that goes away during a run as an
// error within a bound (reconnects given up), never a hang.
func TestServerDiesMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the reconnects to give up (about 10 s)")
	}
	b := broker(t, dispatch.Setup{AckWait: time.Second, MaxDeliver: 3})
	co, err := dispatch.NewCoordinator(t.Context(), dispatch.CoordinatorConfig{URL: b.URL(), Chunk: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer co.Close()
	time.AfterFunc(500*time.Millisecond, b.Shutdown) // no worker: the run waits on the server
	t0 := time.Now()
	_, err = co.Remote(t.Context(), pipeline.Job{Spec: spec(4), InputHash: "h", Data: os.DirFS(anyRegion)}, 0, 4, nil)
	if err == nil || !strings.Contains(err.Error(), "lost the connection to NATS") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(t0); d > 30*time.Second {
		t.Errorf("took %v", d)
	}
	t.Logf("error after %v: %v", time.Since(t0).Round(100*time.Millisecond), err)
}

// TestQueueRecreated: workers keep working when the work queue is deleted and made again (a
// broker restarted on a fresh store) instead of waiting on a consumer that is gone.
func TestQueueRecreated(t *testing.T) {
	b := broker(t, dispatch.Setup{AckWait: time.Second, MaxDeliver: 3})
	startWorkers(t, b.URL(), 1)
	time.Sleep(300 * time.Millisecond) // the worker fetches from the first queue
	nc, err := nats.Connect(b.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	if err := js.DeleteStream(t.Context(), dispatch.ChunkStream); err != nil {
		t.Fatal(err)
	}
	co, err := dispatch.NewCoordinator(t.Context(), dispatch.CoordinatorConfig{URL: b.URL(), Chunk: 4}) // makes the queue again
	if err != nil {
		t.Fatal(err)
	}
	defer co.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s := spec(8)
	if local, remote := run(t, s, nil), run(t, s, func(_ context.Context, j pipeline.Job, lo, hi int, progress func(int)) ([][]byte, error) {
		return co.Remote(ctx, j, lo, hi, progress)
	}); string(local) != string(remote) {
		t.Error("the run after the queue was made again differs from the local one")
	}
}
