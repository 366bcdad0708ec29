"""The list of children behind an indicator's number, work lists, and open data."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.analytics import opendata, worklist_rows
from crecer.analytics.dashboard import latest_refresh
from crecer.analytics.indicators import level_names
from crecer.analytics.lists import children_behind
from crecer.analytics.models import ChildStatus, Refresh
from crecer.profile import current_profile

PAGE_SIZE = 100
T = TypeVar("T")


class CellForm(forms.Form):
    indicator = forms.SlugField()
    level = forms.ChoiceField(choices=lambda: [(level, level) for level in level_names()])
    code = forms.CharField(max_length=255)
    part = forms.ChoiceField(choices=[("numerator", "numerator"), ("denominator", "denominator")])


def _territory_of(level: str, code: str) -> str:
    """The ubigeo prefix a cell lies in, to check it against the user's scope."""
    if level == "country":
        return ""
    if level == "populated_center":
        return code[: current_profile().territory.level("district").code_length]
    if level == "facility":
        return ""  # a facility's children are filtered by the user's scope below
    return code


@login_required
def children(request: HttpRequest) -> HttpResponse:
    form = CellForm(request.GET)
    if not form.is_valid():
        raise Http404
    cell = form.cleaned_data
    catalogue = current_profile().analytics
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
    profile = current_profile()
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
        {"indicators": opendata.catalogue(current_profile())},
        json_dumps_params={"ensure_ascii": False},
    )


def open_data_values(request: HttpRequest, kind: str) -> HttpResponse:
    level = request.GET.get("level") or None
    if kind not in OPEN_DATA_TYPES or (level and level not in opendata.PUBLIC_LEVELS):
        raise Http404
    frame = opendata.values(current_profile(), level, request.GET.get("indicator") or None)
    response = HttpResponse(opendata.as_bytes(frame, kind), content_type=OPEN_DATA_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="crecer-indicators.{kind}"'
    return response


# --- Work lists: children with something overdue or at risk, for a facility, a community
# agent's populated centers or any territory of the user's scope.

# 100 rows are ~50 KB of HTML and three A4 pages: light on a health post's connection; the
# whole list is in the CSV/XLSX downloads.
WORKLIST_PAGE_SIZE = 100
# What a work list computes in Python is reused for ten minutes (paging, printing, many users
# of one facility): the children with severe anemia and the filter choices for a page, the
# whole ranking for a download. A refresh never changes, and a child deactivated meanwhile is
# not shown (the rows are read live); a download's "not found" may lag ten minutes. (A page
# once ranked the whole scope in Python: ~1 s for a facility of 10,000 children, 5.3 s for a
# region's manager; the database now orders and counts it, see worklist_rows.ordered.)
RANKING_SECONDS = 600
WORKLIST_TYPES = {
    "csv": ("text/csv; charset=utf-8", worklist_rows.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        worklist_rows.to_xlsx,
    ),
}


class WorklistForm(forms.Form):
    code = forms.RegexField(
        label=_("Territory"),
        regex=r"^[0-9]{2}([0-9]{2}){0,2}$",
        required=False,
        help_text=_("department, province or district code; empty: all your territory"),
    )
    center = forms.CharField(label=_("Populated center"), max_length=10, required=False)
    facility = forms.CharField(label=_("Care facility"), max_length=255, required=False)
    problem = forms.MultipleChoiceField(
        label=_("Problems"),
        choices=list(worklist_rows.PROBLEM_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def selection(self) -> worklist_rows.Selection:
        data = self.cleaned_data
        return worklist_rows.Selection(
            territory=data["code"],
            center=data["center"].strip(),
            facility=data["facility"].strip(),
            kinds=tuple(data["problem"]),
        )


def _worklist_rows_or_404(
    request: HttpRequest, selection: worklist_rows.Selection, right: Can
) -> tuple[Refresh | None, QuerySet[ChildStatus]]:
    """The latest refresh and the status rows of the selection; 404 for a territory, center or
    facility outside the user's scope (or one with no child of it in the refresh)."""
    if not policy.can(request.user, right):
        raise Http404
    if selection.territory:
        policy.territory_or_404(request.user, selection.territory)
    refresh = worklist_rows.refresh_for(request.user, selection)
    if refresh is None:
        return None, ChildStatus.objects.none()
    statuses = worklist_rows.scoped_statuses(request.user, refresh, selection)
    if (selection.center or selection.facility) and not statuses.exists():
        raise Http404
    return refresh, statuses


def _cached(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, kept for RANKING_SECONDS in this process's cache under ``key``: what,
    user, refresh, then the selection. The user's id and scope are part of the cache key."""
    label, user, refresh, *rest = key
    scope = policy.access_of(user).scope
    digest = hashlib.sha256(repr((user.pk, scope, refresh.pk, *rest)).encode()).hexdigest()
    name = f"worklist-{label}:{digest}"
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, RANKING_SECONDS)
    return value


# A work list names children: without the right it is "not found", as a child outside the scope.
@policy.page(Can.VIEW_PERSONAL, refuse=Http404)
def worklist(request: HttpRequest) -> HttpResponse:
    """The printable work list of the user's scope (or a part of it), most urgent first."""
    form = WorklistForm(request.GET)
    if not form.is_valid():
        return render(request, "analytics/worklist.html", {"form": form}, status=400)
    selection = form.selection()
    refresh, statuses = _worklist_rows_or_404(request, selection, Can.VIEW_PERSONAL)
    context = {"form": form, "selection": selection, "refresh": refresh}
    if refresh is None:
        return render(request, "analytics/worklist.html", context)
    norms = current_profile().anemia
    # The database orders and counts the list; Python reads one page of it (and the few
    # candidates for severe anemia), never the whole region (issue 18: 5.3 s for a manager).
    severe = _cached(
        ("severe", request.user, refresh, selection),
        lambda: worklist_rows.severe_ids(statuses, refresh, norms),
    )
    listed = worklist_rows.ordered(statuses, severe, selection.kinds)
    page = Paginator(listed.values_list("child_id", flat=True), WORKLIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    first = page.start_index() if page.paginator.count else 1
    shown = worklist_rows.page_frame(list(page), statuses, refresh, norms, selection.kinds)
    children = worklist_rows.children_by_id(request.user, shown["child_id"].to_list())
    rows = worklist_rows.work_rows(shown, children, first)
    audit.record(
        request,
        Action.LIST,
        [row.child for row in rows],
        filter=selection.as_filter(refresh),
        territory_code=worklist_rows.log_territory(request.user, selection),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context |= {
        "query": query.urlencode(),
        "rows": rows,
        "page": page,
        "total": page.paginator.count,
        "heading": worklist_rows.heading(request.user, selection),
        # Every center and facility of the territory, not only the one chosen: to switch.
        "choices": _cached(
            ("choices", request.user, refresh, selection.territory),
            lambda: worklist_rows.filter_choices(
                worklist_rows.scoped_statuses(
                    request.user, refresh, worklist_rows.Selection(territory=selection.territory)
                )
            ),
        ),
        "labels": [worklist_rows.PROBLEM_LABELS[k] for k in selection.kinds],
        "can_export": policy.can(request.user, Can.EXPORT),
        "today": timezone.localdate(),
    }
    return render(request, "analytics/worklist.html", context)


@login_required
def worklist_export(request: HttpRequest, kind: str) -> HttpResponse:
    """The whole work list of the selection as CSV (streamed) or XLSX (users who may export
    named lists)."""
    form = WorklistForm(request.GET)
    if kind not in WORKLIST_TYPES or not form.is_valid():
        raise Http404
    selection = form.selection()
    refresh, statuses = _worklist_rows_or_404(request, selection, Can.EXPORT)
    if refresh is None:
        raise Http404
    profile = current_profile()
    ranked = _cached(
        ("ranked", request.user, refresh, selection),
        lambda: worklist_rows.ranked(statuses, refresh, profile.anemia, selection.kinds),
    )
    audit.record(
        request,
        Action.EXPORT,
        filter=selection.as_filter(refresh) | {"format": kind},
        territory_code=worklist_rows.log_territory(request.user, selection),
        row_count=ranked.height,  # the statuses are the visible, active children: all listed
    )
    content_type, write = WORKLIST_TYPES[kind]
    if kind == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            worklist_rows.stream_csv(request.user, ranked, translation.get_language()),
            content_type=content_type,
        )
    else:  # a zip file, written whole by openpyxl
        children = worklist_rows.children_by_id(
            request.user, statuses.values("child_id")
        )  # a subquery: no list of thousands of ids in the SQL
        response = HttpResponse(
            write(worklist_rows.work_rows(ranked, children)), content_type=content_type
        )
    name = selection.center or selection.territory or "crecer"
    response["Content-Disposition"] = f'attachment; filename="work-list-{name}.{kind}"'
    return response
