"""Entry points: children, pregnancies and puerperia, from columns to a :class:`ScheduleStatus`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from crecer.norms import Profile, ScheduleNorms
from crecer.norms.schedule import Subject
from crecer.schedules.engine import ScheduleStatus, as_day, evaluate

Columns = Mapping[str, Any]


def child_status(
    profile: Profile,
    children: Columns,
    events: Columns,
    as_of: date | str | np.datetime64,
    *,
    code_vocabulary: Sequence[str] | None = None,
) -> ScheduleStatus:
    """Per child and requirement: required, done, complete, overdue, next due; and the flags.

    ``children``: ``birth_date`` (datetime64[D]; NaT if unknown) and optionally
    ``birth_weight_g`` and ``gestational_weeks`` (NaN if unknown: counted as term, normal weight).
    ``events``: ``child`` (row number in ``children``), ``date`` (datetime64[D]) and ``code``
    (HIS codes such as "90722", or "DNI" / "SIS" for identity and insurance dates). ``code`` may
    instead hold integers indexing ``code_vocabulary`` (dictionary-encoded, much faster on tens
    of millions of events). The schedule in force on ``as_of`` applies.
    """
    norms = _norms(profile)
    birth = _dates(children["birth_date"])
    low_weight = _below(_column(children, "birth_weight_g"), norms.lbw_below_g, len(birth))
    premature = _below(
        _column(children, "gestational_weeks"), norms.premature_below_weeks, len(birth)
    )
    return _run(
        norms, "child", birth, low_weight | premature, events, "child", as_of, code_vocabulary
    )


def pregnancy_status(
    profile: Profile,
    pregnancies: Columns,
    events: Columns,
    as_of: date | str | np.datetime64,
    *,
    code_vocabulary: Sequence[str] | None = None,
) -> ScheduleStatus:
    """Prenatal care per pregnancy, counted in days since ``lmp_date`` (the FUR).

    ``events`` has ``pregnancy`` (row number in ``pregnancies``), ``date`` and ``code``.
    ``pregnancies`` may have ``end_date`` (else ``delivery_date``): the day the pregnancy ended
    (delivery, loss; NaT while ongoing). An ended pregnancy is evaluated as of that day, so
    nothing becomes due or overdue after it and later events are ignored (``after_as_of``);
    ``age_days`` is then the gestational age at the end.
    """
    norms = _norms(profile)
    lmp = _dates(pregnancies["lmp_date"])
    normal = np.zeros(len(lmp), dtype=bool)
    end = _column(pregnancies, "end_date")
    if end is None:
        end = _column(pregnancies, "delivery_date")
    until = None if end is None else _dates(end)
    return _run(norms, "pregnancy", lmp, normal, events, "pregnancy", as_of, code_vocabulary, until)


def postpartum_status(
    profile: Profile,
    pregnancies: Columns,
    events: Columns,
    as_of: date | str | np.datetime64,
    *,
    code_vocabulary: Sequence[str] | None = None,
) -> ScheduleStatus:
    """Postnatal checks (and puerperal iron) per pregnancy, in days since ``delivery_date``.

    The same frames as :func:`pregnancy_status`: ``pregnancies`` has ``delivery_date`` (NaT while
    the pregnancy is ongoing, or if the date is unknown: not evaluable), ``events`` has
    ``pregnancy``, ``date`` and ``code``. Prenatal events fall before the delivery or have codes
    the puerperium does not count, so they are ignored (``before_origin`` / ``unknown_code``).
    """
    norms = _norms(profile)
    delivered = _dates(pregnancies["delivery_date"])
    normal = np.zeros(len(delivered), dtype=bool)
    return _run(norms, "postpartum", delivered, normal, events, "pregnancy", as_of, code_vocabulary)


def _run(
    norms: ScheduleNorms,
    subject_kind: Subject,
    origin: NDArray[np.datetime64],
    lbw_or_premature: NDArray[np.bool_],
    events: Columns,
    subject_column: str,
    as_of: date | str | np.datetime64,
    code_vocabulary: Sequence[str] | None,
    until: NDArray[np.datetime64] | None = None,
) -> ScheduleStatus:
    day0 = as_day(as_of)
    schedule = norms.in_force(subject_kind, day0.astype(object))
    code_index, vocabulary = _encode(np.asarray(events["code"]), code_vocabulary)
    return evaluate(
        schedule,
        origin=origin,
        lbw_or_premature=lbw_or_premature,
        subject=np.asarray(events[subject_column]).astype(np.int64, copy=False),
        event_date=_dates(events["date"]),
        code_index=code_index,
        vocabulary=vocabulary,
        as_of=day0,
        until=until,
    )


def _norms(profile: Profile) -> ScheduleNorms:
    if profile.schedules is None:
        raise ValueError(f"profile {profile.profile.id!r} has no [schedules]")
    return profile.schedules


def _column(frame: Columns, name: str) -> Any:
    """A column of a dict, a pandas or a polars frame; None if absent."""
    return frame.get(name, None)


def _dates(values: ArrayLike) -> NDArray[np.datetime64]:
    return np.asarray(values).astype("datetime64[D]", copy=False)


def _below(values: ArrayLike | None, limit: float, n: int) -> NDArray[np.bool_]:
    if values is None:
        return np.zeros(n, dtype=bool)
    numbers = np.asarray(values, dtype=np.float64)
    return ~np.isnan(numbers) & (numbers < limit)


def _encode(
    codes: np.ndarray, vocabulary: Sequence[str] | None
) -> tuple[NDArray[np.int64], list[str]]:
    if vocabulary is not None:
        return codes.astype(np.int64, copy=False), [str(code) for code in vocabulary]
    if codes.dtype.kind in "iu":
        raise TypeError("integer event codes need code_vocabulary")
    found, index = np.unique(codes.astype(str), return_inverse=True)
    return index.astype(np.int64), [str(code) for code in found]
