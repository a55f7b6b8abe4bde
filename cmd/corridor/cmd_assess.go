package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/report"
)

// Default Monte Carlo settings of "corridor assess".
const (
	defaultDraws = pipeline.DefaultDraws
	defaultSeed  = 1
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
that move the answer most.`,
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
	if err := checkOutputs(o.html); err != nil {
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
		if err := writeFiles(o.out, files); err != nil {
			return err
		}
	}
	if o.html != "" {
		if err := writeFileAtomic(o.html, func(w io.Writer) error { return report.HTML(w, res, report.HTMLOptions{}) }); err != nil {
			return err
		}
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
	fsys, _ := dataFS(o.data)
	if o.premium != "" {
		if _, err := pipeline.ParsePremium(o.premium); err != nil {
			return nil, usageError{fmt.Errorf("--premium: %w", err)}
		}
	}
	spec := pipeline.Spec{Data: dataRef(o.data), Projects: o.projects, Draws: o.draws, Seed: o.seed, Analysis: o.analysis, Premium: o.premium}
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
	return runSpec(ctx, a, spec, fsys, o.workers)
}

// runSpec runs a spec on the data set in fsys with the embedded engines and prints the data set's
// warnings.
func runSpec(ctx context.Context, a *app, spec pipeline.Spec, fsys fs.FS, workers int) (*pipeline.Result, error) {
	rt, err := a.newRuntime(ctx, highs.Config{Logger: a.logger(), Presolve: "off"})
	if err != nil {
		return nil, err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	deps := pipeline.Deps{
		NewEngine: warmEngines(rt),
		Logger:    a.logger(),
		Progress:  progress(a.stderr, spec.Draws),
		Workers:   workers,
	}
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
