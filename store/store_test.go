package store_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/corridor-dev/corridor/store"
)

func open(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), path, nil)
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenMigrates(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "c.db"))
	v, err := s.SchemaVersion(t.Context())
	if err != nil || v != 3 {
		t.Errorf("SchemaVersion() = %d, %v, want 3, nil", v, err)
	}
	for _, bad := range []string{"", ":memory:", "x.db?mode=ro"} {
		if _, err := store.Open(t.Context(), bad, nil); err == nil {
			t.Errorf("Open(%q) = nil error, want one", bad)
		}
	}
}

func TestScenarios(t *testing.T) {
	ctx := t.Context()
	s := open(t, filepath.Join(t.TempDir(), "c.db"))
	id1, err := s.CreateScenario(ctx, "a", "name: a\n")
	if err != nil {
		t.Fatal(err)
	}
	id2, _ := s.CreateScenario(ctx, "b", "name: b\n")
	got, err := s.GetScenario(ctx, id1)
	if err != nil || got.Name != "a" || got.YAML != "name: a\n" || got.Created.IsZero() {
		t.Errorf("GetScenario(%d) = %+v, %v, want a with its YAML", id1, got, err)
	}
	list, err := s.ListScenarios(ctx)
	if err != nil || len(list) != 2 || list[0].ID != id2 || list[0].YAML != "" {
		t.Errorf("ListScenarios() = %+v, %v, want [b a] without YAML", list, err)
	}
	if _, err := s.GetScenario(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetScenario(99) = %v, want ErrNotFound", err)
	}
	// #17: two stored scenarios of one name could not be told apart in a run
	if _, err := s.CreateScenario(ctx, "A", "name: A\n"); !errors.Is(err, store.ErrExists) {
		t.Errorf("CreateScenario of a name stored already = %v, want ErrExists", err)
	}
}

func TestRunTransitions(t *testing.T) {
	spec := json.RawMessage(`{"draws":2}`)
	type step struct {
		op      string
		wantErr error
	}
	for _, tt := range []struct {
		name  string
		steps []step
		want  store.Status
	}{
		{"queued", nil, store.Queued},
		{"complete", []step{{"run", nil}, {"complete", nil}}, store.Complete},
		{"complete without running", []step{{"complete", store.ErrState}}, store.Queued},
		{"fail queued", []step{{"fail", nil}}, store.Failed},
		{"fail running", []step{{"run", nil}, {"fail", nil}}, store.Failed},
		{"cancel queued", []step{{"cancel", nil}, {"run", store.ErrState}}, store.Canceled},
		{"cancel running then complete", []step{{"run", nil}, {"cancel", nil}, {"complete", store.ErrState}}, store.Canceled},
		{"cancel complete", []step{{"run", nil}, {"complete", nil}, {"cancel", store.ErrState}}, store.Complete},
		{"run twice", []step{{"run", nil}, {"run", store.ErrState}}, store.Running},
		{"recover running", []step{{"run", nil}, {"recover", nil}}, store.Interrupted},
		{"recover queued", []step{{"recover", nil}}, store.Interrupted},
		{"recover leaves complete", []step{{"run", nil}, {"complete", nil}, {"recover", nil}}, store.Complete},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			s := open(t, filepath.Join(t.TempDir(), "c.db"))
			id, err := s.CreateRun(ctx, spec, 1<<63+5, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range tt.steps {
				var err error
				switch st.op {
				case "run":
					err = s.MarkRunning(ctx, id)
				case "complete":
					err = s.Complete(ctx, id, json.RawMessage(`{"ok":true}`), []byte("<html>"))
				case "fail":
					err = s.Fail(ctx, id, "boom")
				case "cancel":
					err = s.Cancel(ctx, id)
				case "recover":
					_, err = s.RecoverInterrupted(ctx)
				}
				if !errors.Is(err, st.wantErr) {
					t.Fatalf("%s: err = %v, want %v", st.op, err, st.wantErr)
				}
			}
			r, err := s.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.want {
				t.Errorf("status = %s, want %s", r.Status, tt.want)
			}
			if (r.Result != nil) != (tt.want == store.Complete) {
				t.Errorf("result = %s with status %s: want a result exactly when complete", r.Result, r.Status)
			}
			if rep, err := s.Report(ctx, id); (err == nil) != (tt.want == store.Complete) || err == nil && string(rep) != "<html>" {
				t.Errorf("Report() = %q, %v, want the report exactly when complete", rep, err)
			}
			if r.Seed != 1<<63+5 || r.Draws != 2 || string(r.Spec) != string(spec) {
				t.Errorf("Get = seed %d draws %d spec %s, want %d 2 %s", r.Seed, r.Draws, r.Spec, uint64(1<<63+5), spec)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	ctx := t.Context()
	s := open(t, filepath.Join(t.TempDir(), "c.db"))
	for name, err := range map[string]error{
		"Get":         func() error { _, err := s.Get(ctx, 7); return err }(),
		"MarkRunning": s.MarkRunning(ctx, 7),
		"Cancel":      s.Cancel(ctx, 7),
		"Complete":    s.Complete(ctx, 7, json.RawMessage(`1`), nil),
	} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s(7) = %v, want ErrNotFound", name, err)
		}
	}
	if _, err := s.CreateRun(ctx, json.RawMessage(`{`), 1, 1); err == nil {
		t.Error("CreateRun(invalid JSON) = nil error")
	}
}

func TestListAndReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range 3 {
		id, err := s.CreateRun(ctx, json.RawMessage(fmt.Sprintf(`{"i":%d}`, i)), uint64(i), 10)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	s.MarkRunning(ctx, ids[0])
	s.Complete(ctx, ids[0], json.RawMessage(`{"r":1}`), nil)
	s.MarkRunning(ctx, ids[1])
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	n, err := s.RecoverInterrupted(ctx)
	if err != nil || n != 2 {
		t.Errorf("RecoverInterrupted() = %d, %v, want 2 (one running, one queued)", n, err)
	}
	list, err := s.List(ctx, 0, 0)
	if err != nil || len(list) != 3 {
		t.Fatalf("List(0) = %d runs, %v, want 3", len(list), err)
	}
	want := []store.Status{store.Interrupted, store.Interrupted, store.Complete}
	for i, r := range list {
		if r.Status != want[i] || r.Result != nil {
			t.Errorf("List()[%d] = %s result %s, want %s without result", i, r.Status, r.Result, want[i])
		}
	}
	if l, _ := s.List(ctx, 1, 0); len(l) != 1 || l[0].ID != ids[2] {
		t.Errorf("List(1) = %+v, want the newest run only", l)
	}
	if l, _ := s.List(ctx, 5, ids[2]); len(l) != 2 || l[0].ID != ids[1] || l[1].ID != ids[0] {
		t.Errorf("List(5, before %d) = %+v, want the two older runs", ids[2], l)
	}
	r, _ := s.Get(ctx, ids[0])
	if string(r.Result) != `{"r":1}` || r.Finished == nil || r.Started == nil {
		t.Errorf("Get(%d) = %+v, want the result kept across reopen", ids[0], r)
	}
}

func TestConcurrentWriters(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "c.db")
	a, b := open(t, path), open(t, path) // two pools on one file, like two processes
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for _, s := range []*store.Store{a, b} {
		for range 20 {
			wg.Go(func() {
				id, err := s.CreateRun(ctx, json.RawMessage(`{}`), 1, 1)
				if err == nil {
					err = s.MarkRunning(ctx, id)
				}
				if err == nil {
					err = s.Complete(ctx, id, json.RawMessage(`{"x":1}`), nil)
				}
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent write: %v", err)
		}
	}
	if l, _ := a.List(ctx, 0, 0); len(l) != 40 {
		t.Errorf("List() = %d runs, want 40", len(l))
	}
}

// killChildEnv names the database a child process opens before it is killed mid-Complete.
const killChildEnv = "CORRIDOR_STORE_KILL_CHILD"

// TestKillDuringWrite runs a child process that starts completing a run with a 32 MB result and
// is killed with SIGKILL inside the transaction (after the rows are written, before the
// commit). Reopened, the database must show the run not complete, and RecoverInterrupted marks it
// interrupted.
func TestKillDuringWrite(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		killChild(path)
		return
	}
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.CreateRun(ctx, json.RawMessage(`{"draws":1}`), 1, 1)
	if err == nil {
		err = s.MarkRunning(ctx, id)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKillDuringWrite$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	ready := false
	deadline := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	for sc.Scan() {
		if strings.Contains(sc.Text(), "in-transaction") {
			ready = true
			break
		}
	}
	deadline.Stop()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if !ready {
		t.Fatal("child never reached the transaction")
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() < 1<<20 {
		t.Logf("WAL after kill: %v (size %d)", err, func() int64 {
			if fi == nil {
				return 0
			}
			return fi.Size()
		}())
	}

	s = open(t, path)
	r, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.Running || r.Result != nil {
		t.Fatalf("after kill: status %s with %d result bytes, want running without a result", r.Status, len(r.Result))
	}
	if n, err := s.RecoverInterrupted(ctx); n != 1 || err != nil {
		t.Errorf("RecoverInterrupted() = %d, %v, want 1, nil", n, err)
	}
	if r, _ := s.Get(ctx, id); r.Status != store.Interrupted {
		t.Errorf("after recovery: status %s, want interrupted", r.Status)
	}
	// The database still takes writes.
	if _, err := s.CreateRun(ctx, json.RawMessage(`{}`), 2, 1); err != nil {
		t.Errorf("CreateRun after recovery: %v", err)
	}
}

// killChild is the child side of TestKillDuringWrite: it never returns.
func killChild(path string) {
	s, err := store.Open(context.Background(), path, nil)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	store.SetBeforeCommit(s, func() {
		fmt.Println("in-transaction")
		select {} // wait to be killed
	})
	big := `{"pad":"` + strings.Repeat("x", 32<<20) + `"}`
	err = s.Complete(context.Background(), 1, json.RawMessage(big), []byte(big))
	fmt.Println("complete returned:", err)
	os.Exit(3)
}

// Delete removes a finished run with its output; Prune keeps the newest runs and never touches
// unfinished ones.
func TestDeleteAndPrune(t *testing.T) {
	ctx := t.Context()
	s := open(t, filepath.Join(t.TempDir(), "p.db"))
	var ids []int64
	for i := range 6 {
		id, err := s.CreateRun(ctx, json.RawMessage(`{}`), uint64(i), 1)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	// runs 0, 2, 3 and 5 complete; 1 stays running; 4 stays queued
	s.MarkRunning(ctx, ids[1])
	for _, i := range []int{0, 2, 3, 5} {
		if err := s.MarkRunning(ctx, ids[i]); err != nil {
			t.Fatal(err)
		}
		if err := s.Complete(ctx, ids[i], json.RawMessage(`{"i":1}`), []byte("<html>")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, ids[1]); !errors.Is(err, store.ErrState) {
		t.Errorf("Delete(running) = %v, want ErrState", err)
	}
	if err := s.Delete(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Delete(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, ids[5]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, ids[5]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(deleted) = %v, want ErrNotFound", err)
	}
	if _, err := s.Report(ctx, ids[5]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Report(deleted) = %v, want ErrNotFound", err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM run_outputs`); n != 3 {
		t.Errorf("%d outputs after deleting one of four, want 3", n)
	}
	// runs left: 0 (complete), 1 (running), 2, 3 (complete), 4 (queued); keep the newest 3
	got, err := s.Prune(ctx, 3)
	if err != nil || !slices.Equal(got, []int64{ids[0]}) {
		t.Errorf("Prune(3) = %v, %v, want [%d] (run 1 is running)", got, err, ids[0])
	}
	if got, err := s.Prune(ctx, 10); err != nil || len(got) != 0 {
		t.Errorf("Prune(10) = %v, %v, want nothing", got, err)
	}
	if _, err := s.Prune(ctx, 0); err == nil {
		t.Error("Prune(0) = nil error, want one")
	}
	list, _ := s.List(ctx, 0, 0)
	if len(list) != 4 {
		t.Errorf("List after prune = %d runs, want 4", len(list))
	}
}

func count(t *testing.T, s *store.Store, query string) int {
	t.Helper()
	n, err := store.QueryInt(t.Context(), s, query)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
