package scenario_test

import (
	"fmt"
	"strings"

	"github.com/corridor-dev/corridor/scenario"
)

// A cap rule on crude deliveries to the DPRK, written in the commodity's unit, with an evasion
// cost, and a regime that can tighten.
func ExampleDecode() {
	src := `
name: example
rules:
  - id: un-crude-cap
    kind: cap
    commodities: [crude]
    origins: ["*"]
    destinations: [PRK]
    cap: {value: "525000 t/yr", source: S16}
    enforcement: {value: 0.8, range: "0.5..1", source: "assumption: example"}
    evasion_cost: {value: "30 USD/t", source: "assumption: example"}
    source: S16
regimes:
  initial: quo
  states: [{id: quo}, {id: tight, enforcement: {un-crude-cap: {value: 1, source: "assumption: example"}}}]
  transitions:
    - {from: quo, to: tight, probability: "10 %", source: "assumption: example"}
`
	s, err := scenario.Decode("example.yaml", strings.NewReader(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	r := s.Rules[0]
	fmt.Printf("%s: %s of %s t/yr, enforcement %g (range %s)\n", r.ID, r.Kind, fmt.Sprint(r.Cap.Value), r.Enforcement.Value, r.Enforcement.RangeString())
	fmt.Println("next year with u = 0.05:", s.Regimes.Next("quo", 0.05, nil))
	fmt.Println("next year with u = 0.50:", s.Regimes.Next("quo", 0.50, nil))

	_, err = scenario.Decode("bad.yaml", strings.NewReader("name: bad\nrules:\n  - id: r\n    kind: embargo\n"))
	fmt.Println(strings.Split(err.Error(), "\n")[0])
	// Output:
	// un-crude-cap: cap of 525000 t/yr, enforcement 0.8 (range 0.5..0.8..1)
	// next year with u = 0.05: tight
	// next year with u = 0.50: quo
	// bad.yaml:4:11: rules/0/kind: unknown rule kind "embargo" (expected ban, cap or premium)
}
