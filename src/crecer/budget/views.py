"""The PAN pages: budget execution by region and implementing unit (against the calendar,
physical progress, cost per output, the money-vs-children gap) and the facilities' stock.
Aggregates: scoped by the access policy (a user sees the units and facilities of their
territory), logged like the other aggregate pages."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.budget import dashboard as anemia_dashboard
from crecer.budget import pages
from crecer.norms.pan import PanNorms
from crecer.profile import current_profile


def _pan() -> PanNorms:
    norms = current_profile().pan
    if norms is None:
        raise Http404
    return norms


def _code(request: HttpRequest) -> str:
    """The territory asked for (default: the user's own), 404 when it is not a unit of the
    profile or lies outside the user's scope."""
    code = request.GET.get("code")
    if code is None:
        scope = policy.access_of(request.user).scope
        prefixes = scope.district_prefixes()
        code = "" if scope.national or not prefixes else prefixes[0]
    if code and current_profile().territory.level_of_code(code) is None:
        raise Http404
    return policy.territory_or_404(request.user, code)


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    if not text:
        return None
    if not text.isdigit():
        raise Http404
    return int(text)


def _month(request: HttpRequest) -> date | None:
    text = request.GET.get("month", "")
    if not text:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError as problem:
        raise Http404 from problem


@policy.page(Can.VIEW_AGGREGATES)
def execution(request: HttpRequest) -> HttpResponse:
    code = _code(request)
    year = _year(request)
    profile = current_profile()
    page = pages.execution(request.user, code, year, timezone.localdate(), profile, _pan())
    audit.record(
        request, Action.VIEW, [], filter={"budget_execution": code, "year": page.year},
        territory_code=code,
    )  # fmt: skip
    context = {"code": code, "page": page, "pan": _pan(), "min_cell": profile.disclosure.min_cell}
    return render(request, "budget/execution.html", context)


@policy.page(Can.VIEW_AGGREGATES)
def stock(request: HttpRequest) -> HttpResponse:
    code = _code(request)
    pan = _pan()
    page = pages.stock(request.user, code, _month(request), pan)
    audit.record(
        request, Action.VIEW, [], filter={"budget_stock": code, "month": str(page.month or "")},
        territory_code=code,
    )  # fmt: skip
    return render(request, "budget/stock.html", {"code": code, "page": page, "pan": pan})


@policy.page(Can.VIEW_AGGREGATES)
def anemia(request: HttpRequest) -> HttpResponse:
    """The regional anemia dashboard: coverage, production, supplies, logistics, programming
    and budget execution of a territory on one page."""
    code = _code(request)
    profile = current_profile()
    page = anemia_dashboard.dashboard(request.user, code, timezone.localdate(), profile, _pan())
    audit.record(request, Action.VIEW, [], filter={"anemia_dashboard": code}, territory_code=code)
    context = {"code": code, "page": page, "pan": _pan(), "min_cell": profile.disclosure.min_cell}
    return render(request, "budget/anemia.html", context)


@policy.page()
def interventions(request: HttpRequest) -> HttpResponse:
    """The early-childhood guidelines' effective interventions: the published counts by state
    and by criterion, and each intervention named in the profile with its state."""
    catalogue = _pan().interventions
    rows = [(item, catalogue.state(item)) for item in catalogue.items]
    counted = catalogue.counted() if len(catalogue.items) == catalogue.total.value else None
    context = {"catalogue": catalogue, "rows": rows, "counted": counted}
    return render(request, "budget/interventions.html", context)
