"""Changes to a child's record, each kept in its history with who, when and why."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from crecer.registry import codes, history_reasons
from crecer.registry.models import Child

DEACTIVATED = "deactivated: "  # before the reason of a deactivation, in the history


def save_child(child: Child, user: Any, reason: str) -> Child:
    child._change_reason = reason or "registered"
    child.save()
    return child


@transaction.atomic
def deactivate(child: Child, user: Any, reason: str) -> Child:
    """Take a child out of the active registry; nothing is deleted, and it can be undone by
    editing the record status in the admin."""
    child.record_status = codes.RecordStatus.INACTIVE
    child.deactivation_reason = reason
    child._change_reason = f"{DEACTIVATED}{reason}"
    child.save()
    return child


def history_of(child: Child) -> list[dict[str, Any]]:
    """The record's changes, newest first: when, who, why, and each field's old → new value."""
    entries = []
    records = list(child.history.select_related("history_user").order_by("-history_date", "-pk"))
    fields = {field.attname: field for field in Child._meta.concrete_fields}
    for record, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = record.diff_against(older)
            changes = [_change_shown(fields.get(change.field), change) for change in delta.changes]
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "why": record.history_change_reason or "",
                "kind": history_reasons.kind_shown(record.history_type),
                "changes": changes,
            }
        )
    return entries


def _change_shown(field: Any, change: Any) -> dict[str, Any]:
    return {
        "field": field.verbose_name if field is not None else change.field,
        "old": _value_shown(field, change.old),
        "new": _value_shown(field, change.new),
    }


def _value_shown(field: Any, value: Any) -> Any:
    """A changed value as the reader reads it: a code by its label, a reason in their language."""
    if field is None or value in (None, ""):
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.attname == "deactivation_reason":
        return history_reasons.shown(value)
    return value


def birth_circuit(child: Child) -> list[dict[str, Any]]:
    """Birth → DNI application → DNI issue → SIS affiliation, with days since birth."""
    steps = [
        (_("birth"), child.birth_date),
        (_("DNI application"), child.dni_status_date),
        (_("DNI issued"), child.dni_issue_date),
        (_("SIS affiliation"), child.sis_affiliation_date),
    ]
    return [
        {"step": step, "date": when, "days": (when - child.birth_date).days if when else None}
        for step, when in steps
    ]
