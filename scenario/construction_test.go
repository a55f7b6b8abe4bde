package scenario_test

import (
	"math"
	"strings"
	"testing"

	"github.com/corridor-dev/corridor/internal/testnet"
	"github.com/corridor-dev/corridor/model"
	"github.com/corridor-dev/corridor/scenario"
)

const constructionYAML = `name: build
rules:
  - id: coal-ban
    kind: ban
    commodities: [coal]
    origins: ["*"]
    destinations: ["*"]
    enforcement: {value: 1, source: "assumption: test"}
    source: S09
construction:
  - id: supplies
    name: ban on supplies for works in B
    kind: ban
    hosts: [B]
    builders: ["*"]
    classes: [power]
    enforcement: {value: 0.5, range: "0.2..0.8", source: "assumption: test"}
    evasion_cost: {value: "20 %", range: "10..40", source: "assumption: test"}
    exemptions:
      - projects: [Q]
        note: exempted by the committee
    source: S18
  - id: finance
    kind: premium
    hosts: ["*"]
    builders: [A]
    classes: ["*"]
    premium: {value: "10 %", source: "assumption: test"}
    enforcement: {value: 1, source: "assumption: test"}
    source: S33
regimes:
  initial: open
  states:
    - id: open
      rules: [coal-ban]
    - id: strict
      enforcement:
        supplies: {value: 1, source: "assumption: test"}
    - id: loose
      enforcement:
        supplies: {value: 0.25, range: "0..0.5", source: "assumption: test"}
`

// buildNet is two countries A and B with a proposed pipeline P across them (of class "power", as the rules ask), financed by A, and a
// second line Q like it.
func buildNet(t *testing.T) *model.Network {
	t.Helper()
	b := testnet.New().Country("A", "B").Node("a", "A").Node("b", "B").Commodity("gas", "mcm", "gas").
		Link("l", "a", "b", "gas", 10, 1, testnet.Status(model.StatusProposed, "P")).
		Link("m", "a", "b", "gas", 10, 1, testnet.Status(model.StatusProposed, "Q")).
		Project("P", "l").Project("Q", "m")
	n := b.Network().Clone()
	for i := range n.Projects {
		n.Projects[i].Class = "power"
		n.Projects[i].Financing = map[string]float64{"A": 1}
	}
	return model.Build(*n)
}

// TestConstructionMarkup: in state "open" only the flow rule is in force (no markup); with all
// rules in force the ban adds 0.2 · 0.5/0.5 = 20 % and the premium 10 % · 1; a state's own
// enforcement takes precedence over the rule's, and a drawn value over the one written, by
// EnforcementKey; at enforcement 1 the ban blocks; an exempt project pays only the premium.
func TestConstructionMarkup(t *testing.T) {
	sc, err := scenario.Decode("build.yaml", strings.NewReader(constructionYAML))
	if err != nil {
		t.Fatal(err)
	}
	n := buildNet(t)
	p, q := n.Project("P"), n.Project("Q")
	for _, c := range []struct {
		name    string
		project *model.Project
		state   string
		drawn   map[string]float64
		want    float64
		rules   string
	}{
		{"flow rules only", p, "open", nil, 0, ""},
		{"no state: all rules", p, "", nil, 0.3, "supplies,finance"},
		{"drawn rule enforcement", p, "", map[string]float64{"supplies": 0.75}, 0.2*3 + 0.1, "supplies,finance"},
		{"state enforcement blocks", p, "strict", map[string]float64{"supplies": 0.5}, math.Inf(1), "supplies,finance"},
		{"state enforcement", p, "loose", nil, 0.2*0.25/0.75 + 0.1, "supplies,finance"},
		{"drawn state enforcement", p, "loose", map[string]float64{scenario.EnforcementKey("loose", "supplies"): 0.5, "supplies": 0.75}, 0.3, "supplies,finance"},
		{"exempt", q, "", nil, 0.1, "finance"},
	} {
		got, rules := sc.ConstructionMarkup(n, c.project, c.state, c.drawn)
		if math.Abs(got-c.want) > 1e-12 && !(math.IsInf(got, 1) && math.IsInf(c.want, 1)) {
			t.Errorf("%s: markup %g, want %g", c.name, got, c.want)
		}
		if strings.Join(rules, ",") != c.rules {
			t.Errorf("%s: rules %v, want %s", c.name, rules, c.rules)
		}
	}
}

// TestConstructionRuleErrors: each mistake is named with its position.
func TestConstructionRuleErrors(t *testing.T) {
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"cap kind", "    kind: premium\n", "    kind: cap\n", `build.yaml:24:11: construction/1/kind: construction rule kind must be ban or premium, got "cap"`},
		{"money evasion cost", `evasion_cost: {value: "20 %"`, `evasion_cost: {value: "20 USD/t"`, `construction/0/evasion_cost: evasion_cost must be a share of capex`},
		{"no evasion cost", `    evasion_cost: {value: "20 %", range: "10..40", source: "assumption: test"}` + "\n", "", `construction/0/enforcement: enforcement below 1 lets works evade the ban`},
		{"duplicate id", "  - id: finance", "  - id: coal-ban", `construction/1/id: duplicate rule id "coal-ban" (flow and construction rules share one set of ids)`},
		{"feedback on a construction rule", "      rules: [coal-ban]\n", "      rules: [coal-ban]\n  transitions:\n    - from: open\n      to: strict\n      probability: {value: 0.1, source: \"assumption: test\"}\n      feedback: {rule: supplies, per: 1 t/yr, add: {value: 0.01, source: \"assumption: test\"}}\n", `unknown flow rule "supplies"`},
		{"no hosts", "    hosts: [B]\n", "", `construction/0/hosts: missing hosts`},
	} {
		in := strings.Replace(constructionYAML, c.old, c.new, 1)
		if in == constructionYAML {
			t.Fatalf("%s: edit did not apply", c.name)
		}
		_, err := scenario.Decode("build.yaml", strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	// Against a network: unknown countries and projects.
	sc, err := scenario.Decode("build.yaml", strings.NewReader(strings.Replace(constructionYAML, "projects: [Q]", "projects: [Z]", 1)))
	if err != nil {
		t.Fatal(err)
	}
	err = sc.Check(buildNet(t))
	if err == nil || !strings.Contains(err.Error(), `construction/0/exemptions/0/projects/0: unknown project "Z"`) {
		t.Errorf("check: %v, want the unknown project named", err)
	}
}
