package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// BusyTimeout is how long a statement waits for another connection's write lock before it
// fails with SQLITE_BUSY.
const BusyTimeout = 5 * time.Second

// MaxConns is the number of database connections a Store keeps.
const MaxConns = 8

// Sentinel errors callers branch on.
var (
	ErrNotFound = errors.New("store: not found")
	// ErrState means the run is not in a state that allows the change (e.g. completing a
	// canceled run, or canceling a finished one).
	ErrState = errors.New("store: run is not in a state that allows this")
	// ErrExists means a scenario of that name is stored already.
	ErrExists = errors.New("store: a scenario of that name exists")
)

// Status is where a run is in its life.
type Status string

// Run statuses.
const (
	Queued      Status = "queued"
	Running     Status = "running"
	Complete    Status = "complete"
	Failed      Status = "failed"
	Canceled    Status = "canceled"
	Interrupted Status = "interrupted" // left queued or running by a process that stopped
)

// Final reports whether the status is terminal.
func (s Status) Final() bool { return s != Queued && s != Running }

// Scenario is a stored scenario: its name and YAML text.
type Scenario struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	YAML    string    `json:"yaml"`
	Created time.Time `json:"created"`
}

// Run is a stored run. Result is set only when Status is Complete; List leaves it nil.
type Run struct {
	ID       int64           `json:"id"`
	Status   Status          `json:"status"`
	Spec     json.RawMessage `json:"spec"`
	Seed     uint64          `json:"seed"`
	Draws    int             `json:"draws"`
	Result   json.RawMessage `json:"result,omitempty"`
	Error    string          `json:"error,omitempty"`
	Created  time.Time       `json:"created"`
	Started  *time.Time      `json:"started,omitempty"`
	Finished *time.Time      `json:"finished,omitempty"`
}

// Store is an open database. It is safe for concurrent use.
type Store struct {
	db  *sql.DB
	log *slog.Logger
	now func() time.Time

	// beforeCommit, when set (tests only), runs inside Complete's transaction after the write
	// and before the commit.
	beforeCommit func()
}

// Open opens (creating if needed) the database at path and applies pending migrations. path is
// a file name; ":memory:" is not supported because every pooled connection would get its own
// database. log nil discards.
func Open(ctx context.Context, path string, log *slog.Logger) (*Store, error) {
	return open(ctx, path, log, 0)
}

// open is Open applying migrations up to version upTo only (0: all); tests use it to make
// databases of older schema versions.
func open(ctx context.Context, path string, log *slog.Logger, upTo int) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if path == "" || strings.HasPrefix(path, ":") || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open store: bad database path %q", path)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// Opening an SQLite connection (and applying the pragmas) costs far more than a query, so
	// keep a small pool of them open: readers run in parallel under WAL, writers queue on the lock.
	db.SetMaxOpenConns(MaxConns)
	db.SetMaxIdleConns(MaxConns)
	s := &Store{db: db, log: log, now: func() time.Time { return time.Now().UTC() }}
	if err := s.migrate(ctx, upTo); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// migration is one embedded .sql file.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in version order. Files are named
// NNNN_description.sql; versions start at 1 and have no gaps.
func loadMigrations() ([]migration, error) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, f := range files {
		base := path.Base(f)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", base)
		}
		b, err := migrations.ReadFile(f)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, base, string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}

// migrate applies the migrations newer than the database's schema_version (up to version upTo
// when it is positive), each in its own transaction together with its schema_version row.
func (s *Store) migrate(ctx context.Context, upTo int) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	if upTo > 0 && upTo < len(ms) {
		ms = ms[:upTo]
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var have int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&have); err != nil {
				return err
			}
			if have >= m.version {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`, m.version, s.stamp()); err != nil {
				return err
			}
			s.log.InfoContext(ctx, "migration applied", "migration", m.name)
			return nil
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	if v, err := s.SchemaVersion(ctx); err != nil {
		return err
	} else if v > len(ms) {
		return fmt.Errorf("database schema version %d is newer than this program's %d", v, len(ms))
	}
	return nil
}

// tx runs f in a transaction and commits it when f returns nil.
func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (s *Store) stamp() string { return s.now().Format(time.RFC3339Nano) }

func parseTime(v sql.NullString) *time.Time {
	if !v.Valid {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, v.String)
	if err != nil {
		return nil
	}
	return &t
}

// CreateScenario stores a scenario and returns its id. A name stored already (ignoring case) is
// ErrExists: runs name scenarios, and two of one name could not be told apart.
func (s *Store) CreateScenario(ctx context.Context, name, yaml string) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM scenarios WHERE name = ? COLLATE NOCASE`, name).Scan(&other)
		if err == nil {
			return fmt.Errorf("%q (scenario %d): %w", name, other, ErrExists)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO scenarios (name, yaml, created_at) VALUES (?, ?, ?)`, name, yaml, s.stamp())
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create scenario: %w", err)
	}
	return id, nil
}

// GetScenario returns the scenario with the given id, or ErrNotFound.
func (s *Store) GetScenario(ctx context.Context, id int64) (*Scenario, error) {
	var sc Scenario
	var created sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT id, name, yaml, created_at FROM scenarios WHERE id = ?`, id).Scan(&sc.ID, &sc.Name, &sc.YAML, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("scenario %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get scenario %d: %w", id, err)
	}
	if t := parseTime(created); t != nil {
		sc.Created = *t
	}
	return &sc, nil
}

// ListScenarios returns every stored scenario, newest first, without its YAML text.
func (s *Store) ListScenarios(ctx context.Context) ([]Scenario, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, created_at FROM scenarios ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list scenarios: %w", err)
	}
	defer rows.Close()
	out := []Scenario{}
	for rows.Next() {
		var sc Scenario
		var created sql.NullString
		if err := rows.Scan(&sc.ID, &sc.Name, &created); err != nil {
			return nil, fmt.Errorf("list scenarios: %w", err)
		}
		if t := parseTime(created); t != nil {
			sc.Created = *t
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// CreateRun stores a new run with status queued and returns its id. spec must be valid JSON.
func (s *Store) CreateRun(ctx context.Context, spec json.RawMessage, seed uint64, draws int) (int64, error) {
	if !json.Valid(spec) {
		return 0, errors.New("create run: spec is not valid JSON")
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO runs (status, spec, seed, draws, created_at) VALUES (?, ?, ?, ?, ?)`,
		Queued, string(spec), int64(seed), draws, s.stamp())
	if err != nil {
		return 0, fmt.Errorf("create run: %w", err)
	}
	return res.LastInsertId()
}

// transition changes a run's status from one of from to to, setting the extra columns, in one
// statement. It returns ErrNotFound or ErrState when no row changed.
func (s *Store) transition(ctx context.Context, q sqlExecer, id int64, from []Status, to Status, set string, args ...any) error {
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(from)), ", ")
	stmt := `UPDATE runs SET status = ?` + set + ` WHERE id = ? AND status IN (` + ph + `)`
	all := append([]any{to}, args...)
	all = append(all, id)
	for _, f := range from {
		all = append(all, f)
	}
	res, err := q.ExecContext(ctx, stmt, all...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var st Status
	err = q.QueryRowContext(ctx, `SELECT status FROM runs WHERE id = ?`, id).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("run %d is %s: %w", id, st, ErrState)
}

// sqlExecer is what *sql.DB and *sql.Tx share.
type sqlExecer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// MarkRunning moves a queued run to running.
func (s *Store) MarkRunning(ctx context.Context, id int64) error {
	if err := s.transition(ctx, s.db, id, []Status{Queued}, Running, `, started_at = ?`, s.stamp()); err != nil {
		return fmt.Errorf("mark run running: %w", err)
	}
	return nil
}

// Complete stores a running run's result (and its HTML report, which may be nil) and marks it
// complete, all in one transaction: a reader sees either the run running without a result or
// complete with all of it.
func (s *Store) Complete(ctx context.Context, id int64, result json.RawMessage, report []byte) error {
	if !json.Valid(result) {
		return errors.New("complete run: result is not valid JSON")
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.transition(ctx, tx, id, []Status{Running}, Complete, `, finished_at = ?`, s.stamp()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_outputs (run_id, result, report) VALUES (?, ?, ?)`, id, string(result), nullText(report)); err != nil {
			return err
		}
		if s.beforeCommit != nil {
			s.beforeCommit()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("complete run: %w", err)
	}
	return nil
}

// Fail marks a queued or running run failed with a message.
func (s *Store) Fail(ctx context.Context, id int64, msg string) error {
	if err := s.transition(ctx, s.db, id, []Status{Queued, Running}, Failed, `, error = ?, finished_at = ?`, msg, s.stamp()); err != nil {
		return fmt.Errorf("fail run: %w", err)
	}
	return nil
}

// Cancel marks a queued or running run canceled. Stopping the computation is the caller's job.
func (s *Store) Cancel(ctx context.Context, id int64) error {
	if err := s.transition(ctx, s.db, id, []Status{Queued, Running}, Canceled, `, error = ?, finished_at = ?`, "canceled", s.stamp()); err != nil {
		return fmt.Errorf("cancel run: %w", err)
	}
	return nil
}

// RecoverInterrupted marks every queued or running run interrupted and returns how many it
// marked. Call it when a server starts (before it takes work), so that runs a killed process
// left behind are not shown as still going; it must not be called while another process is
// running runs on the same database.
func (s *Store) RecoverInterrupted(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE status IN (?, ?)`,
		Interrupted, "the server stopped before the run finished", s.stamp(), Queued, Running)
	if err != nil {
		return 0, fmt.Errorf("recover interrupted runs: %w", err)
	}
	n, err := res.RowsAffected()
	if n > 0 {
		s.log.InfoContext(ctx, "runs marked interrupted", "runs", n)
	}
	return int(n), err
}

// nullText is b as TEXT, or NULL when b is nil.
func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// Report returns a run's HTML report, or ErrNotFound when the run or its report does not exist.
func (s *Store) Report(ctx context.Context, id int64) ([]byte, error) {
	var rep sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT report FROM run_outputs WHERE run_id = ?`, id).Scan(&rep)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !rep.Valid {
		return nil, fmt.Errorf("report of run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("report of run %d: %w", id, err)
	}
	return []byte(rep.String), nil
}

const runColumns = `id, status, spec, seed, draws, error, created_at, started_at, finished_at`

func scanRun(sc interface{ Scan(...any) error }, extra ...any) (*Run, error) {
	var r Run
	var spec string
	var seed int64
	var created, started, finished sql.NullString
	dst := append([]any{&r.ID, &r.Status, &spec, &seed, &r.Draws, &r.Error, &created, &started, &finished}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return nil, err
	}
	r.Spec, r.Seed = json.RawMessage(spec), uint64(seed)
	if t := parseTime(created); t != nil {
		r.Created = *t
	}
	r.Started, r.Finished = parseTime(started), parseTime(finished)
	return &r, nil
}

// Get returns a run with its result (when complete), or ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (*Run, error) {
	var result sql.NullString
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+`, result FROM runs LEFT JOIN run_outputs ON run_id = id WHERE id = ?`, id), &result)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get run %d: %w", id, err)
	}
	if result.Valid {
		r.Result = json.RawMessage(result.String)
	}
	return r, nil
}

// List returns up to limit runs (all when limit ≤ 0) with ids below before (all when before ≤ 0),
// newest first, without their results: a page of the history, the next page starting before the
// last id returned. It reads no result or report (they live in run_outputs).
func (s *Store) List(ctx context.Context, limit int, before int64) ([]Run, error) {
	if limit <= 0 {
		limit = -1
	}
	if before <= 0 {
		before = math.MaxInt64
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+runColumns+` FROM runs WHERE id < ? ORDER BY id DESC LIMIT ?`, before, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	out := []Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// finished lists the statuses a run never leaves, as SQL.
const finished = `('complete', 'failed', 'canceled', 'interrupted')`

// Delete removes a finished run with its result and report. A queued or running run is
// ErrState (cancel it first); an unknown one ErrNotFound.
func (s *Store) Delete(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM runs WHERE id = ? AND status IN `+finished, id)
	if err != nil {
		return fmt.Errorf("delete run %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var st Status
	err = s.db.QueryRowContext(ctx, `SELECT status FROM runs WHERE id = ?`, id).Scan(&st)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("run %d: %w", id, ErrNotFound)
	case err != nil:
		return fmt.Errorf("delete run %d: %w", id, err)
	}
	return fmt.Errorf("run %d is %s: %w", id, st, ErrState)
}

// Prune deletes the finished runs older than the newest keep runs (keep ≥ 1; queued and running
// runs count towards keep but are never deleted) and returns the ids it deleted, oldest first.
func (s *Store) Prune(ctx context.Context, keep int) ([]int64, error) {
	if keep < 1 {
		return nil, fmt.Errorf("prune runs: keep %d: expected at least 1", keep)
	}
	var ids []int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var cutoff int64 // the oldest run kept
		err := tx.QueryRowContext(ctx, `SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?`, keep-1).Scan(&cutoff)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no more than keep runs
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM runs WHERE id < ? AND status IN `+finished+` ORDER BY id`, cutoff)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM runs WHERE id < ? AND status IN `+finished, cutoff)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("prune runs: %w", err)
	}
	return ids, nil
}
