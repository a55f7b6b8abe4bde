package store

import "context"

// SetBeforeCommit makes Complete call f inside its transaction, after the write and before the
// commit (for the kill-during-write test).
func SetBeforeCommit(s *Store, f func()) { s.beforeCommit = f }

// OpenAt opens a database applying the migrations up to version v only, as a program of that
// schema version would have left it.
func OpenAt(ctx context.Context, path string, v int) (*Store, error) { return open(ctx, path, nil, v) }

// Exec runs a statement on the database (for writing rows in an old schema).
func Exec(ctx context.Context, s *Store, query string, args ...any) error {
	_, err := s.db.ExecContext(ctx, query, args...)
	return err
}

// QueryInt runs a query returning one integer.
func QueryInt(ctx context.Context, s *Store, query string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}
