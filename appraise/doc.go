// Package appraise values projects for each country: with/without-project cash flows, discounting
// and the decision measures (NPV, IRR, BCR, discounted payback), switching values and break-even
// premiums, and the split of a project's value among the countries it needs (coalitions and
// Shapley values).
//
// The finance functions (finance.go) and the Shapley value (shapley.go) are pure: they take
// yearly flows or a characteristic function and know nothing of networks. Conventions, stated in
// docs/decisions/0004-appraisal-formulas.md: flows are one per year, year 0 (the base year)
// first; year t is discounted by (1+r)^−t, so year 0 is not discounted (EU Guide to Cost-Benefit
// Analysis of Investment Projects, 2014); money is real USD of the data set's base year; rates
// are fractions per year (0.05 = 5 %).
//
// appraise reads no files and renders nothing: it returns values that report formats.
package appraise
