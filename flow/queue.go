package flow

// queueBand is one band of a congested node's utilisation u = throughput used / Throughput: its
// width (a share of the throughput) and its marginal queueing cost, as a multiple of the node's
// CongestionCost.
type queueBand struct {
	width, marginal float64
}

// queueBands prices a congested node's throughput in bands. The average cost of waiting per
// tonne at utilisation u is CongestionCost × u/(1−u): the mean wait in an M/M/1 queue is the
// service time × u/(1−u) (Kleinrock, Queueing Systems, vol. 1, 1975, §3.2), and CongestionCost
// is its value at u = ½. The total cost of q tonnes is then C(q) = q · CongestionCost · g(u)
// with g(u) = u/(1−u), i.e. CongestionCost · Throughput · u²/(1−u), convex; each band pays the
// slope of C across it, so the LP fills the bands in order and needs no integer variables. The
// wait grows without bound as u → 1, so the last band (95–100 %) pays the slope from 95 % to
// 99 %: about 2,000 times CongestionCost per tonne, in effect the node's capacity.
//
// With marginal (not average) costs the LP finds the system optimum: what a port charging the
// efficient congestion toll would see; the toll, the throughput row's dual times the tonnes less
// the queueing cost, is the node's capacity rent (docs/MODEL.md §3).
var queueBands = func() []queueBand {
	edges := []float64{0, 0.25, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1}
	total := func(u float64) float64 { // C(u·Throughput) / (CongestionCost · Throughput)
		u = min(u, 0.99)
		return u * u / (1 - u)
	}
	out := make([]queueBand, len(edges)-1)
	for i := range out {
		lo, hi := edges[i], edges[i+1]
		top := min(hi, 0.99)
		out[i] = queueBand{width: hi - lo, marginal: (total(top) - total(lo)) / (top - lo)}
	}
	return out
}()
