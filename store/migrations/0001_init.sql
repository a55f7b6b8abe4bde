-- 0001: scenarios (YAML text) and runs (spec, status, result).
CREATE TABLE scenarios (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	yaml       TEXT    NOT NULL,
	created_at TEXT    NOT NULL
);

CREATE TABLE runs (
	id          INTEGER PRIMARY KEY,
	status      TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'complete', 'failed', 'canceled', 'interrupted')),
	spec        TEXT    NOT NULL,
	seed        INTEGER NOT NULL, -- uint64 stored as its int64 bit pattern
	draws       INTEGER NOT NULL,
	result      TEXT,             -- set only together with status 'complete'
	error       TEXT    NOT NULL DEFAULT '',
	created_at  TEXT    NOT NULL,
	started_at  TEXT,
	finished_at TEXT,
	CHECK ((status = 'complete') = (result IS NOT NULL))
);

CREATE INDEX runs_status ON runs (status);
