"""The monitoring centers a user follows, a center's page (its people, its coverage trend, its
meetings and what became of their decisions), its printable meeting pack for a date, and the
form that records a meeting. A center goes through the access policy (404 outside the scope)
and the access log, as children do."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.community import daycare, offline, services
from crecer.community import pack as packs
from crecer.community.forms import EnrollForm, MeetingForm, VisitForm
from crecer.community.models import (
    CenterPerson,
    DayAttendance,
    DayCareCenter,
    Enrollment,
    MonitoringCenter,
    PersonRole,
    VisitResult,
)
from crecer.community.visits_due import REASON_LABELS, visit_month
from crecer.maternal.models import Woman
from crecer.profile import current_profile
from crecer.registry.models import Child
from crecer.visits import REASONS


def _logged(
    request: HttpRequest, center: MonitoringCenter, action: str = Action.VIEW, **more
) -> None:
    audit.record(request, action, more.pop("children", []), filter={"center": center.pk, **more})


def _center(request: HttpRequest, pk: int, right: Can = Can.VIEW_PERSONAL) -> MonitoringCenter:
    return MonitoringCenter.objects.visible_or_404(request.user, pk, right)


@policy.page(Can.VIEW_PERSONAL)
def centers(request: HttpRequest) -> HttpResponse:
    found = list(
        MonitoringCenter.objects.visible_to(request.user)
        .select_related("district", "populated_center")
        .prefetch_related("covers")
    )
    audit.record(
        request, Action.LIST, [], filter={"centers": [c.pk for c in found]}, row_count=len(found)
    )
    return render(request, "community/centers.html", {"centers": found})


def _may_record(user) -> bool:
    return policy.can(user, Can.RECORD_SERVICES) or policy.can(user, Can.EDIT_REGISTRY)


@login_required
def center(request: HttpRequest, pk: int) -> HttpResponse:
    found = _center(request, pk)
    _logged(request, found)
    profile = current_profile()
    today = _date(request.GET.get("date"))  # the visits' month: today's unless asked
    months = []
    if profile.community is not None:
        last_month_end = today.replace(day=1) - timedelta(days=1)
        for on in (today, last_month_end):
            month = visit_month(request.user, found.center_codes(), on, profile.community.pim)
            reasons = month.reasons()
            months.append(
                {
                    "month": on.replace(day=1),
                    "children": len(month.children),
                    "visited": month.visited,
                    "percent": round(100 * month.visited / len(month.children), 1)
                    if month.children
                    else None,
                    "reasons": [(r, REASON_LABELS[r], reasons[r]) for r in REASONS if r in reasons],
                }
            )
    context = {
        "center": found,
        "visit_months": months,
        "people": list(found.people.filter(active=True)),
        "covers": list(found.covers.all()),
        "trend": packs.trend(found, profile, request.user),
        "may_record": _may_record(request.user),
        "today": today,
    }
    return render(request, "community/center.html", context)


def _date(text: str | None) -> date:
    if not text:
        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


@login_required
def meeting_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable pack of a meeting on ``?date=`` (today by default)."""
    found = _center(request, pk)
    on = _date(request.GET.get("date"))
    result = packs.pack_for(found, request.user, on, current_profile())
    _logged(
        request,
        found,
        Action.LIST,
        children=[row.child for row in result.children],
        women=[row.pregnancy.woman_id for row in result.women],
        date=on.isoformat(),
    )
    context = {"pack": result, "center": found, "may_record": _may_record(request.user)}
    return render(request, "community/pack.html", context)


@login_required
def new_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_record(request.user):
        raise Http404
    right = (
        Can.RECORD_SERVICES if policy.can(request.user, Can.RECORD_SERVICES) else Can.EDIT_REGISTRY
    )
    found = _center(request, pk, right)
    on = _date(request.POST.get("date") or request.GET.get("date"))
    pending = services.pending_before(found, on)
    form = MeetingForm(request.POST or None, pending=pending, initial={"date": on})
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["date"]
        if found.meetings.filter(date=day).exists():
            form.add_error("date", _("This center already has a meeting on that day."))
        else:
            services.record_meeting(
                found,
                day,
                request.user,
                notes=form.cleaned_data["notes"],
                attendance=form.attendance(),
                decisions=form.new_decisions(),
                follow_ups=form.follow_ups(),
            )
            _logged(request, found, Action.EDIT, date=day.isoformat())
            messages.success(request, _("The meeting was recorded."))
            return redirect("community:center", pk=found.pk)
    _logged(request, found)
    return render(request, "community/meeting_form.html", {"form": form, "center": found})


# --- Cuna Más day care ------------------------------------------------------------------------


def _daycare(request: HttpRequest, pk: int, right: Can = Can.VIEW_PERSONAL) -> DayCareCenter:
    return DayCareCenter.objects.visible_or_404(request.user, pk, right)


def _record_right(user) -> Can:
    return Can.RECORD_SERVICES if policy.can(user, Can.RECORD_SERVICES) else Can.EDIT_REGISTRY


@policy.page(Can.VIEW_PERSONAL)
def daycares(request: HttpRequest) -> HttpResponse:
    found = list(DayCareCenter.objects.visible_to(request.user).select_related("district"))
    audit.record(
        request, Action.LIST, [], filter={"daycares": [c.pk for c in found]}, row_count=len(found)
    )
    return render(request, "community/daycares.html", {"centers": found})


@login_required
def daycare_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = _daycare(request, pk)
    today = timezone.localdate()
    norms = current_profile().community
    form = EnrollForm(request.POST or None, initial={"enrolled_on": today})
    if request.method == "POST":
        if not _may_record(request.user):
            raise Http404
        found = _daycare(request, pk, _record_right(request.user))
        if form.is_valid() and norms is not None and norms.cuna_mas is not None:
            data = form.cleaned_data
            number = data["document"]
            child = (
                Child.objects.visible_to(request.user, _record_right(request.user))
                .filter(Q(dni=number) | Q(cui=number) | Q(cnv=number))
                .first()
            )
            if child is None:
                form.add_error("document", _("No child with that document in your territory."))
            elif not daycare.enrollable(child, data["enrolled_on"], norms.cuna_mas):
                form.add_error(
                    "document",
                    _("The child is %(months)s months old: day care takes %(low)s to %(high)s.")
                    % {
                        "months": daycare.age_months(child, data["enrolled_on"]),
                        "low": norms.cuna_mas.from_months.value,
                        "high": norms.cuna_mas.to_months.value,
                    },
                )
            elif daycare.enrolled_on(found, data["enrolled_on"]).filter(child=child).exists():
                form.add_error("document", _("The child is already enrolled."))
            else:
                Enrollment.objects.create(
                    center=found, child=child, enrolled_on=data["enrolled_on"]
                )
                audit.record(request, Action.EDIT, [child], filter={"daycare": found.pk})
                messages.success(request, _("The child was enrolled."))
                return redirect("community:daycare", pk=found.pk)
    enrolled = list(daycare.enrolled_on(found, today))
    audit.record(request, Action.VIEW, [e.child for e in enrolled], filter={"daycare": found.pk})
    context = {
        "center": found,
        "enrolled": enrolled,
        "months": daycare.by_month(found),
        "form": form,
        "may_record": _may_record(request.user),
        "may_measure": policy.can(request.user, Can.RECORD_SERVICES),
        "today": today,
    }
    return render(request, "community/daycare.html", context)


@login_required
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The day's sheet (``?date=``, today by default): the children enrolled that day."""
    found = _daycare(request, pk)
    on = _date(request.POST.get("date") or request.GET.get("date"))
    enrolled = list(daycare.enrolled_on(found, on))
    if request.method == "POST":
        if not _may_record(request.user):
            raise Http404
        found = _daycare(request, pk, _record_right(request.user))
        if on > timezone.localdate():
            raise Http404
        norms = current_profile().community
        most = norms.cuna_mas.meals_per_day.value if norms and norms.cuna_mas else 3
        marks = {}
        for enrollment in enrolled:
            try:
                meals = int(request.POST.get(f"meals_{enrollment.pk}") or 0)
            except ValueError:
                meals = 0
            present = request.POST.get(f"present_{enrollment.pk}") == "on"
            marks[enrollment.pk] = (present, max(0, min(meals, most)))
        daycare.record_day(found, on, marks, request.user)
        audit.record(
            request,
            Action.EDIT,
            [e.child for e in enrolled],
            filter={"daycare": found.pk, "date": on.isoformat()},
        )
        messages.success(request, _("The attendance was recorded."))
        return redirect("community:daycare", pk=found.pk)
    stored = {
        a.enrollment_id: a for a in DayAttendance.objects.filter(enrollment__in=enrolled, date=on)
    }
    rows = [(e, stored.get(e.pk)) for e in enrolled]
    audit.record(
        request,
        Action.LIST,
        [e.child for e in enrolled],
        filter={"daycare": found.pk, "date": on.isoformat()},
    )
    context = {"center": found, "rows": rows, "on": on, "may_record": _may_record(request.user)}
    return render(request, "community/attendance.html", context)


# --- Home visits ------------------------------------------------------------------------------


@login_required
def new_visit(request: HttpRequest) -> HttpResponse:
    """Record a home visit to ``?child=`` or ``?woman=`` (404 outside the user's scope)."""
    if not _may_record(request.user):
        raise Http404
    right = _record_right(request.user)
    child = woman = None
    try:
        if request.GET.get("child"):
            child = Child.objects.visible_or_404(request.user, int(request.GET["child"]), right)
        elif request.GET.get("woman"):
            woman = Woman.objects.visible_or_404(request.user, int(request.GET["woman"]), right)
    except ValueError:
        raise Http404 from None
    person = child or woman
    if person is None:
        raise Http404
    place = person.populated_center_id
    centers = (
        MonitoringCenter.objects.filter(Q(covers=place) | Q(populated_center=place)).distinct()
        if place
        else MonitoringCenter.objects.none()
    )
    agents = CenterPerson.objects.filter(
        center__in=centers,
        active=True,
        role__in=[PersonRole.COMMUNITY_AGENT, PersonRole.SOCIAL_ACTOR, PersonRole.FACILITATOR],
    )
    today = timezone.localdate()
    form = VisitForm(request.POST or None, agents=agents, today=today, initial={"date": today})
    shown = [child] if child else []
    if request.method == "POST" and form.is_valid():
        visit = form.save(commit=False)
        visit.child, visit.woman = child, woman
        visit.center = visit.agent.center if visit.agent else centers.first()
        visit.recorded_by = request.user
        visit._change_reason = "recorded"
        visit.save()
        audit.record(request, Action.EDIT, shown, filter={"visit": visit.pk})
        messages.success(request, _("The home visit was recorded."))
        if child:
            return redirect("registry:child", pk=child.pk)
        return redirect("maternal:woman", pk=woman.pk)  # type: ignore[union-attr]
    audit.record(request, Action.VIEW, shown, filter={"woman": woman.pk} if woman else {})
    context = {"form": form, "child": child, "woman": woman}
    return render(request, "community/visit_form.html", context)


@policy.page(Can.VIEW_AGGREGATES)
def daycare_indicators(request: HttpRequest) -> HttpResponse:
    """Attendance rate, growth monitoring and anemia among enrolled children by territory
    (``?code=``, the user's scope by default; a district opens to its centers)."""
    profile = current_profile()
    scope = policy.access_of(request.user).scope
    code = request.GET.get("code") or (scope.territory_code if not scope.national else "")
    if code and (len(code) not in (2, 4, 6) or not code.isdigit()):
        raise Http404
    on = _date(request.GET.get("date"))
    personal = policy.sees_personal_in(request.user, code)
    lines = daycare.unit_lines(request.user, code, on, profile.disclosure.min_cell, personal)
    audit.record(
        request, Action.LIST, [], filter={"daycare_indicators": code, "date": on.isoformat()},
        territory_code=code, row_count=len(lines),
    )  # fmt: skip
    context = {"code": code, "on": on, "lines": lines, "opens": len(code) < 6}
    return render(request, "community/daycare_indicators.html", context)


# --- Offline capture --------------------------------------------------------------------------


@login_required
def offline_page(request: HttpRequest) -> HttpResponse:
    """The light visit form that keeps working without a connection (offline.js)."""
    if not _may_record(request.user):
        raise Http404
    practices = [
        ("exclusive_breastfeeding", _("exclusive breastfeeding")),
        ("iron_or_mmn", _("iron or micronutrients taken")),
        ("hand_washing", _("hand washing")),
        ("safe_water", _("safe water")),
        ("danger_signs", _("danger signs")),
    ]
    context = {
        "today": timezone.localdate(),
        "results": VisitResult.choices,
        "practices": practices,
    }
    return render(request, "community/offline.html", context)


def offline_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /community/offline/ so that it controls the page."""
    script = (Path(__file__).parent / "static" / "community" / "offline-sw.js").read_text("utf-8")
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def offline_sync(request: HttpRequest) -> HttpResponse:
    """Receive a device's queue (JSON ``{"visits": [...]}``), answer what became of each."""
    if request.method != "POST" or not _may_record(request.user):
        raise Http404
    try:
        body = json.loads(request.body or b"{}")
        records = body.get("visits", [])
        if not isinstance(records, list):
            raise ValueError
    except (ValueError, AttributeError):
        return JsonResponse({"error": "bad request"}, status=400)
    children = Child.objects.visible_to(request.user, _record_right(request.user)).active()
    answers = offline.receive(
        [r for r in records if isinstance(r, dict)], request.user, children, timezone.localdate()
    )
    stored = [a["id"] for a in answers if a["status"] == "stored"]
    audit.record(request, Action.EDIT, [], filter={"offline_visits": stored}, row_count=len(stored))
    return JsonResponse({"results": answers})
