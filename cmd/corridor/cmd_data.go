package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/pipeline"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// newDataCmd builds "corridor data": inspect, validate, export and copy data sets.
func newDataCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "data",
		Short: "Inspect, validate, export and copy data sets",
		Long: `A data set is a folder of CSV, YAML and GeoJSON files (see docs/DATASET.md).
--data takes a folder or the name of a built-in data set: ` + strings.Join(dataset.Builtins(), ", ") + `
(without --data, commands use ` + dataset.DefaultName + `). 'corridor data init DIR --from NAME' copies a
built-in data set into DIR as the start of your own region.`,
	}
	var dir string
	c.PersistentFlags().StringVar(&dir, "data", "", dataFlagUsage())
	c.AddCommand(
		&cobra.Command{
			Use:   "validate [DIR]",
			Short: "Check a data set and print every error with file, line and field",
			Args:  cobra.MaximumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if len(args) == 1 {
					dir = args[0]
				}
				return runDataValidate(cmd.Context(), a.stdout, a.stderr, dir)
			},
		},
		newDataShowCmd(a, &dir),
		&cobra.Command{
			Use:   "sources",
			Short: "List each source and the values that use it",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				n, err := loadData(cmd.Context(), a.stderr, dir)
				if err != nil {
					return err
				}
				fsys, _ := dataFS(dir)
				scens, err := pipeline.Scenarios(fsys, nil, n.Study.HeadlineScenario)
				if err != nil {
					return err
				}
				return writeSources(a.stdout, n, scens)
			},
		},
		newDataInitCmd(a),
		newDataExportCmd(a, &dir),
		newDataBackcastCmd(a, &dir),
		newDataEvidenceCmd(a, &dir),
	)
	return c
}

// dataFS resolves a --data value: "" is the default built-in data set (dataset.DefaultName), a
// built-in name (dataset.Builtins, e.g. "instc") that built-in data set, anything else a folder
// (write ./instc for a folder that shares a built-in's name).
func dataFS(dir string) (fs.FS, string) {
	if dir == "" {
		dir = dataset.DefaultName
	}
	if fsys, ok := dataset.Builtin(dir); ok {
		return fsys, "built-in data set " + dir
	}
	return os.DirFS(dir), dir
}

// dataRef is the name a run records for a --data value: the built-in data set's name, or the
// folder.
func dataRef(dir string) string {
	if dir == "" {
		return dataset.DefaultName
	}
	return dir
}

// isBuiltinData reports whether a --data value names built-in data ("" or a built-in name).
func isBuiltinData(dir string) bool {
	_, ok := dataset.Builtin(dir)
	return dir == "" || ok
}

// dataFlagUsage is the help of every --data flag.
func dataFlagUsage() string {
	return "data set: a built-in name (" + strings.Join(dataset.Builtins(), ", ") + ") or a folder (default: " + dataset.DefaultName + ")"
}

// loadData loads and validates a data set, printing warnings to stderr.
func loadData(ctx context.Context, stderr io.Writer, dir string) (*model.Network, error) {
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	fsys, name := dataFS(dir)
	n, warnings, err := dataset.Load(ctx, fsys)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %v\n", w)
	}
	if err != nil {
		return nil, fmt.Errorf("load %s:\n%w", name, err)
	}
	return n, nil
}

func runDataValidate(ctx context.Context, stdout, stderr io.Writer, dir string) error {
	if err := checkDir(dir); err != nil {
		return err
	}
	fsys, name := dataFS(dir)
	n, warnings, err := dataset.Load(ctx, fsys)
	for _, w := range warnings {
		fmt.Fprintf(stdout, "warning: %v\n", w)
	}
	if err == nil {
		// the scenarios shipped with the data set are part of it: each must decode and fit
		err = checkScenarios(fsys, n)
	}
	if err == nil {
		err = checkHistory(fsys, n) // history.csv, when present (decision 0016)
	}
	if err != nil {
		count := 0
		for _, e := range unjoin(err) {
			fmt.Fprintln(stderr, e)
			if _, ok := errors.AsType[*diag.Error](e); ok {
				count++
			}
		}
		fmt.Fprintf(stderr, "%s: %d error(s)\n", name, max(count, 1))
		return quietError{err}
	}
	scs, _ := builtinScenarios(fsys)
	fmt.Fprintf(stdout, "%s: ok: %d nodes, %d links, %d commodities, %d markets, %d projects, %d sources, %d scenarios; %d warning(s)\n",
		name, len(n.Nodes), len(n.Links), len(n.Commodities), len(n.Markets), len(n.Projects), len(n.Sources), len(scs), len(warnings))
	return nil
}

// checkScenarios decodes every scenario in fsys's scenarios/ folder and checks it against n, and
// that the study's headline scenario is one of them, returning every error found.
func checkScenarios(fsys fs.FS, n *model.Network) error {
	files, err := builtinScenarios(fsys)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		sc, err := scenario.Load(fsys, f)
		if err == nil {
			err = sc.Check(n)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if h := n.Study.HeadlineScenario; h != "" && len(errs) == 0 {
		b, err := pipeline.LoadBuiltins(fsys)
		if err == nil {
			_, err = b.Lookup(h)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: headline_scenario: %w", dataset.FileStudy, err))
		}
	}
	return errors.Join(errs...)
}

// checkDir reports a data folder that does not exist ("" and built-in names are built-in data).
func checkDir(dir string) error {
	if isBuiltinData(dir) {
		if fi, err := os.Stat(dir); dir != "" && err == nil && fi.IsDir() {
			// never pick one silently: an edited copy made with data init would be ignored
			return usageError{fmt.Errorf("--data %s names both the built-in data set and the folder %s here: write ./%s for the folder, or run elsewhere for the built-in", dir, dir, dir)}
		}
		return nil
	}
	if fi, err := os.Stat(dir); err != nil {
		return fmt.Errorf("data set %s: %w", dir, err)
	} else if !fi.IsDir() {
		return fmt.Errorf("data set %s: not a folder (a data set is a folder of CSV, YAML and GeoJSON files)", dir)
	}
	return nil
}

// unjoin flattens an errors.Join tree into its leaves.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
	}
	return []error{err}
}

func newDataShowCmd(a *app, dir *string) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show",
		Short: "Print the network: nodes, links by mode and status, markets, projects",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := loadData(cmd.Context(), a.stderr, *dir)
			if err != nil {
				return err
			}
			s := summarize(n)
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(s)
			}
			return writeSummary(a.stdout, s)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of tables")
	return c
}

// summarySchemaVersion is the version of the JSON shape of "data show --json".
const summarySchemaVersion = 2

// summary is what "data show" prints. Quantities (the strategic premium, reference periods,
// contract and loan terms) are as written, e.g. "0 USD/yr".
type summary struct {
	SchemaVersion    int                  `json:"schema_version"`
	Name             string               `json:"name"`
	Question         string               `json:"question,omitempty"` // the study's title
	BaseYear         int                  `json:"base_year"`
	Countries        []string             `json:"countries"`
	Decider          string               `json:"decider,omitempty"`
	StrategicPremium string               `json:"strategic_premium,omitempty"`
	ReferencePeriods []referencePeriodRow `json:"reference_periods,omitempty"`
	NodesByKind      []countRow           `json:"nodes_by_kind"`
	Nodes            []nodeRow            `json:"nodes"`
	LinksByMode      []modeStatusRow      `json:"links_by_mode"`
	Links            []linkRow            `json:"links"`
	Markets          []marketRow          `json:"markets"`
	Projects         []projectSummary     `json:"projects"`
}

type countRow struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

type nodeRow struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Country string  `json:"country"`
	Kind    string  `json:"kind"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
}

type modeStatusRow struct {
	Mode     string         `json:"mode"`
	ByStatus map[string]int `json:"by_status"`
	Km       float64        `json:"km"`
}

type linkRow struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Mode     string  `json:"mode"`
	Status   string  `json:"status"`
	From     string  `json:"from"`
	To       string  `json:"to"`
	Capacity string  `json:"capacity"`
	Project  string  `json:"project"`
	LengthKm float64 `json:"length_km"`
}

type marketRow struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Commodity  string `json:"commodity"`
	Node       string `json:"node"`
	Steps      int    `json:"steps"`
	Quantity   string `json:"quantity"`
	PriceRange string `json:"price_range"`
}

type projectSummary struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	Class      string        `json:"class"`
	Capex      string        `json:"capex"`
	CapexRange string        `json:"capex_range"`
	StartYear  int           `json:"start_year"`
	Links      int           `json:"links"`
	Upgrades   int           `json:"upgrades"`
	Financing  string        `json:"financing"`
	Owners     string        `json:"owners,omitempty"` // empty: the financing shares
	Contracts  []contractRow `json:"contracts,omitempty"`
	Loans      []loanRow     `json:"loans,omitempty"`
}

type referencePeriodRow struct {
	Class string `json:"class"`
	Years string `json:"years"`
}

// contractRow is a transit contract; quantities as written.
type contractRow struct {
	Host      string   `json:"host"`
	Links     []string `json:"links,omitempty"`
	RentShare string   `json:"rent_share,omitempty"`
	Source    string   `json:"source"`
}

// loanRow is a loan; quantities as written.
type loanRow struct {
	Lender             string `json:"lender"`
	Borrower           string `json:"borrower"`
	Share              string `json:"share"`
	Rate               string `json:"rate"`
	Tenor              string `json:"tenor"`
	Grace              string `json:"grace"`
	DefaultProbability string `json:"default_probability,omitempty"`
}

// shares writes country shares as "AAA 50%, BBB 50%", sorted by country.
func shares(m map[string]float64) string {
	var out []string
	for _, c := range slices.Sorted(maps.Keys(m)) {
		out = append(out, fmt.Sprintf("%s %.0f%%", c, 100*m[c]))
	}
	return strings.Join(out, ", ")
}

func summarize(n *model.Network) summary {
	s := summary{SchemaVersion: summarySchemaVersion, Name: n.Meta.Name, Question: n.Study.Title, BaseYear: n.Meta.BaseYear, Decider: n.Meta.Decider, StrategicPremium: n.Meta.StrategicPremium.String()}
	for _, r := range n.Meta.ReferencePeriods {
		s.ReferencePeriods = append(s.ReferencePeriods, referencePeriodRow{r.Class, r.Years.String()})
	}
	for _, c := range n.Countries {
		s.Countries = append(s.Countries, c.ID)
	}
	kinds := map[string]int{}
	for _, x := range n.Nodes {
		kinds[string(x.Kind)]++
		s.Nodes = append(s.Nodes, nodeRow{x.ID, x.Name, x.Country, string(x.Kind), x.Pos.Lat, x.Pos.Lon})
	}
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		s.NodesByKind = append(s.NodesByKind, countRow{k, kinds[k]})
	}
	modes := map[string]*modeStatusRow{}
	for _, l := range n.Links {
		r := modes[l.Mode]
		if r == nil {
			r = &modeStatusRow{Mode: l.Mode, ByStatus: map[string]int{}}
			modes[l.Mode] = r
		}
		r.ByStatus[string(l.Status)]++
		r.Km += l.Length.Value
		s.Links = append(s.Links, linkRow{l.ID, l.Name, l.Mode, string(l.Status), l.From, l.To, l.Capacity.String(), l.Project, l.Length.Value})
	}
	for _, m := range n.Modes {
		if r := modes[m.ID]; r != nil {
			s.LinksByMode = append(s.LinksByMode, *r)
		}
	}
	for _, m := range n.Markets {
		row := marketRow{ID: m.ID, Kind: string(m.Kind), Commodity: m.Commodity, Node: m.Node, Steps: len(m.Steps)}
		total, lo, hi := 0.0, 0.0, 0.0
		var unit string
		for i, st := range m.Steps {
			total += st.Quantity.Value
			if i == 0 || st.Price.Value < lo {
				lo = st.Price.Value
			}
			if i == 0 || st.Price.Value > hi {
				hi = st.Price.Value
			}
			unit = quantity.Canonical(st.Price.Dim)
		}
		if total > 0 {
			row.Quantity = fmt.Sprintf("%.4g %s", total, quantity.Canonical(m.Steps[0].Quantity.Dim))
		} else {
			row.Quantity = "unlimited"
		}
		if len(m.Steps) > 0 {
			if lo == hi {
				row.PriceRange = fmt.Sprintf("%.4g %s", lo, unit)
			} else {
				row.PriceRange = fmt.Sprintf("%.4g–%.4g %s", lo, hi, unit)
			}
		}
		s.Markets = append(s.Markets, row)
	}
	for _, p := range n.Projects {
		ps := projectSummary{
			ID: p.ID, Name: p.Name, Class: p.Class, Capex: musd(p.Capex.Value),
			CapexRange: capexRange(p.Capex), StartYear: p.StartYear, Links: len(p.Links), Upgrades: len(p.Upgrades),
			Financing: shares(p.Financing), Owners: shares(p.Owners),
		}
		for _, k := range p.Contracts {
			ps.Contracts = append(ps.Contracts, contractRow{Host: k.Host, Links: k.Links, RentShare: k.RentShare.String(), Source: k.Source.String()})
		}
		for _, l := range p.Loans {
			ps.Loans = append(ps.Loans, loanRow{Lender: l.Lender, Borrower: l.Borrower, Share: l.Share.String(), Rate: l.Rate.String(),
				Tenor: l.Tenor.String(), Grace: l.Grace.String(), DefaultProbability: l.DefaultProbability.String()})
		}
		s.Projects = append(s.Projects, ps)
	}
	return s
}

func musd(v float64) string { return fmt.Sprintf("$%.4g m", v/1e6) }

func capexRange(q model.Q) string {
	if q.Range == nil {
		return "—"
	}
	return fmt.Sprintf("$%.4g–%.4g m (%s)", q.Range.Low/1e6, q.Range.High/1e6, q.Range.Dist)
}

func writeSummary(w io.Writer, s summary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s (USD of %d); countries: %s", s.Name, s.BaseYear, strings.Join(s.Countries, " "))
	if s.Decider != "" {
		fmt.Fprintf(tw, "; decider %s, strategic premium %s", s.Decider, orDash(s.StrategicPremium))
	}
	if s.Question != "" {
		fmt.Fprintf(tw, "\nquestion: %s", s.Question)
	}
	fmt.Fprint(tw, "\n\n")
	fmt.Fprintf(tw, "NODES (%d)\tby kind:", len(s.Nodes))
	for _, r := range s.NodesByKind {
		fmt.Fprintf(tw, " %s %d", r.Key, r.Count)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "id\tname\tcountry\tkind\tlat\tlon")
	for _, r := range s.Nodes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.3f\t%.3f\n", r.ID, r.Name, r.Country, r.Kind, r.Lat, r.Lon)
	}
	fmt.Fprintf(tw, "\nLINKS (%d) by mode and status\n", len(s.Links))
	fmt.Fprintln(tw, "mode\texisting\tconstruction\tproposed\tclosed\tkm")
	for _, r := range s.LinksByMode {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.0f\n", r.Mode, r.ByStatus["existing"], r.ByStatus["construction"], r.ByStatus["proposed"], r.ByStatus["closed"], r.Km)
	}
	fmt.Fprintln(tw, "\nid\tmode\tstatus\tfrom → to\tkm\tcapacity\tproject")
	links := slices.Clone(s.Links)
	slices.SortStableFunc(links, func(a, b linkRow) int { return cmp.Or(cmp.Compare(a.Mode, b.Mode), cmp.Compare(a.ID, b.ID)) })
	for _, r := range links {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s → %s\t%.0f\t%s\t%s\n", r.ID, r.Mode, r.Status, r.From, r.To, r.LengthKm, orDash(r.Capacity), orDash(r.Project))
	}
	fmt.Fprintf(tw, "\nMARKETS (%d)\n", len(s.Markets))
	fmt.Fprintln(tw, "id\tkind\tcommodity\tnode\tsteps\tquantity\tprice")
	for _, r := range s.Markets {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", r.ID, r.Kind, r.Commodity, r.Node, r.Steps, r.Quantity, orDash(r.PriceRange))
	}
	fmt.Fprintf(tw, "\nPROJECTS (%d)\n", len(s.Projects))
	fmt.Fprintln(tw, "id\tclass\tstart\tcapex\tcapex range\tlinks\tupgrades\tfinancing\tname")
	for _, r := range s.Projects {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%d\t%d\t%s\t%s\n", r.ID, r.Class, r.StartYear, r.Capex, r.CapexRange, r.Links, r.Upgrades, r.Financing, r.Name)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// writeSources prints each source with the values that cite it, then the count of assumptions.
func writeSources(w io.Writer, n *model.Network, scens []*scenario.Scenario) error {
	uses := map[string][]string{}
	note := func(path string, p quantity.Provenance) {
		for _, id := range p.Sources {
			uses[id] = append(uses[id], path)
		}
		for _, id := range citedIDs(n, p.Assumption) { // a DERIVED value's sums cite their sources
			uses[id] = append(uses[id], path+" (reasoning)")
		}
	}
	for path, p := range n.Values() {
		note(path, p)
	}
	for _, sc := range scens {
		for path, p := range sc.Values() {
			note("scenarios/"+sc.Name+"/"+path, p)
		}
		for _, r := range sc.Rules { // a rule's own sources: the measures it encodes
			for _, id := range r.Source.Sources {
				uses[id] = append(uses[id], "scenarios/"+sc.Name+"/rules/"+r.ID)
			}
		}
	}
	for _, s := range n.Sources {
		fmt.Fprintf(w, "%s [%s] %s — %s", s.ID, orDash(s.Confidence), s.Publisher, s.Title)
		if s.Date != "" {
			fmt.Fprintf(w, " (%s)", s.Date)
		}
		fmt.Fprintln(w)
		if s.URL != "" {
			fmt.Fprintf(w, "    %s\n", s.URL)
		} else if s.Note != "" {
			fmt.Fprintf(w, "    (%s)\n", s.Note)
		}
		u := uses[s.ID]
		if len(u) == 0 {
			fmt.Fprintln(w, "    used by: nothing")
			continue
		}
		fmt.Fprintf(w, "    used by (%d): %s\n", len(u), strings.Join(u, ", "))
	}
	c := appraise.ProvenanceCounts(n, scens)
	_, err := fmt.Fprintf(w, "\n%d sources; values by provenance: %s — fact: source ids; derived: arithmetic on sourced figures (DERIVED); assumption: labelled reasoning (see the *_source cells)\n", len(n.Sources), classLine(c))
	return err
}

// citedIDs returns the source ids of n that an assumption's reasoning names, once each, in
// order: words made of id characters, a sentence's closing full stop dropped.
func citedIDs(n *model.Network, text string) []string {
	if text == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}) {
		w = strings.TrimRight(w, ".")
		if !seen[w] && n.Source(w) != nil {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

func newDataInitCmd(a *app) *cobra.Command {
	var force bool
	from := dataset.DefaultName
	c := &cobra.Command{
		Use:   "init DIR",
		Short: "Write a built-in data set out as editable files: the starting point for your own region",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDataInit(a.stdout, args[0], from, force)
		},
	}
	c.Flags().BoolVar(&force, "force", false, "overwrite files in a non-empty folder, and write through symbolic links")
	c.Flags().StringVar(&from, "from", from, "built-in data set to copy ("+strings.Join(dataset.Builtins(), ", ")+")")
	return c
}

func runDataInit(stdout io.Writer, dir, from string, force bool) error {
	src, ok := dataset.Builtin(from)
	if !ok {
		return usageError{fmt.Errorf("--from %q: no built-in data set by that name (built-in: %s)", from, strings.Join(dataset.Builtins(), ", "))}
	}
	out := outputs{force: force}
	if err := out.check(nil, []string{dir}); err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 && !force {
		return fmt.Errorf("init %s: folder is not empty (use --force to overwrite)", dir)
	}
	files := map[string][]byte{}
	err := fs.WalkDir(src, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, filepath.FromSlash(path)), 0o755)
		}
		files[filepath.FromSlash(path)], err = fs.ReadFile(src, path)
		return err
	})
	if err == nil {
		err = out.files(dir, files)
	}
	if err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	count := len(files)
	shown := dir
	if _, builtin := dataset.Builtin(dir); builtin {
		shown = "./" + dir // the bare name selects the built-in data set
	}
	fmt.Fprintf(stdout, "wrote %d files to %s; check them with: corridor data validate %s\n", count, dir, shown)
	return nil
}

func newDataExportCmd(a *app, dir *string) *cobra.Command {
	var geojson string
	var force bool
	c := &cobra.Command{
		Use:   "export --geojson FILE",
		Short: "Export nodes and links as GeoJSON (WGS84) for QGIS",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if geojson == "" {
				return usageError{errors.New("export: give --geojson FILE (use - for standard output)")}
			}
			n, err := loadData(cmd.Context(), a.stderr, *dir)
			if err != nil {
				return err
			}
			if geojson == "-" {
				return dataset.WriteGeoJSON(a.stdout, n)
			}
			out := outputs{force: force}
			if err := out.check([]string{geojson}, nil); err != nil {
				return err
			}
			return out.file(geojson, func(w io.Writer) error { return dataset.WriteGeoJSON(w, n) })
		},
	}
	c.Flags().StringVar(&geojson, "geojson", "", "write nodes and links to this GeoJSON file")
	c.Flags().BoolVar(&force, "force", false, forceUsage)
	return c
}
