package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/dispatch"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/pipeline"
)

type workerOptions struct {
	nats    string
	workers int
	name    string
}

func newWorkerCmd(a *app) *cobra.Command {
	var o workerOptions
	c := &cobra.Command{
		Use:   "worker --nats URL",
		Short: "Compute chunks of draws of distributed runs (assess --nats) until interrupted",
		Long: `worker takes chunks of Monte Carlo draws from the NATS JetStream server at --nats, one at a
time, computes each on --workers goroutines and publishes the result. Start as many as you like,
on as many machines, before or during a run; a worker that dies mid-chunk loses nothing (its
chunk goes to another worker after the ack wait). A worker checks that the data set and
scenarios it was sent give the input hash of the run; a mismatch fails the run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runWorker(cmd.Context(), a, o) },
	}
	f := c.Flags()
	f.StringVar(&o.nats, "nats", "", "NATS server URL, e.g. nats://127.0.0.1:4222 (required)")
	f.IntVar(&o.workers, "workers", 0, "goroutines per chunk (default: number of CPUs)")
	f.StringVar(&o.name, "name", "", "the worker's name in logs (default: host/pid)")
	return c
}

func runWorker(ctx context.Context, a *app, o workerOptions) error {
	if o.nats == "" {
		return usageError{errors.New("worker needs --nats URL")}
	}
	rt, err := a.newRuntime(ctx, highs.Config{Logger: a.logger(), Presolve: "off"})
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	err = dispatch.RunWorker(ctx, dispatch.WorkerConfig{URL: o.nats, Name: o.name, Logger: a.logger(),
		Deps: pipeline.Deps{NewEngine: warmEngines(rt), Workers: o.workers}})
	if err != nil {
		return err
	}
	return ctx.Err() // interrupted: exit 130
}

type brokerOptions struct {
	listen     string
	store      string
	ackWait    time.Duration
	maxDeliver int
}

func newBrokerCmd(a *app) *cobra.Command {
	var o brokerOptions
	c := &cobra.Command{
		Use:   "broker",
		Short: "Run an embedded NATS JetStream server for distributed runs on this machine",
		Long: `broker runs a NATS server with JetStream, in this process, until interrupted, and creates the
streams distributed runs use (assess --nats, worker --nats). It is for one machine and small
clusters of machines that can reach it; for more, run nats-server -js (see the README).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runBroker(cmd.Context(), a, o) },
	}
	f := c.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:4222", "host:port to listen on (0.0.0.0:4222 to accept other machines)")
	f.StringVar(&o.store, "store", "", "folder for JetStream's streams (default: corridor/jetstream in your user cache folder)")
	f.DurationVar(&o.ackWait, "ack-wait", dispatch.DefaultSetup.AckWait, "time after which a chunk whose worker stopped signalling goes to another worker")
	f.IntVar(&o.maxDeliver, "max-deliver", dispatch.DefaultSetup.MaxDeliver, "deliveries of a chunk before its run fails")
	return c
}

func runBroker(ctx context.Context, a *app, o brokerOptions) error {
	if o.ackWait <= 0 || o.maxDeliver < 1 {
		return usageError{fmt.Errorf("--ack-wait %v and --max-deliver %d must be positive", o.ackWait, o.maxDeliver)}
	}
	if o.store == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("no user cache folder (%w): give --store", err)
		}
		o.store = filepath.Join(dir, "corridor", "jetstream")
	}
	b, err := dispatch.StartBroker(ctx, dispatch.BrokerConfig{Listen: o.listen, StoreDir: o.store, Logger: a.logger(),
		Setup: dispatch.Setup{AckWait: o.ackWait, MaxDeliver: o.maxDeliver}})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "NATS JetStream listening on %s (store %s); stop with Ctrl-C\n", b.URL(), o.store)
	<-ctx.Done()
	b.Shutdown()
	return ctx.Err()
}
