#!/usr/bin/python3
"""Time native HiGHS (scipy.optimize.linprog, method='highs-ds') on the netlib subset and
compare with the Go benchmark of corridor's wasm HiGHS engine.

Usage (see docs/benchmarks.md):

    go test ./lp/highs -run '^$' -bench BenchmarkNetlibCold -count 5 > /tmp/gobench.txt
    /usr/bin/python3 scripts/bench_native_highs.py testdata/netlib --go-bench /tmp/gobench.txt

Needs Debian's python3-scipy (apt-get install -y python3-scipy); run it with /usr/bin/python3
so a pyenv python without scipy does not shadow it.

scipy has no MPS reader, so this file parses MPS itself with the conventions of lp.ReadMPS:
free format first, fixed format if that fails; the first N row is the objective and its RHS is
minus the objective constant; RANGES per the usual sign table; bounds UP (negative with lower 0
frees the lower bound), LO, FX, FR, MI, PL, BV, LI, UI. Range rows become two inequality rows,
since linprog has no row bounds. Each instance is parsed once and solved 5 times; the median
wall time of the linprog call is reported.
"""

import argparse
import csv
import gzip
import math
import os
import re
import statistics
import sys
import time

import numpy as np
import scipy
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

INF = math.inf


class MPSError(Exception):
    pass


def fixed_fields(line):
    def f(a, b=None):
        return line[a:b].strip() if len(line) > a else ""
    return [f(1, 3), f(4, 14), f(14, 24), f(24, 39), f(39, 49), f(49)]


def parse_mps(text, fixed):
    """Return (c, offset, sense, rows[(name, kind, coefs{col: v})], rhs, rng, cols, lo, up)."""
    rows, row_index, kinds = [], {}, []
    obj, cols, col_index = None, [], {}
    cost, lo, up = [], [], []
    coef = []  # per row: {col: value}
    rhs, rng = {}, {}
    sense, offset = 1, 0.0
    section = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line or line.startswith("*"):
            continue
        if line[0] not in " \t":
            tok = line.split()
            section = tok[0]
            if section == "OBJSENSE" and len(tok) > 1:
                sense = -1 if tok[1].startswith("MAX") else 1
            if section == "ENDATA":
                break
            continue
        tok = line.split()
        try:
            if section == "OBJSENSE":
                sense = -1 if tok[0].startswith("MAX") else 1
            elif section == "ROWS":
                kind, name = (fixed_fields(line)[0], line[4:].strip()) if fixed else (tok[0], tok[1] if len(tok) == 2 else None)
                if name is None:
                    raise MPSError("bad ROWS line")
                if kind == "N":
                    if obj is None:
                        obj = name
                    row_index[name] = -2 if name != obj else -1
                    continue
                row_index[name] = len(rows)
                rows.append(name)
                kinds.append(kind)
                coef.append({})
            elif section == "COLUMNS":
                if fixed:
                    f = fixed_fields(line)
                    if f[2] == "'MARKER'":
                        continue
                    col, pairs = f[1], [(f[2], f[3])] + ([(f[4], f[5])] if f[4] else [])
                else:
                    if len(tok) == 3 and tok[1] == "'MARKER'":
                        continue
                    if len(tok) not in (3, 5):
                        raise MPSError("bad COLUMNS line")
                    col, pairs = tok[0], list(zip(tok[1::2], tok[2::2]))
                if col not in col_index:
                    col_index[col] = len(cols)
                    cols.append(col)
                    cost.append(0.0)
                    lo.append(0.0)
                    up.append(INF)
                j = col_index[col]
                for r, v in pairs:
                    i = row_index[r]
                    if i == -1:
                        cost[j] = float(v)
                    elif i >= 0:
                        coef[i][j] = float(v)
            elif section in ("RHS", "RANGES"):
                if fixed:
                    f = fixed_fields(line)
                    pairs = [(f[2], f[3])] + ([(f[4], f[5])] if f[4] else [])
                else:
                    t = tok[1:] if len(tok) % 2 == 1 else tok
                    pairs = list(zip(t[0::2], t[1::2]))
                for r, v in pairs:
                    i = row_index[r]
                    if section == "RHS" and i == -1:
                        offset = -float(v)
                    elif i >= 0:
                        (rhs if section == "RHS" else rng)[i] = float(v)
            elif section == "BOUNDS":
                if fixed:
                    f = fixed_fields(line)
                    kind, col, val = f[0], f[2], f[3]
                else:
                    kind = tok[0]
                    if kind in ("FR", "MI", "PL", "BV"):
                        col, val = (tok[2] if len(tok) >= 3 else tok[1]), None
                    else:
                        col, val = (tok[2], tok[3]) if len(tok) == 4 else (tok[1], tok[2])
                j = col_index[col]
                x = float(val) if val not in (None, "") else None
                if kind in ("UP", "UI"):
                    if x < 0 and lo[j] == 0:
                        lo[j] = -INF
                    up[j] = x
                elif kind in ("LO", "LI"):
                    lo[j] = x
                elif kind == "FX":
                    lo[j] = up[j] = x
                elif kind == "FR":
                    lo[j], up[j] = -INF, INF
                elif kind == "MI":
                    lo[j] = -INF
                elif kind == "PL":
                    up[j] = INF
                elif kind == "BV":
                    lo[j], up[j] = 0.0, 1.0
                else:
                    raise MPSError("bound type %s" % kind)
        except (KeyError, ValueError, IndexError, TypeError) as e:
            raise MPSError("line %d: %s: %r" % (lineno, section, e))
    # Row bounds.
    rlo, rup = [], []
    for i, k in enumerate(kinds):
        b, r = rhs.get(i, 0.0), rng.get(i)
        if k == "L":
            l, u = (-INF if r is None else b - abs(r)), b
        elif k == "G":
            l, u = b, (INF if r is None else b + abs(r))
        else:
            l, u = b, b
            if r is not None:
                if r >= 0:
                    u = b + r
                else:
                    l = b + r
        rlo.append(l)
        rup.append(u)
    return dict(cost=np.array(cost), offset=offset, sense=sense, coef=coef, rlo=rlo, rup=rup,
                lo=lo, up=up, nrows=len(rows), ncols=len(cols))


def read_mps(path):
    with gzip.open(path, "rt") if path.endswith(".gz") else open(path) as f:
        text = f.read()
    try:
        return parse_mps(text, fixed=False)
    except MPSError:
        return parse_mps(text, fixed=True)


def linprog_args(p):
    """Turn a parsed model into linprog's arguments (A_ub x <= b_ub, A_eq x = b_eq)."""
    ub_r, ub_c, ub_v, b_ub = [], [], [], []
    eq_r, eq_c, eq_v, b_eq = [], [], [], []
    for i, row in enumerate(p["coef"]):
        l, u = p["rlo"][i], p["rup"][i]
        if l == u:
            k = len(b_eq)
            for j, v in row.items():
                eq_r.append(k); eq_c.append(j); eq_v.append(v)
            b_eq.append(l)
            continue
        if u != INF:
            k = len(b_ub)
            for j, v in row.items():
                ub_r.append(k); ub_c.append(j); ub_v.append(v)
            b_ub.append(u)
        if l != -INF:
            k = len(b_ub)
            for j, v in row.items():
                ub_r.append(k); ub_c.append(j); ub_v.append(-v)
            b_ub.append(-l)
    n = p["ncols"]
    args = dict(c=p["sense"] * p["cost"],
                bounds=[(None if l == -INF else l, None if u == INF else u) for l, u in zip(p["lo"], p["up"])],
                method="highs-ds")
    if b_ub:
        args["A_ub"] = csr_matrix((ub_v, (ub_r, ub_c)), shape=(len(b_ub), n))
        args["b_ub"] = np.array(b_ub)
    if b_eq:
        args["A_eq"] = csr_matrix((eq_v, (eq_r, eq_c)), shape=(len(b_eq), n))
        args["b_eq"] = np.array(b_eq)
    return args


def go_bench(path):
    """ns/op runs per instance from `go test -bench` output (BenchmarkX/name-N  n  t ns/op)."""
    runs = {}
    pat = re.compile(r"^Benchmark\w+/(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op")
    with open(path) as f:
        for line in f:
            m = pat.match(line)
            if m:
                runs.setdefault(m.group(1), []).append(float(m.group(2)))
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="folder with OPTIMA.tsv and NAME.mps.gz files")
    ap.add_argument("--repeat", type=int, default=5, help="solves per instance (median reported)")
    ap.add_argument("--go-bench", help="go test -bench output to compare with")
    args = ap.parse_args()

    optima = {}
    with open(os.path.join(args.dir, "OPTIMA.tsv")) as f:
        rows = [l for l in f if not l.startswith("#")]
    for r in csv.DictReader(rows, delimiter="\t"):
        if os.path.exists(os.path.join(args.dir, r["file"])):
            opt = r["opt_objective_constant_convention"]
            optima[r["name"]] = (r["file"], float(opt if opt not in ("", "-") else r["published_opt"]))
    go = go_bench(args.go_bench) if args.go_bench else {}

    print("scipy %s, numpy %s, python %s" % (scipy.__version__, np.__version__, sys.version.split()[0]))
    print()
    print("Times are median (min) over the runs, in ms.")
    print()
    print("| problem | rows | cols | iters (native) | rel. error (native) | native HiGHS | Go wasm HiGHS | ratio of medians | ratio of mins |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    tn = tg = tnm = tgm = 0.0
    for name, (file, opt) in optima.items():
        p = read_mps(os.path.join(args.dir, file))
        kw = linprog_args(p)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            res = linprog(**kw)
            times.append(time.perf_counter() - t0)
        if res.status != 0:
            print("| %s | %d | %d | failed: %s |" % (name, p["nrows"], p["ncols"], res.message))
            continue
        obj = p["sense"] * res.fun + p["offset"]
        rel = abs(obj - opt) / max(1.0, abs(opt))
        nat, natmin = statistics.median(times) * 1e3, min(times) * 1e3
        tn += nat
        tnm += natmin
        g = go.get(name)
        if g:
            gmed, gmin = statistics.median(g) / 1e6, min(g) / 1e6
            tg += gmed
            tgm += gmin
            print("| %s | %d | %d | %d | %.1e | %.3f (%.3f) | %.3f (%.3f) | %.2f | %.2f |" % (
                name, p["nrows"], p["ncols"], res.nit, rel, nat, natmin, gmed, gmin, gmed / nat, gmin / natmin))
        else:
            print("| %s | %d | %d | %d | %.1e | %.3f (%.3f) | - | - | - |" % (name, p["nrows"], p["ncols"], res.nit, rel, nat, natmin))
    print()
    print("sum of medians: native %.1f ms" % tn + ("; Go wasm %.1f ms; ratio %.2f" % (tg, tg / tn) if tg else ""))
    print("sum of mins:    native %.1f ms" % tnm + ("; Go wasm %.1f ms; ratio %.2f" % (tgm, tgm / tnm) if tgm else ""))


if __name__ == "__main__":
    main()
