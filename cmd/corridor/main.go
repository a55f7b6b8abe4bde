// Command corridor appraises cross-border infrastructure (rail, pipelines, power lines) under
// sanctions: flows, per-country value, uncertainty and what would change the answer.
//
// Run "corridor --help" for the verbs. Only this package touches flags, paths, environment and
// signals; everything else lives in library packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/corridor-dev/corridor/lp/highs"
)

// Exit codes, documented in the README.
const (
	exitOK       = 0
	exitFailure  = 1 // bad input data, failed validation, solver failure
	exitUsage    = 2 // unknown verb or flag
	exitCanceled = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first interrupt cancels ctx (work stops at the next draw or solve); restoring the
	// default handler then lets a second interrupt end the process at once, even mid-solve.
	go func() {
		<-ctx.Done()
		stop()
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns the process exit code. It is the whole CLI, callable
// from tests with buffers in place of the standard streams.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "corridor: interrupted")
		return exitCanceled
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "corridor: %v\n", err)
		return exitUsage
	default:
		var q quietError
		if !errors.As(err, &q) {
			fmt.Fprintf(stderr, "corridor: %v\n", err)
		}
		return exitFailure
	}
}

// app carries what every verb shares: the streams and the logger built from the global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	verbose        bool
	logJSON        bool
}

// logger returns the logger for library packages: warnings and errors only unless --verbose.
func (a *app) logger() *slog.Logger {
	level := slog.LevelWarn
	if a.verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if a.logJSON {
		return slog.New(slog.NewJSONHandler(a.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(a.stderr, opts))
}

// usageError marks a command-line mistake (exit status 2).
type usageError struct{ error }

// quietError is a failure whose details the command already printed; run only sets the exit code.
type quietError struct{ error }

// newRuntime compiles the LP engine, saying so on stderr when that takes more than a second (the
// first run compiles HiGHS to machine code; later runs read the compilation cache).
func (a *app) newRuntime(ctx context.Context, cfg highs.Config) (*highs.Runtime, error) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case <-done:
		case <-time.After(time.Second):
			fmt.Fprintln(a.stderr, "compiling the LP engine (HiGHS); the first run takes a few seconds, later runs reuse the cache")
		}
	})
	rt, err := highs.NewRuntime(ctx, cfg)
	close(done)
	wg.Wait() // the notice is written before anything the caller writes next
	return rt, err
}
