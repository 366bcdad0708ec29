"""A woman's page (her pregnancies as a timeline of checks, Hb and what is due; her children),
the forms to register a pregnancy and record a check or an Hb test, and the list of ongoing
pregnancies a user follows. Every woman goes through the access policy (404 outside the
scope) and the access log, as children do."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.maternal import indicators as maternal_indicators
from crecer.maternal import services
from crecer.maternal.forms import HbForm, PregnancyForm, ServiceForm, UltrasoundForm
from crecer.maternal.models import Outcome, Pregnancy, Woman
from crecer.profile import current_profile

LISTED = 200  # ongoing pregnancies on the list page, the nearest due date first


def _logged(request: HttpRequest, woman: Woman, action: str = Action.VIEW) -> None:
    # The access log's child list holds children; a woman is named in its filter.
    audit.record(request, action, [], filter={"woman": woman.pk}, row_count=1)


@policy.page(Can.VIEW_PERSONAL)
def pregnancies(request: HttpRequest) -> HttpResponse:
    women = Woman.objects.visible_to(request.user)
    ongoing = (
        Pregnancy.objects.filter(woman__in=women, outcome=Outcome.ONGOING)
        .select_related("woman", "woman__district")
        .order_by("lmp_date", "id")
    )
    total = ongoing.count()
    rows = list(ongoing[:LISTED])
    audit.record(
        request, Action.LIST, [], filter={"women": [p.woman_id for p in rows]}, row_count=len(rows)
    )
    today = timezone.localdate()
    listed = services.work_rows(current_profile(), rows, today)
    context = {"rows": listed, "total": total, "shown": len(rows), "today": today}
    return render(request, "maternal/pregnancies.html", context)


@login_required
def woman(request: HttpRequest, pk: int) -> HttpResponse:
    found = Woman.objects.visible_or_404(request.user, pk)
    _logged(request, found)
    profile = current_profile()
    today = timezone.localdate()
    context = {
        "woman": found,
        "summaries": [
            services.pregnancy_summary(profile, pregnancy, today)
            for pregnancy in found.pregnancies.all()
        ],
        "children": list(found.children().visible_to(request.user)),
        "can_record": policy.can(request.user, Can.RECORD_SERVICES),
    }
    return render(request, "maternal/woman.html", context)


@login_required
def new_pregnancy(request: HttpRequest, pk: int) -> HttpResponse:
    found = Woman.objects.visible_or_404(request.user, pk, Can.RECORD_SERVICES)
    form = PregnancyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.register_pregnancy(
            found,
            data["lmp_date"],
            request.user,
            ultrasound=form.ultrasound(),
            risk=data["risk"],
            facility=data["facility"],
            planned_delivery_place=data["planned_delivery_place"],
        )
        _logged(request, found, Action.EDIT)
        messages.success(request, _("The pregnancy was registered."))
        return redirect("maternal:woman", pk=found.pk)
    _logged(request, found)
    title = _("Register a pregnancy")
    return render(request, "maternal/form.html", {"form": form, "woman": found, "title": title})


RECORD_FORMS = {"service": ServiceForm, "hb": HbForm, "ultrasound": UltrasoundForm}


@login_required
def record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    pregnancy = get_object_or_404(Pregnancy.objects.select_related("woman"), pk=pk)
    found = Woman.objects.visible_or_404(request.user, pregnancy.woman_id, Can.RECORD_SERVICES)
    form_class = RECORD_FORMS.get(kind)
    if form_class is None:
        return redirect("maternal:woman", pk=found.pk)
    form = form_class(request.POST or None, pregnancy=pregnancy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if kind == "hb":
            services.record_hb(pregnancy, data["date"], data["hb"], request.user, data["facility"])
        elif kind == "ultrasound":
            day, measured = form.ultrasound()
            if services.record_ultrasound(pregnancy, day, measured, request.user):
                messages.info(request, _("The ultrasound now dates the pregnancy."))
            else:
                messages.info(request, _("The ultrasound agrees with the FUR, which is kept."))
        else:
            services.record_service(
                pregnancy, data["date"], data["code"], request.user, data["facility"]
            )
        _logged(request, found, Action.EDIT)
        messages.success(request, _("The event was recorded."))
        return redirect("maternal:woman", pk=found.pk)
    _logged(request, found)
    titles = {
        "service": _("Record a prenatal service"),
        "hb": _("Record an Hb test"),
        "ultrasound": _("Record a dating ultrasound"),
    }
    context = {"form": form, "woman": found, "title": titles[kind], "pregnancy": pregnancy}
    return render(request, "maternal/form.html", context)


def _scope_code(user) -> str:
    """The territory unit a user's indicators page opens on: their district, province or
    department ("" = the country, for national and facility or community scopes)."""
    scope = policy.access_of(user).scope
    return scope.territory_code if not scope.national else ""


@policy.page()
def indicators(request: HttpRequest) -> HttpResponse:
    profile = current_profile()
    code = request.GET.get("code") or _scope_code(request.user)
    if code and profile.territory.level_of_code(code) is None:
        raise Http404
    refresh, lines = maternal_indicators.unit_lines(profile, request.user, code)
    context = {
        "code": code,
        "refresh": refresh,
        "lines": lines,
        "personal": policy.sees_personal_in(request.user, code),
        "min_cell": profile.disclosure.min_cell,
    }
    return render(request, "maternal/indicators.html", context)


@login_required
def indicator_women(request: HttpRequest, indicator: str, code: str = "") -> HttpResponse:
    profile = current_profile()
    chosen = (
        next((i for i in profile.analytics.maternal_indicators if i.id == indicator), None)
        if profile.analytics
        else None
    )
    refresh = maternal_indicators.latest_refresh(code)
    if chosen is None or refresh is None or not policy.sees_personal_in(request.user, code):
        raise Http404
    rows = maternal_indicators.women_behind(profile, chosen, code, refresh, request.user)
    audit.record(
        request,
        Action.LIST,
        [],
        filter={"women": sorted({p.woman_id for p, _ in rows}), "indicator": indicator},
        territory_code=code,
        row_count=len(rows),
    )
    context = {"indicator": chosen, "code": code, "refresh": refresh, "rows": rows}
    return render(request, "maternal/indicator_women.html", context)
