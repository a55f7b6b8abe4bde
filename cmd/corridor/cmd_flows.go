package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/report"
	"github.com/corridor-dev/corridor/scenario"
)

// flowsOptions are the flags of "corridor flows".
type flowsOptions struct {
	data        string
	scenario    string
	regime      string
	year        int
	with        []string
	allProjects bool
	asJSON      bool
	csvDir      string
	geojson     string
	mps         string
	method      string
	force       bool
}

func newFlowsCmd(a *app) *cobra.Command {
	var o flowsOptions
	c := &cobra.Command{
		Use:   "flows",
		Short: "Solve the flow model for one scenario state: flows, utilisation, shadow prices, welfare by country",
		Long: `flows builds the multi-commodity flow LP of one scenario state (a regime and a year) and
prints flows by corridor, utilisation, binding constraints with their shadow prices, market
prices and welfare by country. Projects are not built unless named with --with or --all-projects.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runFlows(cmd.Context(), a, o) },
	}
	f := c.Flags()
	f.StringVar(&o.data, "data", "", dataFlagUsage())
	f.StringVar(&o.scenario, "scenario", "", "scenario: a built-in name (see 'corridor scenario list') or a YAML file (default: the study's headline scenario)")
	f.StringVar(&o.regime, "regime", "", "regime state (default: the scenario's initial state, or its timeline's state in --year)")
	f.IntVar(&o.year, "year", 0, "year of the state (default: the data set's base year)")
	f.StringSliceVar(&o.with, "with", nil, "build these projects (comma-separated ids)")
	f.BoolVar(&o.allProjects, "all-projects", false, "build every candidate project")
	f.BoolVar(&o.asJSON, "json", false, "print JSON")
	f.StringVar(&o.csvDir, "csv", "", "write CSV tables into this folder")
	f.StringVar(&o.geojson, "geojson", "", "write links with flows as GeoJSON to this file")
	f.StringVar(&o.mps, "mps", "", "write the state's LP (free MPS, named columns and rows) to this file, to re-solve it with any solver")
	f.BoolVar(&o.force, "force", false, forceUsage)
	f.StringVar(&o.method, "method", "auto", "how to solve the LP: whole (HiGHS), decompose (Dantzig–Wolfe, masters re-solved by the pure-Go simplex), or auto (decompose from "+strconv.Itoa(flow.DecomposeColumns)+" columns)")
	return c
}

func runFlows(ctx context.Context, a *app, o flowsOptions) error {
	if o.allProjects && len(o.with) > 0 {
		return usageError{errors.New("give --with or --all-projects, not both")}
	}
	out := outputs{force: o.force}
	if err := out.check([]string{o.geojson, o.mps}, []string{o.csvDir}); err != nil {
		return err
	}
	n, sc, err := loadDataScenario(ctx, a.stderr, o.data, o.scenario)
	if err != nil {
		return err
	}
	projects := builtProjects(n, o.with, o.allProjects)
	year := o.year
	if year == 0 {
		year = n.Meta.BaseYear
	}
	if err := checkYear(n, year); err != nil {
		return err
	}
	st, _, err := scenario.Apply(n, sc, scenario.Options{Regime: o.regime, Year: year, Projects: projects})
	if err != nil {
		return err
	}
	rt, err := a.newRuntime(ctx, highs.Config{Logger: a.logger()})
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	method, ok := map[string]flow.Method{"auto": flow.MethodAuto, "whole": flow.MethodWhole, "decompose": flow.MethodDecompose}[o.method]
	if !ok {
		return usageError{fmt.Errorf("--method %q: want auto, whole or decompose", o.method)}
	}
	p, err := flow.Build(st, flow.Options{Method: method})
	if err != nil {
		return err
	}
	var eng lp.Engine
	if p.Decomposes() {
		eng, err = warmEngines(rt)() // master LPs are small and re-solved many times
	} else {
		eng, err = rt.NewEngine()
	}
	if err != nil {
		return err
	}
	defer eng.Close()
	res, err := p.Solve(ctx, eng)
	if err != nil {
		return err
	}
	built := slices.Sorted(func(yield func(string) bool) {
		for p := range st.Built {
			if !yield(p) {
				return
			}
		}
	})
	v := report.FlowsView{Scenario: sc.Name, Title: sc.Title, Year: st.Year, Regime: st.Regime, Projects: built, Net: st.Net, Result: res}
	if o.csvDir != "" {
		files, err := report.FlowsCSV(v)
		if err != nil {
			return err
		}
		if err := out.files(o.csvDir, files); err != nil {
			return err
		}
	}
	if o.geojson != "" {
		if err := out.file(o.geojson, func(w io.Writer) error { return report.FlowsGeoJSON(w, v) }); err != nil {
			return err
		}
	}
	if o.mps != "" {
		if err := out.file(o.mps, func(w io.Writer) error { return lp.WriteMPS(w, p.Model()) }); err != nil {
			return err
		}
	}
	if o.asJSON {
		return report.FlowsJSON(a.stdout, v)
	}
	return report.FlowsText(a.stdout, v)
}

// loadScenario reads a scenario from a YAML file on disk, or a built-in one from the data set's
// scenarios/ folder by name (pipeline.Builtins.Lookup: file stem, its first part or the
// scenario's name); an empty name is the study's headline scenario.
func loadScenario(fsys fs.FS, name, headline string) (*scenario.Scenario, error) {
	if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.ContainsRune(name, os.PathSeparator) {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return scenario.Decode(name, f)
	}
	b, err := pipeline.LoadBuiltins(fsys)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return b.Headline(headline)
	}
	return b.Lookup(name)
}

// builtinScenarios lists the scenario files of a data set, sorted.
func builtinScenarios(fsys fs.FS) ([]string, error) {
	files, err := fs.Glob(fsys, "scenarios/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	return files, nil
}
