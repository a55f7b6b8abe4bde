// Package serve is corridor's HTTP API and web UI: a Server value with its own ServeMux, server
// timeouts, JSON errors with field paths, request-size limits, strict JSON decoding and an
// optional bearer token for writes. Runs execute in a bounded worker pool through the pipeline
// and are kept in the store; the only state outside the store is the progress of running runs.
//
// The pages are html/template files embedded with go:embed; their content comes from the JSON
// API through a small embedded script (web/static/app.js), so the UI uses nothing the API does
// not offer. The API is described by the embedded OpenAPI document served at /api/openapi.json.
//
// serve computes nothing itself: runs go through pipeline.Run and results are report.AssessJSON.
package serve
