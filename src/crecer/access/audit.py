"""The access log: every view, search, list and export of named children, and who did it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from crecer.access.models import AccessedChild, AccessLog, Action
from crecer.access.policy import Can, access_of


def record(
    request: HttpRequest,
    action: Action,
    shown: Iterable[Any] = (),  # children (models.Model) or their ids
    *,
    filter: dict[str, Any] | None = None,
    territory_code: str = "",
    row_count: int | None = None,
    via_api: bool = False,
) -> AccessLog:
    """Log that ``request.user`` saw ``shown`` children (or exported ``row_count`` rows that
    ``filter`` selects). Call it after the data is fetched, before it is returned."""
    ids = sorted({item if isinstance(item, int) else item.pk for item in shown})
    user = request.user if request.user.is_authenticated else None
    log = AccessLog.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        path=request.get_full_path()[:500],
        via_api=via_api,
        filter=filter or {},
        territory_code=territory_code,
        row_count=len(ids) if row_count is None else row_count,
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
    AccessedChild.objects.bulk_create(AccessedChild(log=log, child_id=pk) for pk in ids)
    return log


def visible_log(user: Any, in_scope: QuerySet) -> QuerySet[AccessLog]:
    """Log entries an auditor may read: national auditors all; others those about children or
    territories of their scope (``in_scope``: the children the auditor may see, from
    ``Child.objects.visible_to(user, Can.AUDIT)``)."""
    access = access_of(user)
    if Can.AUDIT not in access.rights:
        return AccessLog.objects.none()
    if access.scope.national:
        return AccessLog.objects.all()
    territory = Q(pk__in=[])
    for prefix in access.scope.district_prefixes():
        territory |= Q(territory_code__startswith=prefix) & ~Q(territory_code="")
    return AccessLog.objects.filter(
        Q(children__child_id__in=in_scope.values("pk")) | territory
    ).distinct()


def about_child(user: Any, child: Any, in_scope: QuerySet) -> QuerySet[AccessLog]:
    """Who looked at ``child``: accesses that showed it, and exports of a territory holding it."""
    territory = Q(pk__in=[])
    district = child.district_id
    for code in {district[:2], district[:4], district}:
        territory |= Q(territory_code=code)
    national_exports = Q(action=Action.EXPORT, territory_code="")
    return (
        visible_log(user, in_scope)
        .filter(
            Q(children__child_id=child.pk)
            | (Q(action=Action.EXPORT) & territory)
            | national_exports
        )
        .distinct()
    )
