"""Health pages: a child's events, forms to record one, and the upload of event files. Every
child goes through the access policy (404 outside the scope) and the access log."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.health.forms import FORMS, TITLES, EventImportForm
from crecer.health.importer import import_events
from crecer.health.page import child_summary
from crecer.health.services import events_of, record_event
from crecer.registry.importer import frame_of_quarantine
from crecer.registry.models import ImportKind
from crecer.registry.reading import UnreadableFile


@login_required
def child_events(request: HttpRequest, pk: int) -> HttpResponse:
    """A child's growth (charts, z-scores), Hb history and schedule as of today, then every
    service, growth check and Hb test, newest first."""
    child = policy.child_or_404(request.user, pk)
    audit.record(request, Action.VIEW, [child])
    context = {"child": child, "can_record": policy.can(request.user, Can.RECORD_SERVICES)}
    context |= child_summary(child, timezone.localdate())
    return render(request, "health/child_events.html", context | events_of(child))


@login_required
def record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in FORMS:
        raise Http404
    # Not found unless this user may record services for this child.
    child = policy.child_or_404(request.user, pk, Can.RECORD_SERVICES)
    audit.record(request, Action.VIEW, [child])
    form = FORMS[kind](request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        record_event(form.save(commit=False), request.user)
        messages.success(request, _("The event was recorded."))
        return redirect("health:child_events", pk=child.pk)
    context = {"form": form, "child": child, "title": TITLES[kind], "kind": kind}
    return render(request, "health/record.html", context)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, Can.RECORD_SERVICES)
    form = EventImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / (Path(upload.name).name or "events.csv")
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                run = import_events(
                    path,
                    user=request.user,
                    scope=policy.children(request.user, Can.RECORD_SERVICES),
                    profile_name=settings.CRECER_PROFILE,
                )
            except UnreadableFile as problem:
                form.add_error("file", str(problem))
            else:
                return redirect("health:import_run", pk=run.pk)
    runs = policy.import_runs(request.user, ImportKind.EVENTS)[:20]
    return render(request, "health/import.html", {"form": form, "runs": runs})


@login_required
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(policy.import_runs(request.user, ImportKind.EVENTS), pk=pk)
    rows = run.quarantined_rows.all()[:500]
    return render(request, "health/import_run.html", {"run": run, "rows": rows})


@login_required
def import_run_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(policy.import_runs(request.user, ImportKind.EVENTS), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="events-{run.pk}-quarantine.csv"'
    response.write("\ufeff")  # so that Excel opens the UTF-8 file with its accents
    response.write(frame_of_quarantine(run).write_csv())
    return response
