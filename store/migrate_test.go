package store_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/corridor-dev/corridor/store"
)

// TestUpgradeFrom1 makes a database as schema version 1 left it (scenarios and runs, no report
// column), with a complete run and a scenario in it, then opens it with this program: migration 2
// must be applied (and 3 after it) and the data kept.
func TestUpgradeFrom1(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "v1.db")
	old, err := store.OpenAt(ctx, path, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := old.SchemaVersion(ctx); err != nil || v != 1 {
		t.Fatalf("old SchemaVersion() = %d, %v, want 1", v, err)
	}
	if err := store.Exec(ctx, old, `SELECT report FROM runs`); err == nil {
		t.Fatalf("a version 1 database has runs.report; the test does not make a version 1 database")
	}
	const result = `{"cases":[{"Project":"TUMEN_ROAD_BRIDGE"}]}`
	// the columns of 0001_init.sql, written as a version 1 program wrote them
	if err := store.Exec(ctx, old, `INSERT INTO runs (id, status, spec, seed, draws, result, error, created_at, started_at, finished_at)
		VALUES (1, 'complete', '{"draws":2}', 7, 2, ?, '', '2025-01-02T03:04:05Z', '2025-01-02T03:04:06Z', '2025-01-02T03:04:07Z')`, result); err != nil {
		t.Fatal(err)
	}
	if _, err := old.CreateScenario(ctx, "kept", "name: kept\n"); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	s := open(t, path)
	if v, err := s.SchemaVersion(ctx); err != nil || v != 3 {
		t.Errorf("SchemaVersion() after upgrade = %d, %v, want 3", v, err)
	}
	r, err := s.Get(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.Complete || string(r.Result) != result || string(r.Spec) != `{"draws":2}` || r.Seed != 7 || r.Draws != 2 ||
		r.Created.Format("2006-01-02T15:04:05Z") != "2025-01-02T03:04:05Z" || r.Finished == nil {
		t.Errorf("run after upgrade = %+v, want the version 1 row", r)
	}
	if _, err := s.Report(ctx, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Report of a version 1 run = %v, want ErrNotFound (no report stored)", err)
	}
	if sc, err := s.GetScenario(ctx, 1); err != nil || sc.Name != "kept" {
		t.Errorf("scenario after upgrade = %+v, %v", sc, err)
	}
	// the new column works for new runs
	id, err := s.CreateRun(ctx, json.RawMessage(`{}`), 1, 1)
	if err == nil {
		err = s.MarkRunning(ctx, id)
	}
	if err == nil {
		err = s.Complete(ctx, id, json.RawMessage(`{}`), []byte("<html>"))
	}
	if err != nil {
		t.Fatal(err)
	}
	if b, err := s.Report(ctx, id); err != nil || string(b) != "<html>" {
		t.Errorf("Report of a new run = %q, %v", b, err)
	}
	// opening again applies nothing more
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	if v, err := s.SchemaVersion(ctx); err != nil || v != 3 {
		t.Errorf("SchemaVersion() on reopen = %d, %v, want 3", v, err)
	}
}

// TestUpgradeFrom2 makes a database as schema version 2 left it (result and report in runs),
// with a complete run, a failed one and a queued one, then opens it with this program: migration
// 3 moves the outputs to run_outputs, keeping every run and output.
func TestUpgradeFrom2(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "v2.db")
	old, err := store.OpenAt(ctx, path, 2)
	if err != nil {
		t.Fatal(err)
	}
	const result = `{"cases":[{"project":"GAS_RDK"}]}`
	for _, stmt := range []string{
		`INSERT INTO runs (id, status, spec, seed, draws, result, report, error, created_at, started_at, finished_at)
			VALUES (1, 'complete', '{"draws":2}', -1, 2, '` + result + `', '<html>1', '', '2026-01-02T03:04:05Z', '2026-01-02T03:04:06Z', '2026-01-02T03:04:07Z')`,
		`INSERT INTO runs (id, status, spec, seed, draws, error, created_at) VALUES (2, 'failed', '{}', 3, 5, 'no engine', '2026-01-03T00:00:00Z')`,
		`INSERT INTO runs (id, status, spec, seed, draws, created_at) VALUES (3, 'queued', '{}', 4, 6, '2026-01-04T00:00:00Z')`,
	} {
		if err := store.Exec(ctx, old, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	s := open(t, path)
	if v, err := s.SchemaVersion(ctx); err != nil || v != 3 {
		t.Fatalf("SchemaVersion() after upgrade = %d, %v, want 3", v, err)
	}
	r, err := s.Get(ctx, 1)
	if err != nil || r.Status != store.Complete || string(r.Result) != result || r.Seed != 1<<64-1 || r.Finished == nil {
		t.Errorf("complete run after upgrade = %+v, %v", r, err)
	}
	if b, err := s.Report(ctx, 1); err != nil || string(b) != "<html>1" {
		t.Errorf("Report(1) after upgrade = %q, %v", b, err)
	}
	if r, err := s.Get(ctx, 2); err != nil || r.Status != store.Failed || r.Error != "no engine" || r.Result != nil {
		t.Errorf("failed run after upgrade = %+v, %v", r, err)
	}
	runs, err := s.List(ctx, 0, 0)
	if err != nil || len(runs) != 3 || runs[0].ID != 3 || runs[2].ID != 1 {
		t.Fatalf("List after upgrade = %+v, %v; want runs 3, 2, 1", runs, err)
	}
	// the queued run can still complete, its output in the new table
	if err := s.MarkRunning(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if err := s.Complete(ctx, 3, json.RawMessage(`{"ok":true}`), nil); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Get(ctx, 3); err != nil || string(r.Result) != `{"ok":true}` {
		t.Errorf("run completed after upgrade = %+v, %v", r, err)
	}
	if _, err := s.Report(ctx, 3); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Report of a run without one = %v, want ErrNotFound", err)
	}
}
