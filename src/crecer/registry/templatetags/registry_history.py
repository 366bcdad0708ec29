"""``{% load registry_history %}``: a record's stored reasons in the reader's language."""

from __future__ import annotations

from django import template

from crecer.registry import history_reasons

register = template.Library()


@register.filter
def reason_shown(stored: str) -> str:
    """``{{ entry.why|reason_shown }}``: a history or deactivation reason, translated when it is
    one of Crecer's own (a person's words stay as typed)."""
    return history_reasons.shown(stored or "")


@register.filter
def kind_shown(code: str) -> str:
    """``{{ record.history_type|kind_shown }}``: Creado, Modificado or Eliminado (a record's)."""
    return history_reasons.kind_shown(code)
