package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/dispatch"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/serve"
	"github.com/corridor-dev/corridor/store"
)

// tokenEnv is the environment variable holding the bearer token for write requests.
const tokenEnv = "CORRIDOR_TOKEN"

type serveOptions struct {
	addr       string
	db         string
	data       string
	token      string
	concurrent int
	workers    int
	draws      int
	keep       int
	hosts      []string
	nats       string
	chunk      int
}

func newServeCmd(a *app) *cobra.Command {
	var o serveOptions
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web UI and JSON API: explore the network, edit scenarios, launch and compare runs",
		Long: `serve starts a web server (loopback only by default) with the network map, a scenario
editor, runs with live progress, run history and side-by-side comparison, and the JSON API they
use (described at /api/openapi.json). Runs and scenarios are kept in an SQLite database; runs
left unfinished by a stopped server are marked interrupted when it starts again.

On loopback the server answers only requests addressed to localhost, 127.0.0.1 or [::1] with
its port, so that a web page cannot reach it by rebinding its own DNS name to 127.0.0.1;
--allow-host adds names (a reverse proxy's, say), and elsewhere restricts the names answered.

Changes (POST requests) need a bearer token when --token or ` + tokenEnv + ` is set; set one
whenever the server listens beyond loopback.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.token == "" {
				o.token = os.Getenv(tokenEnv)
			}
			return runServe(cmd.Context(), a, o, nil)
		},
	}
	f := c.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port)")
	f.StringVar(&o.db, "db", "", "SQLite database file (default: corridor.db in the user config directory)")
	f.StringVar(&o.data, "data", "", dataFlagUsage())
	f.StringVar(&o.token, "token", "", "bearer token required for changes (default: $"+tokenEnv+"; none)")
	f.IntVar(&o.concurrent, "concurrent", 1, "runs executed at once; the rest wait in a queue")
	f.IntVar(&o.workers, "workers", 0, "Monte Carlo workers per run (default: number of CPUs)")
	f.IntVar(&o.draws, "max-draws", serve.DefaultMaxDraws, "largest number of draws a run may ask for")
	f.IntVar(&o.keep, "keep", 0, "runs to keep: after each run, older finished runs are deleted with their results (default: keep all)")
	f.StringVar(&o.nats, "nats", "", `compute runs' draws on workers ("corridor worker --nats URL") through the NATS JetStream server at this URL; results are the same bytes`)
	f.IntVar(&o.chunk, "chunk", dispatch.DefaultChunk, "draws per chunk handed to a worker, with --nats")
	f.StringSliceVar(&o.hosts, "allow-host", nil, "Host header values to answer, e.g. corridor.example.org (on loopback, localhost, 127.0.0.1 and [::1] with the port are added; beyond loopback, required)")
	return c
}

// defaultDB returns the default database path, creating its folder.
func defaultDB() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		if dir, err = os.UserCacheDir(); err != nil {
			return "", fmt.Errorf("no user config or cache directory: give --db")
		}
	}
	return filepath.Join(dir, "corridor", "corridor.db"), nil
}

// runServe serves until ctx is cancelled. ready, when not nil, receives the listening address.
func runServe(ctx context.Context, a *app, o serveOptions, ready func(addr string)) error {
	if o.concurrent < 1 {
		return usageError{fmt.Errorf("--concurrent must be at least 1, got %d", o.concurrent)}
	}
	if host, _, err := net.SplitHostPort(o.addr); err != nil {
		return usageError{fmt.Errorf("--addr %q: want host:port, e.g. 127.0.0.1:8080", o.addr)}
	} else if ip := net.ParseIP(host); !(host == "localhost" || ip != nil && ip.IsLoopback()) && len(o.hosts) == 0 {
		// Beyond loopback the server checks the Host header against names it must be told.
		return usageError{fmt.Errorf("--addr %s serves beyond loopback: give the names clients use with --allow-host (e.g. --allow-host corridor.example.org:8080), so that requests for other hosts are refused", o.addr)}
	}
	if o.keep < 0 {
		return usageError{fmt.Errorf("--keep must be 0 (keep all) or more, got %d", o.keep)}
	}
	if err := checkDir(o.data); err != nil {
		return err
	}
	if o.draws < 1 || o.draws > appraise.MaxDraws {
		return usageError{fmt.Errorf("--max-draws must lie within 1..%d, got %d", appraise.MaxDraws, o.draws)}
	}
	if o.nats != "" && o.chunk < 1 {
		return usageError{fmt.Errorf("--chunk must be at least 1, got %d", o.chunk)}
	}
	if o.db == "" {
		p, err := defaultDB()
		if err != nil {
			return err
		}
		o.db = p
	}
	if err := os.MkdirAll(filepath.Dir(o.db), 0o755); err != nil {
		return fmt.Errorf("create database folder: %w", err)
	}
	log := a.logger()
	st, err := store.Open(ctx, o.db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if n, err := st.RecoverInterrupted(ctx); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(a.stderr, "%d run(s) left unfinished by a previous server marked interrupted\n", n)
	}
	rt, err := a.newRuntime(ctx, highs.Config{Logger: log, Presolve: "off"})
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	fsys, _ := dataFS(o.data)
	deps := pipeline.Deps{NewEngine: warmEngines(rt), Logger: log}
	if o.nats != "" {
		co, err := dispatch.NewCoordinator(ctx, dispatch.CoordinatorConfig{URL: o.nats, Chunk: o.chunk, Logger: log})
		if err != nil {
			return err
		}
		defer co.Close()
		deps.Remote = co.Remote
	}
	srv := serve.New(serve.Config{
		Store: st, Data: fsys, DataName: dataRef(o.data), Logger: log, Token: o.token,
		Deps:       deps,
		Concurrent: o.concurrent, RunWorkers: o.workers, MaxDraws: o.draws, Keep: o.keep, AllowedHosts: o.hosts,
	})
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		srv.Close()
		return err
	}
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); o.token == "" && !net.ParseIP(host).IsLoopback() {
		fmt.Fprintf(a.stderr, "warning: listening on %s without a token: anyone who can reach it can read every run and launch runs (set --token or %s)\n", host, tokenEnv)
	}
	fmt.Fprintf(a.stderr, "corridor: serving http://%s/ (database %s); Ctrl-C stops\n", ln.Addr(), o.db)
	if ready != nil {
		ready(ln.Addr().String())
	}
	return srv.Serve(ctx, ln)
}
