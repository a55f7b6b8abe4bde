package main

import (
	"github.com/spf13/cobra"
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

The built-in data set covers Northeast Asia (Russia, North and South Korea, China).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "log progress and detail to stderr")
	root.PersistentFlags().BoolVar(&a.logJSON, "log-json", false, "log as JSON lines")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		// one line per verb; keep sorted
		newAssessCmd(a),
		newDataCmd(a),
		newFlowsCmd(a),
		newLPCmd(a),
		newReportCmd(a),
		newScenarioCmd(a),
		newServeCmd(a),
	)
	return root
}
