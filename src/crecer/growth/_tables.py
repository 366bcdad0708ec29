"""WHO 2006 LMS tables, loaded once from the package's CSV files into flat lookup arrays.

Age tables (lhfa, wfa, bfa, hcfa, acfa) are laid out as ``row = (sex - 1) * N_DAYS + day`` for
day 0…1856, followed by one all-NaN row (``NAN_ROW``) that invalid inputs point at, so that a
bad row yields NaN through plain arithmetic instead of a branch. Days a table does not cover
(acfa before day 91) are NaN rows too.

Length tables (wfl 45.0–110.0 cm, wfh 65.0–120.0 cm by 0.1 cm) are laid out as
``row = block * N_LEN + (tenths - LEN_MIN_TENTHS)`` with ``block = 2 * (sex - 1) + (0 for wfl,
1 for wfh)``, again followed by a NaN row. Each block has one extra row above its last real row
holding a copy of that row, so that interpolation at exactly 110.0 / 120.0 cm (where WHO takes
the lower row because the fraction is 0) stays finite.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

N_DAYS = 1857  # days 0…1856 of the WHO expanded tables
LEN_MIN_TENTHS = 450  # 45.0 cm
LEN_MAX_TENTHS = 1201  # 120.1 cm: one padding row above the wfh maximum
N_LEN = LEN_MAX_TENTHS - LEN_MIN_TENTHS + 1
WFL_RANGE_CM = (45.0, 110.0)
WFH_RANGE_CM = (65.0, 120.0)

AGE_TABLES = ("lhfa", "wfa", "bfa", "hcfa", "acfa")
LENGTH_TABLES = ("wfl", "wfh")


@dataclass(frozen=True)
class LmsTable:
    """Flat L, M, S columns (float64), NaN in unused rows, plus per-row constants for speed.

    ``inv_m`` = 1/M and ``inv_sl`` = 1/(S·L) turn the LMS formula into multiplications;
    ``sd`` holds the −3, −2, +2, +3 SD curves used by the restricted computation beyond ±3.
    """

    name: str
    l: np.ndarray  # noqa: E741 - WHO's own name for the Box-Cox power
    m: np.ndarray
    s: np.ndarray
    inv_m: np.ndarray
    inv_sl: np.ndarray
    sd: dict[int, np.ndarray]
    l_is_one: bool  # True for lhfa and hcfa: z = (y / M − 1) / S = y · inv_ms − inv_s
    inv_ms: np.ndarray  # 1 / (M·S)
    inv_s: np.ndarray  # 1 / S

    @property
    def nan_row(self) -> int:
        return len(self.m) - 1


def _read_rows(name: str) -> list[list[str]]:
    text = resources.files("crecer.growth").joinpath("data", f"{name}.csv").read_text("ascii")
    rows = list(csv.reader(text.splitlines()))
    return rows[1:]


def _empty(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan))


def _finish(name: str, l: np.ndarray, m: np.ndarray, s: np.ndarray) -> LmsTable:  # noqa: E741
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = {k: m * np.power(1.0 + l * s * k, 1.0 / l) for k in (-3, -2, 2, 3)}
        derived = [1.0 / m, 1.0 / (s * l), 1.0 / (m * s), 1.0 / s]
    for a in (l, m, s, *sd.values(), *derived):
        a.setflags(write=False)
    real = ~np.isnan(l)
    inv_m, inv_sl, inv_ms, inv_s = derived
    l_is_one = bool(np.all(l[real] == 1.0))
    return LmsTable(name, l, m, s, inv_m, inv_sl, sd, l_is_one, inv_ms, inv_s)


@cache
def age_table(name: str) -> LmsTable:
    """The day-indexed table ``name`` (one of AGE_TABLES)."""
    if name not in AGE_TABLES:
        raise KeyError(name)
    l, m, s = _empty(2 * N_DAYS + 1)  # noqa: E741
    for sex, day, lv, mv, sv in _read_rows(name):
        row = (int(sex) - 1) * N_DAYS + int(day)
        l[row], m[row], s[row] = float(lv), float(mv), float(sv)
    return _finish(name, l, m, s)


@cache
def length_table() -> LmsTable:
    """wfl and wfh in one flat table (see module docstring for the layout)."""
    l, m, s = _empty(4 * N_LEN + 1)  # noqa: E741
    for block_of_kind, name in enumerate(LENGTH_TABLES):
        last: dict[int, int] = {}
        for sex, length, lv, mv, sv in _read_rows(name):
            tenths = round(float(length) * 10)
            block = 2 * (int(sex) - 1) + block_of_kind
            row = block * N_LEN + tenths - LEN_MIN_TENTHS
            l[row], m[row], s[row] = float(lv), float(mv), float(sv)
            last[block] = max(last.get(block, -1), row)
        for row in last.values():  # padding row: a copy of the top row (see docstring)
            l[row + 1], m[row + 1], s[row + 1] = l[row], m[row], s[row]
    return _finish("wflh", l, m, s)


@cache
def length_table_l_by_sex() -> tuple[float, float] | None:
    """(L boys, L girls) when L is one constant per sex across wfl and wfh (it is in WHO's
    tables: −0.3521 and −0.3833), else None."""
    t = length_table()
    values = []
    for sex in (1, 2):
        col = t.l[2 * (sex - 1) * N_LEN : 2 * sex * N_LEN]
        real = col[~np.isnan(col)]
        if real.size == 0 or np.any(real != real[0]):
            return None
        values.append(float(real[0]))
    return values[0], values[1]


def age_rows(name: str, sex: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(day, L, M, S) of one sex's real rows of an age table, e.g. for charts and tests."""
    t = age_table(name)
    sl = slice((sex - 1) * N_DAYS, sex * N_DAYS)
    days = np.arange(N_DAYS, dtype=float)
    keep = ~np.isnan(t.m[sl])
    return days[keep], t.l[sl][keep], t.m[sl][keep], t.s[sl][keep]


def length_rows(name: str, sex: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(length cm, L, M, S) of one sex's rows of the wfl or wfh table (no padding row)."""
    t = length_table()
    block = 2 * (sex - 1) + LENGTH_TABLES.index(name)
    lo, hi = WFL_RANGE_CM if name == "wfl" else WFH_RANGE_CM
    first = block * N_LEN + round(lo * 10) - LEN_MIN_TENTHS
    last = block * N_LEN + round(hi * 10) - LEN_MIN_TENTHS
    sl = slice(first, last + 1)
    lengths = np.arange(round(lo * 10), round(hi * 10) + 1) / 10
    return lengths, t.l[sl], t.m[sl], t.s[sl]
