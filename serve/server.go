package serve

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/scenario"
	"github.com/corridor-dev/corridor/store"
)

//go:embed openapi.json web
var assets embed.FS

// Defaults of Config.
const (
	DefaultMaxBodyBytes = 1 << 20 // 1 MiB: a scenario file is a few tens of kB
	DefaultMaxDraws     = 100_000
	DefaultQueue        = 32
)

// DefaultDraws is a run's Monte Carlo draws when its request gives none: the same as corridor
// assess.
const DefaultDraws = pipeline.DefaultDraws

// Server timeouts (Serve). The SSE endpoint clears its write deadline.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 2 * time.Minute
)

// Config configures a Server.
type Config struct {
	Store *store.Store // required
	// Data is the data set runs use; nil means dataset.Default().
	Data     fs.FS
	DataName string
	// Deps are the run services; NewEngine is required to execute runs. Progress is set per run.
	Deps pipeline.Deps
	// Logger nil discards.
	Logger *slog.Logger
	// Token, when not empty, is the bearer token every write (POST, DELETE) request must carry.
	Token string
	// Concurrent is how many runs execute at once (default 1); RunWorkers is each run's
	// Monte Carlo worker count (0: number of CPUs; results do not depend on it).
	Concurrent int
	RunWorkers int
	// Queue is how many runs may wait (default DefaultQueue); beyond it POST /api/runs gets 503.
	Queue int
	// MaxBodyBytes caps request bodies (default DefaultMaxBodyBytes); beyond it: 413.
	MaxBodyBytes int64
	// MaxDraws caps a run's draws (default DefaultMaxDraws; at most appraise.MaxDraws).
	MaxDraws int
	// Keep, when positive, is how many runs the store keeps: after each run finishes, older
	// finished runs are deleted with their results.
	Keep int
	// EventInterval is how often the events stream looks for progress (default 250 ms).
	EventInterval time.Duration
	// CacheBytes bounds the in-memory cache of complete runs' response bodies (default
	// DefaultCacheBytes; negative: no cache).
	CacheBytes int64
	// AllowedHosts are Host header values (host or host:port, case-insensitive) the server
	// answers; requests for other hosts get 421. On a loopback listener, Serve adds localhost,
	// 127.0.0.1 and [::1] with the listener's port (LoopbackHosts) and always checks, which
	// defeats DNS rebinding; elsewhere an empty list allows any host (corridor serve requires
	// the list there).
	AllowedHosts []string
	// ReadToken makes reads of the API need the token too (the Authorization header, or the
	// corridor-token cookie the web UI sets, which EventSource and report links carry). Serve
	// sets it on a listener beyond loopback when Token is set: there, anyone who can reach the
	// port could otherwise read every run.
	ReadToken bool
}

// Server is the HTTP API and web UI. It owns its mux and its run workers; all state is in the
// store except the progress of running runs. Close stops it.
type Server struct {
	cfg   Config
	log   *slog.Logger
	mux   *http.ServeMux
	pages *template.Template

	routes []route

	net func() (*model.Network, error) // loaded once, on first use
	// chokes computes the headline scenario's chokepoints once, on first use
	chokes func() (*Chokepoints, error)

	base   context.Context
	stop   context.CancelFunc
	queue  chan int64
	wg     sync.WaitGroup
	mu     sync.Mutex
	active map[int64]*activeRun

	cache     *bodyCache                      // bodies of complete runs
	lists     *listCache                      // bodies of recent run lists
	hosts     atomic.Pointer[map[string]bool] // allowed Host header values; nil: any
	readToken atomic.Bool                     // reads need the token (Config.ReadToken)
}

// activeRun is a run a worker holds.
type activeRun struct {
	cancel      context.CancelFunc
	done, total int
}

// route is one registered pattern.
type route struct {
	method, path string
	write        bool
}

// New returns a Server and starts its run workers.
func New(cfg Config) *Server {
	if cfg.Store == nil {
		panic("serve: Config.Store is nil")
	}
	if cfg.Data == nil {
		cfg.Data, cfg.DataName = dataset.Default(), dataset.DefaultName
	}
	if cfg.DataName == "" {
		cfg.DataName = "data"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Concurrent = max(cfg.Concurrent, 1)
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxDraws <= 0 {
		cfg.MaxDraws = DefaultMaxDraws
	}
	if cfg.EventInterval <= 0 {
		cfg.EventInterval = 250 * time.Millisecond
	}
	if cfg.CacheBytes == 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	s := &Server{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), queue: make(chan int64, cfg.Queue), active: map[int64]*activeRun{},
		cache: newBodyCache(cfg.CacheBytes), lists: newListCache()}
	if len(cfg.AllowedHosts) > 0 {
		s.allowHosts(cfg.AllowedHosts)
	}
	s.readToken.Store(cfg.ReadToken && cfg.Token != "")
	s.net = sync.OnceValues(func() (*model.Network, error) {
		n, _, err := dataset.Load(context.Background(), cfg.Data)
		return n, err
	})
	s.chokes = sync.OnceValues(s.chokepointsDoc)
	s.pages = template.Must(template.New("").ParseFS(assets, "web/*.html"))
	s.base, s.stop = context.WithCancel(context.Background())
	s.register()
	for range cfg.Concurrent {
		s.wg.Go(s.worker)
	}
	return s
}

// register adds every route to the mux.
func (s *Server) register() {
	api := []struct {
		method, path string
		write        bool
		h            http.HandlerFunc
	}{
		{"GET", "/api/data", false, s.getData},
		{"GET", "/api/basemap", false, s.getBasemap},
		{"GET", "/api/chokepoints", false, s.getChokepoints},
		{"GET", "/api/scenarios", false, s.listScenarios},
		{"POST", "/api/scenarios", true, s.createScenario},
		{"POST", "/api/scenarios/validate", true, s.validateScenario},
		{"GET", "/api/scenarios/{id}", false, s.getScenario},
		{"GET", "/api/runs", false, s.listRuns},
		{"POST", "/api/runs", true, s.createRun},
		{"GET", "/api/runs/{id}", false, s.getRun},
		{"POST", "/api/runs/{id}/cancel", true, s.cancelRun},
		{"DELETE", "/api/runs/{id}", true, s.deleteRun},
		{"GET", "/api/runs/{id}/events", false, s.runEvents},
		{"GET", "/api/runs/{id}/report.html", false, s.runReport},
		{"GET", "/api/openapi.json", false, s.openAPI},
	}
	for _, r := range api {
		h := http.Handler(r.h)
		if r.write {
			h = s.writeGuard(h)
		}
		s.mux.Handle(r.method+" "+r.path, h)
		s.routes = append(s.routes, route{r.method, r.path, r.write})
	}
	// Unmatched API requests get JSON errors: 405 (with Allow) when another method matches.
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{"GET", "POST", "DELETE"} {
			r2 := r.Clone(r.Context())
			r2.Method = m
			if _, p := s.mux.Handler(r2); p != "/api/" {
				allow = append(allow, m)
			}
		}
		if allow != nil {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, r.Method+" is not allowed here", nil)
			return
		}
		writeError(w, http.StatusNotFound, "no such API endpoint", nil)
	})
	pages := []struct{ path, page string }{
		{"/{$}", "map"},
		{"/scenarios", "scenarios"},
		{"/runs", "runs"},
		{"/runs/{id}", "run"},
		{"/compare", "compare"},
	}
	for _, p := range pages {
		s.mux.HandleFunc("GET "+p.path, s.page(p.page))
	}
	static, _ := fs.Sub(assets, "web/static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
}

// allowHosts restricts the Host header to hosts.
func (s *Server) allowHosts(hosts []string) {
	m := make(map[string]bool, len(hosts))
	for _, h := range hosts {
		m[strings.ToLower(h)] = true
	}
	s.hosts.Store(&m)
}

// LoopbackHosts returns the Host header values a browser sends to a loopback server on port:
// localhost, 127.0.0.1 and [::1] with the port (and without it when the port is 80).
func LoopbackHosts(port string) []string {
	var out []string
	for _, h := range []string{"localhost", "127.0.0.1", "[::1]"} {
		out = append(out, h+":"+port)
		if port == "80" {
			out = append(out, h)
		}
	}
	return out
}

// ServeHTTP serves the API and the pages, with security headers. When the allowed hosts are
// set, a request for another Host gets 421 Misdirected Request before anything else: a page
// from another site that rebinds its DNS name to 127.0.0.1 still sends its own name as Host.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if hosts := s.hosts.Load(); hosts != nil && !(*hosts)[strings.ToLower(r.Host)] {
		writeError(w, http.StatusMisdirectedRequest, fmt.Sprintf("this server does not answer for host %q; use a name it serves (on loopback: localhost or 127.0.0.1 with the port; elsewhere the --allow-host names)", r.Host), nil)
		return
	}
	if s.readToken.Load() && strings.HasPrefix(r.URL.Path, "/api/") && r.URL.Path != "/api/openapi.json" && !s.authorized(r, true) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="corridor"`)
		writeError(w, http.StatusUnauthorized, "this server needs its token for reads too (Authorization: Bearer …, or set it in the web UI)", nil)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'self'")
	s.mux.ServeHTTP(w, r)
}

// Close stops the workers, cancelling running runs, and marks the runs left queued or running
// interrupted.
func (s *Server) Close() error {
	s.stop()
	s.wg.Wait()
	_, err := s.cfg.Store.RecoverInterrupted(context.Background())
	return err
}

// Serve serves HTTP on ln, with the server timeouts, until ctx is cancelled; then it shuts down
// gracefully (waiting up to 10 s for requests in flight) and closes s.
//
// When ln listens on a loopback address, Serve restricts the Host header to LoopbackHosts of
// ln's port and Config.AllowedHosts.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if host, port, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			s.allowHosts(append(LoopbackHosts(port), s.cfg.AllowedHosts...))
		} else if s.cfg.Token != "" {
			s.readToken.Store(true)
		}
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return err
}

// FieldError is a problem with one field of a request, as a path ("draws", "yaml/rules/0/kind")
// and a message; Line and Col locate it in YAML text when known.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
}

// apiError is the body of every error response.
type apiError struct {
	Error  string       `json:"error"`
	Fields []FieldError `json:"fields,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string, fields []FieldError) {
	writeJSON(w, status, apiError{Error: msg, Fields: fields})
}

// authorized reports whether r carries the token (always, when none is configured): in the
// Authorization header, or for reads (cookie true) in the corridor-token cookie. Writes never
// take the cookie, which a browser would send on another site's behalf.
func (s *Server) authorized(r *http.Request, cookie bool) bool {
	if s.cfg.Token == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok && cookie {
		if c, err := r.Cookie("corridor-token"); err == nil {
			got, err = url.PathUnescape(c.Value) // the UI writes it with encodeURIComponent
			ok = err == nil
		}
	}
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) == 1
}

// writeGuard requires the bearer token (when configured) and a JSON content type on write
// requests (POST; DELETE has no body), and caps the body. The content type rule also keeps other web sites from posting
// forms to a loopback server: a cross-origin JSON POST needs a CORS preflight, which fails.
func (s *Server) writeGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r, false) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="corridor"`)
			writeError(w, http.StatusUnauthorized, "this server needs a bearer token for changes (Authorization: Bearer …)", nil)
			return
		}
		// DELETE carries no body, and a cross-origin DELETE needs a preflight anyway.
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" && r.Method != http.MethodDelete {
			writeError(w, http.StatusUnsupportedMediaType, "send Content-Type: application/json", nil)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// decode reads one JSON value into v, strictly: unknown fields and trailing data are errors. It
// writes the error response and returns false on failure.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON value")
	}
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("data after the JSON value")
		}
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit), nil)
	case errors.As(err, &typeErr):
		writeError(w, http.StatusBadRequest, "invalid request", []FieldError{{Path: strings.ReplaceAll(typeErr.Field, ".", "/"), Message: "want a " + typeErr.Type.String()}})
	case errors.As(err, &syntax), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		writeError(w, http.StatusBadRequest, "request body is not valid JSON: "+err.Error(), nil)
	default:
		msg := err.Error()
		if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
			writeError(w, http.StatusBadRequest, "invalid request", []FieldError{{Path: strings.Trim(f, `"`), Message: "unknown field"}})
			return false
		}
		writeError(w, http.StatusBadRequest, "invalid request: "+msg, nil)
	}
	return false
}

// pathID parses the {id} path value: a positive decimal integer, nothing else.
func pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != v {
		writeError(w, http.StatusNotFound, fmt.Sprintf("%q is not an id", v), nil)
		return 0, false
	}
	return id, true
}

// storeError writes the response for a store error.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error(), nil)
	case errors.Is(err, store.ErrState), errors.Is(err, store.ErrExists):
		writeError(w, http.StatusConflict, err.Error(), nil)
	default:
		s.log.ErrorContext(r.Context(), "store", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error", nil)
	}
}

// page renders a server-side page; its content comes from the API through web/static/app.js.
func (s *Server) page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data := map[string]any{"Page": name, "ID": "", "DefaultDraws": DefaultDraws}
		if name == "run" {
			id, ok := pathID(w, r)
			if !ok {
				return
			}
			data["ID"] = id
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := s.pages.ExecuteTemplate(w, name+".html", data); err != nil {
			s.log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		}
	}
}

// builtinScenarios returns the data set's scenarios with their YAML text.
func (s *Server) builtinScenarios() ([]builtinScenario, error) {
	files, err := fs.Glob(s.cfg.Data, "scenarios/*.yaml")
	if err != nil {
		return nil, err
	}
	out := []builtinScenario{}
	for _, f := range files {
		b, err := fs.ReadFile(s.cfg.Data, f)
		if err != nil {
			return nil, err
		}
		sc, err := scenario.Decode(f, strings.NewReader(string(b)))
		if err != nil {
			return nil, err
		}
		out = append(out, builtinScenario{Name: sc.Name, Title: sc.Title, File: f, YAML: string(b)})
	}
	return out, nil
}

type builtinScenario struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	File  string `json:"file"`
	YAML  string `json:"yaml"`
}
