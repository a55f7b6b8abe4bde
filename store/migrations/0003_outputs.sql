-- 0003: results and reports move to their own table. SQLite stores a row's columns in order, and
-- runs.result sat before error, created_at, started_at and finished_at: listing runs read every
-- stored result. runs is rebuilt without them (its CHECK named result); the rule "a run is
-- complete exactly when it has an output" is kept by Store.Complete, which writes both in one
-- transaction.
CREATE TABLE runs_new (
	id          INTEGER PRIMARY KEY,
	status      TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'complete', 'failed', 'canceled', 'interrupted')),
	spec        TEXT    NOT NULL,
	seed        INTEGER NOT NULL, -- uint64 stored as its int64 bit pattern
	draws       INTEGER NOT NULL,
	error       TEXT    NOT NULL DEFAULT '',
	created_at  TEXT    NOT NULL,
	started_at  TEXT,
	finished_at TEXT
);
INSERT INTO runs_new (id, status, spec, seed, draws, error, created_at, started_at, finished_at)
	SELECT id, status, spec, seed, draws, error, created_at, started_at, finished_at FROM runs;
CREATE TABLE outputs_moving (run_id INTEGER PRIMARY KEY, result TEXT NOT NULL, report TEXT);
INSERT INTO outputs_moving (run_id, result, report) SELECT id, result, report FROM runs WHERE result IS NOT NULL;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_status ON runs (status);

CREATE TABLE run_outputs (
	run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
	result TEXT NOT NULL, -- the run's result JSON
	report TEXT           -- its self-contained HTML report, when one was made
);
INSERT INTO run_outputs (run_id, result, report) SELECT run_id, result, report FROM outputs_moving;
DROP TABLE outputs_moving;
