"""``{% child_events child as events %}``: a child's events for the registry's child page, which
has already checked the access policy and logged the view."""

from __future__ import annotations

from typing import Any

from django import template

from crecer.health.services import events_of
from crecer.registry.models import Child

register = template.Library()


@register.simple_tag
def child_events(child: Child) -> dict[str, Any]:
    return events_of(child)


@register.simple_tag
def may_record(user) -> bool:
    """Whether ``user``'s role records services (the child itself is already in scope)."""
    from crecer.access.policy import Can, can

    return can(user, Can.RECORD_SERVICES)
