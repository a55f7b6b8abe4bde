package risk

import (
	"fmt"
	"math"

	"github.com/corridor-dev/corridor/quantity"
)

// Overrun returns the capex overrun multiplier of a reference class whose published mean
// overrun is mean and standard deviation sd, both fractions of the budget (rail in Flyvbjerg,
// Holm & Buhl 2003: mean 0.447, sd 0.38): actual capex = estimate × X, with X lognormal with
// mean 1 + mean and standard deviation sd. Overruns are fat-tailed, hence a lognormal rather
// than a normal. The classes themselves are data (a data set's study.yaml), not code.
//
// Fit (moments of the lognormal; e.g. Aitchison & Brown 1957): for a multiplier with mean
// m = 1 + mean and standard deviation s, σ² = ln(1 + s²/m²) and μ = ln m − σ²/2, so that
// E[X] = exp(μ + σ²/2) = m and SD[X] = s exactly. The Range holds Low = exp(μ − Z95·σ) and
// High = exp(μ + Z95·σ), the 5th and 95th percentiles (quantity.Lognormal), and Mode = exp(μ),
// the median; Sample then recovers μ and σ. For rail: m = 1.447, s = 0.38, σ = 0.2582,
// μ = 0.3361, giving 5th–95th percentiles 0.915–2.14 and median 1.40. It panics unless
// mean > −1 and sd ≥ 0, both finite (model.Validate checks a data set's classes).
func Overrun(mean, sd float64) quantity.Range {
	return LognormalFromMoments(1+mean, sd)
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
