-- 0002: the self-contained HTML report of a complete run (report.HTML), written with its result.
ALTER TABLE runs ADD COLUMN report TEXT;
