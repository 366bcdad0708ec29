"""The child page's growth, hemoglobin and schedule sections: the child's events read from the
database, handed to :mod:`crecer.health.summary`, and its keys turned into translated words.

Only this module touches Django; the numbers are computed in ``summary``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from crecer.health import summary
from crecer.health.models import (
    AltitudeSource,
    GrowthCheck,
    HemoglobinTest,
    Measure,
    ServiceRecord,
)
from crecer.profile import current_profile
from crecer.registry.models import Child

CATEGORY_LABELS = {
    "normal": gettext_lazy("normal"),
    "stunting": gettext_lazy("stunting"),
    "severe_stunting": gettext_lazy("severe stunting"),
    "wasting": gettext_lazy("wasting"),
    "severe_wasting": gettext_lazy("severe wasting"),
    "overweight": gettext_lazy("overweight"),
    "obesity": gettext_lazy("obesity"),
    "underweight": gettext_lazy("underweight"),
    "severe_underweight": gettext_lazy("severe underweight"),
}
REASON_LABELS = {
    "sex_missing": gettext_lazy("sex unknown"),
    "age_missing": gettext_lazy("age unknown"),
    "age_out_of_range": gettext_lazy("age outside the WHO standard"),
    "measurement_missing": gettext_lazy("not measured"),
    "measurement_not_positive": gettext_lazy("not measured"),
    "oedema": gettext_lazy("oedema: not computed"),
    "length_out_of_range": gettext_lazy("length outside the WHO table"),
    "not_computable": gettext_lazy("not computable"),
}
SEVERITY_LABELS = {
    "none": gettext_lazy("no anemia"),
    "mild": gettext_lazy("mild anemia"),
    "moderate": gettext_lazy("moderate anemia"),
    "severe": gettext_lazy("severe anemia"),
    "anemia": gettext_lazy("anemia (no severity under 6 months)"),
    "unknown": gettext_lazy("not classified"),
}
STATE_LABELS = {
    "done": gettext_lazy("done"),
    "overdue": gettext_lazy("overdue"),
    "due": gettext_lazy("due now"),
    "upcoming": gettext_lazy("upcoming"),
}
GROUP_LABELS = {
    "cred": gettext_lazy("Growth and development checks (CRED)"),
    "vaccines": gettext_lazy("Vaccines"),
    "iron": gettext_lazy("Iron and micronutrients"),
    "hb": gettext_lazy("Hemoglobin screening"),
    "identity": gettext_lazy("Identity and insurance"),
    "other": gettext_lazy("Other"),
}


def child_summary(child: Child, as_of: date) -> dict[str, Any]:
    """Context for ``health/_child_summary.html``: growth rows and charts, Hb rows, schedule
    groups, as of ``as_of``."""
    profile = current_profile()
    facts = facts_of(child)
    growth = summary.growth_rows(facts, _measurements(child))
    tests = _hb_tests(child)
    services = list(ServiceRecord.objects.filter(child=child).values_list("date", "code"))
    schedule = summary.schedule_rows(profile, facts, services, [t.date for t in tests], as_of)
    return {
        "as_of": as_of,
        "growth_rows": [_growth_view(row) for row in growth],
        "charts": summary.growth_charts(facts, growth, _chart_labels(facts.sex)),
        "hb_rows": [_hb_view(row) for row in summary.hb_rows(facts, tests, profile.anemia)]
        if profile.anemia
        else [],
        "schedule_groups": _groups(schedule),
    }


def facts_of(child: Child) -> summary.ChildFacts:
    return summary.ChildFacts(
        birth_date=child.birth_date,
        sex=child.sex,
        birth_weight_g=child.birth_weight_g,
        gestational_weeks=child.gestational_age_weeks,
        dni_issue_date=child.dni_issue_date,
        sis_affiliation_date=child.sis_affiliation_date,
    )


def _measurements(child: Child) -> list[summary.Measurement]:
    fields = ("date", "weight_kg", "length_cm", "measure", "oedema")
    return [
        summary.Measurement(*values)
        for values in GrowthCheck.objects.filter(child=child).values_list(*fields)
    ]


def _hb_tests(child: Child) -> list[summary.HbTest]:
    fields = ("date", "hb_observed", "altitude_m", "altitude_source")
    return [
        summary.HbTest(*values)
        for values in HemoglobinTest.objects.filter(child=child).values_list(*fields)
    ]


def _chart_labels(sex: str) -> dict[str, tuple[str, str, str]]:
    boys = sex == "1"
    who = _("boys (WHO 2006)") if boys else _("girls (WHO 2006)")
    age, weight = _("Age (months)"), _("Weight (kg)")
    # Not inside f-strings: makemessages does not see a gettext call there.
    titles = {
        "lhfa": _("Length/height-for-age"),
        "wfa": _("Weight-for-age"),
        "wfl": _("Weight-for-length"),
        "wfh": _("Weight-for-height"),
    }
    axes = {
        "lhfa": (age, _("Length/height (cm)")),
        "wfa": (age, weight),
        "wfl": (_("Length (cm)"), weight),
        "wfh": (_("Height (cm)"), weight),
    }
    return {key: (f"{title}, {who}", *axes[key]) for key, title in titles.items()}


def _growth_view(row: summary.GrowthRow) -> dict[str, Any]:
    cells = []
    for index in summary.INDICES:
        z = row.z[index]
        if z.flagged:
            note = _("flagged by WHO as implausible: not classified")
        elif z.value is None:
            note = str(REASON_LABELS.get(z.reason, ""))
        else:
            note = str(CATEGORY_LABELS.get(z.category, ""))
        alert = z.category not in ("", "normal")
        cells.append(
            {"index": index, "value": z.value, "flagged": z.flagged, "note": note, "alert": alert}
        )
    # WHO's month is 30.4375 days: the charts' x axis uses it too.
    measure = Measure(row.measure).label if row.measure in Measure.values else ""
    return {"row": row, "age_months": row.age_days / 30.4375, "measure": measure, "cells": cells}


def _hb_view(row: summary.HbRow) -> dict[str, Any]:
    source = (
        AltitudeSource(row.altitude_source).label
        if row.altitude_source in AltitudeSource.values
        else row.altitude_source
    )
    if row.adjusted is None:
        severity = (
            _("not adjustable: altitude unknown")
            if row.altitude_m is None
            else SEVERITY_LABELS["unknown"]
        )
    else:
        severity = SEVERITY_LABELS.get(row.severity, row.severity)
    return {
        "row": row,
        "source": source,
        "severity": severity,
        "anemic": row.severity in ("mild", "moderate", "severe", "anemia"),
    }


def _groups(rows: list[summary.RequirementRow]) -> list[dict[str, Any]]:
    language = (get_language() or "es")[:2]
    groups = []
    for key in summary.GROUP_ORDER:
        mine = [r for r in rows if r.group == key]
        if not mine:
            continue
        requirements = [
            {
                "row": r,
                "name": r.name.get(language) or r.name.get("es", r.id),
                "doses": [{"dose": d, "state": STATE_LABELS[d.state]} for d in r.doses],
            }
            for r in mine
        ]
        groups.append({"key": key, "title": GROUP_LABELS[key], "requirements": requirements})
    return groups
