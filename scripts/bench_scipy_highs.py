#!/usr/bin/env python3
"""Time scipy's HiGHS (linprog method='highs-ds', native code) on MPS files: the peer figure for
lp/highs's wasm build.

    /usr/bin/python3 scripts/bench_scipy_highs.py [-n REPEATS] [--method highs-ds] FILE.mps...

Prints one line per file: rows, columns, nonzeros, status, objective and the min and median
wall time of `linprog` over the repeats (parsing excluded). Needs Debian's python3-scipy (use
/usr/bin/python3 if pyenv shadows it). The MPS reader is minimal: fixed or free MPS with
NAME, OBJSENSE (MIN/MAX, same or next line), ROWS (N/L/G/E, first N row is the objective),
COLUMNS (integer MARKERs are ignored: the LP relaxation is solved), RHS (including an objective
constant), RANGES and BOUNDS (UP, LO, FX, FR, MI, PL, BV, LI, UI). Names must not contain spaces.
"""
import argparse
import statistics
import sys
import time

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix


def read_mps(path):
    rows, rtype, obj_row = {}, [], None
    cols, cost = {}, []
    ent_r, ent_c, ent_v = [], [], []
    rhs, rng, lo, hi = {}, {}, {}, {}
    sense, offset, section = 1.0, 0.0, None
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("*"):
                continue
            if not line[0].isspace():
                words = line.split()
                section = words[0].upper()
                if section == "OBJSENSE" and len(words) > 1:
                    sense = -1.0 if words[1].upper() in ("MAX", "MAXIMIZE") else 1.0
                continue
            w = line.split()
            if section == "OBJSENSE":
                sense = -1.0 if w[0].upper() in ("MAX", "MAXIMIZE") else 1.0
            elif section == "ROWS":
                t, name = w[0].upper(), w[1]
                if t == "N":
                    if obj_row is None:
                        obj_row = name
                    continue
                rows[name] = len(rtype)
                rtype.append(t)
            elif section == "COLUMNS":
                if len(w) >= 3 and w[1].strip("'").upper() == "MARKER":
                    continue
                c = cols.setdefault(w[0], len(cols))
                if c == len(cost):
                    cost.append(0.0)
                for k in range(1, len(w) - 1, 2):
                    r, v = w[k], float(w[k + 1])
                    if r == obj_row:
                        cost[c] = v
                    elif r in rows:
                        ent_r.append(rows[r]); ent_c.append(c); ent_v.append(v)
            elif section in ("RHS", "RANGES"):
                pairs = w[1:] if len(w) % 2 == 1 else w
                for k in range(0, len(pairs) - 1, 2):
                    r, v = pairs[k], float(pairs[k + 1])
                    if section == "RHS" and r == obj_row:
                        offset = -v
                    elif r in rows:
                        (rhs if section == "RHS" else rng)[rows[r]] = v
            elif section == "BOUNDS":
                t, c = w[0].upper(), cols[w[2]]
                v = float(w[3]) if len(w) > 3 else 0.0
                if t in ("UP", "UI"):
                    hi[c] = v
                    if v < 0 and c not in lo:
                        lo[c] = -np.inf
                elif t in ("LO", "LI"):
                    lo[c] = v
                elif t == "FX":
                    lo[c] = hi[c] = v
                elif t == "FR":
                    lo[c], hi[c] = -np.inf, np.inf
                elif t == "MI":
                    lo[c] = -np.inf
                elif t == "PL":
                    hi[c] = np.inf
                elif t == "BV":
                    lo[c], hi[c] = 0.0, 1.0
    m, n = len(rtype), len(cols)
    A = coo_matrix((ent_v, (ent_r, ent_c)), shape=(m, n)).tocsr()
    rlo, rhi = np.full(m, -np.inf), np.full(m, np.inf)
    for i, t in enumerate(rtype):
        b, r = rhs.get(i, 0.0), rng.get(i)
        if t == "E":
            rlo[i] = rhi[i] = b
            if r is not None:
                (rhi if r > 0 else rlo)[i] = b + r
        elif t == "L":
            rhi[i] = b
            if r is not None:
                rlo[i] = b - abs(r)
        elif t == "G":
            rlo[i] = b
            if r is not None:
                rhi[i] = b + abs(r)
    bounds = [(lo.get(j, 0.0), hi.get(j, np.inf)) for j in range(n)]
    bounds = [(None if l == -np.inf else l, None if h == np.inf else h) for l, h in bounds]
    return sense, np.array(cost), offset, A, rlo, rhi, bounds


def to_linprog(A, rlo, rhi):
    eq = rlo == rhi
    up = ~eq & np.isfinite(rhi)
    dn = ~eq & np.isfinite(rlo)
    from scipy.sparse import vstack
    A_ub = vstack([A[up], -A[dn]]).tocsr()
    b_ub = np.concatenate([rhi[up], -rlo[dn]])
    return A_ub, b_ub, A[eq], rlo[eq]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=5, help="repeats per file (default 5)")
    ap.add_argument("--method", default="highs-ds", help="linprog method (default highs-ds)")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    print("file\trows\tcols\tnnz\tstatus\tobjective\tmin_ms\tmedian_ms")
    for path in a.files:
        sense, c, offset, A, rlo, rhi, bounds = read_mps(path)
        A_ub, b_ub, A_eq, b_eq = to_linprog(A, rlo, rhi)
        times, res = [], None
        for _ in range(a.n):
            t0 = time.perf_counter()
            res = linprog(sense * c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method=a.method)
            times.append(time.perf_counter() - t0)
        obj = sense * res.fun + offset if res.status == 0 else float("nan")
        print(f"{path}\t{A.shape[0]}\t{A.shape[1]}\t{A.nnz}\t{res.status}\t{obj:.10g}\t"
              f"{min(times) * 1e3:.2f}\t{statistics.median(times) * 1e3:.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
