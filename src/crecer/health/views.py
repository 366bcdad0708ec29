"""Health pages: a child's events and forms to record one (the upload of event files is the
ingest app's, see ``urls.py``). Every child goes through the access policy (404 outside the
scope) and the access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.health.forms import FORMS, TITLES
from crecer.health.page import child_summary
from crecer.health.services import events_of, record_event
from crecer.registry.models import Child


@login_required
def child_events(request: HttpRequest, pk: int) -> HttpResponse:
    """A child's growth (charts, z-scores), Hb history and schedule as of today, then every
    service, growth check and Hb test, newest first."""
    child = Child.objects.visible_or_404(request.user, pk)
    audit.record(request, Action.VIEW, [child])
    context = {"child": child, "can_record": policy.can(request.user, Can.RECORD_SERVICES)}
    context |= child_summary(child, timezone.localdate())
    return render(request, "health/child_events.html", context | events_of(child))


@login_required
def record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in FORMS:
        raise Http404
    # Not found unless this user may record services for this child.
    child = Child.objects.visible_or_404(request.user, pk, Can.RECORD_SERVICES)
    audit.record(request, Action.VIEW, [child])
    form = FORMS[kind](request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        record_event(form.save(commit=False), request.user)
        messages.success(request, _("The event was recorded."))
        return redirect("health:child_events", pk=child.pk)
    context = {"form": form, "child": child, "title": TITLES[kind], "kind": kind}
    return render(request, "health/record.html", context)
