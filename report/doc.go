// Package report turns results into what people read and reuse: terminal tables, JSON, CSV,
// GeoJSON and a self-contained HTML report. It computes nothing beyond formatting and fetches
// nothing remote. Output is deterministic: fixed number formats, sorted rows.
package report
