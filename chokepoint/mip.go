package chokepoint

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"slices"
	"sync"

	"github.com/corridor-dev/corridor/flow"
	"github.com/corridor-dev/corridor/lp"
	"github.com/corridor-dev/corridor/lp/interdict"
)

// mipGap is the relative MIP gap the interdiction MIPs are solved to: their objective is offset
// by the base surplus, so the gap is relative to the loss, and 1e-9 of it is below the noise the
// ranking rounds to (a part in 10^9 of the base surplus).
const mipGap = 1e-9

// mipLevels ranks the sets of each k = 1..K by interdiction MIPs (package lp/interdict): the
// worst k-set is the MIP's optimum; excluding it (Σ_{e∈S} x_e ≤ k − 1), the next MIP's is the
// next worst, and so on for top sets. Each level's entries, their scores the MIP's losses, go to
// done in the order found (non-increasing loss). Sets tied in loss are found in the MIP's
// order, so which of many tied sets fill the last places may differ from the enumeration's
// (which takes them in candidate order); the losses at every rank are the same.
func mipLevels(ctx context.Context, log *slog.Logger, in Input, cands []Candidate, K, top int, baseObjective, noise float64,
	done func(lv *Level, order []*entry, k int) error) error {
	p, err := flow.Build(in.State, flow.Options{Rules: in.Rules, Lean: true, Logger: in.Logger})
	if err != nil {
		return err
	}
	defer p.Close()
	groups := make([][]string, len(cands))
	for i, c := range cands {
		groups[i] = c.Links
	}
	cl, err := p.Closure(groups)
	if err != nil {
		return fmt.Errorf("chokepoint: the MIP: %w (enumerate instead)", err)
	}
	// the levels are independent: up to Workers of them are solved at once, each on its own
	// engine; a MIP's answer does not depend on which engine solves it
	type result struct {
		lv    *Level
		found []*entry
		err   error
	}
	results := make([]result, K+1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int, K)
	for k := K; k >= 1; k-- { // the largest first: they take longest
		next <- k
	}
	close(next)
	var wg sync.WaitGroup
	for range max(1, min(in.Workers, K)) {
		wg.Go(func() {
			eng, err := in.NewMIPEngine()
			if err != nil {
				for k := range next {
					results[k].err = err
				}
				return
			}
			defer eng.Close()
			for k := range next {
				lv, found, err := mipLevel(ctx, log, eng, cl, cands, k, top, baseObjective, noise)
				results[k] = result{lv, found, err}
				if err != nil {
					cancel()
				}
			}
		})
	}
	wg.Wait()
	var errs []error
	for k := 1; k <= K; k++ {
		if err := results[k].err; err != nil && (!errors.Is(err, context.Canceled) || ctx.Err() == nil) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for k := 1; k <= K; k++ {
		lv, found := results[k].lv, results[k].found
		if err := done(lv, found, k); err != nil {
			return err
		}
	}
	return nil
}

// mipLevel finds the top worst k-sets by MIPs on eng.
func mipLevel(ctx context.Context, log *slog.Logger, eng lp.Engine, cl *flow.Closure, cands []Candidate, k, top int,
	baseObjective, noise float64) (*Level, []*entry, error) {
	lv := &Level{K: k, Sets: int(new(big.Int).Binomial(int64(len(cands)), int64(k)).Int64())}
	var found []*entry
	var exclude [][]int
	for range top {
		m, err := interdict.Build(cl.Model, interdict.Spec{Groups: cl.Columns, Penalty: cl.Penalty, K: k, Exclude: exclude})
		if err != nil {
			return nil, nil, fmt.Errorf("chokepoint: %w", err)
		}
		// offset by the base surplus: the objective is −loss, and the gap relative to it
		m.Offset -= baseObjective
		sol, err := eng.Solve(ctx, m, lp.Options{MIPRelGap: mipGap})
		if err != nil {
			return nil, nil, fmt.Errorf("chokepoint: the MIP for k = %d: %w", k, err)
		}
		lv.Solved++
		if sol.Status == lp.StatusInfeasible {
			break // every k-set found
		}
		if err := sol.Err(); err != nil {
			return nil, nil, fmt.Errorf("chokepoint: the MIP for k = %d: %w", k, err)
		}
		closed := interdict.Closed(sol, len(cands))
		if len(closed) != k || slices.ContainsFunc(exclude, func(s []int) bool { return slices.Equal(s, closed) }) {
			return nil, nil, fmt.Errorf("chokepoint: the MIP for k = %d closed %v", k, closed)
		}
		e := &entry{score: -sol.Objective, mip: true}
		if math.Abs(e.score) <= noise {
			e.score = 0
		}
		for i, g := range closed {
			e.idx[i] = uint16(g)
		}
		log.Debug("chokepoint MIP", "k", k, "closed", names(cands, e.idx[:k]), "loss", e.score, "gap", sol.MIPGap, "iterations", sol.Iterations, "elapsed", sol.Elapsed)
		found = append(found, e)
		exclude = append(exclude, closed)
	}
	return lv, found, nil
}
