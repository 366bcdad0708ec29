"""The surveys imported, and a survey's estimates beside the registry's, by department."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.ingest.models import ImportRun
from crecer.profile import current_profile
from crecer.surveys.comparison import compare
from crecer.territory.models import Department, District

INDICATORS = {
    "stunting": _("Stunting (height-for-age below -2 SD)"),
    "severe_stunting": _("Severe stunting (below -3 SD)"),
    "wasting": _("Wasting (weight-for-height below -2 SD)"),
    "overweight": _("Overweight (weight-for-height above +2 SD)"),
    "underweight": _("Underweight (weight-for-age below -2 SD)"),
    "anemia": _("Anemia (altitude-adjusted Hb below the cut-off)"),
}
REASONS = {
    "n": _("too few children"),
    "psus": _("children in too few clusters"),
    "no_variance": _("no sampling error can be estimated"),
    "effective_n": _("too few children once the design effect is counted"),
    "caution_n": _("few children: read with caution"),
    "cv": _("imprecise (coefficient of variation above the limit): read with caution"),
    "boundary": _("0 or 100 %: the interval is not informative"),
}
GROUPS = {
    "U": _("urban"), "R": _("rural"), "M": _("boys"), "F": _("girls"),
    "area": _("area"), "sex": _("sex"), "age": _("age (months)"), "district": _("district"),
}  # fmt: skip


@policy.page(Can.VIEW_AGGREGATES)
def survey_list(request: HttpRequest) -> HttpResponse:
    """Every survey child file imported (a survey is one import run)."""
    runs = ImportRun.objects.filter(kind="survey", created__gt=0).order_by("-started_at")
    return render(request, "surveys/list.html", {"runs": runs})


@policy.page(Can.VIEW_AGGREGATES)
def comparison(request: HttpRequest, pk: int) -> HttpResponse:
    """One survey's estimates with their intervals beside the registry's figures, for a
    department the user's scope meets (``?code=05``) or the country (no code)."""
    run = get_object_or_404(ImportRun, pk=pk, kind="survey")
    code = request.GET.get("code")
    scope = policy.access_of(request.user).scope
    if code is None:
        code = "" if scope.national else scope.territory_code[:2]
    if code and (len(code) != 2 or not code.isdigit() or not scope.overlaps(code)):
        raise Http404
    department = Department.objects.filter(code=code).first() if code else None
    if code and department is None:
        raise Http404
    profile = current_profile()
    result = compare(run, code, profile)
    codes = {p["label"] for line in result["lines"] for p in line.by if p["by"] == "district"}
    names = dict(District.objects.filter(ubigeo__in=codes).values_list("ubigeo", "name"))
    for line in result["lines"]:
        line.label = INDICATORS.get(line.indicator, line.indicator)
        line.reason_text = REASONS.get(line.reason, "")
        for part in line.by:
            part["by_text"] = GROUPS.get(part["by"], part["by"])
            if part["by"] == "district":
                part["label_text"] = f"{names.get(part['label'], '')} {part['label']}".strip()
            else:
                part["label_text"] = GROUPS.get(part["label"], part["label"])
    audit.record(
        request, Action.VIEW, [], filter={"survey_comparison": run.pk, "code": code},
        territory_code=code,
    )  # fmt: skip
    chart = _chart(result["lines"])
    departments = Department.objects.order_by("code")
    if not scope.national:
        departments = departments.filter(code__in=[d[:2] for d in scope.district_prefixes()])
    context = {
        "run": run,
        "code": code,
        "department": department,
        "departments": departments,
        "survey": profile.survey,
        "chart": chart,
        **result,
    }
    return render(request, "surveys/comparison.html", context)


CHART_WIDTH, CHART_LEFT, ROW = 640, 250, 26


def _chart(lines: list) -> dict:
    """Positions of a server-side SVG: one row per indicator on a 0 to ``top`` % axis, the
    survey's estimate with its interval, the registry's figure and the target."""
    values = [
        v for line in lines
        for v in (line.ci_high, line.registry, line.target, line.estimate) if v is not None
    ]  # fmt: skip
    top = max([10.0, *values]) * 1.1
    span = CHART_WIDTH - CHART_LEFT - 10

    def x(value: float | None) -> float | None:
        return None if value is None else round(CHART_LEFT + span * value / top, 1)

    rows = []
    for index, line in enumerate(lines):
        y = 20 + index * ROW
        rows.append({
            "label": line.label, "y": y, "text_y": y + 4,
            "estimate": x(line.estimate), "low": x(line.ci_low), "high": x(line.ci_high),
            "registry": x(line.registry), "target": x(line.target),
        })  # fmt: skip
    ticks = [
        {"x": x(value), "value": round(value)}
        for value in (top * i / 4 for i in range(5))
    ]  # fmt: skip
    height = 40 + len(lines) * ROW
    return {"rows": rows, "ticks": ticks, "width": CHART_WIDTH, "height": height,
            "axis_y": height - 14, "left": CHART_LEFT}  # fmt: skip
