"""Dating a pregnancy from its FUR (last menstrual period): gestational age, FPP, trimester and
month of pregnancy, vectorised over arrays of dates.

    >>> import numpy as np
    >>> fur = np.array(["2025-01-01", "2025-03-15", "NaT"], "datetime64[D]")
    >>> on = np.datetime64("2025-06-01")
    >>> gestational_days(fur, on).tolist()           # 151 days; 78 days; unknown FUR
    [151.0, 78.0, nan]
    >>> trimester(fur, on).tolist(), pregnancy_month(fur, on, 30.4375).tolist()
    ([2, 1, 0], [5, 3, 0])
    >>> str(due_date(fur)[0])                          # FUR + 280 days
    '2025-10-08'

Day 0 is the FUR itself. A date before the FUR, or a missing date (NaT), has no gestational age:
NaN for the float results, 0 for the trimester and the month. Pure numpy: no Django, no clock.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Naegele's rule as most HIS and perinatal tools compute it: 280 days (40 weeks) after the FUR.
# The calendar form (FUR + 1 year - 3 months + 7 days) differs by up to 3 days; not used.
NAEGELE_DAYS = 280

# Trimesters as NTS 213-2024 splits the Hb cut-offs for pregnant women (table 13: < 14 weeks,
# 14 to < 28, 28 and more) and FED SI-01.01 counts the "first trimester" (days 0-97).
SECOND_TRIMESTER_DAY = 14 * 7
THIRD_TRIMESTER_DAY = 28 * 7


def gestational_days(lmp: ArrayLike, on: ArrayLike) -> NDArray[np.float64]:
    """Days since the FUR on each date (float, so that an unknown age can be NaN)."""
    days = _days_since(lmp, on)
    return np.where(days >= 0, days, np.nan)


def gestational_weeks(lmp: ArrayLike, on: ArrayLike) -> NDArray[np.float64]:
    """Gestational age in weeks, with the fraction (97 days is 13.86 weeks, still < 14).

    This is what :func:`crecer.anemia.assess_hemoglobin` takes as ``gestational_weeks``.
    Completed weeks, as a nurse writes "13 semanas 6 días", are ``np.floor`` of it.
    """
    return gestational_days(lmp, on) / 7.0


def due_date(lmp: ArrayLike) -> NDArray[np.datetime64]:
    """The FPP (fecha probable de parto): FUR + 280 days; NaT where the FUR is unknown."""
    start: NDArray[np.datetime64] = np.asarray(lmp, dtype="datetime64[D]")
    return start + np.timedelta64(NAEGELE_DAYS, "D")


def trimester(lmp: ArrayLike, on: ArrayLike) -> NDArray[np.int8]:
    """1, 2 or 3 (from day 0, 98 and 196 after the FUR); 0 where the age is unknown."""
    days = _days_since(lmp, on)
    value = 1 + (days >= SECOND_TRIMESTER_DAY) + (days >= THIRD_TRIMESTER_DAY)
    return np.where(days >= 0, value, 0).astype(np.int8)


def pregnancy_month(lmp: ArrayLike, on: ArrayLike, month_days: float) -> NDArray[np.int16]:
    """The month of pregnancy (1 from the FUR) each date falls in; 0 where unknown.

    Months of ``month_days`` days, as the schedule in force counts the JUNTOS rule (its
    ``month_days``: ``profile.schedules.in_force("pregnancy", on).month_days``). Month ``m``
    starts on :func:`crecer.norms.schedule.month_start_day` ``(m, month_days)``, so with
    30.4375-day months month 5 starts on day 122, and a check on day 121 is "before month 5".
    """
    days = _days_since(lmp, on)
    known = days >= 0
    # the same rounding as month_start_day, so both agree on every boundary day
    completed = np.floor(np.round(np.where(known, days, 0) / month_days, 9))
    return np.where(known, completed + 1, 0).astype(np.int16)


def dating_fur(
    fur: ArrayLike,
    ultrasound_date: ArrayLike,
    ultrasound_days: ArrayLike,
    before_day: ArrayLike,
    more_than_days: ArrayLike,
) -> tuple[NDArray[np.datetime64], NDArray[np.bool_]]:
    """The FUR a pregnancy is dated by, and whether the ultrasound set it.

    An ultrasound on ``ultrasound_date`` measuring ``ultrasound_days`` of gestation implies the
    FUR ``ultrasound_date - ultrasound_days``. It replaces the reported FUR when that is
    unknown (NaT), or when the two differ by more than the band's ``more_than_days`` — the band
    being the first whose ``before_day`` is above ``ultrasound_days`` (the profile's
    ``schedules.pregnancy_dating``). Past the last band the reported FUR is kept; without an
    ultrasound (NaT date or NaN days) too.

        >>> fur = np.array(["2025-01-01", "2025-01-01", "NaT"], "datetime64[D]")
        >>> us = np.array(["2025-03-01", "2025-03-01", "2025-03-01"], "datetime64[D]")
        >>> days = np.array([50.0, 54.0, 60.0])  # implied FURs: Jan 10, Jan 6, Dec 31
        >>> dated, by_us = dating_fur(fur, us, days, [63, 112], [5, 7])
        >>> [str(d) for d in dated], by_us.tolist()  # 9 days apart > 5; 5 is not; no FUR
        (['2025-01-10', '2025-01-01', '2024-12-31'], [True, False, True])
    """
    reported = np.asarray(fur, dtype="datetime64[D]")
    scanned = np.asarray(ultrasound_date, dtype="datetime64[D]")
    measured = np.asarray(ultrasound_days, dtype=np.float64)
    has_scan = ~np.isnat(scanned) & ~np.isnan(measured)
    implied = scanned - np.where(has_scan, measured, 0).astype("timedelta64[D]")
    limits = np.asarray(before_day, dtype=np.float64)
    allowed = np.append(np.asarray(more_than_days, dtype=np.float64), np.inf)
    band = np.searchsorted(limits, np.where(has_scan, measured, 0), side="right")
    apart = np.abs((implied - reported).astype(np.float64))
    redate = has_scan & (np.isnat(reported) | (apart > allowed[band]))
    return np.where(redate, implied, reported), redate


def _days_since(lmp: ArrayLike, on: ArrayLike) -> NDArray[np.float64]:
    """Days from the FUR to ``on``; NaN where either is NaT (negative before the FUR)."""
    start = np.asarray(lmp, dtype="datetime64[D]")
    end = np.asarray(on, dtype="datetime64[D]")
    days = (end - start).astype(np.float64)
    return np.where(np.isnat(start) | np.isnat(end), np.nan, days)
