"""Recording a meeting: its attendance, its new decisions, and the follow-up of the last
meeting's pending decisions (done, not done, still pending), each saved with its history; a
decision not done may be decided again at this meeting, linked to the first one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction

from crecer.community.models import (
    Attendance,
    Decision,
    DecisionState,
    Meeting,
    MonitoringCenter,
)


def pending_before(center: MonitoringCenter, on: date) -> list[Decision]:
    """The decisions of the center's meetings before ``on`` still pending (not yet followed
    up as done or not done), the oldest first: a decision left pending comes back at every
    meeting until someone says what became of it."""
    return list(
        Decision.objects.filter(
            meeting__center=center, meeting__date__lt=on, state=DecisionState.OPEN
        )
        .select_related("meeting")
        .order_by("meeting__date", "id")
    )


@transaction.atomic
def record_meeting(
    center: MonitoringCenter,
    on: date,
    user: Any,
    *,
    notes: str = "",
    attendance: Sequence[tuple[str, int, str]] = (),
    decisions: Sequence[tuple[str, str, date | None]] = (),
    follow_ups: Sequence[tuple[Decision, str, str, bool]] = (),
) -> Meeting:
    meeting = Meeting(center=center, date=on, notes=notes, recorded_by=user)
    meeting._change_reason = "meeting recorded"  # type: ignore[attr-defined]
    meeting.save()
    for role, count, names in attendance:
        Attendance.objects.create(meeting=meeting, role=role, count=count, names=names)
    for what, who, by_when in decisions:
        Decision.objects.create(meeting=meeting, what=what, who=who, by_when=by_when)
    for decision, state, note, carry in follow_ups:
        if state != decision.state or note:
            decision.state = state
            decision.follow_up = note
            decision.followed_at = meeting
            decision._change_reason = f"followed up at the meeting of {on.isoformat()}"  # type: ignore[attr-defined]
            decision.save()
        if carry:
            Decision.objects.create(
                meeting=meeting,
                what=decision.what,
                who=decision.who,
                by_when=None,
                carried_from=decision,
            )
    return meeting
