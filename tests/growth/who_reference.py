"""A slow, row-by-row transcription of WHO anthro's algorithm, for checking the vectorized code.

Written from ``shared/domain/who_growth_algorithm.md`` (section numbers below), in plain Python
floats, looking tables up in dicts read with the csv module: a second, independent path to the
same numbers. It follows R's operation order (``((y / m)^l - 1) / (s * l)``) and R's rounding.
"""

from __future__ import annotations

import csv
import math
from functools import cache
from pathlib import Path

from crecer.growth._rounding import r_round2

DATA = Path(__file__).resolve().parents[2] / "src" / "crecer" / "growth" / "data"
NA = math.nan


@cache
def table(name: str) -> dict[tuple[int, str], tuple[float, float, float]]:
    with open(DATA / f"{name}.csv", newline="") as f:
        rows = list(csv.reader(f))[1:]
    return {(int(r[0]), r[1]): (float(r[2]), float(r[3]), float(r[4])) for r in rows}


def rpow(x: float, y: float) -> float:
    if y == 2.0:
        return x * x
    if x == 1.0 or y == 0.0:
        return 1.0
    if math.isnan(x) or math.isnan(y):
        return NA
    try:
        return math.pow(x, y)
    except (ValueError, ZeroDivisionError):
        return math.inf if x == 0.0 else NA
    except OverflowError:
        return math.inf


def z_plain(y: float, lms: tuple[float, float, float]) -> float:  # §3
    l, m, s = lms  # noqa: E741
    return (rpow(y / m, l) - 1.0) / (s * l)


def z_restricted(y: float, lms: tuple[float, float, float]) -> float:  # §4
    l, m, s = lms  # noqa: E741
    z = z_plain(y, lms)

    def sd(k: float) -> float:
        return m * rpow(1.0 + l * s * k, 1.0 / l)

    if not math.isnan(z) and z > 3:
        z = 3.0 + (y - sd(3)) / (sd(3) - sd(2))
    elif not math.isnan(z) and z < -3:
        z = -3.0 + (y - sd(-3)) / (sd(-2) - sd(-3))
    return z


def round_up(x: float) -> float:  # §2
    f = math.floor(x)
    return f + 1 if x - f >= 0.5 else f


def one_row(
    sex: int | None,
    age_days: float,
    weight: float,
    lenhei: float,
    measure: str | None,
    oedema: bool,
    headc: float = NA,
    armc: float = NA,
) -> dict[str, float]:
    """Unrounded z for each index (NaN when WHO gives NA), plus the adjusted length."""
    nan = dict.fromkeys(("lhfa", "wfa", "wflh", "bfa", "hcfa", "acfa"), NA)
    if sex not in (1, 2):
        return nan
    age_known = not math.isnan(age_days)
    day = round_up(age_days) if age_known else NA
    months = age_days / 30.4375 if age_known else NA
    if age_known and age_days < 0:  # R stops with an error; Crecer gives NA everywhere
        return nan
    # §6
    if measure == "h" and age_known and months < 9:
        measure = None
    clen = lenhei
    if age_known and day < 731 and measure == "h":
        clen = lenhei + 0.7
    if age_known and day >= 731 and measure == "l":
        clen = lenhei - 0.7
    d = rpow(clen / 100.0, 2.0)
    if d != 0:
        bmi = weight / d
    else:  # R: x / 0 is ±Inf (NaN for 0 / 0)
        bmi = NA if weight == 0 or math.isnan(weight) else math.copysign(math.inf, weight)
    res = dict(nan)
    age_ok = age_known and 0 <= day <= 1856 and months < 60

    def by_age(name: str, y: float, restricted: bool, valid: bool = True) -> float:
        if not (age_ok and valid) or math.isnan(y) or y <= 0:
            return NA
        lms = table(name).get((sex, str(int(day))))
        if lms is None:
            return NA
        return z_restricted(y, lms) if restricted else z_plain(y, lms)

    res["lhfa"] = by_age("lhfa", clen, False)
    res["wfa"] = by_age("wfa", weight, True, not oedema)
    res["bfa"] = by_age("bfa", bmi, True, not oedema)
    res["hcfa"] = by_age("hcfa", headc, True)
    res["acfa"] = by_age("acfa", armc, True)
    # §7
    if age_known:
        kind = "wfl" if day < 731 else "wfh"
    elif measure in ("l", "h"):
        kind = "wfl" if measure == "l" else "wfh"
    elif not math.isnan(clen):
        kind = "wfl" if clen < 87 else "wfh"
    else:
        return res
    lo, hi = (45.0, 110.0) if kind == "wfl" else (65.0, 120.0)
    valid = (
        not math.isnan(clen)
        and lo <= clen <= hi
        and not oedema
        and (not age_known or (day <= 1856 and months < 60))
    )
    if valid and not math.isnan(weight):
        low = math.trunc(clen * 10) / 10
        upp = math.trunc(clen * 10 + 1) / 10
        diff = (clen - low) / 0.1
        t = table(kind)
        a = t[(sex, f"{low:.1f}")]
        b = t.get((sex, f"{upp:.1f}"), (NA, NA, NA))
        lms = tuple(a[k] + diff * (b[k] - a[k]) if diff > 0 else a[k] for k in range(3))
        res["wflh"] = z_restricted(weight, lms)  # type: ignore[arg-type]
    return res


def rounded(z: float) -> float:  # §5
    return r_round2(z)
