package scenario

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/corridor-dev/corridor/internal/diag"
	"github.com/corridor-dev/corridor/quantity"
)

func TestDecodeValid(t *testing.T) {
	s := decodeValid(t)
	if s.Name != "test-status-quo" || s.File() != "valid.yaml" || len(s.Rules) != 3 {
		t.Fatalf("Decode(valid.yaml) = name %q, file %q, %d rules; want test-status-quo, valid.yaml, 3", s.Name, s.File(), len(s.Rules))
	}
	ban, capRule, prem := s.Rules[0], s.Rules[1], s.Rules[2]
	for _, tt := range []struct {
		name      string
		got, want any
	}{
		{"ban kind", ban.Kind, Ban},
		{"ban origins", strings.Join(ban.Origins, ","), "PRK"},
		{"ban source", ban.Source.String(), "S09;S21"},
		{"ban enforcement", ban.Enforcement.Value, 0.9},
		{"ban enforcement low", ban.Enforcement.Range.Low, 0.6},
		{"ban evasion cost USD/t", ban.EvasionCost.Value, 20.0},
		{"exemption links", strings.Join(ban.Exemptions[0].Links, ","), "L2"},
		{"exemption nodes", strings.Join(ban.Exemptions[0].Nodes, ","), "rajin"},
		{"cap canonical t/yr", capRule.Cap.Value, 525000.0},
		{"cap source (own)", capRule.Cap.Source.String(), "S15"},
		{"cap origins from a scalar", strings.Join(capRule.Origins, ","), "*"},
		{"premium USD/mcm", prem.Premium.Value, 5.0},
		{"premium dim", prem.Premium.Dim, quantity.DimMoney.Div(quantity.DimGas)},
		{"override path", string(s.Overrides[0].Path), "links/L1/capacity"},
		{"override value t/yr", s.Overrides[0].Value.Value, 3e6},
		{"override range high", s.Overrides[0].Value.Range.High, 4e6},
		{"states", len(s.Regimes.States), 3},
		{"quo rules nil = all", s.Regimes.States[0].Rules == nil, true},
		{"relief rules", strings.Join(s.Regimes.States[1].Rules, ","), "gas-premium"},
		{"relief tagged", s.Regimes.States[1].HasTag(TagRelief), true},
		{"quo not tagged relief", s.Regimes.States[0].HasTag(TagRelief), false},
		{"tags", strings.Join(s.Regimes.States[1].Tags, ","), "relief,partial"},
		{"tight enforcement", s.Regimes.States[2].Enforcement["coal-ban"].Value, 1.0},
		{"transition probability", s.Regimes.Transitions[0].Probability.Value, 0.05},
		{"feedback per t/yr", s.Regimes.Transitions[1].Feedback.Per.Value, 1e6},
		{"feedback add", s.Regimes.Transitions[1].Feedback.Add.Value, 0.02},
		{"feedback source inherited from the probability", s.Regimes.Transitions[1].Feedback.Add.Source.String(), "assumption: test"},
		{"probability source inherited from the transition", s.Regimes.Transitions[2].Probability.Source.String(), "assumption: test"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestDecodePremium(t *testing.T) {
	valid := readTestdata(t, "valid.yaml")
	if s := decodeValid(t); s.Premium.IsSet() {
		t.Errorf("Premium = %v without a premium key, want unset", s.Premium)
	}
	for _, tt := range []struct {
		name, premium string
		value, high   float64
		source        string
	}{
		{"mapping", `{value: "50 MUSD/yr", range: "0..100", source: "assumption: test premium"}`, 50e6, 100e6, "assumption: test premium"},
		{"zero", `{value: "0 USD/yr", source: T}`, 0, 0, "T"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := edit(t, valid, "participants: [RUS, PRK, CHN]\n", "participants: [RUS, PRK, CHN]\npremium: "+tt.premium+"\n")
			s, err := Decode("valid.yaml", strings.NewReader(in))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			q := s.Premium
			if !q.IsSet() || q.Value != tt.value || q.Dim != quantity.DimMoneyPerYr || q.Source.String() != tt.source {
				t.Errorf("Premium = %v (%g, %s, source %q), want %g USD/yr from %q", q, q.Value, q.Dim, q.Source, tt.value, tt.source)
			}
			if tt.high != 0 && (q.Range == nil || q.Range.High != tt.high) {
				t.Errorf("Premium range = %v, want high %g", q.Range, tt.high)
			}
			if err := s.Check(testNetwork(t)); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	valid := readTestdata(t, "valid.yaml")
	for _, tt := range []struct {
		name string
		in   string
		want []string // each must appear in the error text, in order
	}{
		{"unknown key", edit(t, valid, "    kind: ban\n", "    kind: ban\n    colour: red\n"),
			[]string{`valid.yaml:13:5: rules/0/colour: unknown key "colour" (expected one of: id, name, kind,`}},
		{"unknown top-level key", "name: x\nrule: []\n",
			[]string{`f.yaml:2:1: rule: unknown key "rule"`}},
		{"bad unit", edit(t, valid, `"525000 t/yr"`, `"525000 tonnes/yr"`),
			[]string{`valid.yaml:30:18: rules/1/cap: unknown unit "tonnes"`}},
		{"cap not per year", edit(t, valid, `"525000 t/yr"`, `"525000 t"`),
			[]string{`valid.yaml:30:18: rules/1/cap: cap must be a quantity per year such as "62500 t/yr", got 525000 t (mass)`}},
		{"bad kind", edit(t, valid, "kind: ban", "kind: embargo"),
			[]string{`valid.yaml:12:11: rules/0/kind: unknown rule kind "embargo" (expected ban, cap or premium)`}},
		{"missing id", edit(t, valid, "  - id: crude-cap\n    kind: cap\n", "  - kind: cap\n"),
			[]string{`valid.yaml:25:5: rules/1/id: missing id`}},
		{"duplicate id", edit(t, valid, "id: crude-cap", "id: coal-ban"),
			[]string{`valid.yaml:25:9: rules/1/id: duplicate rule id "coal-ban"`}},
		{"malformed YAML", edit(t, valid, "    commodities: [coal]\n", "    commodities: [coal\n"),
			[]string{`valid.yaml:14:5: malformed YAML:`}},
		{"bad indentation", "name: x\nrules:\n  - id: a\n   kind: [\n",
			[]string{`f.yaml:4:4: malformed YAML:`}},
		{"empty file", "", []string{`f.yaml: empty file`}},
		{"nested too deep", "name: x\nrules:\n  - " + strings.Repeat("[", 1<<16) + strings.Repeat("]", 1<<16) + "\n",
			[]string{`f.yaml:3: YAML nested more than 64 levels deep (a scenario nests fewer than ten)`}},
		{"too many tokens", "name: x\nrules: [" + strings.Repeat("{},", MaxTokens/3) + "{}]\n",
			[]string{`f.yaml:2: YAML of more than 50000 tokens (keys, values, brackets, commas, list entries and comments); the built-in scenarios hold fewer than 2,000`}},
		{"not a mapping", "- a\n- b\n", []string{`f.yaml:1:1: expected a mapping of keys (name,`}},
		{"two documents", "name: x\n---\nname: y\n", []string{`f.yaml:3:1: more than one YAML document`}},
		{"alias", "name: &a x\ntitle: *a\n", []string{`f.yaml:2:8: title: YAML aliases (*name) are not supported`}},
		{"duplicate key", "name: x\nname: y\n", []string{`f.yaml:2:1: malformed YAML: mapping key "name" already defined`}},
		{"enforcement above 1", edit(t, valid, "{value: 0.9, range: \"0.6..1\"", "{value: 0.9, range: \"0.6..1.2\""),
			[]string{`valid.yaml:16:26: rules/0/enforcement: enforcement must lie within 0..1, got 0.9 (range "0.6..0.9..1.2")`}},
		{"bad range", edit(t, valid, `range: "10..40"`, `range: "30..40"`),
			[]string{`valid.yaml:17:46: rules/0/evasion_cost/range: value 20 USD/t lies outside its range "30..40"`}},
		{"evasion cost needed below full enforcement", edit(t, valid, `    evasion_cost: {value: "20 USD/t", range: "10..40", source: "assumption: test"}`+"\n", ""),
			[]string{`valid.yaml:16:26: rules/0/enforcement: enforcement below 1 lets flow evade the rule: give evasion_cost`}},
		{"premium on a ban", edit(t, valid, "    evasion_cost:", "    premium: 5 USD/t\n    evasion_cost:"),
			[]string{`valid.yaml:17:14: rules/0/premium: premium applies only to rules of kind premium (this one is "ban")`}},
		{"cap missing", edit(t, valid, `    cap: {value: "525000 t/yr", range: "500000..550000", source: S15}`+"\n", ""),
			[]string{`valid.yaml:25:5: rules/1/cap: a cap rule needs cap`}},
		{"missing source", edit(t, valid, "    source: S15\n  - id: gas", "  - id: gas"),
			[]string{`valid.yaml:25:5: rules/1/source: missing source`}},
		{"override without source", edit(t, valid, `    source: "assumption: test override"`+"\n", ""),
			[]string{`valid.yaml:44:12: overrides/0/value: value needs a source`}},
		{"state enforcement without source", edit(t, valid, `coal-ban: {value: 1, source: "assumption: test"}`, "coal-ban: 1"),
			[]string{`valid.yaml:59:9: regimes/states/2/enforcement/coal-ban: coal-ban needs a source`}},
		{"bad provenance", edit(t, valid, "source: S09;S21", `source: "S09 S21"`),
			[]string{`valid.yaml:24:13: rules/0/source: source id "S09 S21" contains a space`}},
		{"exemption without place", edit(t, valid, "        links: [L2]\n        nodes: [rajin]\n", ""),
			[]string{`valid.yaml:19:9: rules/0/exemptions/0: an exemption needs links or nodes`}},
		{"wildcard in a project list", edit(t, valid, "projects: [P2]", `projects: ["*"]`),
			[]string{`valid.yaml:7:12: projects/0: "*" is not allowed here`}},
		{"unknown regime rule", edit(t, valid, "rules: [gas-premium]", "rules: [gas-prem]"),
			[]string{`valid.yaml:55:15: regimes/states/1/rules/0: unknown rule "gas-prem": the scenario's rules are coal-ban, crude-cap, gas-premium`}},
		{"unknown transition state", edit(t, valid, "to: relief", "to: relaxed"),
			[]string{`valid.yaml:62:11: regimes/transitions/0/to: unknown regime state "relaxed"`}},
		{"probability above 1", edit(t, valid, "probability: 0.2", "probability: 1.2"),
			[]string{`valid.yaml:70:20: regimes/transitions/2/probability: probability must lie within 0..1`}},
		{"probabilities sum above 1", edit(t, valid, `{value: "10 %", source`, `{value: "96 %", source`),
			[]string{`valid.yaml:66:28: regimes/transitions/1/probability: the yearly probabilities of leaving "quo" add up to 1.01, more than 1`}},
		{"unknown initial", edit(t, valid, "initial: quo", "initial: calm"),
			[]string{`valid.yaml:48:12: regimes/initial: unknown regime state "calm"`}},
		{"timeline and transitions", valid + "  timeline:\n    - {year: 2025, state: quo}\n",
			[]string{`regimes/timeline: give transitions (a sampled path) or a timeline (a fixed path), not both`}},
		{"timeline year without source", valid + "  timeline:\n    - {year: 2025, state: quo}\n",
			[]string{`regimes/timeline/0/source: the year 2025 needs a source`}},
		{"premium not per year", edit(t, valid, "participants: [RUS, PRK, CHN]\n", "participants: [RUS, PRK, CHN]\npremium: {value: \"50 MUSD\", source: T}\n"),
			[]string{`valid.yaml:9:18: premium: premium must be money per year such as "50 MUSD/yr", got 50 MUSD (money)`}},
		{"premium negative", edit(t, valid, "participants: [RUS, PRK, CHN]\n", "participants: [RUS, PRK, CHN]\npremium: {value: \"10 MUSD/yr\", range: \"-5..20\", source: T}\n"),
			[]string{`valid.yaml:9:18: premium: premium must not be negative, got 10 MUSD/yr`}},
		{"premium without source", edit(t, valid, "participants: [RUS, PRK, CHN]\n", "participants: [RUS, PRK, CHN]\npremium: 50 MUSD/yr\n"),
			[]string{`valid.yaml:9:10: premium: premium needs a source`}},
		{"premium bad unit", edit(t, valid, "participants: [RUS, PRK, CHN]\n", "participants: [RUS, PRK, CHN]\npremium: {value: \"50 MRUB/yr\", source: T}\n"),
			[]string{`valid.yaml:9:18: premium: unknown unit "MRUB"`}},
		{"premium a list", edit(t, valid, "participants: [RUS, PRK, CHN]\n", "participants: [RUS, PRK, CHN]\npremium: [50]\n"),
			[]string{`valid.yaml:9:10: premium: expected a single value, found a list`}},
		{"premium unknown key", edit(t, valid, "participants: [RUS, PRK, CHN]\n", "participants: [RUS, PRK, CHN]\npremium: {value: \"5 MUSD/yr\", sauce: T}\n"),
			[]string{`valid.yaml:9:31: premium/sauce: unknown key "sauce" (expected one of: value, range, source)`}},
		{"several errors at once", edit(t, valid, "kind: ban", "kind: embargo") + "extra: 1\n",
			[]string{`valid.yaml:72:1: extra: unknown key "extra"`, `valid.yaml:12:11: rules/0/kind: unknown rule kind`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := "f.yaml"
			if strings.Contains(tt.in, "test-status-quo") {
				file = "valid.yaml"
			}
			_, err := Decode(file, strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Decode(%s) = nil error, want %q", tt.name, tt.want)
			}
			got := err.Error()
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("Decode(%s) error:\n%s\nwant it to contain (in order):\n%s", tt.name, got, w)
				}
				rest = rest[i+len(w):]
			}
			for _, e := range leaves(err) {
				if !strings.HasPrefix(e.Error(), file) {
					t.Errorf("error %q does not start with the file name %q", e, file)
				}
				var d *diag.Error
				if !errors.As(e, &d) {
					t.Errorf("error %q is a %T, want *diag.Error", e, e)
				}
			}
		})
	}
}

// leaves flattens an errors.Join tree.
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	return []error{err}
}

func TestDecodeCapsErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: many\n")
	for range 80 {
		b.WriteString("x: 1\n")
	}
	_, err := Decode("many.yaml", strings.NewReader(b.String()))
	if err == nil {
		t.Fatal("Decode(80 unknown keys) = nil error")
	}
	// The parser rejects the duplicate key first; use distinct keys to reach the cap.
	b.Reset()
	b.WriteString("name: many\n")
	for i := range 80 {
		b.WriteString("x" + strings.Repeat("y", i) + ": 1\n")
	}
	_, err = Decode("many.yaml", strings.NewReader(b.String()))
	if got := len(leaves(err)); got != diag.Max+1 {
		t.Errorf("Decode(80 unknown keys) gave %d errors, want %d (the cap plus a note)", got, diag.Max+1)
	}
	if !strings.Contains(err.Error(), "too many errors (30 more not shown)") {
		t.Errorf("Decode(80 unknown keys) error lacks the cap note: %v", err)
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{"scenarios/a.yaml": {Data: []byte(readTestdata(t, "valid.yaml"))}}
	s, err := Load(fsys, "scenarios/a.yaml")
	if err != nil || s.File() != "scenarios/a.yaml" {
		t.Fatalf("Load(scenarios/a.yaml) = %v, %v; want file scenarios/a.yaml and no error", s, err)
	}
	_, err = Load(fsys, "scenarios/missing.yaml")
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "scenarios/missing.yaml: ") {
		t.Errorf("Load(missing) error = %v, want fs.ErrNotExist prefixed by the file name", err)
	}
}

func TestSet(t *testing.T) {
	for _, tt := range []struct {
		set  Set
		x    string
		want bool
	}{
		{nil, "PRK", true},
		{Set{"*"}, "PRK", true},
		{Set{"RUS", "*"}, "PRK", true},
		{Set{"RUS"}, "PRK", false},
		{Set{"RUS", "PRK"}, "PRK", true},
	} {
		if got := tt.set.Match(tt.x); got != tt.want {
			t.Errorf("Set%v.Match(%q) = %v, want %v", []string(tt.set), tt.x, got, tt.want)
		}
	}
}

func TestRuleMatches(t *testing.T) {
	s := decodeValid(t)
	ban, prem := s.Rule("coal-ban"), s.Rule("gas-premium")
	for _, tt := range []struct {
		name                 string
		r                    *Rule
		k, o, tail, head     string
		touches              []string
		want                 bool
		exemptLink, from, to string
		wantExempt           bool
	}{
		{"DPRK coal leaves the DPRK", ban, "coal", "PRK", "PRK", "CHN", []string{"PRK", "CHN"}, true, "L9", "a", "b", false},
		{"domestic arc never matches", ban, "coal", "PRK", "PRK", "PRK", []string{"PRK"}, false, "L9", "a", "b", false},
		{"Russian coal is not DPRK origin", ban, "coal", "RUS", "PRK", "CHN", []string{"PRK", "CHN"}, false, "L9", "a", "b", false},
		{"Russian coal on the Rajin line is exempt", ban, "coal", "RUS", "RUS", "PRK", []string{"RUS", "PRK"}, false, "L2", "tumangang", "rajin", true},
		{"exemption through the Rajin node", ban, "coal", "RUS", "PRK", "CHN", nil, false, "L8", "rajin", "shanghai", true},
		{"exemption is for Russian origin only", ban, "coal", "PRK", "PRK", "CHN", nil, true, "L2", "tumangang", "rajin", false},
		{"transit condition met", prem, "gas", "RUS", "PRK", "KOR", []string{"PRK", "KOR"}, true, "", "", "", false},
		{"transit condition not met", prem, "gas", "RUS", "RUS", "CHN", []string{"RUS", "CHN"}, false, "", "", "", false},
	} {
		if got := tt.r.Matches(tt.k, tt.o, tt.tail, tt.head, tt.touches); got != tt.want {
			t.Errorf("%s: %s.Matches(%s, %s, %s→%s) = %v, want %v", tt.name, tt.r.ID, tt.k, tt.o, tt.tail, tt.head, got, tt.want)
		}
		if got := tt.r.Exempt(tt.k, tt.o, tt.exemptLink, tt.from, tt.to); got != tt.wantExempt {
			t.Errorf("%s: %s.Exempt(%s, %s, %s) = %v, want %v", tt.name, tt.r.ID, tt.k, tt.o, tt.exemptLink, got, tt.wantExempt)
		}
	}
}
