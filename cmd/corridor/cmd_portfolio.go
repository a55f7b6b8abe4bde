package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/portfolio"
	"github.com/corridor-dev/corridor/quantity"
)

// portfolioOptions are the flags of "corridor portfolio".
type portfolioOptions struct {
	data     string
	scenario string
	regime   string
	year     int
	country  string
	budgets  []string
	projects []string
	asJSON   bool
}

func newPortfolioCmd(a *app) *cobra.Command {
	var o portfolioOptions
	c := &cobra.Command{
		Use:   "portfolio",
		Short: "The set of candidate projects worth most under a capex budget, projects valued together",
		Long: `portfolio finds, for each capex budget, the set of candidate projects worth most to a party,
honouring depends_on. A set is valued by the flow LP with exactly those projects built — never as
a sum of single-project values, since projects interact (a port is worth little without its
railway; two routes compete for one cargo). Every dependency-feasible set is solved once (at most
2^16: name fewer candidates with --project), and the best set is exact for every budget.

The value is a simplification, not the appraisal of 'corridor assess': the yearly gain over
building no candidate — total surplus, or with --country one country's welfare — in one state
(the scenario's initial regime in the reference year, by default the base year + 10), less the
projects' opex, as an annuity over the data set's horizon at its social discount rate, less
capex paid at once:

  value = A × (gain − opex) − capex,   A = (1 − (1+r)^−H) / r

No construction time, ramp-up, lifetimes, regime paths, loans or uncertainty. With --country,
capex and opex (and the budget) count that country's financing shares.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runPortfolio(cmd.Context(), a, o) },
	}
	f := c.Flags()
	f.StringVar(&o.data, "data", "", dataFlagUsage())
	f.StringVar(&o.scenario, "scenario", "", "scenario: a built-in name (see 'corridor scenario list') or a YAML file (default: the study's headline scenario)")
	f.StringVar(&o.regime, "regime", "", "regime state (default: the scenario's initial state)")
	f.IntVar(&o.year, "year", 0, "reference year whose demand the flow model solves (default: the base year + 10)")
	f.StringVar(&o.country, "country", "", "value sets by this country's welfare and its financing shares (default: total surplus and all capex)")
	f.StringSliceVar(&o.budgets, "budget", nil, "capex budgets to show the best set at, in USD or with a unit (e.g. 1e9,5e9 or \"1 BUSD,500 MUSD\")")
	f.StringSliceVar(&o.projects, "project", nil, "candidate projects (comma-separated ids; default: every project the scenario does not build)")
	f.BoolVar(&o.asJSON, "json", false, "print JSON")
	return c
}

func runPortfolio(ctx context.Context, a *app, o portfolioOptions) error {
	budgets := make([]float64, len(o.budgets))
	for i, b := range o.budgets {
		v, err := parseBudget(b)
		if err != nil {
			return usageError{fmt.Errorf("--budget %w", err)}
		}
		budgets[i] = v
	}
	n, sc, err := loadDataScenario(ctx, a.stderr, o.data, o.scenario)
	if err != nil {
		return err
	}
	if o.year != 0 {
		if err := checkYear(n, o.year); err != nil {
			return err
		}
	}
	rt, err := a.newRuntime(ctx, highs.Config{Logger: a.logger()})
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	eng, err := warmEngines(rt)()
	if err != nil {
		return err
	}
	defer eng.Close()
	res, err := portfolio.Evaluate(ctx, portfolio.Input{Net: n, Scenario: sc, Candidates: o.projects, Year: o.year,
		Regime: o.regime, Country: o.country, Engine: eng, Logger: a.logger()})
	if errors.Is(err, portfolio.ErrTooMany) {
		return usageError{fmt.Errorf("%w; name the candidates with --project", err)}
	}
	if err != nil {
		return err
	}
	if o.asJSON {
		return portfolioJSON(a.stdout, res, budgets)
	}
	return portfolioText(a.stdout, sc.Title, res, budgets)
}

// parseBudget reads a budget in USD: "5e9", "5e9 USD", "5 BUSD" or "500MUSD".
func parseBudget(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == '_' || r == 'e' || r == 'E')
	}); i > 0 && s[i] != ' ' {
		s = s[:i] + " " + s[i:]
	}
	q, err := quantity.Parse(s, "USD")
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q: %w", s, err)
	case q.Dim != quantity.DimMoney:
		return 0, fmt.Errorf("%q: want money, such as 5e9 or \"5 BUSD\"", s)
	case q.Value < 0:
		return 0, fmt.Errorf("%q: must not be negative", s)
	}
	return q.Value, nil
}

// portfolioBest is the best set at one budget.
type portfolioBest struct {
	Budget float64       `json:"budget"`
	Best   portfolio.Set `json:"best"`
}

func portfolioJSON(w io.Writer, res *portfolio.Result, budgets []float64) error {
	out := struct {
		SchemaVersion int `json:"schema_version"`
		*portfolio.Result
		Budgets []portfolioBest `json:"budgets"`
	}{SchemaVersion: 1, Result: res, Budgets: []portfolioBest{}}
	for _, b := range budgets {
		out.Budgets = append(out.Budgets, portfolioBest{b, res.Best(b)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func portfolioText(w io.Writer, title string, res *portfolio.Result, budgets []float64) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	party := "total surplus (every country), all capex"
	if res.Country != "" {
		party = res.Country + "'s welfare, its financing shares of capex and opex"
	}
	fmt.Fprintf(tw, "Portfolio — scenario %s — %s\nregime %s, reference year %d; value to: %s\n", res.Scenario, title, orNone(res.Regime), res.Year, party)
	fmt.Fprintf(tw, "value = %.2f × (yearly gain − opex) − capex: %d years at %.1f %%, a simple annuity of the %d gain (not the appraisal)\n",
		res.Annuity, res.Horizon, res.Rate*100, res.Year)
	fmt.Fprintf(tw, "candidates (%d): %s; %d dependency-feasible sets solved\n", len(res.Candidates), strings.Join(res.Candidates, ", "), len(res.Sets))
	if len(budgets) > 0 {
		fmt.Fprintln(tw, "\nBEST SET BY BUDGET")
		fmt.Fprintln(tw, "budget\tbest set\tcapex\tgain/yr\topex/yr\tvalue")
		for _, b := range budgets {
			s := res.Best(b)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", usd(b), setName(s), usd(s.Capex), usd(s.Gain), usd(s.Opex), usd(s.Value))
		}
	}
	fmt.Fprintln(tw, "\nFRONTIER (the best set from each budget on, until the next row)")
	fmt.Fprintln(tw, "capex (from budget)\tbest set\tgain/yr\topex/yr\tvalue")
	for _, s := range res.Frontier {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", usd(s.Capex), setName(s), usd(s.Gain), usd(s.Opex), usd(s.Value))
	}
	return tw.Flush()
}

func setName(s portfolio.Set) string {
	if len(s.Projects) == 0 {
		return "(none)"
	}
	return strings.Join(s.Projects, " + ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// usd formats USD as "$12.3 m" or "-$1.23 bn".
func usd(v float64) string {
	a, sign := math.Abs(v), ""
	if v < 0 {
		sign = "-"
	}
	switch {
	case a >= 1e9:
		return fmt.Sprintf("%s$%.2f bn", sign, a/1e9)
	case a < 0.05e6:
		return "$0"
	default:
		return fmt.Sprintf("%s$%.1f m", sign, a/1e6)
	}
}
