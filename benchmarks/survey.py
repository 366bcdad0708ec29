"""Benchmark crecer.survey on a survey of ENDES size against a general-purpose survey library
and a bare numpy floor, on the same numbers. Run by hand, not a test:

    python benchmarks/survey.py [--children 20000] [--clusters 1000] [--seed 2026]

The survey: ``--children`` children in ``--clusters`` clusters, 50 strata (25 departments x
urban/rural, as ENDES stratifies), weights varying by cluster (0.3-3, normalised to sum to the
number of children), six 0/1 indicators (stunting, severe stunting, wasting, overweight,
underweight, anemia; 3-30 % missing each: flagged, not measured, outside the age band) and
the domains: the whole sample, department, area, sex, age group (6 bands), and department x
area, department x sex, department x age group (25 x 10 = 250 cells): 1 + 25 + 2 + 2 + 6 + 50
+ 50 + 150 = 286 domains x 6 indicators = 1,716 estimates, each with SE, design effect and
95 % logit interval.

What it measures (wall time, one run each, after one warm-up of Crecer):

- Crecer: ``estimate_table`` (validation of the inputs, every estimate with its SE, deff,
  CI) and the design (``SurveyDesign.from_columns``: checks, nesting, PSU numbering).
- The floor: the same point estimates and SEs written as bare numpy (bincount of the sums,
  bincount of the PSU totals, centred within strata by reduceat), without checks, deff or
  intervals: what the arithmetic alone costs. Ratio = Crecer / floor.
- samplics (PyPI ``samplics``, Taylor linearisation; ``TaylorEstimator("proportion")`` with
  ``domain=``), if installed: the same estimates, their SE and logit CI compared with
  Crecer's to 1e-9; ratio = samplics / Crecer. Install it only for this script (for instance
  in a virtual environment with ``--system-site-packages``), never as a project dependency.
"""

from __future__ import annotations

import argparse
import time
import warnings
from typing import Any

import numpy as np

from crecer.survey import SurveyDesign, domain_codes, estimate_table

INDICATORS = {  # name: (prevalence, share without a value)
    "stunting": (0.12, 0.05),
    "severe_stunting": (0.03, 0.05),
    "wasting": (0.005, 0.06),
    "overweight": (0.08, 0.06),
    "underweight": (0.03, 0.04),
    "anemia": (0.40, 0.30),
}


def make_survey(children: int, clusters: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    strata = 50
    cluster_stratum = np.arange(clusters) % strata  # 20 clusters a stratum by default
    cluster = np.sort(rng.integers(0, clusters, children))
    cluster[:clusters] = np.arange(clusters)  # every cluster has a child
    cluster.sort()
    stratum = cluster_stratum[cluster]
    department = np.char.zfill((stratum // 2 + 1).astype(str), 2)
    area = np.where(stratum % 2 == 0, "urban", "rural")
    weight = rng.uniform(0.3, 3.0, clusters)[cluster]
    weight *= children / weight.sum()
    age = rng.integers(0, 60, children)
    bands = np.array(["0-5", "6-11", "12-23", "24-35", "36-47", "48-59"])
    age_group = bands[np.searchsorted([6, 12, 24, 36, 48], age, side="right")]
    sex = rng.choice(np.array(["F", "M"]), children)
    effect = rng.normal(0, 0.7, clusters)[cluster]
    indicators: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, (p, missing) in INDICATORS.items():
        logit = np.log(p / (1 - p)) + effect
        y = (rng.random(children) < 1 / (1 + np.exp(-logit))).astype(float)
        valid = rng.random(children) >= missing
        indicators[name] = (np.where(valid, y, np.nan), valid)
    domains: dict[str, Any] = {
        "all": None,
        "department": department,
        "area": area,
        "sex": sex,
        "age_group": age_group,
        "department x area": np.char.add(np.char.add(department, "/"), area),
        "department x sex": np.char.add(np.char.add(department, "/"), sex),
        "department x age_group": np.char.add(np.char.add(department, "/"), age_group),
    }
    return {
        "weight": weight,
        "stratum": stratum,
        "cluster": cluster,
        "indicators": indicators,
        "domains": domains,
    }


def crecer(survey: dict[str, Any]) -> list[dict[str, Any]]:
    design = SurveyDesign.from_columns(
        survey["weight"],
        survey["stratum"],
        survey["cluster"],
        expected_weight_total=float(survey["weight"].size),
    )
    return estimate_table(design, survey["indicators"], survey["domains"])


def floor(survey: dict[str, Any]) -> list[tuple[float, float]]:
    """Point estimate and SE of every indicator x domain, bare numpy."""
    w, stratum = survey["weight"], survey["stratum"]
    key = stratum.astype(np.int64) * (int(survey["cluster"].max()) + 1) + survey["cluster"]
    psu = np.unique(key, return_inverse=True)[1].reshape(-1)  # numbered stratum by stratum
    k = int(psu.max()) + 1
    psu_stratum = np.zeros(k, dtype=np.int64)
    psu_stratum[psu] = stratum
    count = np.bincount(psu_stratum)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    scale = np.repeat(count / (count - 1.0), count)
    coded = [domain_codes(labels, w.size) for labels in survey["domains"].values()]
    out: list[tuple[float, float]] = []
    for y, valid in survey["indicators"].values():
        yv = np.where(valid, y, 0.0)
        for labels, codes in coded:
            d = labels.size
            sel = valid & (codes >= 0)
            g = codes[sel]
            ws, ys = w[sel], yv[sel]
            total = np.bincount(g, ws, d)
            p = np.bincount(g, ws * ys, d) / total
            z = ws * (ys - p[g]) / total[g]
            t = np.bincount(g * k + psu[sel], z, d * k).reshape(d, k)
            dev = t - np.repeat(np.add.reduceat(t, start, axis=1) / count, count, axis=1)
            se = np.sqrt((dev**2 * scale).sum(axis=1))
            out.extend(zip(p.tolist(), se.tolist(), strict=True))
    return out


def with_samplics(survey: dict[str, Any]) -> list[tuple[float, float, float, float]] | None:
    try:
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam
    except ImportError:
        return None
    out: list[tuple[float, float, float, float]] = []
    for y, valid in survey["indicators"].values():
        for labels in survey["domains"].values():
            # The children without a value are a domain left out, as R's na.rm = TRUE does
            # (the PSUs they leave empty still count in their stratum); samplics'
            # remove_nan=True would drop them from the design instead.
            estimator = TaylorEstimator(PopParam.prop)
            domain = np.where(valid, "all" if labels is None else labels, "~out")
            estimator.estimate(
                y=np.where(valid, y, 0.0),
                samp_weight=survey["weight"],
                stratum=survey["stratum"],
                psu=survey["cluster"],
                domain=domain,
            )
            out.extend(_samplics_rows(estimator))
    return out


def _samplics_rows(estimator: Any) -> list[tuple[float, float, float, float]]:
    rows = []
    for key in sorted(k for k in estimator.point_est if k != "~out"):
        point = estimator.point_est[key]
        if 1.0 in point:
            rows.append(
                (
                    float(point[1.0]),
                    float(estimator.stderror[key][1.0]),
                    float(estimator.lower_ci[key][1.0]),
                    float(estimator.upper_ci[key][1.0]),
                )
            )
        else:  # no case in the domain: samplics has only the 0 category
            rows.append((0.0, 0.0, 0.0, 0.0))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--clusters", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    survey = make_survey(args.children, args.clusters, args.seed)
    crecer(survey)  # warm-up
    start = time.perf_counter()
    table = crecer(survey)
    crecer_s = time.perf_counter() - start
    start = time.perf_counter()
    bare = floor(survey)
    floor_s = time.perf_counter() - start
    print(
        f"survey: {args.children:,} children, {args.clusters:,} clusters, 50 strata; "
        f"{len(table):,} estimates ({len(INDICATORS)} indicators x "
        f"{len(table) // len(INDICATORS)} domains)"
    )
    print(f"crecer.survey estimate_table (design included): {crecer_s * 1000:.1f} ms")
    print(f"bare numpy floor (point + SE only):           {floor_s * 1000:.1f} ms")
    print(f"ratio crecer / floor: {crecer_s / floor_s:.2f}")
    ours = np.array([(r["estimate"], r["se"]) for r in table])
    worst = np.nanmax(np.abs(ours - np.array(bare)))
    print(f"largest difference from the floor (estimate, SE): {worst:.2e}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        theirs = with_samplics(survey)
        samplics_s = time.perf_counter() - start
    if theirs is None:
        print("samplics not installed: skipped (pip install samplics, for this script only)")
        return
    import samplics

    print(f"samplics {samplics.__version__} TaylorEstimator: {samplics_s * 1000:.1f} ms")
    print(f"ratio samplics / crecer: {samplics_s / crecer_s:.1f}")
    mine = np.array([(r["estimate"], r["se"], r["ci_low"], r["ci_high"]) for r in table])
    other = np.array(theirs)
    both = ~np.isnan(mine) & ~np.isnan(other)
    difference = np.abs(mine - other)[both]
    print(
        f"largest difference from samplics over {int(both.sum()):,} values "
        f"(estimate, SE, CI low, CI high): {difference.max():.2e}; "
        f"NaN in one only: {int((np.isnan(mine) != np.isnan(other)).sum())}"
    )


if __name__ == "__main__":
    main()
