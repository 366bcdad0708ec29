"""JUNTOS pages: the cycles of a territory and each cycle's steps (verify, approve by a second
person, payroll, reconciliation), a household's page with each member's conditions per cycle
and the evidence behind them (and the appeal form), and the eligible households not yet
affiliated. Households go through the access policy (404 outside the scope) and the access
log, as children do; cycle steps need ``Can.MANAGE_TRANSFERS``."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.ingest.columns import UnreadableFile
from crecer.juntos import cycles, payments, reconciliation
from crecer.juntos import dashboard as juntos_dashboard
from crecer.juntos.forms import HouseholdForm, MemberForm, date_input
from crecer.juntos.households import eligible_not_affiliated, pepi_of, set_status
from crecer.juntos.labels import condition_names, reason_text
from crecer.juntos.models import (
    Appeal,
    AppealStatus,
    Cycle,
    CycleEvidence,
    Household,
    Member,
    Outcome,
    Stage,
    Status,
    Verification,
    Waiver,
)
from crecer.profile import current_profile

LISTED = 200


def _territory(user: Any) -> str | None:
    """The ubigeo prefix a user manages cycles of ("" = the country); None: no territory
    (a facility's or a community agent's scope manages no cycle)."""
    scope = policy.access_of(user).scope
    if scope.national:
        return ""
    return scope.territory_code or None


def _cycle_or_404(user: Any, pk: int) -> Cycle:
    territory = _territory(user)
    cycle = Cycle.objects.filter(pk=pk).first()
    if cycle is None or territory is None or not cycle.territory_code.startswith(territory):
        raise Http404
    return cycle


class OpenCycleForm(forms.Form):
    territory_code = forms.CharField(
        label=gettext_lazy("territory (ubigeo prefix)"), max_length=6, required=False
    )
    period_start = forms.DateField(
        label=gettext_lazy("period start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=gettext_lazy("period end"), widget=forms.DateInput(attrs={"type": "date"})
    )
    cutoff = forms.DateField(
        label=gettext_lazy("cut-off of the evidence"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, territory: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        self.fields["territory_code"].initial = territory

    def clean_territory_code(self) -> str:
        code = self.cleaned_data["territory_code"] or ""
        if not code.startswith(self.territory):
            raise forms.ValidationError(_("Outside your territory."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


@policy.page(Can.MANAGE_TRANSFERS)
def cycle_list(request: HttpRequest) -> HttpResponse:
    territory = _territory(request.user)
    if territory is None:
        raise Http404
    form = OpenCycleForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Cycle.objects.filter(
            territory_code=data["territory_code"], period_start=data["period_start"]
        ).exists():
            form.add_error(None, _("A cycle of that territory and period exists already."))
        else:
            cycle = cycles.open_cycle(
                data["territory_code"], data["period_start"], data["period_end"], data["cutoff"],
                request.user, current_profile(),
            )  # fmt: skip
            messages.success(request, _("The cycle was prepared: its snapshot is frozen."))
            return redirect("juntos:cycle", pk=cycle.pk)
    listed = Cycle.objects.filter(territory_code__startswith=territory)[:LISTED]
    return render(request, "juntos/cycles.html", {"cycles": listed, "form": form})


@policy.page(Can.MANAGE_TRANSFERS)
def cycle_page(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_or_404(request.user, pk)
    names = condition_names(current_profile())
    statuses = dict(Outcome.choices)
    by_status = Counter(
        str(statuses.get(s, s)) for s in cycle.verifications.values_list("status", flat=True)
    )
    failing = Counter(
        (names.get(condition, condition), reason_text(reason))
        for condition, reason in cycle.verifications.exclude(
            status__in=["complied", "exempt"]
        ).values_list("condition", "reason")
    )
    entitlements = cycle.entitlements
    totals = {
        "households": entitlements.count(),
        "complying": entitlements.filter(complies=True).count(),
        "paid": entitlements.filter(total__gt=0).count(),
        "amount": sum(entitlements.values_list("total", flat=True)),
    }
    not_paid = list(entitlements.filter(total=0).select_related("household")[:LISTED])
    for e in not_paid:
        e.reason_name = names.get(e.reason, e.reason)
    audit.record(
        request,
        Action.LIST,
        [],
        filter={"cycle": cycle.pk, "households": [e.household_id for e in not_paid]},
        row_count=len(not_paid),
    )
    context = {
        "cycle": cycle,
        "by_status": sorted(by_status.items()),
        "failing": failing.most_common(20),
        "totals": totals,
        "not_paid": not_paid,
        "hash_ok": cycle.snapshot_hash == cycles.snapshot_hash(cycle),
        "may_approve": request.user.pk not in (cycle.prepared_by_id, cycle.verified_by_id),
    }
    return render(request, "juntos/cycle.html", context)


STEPS = {"verify": Stage.PREPARED, "approve": Stage.VERIFIED}


@policy.page(Can.MANAGE_TRANSFERS)
def cycle_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    cycle = _cycle_or_404(request.user, pk)
    if request.method != "POST" or step not in STEPS:
        return redirect("juntos:cycle", pk=cycle.pk)
    try:
        if step == "verify":
            cycles.verify_cycle(cycle, request.user, current_profile())
            messages.success(request, _("The cycle was verified."))
        else:
            cycles.approve_cycle(cycle, request.user, current_profile())
            messages.success(request, _("The cycle was approved."))
    except cycles.CycleError as error:
        messages.error(request, _("Not done: %(why)s.") % {"why": error})
    return redirect("juntos:cycle", pk=cycle.pk)


@policy.page(Can.MANAGE_TRANSFERS, Can.EXPORT)
def payroll(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The payroll of an approved cycle: downloading the CSV sends the cycle (its hash is
    stored); afterwards the same file (CSV or XLSX) can be downloaded again."""
    cycle = _cycle_or_404(request.user, pk)
    if cycle.stage == Stage.APPROVED and request.method == "POST":
        payments.send_cycle(cycle, request.user)
    if cycle.stage not in (Stage.SENT, Stage.PAID):
        messages.error(request, _("The payroll exists once the cycle is approved and sent."))
        return redirect("juntos:cycle", pk=cycle.pk)
    frame = payments.payroll_frame(cycle)
    audit.record(
        request,
        Action.EXPORT,
        [],
        filter={"cycle": cycle.pk, "payroll": fmt},
        row_count=frame.height - 1,
    )
    if fmt == "xlsx":
        body = payments.payroll_xlsx(frame)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, kind, fmt = payments.payroll_csv(frame), "text/csv; charset=utf-8", "csv"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="juntos-payroll-{cycle.pk}.{fmt}"'
    return response


@login_required
def household(request: HttpRequest, pk: int) -> HttpResponse:
    found = Household.objects.visible_or_404(request.user, pk)
    audit.record(request, Action.VIEW, [], filter={"household": found.pk}, row_count=1)
    members = list(found.members.all())
    verifications = list(
        Verification.objects.filter(household=found)
        .select_related("cycle", "member")
        .order_by("-cycle__period_start", "member_id", "condition")
    )
    evidence: dict[tuple[int, int], list[CycleEvidence]] = {}
    for event in CycleEvidence.objects.filter(
        cycle__in={v.cycle_id for v in verifications}, member__in=[m.pk for m in members]
    ).order_by("date"):
        evidence.setdefault((event.cycle_id, event.member_id), []).append(event)
    names = condition_names(current_profile())
    for v in verifications:
        v.condition_name, v.reason_text = names.get(v.condition, v.condition), reason_text(v.reason)
    rows = [(v, evidence.get((v.cycle_id, v.member_id), [])) for v in verifications]
    context = {
        "household": found,
        "members": members,
        "classes": list(found.classes.all()),
        "affiliation": getattr(found, "affiliation", None),
        "history": list(found.affiliation.history.all()) if hasattr(found, "affiliation") else [],
        "rows": rows,
        "entitlements": [
            _named(e, names)
            for e in found.entitlements.select_related("cycle").order_by("-cycle__period_start")
        ],
        "appeals": list(found.appeals.all()),
        "may_appeal": policy.can(request.user, Can.MANAGE_TRANSFERS),
        "statuses": Status.choices,
        "pepi": pepi_of([found], current_profile()).get(found.pk),
        "changes": _changes(found),
    }
    return render(request, "juntos/household.html", context)


def _named(entitlement: Any, names: dict[str, str]) -> Any:
    entitlement.reason_name = names.get(entitlement.reason, entitlement.reason)
    return entitlement


class AppealForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=gettext_lazy("evidence (what proves it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@policy.page(Can.MANAGE_TRANSFERS)
def appeal_new(request: HttpRequest, pk: int, verification: int) -> HttpResponse:
    found = Household.objects.visible_or_404(request.user, pk)
    checked = (
        Verification.objects.filter(pk=verification, household=found)
        .select_related("cycle")
        .first()
    )
    if checked is None:
        raise Http404
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        payments.file_appeal(
            checked.cycle,
            checked.pk,
            form.cleaned_data["reason"],
            form.cleaned_data["evidence"],
            request.user,
        )
        audit.record(request, Action.EDIT, [], filter={"household": found.pk}, row_count=1)
        messages.success(request, _("The appeal was filed."))
        return redirect("juntos:household", pk=found.pk)
    context = {
        "form": form,
        "household": found,
        "checked": checked,
        "condition_name": condition_names(current_profile()).get(
            checked.condition, checked.condition
        ),
        "reason": reason_text(checked.reason),
    }
    return render(request, "juntos/appeal.html", context)


@policy.page(Can.MANAGE_TRANSFERS)
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = Appeal.objects.select_related("household", "cycle").filter(pk=pk).first()
    if appeal is None:
        raise Http404
    Household.objects.visible_or_404(request.user, appeal.household_id)
    if request.method == "POST" and appeal.status == AppealStatus.OPEN:
        accept = request.POST.get("decision") == "accept"
        try:
            adjustment = payments.decide_appeal(
                appeal, accept, request.POST.get("note", ""), request.user, current_profile()
            )
        except cycles.CycleError as error:
            messages.error(request, _("Not done: %(why)s.") % {"why": error})
        else:
            if adjustment is not None:
                messages.success(
                    request,
                    _("Accepted: S/ %(amount)s will be paid with the next cycle.")
                    % {"amount": adjustment.amount},
                )
            else:
                messages.success(request, _("The appeal was decided."))
    return redirect("juntos:household", pk=appeal.household_id)


@policy.page(Can.MANAGE_TRANSFERS)
def eligible(request: HttpRequest) -> HttpResponse:
    households = Household.objects.visible_to(request.user)
    on = timezone.localdate()
    found = eligible_not_affiliated(households, current_profile(), on)[:LISTED]
    audit.record(
        request,
        Action.LIST,
        [],
        filter={"households": [h.pk for h, _e in found]},
        row_count=len(found),
    )
    return render(request, "juntos/eligible.html", {"rows": found, "on": on})


@policy.page(Can.VIEW_PERSONAL)
def at_risk(request: HttpRequest) -> HttpResponse:
    """Affiliated households of the user's territory that would not be paid if the current
    bimester were verified today, with the check each member misses and when it is due: the
    work list before the cut-off. ``?format=csv`` exports it (formula-safe)."""
    households = Household.objects.visible_to(request.user)
    profile = current_profile()
    (start, end), listed = cycles.at_risk(households, timezone.localdate(), profile)
    listed = listed[:LISTED]
    names = condition_names(profile)
    members = {m.pk: m for m in Member.objects.filter(household__in=[r.household for r in listed])}
    rows = [
        (
            risk.household,
            [
                {
                    **f,
                    "names": members[f["member"]].names,
                    "condition_name": names.get(f["condition"], f["condition"]),
                    "reason_text": reason_text(f["reason"]),
                }
                for f in risk.failing
            ],
        )
        for risk in listed
    ]
    wants_csv = request.GET.get("format") == "csv"
    action = Action.EXPORT if wants_csv else Action.LIST
    audit.record(
        request,
        action,
        [],
        filter={"households": [r.household.pk for r in listed]},
        row_count=len(listed),
    )
    if wants_csv:
        if not policy.can(request.user, Can.EXPORT):
            raise Http404
        return _at_risk_csv(rows, start, end)
    return render(request, "juntos/at_risk.html", {"rows": rows, "start": start, "end": end})


def _at_risk_csv(rows: list, start: Any, end: Any) -> HttpResponse:
    import io

    from crecer.ingest.safe_cells import safe_writer

    buffer = io.StringIO()
    writer = safe_writer(buffer, delimiter=";")
    writer.writerow(
        [
            "CODIGO_HOGAR",
            "UBIGEO",
            "MIEMBRO",
            "CORRESPONSABILIDAD",
            "HECHO",
            "REQUERIDO",
            "VENCE",
            "MOTIVO",
        ]
    )
    for household, failing in rows:
        for f in failing:
            due = f["due_by"].strftime("%d/%m/%Y") if f["due_by"] else ""
            writer.writerow(
                [
                    household.code,
                    household.district_id,
                    f["names"],
                    f["condition_name"],
                    f["done"],
                    f["required"],
                    due,
                    f["reason_text"],
                ]
            )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="juntos-at-risk-{start:%Y%m}-{end:%Y%m}.csv"'
    )
    return response


@policy.page(Can.VIEW_PERSONAL)
def dashboard(request: HttpRequest) -> HttpResponse:
    """JUNTOS by territory for a unit the user sees in full (named households behind every
    number: no small cell to hide from them); the unit defaults to the user's own."""
    code = request.GET.get("code")
    if code is None:
        scope = policy.access_of(request.user).scope
        code = "" if scope.national else scope.territory_code
    if not policy.sees_personal_in(request.user, code):
        raise Http404
    total, children, period, failing = juntos_dashboard.by_territory(code)
    names = condition_names(current_profile())
    failing_rows = [(names.get(c, c), reason_text(r), n) for c, r, n in failing]
    statuses = dict(Status.choices)
    audit.record(request, Action.VIEW, [], filter={"juntos_dashboard": code}, territory_code=code)
    context = {
        "code": code,
        "total": total,
        "children": children,
        "period": period,
        "failing": failing_rows,
        "columns": [(key, statuses[key]) for key in Status.values],
    }
    return render(request, "juntos/dashboard.html", context)


@policy.page(Can.VIEW_PERSONAL)
def household_list(request: HttpRequest) -> HttpResponse:
    """The named households of a district behind a dashboard number (by standing)."""
    code = request.GET.get("code", "")
    status = request.GET.get("status", "")
    if len(code) != 6 or not policy.sees_personal_in(request.user, code):
        raise Http404
    households = Household.objects.visible_to(request.user).filter(district_id=code)
    if status:
        households = households.filter(affiliation__status=status)
    listed = list(households.select_related("affiliation").order_by("code")[:LISTED])
    audit.record(
        request, Action.LIST, [], filter={"households": [h.pk for h in listed]},
        territory_code=code, row_count=len(listed),
    )  # fmt: skip
    context = {
        "households": listed,
        "code": code,
        "status_label": dict(Status.choices).get(status, ""),
    }
    return render(request, "juntos/households.html", context)


def _changes(household: Household) -> list[Any]:
    """Every change to the household and its members, newest first, with its reason."""
    rows = list(household.history.all()[:LISTED]) + list(
        Member.history.filter(household_id=household.pk)[:LISTED]
    )
    return sorted(rows, key=lambda row: row.history_date, reverse=True)[:LISTED]


class PaidBackForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("the bank's paid-back file (CSV or XLSX)"),
        help_text=gettext_lazy("Columns: CODIGO_HOGAR and COBRADO (S or N)."),
    )


@policy.page(Can.MANAGE_TRANSFERS)
def reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the paid-back file of a sent cycle; the page reports every line not taken."""
    cycle = _cycle_or_404(request.user, pk)
    form = PaidBackForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / (Path(upload.name).name or "paid-back.csv")
            if not path.suffix:
                path = path.with_suffix(".csv")
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                report = reconciliation.reconcile_file(cycle, path, request.user)
            except UnreadableFile as error:
                form.add_error("file", str(error))
            except cycles.CycleError as error:
                form.add_error(None, _("Not done: %(why)s.") % {"why": error})
    context = {"cycle": cycle, "form": form, "report": report}
    return render(request, "juntos/reconcile.html", context)


class WaiverForm(forms.Form):
    territory_code = forms.CharField(
        label=gettext_lazy("territory (ubigeo prefix, empty: the country)"),
        max_length=6,
        required=False,
    )
    period_start = forms.DateField(label=gettext_lazy("from"), widget=date_input())
    period_end = forms.DateField(label=gettext_lazy("to"), widget=date_input())
    reason = forms.CharField(label=gettext_lazy("reason and legal act"), max_length=255)

    def __init__(self, *args: Any, territory: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        self.fields["territory_code"].initial = territory

    def clean_territory_code(self) -> str:
        code = self.cleaned_data["territory_code"] or ""
        if not code.startswith(self.territory):
            raise forms.ValidationError(_("Outside your territory."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


@policy.page(Can.MANAGE_TRANSFERS)
def waivers(request: HttpRequest) -> HttpResponse:
    """Waivers of verification (members in the territory and period are exempt): listed, and
    registered with their legal act. A cycle already verified is not changed by a new one."""
    territory = _territory(request.user)
    if territory is None:
        raise Http404
    form = WaiverForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        Waiver.objects.create(**form.cleaned_data, created_by=request.user)
        messages.success(request, _("The waiver was registered."))
        return redirect("juntos:waivers")
    listed = Waiver.objects.filter(territory_code__startswith=territory).order_by("-period_start")
    return render(request, "juntos/waivers.html", {"form": form, "waivers": listed[:LISTED]})


class StandingForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("standing"), choices=Status.choices)
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=200)


@policy.page(Can.MANAGE_TRANSFERS)
def standing(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a household's standing (validated, affiliated, disaffiliated…) with its reason,
    kept in the affiliation's history."""
    found = Household.objects.visible_or_404(request.user, pk)
    form = StandingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        set_status(
            found, form.cleaned_data["status"], timezone.localdate(),
            form.cleaned_data["reason"], request.user,
        )  # fmt: skip
        audit.record(request, Action.EDIT, [], filter={"household": found.pk}, row_count=1)
        messages.success(request, _("The standing was changed."))
    elif request.method == "POST":
        messages.error(request, _("Give the standing and its reason."))
    return redirect("juntos:household", pk=found.pk)


def _save_edit(request: HttpRequest, form: forms.ModelForm, household: Household) -> None:
    record = form.save(commit=False)
    record._change_reason = form.cleaned_data["change_reason"]
    record.save()
    audit.record(request, Action.EDIT, [], filter={"household": household.pk}, row_count=1)
    messages.success(request, _("The record was saved."))


@policy.page(Can.MANAGE_TRANSFERS)
def edit_household(request: HttpRequest, pk: int) -> HttpResponse:
    """The household's declared facility, address, residence and assembly, with a reason."""
    found = Household.objects.visible_or_404(request.user, pk)
    form = HouseholdForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        _save_edit(request, form, found)
        return redirect("juntos:household", pk=found.pk)
    context = {"form": form, "household": found, "title": _("Edit the household")}
    return render(request, "juntos/edit.html", context)


@policy.page(Can.MANAGE_TRANSFERS)
def edit_member(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's role, languages, education, school and whether still a member, with a
    reason (a member leaves by becoming inactive: nothing is deleted)."""
    member = Member.objects.filter(pk=pk).first()
    if member is None:
        raise Http404
    found = Household.objects.visible_or_404(request.user, member.household_id)
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        _save_edit(request, form, found)
        return redirect("juntos:household", pk=found.pk)
    title = _("Edit the member %(name)s") % {"name": member}
    return render(request, "juntos/edit.html", {"form": form, "household": found, "title": title})
