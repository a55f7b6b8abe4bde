package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/scenario"
)

// newScenarioCmd builds "corridor scenario": list and check sanctions scenarios.
func newScenarioCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "scenario",
		Short: "List and check sanctions scenarios",
		Long: `A scenario is a YAML file of sanctions rules (ban, cap, premium) with enforcement,
exemptions, participation, overrides, the projects it builds and how the sanctions regime
evolves (see docs/decisions/0003-sanctions-rules.md). A data set carries its own in its
scenarios/ folder; regime states tagged relief mark sanctions relief for the appraisal.`,
	}
	var dir string
	c.PersistentFlags().StringVar(&dir, "data", "", dataFlagUsage())
	c.AddCommand(
		&cobra.Command{
			Use:   "validate FILE...",
			Short: "Check scenario files against the data set and print every error with file, line and field",
			Long: `Each FILE is a scenario YAML file, or the name of a built-in scenario (x1, x1-status-quo).
Prints "ok" per file, or every error as file:line:col: field: message, and exits 1 on any error.`,
			Args: cobra.MinimumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return runScenarioValidate(cmd.Context(), a.stdout, a.stderr, dir, args)
			},
		},
		&cobra.Command{
			Use:   "list",
			Short: "List the data set's scenarios with their titles and rule counts",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return runScenarioList(a.stdout, a.stderr, dir)
			},
		},
	)
	return c
}

// runScenarioValidate decodes each file and checks it against the data set in dir; without one,
// the data set the files sit in (DIR/scenarios/FILE), else the built-in data.
func runScenarioValidate(ctx context.Context, stdout, stderr io.Writer, dir string, files []string) error {
	if dir == "" {
		dir = enclosingDataSet(files)
	}
	n, err := loadData(ctx, stderr, dir)
	if err != nil {
		return err
	}
	fsys, dataName := dataFS(dir)
	if !isBuiltinData(dir) {
		dataName = "data set " + dir
	}
	failed := 0
	for _, file := range files {
		sc, err := loadScenario(fsys, file, "")
		if err == nil {
			err = sc.Check(n)
		}
		if err == nil {
			fmt.Fprintf(stdout, "%s: ok against %s: %d rules, %d regime states, %d transitions, %d projects built\n",
				scenarioFile(sc, file), dataName, len(sc.Rules), len(sc.Regimes.States), len(sc.Regimes.Transitions), len(sc.Projects))
			continue
		}
		failed++
		count := 0
		for _, e := range unjoin(err) {
			fmt.Fprintln(stderr, e)
			if _, ok := errors.AsType[*diag.Error](e); ok {
				count++
			}
		}
		fmt.Fprintf(stderr, "%s: %d error(s) against %s\n", file, max(count, 1), dataName)
	}
	if failed > 0 {
		return quietError{fmt.Errorf("%d of %d scenario(s) failed validation", failed, len(files))}
	}
	return nil
}

// scenarioFile names a scenario for output: its file, or the argument that found it.
func scenarioFile(sc *scenario.Scenario, arg string) string {
	if sc.File() != "" {
		return sc.File()
	}
	return arg
}

// runScenarioList prints the scenarios in the data set's scenarios/ folder.
func runScenarioList(stdout, stderr io.Writer, dir string) error {
	fsys, name := dataFS(dir)
	files, err := builtinScenarios(fsys)
	if err != nil {
		return fmt.Errorf("list scenarios of %s: %w", name, err)
	}
	if len(files) == 0 {
		fmt.Fprintf(stdout, "%s has no scenarios (add YAML files to its scenarios/ folder)\n", name)
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\trules\tstates\tregime path\tparticipants\ttitle")
	broken := 0
	for _, file := range files {
		stem := strings.TrimSuffix(path.Base(file), path.Ext(file))
		sc, err := scenario.Load(fsys, file)
		if err != nil {
			broken++
			fmt.Fprintf(tw, "%s\t—\t—\t—\t—\t(invalid: run corridor scenario validate %s)\n", stem, stem)
			continue
		}
		pathKind := "single state"
		switch {
		case sc.Regimes.Fixed():
			pathKind = "timeline"
		case len(sc.Regimes.Transitions) > 0:
			pathKind = "sampled"
		}
		participants := "all"
		if len(sc.Participants) > 0 {
			participants = strings.Join(sc.Participants, " ")
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", stem, len(sc.Rules), len(sc.Regimes.States), pathKind, participants, sc.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if broken > 0 {
		fmt.Fprintf(stderr, "%d scenario file(s) do not decode\n", broken)
	}
	return nil
}

// enclosingDataSet returns the data set folder that holds every file in its scenarios/ folder
// (one with a dataset.yaml), or "" when they have none in common.
func enclosingDataSet(files []string) string {
	dir := ""
	for i, f := range files {
		parent := filepath.Dir(f)
		d := filepath.Dir(parent)
		if filepath.Base(parent) != "scenarios" {
			return ""
		}
		if _, err := os.Stat(filepath.Join(d, dataset.FileMeta)); err != nil {
			return ""
		}
		if i > 0 && d != dir {
			return ""
		}
		dir = d
	}
	return dir
}
