package risk

import (
	"fmt"
	"math"
	"slices"

	"github.com/corridor-dev/corridor/quantity"
)

// overrunClass is a published reference class: the mean and standard deviation of the capex
// overrun, as fractions of the budget (0.447 = +44.7 %).
type overrunClass struct {
	mean, sd float64
	source   quantity.Provenance
}

// overrunClasses returns the reference classes of REFERENCE_FACTS §6.5. It is a function, not a
// package variable, so that no caller can change the table.
func overrunClasses() map[string]overrunClass {
	const allSD = 0.39 // C23: all 258 transport projects, SD 39 percentage points
	return map[string]overrunClass{
		// C23, Flyvbjerg, Holm & Buhl (2003): rail mean +44.7 %, SD 38.
		"rail": {0.447, 0.38, quantity.Provenance{Sources: []string{"C23"}}},
		// C23: roads mean +20.4 %, SD 30.
		"road": {0.204, 0.30, quantity.Provenance{Sources: []string{"C23"}}},
		// C23: fixed links (bridges and tunnels) mean +33.8 %, SD 62.
		"bridge": {0.338, 0.62, quantity.Provenance{Sources: []string{"C23"}}},
		// C24, Flyvbjerg & Gardner (2024) as reported: oil & gas +34 %; no SD published.
		"pipeline": {0.34, allSD, quantity.Provenance{Assumption: "lognormal fit of the published mean and SD: " +
			"mean overrun +34% for oil & gas (C24); SD 39 points assumed from all transport projects (C23), as C24 gives none"}},
		// C24: power transmission +8 %; no SD published.
		"power": {0.08, allSD, quantity.Provenance{Assumption: "lognormal fit of the published mean and SD: " +
			"mean overrun +8% for power transmission (C24); SD 39 points assumed from all transport projects (C23), as C24 gives none"}},
		// No port class in §6.5: all 258 transport projects of C23, about +28 %, SD 39.
		"port": {0.28, allSD, quantity.Provenance{Assumption: "lognormal fit of the published mean and SD: " +
			"no port reference class in REFERENCE_FACTS §6.5, so all transport projects of C23 (mean +28%, SD 39) are used"}},
	}
}

// OverrunClasses returns the project classes Overrun knows, sorted.
func OverrunClasses() []string {
	m := overrunClasses()
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// Overrun returns the reference-class capex overrun multiplier of a project class (rail, road,
// bridge, pipeline, power or port; see OverrunClasses): actual capex = estimate × X, with X
// lognormal, and its provenance. ok is false for an unknown class.
//
// Reference classes (REFERENCE_FACTS §6.5): rail, road and bridge (fixed links) take the mean
// and SD of Flyvbjerg, Holm & Buhl (2003) (C23); pipeline (oil & gas, +34 %) and power
// (transmission, +8 %) take the mean of Flyvbjerg & Gardner (2024) (C24), which publishes no SD,
// with C23's all-project SD of 39 points; port, which has no class of its own, takes C23's
// all-project mean (+28 %) and SD. Overruns are fat-tailed (C30), hence a lognormal rather than a
// normal. Provenance is the fact id where mean and SD are both published, and a labelled
// assumption naming the facts otherwise.
//
// Fit (moments of the lognormal; e.g. Aitchison & Brown 1957): for a multiplier with mean
// m = 1 + mean overrun and standard deviation s, σ² = ln(1 + s²/m²) and μ = ln m − σ²/2, so that
// E[X] = exp(μ + σ²/2) = m and SD[X] = s exactly. The Range holds Low = exp(μ − Z95·σ) and
// High = exp(μ + Z95·σ), the 5th and 95th percentiles (quantity.Lognormal), and Mode = exp(μ),
// the median; Sample then recovers μ and σ. For rail: m = 1.447, s = 0.38, σ = 0.2582,
// μ = 0.3361, giving 5th–95th percentiles 0.915–2.14 and median 1.40.
func Overrun(class string) (quantity.Range, quantity.Provenance, bool) {
	c, ok := overrunClasses()[class]
	if !ok {
		return quantity.Range{}, quantity.Provenance{}, false
	}
	return LognormalFromMoments(1+c.mean, c.sd), c.source, true
}

// LognormalFromMoments returns the lognormal Range with mean m and standard deviation s:
// σ² = ln(1 + s²/m²), μ = ln m − σ²/2, Low/High = exp(μ ∓ Z95·σ) (5th/95th percentiles) and
// Mode = exp(μ) (the median). It panics unless m > 0 and s ≥ 0, both finite.
func LognormalFromMoments(m, s float64) quantity.Range {
	if !(m > 0 && s >= 0) || math.IsInf(m, 0) || math.IsInf(s, 0) {
		panic(fmt.Sprintf("risk: lognormal moments need mean > 0 and sd ≥ 0, got %v, %v", m, s))
	}
	v := math.Log1p(s * s / (m * m))
	sigma := math.Sqrt(v)
	mu := math.Log(m) - v/2
	return quantity.Range{
		Low:  math.Exp(mu - Z95*sigma),
		Mode: math.Exp(mu),
		High: math.Exp(mu + Z95*sigma),
		Dist: quantity.Lognormal,
	}
}
