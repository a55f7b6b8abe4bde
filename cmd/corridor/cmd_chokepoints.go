package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/chokepoint"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/scenario"
)

// chokepointsOptions are the flags of "corridor chokepoints".
type chokepointsOptions struct {
	data        string
	scenario    string
	regime      string
	year        int
	with        []string
	allProjects bool
	k           int
	top         int
	country     string
	modes       []string
	links       []string
	nodes       []string
	workers     int
	asJSON      bool
	resilience  bool
	method      string
}

func newChokepointsCmd(a *app) *cobra.Command {
	var o chokepointsOptions
	c := &cobra.Command{
		Use:   "chokepoints",
		Short: "The sets of k links whose closure costs the network, or one country, most",
		Long: `chokepoints closes sets of k links (k = 1..--k) in one scenario state, lets the market
re-optimise around them (the flow LP re-solved with those links carrying nothing), and ranks the
sets by what the closure costs: the drop in total surplus, or with --country the drop in that
country's welfare. For each k it prints the worst --top sets with every country's loss, and for
the worst set the links whose flow changes most.

The ranking is exact, by enumeration (decision 0015). For total surplus, a set is not solved when
its loss is known: closing links that carry nothing in an optimum of a smaller closure costs
nothing more (so a set of unused links costs 0); nor when a proven upper bound on its loss (a
smaller closure's optimum with the flow through the added links priced at the most a unit can
be worth) is below the --top-th loss known: it cannot rank. For a country's welfare every set
is solved. More than 200,000 solves are refused: restrict the candidates with --links, --mode
or --nodes, or lower --k.

The state is the scenario's initial regime (or --regime) in the reference year (by default the
base year + 10, as the appraisal), with the projects of --with or --all-projects built.

--resilience adds, for each project not built, the value of redundancy: the worst single
closure's loss without the project, with it (closing the same candidates), and the reduction,
for the network and each country.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runChokepoints(cmd.Context(), a, o) },
	}
	f := c.Flags()
	f.StringVar(&o.data, "data", "", dataFlagUsage())
	f.StringVar(&o.scenario, "scenario", "", "scenario: a built-in name (see 'corridor scenario list') or a YAML file (default: the study's headline scenario)")
	f.StringVar(&o.regime, "regime", "", "regime state (default: the scenario's initial state)")
	f.IntVar(&o.year, "year", 0, "year of the state (default: the base year + 10, the appraisal's reference year)")
	f.StringSliceVar(&o.with, "with", nil, "build these projects (comma-separated ids)")
	f.BoolVar(&o.allProjects, "all-projects", false, "build every candidate project")
	f.IntVar(&o.k, "k", 2, fmt.Sprintf("close sets of up to k links (1 to %d)", chokepoint.MaxK))
	f.IntVar(&o.top, "top", 5, "sets to show for each k")
	f.StringVar(&o.country, "country", "", "rank sets by this country's loss of welfare (default: the loss of total surplus)")
	f.StringSliceVar(&o.modes, "mode", nil, "candidate links of these modes only (comma-separated, e.g. rail1520,sea)")
	f.StringSliceVar(&o.links, "links", nil, "candidate links (comma-separated ids; default: every open link)")
	f.StringSliceVar(&o.nodes, "nodes", nil, "also close these nodes, each as one candidate closing all its links (comma-separated ids)")
	f.IntVar(&o.workers, "workers", 0, "parallel workers (default: number of CPUs); the output is the same bytes whatever their number")
	f.StringVar(&o.method, "method", chokepoint.MethodAuto, "how sets are ranked: enumerate (every set solved but those the pruning proves), mip (one interdiction MIP per set reported; total surplus only), or auto (enumerate unless that needs more than 200,000 solves)")
	f.BoolVar(&o.asJSON, "json", false, "print JSON")
	f.BoolVar(&o.resilience, "resilience", false, "also value each project not built (with what it depends on) as redundancy: how much it lowers the worst single closure's loss, for the network and every country (--country: that one)")
	return c
}

func runChokepoints(ctx context.Context, a *app, o chokepointsOptions) error {
	if o.allProjects && len(o.with) > 0 {
		return usageError{errors.New("give --with or --all-projects, not both")}
	}
	if o.k < 1 || o.k > chokepoint.MaxK {
		return usageError{fmt.Errorf("--k %d: want 1 to %d", o.k, chokepoint.MaxK)}
	}
	if o.top < 1 {
		return usageError{fmt.Errorf("--top %d: want at least 1", o.top)}
	}
	switch o.method {
	case chokepoint.MethodAuto, chokepoint.MethodEnumerate:
	case chokepoint.MethodMIP:
		if o.country != "" {
			return usageError{errors.New("--method mip ranks by total surplus only (a country's welfare is not linear in the LP's dual): drop --country or --method")}
		}
	default:
		return usageError{fmt.Errorf("--method %q: want auto, enumerate or mip", o.method)}
	}
	n, sc, err := loadDataScenario(ctx, a.stderr, o.data, o.scenario)
	if err != nil {
		return err
	}
	projects := builtProjects(n, o.with, o.allProjects)
	year := o.year
	if year == 0 {
		year = n.Meta.BaseYear + 10
	}
	if err := checkYear(n, year); err != nil {
		return err
	}
	regime := o.regime
	if regime == "" {
		regime = sc.Regimes.Initial
	}
	st, _, err := scenario.Apply(n, sc, scenario.Options{Regime: regime, Year: year, Projects: projects})
	if err != nil {
		return err
	}
	rt, err := a.newRuntime(ctx, highs.Config{Logger: a.logger()})
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	workers := o.workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	res, err := chokepoint.Evaluate(ctx, chokepoint.Input{State: st, Rules: sc.Rules, Links: o.links, Modes: o.modes, Nodes: o.nodes,
		K: o.k, Top: o.top, Country: o.country, NewEngine: warmEngines(rt), Workers: workers, Logger: a.logger(),
		Method: o.method, NewMIPEngine: func() (lp.Engine, error) { return rt.NewEngine() }})
	if errors.Is(err, chokepoint.ErrTooMany) {
		return usageError{fmt.Errorf("%w: restrict the candidates with --links, --mode or --nodes, lower --k, or rank by total surplus with --method mip", err)}
	}
	if err != nil {
		return err
	}
	built, others := []string{}, []string{}
	for _, p := range n.Projects {
		if st.Built[p.ID] {
			built = append(built, p.ID)
		} else {
			others = append(others, p.ID)
		}
	}
	var red []chokepoint.Redundancy
	if o.resilience {
		parties := []string{""}
		if o.country != "" {
			parties = append(parties, o.country)
		} else {
			for _, c := range n.Countries {
				parties = append(parties, c.ID)
			}
		}
		in := chokepoint.Input{State: st, Rules: sc.Rules, Links: o.links, Modes: o.modes, Nodes: o.nodes, K: 1,
			NewEngine: warmEngines(rt), Workers: workers, Logger: a.logger()}
		red, err = chokepoint.Resilience(ctx, in, others, parties, func(p string) (*scenario.State, error) {
			// the project with what it depends on, as it could not be built alone
			with := slices.Clone(built)
			var add func(id string)
			add = func(id string) {
				if slices.Contains(with, id) {
					return
				}
				with = append(with, id)
				if pr := n.Project(id); pr != nil {
					for _, d := range pr.DependsOn {
						add(d)
					}
				}
			}
			add(p)
			st, _, err := scenario.Apply(n, sc, scenario.Options{Regime: regime, Year: year, Projects: with})
			return st, err
		})
		if err != nil {
			return err
		}
	}
	if o.asJSON {
		return chokepointsJSON(a.stdout, sc.Name, built, res, red)
	}
	if err := chokepointsText(a.stdout, sc.Name, sc.Title, built, res); err != nil {
		return err
	}
	if o.resilience {
		return resilienceText(a.stdout, red)
	}
	return nil
}

// resilienceText prints the value of redundancy of each project, a row per project and party.
func resilienceText(w io.Writer, red []chokepoint.Redundancy) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nRESILIENCE: the worst single closure's loss without and with each project (USD/yr); reduction > 0: the project makes the party safer")
	fmt.Fprintln(tw, "project\tparty\tworst without\t(closed)\tworst with\t(closed)\treduction")
	for _, r := range red {
		party := r.Country
		if party == "" {
			party = "network"
		}
		closed := func(ids []string) string {
			if len(ids) == 0 {
				return "—"
			}
			return strings.Join(ids, " + ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Project, party, usd(r.WorstWithout), closed(r.ClosedWithout),
			usd(r.WorstWith), closed(r.ClosedWith), usd(r.Reduction))
	}
	return tw.Flush()
}

// chokepointsJSON writes the result. Schema 2 added method, and equivalent and equivalent_of
// on the sets of a run with the same figures.
func chokepointsJSON(w io.Writer, name string, built []string, res *chokepoint.Result, red []chokepoint.Redundancy) error {
	out := struct {
		SchemaVersion int      `json:"schema_version"`
		Scenario      string   `json:"scenario"`
		Projects      []string `json:"projects"`
		*chokepoint.Result
		Resilience []chokepoint.Redundancy `json:"resilience,omitempty"`
	}{2, name, built, res, red}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func chokepointsText(w io.Writer, name, title string, built []string, res *chokepoint.Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	projects := "none"
	if len(built) > 0 {
		projects = strings.Join(built, ", ")
	}
	fmt.Fprintf(tw, "Chokepoints — scenario %s — %s\nregime %s, year %d; projects built: %s\n", name, title, orNone(res.Regime), res.Year, projects)
	used := 0
	for _, c := range res.Candidates {
		if c.Used {
			used++
		}
	}
	fmt.Fprintf(tw, "total surplus %s/yr; %d candidates, %d carrying flow; %d LP solves", usd(res.Objective), len(res.Candidates), used, res.Solves)
	if res.Method == chokepoint.MethodMIP {
		fmt.Fprint(tw, " (the sets found by interdiction MIPs, re-solved for their figures)")
	} else if res.Pruned {
		fmt.Fprint(tw, " (sets whose loss is known, or bounded below the top, unsolved)")
	}
	fmt.Fprintln(tw)
	rankBy := "loss of total surplus"
	if res.Country != "" {
		rankBy = res.Country + "'s loss of welfare (base " + usd(res.CountryWelfare) + "/yr)"
	}
	fmt.Fprintf(tw, "ranked by %s; losses in USD/yr (negative: a gain)\n", rankBy)
	for _, lv := range res.Levels {
		if res.Method == chokepoint.MethodMIP {
			fmt.Fprintf(tw, "\nk = %d: %d sets, %d MIPs solved\n", lv.K, lv.Sets, lv.Solved)
		} else {
			fmt.Fprintf(tw, "\nk = %d: %d sets, %d solved\n", lv.K, lv.Sets, lv.Solved)
		}
		header := "rank\tclosed\tnetwork"
		if res.Country != "" {
			header += "\t" + res.Country
		}
		fmt.Fprintln(tw, header+"\tlosses by country")
		// sets with the same figures (the segments of one line in series) share a row
		for i, s := range lv.Top {
			if s.EquivalentOf > 0 {
				continue
			}
			figures := usd(s.Loss)
			if s.CountryLoss != nil {
				figures += "\t" + usd(*s.CountryLoss)
			}
			var parts []string
			for _, c := range s.Losses {
				if u := usd(c.Loss); u != "$0" {
					parts = append(parts, c.Country+" "+u)
				}
			}
			figures += "\t" + strings.Join(parts, ", ")
			closed := strings.Join(s.Closed, " + ")
			if len(s.Equivalent) > 0 {
				var same []string
				for _, e := range s.Equivalent {
					same = append(same, strings.Join(e, " + "))
				}
				closed += " (same as " + strings.Join(same, ", ") + ")"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\n", i+1, closed, figures)
		}
		if len(lv.Top) > 0 && len(lv.Top[0].Reroutes) > 0 {
			fmt.Fprintf(tw, "reroutes with %s closed (flow per year, both directions):\n", strings.Join(lv.Top[0].Closed, " + "))
			for _, r := range lv.Top[0].Reroutes {
				fmt.Fprintf(tw, "  %s\t%s\t%s → %s %s\n", r.Link, r.Mode, amount(r.Before), amount(r.After), strings.TrimSuffix(r.Unit, "/yr"))
			}
		}
	}
	return tw.Flush()
}

// amount formats a flow compactly: 12.3 m, 456 k, 789.
func amount(v float64) string {
	switch a := max(v, -v); {
	case a >= 1e6:
		return fmt.Sprintf("%.1f m", v/1e6)
	case a >= 1e3:
		return fmt.Sprintf("%.1f k", v/1e3)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}
