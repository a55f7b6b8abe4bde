// Package simplex is a pure-Go bounded primal and dual simplex method for lp.Model, made for the
// Monte Carlo's many re-solves of one model after small changes of costs and bounds: it keeps the
// basis and its sparse LU factorisation between solves, so that a warm re-solve costs a few
// pivots. It does not presolve and has no crash basis; a cold solve starts from the slack basis.
// An Engine can hand cold solves, MIPs and any solve it cannot finish to a fallback engine
// (lp/highs in corridor), so that callers always get an answer checked by one of them.
//
// Method: the computational form min cᵀx, [A −I]·(x, r) = 0, l ≤ (x, r) ≤ u, scaled by powers of
// two (geometric mean). From any basis, boxed variables are flipped and other dual
// infeasibilities are removed by shifting costs; the dual simplex (dual steepest-edge pricing,
// bound-flipping ratio test with Harris's choice) reaches a primal feasible basis; the shifts are
// removed and the primal simplex (Devex pricing, Harris ratio test, bound flips) restores dual
// feasibility — the scheme of HiGHS's dual solver (Huangfu and Hall 2018). The basis is
// factorised left-looking (Gilbert and Peierls 1988) with partial pivoting, updated in product
// form and refactorised every 64 updates; FTRAN and BTRAN of sparse vectors visit only what they
// reach. The result is checked for primal and dual feasibility before it is returned.
package simplex
