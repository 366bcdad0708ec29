"""The list of children behind an indicator's number, for users who may see them."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.analytics.dashboard import latest_refresh
from crecer.analytics.indicators import LEVELS
from crecer.analytics.lists import children_behind
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
