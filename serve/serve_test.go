package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/store"
)

// rt is the HiGHS runtime the run tests share (compiling it is the slow part of a run).
var rt *highs.Runtime

func TestMain(m *testing.M) {
	ctx := context.Background()
	var err error
	rt, err = highs.NewRuntime(ctx, highs.Config{Presolve: "off"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "highs runtime:", err)
		os.Exit(1)
	}
	code := m.Run()
	rt.Close(ctx)
	os.Exit(code)
}

type fixture struct {
	srv *Server
	ts  *httptest.Server
	st  *store.Store
}

func newFixture(t testing.TB, mod func(*Config)) *fixture {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Store: st, Deps: pipeline.Deps{NewEngine: func() (lp.Incremental, error) { return rt.NewEngine() }},
		RunWorkers: 2, EventInterval: 20 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	srv := New(cfg)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		srv.Close()
		st.Close()
	})
	return &fixture{srv, ts, st}
}

// do sends a request and decodes the JSON response into out (when not nil).
func (f *fixture) do(t testing.TB, method, path, body string, hdr map[string]string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == "POST" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := f.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, path, b, err)
		}
	}
	return res.StatusCode
}

func jsonBody(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

const validYAML = `name: dear-gas
title: Gas at 1.5 times the price, coal ban enforced hard
overrides:
  - path: commodities/gas/price
    value: 300 USD/mcm
    source: "assumption: a gas price shock"
rules:
  - id: coal-ban
    kind: ban
    commodities: [coal]
    origins: ["*"]
    destinations: [RUS, CHN, KOR]
    transit: [PRK]
    enforcement: {value: 0.99, source: "assumption: hard enforcement"}
    evasion_cost: {value: "30 %", source: "assumption: as x1"}
    source: S09
`

func TestScenarios(t *testing.T) {
	f := newFixture(t, nil)
	for _, tt := range []struct {
		name, path, yaml string
		want             int
		wantField        string // a field error path that must appear
		wantPos          bool   // some field error carries line and column
	}{
		{"valid", "/api/scenarios", validYAML, 201, "", false},
		{"the same name again", "/api/scenarios", validYAML, 409, "", false},
		{"validate only", "/api/scenarios/validate", validYAML, 200, "", false},
		{"empty", "/api/scenarios", "", 400, "yaml", false},
		{"unknown key", "/api/scenarios", "name: x\nrulez: []\n", 400, "yaml/rulez", true},
		{"bad kind", "/api/scenarios", "name: x\nrules:\n  - id: a\n    kind: embargo\n    commodities: [coal]\n", 400, "", true},
		{"unknown country", "/api/scenarios/validate", strings.Replace(validYAML, "[RUS, CHN, KOR]", "[RUS, ATL]", 1), 400, "", true},
		{"not yaml", "/api/scenarios", "name: [", 400, "", true},
		// #17: 128 kB of nesting once took the server to "out of memory".
		{"nested too deep", "/api/scenarios/validate", "name: x\nrules: " + strings.Repeat("[", 1<<16) + strings.Repeat("]", 1<<16) + "\n", 400, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				ID       int64
				Error    string
				Fields   []FieldError
				Scenario json.RawMessage
			}
			code := f.do(t, "POST", tt.path, jsonBody(map[string]string{"yaml": tt.yaml}), nil, &got)
			if code != tt.want {
				t.Fatalf("POST %s = %d %+v, want %d", tt.path, code, got, tt.want)
			}
			if code < 300 {
				for _, p := range schemaProblems(t, "ScenarioSummary", got.Scenario) {
					t.Errorf("POST %s: scenario vs openapi.json: %s", tt.path, p)
				}
			}
			found, pos := tt.wantField == "", false
			for _, fe := range got.Fields {
				found = found || fe.Path == tt.wantField
				pos = pos || (fe.Line > 0 && fe.Col > 0 && strings.HasPrefix(fe.Message, fmt.Sprintf("scenario.yaml:%d:%d: ", fe.Line, fe.Col)))
			}
			if !found || pos != tt.wantPos {
				t.Errorf("fields = %+v, want path %q and positions %v", got.Fields, tt.wantField, tt.wantPos)
			}
		})
	}
	var list struct {
		Builtin []builtinScenario
		Stored  []store.Scenario
	}
	if code := f.do(t, "GET", "/api/scenarios", "", nil, &list); code != 200 || len(list.Builtin) < 1 || len(list.Stored) != 1 {
		t.Fatalf("GET /api/scenarios = %d, %d built-in, %d stored, want 200, ≥1, 1", code, len(list.Builtin), len(list.Stored))
	}
	var sc store.Scenario
	if code := f.do(t, "GET", fmt.Sprintf("/api/scenarios/%d", list.Stored[0].ID), "", nil, &sc); code != 200 || sc.YAML != validYAML || sc.Name != "dear-gas" {
		t.Errorf("GET scenario = %d %+v, want the stored YAML", code, sc)
	}
}

func TestBadRequests(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxBodyBytes = 4096; c.Token = "s3cret" })
	auth := map[string]string{"Authorization": "Bearer s3cret"}
	for _, tt := range []struct {
		name, method, path, body string
		hdr                      map[string]string
		want                     int
		wantField                string
	}{
		{"no token", "POST", "/api/runs", `{"draws":1}`, nil, 401, ""},
		{"wrong token", "POST", "/api/runs", `{"draws":1}`, map[string]string{"Authorization": "Bearer nope"}, 401, ""},
		{"cancel without token", "POST", "/api/runs/1/cancel", ``, nil, 401, ""},
		{"reads need no token", "GET", "/api/runs", "", nil, 200, ""},
		{"oversize", "POST", "/api/scenarios", jsonBody(map[string]string{"yaml": strings.Repeat("#", 5000)}), auth, 413, ""},
		{"unknown field", "POST", "/api/runs", `{"draws":1,"drawz":2}`, auth, 400, "drawz"},
		{"wrong type", "POST", "/api/runs", `{"draws":"many"}`, auth, 400, "draws"},
		{"trailing data", "POST", "/api/runs", `{"draws":1} {}`, auth, 400, ""},
		{"not json", "POST", "/api/runs", `draws=1`, auth, 400, ""},
		{"form content type", "POST", "/api/runs", `{}`, map[string]string{"Authorization": "Bearer s3cret", "Content-Type": "application/x-www-form-urlencoded"}, 415, ""},
		{"draws out of range", "POST", "/api/runs", `{"draws":1000000}`, auth, 400, "draws"},
		{"draws beyond the figures kept", "POST", "/api/runs", `{"draws":50000}`, auth, 400, "draws"},
		{"draws beyond the figures kept for three scenarios", "POST", "/api/runs", `{"draws":40000,"scenarios":["x1","x2","x3"]}`, auth, 400, "draws"},
		{"unknown project", "POST", "/api/runs", `{"draws":1,"projects":["NOPE"]}`, auth, 400, "projects/0"},
		{"unknown scenario", "POST", "/api/runs", `{"draws":1,"scenarios":["x1","x99"]}`, auth, 400, "scenarios/1"},
		{"unknown stored scenario", "POST", "/api/runs", `{"draws":1,"scenario_ids":[42]}`, auth, 400, "scenario_ids/0"},
		{"premium not money a year", "POST", "/api/runs", `{"draws":1,"premium":"50 MUSD"}`, auth, 400, "premium"},
		{"premium negative", "POST", "/api/runs", `{"draws":1,"premium":"-5MUSD/yr"}`, auth, 400, "premium"},
		{"premium not a quantity", "POST", "/api/runs", `{"draws":1,"premium":"lots"}`, auth, 400, "premium"},
		{"premium not a string", "POST", "/api/runs", `{"draws":1,"premium":50}`, auth, 400, "premium"},
		{"missing run", "GET", "/api/runs/999", "", nil, 404, ""},
		{"missing scenario", "GET", "/api/scenarios/999", "", nil, 404, ""},
		{"id not a number", "GET", "/api/runs/abc", "", nil, 404, ""},
		{"id with leading zero", "GET", "/api/runs/01", "", nil, 404, ""},
		{"traversal", "GET", "/api/scenarios/..%2f..%2fetc%2fpasswd", "", nil, 404, ""},
		{"negative id", "GET", "/api/runs/-1", "", nil, 404, ""},
		{"unknown endpoint", "GET", "/api/nope", "", nil, 404, ""},
		{"wrong method", "PUT", "/api/runs/1", "", nil, 405, ""},
		{"cancel missing run", "POST", "/api/runs/999/cancel", ``, auth, 404, ""},
		{"bad limit", "GET", "/api/runs?limit=x", "", nil, 400, "limit"},
		{"static traversal", "GET", "/static/..%2fserver.go", "", nil, 404, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got apiError
			var out any = &got
			if tt.want == 200 || tt.want == 405 || strings.HasPrefix(tt.path, "/static") {
				out = nil
			}
			code := f.do(t, tt.method, tt.path, tt.body, tt.hdr, out)
			if code != tt.want {
				t.Fatalf("%s %s = %d %+v, want %d", tt.method, tt.path, code, got, tt.want)
			}
			if out != nil && got.Error == "" {
				t.Errorf("error body has no message")
			}
			if tt.wantField != "" && (len(got.Fields) == 0 || got.Fields[len(got.Fields)-1].Path != tt.wantField) {
				t.Errorf("fields = %+v, want path %q", got.Fields, tt.wantField)
			}
		})
	}
	// rejected requests leave no run behind (#17)
	var runs []any
	if f.do(t, "GET", "/api/runs", "", nil, &runs); len(runs) != 0 {
		t.Errorf("rejected requests left %d runs", len(runs))
	}
}

// TestOpenAPI checks that every registered API route is in the OpenAPI document, and every
// documented path is registered.
func TestOpenAPI(t *testing.T) {
	f := newFixture(t, nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if code := f.do(t, "GET", "/api/openapi.json", "", nil, &doc); code != 200 || !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("GET /api/openapi.json = %d, version %q", code, doc.OpenAPI)
	}
	seen := map[string]bool{}
	for _, r := range f.srv.routes {
		seen[r.path] = true
		if _, ok := doc.Paths[r.path][strings.ToLower(r.method)]; !ok {
			t.Errorf("route %s %s is not in openapi.json", r.method, r.path)
		}
	}
	for p := range doc.Paths {
		if !seen[p] {
			t.Errorf("openapi.json documents %s, which is not registered", p)
		}
	}
	// the result schema check below finds what it should
	bad := `{"schema_version": 2, "version": "x", "input_hash": "h", "seed": 1, "draws": 1, "decider": "RUS", "scenarios": [], "verdicts": [], "countries": [],
		"cases": [{"project": "P", "bargaining": {"commit": "high"}, "Commit": 0.5}]}`
	probs := strings.Join(schemaProblems(t, "Assessment", json.RawMessage(bad)), "\n")
	for _, want := range []string{`cases/0/Commit: key "Commit" is not in schema Case`, "cases/0/bargaining/commit: string, want number or null",
		`cases/0: lacks required key "scenario"`, `cases/0/bargaining: lacks required key "commit_stderr"`} {
		if !strings.Contains(probs, want) {
			t.Errorf("schema check of a bad result: want %q among\n%s", want, probs)
		}
	}
}

// schemaProblems checks a JSON value against a schema of openapi.json's components: every key
// must be a property of its schema, every required key present, every value of a declared type.
// It follows $ref, items and properties: enough for the shapes the document uses.
func schemaProblems(t testing.TB, name string, v json.RawMessage) []string {
	t.Helper()
	b, err := assets.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct{ Schemas map[string]map[string]any } `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	var val any
	if err := json.Unmarshal(v, &val); err != nil {
		t.Fatal(err)
	}
	var probs []string
	var check func(schema map[string]any, schemaName string, v any, path string)
	check = func(schema map[string]any, schemaName string, v any, path string) {
		if ref, ok := schema["$ref"].(string); ok {
			n, _ := strings.CutPrefix(ref, "#/components/schemas/")
			s, ok := doc.Components.Schemas[n]
			if !ok {
				probs = append(probs, fmt.Sprintf("%s: no schema %s", path, ref))
				return
			}
			schema, schemaName = s, n
		}
		var kind string
		switch x := v.(type) {
		case nil:
			kind = "null"
		case bool:
			kind = "boolean"
		case float64:
			kind = "number"
			if x == float64(int64(x)) {
				kind = "integer"
			}
		case string:
			kind = "string"
		case []any:
			kind = "array"
		case map[string]any:
			kind = "object"
		}
		var types []string
		switch ty := schema["type"].(type) {
		case string:
			types = []string{ty}
		case []any:
			for _, x := range ty {
				types = append(types, fmt.Sprint(x))
			}
		}
		if len(types) > 0 && !slices.Contains(types, kind) && !(kind == "integer" && slices.Contains(types, "number")) {
			probs = append(probs, fmt.Sprintf("%s: %s, want %s", path, kind, strings.Join(types, " or ")))
			return
		}
		switch x := v.(type) {
		case []any:
			if items, ok := schema["items"].(map[string]any); ok {
				for i, e := range x {
					check(items, "", e, fmt.Sprintf("%s/%d", path, i))
				}
			}
		case map[string]any:
			props, _ := schema["properties"].(map[string]any)
			for _, k := range slices.Sorted(maps.Keys(x)) {
				p, ok := props[k].(map[string]any)
				if !ok {
					probs = append(probs, fmt.Sprintf("%s/%s: key %q is not in schema %s", path, k, k, schemaName))
					continue
				}
				check(p, "", x[k], path+"/"+k)
			}
			req, _ := schema["required"].([]any)
			for _, k := range req {
				if _, ok := x[k.(string)]; !ok {
					probs = append(probs, fmt.Sprintf("%s: lacks required key %q", path, k))
				}
			}
		}
	}
	check(map[string]any{"$ref": "#/components/schemas/" + name}, name, val, "")
	return probs
}

// checkResult checks a run's result JSON against the Assessment schema of openapi.json.
func checkResult(t testing.TB, result json.RawMessage) {
	t.Helper()
	for _, p := range schemaProblems(t, "Assessment", result) {
		t.Errorf("result vs openapi.json: %s", p)
	}
}

func TestPages(t *testing.T) {
	f := newFixture(t, nil)
	for _, p := range []string{"/", "/scenarios", "/runs", "/runs/3", "/compare?a=1&b=2", "/static/app.js", "/static/style.css"} {
		res, err := f.ts.Client().Get(f.ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || len(b) < 100 {
			t.Errorf("GET %s = %d, %d bytes", p, res.StatusCode, len(b))
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", p, csp)
		}
	}
	var data Data
	var raw map[string]any
	if code := f.do(t, "GET", "/api/data", "", nil, &raw); code != 200 {
		t.Fatalf("GET /api/data = %d", code)
	}
	rawBody, _ := json.Marshal(raw)
	for _, p := range schemaProblems(t, "Data", rawBody) {
		t.Errorf("GET /api/data vs openapi.json: %s", p)
	}
	f.do(t, "GET", "/api/data", "", nil, &data)
	if data.SchemaVersion != DataSchemaVersion || len(data.Nodes) < 10 || len(data.Links) < 10 || data.Links[0].Mode == "" || data.Study.Title == "" || data.Study.Decider == "" {
		t.Errorf("GET /api/data: schema %d, %d nodes, %d links, study %+v", data.SchemaVersion, len(data.Nodes), len(data.Links), data.Study)
	}
	// the wire format is snake_case: Go's decoder ignores case, so look at the keys themselves
	for _, k := range []string{"schema_version", "base_year", "study", "nodes", "links", "projects", "sources", "countries"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("GET /api/data has no key %q", k)
		}
	}
	if l := raw["links"].([]any)[0].(map[string]any); l["two_way"] == nil || l["from"] == nil || l["From"] != nil {
		t.Errorf("GET /api/data link keys %v, want snake_case", slices.Sorted(maps.Keys(l)))
	}
}

// wait polls a run until its status is final.
func (f *fixture) wait(t testing.TB, id int64) runView {
	t.Helper()
	// a guard against a hang, not a timing test: a full run of the built-in data under the race
	// detector takes a minute or more on two cores
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		var v struct {
			store.Run
			Done, Total int
		}
		if code := f.do(t, "GET", fmt.Sprintf("/api/runs/%d", id), "", nil, &v); code != 200 {
			t.Fatalf("GET run %d = %d", id, code)
		}
		if v.Status.Final() {
			return runView{Run: &v.Run, Done: v.Done, Total: v.Total}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("run %d did not finish", id)
	return runView{}
}

func TestRunLifecycle(t *testing.T) {
	f := newFixture(t, nil)
	var sc struct{ ID int64 }
	if code := f.do(t, "POST", "/api/scenarios", jsonBody(map[string]string{"yaml": validYAML}), nil, &sc); code != 201 {
		t.Fatalf("create scenario = %d", code)
	}
	var created struct {
		ID     int64
		Status string
	}
	body := jsonBody(map[string]any{"scenarios": []string{"x1"}, "scenario_ids": []int64{sc.ID}, "projects": []string{"TUMEN_ROAD_BRIDGE"}, "draws": 2, "seed": 7})
	if code := f.do(t, "POST", "/api/runs", body, nil, &created); code != 202 || created.ID == 0 || created.Status != "queued" {
		t.Fatalf("POST /api/runs = %d %+v, want 202 queued", code, created)
	}

	// the event stream ends with the final status
	res, err := f.ts.Client().Get(fmt.Sprintf("%s/api/runs/%d/events", f.ts.URL, created.ID))
	if err != nil {
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("events Content-Type = %q", ct)
	}
	var events []string
	sc2 := bufio.NewScanner(res.Body)
	for sc2.Scan() {
		if ev, ok := strings.CutPrefix(sc2.Text(), "event: "); ok {
			events = append(events, ev)
		}
	}
	res.Body.Close()
	if len(events) == 0 || events[len(events)-1] != "end" {
		t.Errorf("events = %v, want ending in end", events)
	}

	v := f.wait(t, created.ID)
	if v.Status != store.Complete {
		t.Fatalf("run status = %s (%s), want complete", v.Status, v.Error)
	}
	var result struct {
		Seed      uint64
		Draws     int
		Scenarios []string
		Cases     []struct{ Project, Scenario string }
	}
	if err := json.Unmarshal(v.Result, &result); err != nil {
		t.Fatal(err)
	}
	if result.Seed != 7 || result.Draws != 2 || len(result.Cases) != 2 || strings.Join(result.Scenarios, ",") != "x1-status-quo,dear-gas" {
		t.Errorf("result = %+v, want seed 7, 2 draws, 2 cases of x1-status-quo and dear-gas", result)
	}
	if v.Done != 2 || v.Total != 2 {
		t.Errorf("progress = %d/%d, want 2/2", v.Done, v.Total)
	}
	checkResult(t, v.Result)

	// reproducible from the stored spec and seed
	stored, err := f.st.Get(t.Context(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.srv.Execute(t.Context(), stored.Spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(stored.Result) {
		t.Errorf("re-running the stored spec gave a different result (%d vs %d bytes)", len(again), len(stored.Result))
	}

	res, err = f.ts.Client().Get(fmt.Sprintf("%s/api/runs/%d/report.html", f.ts.URL, created.ID))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "<html") || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("GET report.html = %d, %d bytes, CSP %q", res.StatusCode, len(b), res.Header.Get("Content-Security-Policy"))
	}

	var list []runView
	if code := f.do(t, "GET", "/api/runs", "", nil, &list); code != 200 || len(list) != 1 || list[0].Result != nil {
		t.Errorf("GET /api/runs = %d, %d runs, want 1 without result", code, len(list))
	}
	if code := f.do(t, "POST", fmt.Sprintf("/api/runs/%d/cancel", created.ID), "", nil, nil); code != 409 {
		t.Errorf("cancel a complete run = %d, want 409", code)
	}
}

// TestRunPremium runs with a strategic premium: it is stored in the spec (trimmed), reaches every
// case, and the stored spec re-runs to the same bytes. The run has the base-case analysis, so
// the result's check against openapi.json covers every part of a case.
func TestRunPremium(t *testing.T) {
	f := newFixture(t, nil)
	var created struct{ ID int64 }
	body := jsonBody(map[string]any{"scenarios": []string{"x1"}, "projects": []string{"TUMEN_ROAD_BRIDGE"}, "draws": 1, "premium": " 50MUSD/yr ", "analysis": true})
	if code := f.do(t, "POST", "/api/runs", body, nil, &created); code != 202 {
		t.Fatalf("POST /api/runs with a premium = %d, want 202", code)
	}
	v := f.wait(t, created.ID)
	if v.Status != store.Complete {
		t.Fatalf("run status = %s (%s), want complete", v.Status, v.Error)
	}
	var spec RunSpec
	if err := json.Unmarshal(v.Spec, &spec); err != nil || spec.Premium != "50MUSD/yr" || spec.Draws != 1 {
		t.Errorf("stored spec = %s (%v), want premium 50MUSD/yr", v.Spec, err)
	}
	var result struct {
		Cases []struct {
			Premium float64          `json:"premium_usd_per_yr"`
			Base    *json.RawMessage `json:"base"`
		}
	}
	if err := json.Unmarshal(v.Result, &result); err != nil {
		t.Fatal(err)
	}
	if len(result.Cases) != 1 || result.Cases[0].Premium != 50e6 || result.Cases[0].Base == nil {
		t.Errorf("result cases = %+v, want one with a premium of 50e6 USD/yr and a base case", result.Cases)
	}
	checkResult(t, v.Result)
	stored, err := f.st.Get(t.Context(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.srv.Execute(t.Context(), stored.Spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(stored.Result) {
		t.Errorf("re-running the stored spec gave a different result (%d vs %d bytes)", len(again), len(stored.Result))
	}

	// without a premium the spec has none, and the default draws are the CLI's
	var plain struct{ ID int64 }
	if code := f.do(t, "POST", "/api/runs", jsonBody(map[string]any{"scenarios": []string{"x1"}, "projects": []string{"TUMEN_ROAD_BRIDGE"}, "premium": ""}), nil, &plain); code != 202 {
		t.Fatalf("POST /api/runs with an empty premium = %d, want 202", code)
	}
	r, err := f.st.Get(t.Context(), plain.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Draws != DefaultDraws || strings.Contains(string(r.Spec), "premium") {
		t.Errorf("run without premium or draws: %d draws, spec %s; want %d draws and no premium", r.Draws, r.Spec, DefaultDraws)
	}
	f.do(t, "POST", fmt.Sprintf("/api/runs/%d/cancel", plain.ID), "", nil, nil)
}

func TestCancel(t *testing.T) {
	f := newFixture(t, nil)
	body := jsonBody(map[string]any{"scenarios": []string{"x1"}, "projects": []string{"TUMEN_ROAD_BRIDGE"}, "draws": 100000})
	var a, b struct{ ID int64 }
	f.do(t, "POST", "/api/runs", body, nil, &a)
	f.do(t, "POST", "/api/runs", body, nil, &b) // queued behind a: one run at a time
	// cancel b while queued, a once it runs
	if code := f.do(t, "POST", fmt.Sprintf("/api/runs/%d/cancel", b.ID), "", nil, nil); code != 200 {
		t.Fatalf("cancel queued = %d", code)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var v runView
		f.do(t, "GET", fmt.Sprintf("/api/runs/%d", a.ID), "", nil, &v)
		if v.Status == store.Running && v.Done > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	t0 := time.Now()
	if code := f.do(t, "POST", fmt.Sprintf("/api/runs/%d/cancel", a.ID), "", nil, nil); code != 200 {
		t.Fatalf("cancel running = %d", code)
	}
	for _, id := range []int64{a.ID, b.ID} {
		if v := f.wait(t, id); v.Status != store.Canceled || v.Result != nil {
			t.Errorf("run %d = %s with result %d bytes, want canceled without result", id, v.Status, len(v.Result))
		}
	}
	// the worker is free again soon: a small run completes
	small := jsonBody(map[string]any{"scenarios": []string{"x1"}, "projects": []string{"TUMEN_ROAD_BRIDGE"}, "draws": 1})
	var c struct{ ID int64 }
	f.do(t, "POST", "/api/runs", small, nil, &c)
	if v := f.wait(t, c.ID); v.Status != store.Complete {
		t.Errorf("run after cancel = %s (%s), want complete", v.Status, v.Error)
	}
	t.Logf("cancel to next run complete: %v", time.Since(t0))
}

func TestCloseInterrupts(t *testing.T) {
	f := newFixture(t, nil)
	body := jsonBody(map[string]any{"scenarios": []string{"x1"}, "projects": []string{"TUMEN_ROAD_BRIDGE"}, "draws": 100000})
	var a struct{ ID int64 }
	f.do(t, "POST", "/api/runs", body, nil, &a)
	time.Sleep(200 * time.Millisecond)
	if err := f.srv.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := f.st.Get(t.Context(), a.ID)
	if err != nil || r.Status != store.Interrupted {
		t.Errorf("after Close: %+v, %v, want interrupted", r, err)
	}
}

// The run list pages with before; DELETE removes a finished run (cached bodies included); Keep
// prunes the history after each run (#17: the list once read every stored result, and nothing
// was ever deleted).
func TestRunHistoryPagingDeleteKeep(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Keep = 2; c.Token = "tok" })
	auth := map[string]string{"Authorization": "Bearer tok"}
	body := jsonBody(map[string]any{"scenarios": []string{"x1"}, "projects": []string{"TUMEN_ROAD_BRIDGE"}, "draws": 1, "analysis": false})
	var ids []int64
	for range 3 {
		var created struct{ ID int64 }
		if code := f.do(t, "POST", "/api/runs", body, auth, &created); code != 202 {
			t.Fatalf("POST /api/runs = %d", code)
		}
		f.wait(t, created.ID)
		ids = append(ids, created.ID)
	}
	// the last run prunes right after it completes
	var list []struct{ ID int64 }
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if code := f.do(t, "GET", "/api/runs", "", nil, &list); code != 200 || len(list) == 2 || time.Now().After(deadline) {
			break
		}
	}
	if len(list) != 2 || list[0].ID != ids[2] || list[1].ID != ids[1] {
		t.Fatalf("GET /api/runs with Keep 2 = %+v, want runs %d and %d", list, ids[2], ids[1])
	}
	if code := f.do(t, "GET", fmt.Sprintf("/api/runs?before=%d", ids[2]), "", nil, &list); code != 200 || len(list) != 1 || list[0].ID != ids[1] {
		t.Errorf("GET /api/runs?before=%d = %d %+v, want run %d", ids[2], code, list, ids[1])
	}
	if code := f.do(t, "GET", "/api/runs?before=x", "", nil, nil); code != 400 {
		t.Errorf("GET /api/runs?before=x = %d, want 400", code)
	}
	del := fmt.Sprintf("/api/runs/%d", ids[2])
	if code := f.do(t, "DELETE", del, "", nil, nil); code != 401 {
		t.Errorf("DELETE without the token = %d, want 401", code)
	}
	if code := f.do(t, "DELETE", del, "", auth, nil); code != 204 {
		t.Fatalf("DELETE %s = %d, want 204", del, code)
	}
	if code := f.do(t, "GET", del, "", nil, nil); code != 404 {
		t.Errorf("GET deleted run = %d, want 404 (not served from the cache)", code)
	}
	if code := f.do(t, "GET", del+"/report.html", "", nil, nil); code != 404 {
		t.Errorf("GET deleted report = %d, want 404", code)
	}
	if code := f.do(t, "DELETE", del, "", auth, nil); code != 404 {
		t.Errorf("DELETE again = %d, want 404", code)
	}
}

// A run request names each scenario and project once however often it lists them, resolving
// the built-in scenarios once (#17: 7,000 names cost 89 s of CPU); unknown names give at most
// maxFieldErrors field errors; no project means every project.
func TestRunRequestNamesOnce(t *testing.T) {
	f := newFixture(t, nil)
	names := append(slices.Repeat([]string{"x1"}, 7000), "X1-STATUS-QUO")
	body := jsonBody(map[string]any{"scenarios": names, "projects": slices.Repeat([]string{"TUMEN_ROAD_BRIDGE"}, 3000), "draws": 1})
	var created struct{ ID int64 }
	if code := f.do(t, "POST", "/api/runs", body, nil, &created); code != 202 {
		t.Fatalf("POST /api/runs with 7,001 names of one scenario = %d, want 202", code)
	}
	run, err := f.st.Get(t.Context(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	var spec RunSpec
	if err := json.Unmarshal(run.Spec, &spec); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(spec.Scenarios, []string{"x1"}) || !slices.Equal(spec.Projects, []string{"TUMEN_ROAD_BRIDGE"}) {
		t.Errorf("stored spec scenarios %v projects %v, want [x1] and [TUMEN_ROAD_BRIDGE]", spec.Scenarios, spec.Projects)
	}
	var bad apiError
	body = jsonBody(map[string]any{"scenarios": slices.Repeat([]string{"nope"}, 7000)})
	if code := f.do(t, "POST", "/api/runs", body, nil, &bad); code != 400 || len(bad.Fields) != maxFieldErrors {
		t.Errorf("POST with 7,000 unknown names = %d with %d field errors, want 400 with %d", code, len(bad.Fields), maxFieldErrors)
	}
	body = jsonBody(map[string]any{"scenarios": []string{"x1"}, "projects": []string{}, "draws": 1, "analysis": false})
	if code := f.do(t, "POST", "/api/runs", body, nil, &created); code != 202 {
		t.Fatalf("POST with no project = %d, want 202", code)
	}
	if v := f.wait(t, created.ID); v.Status != store.Complete {
		t.Fatalf("run with no project ended %s", v.Status)
	}
	var res struct {
		Result struct {
			Cases []json.RawMessage `json:"cases"`
		} `json:"result"`
	}
	f.do(t, "GET", fmt.Sprintf("/api/runs/%d", created.ID), "", nil, &res)
	if len(res.Result.Cases) < 2 {
		t.Errorf("a run with no project ticked has %d cases, want every project's", len(res.Result.Cases))
	}
}
