"""Verification of JUNTOS co-responsibilities per member and condition, vectorised.

Everything here is columnar: a mapping of column name to array in, a dict of numpy arrays out.
Pure numpy: no Django, no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from crecer.norms import Profile
from crecer.norms.juntos import Condition, JuntosNorms
from crecer.norms.schedule import Subject, month_start_day
from crecer.schedules import child_status, pregnancy_month
from crecer.schedules.engine import as_day

Columns = Mapping[str, Any]
Day = date | str | np.datetime64

STATUSES = ("complied", "not_complied", "not_verifiable", "exempt")
COMPLIED, NOT_COMPLIED, NOT_VERIFIABLE, EXEMPT = range(4)

# machine-readable reasons (index 0: none, for rows that complied)
REASONS = (
    "",
    "missing_checks",
    "no_facility_declared",
    "no_school_declared",
    "no_school_record",
    "not_enrolled",
    "absence_over_limit",
    "no_attendance_record",
    "no_birth_date",
    "incomplete_for_age",
    "waiver",
    "no_health_record",
)
# A member of whom Crecer holds no health record (an older sibling: the padrón lists children
# under 6) cannot show a check: not verifiable, and not the household's failure (see
# crecer.transfers.entitlements), unlike an undeclared facility.
NOT_HELD = "no_health_record"
_R = {reason: index for index, reason in enumerate(REASONS)}

AGE_UNKNOWN = "age_unknown"
_NEVER = np.iinfo(np.int64).max // 4
NAT = np.datetime64("NaT", "D")


def juntos_norms(profile: Profile) -> JuntosNorms:
    """``profile.juntos``, or a ValueError naming the profile."""
    if profile.juntos is None:
        raise ValueError(f"profile {profile.profile.id!r} has no [juntos]")
    return profile.juntos


@dataclass
class _Events:
    """Events of known members, sorted by member row then day; codes dictionary-encoded."""

    row: NDArray[np.int64]
    day: NDArray[np.int64]
    code: NDArray[np.int64]
    vocabulary: NDArray[np.str_]

    def mask(self, codes: list[str]) -> NDArray[np.bool_]:
        return np.isin(self.vocabulary, np.asarray(codes, dtype=str))

    def count(
        self, codes: list[str], lo: NDArray[np.int64], hi: NDArray[np.int64], n: int
    ) -> NDArray[np.int64]:
        """Per member row: distinct days with an event of ``codes`` in ``[lo, hi]``."""
        keep = self.mask(codes)[self.code]
        row, day = self.row[keep], self.day[keep]
        inside = (day >= lo[row]) & (day <= hi[row])
        row, day = row[inside], day[inside]
        first = np.ones(len(row), dtype=bool)
        first[1:] = (row[1:] != row[:-1]) | (day[1:] != day[:-1])
        return np.bincount(row[first], minlength=n).astype(np.int64)


@dataclass
class _Block:
    row: NDArray[np.int64]
    order: int
    condition: str
    status: NDArray[np.int8]
    reason: NDArray[np.int8]
    required: NDArray[np.int64]
    done: NDArray[np.int64]
    due_by: NDArray[np.int64]  # days since the epoch; _NEVER for none


def verify_members(
    members: Columns,
    events: Columns,
    school: Columns,
    period_start: Day,
    period_end: Day,
    profile: Profile,
    *,
    code_vocabulary: Sequence[str] | None = None,
) -> dict[str, np.ndarray]:
    """Every member's applicable JUNTOS conditions in the period, one row per member × condition.

    ``members``: ``member`` (int64 id, unique), ``household``, ``birth_date``, ``lmp`` (FUR of a
    pregnancy ongoing at some time in the period), ``delivery`` (a delivery 42 or more days
    before the period's end), ``facility_declared``, ``school_declared``, ``upper_secondary``,
    ``waived``; optionally ``health_record`` (False: Crecer holds no health record of the
    member, so a child's health condition is not verifiable, reason ``no_health_record``),
    ``target`` (False: a member only listed, e.g. an adult head, whose
    unknown birth date is not reported) and ``birth_weight_g`` / ``gestational_weeks`` (for
    the TPI package's low-birth-weight schedules). ``events``: ``member``, ``date``, ``code``.
    ``school``: ``member``, ``term_start``, ``term_end``, ``enrolled``, ``days_attended``,
    ``days_absent``. ``code`` may hold integers indexing ``code_vocabulary`` (dictionary
    encoded, as for :func:`crecer.schedules.child_status`; faster on millions of events).

    Returns ``member``, ``household``, ``condition``, ``status`` (complied, not_complied,
    not_verifiable, exempt), ``required``, ``done``, ``due_by`` (when the missing check was due;
    NaT otherwise) and ``reason`` (see :data:`REASONS`; "" when complied), rows ordered by the
    members' order and then the profile's conditions (TPI package last). Texts are object
    arrays of ``str``; ``condition_code`` (int16, index into :func:`condition_ids`) and
    ``status_code`` (int8, index into :data:`STATUSES`) give the same as integers.
    """
    norms = juntos_norms(profile)
    start = as_day(period_start).astype(np.int64)
    end = as_day(period_end).astype(np.int64)
    if end < start:
        raise ValueError("period_end is before period_start")
    ids = np.asarray(members["member"]).astype(np.int64, copy=False)
    n = len(ids)
    order = np.argsort(ids, kind="stable")
    if n > 1 and np.any(ids[order][1:] == ids[order][:-1]):
        raise ValueError("members' ids repeat")
    birth, birth_known = _days(members["birth_date"])
    lmp, lmp_known = _days(members["lmp"])
    delivery, delivered = _days(members["delivery"])
    facility = _bool(members, "facility_declared", n)
    schooled = _bool(members, "school_declared", n)
    waived = _bool(members, "waived", n)
    recorded = (
        np.asarray(members["health_record"]).astype(bool)
        if "health_record" in members
        else np.ones(n, bool)
    )
    age = np.where(birth_known, end - birth, -1)
    ev = _prepare_events(events, ids, order, code_vocabulary)
    blocks: list[_Block] = []
    ctx = _Context(n, start, end, facility, schooled, waived, recorded)
    for index, condition in enumerate(norms.conditions):
        codes = _codes(condition, profile, end)
        if condition.member == "child":
            blocks.append(_child(ctx, index, condition, codes, birth, birth_known, age, ev))
        elif condition.member == "pregnant":
            month_days = _month_days(profile, end)
            blocks.append(
                _pregnant(ctx, index, condition, codes, lmp, lmp_known, delivery, delivered, ev,
                          month_days)
            )  # fmt: skip
        elif condition.member == "postpartum":
            blocks.append(_postpartum(ctx, index, condition, codes, delivery, delivered, ev))
        else:
            blocks.append(_student(ctx, index, condition, age, birth_known, school, ids, order))
    unknown = ~birth_known & ~lmp_known & ~delivered
    if "target" in members:
        unknown &= np.asarray(members["target"]).astype(bool)
    rows = np.flatnonzero(unknown)
    blocks.append(
        ctx.finish(
            rows,
            len(norms.conditions),
            AGE_UNKNOWN,
            ok=np.zeros(len(rows), bool),
            declared=np.ones(len(rows), bool),
            needs="facility",
            other=np.ones(len(rows), bool),
            other_reason="no_birth_date",
            required=np.zeros(len(rows), np.int64),
            done=np.zeros(len(rows), np.int64),
            due_by=np.full(len(rows), _NEVER),
        )
    )
    blocks.extend(_tpi(ctx, norms, profile, members, birth, birth_known, age, ev, end))
    return _assemble(blocks, ids, np.asarray(members["household"]).astype(np.int64, copy=False))


@dataclass
class _Context:
    n: int
    start: np.int64
    end: np.int64
    facility: NDArray[np.bool_]
    schooled: NDArray[np.bool_]
    waived: NDArray[np.bool_]
    recorded: NDArray[np.bool_]

    def finish(
        self,
        rows: NDArray[np.int64],
        order: int,
        condition: str,
        *,
        ok: NDArray[np.bool_],
        needs: str,
        required: NDArray[np.int64],
        done: NDArray[np.int64],
        due_by: NDArray[np.int64],
        fail_reason: str = "missing_checks",
        fail_reasons: NDArray[np.int8] | None = None,
        declared: NDArray[np.bool_] | None = None,
        other: NDArray[np.bool_] | None = None,
        other_reason: str = "",
    ) -> _Block:
        """Statuses by precedence: waiver (exempt), the facility or school not declared, other
        missing data (not verifiable), then complied or not."""
        rows = rows.astype(np.int64)
        if declared is None:
            declared = (self.facility if needs == "facility" else self.schooled)[rows]
        failed = np.full(len(rows), _R[fail_reason], np.int8)
        if fail_reasons is not None:
            failed = fail_reasons
        status = np.where(ok, COMPLIED, NOT_COMPLIED).astype(np.int8)
        reason = np.where(ok, 0, failed).astype(np.int8)
        if other is not None:
            status[other] = NOT_VERIFIABLE
            reason[other] = _R[other_reason]
        undeclared = ~declared
        status[undeclared] = NOT_VERIFIABLE
        reason[undeclared] = _R[
            "no_facility_declared" if needs == "facility" else "no_school_declared"
        ]
        exempt = self.waived[rows]
        status[exempt] = EXEMPT
        reason[exempt] = _R["waiver"]
        due = np.where(status == NOT_COMPLIED, due_by, _NEVER)
        return _Block(rows, order, condition, status, reason, required, done, due)


def _child(
    ctx: _Context,
    order: int,
    condition: Condition,
    codes: list[str],
    birth: NDArray[np.int64],
    birth_known: NDArray[np.bool_],
    age: NDArray[np.int64],
    ev: _Events,
) -> _Block:
    within = int(condition.within_days or 0)
    applies = birth_known & _in_ages(age, condition)
    if condition.anchor == "birth":
        close = birth + within - 1
        applies &= (close >= ctx.start) & (close <= ctx.end)
        lo, hi = birth, close
    else:
        lo = np.maximum(ctx.end - within + 1, birth)
        hi = np.full(ctx.n, ctx.end)
    lo, hi = np.where(applies, lo, _NEVER), np.where(applies, hi, -_NEVER)
    done = ev.count(codes, lo, hi, ctx.n)
    rows = np.flatnonzero(applies)
    required = np.full(len(rows), condition.at_least, np.int64)
    return ctx.finish(
        rows,
        order,
        condition.id,
        ok=done[rows] >= required,
        needs=condition.needs,
        required=required,
        done=done[rows],
        due_by=hi[rows],
        other=~ctx.recorded[rows],
        other_reason=NOT_HELD,
    )


def _pregnant(
    ctx: _Context,
    order: int,
    condition: Condition,
    codes: list[str],
    lmp: NDArray[np.int64],
    lmp_known: NDArray[np.bool_],
    delivery: NDArray[np.int64],
    delivered: NDArray[np.bool_],
    ev: _Events,
    month_days: float,
) -> _Block:
    """The JUNTOS month rule: by the month of pregnancy at the period's end (or at the delivery,
    if it came first), the checks of every tier whose month has started, each done before it."""
    ended = delivered & (delivery >= lmp) & (delivery < ctx.end)
    applies = lmp_known & ~(ended & (delivery < ctx.start))
    until = np.where(ended, delivery, ctx.end)
    month = pregnancy_month(_dates(np.where(applies, lmp, 0)), _dates(until), month_days).astype(
        np.int64
    )
    rows = np.flatnonzero(applies)
    lo = np.where(applies, lmp, _NEVER)
    done = ev.count(codes, lo, np.where(applies, until, -_NEVER), ctx.n)[rows]
    required = np.zeros(len(rows), np.int64)
    ok = np.ones(len(rows), bool)
    due_by = np.full(len(rows), _NEVER)
    cumulative = 0
    for tier in condition.tiers:
        cumulative += tier.checks
        deadline = lmp + month_start_day(tier.before_month, month_days) - 1
        due = applies & (month >= tier.before_month)
        counted = ev.count(codes, lo, np.where(due, deadline, -_NEVER), ctx.n)[rows]
        tier_due = due[rows]
        required = np.where(tier_due, cumulative, required)
        missed = tier_due & (counted < cumulative)
        due_by = np.where(missed & ok, deadline[rows], due_by)
        ok &= ~missed
    return ctx.finish(
        rows,
        order,
        condition.id,
        ok=ok,
        needs=condition.needs,
        required=required,
        done=done,
        due_by=due_by,
    )


def _postpartum(
    ctx: _Context,
    order: int,
    condition: Condition,
    codes: list[str],
    delivery: NDArray[np.int64],
    delivered: NDArray[np.bool_],
    ev: _Events,
) -> _Block:
    close = delivery + int(condition.within_days or 0)
    applies = delivered & (close >= ctx.start) & (close <= ctx.end)
    lo, hi = np.where(applies, delivery + 1, _NEVER), np.where(applies, close, -_NEVER)
    done = ev.count(codes, lo, hi, ctx.n)
    rows = np.flatnonzero(applies)
    required = np.full(len(rows), condition.at_least, np.int64)
    return ctx.finish(
        rows,
        order,
        condition.id,
        ok=done[rows] >= required,
        needs=condition.needs,
        required=required,
        done=done[rows],
        due_by=close[rows],
    )


def _student(
    ctx: _Context,
    order: int,
    condition: Condition,
    age: NDArray[np.int64],
    birth_known: NDArray[np.bool_],
    school: Columns,
    ids: NDArray[np.int64],
    member_order: NDArray[np.int64],
) -> _Block:
    """Enrolled in a term overlapping the period, absent at most ``max_absence`` of the school
    days of each such term. required / done: school days / days attended (enrolled terms)."""
    applies = birth_known & _in_ages(age, condition)
    n = ctx.n
    row, found = _rows_of(np.asarray(school["member"]).astype(np.int64), ids, member_order)
    term_start, _ = _days(school["term_start"])
    term_end, _ = _days(school["term_end"])
    overlap = found & (term_start <= ctx.end) & (term_end >= ctx.start)
    enrolled = overlap & np.asarray(school["enrolled"]).astype(bool)
    attended = np.asarray(school["days_attended"]).astype(np.int64)
    absent = np.asarray(school["days_absent"]).astype(np.int64)
    days = attended + absent
    limit = float(condition.max_absence or 0.0)
    over = enrolled & (days > 0) & (absent > limit * days + 1e-9)
    empty = enrolled & (days <= 0)

    def per_member(mask: NDArray[np.bool_], weights: NDArray[np.int64] | None = None) -> Any:
        w = None if weights is None else weights[mask]
        return np.bincount(row[mask], weights=w, minlength=n).astype(np.int64)

    records, n_enrolled = per_member(overlap), per_member(enrolled)
    n_over, n_empty = per_member(over), per_member(empty)
    school_days, days_attended = per_member(enrolled, days), per_member(enrolled, attended)
    rows = np.flatnonzero(applies)
    no_record = records[rows] == 0
    reasons = np.where(n_enrolled[rows] == 0, _R["not_enrolled"], _R["absence_over_limit"])
    ok = (n_enrolled[rows] > 0) & (n_over[rows] == 0)
    missing = no_record | (ok & (n_empty[rows] > 0))
    block = ctx.finish(
        rows,
        order,
        condition.id,
        ok=ok,
        needs="school",
        required=school_days[rows],
        done=days_attended[rows],
        due_by=np.full(len(rows), _NEVER),
        fail_reasons=reasons.astype(np.int8),
        other=missing,
        other_reason="no_school_record",
    )
    # a term enrolled without any school day recorded: its attendance cannot be verified
    empty_only = (
        ~no_record & (block.status == NOT_VERIFIABLE) & (block.reason == _R["no_school_record"])
    )
    block.reason[empty_only] = _R["no_attendance_record"]
    return block


def _tpi(
    ctx: _Context,
    norms: JuntosNorms,
    profile: Profile,
    members: Columns,
    birth: NDArray[np.int64],
    birth_known: NDArray[np.bool_],
    age: NDArray[np.int64],
    ev: _Events,
    end: np.int64,
) -> list[_Block]:
    """The TPI child package: requirements of the child schedule complete for age."""
    tpi = birth_known & (age >= 0) & (age < norms.tpi.child_under_days.value)
    rows = np.flatnonzero(tpi)
    local = np.full(ctx.n, -1, np.int64)
    local[rows] = np.arange(len(rows))
    keep = local[ev.row] >= 0
    children: dict[str, Any] = {"birth_date": _dates(birth[rows])}
    for column in ("birth_weight_g", "gestational_weeks"):
        if column in members:
            children[column] = np.asarray(members[column], dtype=np.float64)[rows]
    status = child_status(
        profile,
        children,
        {"child": local[ev.row[keep]], "date": _dates(ev.day[keep]), "code": ev.code[keep]},
        as_of=np.datetime64(int(end), "D"),
        code_vocabulary=[str(code) for code in ev.vocabulary],
    ).columns
    blocks = []
    first = len(norms.conditions) + 1
    for index, item in enumerate(norms.tpi.package):
        missing = [r for r in item.requirements if f"{r}_complete" not in status]
        if missing:
            raise ValueError(
                f"juntos.tpi.package[{item.id}] names {missing}, not requirements of the child "
                "schedule in force"
            )
        ok = np.ones(len(rows), bool)
        required = np.zeros(len(rows), np.int64)
        done = np.zeros(len(rows), np.int64)
        due_by = np.full(len(rows), _NEVER)
        for requirement in item.requirements:
            complete = status[f"{requirement}_complete"].astype(bool)
            ok &= complete
            required += status[f"{requirement}_required"].astype(np.int64)
            done += np.minimum(
                status[f"{requirement}_done"].astype(np.int64),
                status[f"{requirement}_required"].astype(np.int64),
            )
            nxt, known = _days(status[f"{requirement}_next_due"])
            due_by = np.where(~complete & known, np.minimum(due_by, nxt), due_by)
        blocks.append(
            ctx.finish(
                rows,
                first + index,
                item.id,
                ok=ok,
                needs="facility",
                required=required,
                done=done,
                due_by=due_by,
                fail_reason="incomplete_for_age",
            )
        )
    return blocks


def _assemble(
    blocks: list[_Block], ids: NDArray[np.int64], household: NDArray[np.int64]
) -> dict[str, np.ndarray]:
    row = np.concatenate([b.row for b in blocks])
    order = np.concatenate([np.full(len(b.row), b.order, np.int16) for b in blocks])
    names = np.empty(max(b.order for b in blocks) + 1, dtype=object)
    for block in blocks:
        names[block.order] = block.condition
    sort = np.argsort(row * (len(names) + 1) + order)  # keys are unique
    row, order = row[sort], order[sort]
    status = np.concatenate([b.status for b in blocks])[sort]
    reason = np.concatenate([b.reason for b in blocks])[sort]
    due = np.concatenate([b.due_by for b in blocks])[sort]
    # texts as object arrays sharing one str per value: 8 bytes a row, not a copy per row
    return {
        "member": ids[row],
        "household": household[row],
        "condition": names[order],
        "status": np.asarray(STATUSES, dtype=object)[status],
        "required": np.concatenate([b.required for b in blocks])[sort],
        "done": np.concatenate([b.done for b in blocks])[sort],
        "due_by": np.where(due == _NEVER, NAT, _dates(np.where(due == _NEVER, 0, due))),
        "reason": np.asarray(REASONS, dtype=object)[reason],
        "condition_code": order,
        "status_code": status,
    }


def condition_ids(profile: Profile) -> list[str]:
    """The ids of ``condition_code`` in :func:`verify_members`'s result: the profile's
    conditions, ``age_unknown``, then the TPI package's items."""
    norms = juntos_norms(profile)
    return [c.id for c in norms.conditions] + [AGE_UNKNOWN] + [i.id for i in norms.tpi.package]


def _prepare_events(
    events: Columns,
    ids: NDArray[np.int64],
    member_order: NDArray[np.int64],
    code_vocabulary: Sequence[str] | None,
) -> _Events:
    row, found = _rows_of(np.asarray(events["member"]).astype(np.int64), ids, member_order)
    day, known = _days(events["date"])
    keep = found & known
    codes = np.asarray(events["code"])
    if code_vocabulary is not None:
        vocabulary = np.asarray([str(code) for code in code_vocabulary], dtype=str)
        code = codes.astype(np.int64, copy=False)[keep]
    elif codes.dtype.kind in "iu":
        raise TypeError("integer event codes need code_vocabulary")
    else:
        vocabulary, code = _encode(codes[keep])
    row, day, code = row[keep], day[keep], code.astype(np.int64).ravel()
    if len(day):
        # one int64 key (member row, then day): a single sort instead of a lexsort
        low = day.min()
        sort = np.argsort(row * (day.max() - low + 1) + (day - low))
    else:
        sort = np.zeros(0, np.int64)
    return _Events(row[sort], day[sort], code[sort], vocabulary)


def _encode(codes: np.ndarray) -> tuple[NDArray[np.str_], NDArray[np.int64]]:
    """Codes as indexes into their sorted distinct values. ASCII codes of up to 8 characters
    (every HIS code) are read as one uint64 each, which sorts far faster than text."""
    try:
        raw = codes.astype("S")
    except (UnicodeEncodeError, ValueError):
        raw = None
    if raw is not None and 0 < raw.dtype.itemsize <= 8:
        found, index = np.unique(raw.astype("S8").view(np.uint64), return_inverse=True)
        return found.view("S8").astype(str), index.astype(np.int64).ravel()
    text, index = np.unique(codes.astype(str), return_inverse=True)
    return text, index.astype(np.int64).ravel()


def _rows_of(
    values: NDArray[np.int64], ids: NDArray[np.int64], member_order: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Row in ``members`` of each id in ``values``, and whether it is a member at all."""
    n = len(ids)
    if n == 0:
        return np.zeros(len(values), np.int64), np.zeros(len(values), bool)
    low, high = ids[member_order[0]], ids[member_order[-1]]
    if high - low < 8 * n + 1024:
        # dense ids (the usual case): a lookup table instead of a binary search
        table = np.full(int(high - low) + 1, -1, np.int64)
        table[ids - low] = np.arange(n)
        inside = (values >= low) & (values <= high)
        at = table[np.where(inside, values - low, 0)]
        found = inside & (at >= 0)
        return np.where(found, at, 0), found
    sorted_ids = ids[member_order]
    at = np.minimum(np.searchsorted(sorted_ids, values), n - 1)
    found = sorted_ids[at] == values
    return np.where(found, member_order[at], 0).astype(np.int64), found


def _codes(condition: Condition, profile: Profile, end: np.int64) -> list[str]:
    if condition.codes or condition.member == "student":
        return list(condition.codes)
    if condition.member == "child":
        return list(profile.services.cred.codes)
    subject: Subject = "pregnancy" if condition.member == "pregnant" else "postpartum"
    requirement = "prenatal" if condition.member == "pregnant" else "postnatal"
    if profile.schedules is None:
        raise ValueError(f"condition {condition.id!r} has no codes and the profile no schedules")
    schedule = profile.schedules.in_force(subject, _on(end))
    return list(schedule.variants(requirement)[0].codes)


def _month_days(profile: Profile, end: np.int64) -> float:
    if profile.schedules is None:
        raise ValueError("the JUNTOS month rule needs the profile's pregnancy schedule")
    schedule = profile.schedules.in_force("pregnancy", _on(end))
    if schedule.month_days is None:
        raise ValueError(f"pregnancy schedule {schedule.id!r} has no month_days")
    return float(schedule.month_days)


def _on(day: np.int64) -> date:
    on: date = np.datetime64(int(day), "D").astype(object)
    return on


def _in_ages(age: NDArray[np.int64], condition: Condition) -> NDArray[np.bool_]:
    low = 0 if condition.from_age_days is None else condition.from_age_days
    high = _NEVER if condition.to_age_days is None else condition.to_age_days
    return (age >= low) & (age <= high)


def _days(values: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Days since the epoch (0 where unknown) and whether the date is known."""
    dates = np.asarray(values).astype("datetime64[D]")
    known = ~np.isnat(dates)
    return np.where(known, dates.astype(np.int64), 0), known


def _dates(days: ArrayLike) -> NDArray[np.datetime64]:
    return np.asarray(days).astype(np.int64).astype("datetime64[D]")


def _bool(frame: Columns, name: str, n: int) -> NDArray[np.bool_]:
    if name not in frame:
        return np.zeros(n, dtype=bool)
    return np.asarray(frame[name]).astype(bool)
