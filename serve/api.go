package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/report"
	"github.com/corridor-dev/corridor/scenario"
	"github.com/corridor-dev/corridor/store"
	"github.com/corridor-dev/corridor/third_party/naturalearth"
)

// network returns the data set's network or writes a 500.
func (s *Server) network(w http.ResponseWriter, r *http.Request) (*model.Network, bool) {
	n, err := s.net()
	if err != nil {
		s.log.ErrorContext(r.Context(), "load data", "err", err)
		writeError(w, http.StatusInternalServerError, "the data set does not load: "+err.Error(), nil)
		return nil, false
	}
	return n, true
}

// getBasemap serves the country outlines the web map draws under the network: the Natural Earth
// 1:50m world outlines (public domain) embedded by package naturalearth, reduced to the countries
// around the data set's nodes (report.BasemapGeoJSON), as GeoJSON; the credit line is in the
// X-Attribution header and the map's caption.
func (s *Server) getBasemap(w http.ResponseWriter, r *http.Request) {
	n, ok := s.network(w, r)
	if !ok {
		return
	}
	b, err := report.BasemapGeoJSON(n)
	if err != nil {
		s.log.ErrorContext(r.Context(), "basemap", "err", err)
		writeError(w, http.StatusInternalServerError, "the basemap does not decode: "+err.Error(), nil)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/geo+json")
	h.Set("Cache-Control", "max-age=86400")
	h.Set("X-Attribution", naturalearth.Attribution)
	w.Write(b)
}

// DataSchemaVersion is the version of the JSON shape of GET /api/data.
const DataSchemaVersion = 2

// Data is the network summary GET /api/data serves: what the map and the run form show.
type Data struct {
	SchemaVersion int           `json:"schema_version"`
	Name          string        `json:"name"`
	Description   string        `json:"description"`
	BaseYear      int           `json:"base_year"`
	Study         DataStudy     `json:"study"`
	Countries     []DataCountry `json:"countries"`
	Nodes         []DataNode    `json:"nodes"`
	Links         []DataLink    `json:"links"`
	Projects      []DataProject `json:"projects"`
	Sources       []DataSource  `json:"sources"`
}

// DataStudy is the question the data set asks (its study.yaml and decider).
type DataStudy struct {
	Title            string   `json:"title"`
	HeadlineScenario string   `json:"headline_scenario"`
	Decider          string   `json:"decider"`
	MapLabels        []string `json:"map_labels"`
}

// DataCountry is a country of the data set.
type DataCountry struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DataNode is a node with its position (WGS84 degrees) and the source of the position.
type DataNode struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Country string  `json:"country"`
	Kind    string  `json:"kind"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Source  string  `json:"source"`
}

// DataLink is a link; quantities are written with their units ("" when not given).
type DataLink struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	From      string       `json:"from"`
	To        string       `json:"to"`
	Mode      string       `json:"mode"`
	Carrier   string       `json:"carrier"`
	Status    string       `json:"status"`
	Project   string       `json:"project"`
	TwoWay    bool         `json:"two_way"`
	Length    string       `json:"length"`
	Capacity  string       `json:"capacity"`
	Cost      string       `json:"cost"`
	Tariff    string       `json:"tariff"`
	Sources   []string     `json:"sources"`
	Waypoints [][2]float64 `json:"waypoints"` // [lon, lat] between from and to
}

// DataProject is a candidate project.
type DataProject struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Class       string   `json:"class"`
	Capex       string   `json:"capex"`
	Description string   `json:"description"`
	Links       []string `json:"links"`
}

// DataSource is a source of the data set.
type DataSource struct {
	ID         string `json:"id"`
	Publisher  string `json:"publisher"`
	Title      string `json:"title"`
	URL        string `json:"url"`
	Date       string `json:"date"`
	FactID     string `json:"fact_id"`
	Confidence string `json:"confidence"`
	Note       string `json:"note"`
}

// getData serves the network summary the map draws.
func (s *Server) getData(w http.ResponseWriter, r *http.Request) {
	n, ok := s.network(w, r)
	if !ok {
		return
	}
	out := Data{SchemaVersion: DataSchemaVersion, Name: n.Meta.Name, Description: n.Meta.Description, BaseYear: n.Meta.BaseYear,
		Study: DataStudy{Title: n.Study.Title, HeadlineScenario: n.Study.HeadlineScenario, Decider: n.Meta.Decider,
			MapLabels: slices.Clone(n.Study.MapLabels)},
		Countries: []DataCountry{}, Nodes: []DataNode{}, Links: []DataLink{}, Projects: []DataProject{}, Sources: []DataSource{}}
	if out.Study.MapLabels == nil {
		out.Study.MapLabels = []string{}
	}
	for _, c := range n.Countries {
		out.Countries = append(out.Countries, DataCountry{c.ID, c.Name})
	}
	for _, nd := range n.Nodes {
		out.Nodes = append(out.Nodes, DataNode{nd.ID, nd.Name, nd.Country, string(nd.Kind), nd.Pos.Lat, nd.Pos.Lon, nd.PosSource.String()})
	}
	qs := func(q model.Q) string {
		if !q.IsSet() {
			return ""
		}
		return q.String()
	}
	for _, l := range n.Links {
		carrier := ""
		if m := n.Mode(l.Mode); m != nil {
			carrier = string(m.Carrier)
		}
		srcs := []string{}
		for _, q := range []model.Q{l.Length, l.Capacity, l.Cost, l.Tariff, l.Speed} {
			if q.IsSet() && !q.Source.IsZero() {
				srcs = append(srcs, q.Source.String())
			}
		}
		way := [][2]float64{}
		for _, p := range l.Waypoints {
			way = append(way, [2]float64{p.Lon, p.Lat})
		}
		out.Links = append(out.Links, DataLink{l.ID, l.Name, l.From, l.To, l.Mode, carrier, string(l.Status), l.Project, l.TwoWay,
			qs(l.Length), qs(l.Capacity), qs(l.Cost), qs(l.Tariff), slices.Compact(srcs), way})
	}
	for _, p := range n.Projects {
		out.Projects = append(out.Projects, DataProject{p.ID, p.Name, p.Class, qs(p.Capex), p.Description, append([]string{}, p.Links...)})
	}
	for _, src := range n.Sources {
		out.Sources = append(out.Sources, DataSource{src.ID, src.Publisher, src.Title, src.URL, src.Date, src.FactID, src.Confidence, src.Note})
	}
	w.Header().Set("Cache-Control", "max-age=60")
	writeJSON(w, http.StatusOK, out)
}

// listScenarios serves the built-in scenarios (with YAML) and the stored ones (without).
func (s *Server) listScenarios(w http.ResponseWriter, r *http.Request) {
	b, err := s.builtinScenarios()
	if err != nil {
		writeError(w, http.StatusInternalServerError, "built-in scenarios: "+err.Error(), nil)
		return
	}
	st, err := s.cfg.Store.ListScenarios(r.Context())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"builtin": b, "stored": st})
}

// getScenario serves a stored scenario with its YAML.
func (s *Server) getScenario(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	sc, err := s.cfg.Store.GetScenario(r.Context(), id)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sc)
}

// scenarioRequest is the body of POST /api/scenarios and /api/scenarios/validate.
type scenarioRequest struct {
	YAML string `json:"yaml"`
}

// scenarioFile is the file name scenario YAML from a request gets in error messages.
const scenarioFile = "scenario.yaml"

// checkScenario decodes YAML and checks it against the network exactly as "corridor scenario
// validate" does, returning field errors with positions.
func (s *Server) checkScenario(n *model.Network, file, yaml string) (*scenario.Scenario, []FieldError) {
	if strings.TrimSpace(yaml) == "" {
		return nil, []FieldError{{Path: "yaml", Message: "is empty: give a scenario in YAML"}}
	}
	sc, err := scenario.Decode(file, strings.NewReader(yaml))
	if err == nil {
		err = sc.Check(n)
	}
	if err == nil {
		return sc, nil
	}
	var fields []FieldError
	for _, e := range unjoin(err) {
		fe := FieldError{Path: "yaml", Message: e.Error()}
		if d, ok := errors.AsType[*diag.Error](e); ok {
			fe.Line, fe.Col = d.Line, d.Col
			if d.Field != "" {
				fe.Path = "yaml/" + d.Field
			}
		}
		fields = append(fields, fe)
	}
	return nil, fields
}

// unjoin flattens errors.Join trees.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
	}
	return []error{err}
}

// scenarioSummary describes a valid scenario.
func scenarioSummary(sc *scenario.Scenario) map[string]any {
	return map[string]any{"name": sc.Name, "title": sc.Title, "rules": len(sc.Rules), "states": len(sc.Regimes.States),
		"transitions": len(sc.Regimes.Transitions), "projects": sc.Projects, "overrides": len(sc.Overrides)}
}

// scenarioOf decodes a scenario request and checks its YAML against the network as the CLI does.
// On failure it has written the error response and returns ok = false.
func (s *Server) scenarioOf(w http.ResponseWriter, r *http.Request) (req scenarioRequest, sc *scenario.Scenario, ok bool) {
	if !decode(w, r, &req) {
		return req, nil, false
	}
	n, ok := s.network(w, r)
	if !ok {
		return req, nil, false
	}
	sc, fields := s.checkScenario(n, scenarioFile, req.YAML)
	if fields != nil {
		writeError(w, http.StatusBadRequest, "the scenario is not valid", fields)
		return req, nil, false
	}
	return req, sc, true
}

// validateScenario checks scenario YAML without storing it.
func (s *Server) validateScenario(w http.ResponseWriter, r *http.Request) {
	if _, sc, ok := s.scenarioOf(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "scenario": scenarioSummary(sc)})
	}
}

// createScenario validates and stores a scenario.
func (s *Server) createScenario(w http.ResponseWriter, r *http.Request) {
	req, sc, ok := s.scenarioOf(w, r)
	if !ok {
		return
	}
	id, err := s.cfg.Store.CreateScenario(r.Context(), sc.Name, req.YAML)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/scenarios/"+strconv.FormatInt(id, 10))
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "scenario": scenarioSummary(sc)})
}

// RunRequest is the body of POST /api/runs.
type RunRequest struct {
	Scenarios   []string `json:"scenarios"`    // built-in scenario names ("x1", "x1-status-quo")
	ScenarioIDs []int64  `json:"scenario_ids"` // stored scenarios
	Projects    []string `json:"projects"`     // empty: every project
	Draws       int      `json:"draws"`        // 0: DefaultDraws
	Seed        *uint64  `json:"seed"`         // nil: 1
	Analysis    *bool    `json:"analysis"`     // base-case tornado, switching values, Shapley; nil: true, as the CLI
	// Premium is the deciding country's strategic premium in every scenario of the run, money
	// a year in service ("50 MUSD/yr", "50MUSD/yr"; see pipeline.ParsePremium); empty: each
	// scenario's, else the data set's.
	Premium string `json:"premium"`
}

// RunSpec is what a stored run records: the pipeline's Spec (everything needed to run it again,
// including the text of stored scenarios) and the version of corridor that ran it.
type RunSpec struct {
	Version string `json:"version"`
	pipeline.Spec
}

// pipelineSpec checks a stored spec's custom scenarios against the network and returns the
// pipeline's spec.
func (s *Server) pipelineSpec(n *model.Network, rs RunSpec) (pipeline.Spec, error) {
	spec := rs.Spec
	if spec.Scenarios == nil && len(spec.Custom) > 0 {
		spec.Scenarios = []string{}
	}
	for _, c := range spec.Custom {
		if _, fields := s.checkScenario(n, c.FileName(), c.YAML); fields != nil {
			return spec, fmt.Errorf("stored scenario %d: %s", c.ID, fields[0].Message)
		}
	}
	return spec, nil
}

// maxFieldErrors is the most field errors a response lists.
const maxFieldErrors = 50

// createRun validates a run request, stores the run as queued and queues it: 202 with its id.
func (s *Server) createRun(w http.ResponseWriter, r *http.Request) {
	var req RunRequest
	if !decode(w, r, &req) {
		return
	}
	n, ok := s.network(w, r)
	if !ok {
		return
	}
	rs := RunSpec{Version: pipeline.Version, Spec: pipeline.Spec{Data: s.cfg.DataName, Draws: req.Draws, Seed: 1,
		Analysis: req.Analysis == nil || *req.Analysis, Premium: strings.TrimSpace(req.Premium)}}
	if req.Seed != nil {
		rs.Seed = *req.Seed
	}
	if rs.Draws == 0 {
		rs.Draws = DefaultDraws
	}
	var fields []FieldError
	if rs.Draws < 1 || rs.Draws > s.cfg.MaxDraws {
		fields = append(fields, FieldError{Path: "draws", Message: fmt.Sprintf("must be between 1 and %d", s.cfg.MaxDraws)})
	}
	if rs.Premium != "" {
		if _, err := pipeline.ParsePremium(rs.Premium); err != nil {
			fields = append(fields, FieldError{Path: "premium", Message: err.Error()})
		}
	}
	for i, p := range req.Projects { // each named project once; none means every project
		switch {
		case n.Project(p) == nil:
			fields = append(fields, FieldError{Path: fmt.Sprintf("projects/%d", i), Message: fmt.Sprintf("no project %q", p)})
		case !slices.Contains(rs.Projects, p):
			rs.Projects = append(rs.Projects, p)
		}
		if len(fields) >= maxFieldErrors {
			break
		}
	}
	if len(req.Scenarios) > 0 {
		// read once per request; a scenario named twice (or by two of its names) runs once
		builtins, err := pipeline.LoadBuiltins(s.cfg.Data)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error(), nil)
			return
		}
		seen := map[*scenario.Scenario]bool{}
		for i, name := range req.Scenarios {
			sc, err := builtins.Lookup(name)
			switch {
			case err != nil:
				fields = append(fields, FieldError{Path: fmt.Sprintf("scenarios/%d", i), Message: err.Error()})
			case !seen[sc]:
				seen[sc] = true
				rs.Scenarios = append(rs.Scenarios, name)
			}
			if len(fields) >= maxFieldErrors {
				break
			}
		}
	}
	for i, id := range req.ScenarioIDs {
		if slices.ContainsFunc(rs.Custom, func(c pipeline.ScenarioText) bool { return c.ID == id }) {
			continue // named twice
		}
		if len(fields) >= maxFieldErrors {
			break
		}
		sc, err := s.cfg.Store.GetScenario(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			fields = append(fields, FieldError{Path: fmt.Sprintf("scenario_ids/%d", i), Message: fmt.Sprintf("no stored scenario %d", id)})
			continue
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		rs.Custom = append(rs.Custom, pipeline.ScenarioText{ID: sc.ID, Name: sc.Name, YAML: sc.YAML})
	}
	if fields == nil {
		most, err := s.maxDraws(n, rs)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error(), nil)
			return
		}
		if rs.Draws > most {
			fields = append(fields, FieldError{Path: "draws", Message: fmt.Sprintf("%d draws keep more figures than a run may hold for these projects, scenarios and countries: at most %d (choose fewer projects or scenarios for more)", rs.Draws, most)})
		}
	}
	if fields != nil {
		writeError(w, http.StatusBadRequest, "invalid run request", fields)
		return
	}
	if _, err := s.pipelineSpec(n, rs); err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	spec, err := json.Marshal(rs)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error(), nil)
		return
	}
	id, err := s.cfg.Store.CreateRun(r.Context(), spec, rs.Seed, rs.Draws)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	select {
	case s.queue <- id:
		s.lists.changed()
	default:
		// a rejected request leaves no run behind
		ctx := context.WithoutCancel(r.Context())
		if err := errors.Join(s.cfg.Store.Fail(ctx, id, "the run queue is full"), s.cfg.Store.Delete(ctx, id)); err != nil {
			s.log.ErrorContext(ctx, "drop rejected run", "run_id", id, "err", err)
		}
		s.lists.changed()
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("the run queue is full (%d waiting); try again later", cap(s.queue)), nil)
		return
	}
	s.log.InfoContext(r.Context(), "run queued", "run_id", id, "draws", rs.Draws)
	w.Header().Set("Location", "/api/runs/"+strconv.FormatInt(id, 10))
	writeJSON(w, http.StatusAccepted, map[string]any{"id": id, "status": store.Queued})
}

// maxDraws returns the most draws the run of rs may take (pipeline.MaxDraws), so that a run the
// appraisal would refuse is refused here instead of being queued to fail.
func (s *Server) maxDraws(n *model.Network, rs RunSpec) (int, error) {
	projects := len(rs.Projects)
	if projects == 0 {
		projects = len(n.Projects)
	}
	scenarios := len(rs.Scenarios) + len(rs.Custom)
	if rs.Scenarios == nil && len(rs.Custom) == 0 { // every built-in scenario
		b, err := pipeline.LoadBuiltins(s.cfg.Data)
		if err != nil {
			return 0, err
		}
		scenarios = len(b.All())
	}
	return pipeline.MaxDraws(projects, scenarios, len(n.Countries)), nil
}

// runView is a run as the API shows it: the stored run with live progress.
type runView struct {
	*store.Run
	Done  int `json:"done"`
	Total int `json:"total"`
}

// view returns r with its progress: live while it is queued or running, fixed once it is final
// (so the view of a complete run never changes and can be cached).
func (s *Server) view(r *store.Run) runView {
	v := runView{Run: r, Total: r.Draws}
	if r.Status == store.Complete {
		v.Done = r.Draws
	}
	if r.Status.Final() {
		return v
	}
	s.mu.Lock()
	if a := s.active[r.ID]; a != nil && a.total > 0 {
		v.Done, v.Total = a.done, a.total
	}
	s.mu.Unlock()
	return v
}

// runBody encodes a run's view; a complete run's body is final and may be cached. The result
// is spliced in as the store holds it (valid JSON, checked by store.Complete), byte for byte
// what `corridor assess --json` prints, and is never decoded or re-encoded.
func (s *Server) runBody(r *store.Run) (*body, bool, error) {
	rest := *r
	rest.Result = nil
	b, err := json.Marshal(s.view(&rest))
	if err != nil {
		return nil, false, err
	}
	if res := bytes.TrimSpace(r.Result); len(res) > 0 {
		out := make([]byte, 0, len(b)+len(res)+16)
		out = append(out, b[:len(b)-1]...) // without the closing brace
		out = append(out, `,"result":`...)
		out = append(out, res...)
		b = append(out, '}')
	}
	return newBody(append(b, '\n'), "application/json; charset=utf-8"), r.Status == store.Complete, nil
}

// listRuns serves the run history, newest first, without results: limit runs (default 200) with
// ids below before (default: from the newest).
func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	limit := 200
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10_000 {
			writeError(w, http.StatusBadRequest, "invalid query", []FieldError{{Path: "limit", Message: "must be an integer 1..10000"}})
			return
		}
		limit = n
	}
	var before int64
	if v := r.URL.Query().Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "invalid query", []FieldError{{Path: "before", Message: "must be a run id (a positive integer)"}})
			return
		}
		before = n
	}
	// Many clients polling the history share one store read and one encoding.
	b, err := s.lists.load(listKey{limit, before}, func() ([]byte, error) {
		runs, err := s.cfg.Store.List(context.WithoutCancel(r.Context()), limit, before)
		if err != nil {
			return nil, err
		}
		out := make([]runView, len(runs))
		for i := range runs {
			out[i] = s.view(&runs[i])
		}
		b, err := json.Marshal(out)
		return append(b, '\n'), err
	})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b)
}

// getRun serves a run with its status, progress and (when complete) result.
func (s *Server) getRun(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	// A complete run is served from memory; the first readers of one share a single store read
	// (which therefore does not depend on any one request's context).
	ctx := context.WithoutCancel(r.Context())
	b, err := s.cache.load(cacheKey{id, "run"}, func() (*body, bool, error) {
		run, err := s.cfg.Store.Get(ctx, id)
		if err != nil {
			return nil, false, err
		}
		return s.runBody(run)
	})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	b.serve(w, r)
}

// cancelRun cancels a queued or running run.
func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if err := s.cfg.Store.Cancel(r.Context(), id); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.lists.changed()
	s.mu.Lock()
	if a := s.active[id]; a != nil {
		a.cancel()
	}
	s.mu.Unlock()
	s.log.InfoContext(r.Context(), "run canceled", "run_id", id)
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": store.Canceled})
}

// deleteRun deletes a finished run with its result and report.
func (s *Server) deleteRun(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if err := s.cfg.Store.Delete(r.Context(), id); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.lists.changed()
	s.forget(id)
	s.log.InfoContext(r.Context(), "run deleted", "run_id", id)
	w.WriteHeader(http.StatusNoContent)
}

// forget drops a deleted run's cached bodies.
func (s *Server) forget(ids ...int64) {
	for _, id := range ids {
		s.cache.remove(cacheKey{id, "run"})
		s.cache.remove(cacheKey{id, "report"})
	}
}

// prune keeps the newest Config.Keep runs, when set.
func (s *Server) prune(ctx context.Context) {
	if s.cfg.Keep <= 0 {
		return
	}
	ids, err := s.cfg.Store.Prune(ctx, s.cfg.Keep)
	if err != nil {
		s.log.ErrorContext(ctx, "prune runs", "err", err)
		return
	}
	s.forget(ids...)
	if len(ids) > 0 {
		s.lists.changed()
		s.log.InfoContext(ctx, "runs pruned", "runs", len(ids), "keep", s.cfg.Keep)
	}
}

// runEvents streams a run's progress as server-sent events: "progress" events with status, done
// and total while it is queued or running, then one "end" event with the final status.
func (s *Server) runEvents(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	run, err := s.cfg.Store.Get(r.Context(), id)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // a stream outlives WriteTimeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(event string, v runView) error {
		v.Result = nil
		b, _ := json.Marshal(map[string]any{"id": v.ID, "status": v.Status, "done": v.Done, "total": v.Total, "error": v.Error})
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return err
		}
		return rc.Flush()
	}
	last := ""
	tick := time.NewTicker(s.cfg.EventInterval)
	defer tick.Stop()
	idle := 0
	for {
		v := s.view(run)
		if v.Status.Final() {
			send("end", v)
			return
		}
		key := fmt.Sprint(v.Status, v.Done, v.Total)
		if key != last {
			if send("progress", v) != nil {
				return
			}
			last, idle = key, 0
		} else if idle++; idle*int(s.cfg.EventInterval) >= int(15*time.Second) {
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
			idle = 0
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.base.Done():
			return
		case <-tick.C:
		}
		if run, err = s.cfg.Store.Get(r.Context(), id); err != nil {
			return
		}
	}
}

// openAPI serves the embedded OpenAPI document.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("openapi.json")
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error(), nil)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// worker executes queued runs until the server closes.
func (s *Server) worker() {
	for {
		select {
		case <-s.base.Done():
			return
		case id := <-s.queue:
			s.execute(id)
		}
	}
}

// execute runs one queued run and stores its outcome.
func (s *Server) execute(id int64) {
	ctx, cancel := context.WithCancel(s.base)
	defer cancel()
	log := s.log.With("run_id", id)
	a := &activeRun{cancel: cancel}
	s.mu.Lock()
	s.active[id] = a
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.active, id)
		s.mu.Unlock()
	}()
	if err := s.cfg.Store.MarkRunning(ctx, id); err != nil {
		if !errors.Is(err, store.ErrState) {
			log.ErrorContext(ctx, "start run", "err", err)
		}
		return // canceled while queued
	}
	s.lists.changed()
	defer s.lists.changed() // finished, one way or another
	defer s.prune(context.WithoutCancel(ctx))
	res, html, err := s.runOnce(ctx, id, func(done, total int) {
		s.mu.Lock()
		a.done, a.total = done, total
		s.mu.Unlock()
	})
	switch {
	case s.base.Err() != nil:
		return // shutting down: Close marks it interrupted
	case err != nil:
		if ctx.Err() == nil {
			log.WarnContext(ctx, "run failed", "err", err)
		}
		if ferr := s.cfg.Store.Fail(context.WithoutCancel(ctx), id, err.Error()); ferr != nil && !errors.Is(ferr, store.ErrState) {
			log.ErrorContext(ctx, "store failure", "err", ferr)
		}
	default:
		if cerr := s.cfg.Store.Complete(context.WithoutCancel(ctx), id, res, html); cerr != nil {
			if !errors.Is(cerr, store.ErrState) {
				log.ErrorContext(ctx, "store result", "err", cerr)
			}
			return
		}
		log.InfoContext(ctx, "run complete")
		s.warm(context.WithoutCancel(ctx), id, html)
	}
}

// warm puts a just-completed run's bodies in the cache, so its first readers need no store read.
func (s *Server) warm(ctx context.Context, id int64, html []byte) {
	run, err := s.cfg.Store.Get(ctx, id)
	if err != nil {
		s.log.WarnContext(ctx, "read completed run", "run_id", id, "err", err)
		return
	}
	if b, final, err := s.runBody(run); err == nil && final {
		s.cache.add(cacheKey{id, "run"}, b)
	}
	if html != nil {
		s.cache.add(cacheKey{id, "report"}, reportBody(html))
	}
}

// reportCSP is the Content-Security-Policy of a stored HTML report: only its inline styles and
// data: images.
const reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"

// reportBody is a run's HTML report as a body.
func reportBody(html []byte) *body {
	b := newBody(html, "text/html; charset=utf-8")
	b.csp = reportCSP
	return b
}

// runOnce executes a stored run's spec and returns the result as report.AssessJSON writes it and
// the HTML report (nil when it cannot be rendered; the run still completes).
func (s *Server) runOnce(ctx context.Context, id int64, progress func(done, total int)) (json.RawMessage, []byte, error) {
	run, err := s.cfg.Store.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	res, err := s.run(ctx, run.Spec, progress)
	if err != nil {
		return nil, nil, err
	}
	js, err := resultJSON(res)
	if err != nil {
		return nil, nil, err
	}
	var html bytes.Buffer
	if err := report.HTML(&html, res, report.HTMLOptions{}); err != nil {
		s.log.WarnContext(ctx, "html report", "run_id", id, "err", err)
		return js, nil, nil
	}
	return js, html.Bytes(), nil
}

func resultJSON(res *pipeline.Result) (json.RawMessage, error) {
	var buf bytes.Buffer
	if err := report.AssessJSON(&buf, res, ""); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Execute runs a stored spec (a RunSpec as JSON) and returns its result JSON. The same spec
// gives byte-identical output: this is how a stored run is reproduced.
func (s *Server) Execute(ctx context.Context, specJSON json.RawMessage, progress func(done, total int)) (json.RawMessage, error) {
	res, err := s.run(ctx, specJSON, progress)
	if err != nil {
		return nil, err
	}
	return resultJSON(res)
}

// run executes a stored spec through the pipeline.
func (s *Server) run(ctx context.Context, specJSON json.RawMessage, progress func(done, total int)) (*pipeline.Result, error) {
	if s.cfg.Deps.NewEngine == nil {
		return nil, errors.New("this server has no LP engine configured")
	}
	var rs RunSpec
	if err := json.Unmarshal(specJSON, &rs); err != nil {
		return nil, fmt.Errorf("stored spec: %w", err)
	}
	n, err := s.net()
	if err != nil {
		return nil, err
	}
	spec, err := s.pipelineSpec(n, rs)
	if err != nil {
		return nil, err
	}
	deps := s.cfg.Deps
	deps.Progress = progress
	deps.Workers = s.cfg.RunWorkers
	if deps.Logger == nil {
		deps.Logger = s.log
	}
	return pipeline.Run(ctx, spec, s.cfg.Data, deps)
}

// runReport serves a complete run's self-contained HTML report, under a CSP that allows only its
// inline styles and data: images.
func (s *Server) runReport(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	// A report exists only for a complete run and never changes: cache it like the result.
	ctx := context.WithoutCancel(r.Context())
	b, err := s.cache.load(cacheKey{id, "report"}, func() (*body, bool, error) {
		html, err := s.cfg.Store.Report(ctx, id)
		if err != nil {
			return nil, false, err
		}
		return reportBody(html), true, nil
	})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	b.serve(w, r)
}
