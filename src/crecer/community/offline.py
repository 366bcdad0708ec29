"""Home visits sent by the offline page: each record carries an id made on the device, so a
record sent twice (the answer lost on a bad connection) is stored once; the same id with
other values is a conflict, answered as such and shown to the person, never written over."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from crecer.community.models import HomeVisit, MonitoringCenter, VisitChannel, VisitResult

PRACTICES = ("exclusive_breastfeeding", "iron_or_mmn", "hand_washing", "safe_water", "danger_signs")
MAX_RECORDS = 200  # a device's queue sent at once


def _flag(value: Any) -> bool | None:
    if value in (True, "yes", "true", "1", 1):
        return True
    if value in (False, "no", "false", "0", 0):
        return False
    return None


def _values(record: dict[str, Any], children: Any, today: date) -> tuple[dict[str, Any], str]:
    """The visit's fields from a device's record, or ("", the reason it is refused)."""
    number = str(record.get("document") or "").strip()
    child = (
        children.filter(Q(dni=number) | Q(cui=number) | Q(cnv=number)).first() if number else None
    )
    if child is None:
        return {}, _("no child with document %(number)s in your territory") % {"number": number}
    try:
        day = date.fromisoformat(str(record.get("date")))
    except ValueError:
        return {}, _("the date is not a date")
    if day > today or day < child.birth_date:
        return {}, _("the date is in the future or before the child's birth")
    result = record.get("result") or VisitResult.FOUND
    if result not in VisitResult.values:
        return {}, _("the result is not found, not found or refused")
    try:
        minutes = int(record["duration"]) if record.get("duration") not in (None, "") else None
    except (TypeError, ValueError):
        return {}, _("the duration is not a whole number of minutes")
    if minutes is not None and not 0 <= minutes <= 24 * 60:
        return {}, _("the duration is not a whole number of minutes")
    values = {
        "child": child,
        "date": day,
        "result": result,
        "duration_minutes": minutes,
        "agent_name": str(record.get("agent_name") or "")[:200],
        "channel": VisitChannel.HOME,
        "referred": bool(_flag(record.get("referred"))),
        **{name: _flag(record.get(name)) for name in PRACTICES},
    }
    return values, ""


def _same(visit: HomeVisit, values: dict[str, Any]) -> bool:
    return all(
        getattr(visit, name) == value if name != "child" else visit.child_id == value.pk
        for name, value in values.items()
    )


def receive(records: list[dict[str, Any]], user: Any, children: Any, today: date) -> list[dict]:
    """Store each record not stored yet; say what became of each: ``stored``, ``duplicate``
    (already stored with the same values: it has arrived), ``conflict`` (already stored with
    other values) or ``refused`` (with the reason)."""
    answers = []
    for record in records[:MAX_RECORDS]:
        device_id = str(record.get("id") or "")[:64]
        if not device_id:
            answers.append({"id": "", "status": "refused", "message": _("no id")})
            continue
        values, refused = _values(record, children, today)
        stored = HomeVisit.objects.filter(device_id=device_id).first()
        if stored is not None:
            status = "duplicate" if values and _same(stored, values) else "conflict"
            message = (
                ""
                if status == "duplicate"
                else _("a visit with this id was stored with other values on %(day)s: check it")
                % {"day": stored.date.strftime("%d/%m/%Y")}
            )
            answers.append({"id": device_id, "status": status, "message": message})
            continue
        if refused:
            answers.append({"id": device_id, "status": "refused", "message": refused})
            continue
        child = values["child"]
        center = (
            MonitoringCenter.objects.filter(
                Q(covers=child.populated_center_id) | Q(populated_center=child.populated_center_id)
            ).first()
            if child.populated_center_id
            else None
        )
        visit = HomeVisit(device_id=device_id, center=center, recorded_by=user, **values)
        visit._change_reason = "sent from the offline page"  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                visit.save()
        except IntegrityError:  # sent twice at the same moment: the other one stored it
            answers.append({"id": device_id, "status": "duplicate", "message": ""})
            continue
        answers.append({"id": device_id, "status": "stored", "message": ""})
    return answers
