package store

// SetBeforeCommit makes Complete call f inside its transaction, after the write and before the
// commit (for the kill-during-write test).
func SetBeforeCommit(s *Store, f func()) { s.beforeCommit = f }
