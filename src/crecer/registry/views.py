"""Registry pages: search, a child's record and history, register/edit/deactivate, import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crecer.registry import services
from crecer.registry.forms import ChildForm, DeactivateForm, ImportForm, SearchForm
from crecer.registry.importer import frame_of_quarantine, import_padron
from crecer.registry.models import Child, ImportRun
from crecer.registry.reading import UnreadableFile
from crecer.registry.search import search_children


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = search_children(form.cleaned_data["q"])
    return render(request, "registry/search.html", {"form": form, "results": results})


@login_required
def child_page(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(
        Child.objects.select_related("district__province__department", "populated_center"), pk=pk
    )
    return render(
        request,
        "registry/child.html",
        {
            "child": child,
            "circuit": services.birth_circuit(child),
            "history": services.history_of(child),
            "deactivate_form": DeactivateForm(),
        },
    )


@login_required
def child_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    child = get_object_or_404(Child, pk=pk) if pk else None
    form = ChildForm(request.POST or None, instance=child)
    if request.method == "POST" and form.is_valid():
        saved = services.save_child(
            form.save(commit=False), request.user, form.cleaned_data["change_reason"]
        )
        messages.success(request, _("The record was saved."))
        return redirect("registry:child", pk=saved.pk)
    return render(request, "registry/child_form.html", {"form": form, "child": child})


@login_required
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Child, pk=pk)
    form = DeactivateForm(request.POST)
    if form.is_valid():
        services.deactivate(child, request.user, form.cleaned_data["reason"])
        messages.success(request, _("The record was deactivated; it is kept with its history."))
    else:
        messages.error(request, _("Give a reason to deactivate a record."))
    return redirect("registry:child", pk=child.pk)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower() or ".csv"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            if path.suffix.lower() != suffix:
                path = path.rename(path.with_suffix(suffix))
            try:
                run = import_padron(path, user=request.user)
            except UnreadableFile as problem:
                form.add_error("file", str(problem))
            else:
                return redirect("registry:import_run", pk=run.pk)
    runs = ImportRun.objects.all()[:20]
    return render(request, "registry/import.html", {"form": form, "runs": runs})


@login_required
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun, pk=pk)
    return render(
        request,
        "registry/import_run.html",
        {"run": run, "rows": run.quarantined_rows.all()[:500]},
    )


@login_required
def import_run_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-quarantine.csv"'
    response.write("\ufeff")  # so that Excel opens the UTF-8 file with its accents
    response.write(frame_of_quarantine(run).write_csv())
    return response
