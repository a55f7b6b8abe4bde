package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/corridor-dev/corridor/dispatch"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/pipeline"
)

// processEnv makes the test binary a corridor process (TestMain): "cli" runs its arguments as
// a command line, "stuck-worker" runs a worker that announces each chunk it takes on stdout and
// then holds it without computing, until it is killed.
const processEnv = "CORRIDOR_TEST_PROCESS"

func TestMain(m *testing.M) {
	switch os.Getenv(processEnv) {
	case "cli":
		main()
	case "stuck-worker":
		os.Exit(stuckWorker(os.Args[1]))
	}
	os.Exit(m.Run())
}

// stuckWorker is a worker process that takes a chunk and never finishes it.
func stuckWorker(url string) int {
	ctx := context.Background()
	rt, err := highs.NewRuntime(ctx, highs.Config{Presolve: "off"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	err = dispatch.RunWorker(ctx, dispatch.WorkerConfig{URL: url, Name: "stuck", Deps: pipeline.Deps{NewEngine: warmEngines(rt), Workers: 1},
		OnChunk: func(run string, lo, hi int) {
			fmt.Printf("taken %s %d %d\n", run, lo, hi)
			time.Sleep(time.Hour)
		}})
	fmt.Fprintln(os.Stderr, err)
	return 1
}

// testBroker starts an embedded JetStream server whose chunks are redelivered one second after
// their worker stops signalling.
func testBroker(t testing.TB) *dispatch.Broker {
	t.Helper()
	b, err := dispatch.StartBroker(context.Background(), dispatch.BrokerConfig{Listen: "127.0.0.1:0", StoreDir: t.TempDir(),
		Setup: dispatch.Setup{AckWait: time.Second, MaxDeliver: 5}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Shutdown)
	return b
}

// workerProcess is a worker run as a process of its own (the test binary re-executed).
type workerProcess struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
}

// startWorkers starts n "corridor worker" processes with one goroutine each; stop ends them.
func startWorkers(t testing.TB, url string, n int) (stop func() []*workerProcess) {
	t.Helper()
	var ps []*workerProcess
	for range n {
		p := &workerProcess{cmd: exec.Command(os.Args[0], "worker", "--nats", url, "--workers", "1", "-v")}
		p.cmd.Env = append(os.Environ(), processEnv+"=cli")
		p.cmd.Stderr = &p.stderr
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	var once sync.Once
	stop = func() []*workerProcess {
		once.Do(func() {
			for _, p := range ps {
				_ = p.cmd.Process.Signal(os.Interrupt)
			}
			for _, p := range ps {
				_ = p.cmd.Wait() // exit 130: interrupted
			}
		})
		return ps
	}
	t.Cleanup(func() { stop() })
	waitForWorkers(t, url, n)
	return stop
}

// waitForWorkers waits until n workers wait on the work queue, so that a run's chunks are shared.
func waitForWorkers(t testing.TB, url string, n int) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if c, err := js.Consumer(ctx, dispatch.ChunkStream, dispatch.WorkerGroup); err == nil {
			if ci, err := c.Info(ctx); err == nil && ci.NumWaiting >= n {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%d workers did not attach within 60 s", n)
}

// distributedArgs is the run the tests distribute: the synthetic region, small enough for a
// draw to take milliseconds.
func distributedArgs(extra ...string) []string {
	return append([]string{"assess", "--data", anyRegion, "--draws", "24", "--seed", "3", "--json"}, extra...)
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("corridor %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// TestDistributedSameBytes: assess --nats with 1, 2 and 4 worker processes prints the bytes of
// a local run.
func TestDistributedSameBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	b := testBroker(t)
	want := runOK(t, distributedArgs()...)
	for _, n := range []int{1, 2, 4} {
		stop := startWorkers(t, b.URL(), n)
		t0 := time.Now()
		got := runOK(t, distributedArgs("--nats", b.URL(), "--chunk", "2")...)
		elapsed := time.Since(t0)
		ps := stop()
		if got != want {
			t.Errorf("%d workers: the output differs from the local run's", n)
		}
		var took []string
		for i, p := range ps {
			took = append(took, strconv.Itoa(strings.Count(p.stderr.String(), "chunk done")))
			if strings.Contains(p.stderr.String(), "level=ERROR") {
				t.Errorf("worker %d logged an error:\n%s", i, p.stderr.String())
			}
		}
		t.Logf("%d worker processes: same bytes: %v, %v, chunks done by each: %s", n, got == want, elapsed.Round(time.Millisecond), strings.Join(took, ", "))
	}
}

// TestDistributedKillWorker: a worker killed (SIGKILL) while it holds a chunk loses nothing: the
// chunk goes to another worker after the ack wait and the output is the bytes of a local run.
func TestDistributedKillWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	b := testBroker(t)
	want := runOK(t, distributedArgs()...)
	stuck := exec.Command(os.Args[0], b.URL())
	stuck.Env = append(os.Environ(), processEnv+"=stuck-worker")
	out, err := stuck.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := stuck.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stuck.Process.Kill(); _ = stuck.Wait() })
	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	go func() {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), distributedArgs("--nats", b.URL(), "--chunk", "4", "-v"), strings.NewReader(""), &stdout, &stderr)
		done <- result{code, stdout.String(), stderr.String()}
	}()
	taken := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		taken <- line
	}()
	select {
	case line := <-taken:
		t.Logf("the stuck worker took a chunk: %s", strings.TrimSpace(line))
	case <-time.After(60 * time.Second):
		t.Fatal("the stuck worker took no chunk within 60 s")
	}
	if err := stuck.Process.Kill(); err != nil { // SIGKILL, mid-chunk
		t.Fatal(err)
	}
	_ = stuck.Wait()
	stop := startWorkers(t, b.URL(), 1)
	var r result
	select {
	case r = <-done:
	case <-time.After(120 * time.Second):
		t.Fatal("the run did not finish within 120 s of the kill")
	}
	ps := stop()
	if r.code != exitOK {
		t.Fatalf("assess --nats: exit %d\n%s", r.code, r.errOut)
	}
	if r.out != want {
		t.Error("after the kill the output differs from the local run's")
	}
	if log := ps[0].stderr.String(); !strings.Contains(log, "delivery=2") {
		t.Errorf("the killed worker's chunk was not redelivered to the other:\n%s", log)
	}
	t.Logf("same bytes after kill -9: %v; redelivered: %v", r.out == want, strings.Contains(ps[0].stderr.String(), "delivery=2"))
}

// TestDistributedDeadServer: assess --nats with no server there fails at once with a clear
// error, exit status 1.
func TestDistributedDeadServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://" + l.Addr().String()
	l.Close()
	t0 := time.Now()
	code, _, errOut := runCLI(t, distributedArgs("--nats", url)...)
	if code != exitFailure || !strings.Contains(errOut, "connect to NATS at "+url) || !strings.Contains(errOut, "corridor broker") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if d := time.Since(t0); d > 2*dispatch.ConnectTimeout {
		t.Errorf("took %v", d)
	}
	t.Logf("after %v: %s", time.Since(t0).Round(time.Millisecond), strings.TrimSpace(errOut))
	if code, _, errOut := runCLI(t, distributedArgs("--chunk", "5")...); code != exitUsage || !strings.Contains(errOut, "give --nats too") {
		t.Errorf("--chunk without --nats: exit %d, %q", code, errOut)
	}
}

// cliOK runs a command line in this process and fails tb unless it succeeds.
func cliOK(tb testing.TB, args ...string) {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(tb.Context(), args, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		tb.Fatalf("corridor %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
}

// BenchmarkDistributed measures draws/s of the built-in data's status-quo scenario (every
// project; 0.15–0.35 s a draw on one core, depending on the load) run here on 1 and 2
// goroutines, and on 1, 2 and 4 worker processes of one goroutine each, each set on its own
// embedded JetStream server on loopback, in chunks of 2 draws. Every iteration runs each of the
// five once, in turn, so that a machine whose load drifts (a shared one) biases none of them;
// each figure is a whole assess run (data loading and base-case flows included, analysis off),
// so the local ones are the baseline. Every run has a seed of its own, so that workers cannot
// reuse a run they prepared (and its warm LP engines) where a local run starts cold; they do
// keep their compiled LP engine, as a long-running worker does. On a machine with c cores, more
// than c workers cannot help.
func BenchmarkDistributed(b *testing.B) {
	const draws = 24
	args := []string{"assess", "--scenario", "x1", "--draws", strconv.Itoa(draws), "--analysis=false", "--json"}
	type setup struct {
		name string
		args []string
	}
	setups := []setup{{"local-1-goroutine", []string{"--workers", "1"}}, {"local-2-goroutines", []string{"--workers", "2"}}}
	for _, n := range []int{1, 2, 4} {
		br := testBroker(b)
		stop := startWorkers(b, br.URL(), n)
		defer stop()
		setups = append(setups, setup{fmt.Sprintf("nats-%d-workers", n), []string{"--nats", br.URL(), "--chunk", "2"}})
	}
	took := make([]time.Duration, len(setups))
	seed := 100
	for b.Loop() {
		for i, s := range setups {
			seed++
			t0 := time.Now()
			cliOK(b, append(append(args, "--seed", strconv.Itoa(seed)), s.args...)...)
			took[i] += time.Since(t0)
		}
	}
	for i, s := range setups {
		b.ReportMetric(float64(draws*b.N)/took[i].Seconds(), "draws/s-"+s.name)
	}
}

// BenchmarkChunkOverhead measures what a chunk costs beyond its draws: the synthetic region's 96
// draws (about 2 ms each) on one worker process, in 96 chunks of one draw and in one chunk of 96;
// the difference over 95 chunks is the overhead of one (publishing, fetching, acknowledging,
// gathering and decoding).
func BenchmarkChunkOverhead(b *testing.B) {
	const draws = 96
	br := testBroker(b)
	stop := startWorkers(b, br.URL(), 1)
	defer stop()
	args := []string{"assess", "--data", anyRegion, "--draws", strconv.Itoa(draws), "--analysis=false", "--json", "--nats", br.URL()}
	cliOK(b, append(args, "--chunk", "1")...) // the worker prepares the run once
	var small, whole time.Duration
	for b.Loop() {
		t0 := time.Now()
		cliOK(b, append(args, "--chunk", "1")...)
		t1 := time.Now()
		cliOK(b, append(args, "--chunk", strconv.Itoa(draws))...)
		small, whole = small+t1.Sub(t0), whole+time.Since(t1)
	}
	b.ReportMetric(float64((small-whole).Microseconds())/1000/float64(b.N)/(draws-1), "ms/chunk")
	b.ReportMetric(float64(whole.Milliseconds())/float64(b.N), "ms/run-in-1-chunk")
}

// TestServeDistributed: serve --nats runs its runs' draws on workers, and the stored result is
// the one a server computing them itself stores.
func TestServeDistributed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a worker process")
	}
	b := testBroker(t)
	stop := startWorkers(t, b.URL(), 1)
	result := func(o serveOptions) string {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		a := &app{stdout: io.Discard, stderr: io.Discard}
		o.addr, o.db, o.data, o.concurrent, o.draws = "127.0.0.1:0", filepath.Join(t.TempDir(), "c.db"), anyRegion, 1, 100
		addrc, errc := make(chan string, 1), make(chan error, 1)
		go func() { errc <- runServe(ctx, a, o, func(addr string) { addrc <- addr }) }()
		var addr string
		select {
		case addr = <-addrc:
		case err := <-errc:
			t.Fatalf("serve: %v", err)
		}
		res, err := http.Post("http://"+addr+"/api/runs", "application/json", strings.NewReader(`{"draws":12,"seed":4}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			res, err := http.Get("http://" + addr + "/api/runs/1")
			if err != nil {
				t.Fatal(err)
			}
			var run struct {
				Status string          `json:"status"`
				Error  string          `json:"error"`
				Result json.RawMessage `json:"result"`
			}
			err = json.NewDecoder(res.Body).Decode(&run)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			switch run.Status {
			case "complete":
				return string(run.Result)
			case "failed", "interrupted", "canceled":
				t.Fatalf("run %s: %s", run.Status, run.Error)
			}
		}
		t.Fatal("the run did not complete within 60 s")
		return ""
	}
	if local, remote := result(serveOptions{}), result(serveOptions{nats: b.URL(), chunk: 3}); local != remote {
		t.Error("the distributed run's stored result differs from the local one's")
	}
	if n := strings.Count(stop()[0].stderr.String(), "chunk done"); n != 4 {
		t.Errorf("the worker computed %d chunks, want 4 (12 draws in chunks of 3)", n)
	}
}
