package appraise

import (
	"fmt"
	"math/bits"
)

// MaxShapleyPlayers is the largest number of players Shapley accepts: it evaluates v on all 2^n
// coalitions, and 2^16 = 65,536 evaluations (each possibly a set of LP solves) is already a lot.
const MaxShapleyPlayers = 16

// Shapley returns the Shapley value (Shapley 1953, "A value for n-person games", Contributions to
// the Theory of Games II) of each player of the cooperative game v, in the order of players.
// A coalition is a bitmask over players: bit i set means players[i] is a member, so v(0) is the
// empty coalition and v(1<<n − 1) the grand coalition. Exactly,
//
//	φ_i = Σ_{S ⊆ N∖{i}} |S|!·(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)),
//
// enumerating all 2^n coalitions (docs/MODEL.md, section 4). v is called exactly once
// per coalition, in increasing mask order, and its values are kept (2^n float64). The values are
// efficient (Σ φ_i = v(N) − v(∅)), symmetric, give 0 to null players and are additive in v. For a
// cost game pass the costs: φ is then each player's share of the cost.
// Only len(players) is used; the names document the bit order. It panics if there are more than
// MaxShapleyPlayers players. Cost: 2^n calls to v and O(n·2^n) arithmetic.
func Shapley(players []string, v func(coalition uint64) float64) []float64 {
	n := len(players)
	if n > MaxShapleyPlayers {
		panic(fmt.Sprintf("appraise: Shapley with %d players (at most %d)", n, MaxShapleyPlayers))
	}
	phi := make([]float64, n)
	if n == 0 {
		return phi
	}
	size := uint64(1) << n
	val := make([]float64, size)
	for s := range size {
		val[s] = v(s)
	}
	// weight[k] = k!(n−k−1)!/n!, computed as a product of ratios to stay exact-ish and in range.
	weight := make([]float64, n)
	for k := range n {
		w := 1 / float64(n)
		// k!(n−1−k)!/(n−1)! = 1/C(n−1, k)
		c := 1.0
		for j := range k {
			c = c * float64(n-1-j) / float64(j+1)
		}
		weight[k] = w / c
	}
	for i := range n {
		bit := uint64(1) << i
		var sum float64
		for s := range size {
			if s&bit != 0 {
				continue
			}
			sum += weight[bits.OnesCount64(s)] * (val[s|bit] - val[s])
		}
		phi[i] = sum
	}
	return phi
}

// Members returns the players in coalition (a bitmask over players, as in Shapley), in order.
// It panics if coalition has a bit at or above len(players).
func Members(players []string, coalition uint64) []string {
	if len(players) < 64 && coalition>>len(players) != 0 {
		panic(fmt.Sprintf("appraise: coalition %#x has members beyond the %d players", coalition, len(players)))
	}
	var out []string
	for i, p := range players {
		if coalition&(1<<i) != 0 {
			out = append(out, p)
		}
	}
	return out
}
