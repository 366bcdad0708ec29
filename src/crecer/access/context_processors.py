from __future__ import annotations

from django.http import HttpRequest

from crecer.access.policy import Can, access_of


def access(request: HttpRequest) -> dict:
    """``can.<right>`` for templates (menus, buttons); views still check with the policy."""
    rights = access_of(getattr(request, "user", None)).rights
    return {"can": {right.value: right in rights for right in Can}}
