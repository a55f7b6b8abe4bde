// Package store keeps scenarios and runs in an SQLite database (the pure-Go driver
// modernc.org/sqlite, so no cgo): WAL mode, a busy timeout, and versioned migrations embedded as
// .sql files and applied in order, each in one transaction with its schema_version row.
//
// A run moves queued → running → complete | failed | canceled; a run a killed process left queued
// or running becomes interrupted when the next process calls RecoverInterrupted. Complete writes
// the status and the result in one transaction, so a run is never complete without its whole
// result.
//
// store runs no stages: it keeps specs and results as JSON text that its callers produce.
package store
