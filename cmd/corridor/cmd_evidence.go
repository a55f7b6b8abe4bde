package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/pipeline"
)

// evidenceOptions are the flags of "corridor data evidence".
type evidenceOptions struct {
	scenarios []string
	projects  []string
	draws     int
	seed      uint64
	top       int
	asJSON    bool
}

func newDataEvidenceCmd(a *app, dir *string) *cobra.Command {
	var o evidenceOptions
	c := &cobra.Command{
		Use:   "evidence",
		Short: "Rank the uncertain inputs by how much they move the deciding country's answer: the research agenda",
		Long: `evidence runs the Monte Carlo appraisal and ranks every uncertain input — each quantity of
the data set with a range, each project's capex overrun, each scenario's ranged enforcement levels
and transition probabilities — by the largest squared Spearman rank correlation between the input
and the deciding country's figure over the draws (strategic value in the bargaining view, NPV in
the accounting view), over the cases in which it has a part. ρ² is the share of the figure's rank
variance the input explains alone: a first-order screening measure from the draws the appraisal
makes anyway (not a Sobol index). Beside each input: its provenance class — fact (source ids),
derived (arithmetic on sourced figures) or assumption — and its source. The top of the list is
where better evidence would move the answer most.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEvidence(cmd.Context(), a, *dir, o) },
	}
	f := c.Flags()
	f.StringSliceVar(&o.scenarios, "scenario", nil, "scenarios (default: every one)")
	f.StringSliceVar(&o.projects, "project", nil, "projects (default: all)")
	f.IntVar(&o.draws, "draws", 200, "Monte Carlo draws (at least 20: ranks of fewer are noise)")
	f.Uint64Var(&o.seed, "seed", 1, "random seed")
	f.IntVar(&o.top, "top", 30, "inputs to list")
	f.BoolVar(&o.asJSON, "json", false, "print JSON")
	return c
}

func runEvidence(ctx context.Context, a *app, dir string, o evidenceOptions) error {
	if o.draws < 20 || o.draws > appraise.MaxDraws {
		return usageError{fmt.Errorf("--draws must lie within 20..%d, got %d", appraise.MaxDraws, o.draws)}
	}
	if o.top < 1 {
		return usageError{fmt.Errorf("--top %d: want at least 1", o.top)}
	}
	if err := checkDir(dir); err != nil {
		return err
	}
	fsys, name := dataFS(dir)
	spec := pipeline.Spec{Data: dataRef(dir), Scenarios: o.scenarios, Projects: o.projects, Draws: o.draws, Seed: o.seed}
	res, err := runSpecDeps(ctx, a, spec, fsys, pipeline.Deps{})
	if err != nil {
		return err
	}
	if res.Evidence == nil {
		return fmt.Errorf("%s: no evidence ranking: the data set names no deciding country with a part in the run", name)
	}
	rows, floor := res.Evidence, res.EvidenceFloor
	all, err := pipeline.Scenarios(fsys, nil, "") // every scenario of the data set, not only the run's
	if err != nil {
		return err
	}
	counts := appraise.ProvenanceCounts(res.Net, all)
	if o.asJSON {
		out := struct {
			SchemaVersion int                  `json:"schema_version"`
			Data          string               `json:"data"`
			Draws         int                  `json:"draws"`
			Seed          uint64               `json:"seed"`
			Classes       appraise.ClassCounts `json:"classes"`     // provenance classes of every value
			NoiseFloor    float64              `json:"noise_floor"` // ρ² below which a score may be chance
			Inputs        []appraise.Evidence  `json:"inputs"`
		}{1, res.Spec.Data, o.draws, o.seed, counts, floor, rows}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return evidenceText(a.stdout, name, o, rows, floor, counts)
}

func evidenceText(w io.Writer, name string, o evidenceOptions, rows []appraise.Evidence, floor float64, counts appraise.ClassCounts) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Evidence — %s; %d draws, seed %d\n", name, o.draws, o.seed)
	fmt.Fprintf(tw, "values by provenance: %s\n", classLine(counts))
	fmt.Fprintf(tw, "%d uncertain inputs vary; ranked by ρ², the share of the deciding country's figure (rank) an input explains alone\n", len(rows))
	fmt.Fprintf(tw, "noise floor: ρ² below %.2f may be chance at %d draws (marked ~); more draws lower it\n\n", floor, o.draws)
	fmt.Fprintln(tw, "rank\tinput\tρ²\tρ\twhere\tclass\tsource")
	for i, r := range rows[:min(o.top, len(rows))] {
		mark := ""
		if r.Score < floor {
			mark = "~"
		}
		src := r.Source
		if len([]rune(src)) > 60 {
			src = string([]rune(src)[:59]) + "…"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s%.2f\t%+.2f\t%s %s, %s\t%s\t%s\n", i+1, r.Input, mark, r.Score, r.Rho, r.Project, shortScenario(r.Scen), r.View, r.Class, strings.ReplaceAll(src, "\t", " "))
	}
	return tw.Flush()
}

// shortScenario is a scenario's name up to its first "-" ("x1" for "x1-status-quo").
func shortScenario(name string) string {
	s, _, _ := strings.Cut(name, "-")
	return s
}

// classLine writes provenance counts as "115 fact, 147 derived, 458 assumption (720 values)",
// naming values without provenance only when there are any.
func classLine(c appraise.ClassCounts) string {
	s := fmt.Sprintf("%d fact, %d derived, %d assumption", c.Fact, c.Derived, c.Assumption)
	if c.None > 0 {
		s += fmt.Sprintf(", %d without provenance", c.None)
	}
	return s + fmt.Sprintf(" (%d values)", c.Total())
}
