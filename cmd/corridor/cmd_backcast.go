package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/backcast"
	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/lp/highs"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/scenario"
)

func newDataBackcastCmd(a *app, dir *string) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "backcast",
		Short: "Check the flow model against the observed history in the data set's history.csv",
		Long: `backcast reads the data set's history.csv (observed quantities on links, at nodes or in
markets, each with a tolerance and a source; see decision 0016), solves the flow LP of the state
each observation stands for, and prints observed against modelled with their ratio and PASS or
FAIL. The state is the row's scenario (default: the study's headline scenario; or a history
state, a scenario file in the data set's history/ folder with the sanctions and conditions of
that year) in the row's regime (default: the scenario's initial state) in the observed year, with no candidate project
built; a year before the data set's base year is solved in the base year, and the table says so.
Each state is solved once. It is a check: the exit status is 1 when any observation fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBackcast(cmd.Context(), a, *dir, asJSON)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// backcastRow is one observation beside the model.
type backcastRow struct {
	ID        string   `json:"id"`
	What      string   `json:"what"`
	Kind      string   `json:"kind"`
	Targets   []string `json:"targets"`
	Commodity string   `json:"commodity,omitempty"`
	Direction string   `json:"direction,omitempty"`
	Year      int      `json:"year"`       // observed
	StateYear int      `json:"state_year"` // solved
	Scenario  string   `json:"scenario"`
	Regime    string   `json:"regime"`
	Unit      string   `json:"unit"` // of observed and modelled: the unit the row is written in
	Observed  float64  `json:"observed"`
	Modelled  float64  `json:"modelled"`
	Ratio     *float64 `json:"ratio"` // modelled / observed; null when observed is 0
	Tolerance string   `json:"tolerance"`
	Low       float64  `json:"low"`  // ratio
	High      float64  `json:"high"` // ratio
	Pass      bool     `json:"pass"`
	Source    string   `json:"source"`
	Note      string   `json:"note,omitempty"`
}

// stateKey identifies a state to solve.
type stateKey struct {
	scenario, regime string
	year             int
}

func runBackcast(ctx context.Context, a *app, dir string, asJSON bool) error {
	n, err := loadData(ctx, a.stderr, dir)
	if err != nil {
		return err
	}
	fsys, name := dataFS(dir)
	obs, ok, err := backcast.Read(fsys, n)
	if err == nil && !ok {
		return fmt.Errorf("%s has no %s: nothing to check (see decision 0016 for its columns)", name, backcast.File)
	}
	if err == nil {
		_, err = historyScenarios(fsys, n, obs)
	}
	if err != nil {
		for _, e := range unjoin(err) {
			fmt.Fprintln(a.stderr, e)
		}
		return quietError{err}
	}
	scs, _ := historyScenarios(fsys, n, obs)
	last := lastYear(n)
	keys := make([]stateKey, len(obs))
	for i, o := range obs {
		if o.Year > last {
			return &diag.Error{File: backcast.File, Line: o.Line, Field: "year", Err: fmt.Errorf("%d is past the data set's horizon (%d)", o.Year, last)}
		}
		sc := scs[o.Scenario]
		regime := cmp.Or(o.Regime, sc.Regimes.Initial)
		keys[i] = stateKey{sc.Name, regime, max(o.Year, n.Meta.BaseYear)}
	}
	rt, err := a.newRuntime(ctx, highs.Config{Logger: a.logger()})
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	results := map[stateKey]*flow.Result{}
	var order []stateKey
	for _, k := range keys {
		if _, done := results[k]; !done {
			results[k] = nil
			order = append(order, k)
		}
	}
	byName := map[string]*scenario.Scenario{}
	for _, sc := range scs {
		byName[sc.Name] = sc
	}
	for _, k := range order {
		st, _, err := scenario.Apply(n, byName[k.scenario], scenario.Options{Regime: k.regime, Year: k.year})
		if err != nil {
			return fmt.Errorf("%s: scenario %s, regime %s, %d: %w", backcast.File, k.scenario, k.regime, k.year, err)
		}
		eng, err := rt.NewEngine()
		if err != nil {
			return err
		}
		res, err := flow.Solve(ctx, eng, st)
		eng.Close()
		if err != nil {
			return fmt.Errorf("scenario %s, regime %s, %d: %w", k.scenario, k.regime, k.year, err)
		}
		results[k] = res
	}
	rows := make([]backcastRow, len(obs))
	failed := 0
	for i, o := range obs {
		k := keys[i]
		f := o.Quantity.Unit.Factor
		mod := backcast.Modelled(o, n, results[k])
		r := backcastRow{ID: o.ID, What: o.What, Kind: string(o.Kind), Targets: o.Targets, Commodity: o.Commodity, Direction: o.Direction,
			Year: o.Year, StateYear: k.year, Scenario: k.scenario, Regime: k.regime, Unit: o.Quantity.Unit.Text,
			Observed: o.Quantity.Value / f, Modelled: mod / f, Tolerance: o.Tolerance.Text, Low: o.Tolerance.Low, High: o.Tolerance.High,
			Pass: o.Tolerance.Pass(o.Quantity.Value, mod), Source: o.Source.String(), Note: o.Note}
		if o.Quantity.Value != 0 {
			ratio := mod / o.Quantity.Value
			r.Ratio = &ratio
		}
		if !r.Pass {
			failed++
		}
		rows[i] = r
	}
	if asJSON {
		out := struct {
			SchemaVersion int           `json:"schema_version"`
			Data          string        `json:"data"`
			BaseYear      int           `json:"base_year"`
			States        int           `json:"states"`
			Passed        int           `json:"passed"`
			Failed        int           `json:"failed"`
			Rows          []backcastRow `json:"rows"`
		}{1, dataRef(dir), n.Meta.BaseYear, len(order), len(rows) - failed, failed, rows}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else if err := backcastText(a.stdout, name, n.Meta.BaseYear, len(order), rows, failed); err != nil {
		return err
	}
	if failed > 0 {
		return quietError{fmt.Errorf("%d of %d observations fail", failed, len(rows))}
	}
	return nil
}

// historyScenarios resolves each observation's scenario ("" is the headline): a history state of
// the data set's history/ folder (backcast.StatesDir) by its file stem, else one of the built-in
// scenarios, keyed by the name written in history.csv; an unknown one is an error at its row.
func historyScenarios(fsys fs.FS, n *model.Network, obs []backcast.Observation) (map[string]*scenario.Scenario, error) {
	b, err := pipeline.LoadBuiltins(fsys)
	if err != nil {
		return nil, err
	}
	states, err := backcast.LoadStates(fsys, n)
	if err != nil {
		return nil, err
	}
	var errs diag.List
	for _, stem := range slices.Sorted(maps.Keys(states)) {
		if sc, err := b.Lookup(stem); err == nil {
			errs.Addf(backcast.StatesDir+"/"+stem+".yaml", 0, 0, "name", "%q is also the built-in scenario %s: give the history state another name", stem, sc.Name)
		}
	}
	out := map[string]*scenario.Scenario{}
	for _, o := range obs {
		if _, ok := out[o.Scenario]; ok {
			continue
		}
		var sc *scenario.Scenario
		switch st, ok := states[o.Scenario]; {
		case ok:
			sc = st
		case o.Scenario == "":
			sc, err = b.Headline(n.Study.HeadlineScenario)
		default:
			sc, err = b.Lookup(o.Scenario)
			if err != nil && len(states) > 0 {
				err = fmt.Errorf("%w, and no history state %s/%s.yaml (known: %s)", err, backcast.StatesDir, o.Scenario, strings.Join(slices.Sorted(maps.Keys(states)), ", "))
			}
		}
		if err != nil {
			errs.Add(&diag.Error{File: backcast.File, Line: o.Line, Field: "scenario", Err: err})
			continue
		}
		out[o.Scenario] = sc
	}
	return out, errs.Err()
}

func backcastText(w io.Writer, name string, baseYear, states int, rows []backcastRow, failed int) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Backcast — %s: %d observations, %d states solved, no candidate project built\n", name, len(rows), states)
	fmt.Fprintf(tw, "PASS: modelled/observed within the tolerance; years before %d are solved in %d (marked *)\n\n", baseYear, baseYear)
	fmt.Fprintln(tw, "id\tyear\tobserved\tmodelled\tratio\ttolerance\tresult\twhat\tsource")
	before := false
	for _, r := range rows {
		year := strconv.Itoa(r.Year)
		if r.StateYear != r.Year {
			year += "*"
			before = true
		}
		ratio := "—"
		if r.Ratio != nil {
			ratio = strconv.FormatFloat(*r.Ratio, 'f', 2, 64)
		}
		result := "PASS"
		if !r.Pass {
			result = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s %s\t%s\t%s\t%s\t%s\t%s\n", r.ID, year, num(r.Observed), r.Unit, num(r.Modelled), r.Unit, ratio,
			toleranceText(r), result, r.What, r.Source)
	}
	if before {
		fmt.Fprintf(tw, "\n* solved in %d, the base year: the data describe no earlier year\n", baseYear)
	}
	solved := map[string]bool{}
	for _, r := range rows {
		solved[r.Scenario+", regime "+orNone(r.Regime)+", "+strconv.Itoa(r.StateYear)] = true
	}
	fmt.Fprintf(tw, "states: %s\n", strings.Join(slices.Sorted(maps.Keys(solved)), "; "))
	fmt.Fprintf(tw, "%d passed, %d failed\n", len(rows)-failed, failed)
	return tw.Flush()
}

func toleranceText(r backcastRow) string {
	if strings.Contains(r.Tolerance, "..") {
		return r.Tolerance
	}
	hi := strconv.FormatFloat(r.High, 'g', 4, 64)
	lo := strconv.FormatFloat(r.Low, 'g', 4, 64)
	return r.Tolerance + " (" + lo + ".." + hi + ")"
}

// num prints a value with 4 significant digits and thousands separators for large ones.
func num(v float64) string {
	if v == 0 {
		return "0"
	}
	if math.Abs(v) >= 1e4 {
		s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		var b strings.Builder
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		if neg {
			return "-" + b.String()
		}
		return b.String()
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// checkHistory parses the data set's history.csv, when it has one, and resolves its scenarios.
func checkHistory(fsys fs.FS, n *model.Network) error {
	obs, _, err := backcast.Read(fsys, n)
	if err != nil {
		return err
	}
	_, err = historyScenarios(fsys, n, obs)
	return err
}
