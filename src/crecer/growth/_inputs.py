"""Turn caller columns (arrays, lists, scalars, pandas/pyarrow columns) into clean numpy arrays.

Nothing here raises for a bad value in a row: unreadable values become "missing" (NaN, code 0).
Only a wrong *shape* (columns of different lengths that are not scalars) raises ``ValueError``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

DAYS_PER_MONTH = 30.4375  # WHO anthro: ANTHRO_DAYS_OF_MONTH

COLUMNS = (
    "sex",
    "age_days",
    "age_months",
    "birth_date",
    "measurement_date",
    "weight_kg",
    "length_cm",
    "measure",
    "oedema",
    "head_cm",
    "arm_cm",
)


def as_array(value: Any) -> np.ndarray:
    """A 1-d numpy view/copy of a column (pandas Series, pyarrow array, list, scalar…)."""
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):
        try:
            value = value.to_numpy(zero_copy_only=False)  # pyarrow
        except TypeError:
            value = value.to_numpy()  # pandas
    arr = np.asarray(value)
    return arr.reshape(-1) if arr.ndim != 1 else arr


def collect(data: Mapping[str, Any] | None, overrides: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Known columns from ``data`` and keyword overrides, broadcast to one common length."""
    merged: dict[str, Any] = {}
    if data is not None:
        merged.update({k: data[k] for k in COLUMNS if k in data})
    merged.update({k: v for k, v in overrides.items() if v is not None})
    unknown = set(overrides) - set(COLUMNS)
    if unknown:
        raise TypeError(f"unknown column(s): {sorted(unknown)}; expected some of {COLUMNS}")
    arrays = {k: as_array(v) for k, v in merged.items()}
    lengths = {a.size for a in arrays.values() if a.size != 1}
    if len(lengths) > 1:
        raise ValueError(f"columns have different lengths: {sorted(lengths)}")
    n = lengths.pop() if lengths else (1 if arrays else 0)
    return {k: np.broadcast_to(a, (n,)) if a.size == 1 else a for k, a in arrays.items()}


def _float(arr: np.ndarray) -> np.ndarray:
    """float64 values; anything unreadable (None, text, NaT) becomes NaN."""
    if arr.dtype.kind in "fiub":
        return arr.astype(np.float64, copy=False)
    out = np.full(arr.shape, np.nan)
    for i, v in enumerate(arr.tolist()):
        with contextlib.suppress(TypeError, ValueError):
            out[i] = float(v)
    return out


def measurement(cols: Mapping[str, np.ndarray], name: str, n: int) -> np.ndarray:
    if name not in cols:
        return np.full(n, np.nan)
    return _float(cols[name])


def _codes_from_text(arr: np.ndarray, decode: Callable[[str], int]) -> np.ndarray:
    """Map each distinct text value once (np.unique), then broadcast the codes back."""
    if arr.dtype.kind in "US" and arr.dtype.itemsize in (1, 4):  # one character: a lookup table
        points: np.ndarray = arr.view(np.uint8 if arr.dtype.kind == "S" else np.uint32)
        table = np.array([decode(chr(c)) for c in range(128)], dtype=np.int8)
        return np.where(points < 128, table[np.minimum(points, 127)], 0).astype(np.int8)
    text = arr.astype(str) if arr.dtype.kind != "U" else arr
    uniq, inverse = np.unique(text, return_inverse=True)
    codes = np.array([decode(u) for u in uniq.tolist()], dtype=np.int8)
    return codes[inverse.reshape(-1)]


def _numeric_codes(arr: np.ndarray) -> np.ndarray:
    """1 where the value is 1, 2 where it is 2, else 0 (NaN, 1.5, 7… included)."""
    if arr.dtype == np.int8:
        return arr * ((arr == 1) | (arr == 2))
    with np.errstate(invalid="ignore"):
        codes = (arr == 1).view(np.int8) + 2 * (arr == 2).view(np.int8)
    return codes


def _decode_sex(text: str) -> int:
    t = text.strip().lower()
    return 1 if t in ("m", "1") else 2 if t in ("f", "2") else 0


def sex_codes(cols: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """1 = male, 2 = female, 0 = missing/invalid (WHO: 1/"m"/"M", 2/"f"/"F")."""
    if "sex" not in cols:
        return np.zeros(n, dtype=np.int8)
    arr = cols["sex"]
    if arr.dtype.kind in "fiu":
        return _numeric_codes(arr)
    if arr.dtype.kind == "O":
        arr = np.array(["" if v is None else str(v) for v in arr.tolist()])
    return _codes_from_text(arr, _decode_sex)


def _decode_measure(text: str) -> int:
    t = text.strip().lower()
    return 1 if t == "l" else 2 if t == "h" else 0


def measure_codes(cols: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """1 = recumbent length ("l"/"L"), 2 = standing height ("h"/"H"), 0 = unknown."""
    if "measure" not in cols:
        return np.zeros(n, dtype=np.int8)
    arr = cols["measure"]
    if arr.dtype.kind in "fiu":
        return _numeric_codes(arr)
    if arr.dtype.kind == "O":
        arr = np.array(["" if v is None else str(v) for v in arr.tolist()])
    return _codes_from_text(arr, _decode_measure)


def _decode_oedema(text: str) -> int:
    return 1 if text.strip().lower() in ("y", "1", "true") else 0


def oedema_flags(cols: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """True where oedema is present (WHO: "y"/"Y"/"1"; booleans too); missing means no oedema."""
    if "oedema" not in cols:
        return np.zeros(n, dtype=bool)
    arr = cols["oedema"]
    if arr.dtype.kind == "b":
        return np.ascontiguousarray(arr)
    if arr.dtype.kind in "fiu":
        return arr == 1
    if arr.dtype.kind == "O":
        arr = np.array(["" if v is None else str(v) for v in arr.tolist()])
    return _codes_from_text(arr, _decode_oedema).astype(bool)


def _dates(arr: np.ndarray) -> np.ndarray:
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]")
    out = np.full(arr.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    for i, v in enumerate(arr.tolist()):
        with contextlib.suppress(TypeError, ValueError):
            out[i] = np.datetime64(v, "D")
    return out


def ages(cols: Mapping[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(age for the table look-up in days, unrounded; age in months), NaN where unknown.

    Priority: ``age_days``, else ``age_months`` (days = months × 30.4375), else
    ``measurement_date - birth_date`` in whole days.
    """
    if "age_days" in cols:
        days = _float(cols["age_days"])
        return days, days / DAYS_PER_MONTH
    if "age_months" in cols:
        months = _float(cols["age_months"])
        return months * DAYS_PER_MONTH, months
    if "birth_date" in cols and "measurement_date" in cols:
        delta = _dates(cols["measurement_date"]) - _dates(cols["birth_date"])
        days = delta.astype(np.float64)
        days[np.isnat(delta)] = np.nan
        return days, days / DAYS_PER_MONTH
    nan = np.full(n, np.nan)
    return nan, nan.copy()
