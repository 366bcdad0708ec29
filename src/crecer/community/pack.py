"""The meeting pack of a monitoring center for a date: its children and pregnant women with
what is due or overdue, coverage by populated center against the month before and the goal,
and the last meeting's decisions with whether they were done.

Nothing is recomputed here: the children's needs are the work list's
(:mod:`crecer.analytics.worklist_rows`, from the latest refresh on or before the date), the
pregnant women's are the pregnancy list's (:func:`crecer.maternal.services.work_rows`), the
coverage is the refresh's indicator values at the populated-center level."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from crecer.access import policy
from crecer.analytics import worklist_rows
from crecer.analytics.models import ChildStatus, IndicatorValue, Refresh
from crecer.community.models import Decision, DecisionState, Meeting, MonitoringCenter
from crecer.community.services import pending_before
from crecer.community.visits_due import VisitDue, not_visited
from crecer.disclosure import Rate, suppress_rate
from crecer.maternal import services as maternal
from crecer.maternal.models import Outcome, Pregnancy, Woman
from crecer.norms import Profile
from crecer.registry.models import Child
from crecer.territory.models import PopulatedCenter


def refresh_on(district: str, on: date, before: date | None = None) -> Refresh | None:
    """The latest refresh holding ``district`` whose date is on or before ``on`` (and before
    ``before``, when given)."""
    scopes = [district[:n] for n in range(len(district) + 1)]
    found = Refresh.objects.filter(scope__in=scopes, as_of__lte=on)
    if before is not None:
        found = found.filter(as_of__lt=before)
    return found.order_by("-as_of", "-finished_at").first()


def month_before(refresh: Refresh | None, district: str) -> Refresh | None:
    """The latest refresh of the months before ``refresh``'s."""
    if refresh is None:
        return None
    return refresh_on(district, refresh.as_of, before=refresh.as_of.replace(day=1))


@dataclass
class CoverageCell:
    now: Rate | None
    before: Rate | None

    @property
    def change(self) -> float | None:
        if self.now is None or self.before is None:
            return None
        if self.now.percent is None or self.before.percent is None:
            return None
        return round(self.now.percent - self.before.percent, 1)


@dataclass
class CoverageRow:
    code: str
    name: str
    cells: list[CoverageCell]


@dataclass
class Column:
    id: str
    name: str
    goal: float | None
    lower_is_better: bool


@dataclass
class Pack:
    center: MonitoringCenter
    on: date
    refresh: Refresh | None
    previous: Refresh | None
    children: list[worklist_rows.WorkRow] = field(default_factory=list)
    women: list[maternal.WorkRow] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)
    last_meeting: Meeting | None = None
    decisions: list[Decision] = field(default_factory=list)
    unvisited: list[VisitDue] = field(default_factory=list)

    @property
    def open_decisions(self) -> list[Decision]:
        return [d for d in self.decisions if d.state == DecisionState.OPEN]


def _rate(value: IndicatorValue | None, personal: bool, min_cell: int) -> Rate | None:
    if value is None:
        return None
    if personal:
        return Rate(value.numerator, value.denominator, value.percent)
    return suppress_rate(value.numerator, value.denominator, min_cell)


def _columns(profile: Profile, year: int) -> list[Column]:
    if profile.community is None or profile.analytics is None:
        return []
    known = {i.id: i for i in profile.analytics.indicators}
    language = get_language() or profile.profile.default_language
    columns = []
    for wanted in profile.community.pack_indicators:
        indicator = known.get(wanted.id)
        if indicator is None:
            continue
        target = indicator.target_for(year)
        columns.append(
            Column(
                indicator.id,
                indicator.name.get(language),
                target.value if target else None,
                indicator.lower_is_better,
            )
        )
    return columns


def coverage(
    user: Any,
    profile: Profile,
    codes: list[str],
    refresh: Refresh | None,
    previous: Refresh | None,
    columns: list[Column],
) -> list[CoverageRow]:
    """Each covered populated center's value of each column now and a month before; small
    cells hidden for a user who does not see the center's children by name."""
    if refresh is None or not columns:
        return []
    ids = [c.id for c in columns]
    runs = [r.pk for r in (refresh, previous) if r is not None]
    values = {
        (v.refresh_id, v.code, v.indicator): v
        for v in IndicatorValue.objects.filter(
            refresh_id__in=runs, level="populated_center", code__in=codes, indicator__in=ids
        )
    }
    names = dict(PopulatedCenter.objects.filter(code__in=codes).values_list("code", "name"))
    min_cell = profile.disclosure.min_cell
    rows = []
    for code in codes:
        personal = policy.sees_personal_in(user, code) or policy.sees_personal_in(user, code[:6])
        cells = []
        for column in columns:
            now = _rate(values.get((refresh.pk, code, column.id)), personal, min_cell)
            before = (
                _rate(values.get((previous.pk, code, column.id)), personal, min_cell)
                if previous
                else None
            )
            cells.append(CoverageCell(now, before))
        rows.append(CoverageRow(code, names.get(code, code), cells))
    return rows


def pack_for(center: MonitoringCenter, user: Any, on: date, profile: Profile) -> Pack:
    codes = center.center_codes()
    refresh = refresh_on(center.district_id, on)
    previous = month_before(refresh, center.district_id)
    result = Pack(center, on, refresh, previous)
    if refresh is not None:
        visible = Child.objects.visible_to(user).active().values("pk")
        statuses = ChildStatus.objects.filter(
            refresh=refresh, child_id__in=visible, populated_center_id__in=codes
        )
        ranked = worklist_rows.ranked(statuses, refresh, profile.anemia, ())
        children = worklist_rows.children_by_id(user, ranked["child_id"].to_list())
        result.children = worklist_rows.work_rows(ranked, children)
    pregnancies = list(
        Pregnancy.objects.filter(
            woman__in=Woman.objects.visible_to(user).filter(populated_center_id__in=codes),
            outcome=Outcome.ONGOING,
            lmp_date__lte=on,
        )
        .select_related("woman", "woman__district")
        .order_by("lmp_date", "id")
    )
    result.women = maternal.work_rows(profile, pregnancies, on)
    if profile.community is not None:
        language = get_language() or profile.profile.default_language
        result.unvisited = not_visited(user, codes, on, profile.community.pim, language)
        due = {item.child.pk for item in result.unvisited}
        label = _("Not visited this month")
        for row in result.children:
            if row.child.pk in due:
                row.needs.append(worklist_rows.Need("not_visited", label))
    result.columns = _columns(profile, on.year)
    result.coverage = coverage(user, profile, codes, refresh, previous, result.columns)
    result.last_meeting = (
        Meeting.objects.filter(center=center, date__lt=on + timedelta(days=1))
        .order_by("-date", "-id")
        .first()
    )
    if result.last_meeting is not None and result.last_meeting.date == on:
        # The pack of a meeting's own day is prepared for it: the decisions to follow up are
        # the meeting's before it.
        result.last_meeting = result.last_meeting.previous()
    if result.last_meeting is not None:
        result.decisions = list(result.last_meeting.decisions.all())
        # Older decisions nobody has followed up yet come back too.
        result.decisions += [
            d for d in pending_before(center, result.last_meeting.date) if d not in result.decisions
        ]
    return result


def trend(center: MonitoringCenter, profile: Profile, user: Any, months: int = 6) -> dict[str, Any]:
    """The center's coverage over the last ``months`` refreshes (children of all its
    populated centers together), and its meetings' decisions done per meeting."""
    codes = center.center_codes()
    scopes = [center.district_id[:n] for n in range(7)]
    runs = list(Refresh.objects.filter(scope__in=scopes).order_by("-as_of", "-finished_at"))
    seen: set[date] = set()
    chosen = []
    for run in runs:  # one refresh a month: the latest of each
        month = run.as_of.replace(day=1)
        if month not in seen:
            seen.add(month)
            chosen.append(run)
        if len(chosen) == months:
            break
    chosen.reverse()
    columns = _columns(profile, chosen[-1].as_of.year if chosen else date.today().year)
    ids = [c.id for c in columns]
    sums: dict[tuple[int, str], list[int]] = {}
    for value in IndicatorValue.objects.filter(
        refresh__in=chosen, level="populated_center", code__in=codes, indicator__in=ids
    ):
        total = sums.setdefault((value.refresh_id, value.indicator), [0, 0])
        total[0] += value.numerator
        total[1] += value.denominator
    personal = all(
        policy.sees_personal_in(user, c) or policy.sees_personal_in(user, c[:6]) for c in codes
    )
    min_cell = profile.disclosure.min_cell
    lines = []
    for run in chosen:
        cells = []
        for column in columns:
            numerator, denominator = sums.get((run.pk, column.id), [0, 0])
            if personal:
                percent = round(100 * numerator / denominator, 1) if denominator else None
                cells.append(Rate(numerator, denominator, percent))
            else:
                cells.append(suppress_rate(numerator, denominator, min_cell))
        lines.append({"refresh": run, "cells": cells})
    meetings = []
    for meeting in center.meetings.order_by("-date")[:months]:
        decisions = list(meeting.decisions.all())
        meetings.append(
            {
                "meeting": meeting,
                "decided": len(decisions),
                "done": sum(d.state == DecisionState.DONE for d in decisions),
                "not_done": sum(d.state == DecisionState.NOT_DONE for d in decisions),
                "open": sum(d.state == DecisionState.OPEN for d in decisions),
            }
        )
    return {"columns": columns, "lines": lines, "meetings": meetings}
