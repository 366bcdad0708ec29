"""The vectorized engine: events in, per-subject status per requirement out.

How it stays fast on tens of millions of events: every valid event becomes one int64 key
``slot | subject | age in days``; a single ``np.sort`` groups events by requirement (and, for CRED
and other disjoint windows, by window), then by subject, then by age. Same-day duplicates are
then adjacent keys. Each dose is one pass over its requirement's (or window's) slice of keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from crecer.norms import Schedule
from crecer.norms.schedule import SameDayCode
from crecer.schedules.plan import NEVER, Plan, RequirementPlan, build_plan

NO_LAST = -NEVER


class EventStatus(IntEnum):
    """Codes of :attr:`ScheduleStatus.event_status`, one per input event."""

    USED = 0  # went to a requirement (it may still fall outside every dose's ages)
    UNKNOWN_CODE = 1  # code not used by any requirement of the schedule
    UNKNOWN_SUBJECT = 2  # subject index outside the subjects given
    NO_ORIGIN_DATE = 3  # the subject has no birth date (or FUR)
    MISSING_DATE = 4
    BEFORE_ORIGIN = 5  # dated before birth (or before the FUR)
    AFTER_AS_OF = 6  # dated after the as-of date (or the subject's end, e.g. the delivery)


@dataclass
class ScheduleStatus:
    """The result: ``columns`` per subject, ``event_status`` per input event.

    ``columns`` maps names to arrays of one value per subject: ``age_days``, ``evaluable``,
    ``duplicate_events`` (same-day repeats counted once), then for each requirement ``R``:
    ``R_required`` and ``R_done`` (dose counts), ``R_complete`` (every dose required for age is
    done), ``R_overdue`` (a dose past due plus grace, or a closed window, without it),
    ``R_next_due`` (date of the next dose still possible; NaT if none); then each flag.
    """

    schedule_id: str
    columns: dict[str, np.ndarray]
    event_status: NDArray[np.int8]
    requirements: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def ignored_counts(self) -> dict[str, int]:
        """Number of events per reason they were ignored."""
        counts = np.bincount(self.event_status, minlength=len(EventStatus))
        return {s.name.lower(): int(counts[s]) for s in EventStatus if s != EventStatus.USED}


def as_day(value: date | str | np.datetime64) -> np.datetime64:
    """``value`` (a date, an ISO text or a datetime64 of any unit) as a ``datetime64[D]``."""
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]")
    return np.datetime64(value, "D")


def evaluate(
    schedule: Schedule,
    *,
    origin: NDArray[np.datetime64],
    lbw_or_premature: NDArray[np.bool_],
    subject: NDArray[np.integer],
    event_date: NDArray[np.datetime64],
    code_index: NDArray[np.integer],
    vocabulary: list[str],
    as_of: date | np.datetime64,
    until: NDArray[np.datetime64] | None = None,
) -> ScheduleStatus:
    """Status of every subject under ``schedule`` as of ``as_of`` (see :class:`ScheduleStatus`).

    ``code_index`` indexes ``vocabulary``, the event codes (dictionary encoding, as Arrow,
    polars categoricals and DuckDB enums hold them). ``until`` optionally ends a subject's
    evaluation earlier (a pregnancy at its delivery): that subject is evaluated as of
    ``min(as_of, until)`` and its later events are ignored; NaT there means ``as_of``.
    """
    plan = build_plan(schedule)
    day0 = as_day(as_of)
    n = len(origin)
    given_events = len(subject)
    read_by_rules = None
    if schedule.same_day_codes:  # derived events follow the given ones
        read_by_rules = _read_by_rules(schedule.same_day_codes, code_index, vocabulary)
        subject, event_date, code_index, vocabulary = derive_same_day(
            schedule.same_day_codes, subject, event_date, code_index, vocabulary
        )
    end = _end_day(day0, until)
    age = np.where(np.isnat(origin), -1, (end - origin).astype(np.int64))
    evaluable = ~np.isnat(origin) & (age >= 0)

    status, requirement, day, shared = _classify_events(
        plan, origin, subject, event_date, code_index, vocabulary, end
    )
    columns: dict[str, np.ndarray] = {
        "age_days": np.where(evaluable, age, -1).astype(np.int32),
        "evaluable": evaluable,
    }
    used_subject, used_requirement, used_day = _used_events(
        status, subject, requirement, day, shared
    )
    del requirement, day, shared

    flag_values = _event_flags(schedule, used_subject, used_requirement, used_day, n)
    slot = _slots(plan, used_requirement, used_day)
    keep = slot >= 0
    keys, shifts = _sorted_keys(slot[keep], used_subject[keep], used_day[keep], n, plan.slots)
    del slot, keep, used_subject, used_requirement, used_day

    repeated = np.flatnonzero(keys[1:] == keys[:-1]) + 1
    subject_mask = (1 << shifts[0]) - 1
    # a repeat is reported once, where the event is routed, not again for each parallel copy
    # (the repeats of a code that only parallel requirements count are not reported)
    reported = repeated[_routed_slot(plan)[keys[repeated] >> shifts[2]]]
    columns["duplicate_events"] = np.bincount(
        (keys[reported] >> shifts[1]) & subject_mask, minlength=n
    ).astype(np.int32)
    keys = np.delete(keys, repeated) if len(repeated) else keys
    bounds = np.searchsorted(keys, np.arange(plan.slots + 1, dtype=np.int64) << shifts[2])

    for requirement_plan in plan.requirements:
        variant = lbw_or_premature.astype(np.intp) if requirement_plan.variants == 2 else None
        slices = [
            _decode(keys[bounds[s] : bounds[s + 1]], shifts)
            for s in range(
                requirement_plan.first_slot, requirement_plan.first_slot + requirement_plan.slots
            )
        ]
        values = _evaluate_requirement(requirement_plan, slices, age, variant, n)
        for name, value in values.items():
            columns[f"{requirement_plan.id}_{name}"] = _blank(name, value, evaluable, origin)
        if until is not None:  # an ended subject (a delivered pregnancy) has nothing due next
            ended = ~np.isnat(until) & (until <= day0)
            columns[f"{requirement_plan.id}_next_due"][ended] = np.datetime64("NaT")

    for flag in schedule.flags:
        if flag.all_of:
            value = evaluable.copy()
            for name in flag.all_of:
                value &= columns.get(f"{name}_complete", columns.get(name, evaluable))
            columns[flag.id] = value
        elif flag.any_of:
            value = np.zeros(n, dtype=bool)
            for name in flag.any_of:
                value |= columns.get(f"{name}_complete", columns.get(name, value))
            columns[flag.id] = value & evaluable
        else:
            columns[flag.id] = flag_values[flag.id] & evaluable
    event_status = status[:given_events].copy()
    if read_by_rules is not None:  # a code only a same-day rule reads is not unknown
        event_status[read_by_rules & (event_status == EventStatus.UNKNOWN_CODE)] = EventStatus.USED
    return ScheduleStatus(
        schedule.id,
        columns,
        event_status,
        [r.id for r in plan.requirements],
        [f.id for f in schedule.flags],
    )


def derive_same_day(
    rules: Sequence[SameDayCode],
    subject: NDArray[np.integer],
    event_date: NDArray[np.datetime64],
    code_index: NDArray[np.integer],
    vocabulary: Sequence[str],
) -> tuple[NDArray[np.integer], NDArray[np.datetime64], NDArray[np.integer], list[str]]:
    """The events with, after them, one derived event per event of a rule's ``of`` codes on a
    day on which the same subject has (``without``: has not) an event of its ``with_any``
    codes; the derived codes are added to the vocabulary (see :class:`SameDayCode`)."""
    words = list(vocabulary)
    size = len(words)
    codes = np.asarray(code_index).astype(np.int64, copy=False)
    codes = np.where((codes >= 0) & (codes < size), codes, size)  # size: no known code
    dates = np.asarray(event_date).astype("datetime64[D]", copy=False)
    subjects_given = np.asarray(subject)

    given_words = [str(word) for word in words]

    def lookup(wanted: Sequence[str]) -> NDArray[np.bool_]:
        """Per code index (and the extra "no known code"): is it one of ``wanted``?"""
        chosen = set(wanted)
        return np.array([word in chosen for word in given_words] + [False], dtype=bool)

    # only the events a rule reads take part (a few per cent of all)
    read = lookup([code for rule in rules for code in [*rule.of, *rule.with_any]])
    taking = np.flatnonzero(read[codes] & ~np.isnat(dates))
    taken_codes = codes[taking]
    day = dates[taking].astype(np.int64)
    day -= day.min() if len(day) else 0
    key = (subjects_given[taking].astype(np.int64) << 32) | (day & 0xFFFFFFFF)
    subjects, days, indexes = [subjects_given], [dates], [codes_given(code_index)]
    for rule in rules:
        mine = lookup(rule.of)[taken_codes]
        marked = np.sort(key[lookup(rule.with_any)[taken_codes]])  # repeats do no harm
        wanted = key[mine]
        at = np.minimum(np.searchsorted(marked, wanted), max(len(marked) - 1, 0))
        same_day = (marked[at] == wanted) if len(marked) else np.zeros(len(wanted), dtype=bool)
        chosen = taking[np.flatnonzero(mine)[~same_day if rule.without else same_day]]
        if rule.code not in words:
            words.append(rule.code)
        subjects.append(subjects_given[chosen])
        days.append(dates[chosen])
        indexes.append(np.full(len(chosen), words.index(rule.code), dtype=np.int64))
    return np.concatenate(subjects), np.concatenate(days), np.concatenate(indexes), words


def codes_given(code_index: NDArray[np.integer]) -> NDArray[np.int64]:
    return np.asarray(code_index).astype(np.int64, copy=False)


def _read_by_rules(
    rules: Sequence[SameDayCode], code_index: NDArray[np.integer], vocabulary: Sequence[str]
) -> NDArray[np.bool_]:
    """Per event: is its code one that a same-day rule reads?"""
    read = {code for rule in rules for code in [*rule.of, *rule.with_any]}
    known = np.array([str(word) in read for word in vocabulary] + [False], dtype=bool)
    inside = (code_index >= 0) & (code_index < len(vocabulary))
    return known[np.where(inside, code_index, len(vocabulary))]


def _end_day(
    day0: np.datetime64, until: NDArray[np.datetime64] | None
) -> np.datetime64 | NDArray[np.datetime64]:
    """The last day each subject is evaluated on: ``as_of``, or its own earlier end."""
    if until is None:
        return day0  # one day for all: the children's path
    ends = np.asarray(until).astype("datetime64[D]", copy=False)
    return np.where(np.isnat(ends) | (ends > day0), day0, ends)


def _routed_slot(plan: Plan) -> NDArray[np.bool_]:
    """Per sort slot: does it belong to a requirement that events are routed to?"""
    routed = np.ones(plan.slots, dtype=bool)
    for index in plan.parallel:
        requirement = plan.requirements[index]
        routed[requirement.first_slot : requirement.first_slot + requirement.slots] = False
    return routed


def _used_events(
    status: NDArray[np.int8],
    subject: NDArray[np.integer],
    requirement: NDArray[np.int64],
    day: NDArray[np.int64],
    shared: dict[int, NDArray[np.bool_]],
) -> tuple[NDArray[np.integer], NDArray[np.int64], NDArray[np.int64]]:
    """Subject, requirement and age of every counted event; an event with a code of parallel
    requirements appears once more for each of them."""
    used = status == EventStatus.USED
    if not shared:  # the children's path: one requirement per event, no copies
        return subject[used], requirement[used], day[used]
    routed = used & (requirement >= 0)
    subjects, requirements, days = [subject[routed]], [requirement[routed]], [day[routed]]
    for index, member in shared.items():
        mine = used & member
        subjects.append(subject[mine])
        requirements.append(np.full(int(mine.sum()), index, dtype=np.int64))
        days.append(day[mine])
    return np.concatenate(subjects), np.concatenate(requirements), np.concatenate(days)


def _classify_events(
    plan: Plan,
    origin: NDArray[np.datetime64],
    subject: NDArray[np.integer],
    event_date: NDArray[np.datetime64],
    code_index: NDArray[np.integer],
    vocabulary: list[str],
    end: np.datetime64 | NDArray[np.datetime64],
) -> tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64], dict[int, NDArray[np.bool_]]]:
    """Each event's status, requirement index (by code and age; -1 if only parallel
    requirements use its code), age in days, and per parallel requirement whether it counts
    the event's code."""
    n = len(origin)
    levels = max((len(r) for r in plan.routes.values()), default=1)
    route_requirement = np.full((levels, len(vocabulary) + 1), -1, dtype=np.int64)
    route_start = np.full((levels, len(vocabulary) + 1), NEVER, dtype=np.int64)
    for v, code in enumerate(vocabulary):
        for level, (start, index) in enumerate(plan.routes.get(str(code), [])):
            route_requirement[level, v] = index
            route_start[level, v] = start
    # codes outside the vocabulary go to the extra last entry, which no requirement uses
    codes = np.where((code_index >= 0) & (code_index < len(vocabulary)), code_index, -1)

    status = np.zeros(len(subject), dtype=np.int8)
    bad_subject = (subject < 0) | (subject >= n)
    safe_subject = np.where(bad_subject, 0, subject) if bad_subject.any() else subject
    # `end` is as_of, or each subject's own last day
    event_end = end[safe_subject] if isinstance(end, np.ndarray) else end
    status[event_date > event_end] = EventStatus.AFTER_AS_OF
    event_origin = origin[safe_subject]
    day = (event_date - event_origin).astype(np.int64)
    status[day < 0] = EventStatus.BEFORE_ORIGIN
    status[np.isnat(event_date)] = EventStatus.MISSING_DATE
    status[np.isnat(event_origin)] = EventStatus.NO_ORIGIN_DATE
    requirement = route_requirement[0, codes]
    shared = {}
    known = requirement >= 0
    for index, parallel_codes in plan.parallel.items():
        counts = np.zeros(len(vocabulary) + 1, dtype=bool)
        counts[:-1] = np.isin(np.asarray(vocabulary, dtype=str), parallel_codes)
        shared[index] = counts[codes]
        known |= shared[index]
    status[~known] = EventStatus.UNKNOWN_CODE
    status[bad_subject] = EventStatus.UNKNOWN_SUBJECT
    for level in range(1, levels):
        later = day >= route_start[level, codes]
        requirement = np.where(later, route_requirement[level, codes], requirement)
    return status, requirement, day, shared


def _event_flags(
    schedule: Schedule,
    subject: NDArray[np.integer],
    requirement: NDArray[np.int64],
    day: NDArray[np.int64],
    n: int,
) -> dict[str, NDArray[np.bool_]]:
    index = {rid: i for i, rid in enumerate(schedule.requirement_ids())}
    values = {}
    for flag in schedule.flags:
        if flag.requirement is None or flag.event_between_days is None:
            continue
        low, high = flag.event_between_days
        hit = (requirement == index[flag.requirement]) & (day >= low) & (day <= high)
        value = np.zeros(n, dtype=bool)
        value[subject[hit]] = True
        values[flag.id] = value
    return values


def _slots(plan: Plan, requirement: NDArray[np.int64], day: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sort slot per event; -1 for an event of a windowed requirement outside every window."""
    first_slot = np.array([r.first_slot for r in plan.requirements], dtype=np.int64)
    slot = first_slot[requirement]
    for index, r in enumerate(plan.requirements):
        if not r.windowed:
            continue
        mine = np.flatnonzero(requirement == index)
        mine_day = day[mine]
        window = np.searchsorted(r.from_day[0], mine_day, side="right") - 1
        inside = (window >= 0) & (mine_day <= r.to_day[0][np.maximum(window, 0)])
        slot[mine] = np.where(inside, r.first_slot + window, -1)
    return slot


def _sorted_keys(
    slot: NDArray[np.int64],
    subject: NDArray[np.integer],
    day: NDArray[np.int64],
    n: int,
    slots: int,
) -> tuple[NDArray[np.int64], tuple[int, int, int]]:
    day_bits = max(int(day.max()).bit_length() if len(day) else 1, 1)
    subject_bits = max(int(n - 1).bit_length(), 1)
    slot_bits = max(int(slots).bit_length(), 1)
    if day_bits + subject_bits + slot_bits > 63:
        raise ValueError("too many subjects or too wide an age range for one 64-bit sort key")
    key = slot << (subject_bits + day_bits)
    key |= subject.astype(np.int64) << day_bits
    key |= day
    key.sort()
    return key, (subject_bits, day_bits, subject_bits + day_bits)


def _decode(
    keys: NDArray[np.int64], shifts: tuple[int, int, int]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    subject_bits, day_bits, _ = shifts
    return (keys >> day_bits) & ((1 << subject_bits) - 1), keys & ((1 << day_bits) - 1)


def _evaluate_requirement(
    r: RequirementPlan,
    slices: list[tuple[NDArray[np.int64], NDArray[np.int64]]],
    age: NDArray[np.int64],
    variant: NDArray[np.intp] | None,
    n: int,
) -> dict[str, np.ndarray]:
    required = np.zeros(n, dtype=np.int16)
    done = np.zeros(n, dtype=np.int16)
    complete = np.ones(n, dtype=bool)
    overdue = np.zeros(n, dtype=bool)
    next_due = np.full(n, NEVER, dtype=np.int64)
    settled = np.zeros(n, dtype=bool)
    last = np.full(n, NO_LAST, dtype=np.int64)
    previous_done = np.ones(n, dtype=bool)

    def per_subject(matrix: NDArray[np.int64], k: int) -> NDArray[np.int64] | np.int64:
        return matrix[0, k] if variant is None else matrix[variant, k]

    for k in range(r.doses):
        subject, day = slices[k] if r.windowed else slices[0]
        done_k, counted_days = _count_dose(r, k, subject, day, last, previous_done, variant, n)
        counted = np.flatnonzero(done_k)
        from_day, to_day = per_subject(r.from_day, k), per_subject(r.to_day, k)
        min_interval = per_subject(r.min_interval, k)
        has_last = last > NO_LAST
        # where the dose counted, `last` moves below; where it did not, it is the day before it
        earliest = np.maximum(per_subject(r.due_day, k), from_day)
        earliest = np.where(has_last, np.maximum(earliest, last + min_interval), earliest)
        last[counted] = counted_days  # both in ascending subject order
        is_required = age >= per_subject(r.required_from, k)
        required += is_required
        done += done_k
        complete &= done_k | ~is_required
        overdue |= ~done_k & (age >= per_subject(r.overdue_from, k))
        exists = from_day < NEVER
        # a dose past its last age can no longer be given; one past the counting interval still
        # can (it is due now, even if FED would not count it)
        missed = age > to_day
        waiting = ~settled & ~done_k & exists
        candidates = waiting & ~missed
        next_due = np.where(candidates, earliest, next_due)
        settled |= waiting if r.kind == "series" else candidates
        previous_done = done_k
    return {
        "required": required,
        "done": done,
        "complete": complete,
        "overdue": overdue,
        "next_due": next_due,
    }


def _first_per_subject(subject: NDArray[np.int64], ok: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Positions of the first ``ok`` event of each subject (events sorted by subject, day)."""
    chosen = np.flatnonzero(ok)
    if len(chosen) < 2:
        return chosen
    chosen_subject = subject[chosen]
    starts = np.empty(len(chosen), dtype=bool)
    starts[0] = True
    np.not_equal(chosen_subject[1:], chosen_subject[:-1], out=starts[1:])
    return chosen[starts]


def _count_dose(
    r: RequirementPlan,
    k: int,
    subject: NDArray[np.int64],
    day: NDArray[np.int64],
    last: NDArray[np.int64],
    previous_done: NDArray[np.bool_],
    variant: NDArray[np.intp] | None,
    n: int,
) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Which subjects have dose ``k`` (the earliest event that fits its ages and intervals), and
    the day of that event for each of those subjects in ascending subject order."""
    if variant is None:
        from_day, to_day = r.from_day[0, k], r.to_day[0, k]
        low, high = r.min_interval[0, k], r.max_interval[0, k]
    else:
        event_variant = variant[subject]
        from_day, to_day = r.from_day[event_variant, k], r.to_day[event_variant, k]
        low, high = r.min_interval[event_variant, k], r.max_interval[event_variant, k]
    last_event = last[subject]
    since = day - last_event
    ok = (since > 0) & ((last_event == NO_LAST) | ((since >= low) & (since <= high)))
    if not r.windowed:
        ok &= (day >= from_day) & (day <= to_day)
    if r.kind == "series" and k > 0:
        ok &= previous_done[subject]
    chosen = _first_per_subject(subject, ok)
    done = np.zeros(n, dtype=bool)
    done[subject[chosen]] = True
    return done, day[chosen]


def _blank(
    name: str, value: np.ndarray, evaluable: NDArray[np.bool_], origin: NDArray[np.datetime64]
) -> np.ndarray:
    """Per-requirement column with neutral values for subjects that cannot be evaluated."""
    if name == "next_due":
        dates = np.full(len(value), np.datetime64("NaT"), dtype="datetime64[D]")
        due = evaluable & (value < NEVER)
        dates[due] = origin[due] + value[due].astype("timedelta64[D]")
        return dates
    if value.dtype == bool:
        return value & evaluable
    return np.where(evaluable, value, 0).astype(value.dtype)
