"""``{% load registry_history %}``: a record's stored reasons in the reader's language."""

from __future__ import annotations

from django import template

from crecer.registry.history_reasons import shown

register = template.Library()


@register.filter
def reason_shown(stored: str) -> str:
    """``{{ entry.why|reason_shown }}``: a history or deactivation reason, translated when it is
    one of Crecer's own (a person's words stay as typed)."""
    return shown(stored or "")
