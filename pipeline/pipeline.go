// Package pipeline is the one ordering of corridor's stages: load the data set, decode and check
// the scenarios, appraise every project under every scenario, and return the result with what is
// needed to reproduce it (input hashes, seed, draws, version). It holds no stage logic and prints
// nothing.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/corridor-dev/corridor/appraise"
	"github.com/corridor-dev/corridor/dataset"
	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/quantity"
	"github.com/corridor-dev/corridor/scenario"
)

// Version is the version of corridor's model, recorded with every result.
const Version = "0.1.0"

// DefaultDraws is the Monte Carlo draws of a run that names none, in the CLI, the API and the
// web UI alike.
const DefaultDraws = 100

// MaxDraws returns the most Monte Carlo draws a run of the given numbers of projects, scenarios
// and countries may take: appraise.MaxDraws, or fewer where the per-country figures kept for the
// percentiles would pass appraise.MaxKeptFigures (which appraise.Run refuses), so that a caller can
// refuse such a run before queueing it.
func MaxDraws(projects, scenarios, countries int) int {
	sets := max(1, projects) * max(1, scenarios) * max(1, countries)
	return min(appraise.MaxDraws, appraise.MaxKeptFigures/sets)
}

// Spec is a run as plain data: everything besides the code and the data set's files that can
// change its result. It is serialisable, so that a run can be stored, sent and run again: the CLI
// builds one from its flags, the API from a request, a stored run keeps it. Run reads the data
// set's files from the fs.FS it is given; Data names them for the record.
type Spec struct {
	// Data names the data set: a built-in data set's name (dataset.Builtins) or a folder.
	Data string `json:"data"`
	// Scenarios are names of the data set's own scenarios (Builtins.Lookup); nil means every one,
	// the study's headline scenario first.
	Scenarios []string `json:"scenarios"`
	// Custom are scenarios given as text: files named on the command line, scenarios stored in
	// the web UI. They run after Scenarios.
	Custom   []ScenarioText `json:"custom,omitempty"`
	Projects []string       `json:"projects"` // nil means every project
	Draws    int            `json:"draws"`
	Seed     uint64         `json:"seed"`
	Analysis bool           `json:"analysis"` // base-case tornado, switching values, gain split and game
	// Premium, when not empty, is the decider's strategic premium in every scenario, e.g.
	// "50 MUSD/yr" (money per year, ≥ 0; see ParsePremium); empty leaves each scenario's or the
	// data set's.
	Premium string `json:"premium,omitempty"`
	// Precision, when > 0, makes Draws a ceiling: draws run in batches until the standard error
	// of the decider's P(commit) (bargaining view) is at most Precision percentage points in
	// every case (appraise.Input.Precision). The Result's Spec then holds the draws run and no
	// Precision: the spec that reproduces the result.
	Precision float64 `json:"precision,omitempty"`
}

// ScenarioText is a scenario given as YAML text.
type ScenarioText struct {
	ID   int64  `json:"id,omitempty"`   // a stored scenario's id; 0 for a file
	Name string `json:"name"`           // the scenario's name
	File string `json:"file,omitempty"` // the name its errors carry (a path, or scenario-ID.yaml)
	YAML string `json:"yaml"`
}

// FileName is the name the scenario's errors carry: File, else scenario-ID.yaml.
func (t ScenarioText) FileName() string {
	if t.File != "" {
		return t.File
	}
	return fmt.Sprintf("scenario-%d.yaml", t.ID)
}

// Decode decodes and returns the scenario; it does not check it against a network.
func (t ScenarioText) Decode() (*scenario.Scenario, error) {
	return scenario.Decode(t.FileName(), strings.NewReader(t.YAML))
}

// Deps are the services a run uses; none of them changes its result.
type Deps struct {
	NewEngine func() (lp.Incremental, error)
	Progress  func(done, total int)
	Logger    *slog.Logger
	// Workers is the number of goroutines the Monte Carlo uses; 0 means GOMAXPROCS.
	Workers int
	// KeepSamples keeps every draw's figures in the Result's Appraisal.Samples.
	KeepSamples bool
	// Remote, when set, computes the Monte Carlo draws on workers elsewhere (package dispatch)
	// instead of on Workers goroutines here; the result is the same bytes.
	Remote Remote
}

// Result is a finished run.
type Result struct {
	Version   string
	Spec      Spec
	InputHash string // SHA-256 over the data set's files and the scenarios, hex
	Net       *model.Network
	Scenarios []*scenario.Scenario
	Appraisal *appraise.Output
	// Flows are the base-case flows of each scenario in the reference year and initial regime:
	// Flows[2*s] without candidate projects, Flows[2*s+1] with every project built.
	Flows []ScenarioFlows
	// Chokepoints are the headline (first) scenario's worst closures of single links and pairs.
	Chokepoints *Chokepoints
	// Evidence ranks the run's uncertain inputs by how much of the decider's figure each explains
	// over the same draws (appraise.EvidenceOf: no extra solve), largest first; nil below 3 draws
	// or without a deciding country. EvidenceFloor is the ρ² below which a score may be chance
	// (appraise.NoiseFloor), and Provenance counts the values of the data set and the run's
	// scenarios by provenance class.
	Evidence      []appraise.Evidence
	EvidenceFloor float64
	Provenance    appraise.ClassCounts
	Warnings      []string
	Elapsed       time.Duration
}

// Run executes a Spec on the data set whose files data holds.
func Run(ctx context.Context, spec Spec, data fs.FS, deps Deps) (*Result, error) {
	t0 := time.Now()
	res, in, err := prepare(ctx, spec, data, deps)
	if err != nil {
		return nil, err
	}
	if deps.Remote != nil {
		job := Job{Spec: spec, InputHash: res.InputHash, Data: data}
		in.Remote = func(ctx context.Context, lo, hi int, progress func(int)) ([][]byte, error) {
			return deps.Remote(ctx, job, lo, hi, progress)
		}
	}
	out, err := appraise.Run(ctx, in)
	if err != nil {
		return nil, err
	}
	res.Appraisal = out
	res.Provenance = appraise.ProvenanceCounts(res.Net, res.Scenarios)
	if len(out.Samples) >= 3 && slices.Contains(out.Countries, out.Decider) {
		in.NewEngine = nil // redrawing the inputs solves nothing
		if res.Evidence, err = appraise.EvidenceOf(in, out); err != nil {
			return nil, err
		}
		res.EvidenceFloor = appraise.NoiseFloor(len(out.Samples), appraise.EvidenceTargets(out))
	}
	if !deps.KeepSamples {
		out.Samples = nil
	}
	if spec.Precision > 0 {
		res.Spec.Draws, res.Spec.Precision = int(out.Draws), 0
	}
	if res.Flows, err = baseFlows(ctx, res.Net, res.Scenarios, out.ReferenceYear, deps.NewEngine); err != nil {
		return nil, err
	}
	if res.Chokepoints, err = RankChokepoints(ctx, res.Net, res.Scenarios[0], out.ReferenceYear, deps.Workers, deps.NewEngine, deps.Logger); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(t0)
	return res, nil
}

// Remote computes draws [lo, hi) of a run elsewhere (package dispatch): it hands job to
// workers, which compute chunks of the draws with NewDrawer, and returns their encoded batches
// (appraise.Remote).
type Remote func(ctx context.Context, job Job, lo, hi int, progress func(done int)) ([][]byte, error)

// Job is what a worker needs to compute draws of a run: the spec, the data set's files, and the
// input hash the worker must reproduce from them (NewDrawer) before it computes anything.
type Job struct {
	Spec      Spec
	InputHash string
	Data      fs.FS
}

// NewDrawer prepares spec on the data set in data for computing chunks of its draws (a worker's
// part of a distributed run) and returns it with the run's input hash, which the caller compares
// with the one the run was sent with. deps.Workers goroutines compute each chunk; deps.Remote,
// Progress and KeepSamples are not used.
func NewDrawer(ctx context.Context, spec Spec, data fs.FS, deps Deps) (*appraise.Drawer, string, error) {
	res, in, err := prepare(ctx, spec, data, deps)
	if err != nil {
		return nil, "", err
	}
	d, err := appraise.NewDrawer(in)
	if err != nil {
		return nil, "", err
	}
	return d, res.InputHash, nil
}

// prepare loads the data set and the scenarios of spec, hashes the inputs and returns the result
// to fill and the appraisal's input.
func prepare(ctx context.Context, spec Spec, data fs.FS, deps Deps) (*Result, appraise.Input, error) {
	var in appraise.Input
	if !(spec.Precision >= 0) {
		return nil, in, fmt.Errorf("precision %g: want a standard error in percentage points > 0, or 0 for none", spec.Precision)
	}
	n, warnings, err := dataset.Load(ctx, data)
	if err != nil {
		return nil, in, fmt.Errorf("load %s:\n%w", spec.Data, err)
	}
	res := &Result{Version: Version, Spec: spec, Net: n}
	for _, w := range warnings {
		res.Warnings = append(res.Warnings, w.Error())
	}
	scs, err := Scenarios(data, spec.Scenarios, n.Study.HeadlineScenario)
	if err != nil {
		return nil, in, err
	}
	for _, t := range spec.Custom {
		sc, err := t.Decode()
		if err != nil {
			return nil, in, err
		}
		scs = append(scs, sc)
	}
	if len(scs) == 0 {
		return nil, in, errors.New("no scenarios: the data set has no scenarios/ folder; give a scenario file")
	}
	var errs []error
	for _, sc := range scs {
		if err := sc.Check(n); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, in, err
	}
	res.Scenarios = scs
	var premium quantity.Quantity
	if spec.Premium != "" {
		if premium, err = ParsePremium(spec.Premium); err != nil {
			return nil, in, err
		}
	}
	if res.InputHash, err = hashInputs(data, scs, spec.Premium); err != nil {
		return nil, in, err
	}
	in = appraise.Input{
		Net: n, Scenarios: scs, Projects: spec.Projects, Draws: spec.Draws, Seed: spec.Seed, Workers: deps.Workers,
		NewEngine: deps.NewEngine, Analysis: spec.Analysis, Progress: deps.Progress, Logger: deps.Logger, Premium: premium,
		Precision: spec.Precision / 100, KeepSamples: true, // the evidence ranking reads every draw
		Years: n.Meta.AppraisalYears,
	}
	return res, in, nil
}

// ScenarioFlows is one solved base-case state of a scenario.
type ScenarioFlows struct {
	Scenario    string
	AllProjects bool     // every candidate project built
	Regime      string   // the regime state solved (the scenario's initial one)
	Year        int      // the reference year
	Built       []string // projects built, sorted
	Result      *flow.Result
}

// baseFlows solves each scenario's initial regime in the reference year, without and with every
// project.
func baseFlows(ctx context.Context, n *model.Network, scs []*scenario.Scenario, year int, newEngine func() (lp.Incremental, error)) ([]ScenarioFlows, error) {
	eng, err := newEngine()
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	var all []string
	for _, p := range n.Projects {
		all = append(all, p.ID)
	}
	var out []ScenarioFlows
	for _, sc := range scs {
		for _, with := range []bool{false, true} {
			opt := scenario.Options{Year: year}
			if with {
				opt.Projects = all
			}
			st, _, err := scenario.Apply(n, sc, opt)
			if err != nil {
				return nil, err
			}
			res, err := flow.Solve(ctx, eng, st)
			if err != nil {
				return nil, fmt.Errorf("flows of %s: %w", sc.Name, err)
			}
			var built []string
			for p := range st.Built {
				built = append(built, p)
			}
			slices.Sort(built)
			out = append(out, ScenarioFlows{Scenario: sc.Name, AllProjects: with, Regime: st.Regime, Year: st.Year, Built: built, Result: res})
		}
	}
	return out, nil
}

// Scenarios reads the named scenarios from fsys's scenarios/ folder; when names is nil, all of
// them, the headline scenario (the study's headline_scenario; "" for none) first and the others
// by file name. A name matches a file stem ("x1-status-quo"), its first part ("x1") or the
// scenario's own name.
func Scenarios(fsys fs.FS, names []string, headline string) ([]*scenario.Scenario, error) {
	b, err := LoadBuiltins(fsys)
	if err != nil {
		return nil, err
	}
	if names == nil {
		return b.Ordered(headline)
	}
	var out []*scenario.Scenario
	for _, name := range names {
		sc, err := b.Lookup(name)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

// Builtins are the scenarios of a data set's scenarios/ folder, read once.
type Builtins struct {
	stems []string // file stems, sorted
	all   []*scenario.Scenario
}

// LoadBuiltins reads every scenario of fsys's scenarios/ folder.
func LoadBuiltins(fsys fs.FS) (*Builtins, error) {
	files, err := fs.Glob(fsys, "scenarios/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	b := &Builtins{}
	var errs []error
	for _, f := range files {
		sc, err := scenario.Load(fsys, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b.stems = append(b.stems, strings.TrimSuffix(path.Base(f), path.Ext(f)))
		b.all = append(b.all, sc)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return b, nil
}

// All returns every scenario, sorted by file name.
func (b *Builtins) All() []*scenario.Scenario { return slices.Clone(b.all) }

// Ordered returns every scenario with the headline scenario first (a name Lookup accepts; ""
// means none) and the others by file name.
func (b *Builtins) Ordered(headline string) ([]*scenario.Scenario, error) {
	if headline == "" {
		return b.All(), nil
	}
	h, err := b.Lookup(headline)
	if err != nil {
		return nil, fmt.Errorf("the study's headline_scenario: %w", err)
	}
	out := []*scenario.Scenario{h}
	for _, sc := range b.all {
		if sc != h {
			out = append(out, sc)
		}
	}
	return out, nil
}

// Headline returns the headline scenario: the one the study names (a name Lookup accepts), or
// the first by file name when it names none. It returns an error when there is no scenario.
func (b *Builtins) Headline(headline string) (*scenario.Scenario, error) {
	scs, err := b.Ordered(headline)
	if err != nil {
		return nil, err
	}
	if len(scs) == 0 {
		return nil, errors.New("the data set has no scenarios/ folder: give a scenario file")
	}
	return scs[0], nil
}

// Lookup returns the scenario a name matches: a file stem ("x1-status-quo"), its first part
// ("x1") or the scenario's own name, regardless of case.
func (b *Builtins) Lookup(name string) (*scenario.Scenario, error) {
	for i, stem := range b.stems {
		first, _, _ := strings.Cut(stem, "-")
		if strings.EqualFold(name, stem) || strings.EqualFold(name, first) || strings.EqualFold(name, b.all[i].Name) {
			return b.all[i], nil
		}
	}
	known := make([]string, len(b.all))
	for i, sc := range b.all {
		known[i] = sc.Name
	}
	return nil, fmt.Errorf("no scenario %q in the data set (known: %s)", name, strings.Join(known, ", "))
}

// ParsePremium reads a strategic premium given on the command line or in a request: money per
// year, not negative, with or without a space before the unit ("50 MUSD/yr", "50MUSD/yr",
// "0 USD/yr").
func ParsePremium(text string) (quantity.Quantity, error) {
	s := strings.TrimSpace(text)
	i := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == '_' || r == 'e' || r == 'E')
	})
	if i > 0 && s[i] != ' ' {
		s = s[:i] + " " + s[i:]
	}
	q, err := quantity.Parse(s, "")
	switch {
	case err != nil:
		return quantity.Quantity{}, fmt.Errorf("premium %q: %w", text, err)
	case q.Dim != quantity.DimMoneyPerYr:
		return quantity.Quantity{}, fmt.Errorf("premium %q: want money per year, such as \"50 MUSD/yr\"", text)
	case q.Value < 0:
		return quantity.Quantity{}, fmt.Errorf("premium %q: must not be negative", text)
	}
	q.Source = quantity.Provenance{Assumption: "premium given for this run"}
	return q, nil
}

// hashInputs returns the SHA-256 of every file of the data set (path and content, in path order),
// of the scenarios (name, file and text) and of the premium given for the run.
func hashInputs(fsys fs.FS, scs []*scenario.Scenario, premium string) (string, error) {
	h := sha256.New()
	err := EachFile(fsys, func(p string, b []byte) error {
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash inputs: %w", err)
	}
	for _, sc := range scs {
		src := sc.Text()
		fmt.Fprintf(h, "scenario\x00%s\x00%s\x00%d\x00", sc.Name, sc.File(), len(src))
		h.Write(src) // a scenario from outside the data set counts by its content too
	}
	if premium != "" {
		fmt.Fprintf(h, "premium\x00%s\x00", premium)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// EachFile calls fn with every file of fsys and its content, in path order: the files the input
// hash covers.
func EachFile(fsys fs.FS, fn func(path string, content []byte) error) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return fn(p, b)
	})
}
