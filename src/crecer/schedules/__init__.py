"""What each child, pregnancy or puerperium is due, has done and is overdue for, as of a date.

    >>> import numpy as np
    >>> from crecer.norms import load_profile
    >>> from crecer.schedules import child_status
    >>> children = {"birth_date": np.array(["2025-01-01"], "datetime64[D]")}
    >>> events = {
    ...     "child": np.array([0, 0]),
    ...     "date": np.array(["2025-03-07", "2025-05-11"], "datetime64[D]"),  # days 65, 130
    ...     "code": np.array(["90722", "90722"]),                           # pentavalent
    ... }
    >>> status = child_status(load_profile("peru"), children, events, as_of="2025-07-20")
    >>> int(status.columns["pentavalent_done"][0]), bool(status.columns["pentavalent_complete"][0])
    (2, True)

Columnar in, columnar out: subjects and events are mappings of column name to array (a dict of
numpy arrays; a pandas or polars DataFrame also works), and the result's ``columns`` is a dict of
numpy arrays, one value per subject. Pure numpy: no Django, no I/O, no clock.

A pregnancy counts days from its FUR (:func:`pregnancy_status`), its puerperium from the
delivery date (:func:`postpartum_status`); :mod:`crecer.schedules.pregnancy` dates a pregnancy
(gestational age, FPP, trimester, month of pregnancy).
"""

from crecer.schedules.engine import EventStatus, ScheduleStatus
from crecer.schedules.pregnancy import (
    NAEGELE_DAYS,
    dating_fur,
    due_date,
    gestational_days,
    gestational_weeks,
    pregnancy_month,
    trimester,
)
from crecer.schedules.status import child_status, postpartum_status, pregnancy_status

__all__ = [
    "NAEGELE_DAYS",
    "EventStatus",
    "ScheduleStatus",
    "child_status",
    "dating_fur",
    "due_date",
    "gestational_days",
    "gestational_weeks",
    "postpartum_status",
    "pregnancy_month",
    "pregnancy_status",
    "trimester",
]
