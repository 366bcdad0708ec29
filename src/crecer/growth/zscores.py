"""Vectorized WHO 2006 z-scores for any index, following WHO's ``anthro`` R package exactly.

How it stays both exact and fast:

- Rows are processed in chunks so that every temporary stays in the CPU cache.
- Invalid rows (missing sex, age out of range, length outside the wfl/wfh range, oedema) point at
  an all-NaN table row, so they come out NaN through plain arithmetic, without branches.
- The LMS formula runs with per-row constants (1/M, 1/(S·L)) that differ from WHO's operation
  order by about 1e-16 relative. That never changes a value rounded to 2 decimals except when
  100·z falls within 1e-7 of a half; those rare rows are recomputed one by one with WHO's own
  operation order (:func:`crecer.growth.lms.r_zscore`) and R's rounding.

Section numbers (§) in comments refer to ``shared/domain/who_growth_algorithm.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from crecer.growth import _inputs, _tables
from crecer.growth._rounding import r_round2
from crecer.growth.lms import lms_value, r_zscore

INDICES = ("lhfa", "wfa", "wflh", "bfa", "hcfa", "acfa")
"""length/height-for-age, weight-for-age, weight-for-length/height, BMI-for-age,
head-circumference-for-age, arm-circumference-for-age."""

REASONS = (
    "ok",
    "sex_missing",
    "age_missing",
    "age_out_of_range",
    "measurement_missing",
    "measurement_not_positive",
    "oedema",
    "length_out_of_range",
    "not_computable",
)
"""Names of the codes in the ``reason_<index>`` columns (code = position in this tuple)."""
REASON = {name: code for code, name in enumerate(REASONS)}

# §9: flag when the rounded z is below the first or above the second limit (strict).
FLAG_LIMITS = {
    "lhfa": (-6.0, 6.0),
    "wfa": (-6.0, 5.0),
    "wflh": (-5.0, 5.0),
    "bfa": (-5.0, 5.0),
    "hcfa": (-5.0, 5.0),
    "acfa": (-5.0, 5.0),
}
# §4: the restricted computation beyond ±3 SD is used for every index except length/height.
RESTRICTED = frozenset({"wfa", "wflh", "bfa", "hcfa", "acfa"})
WEIGHT_BASED = frozenset({"wfa", "wflh", "bfa"})  # §8: blank when there is oedema
# The measurement columns each index is computed from (besides sex and age).
NEEDS = {
    "lhfa": ("length_cm",),
    "wfa": ("weight_kg",),
    "wflh": ("weight_kg", "length_cm"),
    "bfa": ("weight_kg", "length_cm"),
    "hcfa": ("head_cm",),
    "acfa": ("arm_cm",),
}

DEFAULT_CHUNK = 32768  # measured: 2× fewer chunks than 16384 is ~10 % faster, 65536 no better
_DAY_SWITCH = 731  # §6/§7: length below day 731, height from day 731
_TIE_MARGIN = 1e-7  # in units of 0.01 z (see module docstring)
_HUGE = 1e11  # beyond this R's round() and rint() may pick different neighbours

Exact = Callable[[np.ndarray], list[float]]


def zscores(
    data: Mapping[str, Any] | None = None,
    /,
    *,
    indices: str | Iterable[str] | None = None,
    raw: bool = False,
    chunk_size: int = DEFAULT_CHUNK,
    **columns: Any,
) -> dict[str, np.ndarray]:
    """WHO 2006 z-scores, flags and missing-value reasons for every row.

    ``data`` is any mapping of column name to array (a dict of numpy arrays, a pandas DataFrame,
    …); keyword arguments add or override columns. Columns (all optional, scalars broadcast):

    - ``sex``: 1/"m"/"M" male, 2/"f"/"F" female; anything else is missing.
    - age: ``age_days`` (may be fractional), or ``age_months``, or ``birth_date`` and
      ``measurement_date`` (datetime64 or ISO strings).
    - ``weight_kg``, ``length_cm`` (as measured), ``head_cm``, ``arm_cm`` (MUAC).
    - ``measure``: "l"/"L" or 1 recumbent length, "h"/"H" or 2 standing height, else unknown.
    - ``oedema``: "y"/"Y"/"1", 1 or True for bilateral pitting oedema; anything else is "no".

    ``indices`` names the indices to compute (some of :data:`INDICES`, in any order; one name as a
    string is one index); the default ``None`` computes all of them. The others are not computed
    and have no columns in the result; the ones computed are exactly the values the full
    computation gives.

    Returns a dict of equal-length arrays: for each index computed,
    ``z_<index>`` (float64, rounded to 2 decimals as WHO publishes it, NaN when not computable),
    ``flag_<index>`` (bool, WHO's biologically implausible value flag, False when z is NaN),
    ``reason_<index>`` (uint8 code into :data:`REASONS`, 0 when z is present) and, with
    ``raw=True``, ``zraw_<index>`` (unrounded). Also ``length_cm_adjusted`` (length/height after
    WHO's ±0.7 cm conversion), ``bmi`` (kg/m² from the adjusted length) and
    ``position_implausible`` (standing height under 9 months: no conversion applied).

    Never raises for a bad value in a row; raises ``ValueError``/``TypeError`` only for columns of
    different lengths, unknown column names or unknown index names.
    """
    wanted = _wanted(indices)
    cols = _inputs.collect(data, columns)
    n = next(iter(cols.values())).size if cols else 0
    rows = _Rows.from_columns(cols, n, wanted)
    out = _allocate(n, raw, wanted)
    chunk_size = max(int(chunk_size), 1)
    with np.errstate(all="ignore"):
        for start in range(0, n, chunk_size):
            _Chunk(rows, out, slice(start, min(start + chunk_size, n)), raw).run(wanted)
    return out


def _wanted(indices: str | Iterable[str] | None) -> tuple[str, ...]:
    """The indices asked for, in :data:`INDICES` order; ``ValueError`` for an unknown name."""
    if indices is None:
        return INDICES
    names = {indices} if isinstance(indices, str) else set(indices)
    unknown = names - set(INDICES)
    if unknown:
        raise ValueError(
            f"unknown index name(s): {sorted(map(str, unknown))}; expected some of {INDICES}"
        )
    return tuple(index for index in INDICES if index in names)


@dataclass(frozen=True)
class _Rows:
    """Cleaned whole-array inputs (cheap conversions done once, before chunking)."""

    sex: np.ndarray  # 1 male, 2 female, 0 unknown
    age: np.ndarray  # days
    months: np.ndarray
    whole_days: bool  # ages given as whole days (no rounding)
    weight: np.ndarray
    length: np.ndarray
    head: np.ndarray | None  # None: not given, or not needed by the indices asked for
    arm: np.ndarray | None
    measure: np.ndarray  # 1 lying, 2 standing, 0 unknown
    oedema: np.ndarray
    absent: frozenset[str]  # indices no row can have: a column they need was not given

    @classmethod
    def from_columns(cls, cols: Mapping[str, np.ndarray], n: int, wanted: tuple[str, ...]) -> _Rows:
        age, months = _inputs.ages(cols, n)
        whole_days = "age_days" in cols and cols["age_days"].dtype.kind in "iub"

        def optional(name: str, index: str) -> np.ndarray | None:
            if index not in wanted or name not in cols:
                return None
            return _inputs.measurement(cols, name, n)

        return cls(
            sex=_inputs.sex_codes(cols, n),
            age=age,
            months=months,
            whole_days=whole_days,
            # weight and length also give the always-returned bmi and length_cm_adjusted
            weight=_inputs.measurement(cols, "weight_kg", n),
            length=_inputs.measurement(cols, "length_cm", n),
            head=optional("head_cm", "hcfa"),
            arm=optional("arm_cm", "acfa"),
            measure=_inputs.measure_codes(cols, n),
            oedema=_inputs.oedema_flags(cols, n),
            absent=frozenset(index for index in wanted if _absent(cols, index)),
        )


def _absent(cols: Mapping[str, np.ndarray], index: str) -> bool:
    """No row can have ``index``: its measurement, the sex or (except for weight-for-length,
    which allows an unknown age) every age column is missing."""
    if "sex" not in cols or any(name not in cols for name in NEEDS[index]):
        return True
    dates = "birth_date" in cols and "measurement_date" in cols
    has_age = "age_days" in cols or "age_months" in cols or dates
    return index != "wflh" and not has_age


def _allocate(n: int, raw: bool, wanted: tuple[str, ...]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for index in wanted:
        out[f"z_{index}"] = np.empty(n)
        out[f"flag_{index}"] = np.empty(n, dtype=bool)
        out[f"reason_{index}"] = np.zeros(n, dtype=np.uint8)
        if raw:
            out[f"zraw_{index}"] = np.empty(n)
    out["length_cm_adjusted"] = np.empty(n)
    out["bmi"] = np.empty(n)
    out["position_implausible"] = np.empty(n, dtype=bool)
    return out


def _nan_unless(values: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """A copy of ``values`` with NaN where ``ok`` is False."""
    out = values.copy()
    np.copyto(out, np.nan, where=~ok)
    return out


class _Chunk:
    """The indices asked for, for one slice of rows."""

    def __init__(self, r: _Rows, out: dict[str, np.ndarray], sl: slice, raw: bool) -> None:
        self.r, self.out, self.sl, self.raw = r, out, sl, raw
        self.sex = r.sex[sl]
        self.age = r.age[sl]
        self.months = r.months[sl]
        self.oedema = r.oedema[sl]
        self.weight = r.weight[sl]

    def run(self, wanted: tuple[str, ...]) -> None:
        self._prepare()
        oedema = self.oedema
        for index in wanted:
            if index in self.r.absent:  # no arithmetic at all: only the reasons
                self._absent(index)
            elif index == "wflh":
                self._weight_for_length()
            else:
                y = self._measurement(index)
                ok = y > 0
                if index in WEIGHT_BASED:
                    ok &= ~oedema
                self._age_based(index, _nan_unless(y, ok))

    def _measurement(self, index: str) -> np.ndarray:
        """The chunk's values that ``index`` is computed from (all NaN when not given); for
        weight-for-length, the weight (its length decides the row)."""
        if index == "lhfa":
            return self.length
        if index in ("wfa", "wflh"):
            return self.weight
        if index == "bfa":
            return self.bmi
        column = self.r.head if index == "hcfa" else self.r.arm
        if column is None:
            return np.full(len(self.sex), np.nan)
        return column[self.sl]

    def _absent(self, index: str) -> None:
        """An index no row can have (a column it needs was not given): NaN, no flag, and the
        reason (the sex or age reasons come before ``measurement_missing``, as for any row)."""
        sl, out = self.sl, self.out
        out[f"z_{index}"][sl] = np.nan
        out[f"flag_{index}"][sl] = False
        if self.raw:
            out[f"zraw_{index}"][sl] = np.nan
        out[f"reason_{index}"][sl] = self._reasons(index, slice(None), absent=True)

    def _prepare(self) -> None:
        age, months, sex = self.age, self.months, self.sex
        if self.r.whole_days:
            day = age
        else:  # §2: round half up (R's round_up), not banker's rounding
            day = np.floor(age)
            day += (age - day) >= 0.5
        self.day = day
        self.age_ok = (age >= 0) & (months < 60)  # §2: unrounded age < 60 months
        self.sex_f = sex.astype(np.float64)
        rows = self.sex_f - 1.0
        rows *= _tables.N_DAYS
        rows += day
        np.copyto(rows, 2 * _tables.N_DAYS, where=~(self.age_ok & (sex > 0)))  # → the NaN row
        self.age_rows = rows.astype(np.intp)

        # §6: standing height under 9 months is implausible: measure unknown, no conversion.
        measure = self.r.measure[self.sl]
        implausible = (measure == 2) & (months < 9)
        self.out["position_implausible"][self.sl] = implausible
        measure = measure * ~implausible
        self.measure = measure
        length = self.out["length_cm_adjusted"][self.sl]
        np.copyto(length, self.r.length[self.sl])
        np.add(length, 0.7, out=length, where=(day < _DAY_SWITCH) & (measure == 2))
        np.subtract(length, 0.7, out=length, where=(day >= _DAY_SWITCH) & (measure == 1))
        self.length = length
        cm = length / 100.0
        cm *= cm  # R: (clenhei / 100)^2 is x * x
        self.bmi = np.divide(self.weight, cm, out=self.out["bmi"][self.sl])

    def _age_based(self, index: str, y: np.ndarray) -> None:
        """§3, and §4 for restricted indices, on a day-indexed table."""
        t = _tables.age_table(index)
        rows = self.age_rows
        if t.l_is_one:  # lhfa, hcfa: (y / M − 1) / S
            z = t.inv_ms.take(rows)
            z *= y
            z -= t.inv_s.take(rows)
        else:
            z = t.inv_m.take(rows)
            z *= y
            np.power(z, t.l.take(rows), out=z)
            z -= 1.0
            z *= t.inv_sl.take(rows)
        restricted = index in RESTRICTED
        if restricted:
            tails = np.abs(z) > 3.0  # NaN is not a tail; ±inf is
            if tails.any():
                i = np.flatnonzero(tails)
                hi = z[i] > 3.0
                sub = rows[i]
                sd3 = np.where(hi, t.sd[3][sub], t.sd[-3][sub])
                sd2 = np.where(hi, t.sd[2][sub], t.sd[-2][sub])
                z[i] = _beyond_3(hi, y[i], sd3, sd2)

        def exact(i: np.ndarray) -> list[float]:
            sub = rows[i]
            return [
                r_zscore(yv, lv, mv, sv, restricted)
                for yv, lv, mv, sv in zip(
                    y[i].tolist(),
                    t.l[sub].tolist(),
                    t.m[sub].tolist(),
                    t.s[sub].tolist(),
                    strict=True,
                )
            ]

        self._finish(index, z, exact)

    def _weight_for_length(self) -> None:
        """§7: weight-for-length (< 731 days) or -height, interpolated between 0.1 cm rows."""
        age, length, measure = self.age, self.length, self.measure
        age_known = ~np.isnan(age)
        # Age known: by age. Unknown: by measure, and with no measure, 87 cm and up is height.
        by_measure = (measure == 2) | ((measure == 0) & (length >= 87))
        use_wfh = (self.day >= _DAY_SWITCH) | (~age_known & by_measure)
        # (a masked select like np.where is several times slower than bit operations here)
        in_wfh = (length >= 65.0) & (length <= 120.0)
        in_wfl = (length >= 45.0) & (length <= 110.0)
        in_range = (use_wfh & in_wfh) | (~use_wfh & in_wfl)
        # No z with oedema; an unknown age is allowed, a known one must be 0 ≤ age < 60 months.
        valid = in_range & ~self.oedema & (self.age_ok | ~age_known) & (self.sex > 0)
        tenths = length * 10.0
        low = np.trunc(tenths)
        upp = np.trunc(tenths + 1.0)  # R: trunc(lenhei * 10 + 1), usually low + 1
        frac = low / 10.0
        np.subtract(length, frac, out=frac)
        frac /= 0.1
        np.maximum(frac, 0.0, out=frac)  # R interpolates only when frac > 0
        # block = 2 (sex − 1) + (0 wfl | 1 wfh); row = block · N_LEN + tenths − 450
        base = self.sex_f - 1.0
        base *= 2.0
        base += use_wfh
        base *= _tables.N_LEN
        base -= _tables.LEN_MIN_TENTHS
        nan_row = 4 * _tables.N_LEN
        row_low = base + low
        row_upp = np.add(base, upp, out=base)
        invalid = ~valid
        np.copyto(row_low, nan_row, where=invalid)
        np.copyto(row_upp, nan_row, where=invalid)
        row_low = row_low.astype(np.intp)
        row_upp = row_upp.astype(np.intp)
        t = _tables.length_table()
        l_by_sex = _tables.length_table_l_by_sex()
        if l_by_sex is not None:  # L is constant for each sex (WHO: −0.3521 / −0.3833)
            # exact: L·1 + L'·0 is L (a masked copy would be several times slower)
            girl = self.sex == 2
            lam = np.multiply(girl, l_by_sex[1])
            lam += ~girl * l_by_sex[0]
        else:
            lam = _interpolate(t.l, row_low, row_upp, frac)
        m = _interpolate(t.m, row_low, row_upp, frac)
        s = _interpolate(t.s, row_low, row_upp, frac)
        y = self.weight  # no "weight > 0" guard here, as in WHO's code (§3)
        z = np.divide(y, m)
        np.power(z, lam, out=z)
        z -= 1.0
        z /= s * lam
        tails = np.abs(z) > 3.0
        if tails.any():
            i = np.flatnonzero(tails)
            hi = z[i] > 3.0
            sd3 = lms_value(np.where(hi, 3.0, -3.0), lam[i], m[i], s[i])
            sd2 = lms_value(np.where(hi, 2.0, -2.0), lam[i], m[i], s[i])
            z[i] = _beyond_3(hi, y[i], sd3, sd2)

        def exact(i: np.ndarray) -> list[float]:
            return [
                r_zscore(yv, lv, mv, sv, True)
                for yv, lv, mv, sv in zip(
                    y[i].tolist(), lam[i].tolist(), m[i].tolist(), s[i].tolist(), strict=True
                )
            ]

        self._finish("wflh", z, exact)

    def _finish(self, index: str, z: np.ndarray, exact: Exact) -> None:
        """§5 rounding, §9 flags, and a reason code for every NaN."""
        sl, out = self.sl, self.out
        zr = out[f"z_{index}"][sl]
        scaled = z * 100.0
        np.rint(scaled, out=zr)
        scaled -= zr
        np.abs(scaled, out=scaled)
        zr /= 100.0
        zr += 0.0  # -0.0 → 0.0
        doubtful = scaled > 0.5 - _TIE_MARGIN
        if doubtful.any():
            i = np.flatnonzero(doubtful)
            zr[i] = [r_round2(v) for v in exact(i)]
        lo, hi = FLAG_LIMITS[index]
        flag = out[f"flag_{index}"][sl]
        if lo == -hi:
            np.greater(np.abs(zr), hi, out=flag)
        else:
            np.logical_or(zr < lo, zr > hi, out=flag)
        if flag.any():  # absurd |z|: R's round() keeps all digits beyond ~1e13
            i = np.flatnonzero(flag)
            i = i[np.abs(z[i]) >= _HUGE]
            if i.size:
                zr[i] = [r_round2(v) for v in exact(i)]
        if self.raw:
            out[f"zraw_{index}"][sl] = z
        missing = np.isnan(zr)
        if missing.any():
            i = np.flatnonzero(missing)
            out[f"reason_{index}"][sl][i] = self._reasons(index, i)

    def _reasons(self, index: str, i: np.ndarray | slice, absent: bool = False) -> np.ndarray:
        """Why z is NaN in rows ``i``: the first that applies, in :data:`REASONS` order.

        Written lowest priority first, each later rule overwriting the earlier ones. ``absent``:
        a column the index needs was not given; every row's measurement counts as missing, and
        an absent sex or age column gives its own reason through the rules below.
        """
        sex = self.sex[i]
        if absent:
            code = np.full(sex.size, REASON["measurement_missing"], dtype=np.uint8)
        else:
            value = self._measurement(index)[i]
            fallback = "length_out_of_range" if index == "wflh" else "not_computable"
            code = np.full(sex.size, REASON[fallback], dtype=np.uint8)
            np.copyto(code, REASON["measurement_not_positive"], where=~(value > 0))
            missing = np.isnan(value)
            if index in ("bfa", "wflh"):
                missing |= np.isnan(self.length[i])
            np.copyto(code, REASON["measurement_missing"], where=missing)
        if index in WEIGHT_BASED:
            np.copyto(code, REASON["oedema"], where=self.oedema[i])
        age_ok = self.age_ok[i]
        age_missing = np.isnan(self.age[i])
        if index == "wflh":  # an unknown age is allowed here
            np.copyto(code, REASON["age_out_of_range"], where=~age_ok & ~age_missing)
        else:
            if index == "acfa":  # WHO's arm circumference table starts at day 91
                age_ok = age_ok & (self.day[i] >= 91)  # not &=: age_ok may be a view
            np.copyto(code, REASON["age_out_of_range"], where=~age_ok)
            np.copyto(code, REASON["age_missing"], where=age_missing)
        np.copyto(code, REASON["sex_missing"], where=sex == 0)
        return code


def _beyond_3(hi: np.ndarray, y: np.ndarray, sd3: np.ndarray, sd2: np.ndarray) -> np.ndarray:
    """§4: linear in y beyond ±3 with the 2→3 SD distance as unit (sd3/sd2 carry the sign)."""
    return np.where(hi, 3.0 + (y - sd3) / (sd3 - sd2), -3.0 + (y - sd3) / (sd2 - sd3))


def _interpolate(col: np.ndarray, low: np.ndarray, upp: np.ndarray, frac: np.ndarray) -> np.ndarray:
    """R: ``X_low + frac · (X_upp − X_low)``."""
    a = col.take(low)
    b = col.take(upp)
    b -= a
    b *= frac
    b += a
    return b
