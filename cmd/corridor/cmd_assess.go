package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/dispatch"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/report"
)

// Default Monte Carlo settings of "corridor assess".
const (
	defaultDraws = pipeline.DefaultDraws
	defaultSeed  = 1
	// defaultMaxDraws bounds a run with --precision: a standard error of at most 0.5 point in
	// any case (√(0.25/10,000)).
	defaultMaxDraws = 10_000
)

// runOptions are the flags that say what the pipeline runs; assess and report share them.
type runOptions struct {
	data      string
	scenarios []string
	projects  []string
	draws     int
	seed      uint64
	workers   int
	analysis  bool
	premium   string
	samples   string // file for every draw's figures (report.SamplesCSV); "" for none
	precision string // the largest standard error of P(commit), percentage points; "" for none
	maxDraws  int    // the most draws a run with a precision takes
	nats      string // NATS server URL: compute the draws on workers (corridor worker); "" runs them here
	chunk     int    // draws per chunk with nats
	force     bool   // write output files through symbolic links
	changed   func(name string) bool
}

// addRunFlags registers the pipeline's flags on f.
func addRunFlags(f *pflag.FlagSet, o *runOptions) {
	f.StringVar(&o.data, "data", "", dataFlagUsage())
	f.StringSliceVar(&o.scenarios, "scenario", nil, "scenarios to run (names or YAML files; default: every built-in scenario)")
	f.StringSliceVar(&o.projects, "project", nil, "projects to appraise (default: all)")
	f.IntVar(&o.draws, "draws", defaultDraws, "Monte Carlo draws")
	f.Uint64Var(&o.seed, "seed", defaultSeed, "random seed: the same seed and inputs give the same output")
	f.IntVar(&o.workers, "workers", 0, "parallel workers (default: number of CPUs); results do not depend on it")
	f.BoolVar(&o.analysis, "analysis", true, "compute the base-case tornado, switching values, gain split and strategic values")
	f.StringVar(&o.premium, "premium", "", `the deciding country's strategic premium in every scenario, money a year in service (e.g. "50MUSD/yr"); default: each scenario's, else the data set's`)
	f.StringVar(&o.samples, "samples", "", "also write every draw to this CSV file: one row per draw, project, scenario and country (NPV, strategic value, capex overrun, whether the decider commits in each view)")
	f.StringVar(&o.precision, "precision", "", "run draws in batches (50, then doubling) until the standard error of the deciding country's P(commit) (bargaining view) is at most this many percentage points in every case, or --max-draws is reached; instead of --draws")
	f.IntVar(&o.maxDraws, "max-draws", defaultMaxDraws, "the most draws a run with --precision takes")
	f.StringVar(&o.nats, "nats", "", `compute the draws on workers ("corridor worker --nats URL") through the NATS JetStream server at this URL, e.g. nats://127.0.0.1:4222; the result is the same bytes as a local run`)
	f.IntVar(&o.chunk, "chunk", dispatch.DefaultChunk, "draws per chunk handed to a worker, with --nats")
	f.BoolVar(&o.force, "force", false, forceUsage)
	o.changed = f.Changed
}

type assessOptions struct {
	runOptions
	asJSON bool
	out    string
	html   string
}

func newAssessCmd(a *app) *cobra.Command {
	var o assessOptions
	c := &cobra.Command{
		Use:   "assess",
		Short: "Appraise every candidate project under every scenario: who gains, and whether the deciding country commits",
		Long: `assess re-optimises the whole network in every Monte Carlo draw and regime state, and for
each candidate project and scenario reports the probability that the data set's deciding country
commits — in the bargaining view (its strategic value in the network game of all countries,
against its outlay and what partners would lose) and in the accounting view (NPVs under the
stated ownership, contracts and loans) — the strategic premium that would tip it, each country's
strategic value and NPV (mean, P10, P50, P90), who gains what in the market, and the drivers
that move the answer most.

--precision SE runs draws in batches (50, then doubling) until the standard error of P(commit)
in the bargaining view is at most SE percentage points in every case, or --max-draws is reached,
and says on stderr which; a case that commits in every draw or in none has a standard error of
0. The result is byte for byte that of --draws with the draws run. --samples FILE writes every
draw as CSV: one row per draw, project, scenario and country (draw, project, scenario, country,
npv_usd, strategic_value_usd, capex_overrun, decider_commits_bargaining,
decider_commits_accounting; the last two 1 or 0, empty where the decider has no part).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAssess(cmd.Context(), a, o) },
	}
	f := c.Flags()
	addRunFlags(f, &o.runOptions)
	f.BoolVar(&o.asJSON, "json", false, "print JSON instead of tables")
	f.StringVar(&o.out, "out", "", "also write result.json, cases.csv and verdicts.csv into this folder")
	f.StringVar(&o.html, "html", "", "also write the HTML report to this file")
	return c
}

func runAssess(ctx context.Context, a *app, o assessOptions) error {
	out := outputs{force: o.force}
	if err := out.check([]string{o.html, o.samples}, []string{o.out}); err != nil {
		return err
	}
	res, err := runPipeline(ctx, a, o.runOptions)
	if err != nil {
		return err
	}
	if o.out != "" {
		files, err := report.AssessCSV(res)
		if err != nil {
			return err
		}
		var js bytesWriter
		if err := report.AssessJSON(&js, res, "  "); err != nil {
			return err
		}
		files["result.json"] = js.b
		if err := out.files(o.out, files); err != nil {
			return err
		}
	}
	if o.html != "" {
		if err := out.file(o.html, func(w io.Writer) error { return report.HTML(w, res, report.HTMLOptions{}) }); err != nil {
			return err
		}
	}
	if err := writeSamples(out, o.samples, res); err != nil {
		return err
	}
	if o.asJSON {
		return report.AssessJSON(a.stdout, res, "  ")
	}
	return report.AssessText(a.stdout, res)
}

// runPipeline runs the whole pipeline for "corridor assess" and "corridor report" and prints
// the data set's warnings.
func runPipeline(ctx context.Context, a *app, o runOptions) (*pipeline.Result, error) {
	if o.draws < 1 || o.draws > appraise.MaxDraws {
		return nil, usageError{fmt.Errorf("--draws must lie within 1..%d, got %d", appraise.MaxDraws, o.draws)}
	}
	precision, err := o.parsePrecision()
	if err != nil {
		return nil, err
	}
	if err := checkDir(o.data); err != nil {
		return nil, err
	}
	fsys, _ := dataFS(o.data)
	if o.premium != "" {
		if _, err := pipeline.ParsePremium(o.premium); err != nil {
			return nil, usageError{fmt.Errorf("--premium: %w", err)}
		}
	}
	spec := pipeline.Spec{Data: dataRef(o.data), Projects: o.projects, Draws: o.draws, Seed: o.seed, Analysis: o.analysis, Premium: o.premium,
		Precision: precision}
	if precision > 0 {
		spec.Draws = o.maxDraws
	}
	for _, s := range o.scenarios {
		if isFile(s) {
			sc, err := loadScenario(fsys, s, "")
			if err != nil {
				return nil, err
			}
			spec.Custom = append(spec.Custom, pipeline.ScenarioText{Name: sc.Name, File: s, YAML: string(sc.Text())})
			continue
		}
		spec.Scenarios = append(spec.Scenarios, s)
	}
	if len(o.scenarios) > 0 && spec.Scenarios == nil {
		spec.Scenarios = []string{}
	}
	deps := pipeline.Deps{Workers: o.workers, KeepSamples: o.samples != ""}
	if o.changed != nil && o.changed("chunk") && o.nats == "" {
		return nil, usageError{errors.New("--chunk sizes the chunks of a run on workers: give --nats too")}
	}
	if o.nats != "" {
		if o.chunk < 1 {
			return nil, usageError{fmt.Errorf("--chunk must be at least 1, got %d", o.chunk)}
		}
		co, err := dispatch.NewCoordinator(ctx, dispatch.CoordinatorConfig{URL: o.nats, Chunk: o.chunk, Logger: a.logger()})
		if err != nil {
			return nil, err
		}
		defer co.Close()
		deps.Remote = co.Remote
	}
	res, err := runSpecDeps(ctx, a, spec, fsys, deps)
	if err != nil {
		return nil, err
	}
	if res.Appraisal.Stop != nil {
		fmt.Fprintln(a.stderr, stopLine(res.Appraisal, o.maxDraws))
	}
	return res, nil
}

// parsePrecision checks --precision, --draws and --max-draws together and returns the precision
// in percentage points, 0 for none.
func (o runOptions) parsePrecision() (float64, error) {
	changed := func(name string) bool { return o.changed != nil && o.changed(name) }
	if o.precision == "" {
		if changed("precision") {
			return 0, usageError{errors.New("--precision: want a standard error in percentage points above 0, such as 1")}
		}
		if changed("max-draws") {
			return 0, usageError{errors.New("--max-draws bounds a run with --precision; without it, give --draws")}
		}
		return 0, nil
	}
	p, err := strconv.ParseFloat(strings.TrimSpace(o.precision), 64)
	if err != nil || !(p > 0) || math.IsInf(p, 0) {
		return 0, usageError{fmt.Errorf("--precision: want a standard error in percentage points above 0, such as 1; got %q", o.precision)}
	}
	if changed("draws") {
		return 0, usageError{errors.New("--draws and --precision exclude each other: with --precision the draws run until it is met, at most --max-draws")}
	}
	if o.maxDraws < 1 || o.maxDraws > appraise.MaxDraws {
		return 0, usageError{fmt.Errorf("--max-draws must lie within 1..%d, got %d", appraise.MaxDraws, o.maxDraws)}
	}
	return p, nil
}

// stopLine says how a run with --precision ended, in percentage points.
func stopLine(out *appraise.Output, maxDraws int) string {
	st := out.Stop
	target := 100 * st.Precision
	if st.Worst < 0 {
		return fmt.Sprintf("no case has a P(commit) (the deciding country has no part in any): stopped after %d draws", out.Draws)
	}
	if st.Reached {
		return fmt.Sprintf("P(commit) SE ≤ %.1f point%s in every case after %d draws", target, plural(target), out.Draws)
	}
	c := out.Cases[st.Worst]
	return fmt.Sprintf("stopped at --max-draws %d: worst P(commit) SE %.2f points (%s, %s), target %.1f", maxDraws,
		100*st.WorstStdErr, c.Project, c.Scenario, target)
}

func plural(points float64) string {
	if points == 1 {
		return ""
	}
	return "s"
}

// writeSamples writes every draw of the run to file (report.SamplesCSV); "" writes nothing.
func writeSamples(out outputs, file string, res *pipeline.Result) error {
	if file == "" {
		return nil
	}
	return out.file(file, func(w io.Writer) error { return report.SamplesCSV(w, res) })
}

// runSpec runs a spec on the data set in fsys with the embedded engines and prints the data set's
// warnings.
func runSpec(ctx context.Context, a *app, spec pipeline.Spec, fsys fs.FS, workers int) (*pipeline.Result, error) {
	return runSpecDeps(ctx, a, spec, fsys, pipeline.Deps{Workers: workers})
}

// runSpecDeps is runSpec with the workers and KeepSamples of deps; it sets the engines, logger
// and progress bar.
func runSpecDeps(ctx context.Context, a *app, spec pipeline.Spec, fsys fs.FS, deps pipeline.Deps) (*pipeline.Result, error) {
	rt, err := a.newRuntime(ctx, highs.Config{Logger: a.logger(), Presolve: "off"})
	if err != nil {
		return nil, err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	deps.NewEngine = warmEngines(rt)
	deps.Logger = a.logger()
	deps.Progress = progress(a.stderr, spec.Draws)
	res, err := pipeline.Run(ctx, spec, fsys, deps)
	if err != nil {
		return nil, err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(a.stderr, "warning: %s\n", w)
	}
	return res, nil
}

// bytesWriter collects writes.
type bytesWriter struct{ b []byte }

func (w *bytesWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// isFile reports whether a --scenario value names a file rather than a built-in scenario.
func isFile(s string) bool {
	if _, err := os.Stat(s); err == nil {
		return true
	}
	return false
}

// progress returns a progress callback drawing a bar on w when w is a terminal, and nil (no
// output) otherwise, so logs and CI output stay clean.
func progress(w io.Writer, total int) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("draws"),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100_000_000))
	var mu sync.Mutex
	return func(done, _ int) {
		mu.Lock()
		defer mu.Unlock()
		_ = bar.Set(done)
	}
}
