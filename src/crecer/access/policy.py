"""The one place that decides what a user may do and which children they may see.

Views, exports and API endpoints never filter children themselves: they ask
``Child.objects.visible_to(user, right)`` (restricted by :func:`children_condition`),
``Child.objects.visible_or_404(user, pk, right)`` or :func:`territory_or_404`. A child
outside the scope is *not found* (404), never "forbidden",
so that nothing tells an outsider that a record exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import resolve, reverse

from crecer.access.models import Assignment, Role, ScopeLevel
from crecer.territory.models import District, within


class Can(StrEnum):
    VIEW_PERSONAL = "view_personal"  # open named child records and lists
    EDIT_REGISTRY = "edit_registry"  # register, edit, deactivate children
    IMPORT = "import"  # import padrón files
    EXPORT = "export"  # download named lists
    RECORD_SERVICES = "record_services"  # growth checks, Hb, vaccines… (health app)
    VIEW_AGGREGATES = "view_aggregates"  # indicators and counts by territory
    AUDIT = "audit"  # read the access log and change histories
    MANAGE_TRANSFERS = "manage_transfers"  # prepare, verify, approve and pay JUNTOS cycles


ROLE_RIGHTS: dict[str, frozenset[Can]] = {
    Role.ADMINISTRATOR: frozenset(Can),
    Role.REGISTRY_OFFICER: frozenset(
        {Can.VIEW_PERSONAL, Can.EDIT_REGISTRY, Can.IMPORT, Can.EXPORT, Can.VIEW_AGGREGATES}
    ),
    Role.HEALTH_WORKER: frozenset({Can.VIEW_PERSONAL, Can.RECORD_SERVICES, Can.VIEW_AGGREGATES}),
    Role.PROGRAM_MANAGER: frozenset(
        {Can.VIEW_PERSONAL, Can.EXPORT, Can.VIEW_AGGREGATES, Can.MANAGE_TRANSFERS}
    ),
    Role.ANALYST: frozenset({Can.VIEW_AGGREGATES}),
    Role.AUDITOR: frozenset({Can.VIEW_PERSONAL, Can.AUDIT, Can.VIEW_AGGREGATES}),
}
# Analysts "where allowed" (Assignment.personal_data) also open and export named lists.
ANALYST_PERSONAL_RIGHTS = frozenset({Can.VIEW_PERSONAL, Can.EXPORT})


@dataclass(frozen=True)
class Scope:
    """Where a user works: a territory (ubigeo prefix, "" = national), a facility, or a set
    of populated centers."""

    level: str
    territory_code: str = ""
    facility_code: str = ""
    facility_name: str = ""
    facility_district: str = ""
    centers: frozenset[str] = frozenset()

    @property
    def national(self) -> bool:
        return self.level == ScopeLevel.NATIONAL

    def children_filter(self) -> Q:
        if self.level == ScopeLevel.FACILITY:
            # The export names facilities (it has no RENIPRESS code): match name or code, both
            # case-insensitively so that the indexes on UPPER(facility) serve every branch.
            return (
                Q(care_facility__iexact=self.facility_name)
                | Q(assigned_facility__iexact=self.facility_name)
                | Q(care_facility__iexact=self.facility_code)
                | Q(assigned_facility__iexact=self.facility_code)
            )
        if self.level == ScopeLevel.COMMUNITY:
            return Q(populated_center_id__in=sorted(self.centers))
        if self.national:
            return Q()
        return within(self.territory_code)

    def district_prefixes(self) -> list[str]:
        """Ubigeo prefixes of the districts the scope lies in ("" = all)."""
        if self.level == ScopeLevel.FACILITY:
            return [self.facility_district]
        if self.level == ScopeLevel.COMMUNITY:
            return sorted({code[:6] for code in self.centers})
        return [self.territory_code]

    def overlaps(self, code: str) -> bool:
        """Whether territory ``code`` (department, province or district) and the scope meet."""
        return any(
            code.startswith(prefix) or prefix.startswith(code)
            for prefix in self.district_prefixes()
        )


NO_SCOPE = Scope(level="none")


@dataclass(frozen=True)
class Access:
    role: str
    scope: Scope
    rights: frozenset[Can]


NO_ACCESS = Access(role="", scope=NO_SCOPE, rights=frozenset())
ADMINISTRATOR = Access(
    role=Role.ADMINISTRATOR, scope=Scope(ScopeLevel.NATIONAL), rights=ROLE_RIGHTS["administrator"]
)


def access_of(user: Any) -> Access:
    """The user's role, scope and rights (computed once per request and kept on the user)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_crecer_access", None)
    if cached is None:
        cached = _compute_access(user)
        user._crecer_access = cached
    return cached


def _compute_access(user: Any) -> Access:
    if user.is_superuser:
        return ADMINISTRATOR
    try:
        assignment = Assignment.objects.select_related("facility").get(user=user)
    except Assignment.DoesNotExist:
        return NO_ACCESS
    rights = ROLE_RIGHTS[assignment.role]
    if assignment.role == Role.ANALYST and assignment.personal_data:
        rights |= ANALYST_PERSONAL_RIGHTS
    return Access(role=assignment.role, scope=_scope(assignment), rights=rights)


def _scope(assignment: Assignment) -> Scope:
    if assignment.level == ScopeLevel.FACILITY:
        facility = assignment.facility
        return Scope(
            level=assignment.level,
            facility_code=facility.renipress_code,
            facility_name=facility.name,
            facility_district=facility.district_id or "",
        )
    if assignment.level == ScopeLevel.COMMUNITY:
        centers = frozenset(assignment.populated_centers.values_list("code", flat=True))
        return Scope(level=assignment.level, centers=centers)
    return Scope(level=assignment.level, territory_code=assignment.territory_code)


def can(user: Any, right: Can) -> bool:
    return right in access_of(user).rights


def require(user: Any, right: Can) -> None:
    """Stop a request for a whole page the user's role has no right to (403, no data)."""
    if not can(user, right):
        raise PermissionDenied


def children_condition(user: Any, right: Can = Can.VIEW_PERSONAL) -> Q | None:
    """The condition on a child's fields that selects every child the user may see for
    ``right`` (None: none at all). Apply it as ``Child.objects.visible_to(user, right)``."""
    access = access_of(user)
    if right not in access.rights:
        return None
    return access.scope.children_filter()


def sees_personal_in(user: Any, code: str) -> bool:
    """Whether the user sees personal detail on territory unit ``code`` ("" = the country):
    its small counts unsuppressed and links to the children behind a number. It takes the
    right (:attr:`Can.VIEW_PERSONAL`) *and* the whole unit inside the user's scope: a unit
    larger than the scope, or beside it, has children the user may not see, so it gets the
    public (suppressed) figures, as anyone does. A facility's or a community agent's scope
    covers no whole territory unit (only its own children), except a community agent's own
    populated centers."""
    access = access_of(user)
    if Can.VIEW_PERSONAL not in access.rights:
        return False
    scope = access.scope
    if scope.level == ScopeLevel.FACILITY:
        return False
    if scope.level == ScopeLevel.COMMUNITY:
        return code in scope.centers
    territory = scope.territory_code
    return scope.national or (bool(territory) and code.startswith(territory))


def territory_or_404(user: Any, code: str) -> str:
    """``code`` if it meets the user's scope (else 404): the filter of lists and exports."""
    if not access_of(user).scope.overlaps(code):
        raise Http404
    return code


def allowed_ubigeos(user: Any) -> frozenset[str] | None:
    """Districts whose children the user may import (None: every district)."""
    scope = access_of(user).scope
    if scope.national:
        return None
    prefixes = scope.district_prefixes()
    query = Q(pk__in=[])
    for prefix in prefixes:
        query |= Q(ubigeo__startswith=prefix)
    return frozenset(District.objects.filter(query).values_list("ubigeo", flat=True))


# --- Pages: who may open a page is declared on its view, and read by the menus.
#
# A view decorated with :func:`page` refuses (403) a user the gate rejects; a menu asks
# :func:`may_open` with the page's URL name, which resolves the URL to that same view and asks
# its gate. Links and views therefore read one rule and cannot disagree: a link is shown
# exactly to the users the page would answer.

Gate = Callable[..., bool]


def page(
    *rights: Can, gate: Gate | None = None, refuse: type[Exception] = PermissionDenied
) -> Callable[[Callable], Callable]:
    """Declare and enforce who may open a view: every one of ``rights`` and, when given,
    ``gate(user, **url_kwargs)``. A refused user gets ``refuse`` (403, no data; a page of
    named children answers 404 instead, as a child outside the scope does)."""

    def allowed(user: Any, **kwargs: Any) -> bool:
        if not user.is_authenticated:
            return False
        if not all(can(user, right) for right in rights):
            return False
        return gate is None or gate(user, **kwargs)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user, **kwargs):
                raise refuse
            return view(request, *args, **kwargs)

        guarded.may_open = allowed  # type: ignore[attr-defined]  # read by may_open()
        return guarded

    return decorate


def declares_gate(url_name: str, *args: Any, **kwargs: Any) -> bool:
    """Whether the view of ``url_name`` declares who may open it (:func:`page`)."""
    return hasattr(resolve(reverse(url_name, args=args, kwargs=kwargs)).func, "may_open")


def may_open(user: Any, url_name: str, *args: Any, **kwargs: Any) -> bool:
    """Whether ``user`` may open the page named ``url_name``, as its view decides (a view
    without a declared gate is open to every logged-in user)."""
    match = resolve(reverse(url_name, args=args, kwargs=kwargs))
    allowed = getattr(match.func, "may_open", None)
    if allowed is None:
        return bool(user is not None and user.is_authenticated)
    return user is not None and allowed(user, **match.kwargs)
