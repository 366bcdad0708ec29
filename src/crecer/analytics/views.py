"""The list of children behind an indicator's number, for users who may see them."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.analytics import opendata
from crecer.analytics.dashboard import latest_refresh
from crecer.analytics.indicators import LEVELS
from crecer.analytics.lists import children_behind
from crecer.analytics.models import Refresh
from crecer.web.context_processors import active_profile

PAGE_SIZE = 100


class CellForm(forms.Form):
    indicator = forms.SlugField()
    level = forms.ChoiceField(choices=[(level, level) for level in LEVELS])
    code = forms.CharField(max_length=255)
    part = forms.ChoiceField(choices=[("numerator", "numerator"), ("denominator", "denominator")])


def _territory_of(level: str, code: str) -> str:
    """The ubigeo prefix a cell lies in, to check it against the user's scope."""
    if level == "country":
        return ""
    if level == "populated_center":
        return code[:6]
    if level == "facility":
        return ""  # a facility's children are filtered by the user's scope below
    return code


@login_required
def children(request: HttpRequest) -> HttpResponse:
    form = CellForm(request.GET)
    if not form.is_valid():
        raise Http404
    cell = form.cleaned_data
    catalogue = active_profile(settings.CRECER_PROFILE).analytics
    try:
        indicator = catalogue.indicator(cell["indicator"]) if catalogue else None
    except KeyError:
        indicator = None
    territory = _territory_of(cell["level"], cell["code"])
    refresh = latest_refresh(territory)
    if indicator is None or refresh is None:
        raise Http404
    if territory:
        policy.territory_or_404(request.user, territory)
    found = children_behind(
        request.user, refresh, indicator, cell["level"], cell["code"], cell["part"]
    ).select_related("district")
    page = Paginator(found.order_by("district_id", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit.record(request, Action.LIST, list(page), filter=cell, territory_code=territory)
    return render(
        request,
        "analytics/children.html",
        {"cell": cell, "indicator": indicator, "refresh": refresh, "page": page},
    )


OPEN_DATA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}


def open_data(request: HttpRequest) -> HttpResponse:
    """The public page: what is published, the columns, the links."""
    profile = active_profile(settings.CRECER_PROFILE)
    return render(
        request,
        "analytics/open_data.html",
        {
            "indicators": opendata.catalogue(profile),
            "columns": opendata.VALUE_COLUMNS,
            "levels": opendata.PUBLIC_LEVELS,
            "refreshes": Refresh.objects.filter(scope="").order_by("-as_of")[:24],
        },
    )


def open_data_indicators(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"indicators": opendata.catalogue(active_profile(settings.CRECER_PROFILE))},
        json_dumps_params={"ensure_ascii": False},
    )


def open_data_values(request: HttpRequest, kind: str) -> HttpResponse:
    level = request.GET.get("level") or None
    if kind not in OPEN_DATA_TYPES or (level and level not in opendata.PUBLIC_LEVELS):
        raise Http404
    frame = opendata.values(
        active_profile(settings.CRECER_PROFILE), level, request.GET.get("indicator") or None
    )
    response = HttpResponse(opendata.as_bytes(frame, kind), content_type=OPEN_DATA_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="crecer-indicators.{kind}"'
    return response
