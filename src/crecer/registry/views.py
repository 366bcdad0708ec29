"""Registry pages: search, a child's record and history, register/edit/deactivate (the
padrón's import pages are the ingest app's, see ``urls.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.ingest.text import is_digits
from crecer.profile import current_profile
from crecer.registry import exports, quality, services
from crecer.registry.forms import ChildForm, DeactivateForm, SearchForm, TerritoryForm
from crecer.registry.identifiers import clean_number
from crecer.registry.models import Child
from crecer.registry.search import find_children


@policy.page(Can.VIEW_PERSONAL)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    found = None
    status = 200
    if form.is_valid() and form.cleaned_data["q"]:
        text = form.cleaned_data["q"]
        found = find_children(text, Child.objects.visible_to(request.user))
        audit.record(request, Action.SEARCH, found.children, filter={"q": text})
        if not found.children and is_digits(clean_number(text)):
            status = 404  # no child with that number *that this user may see*
    context = {"form": form, "found": found, "results": found.children if found else None}
    return render(request, "registry/search.html", context, status=status)


@login_required
def child_page(request: HttpRequest, pk: int) -> HttpResponse:
    child = Child.objects.visible_or_404(request.user, pk)
    audit.record(request, Action.VIEW, [child])
    return render(
        request,
        "registry/child.html",
        {
            "child": child,
            "circuit": services.birth_circuit(child),
            "history": services.history_of(child),
            "deactivate_form": DeactivateForm(),
            "can_edit": policy.can(request.user, Can.EDIT_REGISTRY),
            "can_audit": policy.can(request.user, Can.AUDIT),
        },
    )


@login_required
def child_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    # A given child is "not found" unless editable by this user; a new one needs the right.
    child = Child.objects.visible_or_404(request.user, pk, Can.EDIT_REGISTRY) if pk else None
    policy.require(request.user, Can.EDIT_REGISTRY)
    form = ChildForm(
        request.POST or None, instance=child, allowed=policy.allowed_ubigeos(request.user)
    )
    if request.method == "POST" and form.is_valid():
        saved = services.save_child(
            form.save(commit=False), request.user, form.cleaned_data["change_reason"]
        )
        audit.record(request, Action.EDIT, [saved])
        messages.success(request, _("The record was saved."))
        return redirect("registry:child", pk=saved.pk)
    if child is not None:  # the form shows the whole record
        audit.record(request, Action.VIEW, [child], filter={"form": "edit"})
    return render(request, "registry/child_form.html", {"form": form, "child": child})


# Registering a child takes the right to edit the registry (403 without it); editing a given
# child answers 404 unless this user may edit it (see child_form).
add = policy.page(Can.EDIT_REGISTRY)(child_form)


@login_required
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    child = Child.objects.visible_or_404(request.user, pk, Can.EDIT_REGISTRY)
    form = DeactivateForm(request.POST)
    if form.is_valid():
        services.deactivate(child, request.user, form.cleaned_data["reason"])
        messages.success(request, _("The record was deactivated; it is kept with its history."))
    else:
        messages.error(request, _("Give a reason to deactivate a record."))
    return redirect("registry:child", pk=child.pk)


CIRCUIT_LABELS = {
    "no_dni": gettext_lazy("without DNI"),
    "no_sis": gettext_lazy("without SIS"),
    "late_dni": gettext_lazy("DNI after 30 days"),
}
EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
}


@policy.page(Can.EXPORT)
def export(request: HttpRequest) -> HttpResponse:
    """The registry of a territory in the export's column order, as CSV or XLSX."""
    form = TerritoryForm(request.GET or None)
    kind = request.GET.get("format", "csv")
    if not form.is_valid() or kind not in EXPORT_TYPES:
        return render(
            request, "registry/export.html", {"form": form}, status=400 if request.GET else 200
        )
    code = policy.territory_or_404(request.user, form.cleaned_data["code"])
    content_type, write = EXPORT_TYPES[kind]
    frame = exports.registry_frame(
        exports.in_territory(code, Child.objects.visible_to(request.user, Can.EXPORT))
    )
    audit.record(
        request,
        Action.EXPORT,
        filter={"code": code, "format": kind},
        territory_code=code,
        row_count=frame.height,
    )
    response = HttpResponse(write(frame), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="padron-{code}.{kind}"'
    return response


@policy.page(Can.VIEW_PERSONAL)
def circuit(request: HttpRequest) -> HttpResponse:
    """Children without DNI, without SIS or with a late DNI, by facility and district."""
    form = TerritoryForm(request.GET or None)
    chosen = request.GET.get("list", "no_dni")
    context = {"form": form, "lists": CIRCUIT_LABELS, "chosen": chosen}
    if form.is_valid() and chosen in quality.CIRCUIT_LISTS:
        on = form.cleaned_data["on"] or timezone.localdate()
        code = policy.territory_or_404(request.user, form.cleaned_data["code"])
        base = quality.counted(
            exports.in_territory(code, Child.objects.visible_to(request.user)), on
        )
        children = quality.CIRCUIT_LISTS[chosen](base)
        shown = list(children.select_related("district")[:1000])
        audit.record(
            request, Action.LIST, shown, filter={"list": chosen, "code": code}, territory_code=code
        )
        context |= {
            "on": on,
            "children": shown,
            "total": children.count(),
            "by_facility": children.values("care_facility").annotate(n=Count("id")).order_by("-n"),
            "by_district": children.values("district_id", "district__name")
            .annotate(n=Count("id"))
            .order_by("-n"),
        }
    return render(request, "registry/circuit.html", context)


@policy.page(Can.VIEW_AGGREGATES)
def quality_page(request: HttpRequest) -> HttpResponse:
    """Aggregates by district; small cells hidden for users who may not see named children."""
    form = TerritoryForm(request.GET or None)
    context: dict = {"form": form}
    if form.is_valid():
        on = form.cleaned_data["on"] or timezone.localdate()
        code = policy.territory_or_404(request.user, form.cleaned_data["code"])
        children = Child.objects.visible_to(request.user, Can.VIEW_AGGREGATES)
        rows = quality.quality_by_district(exports.in_territory(code, children), on)
        if not policy.can(request.user, Can.VIEW_PERSONAL):
            rows = quality.suppressed(rows, current_profile())
        context |= {"on": on, "rows": rows}
    return render(request, "registry/quality.html", context)
