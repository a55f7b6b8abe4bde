package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/dataset"
)

// newRootCmd builds the command tree. Each verb lives in its own cmd_<verb>.go file with a
// new<Verb>Cmd constructor, an options struct and a run function taking ctx and plain values.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "corridor",
		Short: "Appraise cross-border rail, pipeline and power links under sanctions",
		Long: `corridor answers: if this railway, pipeline or power line were built across these
borders, under these sanctions, what would flow over it, what is it worth and to whom,
how sure are we, and what would change the answer?

Built-in data sets, chosen with --data NAME: ` + strings.Join(dataset.Builtins(), ", ") + ` (default ` + dataset.DefaultName + `);
'corridor data show --data NAME' describes one. --data also takes a folder of your own.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "log progress and detail to stderr")
	root.PersistentFlags().BoolVar(&a.logJSON, "log-json", false, "log as JSON lines")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		// one line per verb; keep sorted
		newAssessCmd(a),
		newBrokerCmd(a),
		newChokepointsCmd(a),
		newDataCmd(a),
		newFlowsCmd(a),
		newLPCmd(a),
		newPortfolioCmd(a),
		newReportCmd(a),
		newScenarioCmd(a),
		newServeCmd(a),
		newWorkerCmd(a),
	)
	groupsNeedACommand(root)
	argsAreUsage(root)
	return root
}

// argsAreUsage makes every command's argument check a command-line mistake (exit 2), as cobra's
// own checks ("requires at least 1 arg(s)") otherwise exit 1.
func argsAreUsage(c *cobra.Command) {
	for _, sub := range c.Commands() {
		argsAreUsage(sub)
	}
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				if _, ok := errors.AsType[usageError](err); ok {
					return err
				}
				return usageError{err}
			}
			return nil
		}
	}
}

// groupsNeedACommand makes every command that only groups others (root, data, lp, scenario)
// a command-line mistake (exit 2) when called without a known command, instead of printing its
// help and exiting 0 (an unknown command under root, cobra's own error, exited 1).
func groupsNeedACommand(c *cobra.Command) {
	for _, sub := range c.Commands() {
		groupsNeedACommand(sub)
	}
	if !c.HasSubCommands() || c.Run != nil || c.RunE != nil {
		return
	}
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageError{fmt.Errorf("unknown command %q for %q (run %s --help)", args[0], cmd.CommandPath(), cmd.CommandPath())}
		}
		cmd.SetOut(cmd.ErrOrStderr())
		_ = cmd.Help()
		return usageError{fmt.Errorf("%s needs a command", cmd.CommandPath())}
	}
}
