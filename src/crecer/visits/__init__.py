"""Which home visits count for the municipal incentive (PIM), and how many each child had a
month. Pure: visits in, judgements and monthly counts out; the rules are the profile's
``[community.pim]`` (:class:`crecer.norms.community.PimVisits`). No database, no clock.

A visit is judged in this order, the first rule it breaks giving its reason:

1. ``before_birth``: dated before the child's birth;
2. ``outside_age_band``: the child's completed months on the visit day are in no age band
   (3-5 and 6-12 months in Peru's profile);
3. ``not_found`` / ``refused``: the family was not found, or refused the visit;
4. ``app_not_valid``: the application marked it not valid (``invalid_statuses``);
5. ``app_limit_exceeded``: the application gave a reason for an exceeded limit;
6. ``too_short``: it lasted less than ``min_duration_minutes`` (an unknown duration passes);
7. ``same_day``: another valid visit (or call) of the same child is on the same day
   (``one_per_day``; the earlier one in the input counts);
8. ``over_limit``: the band's ``max_per_month`` valid contacts of the month are already
   counted (calls apart from visits unless ``calls_count_as_visits``).

Otherwise it is ``valid``. A child's month counts its valid visits and calls; it is *visited*
when they reach the band's ``required``.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from crecer.anemia import completed_months
from crecer.norms.community import AgeBand, PimVisits

__all__ = ["REASONS", "Judgement", "MonthCount", "Visit", "judge", "monthly"]

REASONS = (
    "valid",
    "before_birth",
    "outside_age_band",
    "not_found",
    "refused",
    "app_not_valid",
    "app_limit_exceeded",
    "too_short",
    "same_day",
    "over_limit",
)
FOUND, NOT_FOUND, REFUSED = "found", "not_found", "refused"
HOME, CALL = "home", "call"


@dataclass(frozen=True)
class Visit:
    """One visit or call: ``key`` is the caller's id for it, ``person`` the child's."""

    key: int
    person: int
    birth_date: date
    day: date
    result: str = FOUND
    channel: str = HOME
    duration_minutes: int | None = None
    app_status: str = ""
    limit_reason: str = ""


@dataclass(frozen=True)
class Judgement:
    key: int
    person: int
    month: date  # the first day of the visit's month
    band: str | None
    channel: str
    reason: str

    @property
    def valid(self) -> bool:
        return self.reason == "valid"


@dataclass(frozen=True)
class MonthCount:
    person: int
    month: date
    band: str
    valid_visits: int
    valid_calls: int
    required: int
    visited: bool


def _folded(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.upper().replace("_", " ").split())


def _band_of(months: int, bands: Sequence[AgeBand]) -> AgeBand | None:
    return next((b for b in bands if b.from_months <= months <= b.to_months), None)


def _first_reason(visit: Visit, band: AgeBand | None, rules: PimVisits, invalid: set[str]) -> str:
    if visit.day < visit.birth_date:
        return "before_birth"
    if band is None:
        return "outside_age_band"
    if visit.result == NOT_FOUND:
        return "not_found"
    if visit.result == REFUSED:
        return "refused"
    if visit.app_status and _folded(visit.app_status) in invalid:
        return "app_not_valid"
    if visit.limit_reason.strip():
        return "app_limit_exceeded"
    minimum = rules.min_duration_minutes.value
    if visit.duration_minutes is not None and visit.duration_minutes < minimum:
        return "too_short"
    return "valid"


def judge(visits: Sequence[Visit], rules: PimVisits) -> list[Judgement]:
    """Each visit's judgement, in the order given. Among valid candidates the earlier in
    the input (sort by date first) is counted first."""
    if not visits:
        return []
    births = np.array([v.birth_date for v in visits], dtype="datetime64[D]")
    days = np.array([v.day for v in visits], dtype="datetime64[D]")
    ages = completed_months(births, days)
    invalid = {_folded(status) for status in rules.invalid_statuses}
    counted: dict[tuple[int, date, str], int] = defaultdict(int)
    days_seen: set[tuple[int, date]] = set()
    judged = []
    for visit, months in zip(visits, ages.tolist(), strict=True):
        band = _band_of(months, rules.bands)
        reason = _first_reason(visit, band, rules, invalid)
        month = visit.day.replace(day=1)
        if reason == "valid" and band is not None:
            kind = HOME if rules.calls_count_as_visits.value else visit.channel
            if rules.one_per_day.value and (visit.person, visit.day) in days_seen:
                reason = "same_day"
            elif counted[(visit.person, month, kind)] >= band.max_per_month.value:
                reason = "over_limit"
            else:
                counted[(visit.person, month, kind)] += 1
                days_seen.add((visit.person, visit.day))
        judged.append(
            Judgement(
                visit.key, visit.person, month, band.id if band else None, visit.channel, reason
            )
        )
    return judged


def monthly(judgements: Iterable[Judgement], rules: PimVisits) -> list[MonthCount]:
    """Per child and month with at least one visit in an age band: its valid visits and
    calls, and whether they reach the band's required visits (the band of the month's first
    judged visit in a band). Sorted by child and month."""
    bands = {band.id: band for band in rules.bands}
    first_band: dict[tuple[int, date], str] = {}
    visits: dict[tuple[int, date], int] = defaultdict(int)
    calls: dict[tuple[int, date], int] = defaultdict(int)
    for judgement in judgements:
        if judgement.band is None:
            continue
        key = (judgement.person, judgement.month)
        first_band.setdefault(key, judgement.band)
        if judgement.valid:
            if judgement.channel == CALL:
                calls[key] += 1
            else:
                visits[key] += 1
    counts = []
    for key in sorted(first_band):
        band = bands[first_band[key]]
        contacts = visits[key] + (calls[key] if rules.calls_count_as_visits.value else 0)
        required = band.required.value
        counts.append(
            MonthCount(
                key[0], key[1], band.id, visits[key], calls[key], required, contacts >= required
            )
        )
    return counts
