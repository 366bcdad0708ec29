"""What a verification's condition and reason say in the reader's language: the condition's
name from the profile (its co-responsibilities and TPI items), the engine's reasons here."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crecer.norms import Profile

REASONS = {
    "": "",
    "missing_checks": _("checks missing in the period"),
    "no_facility_declared": _("no health facility declared: not verifiable"),
    "no_school_declared": _("no school declared: not verifiable"),
    "no_school_record": _("no school record of the term: not verifiable"),
    "not_enrolled": _("not enrolled"),
    "absence_over_limit": _("absent more than the tolerance"),
    "no_attendance_record": _("no attendance recorded: not verifiable"),
    "no_birth_date": _("birth date unknown: not verifiable"),
    "incomplete_for_age": _("not complete for age"),
    "waiver": _("verification waived"),
    "no_health_record": _(
        "Crecer holds no health record of this member: not verifiable here, not withheld"
    ),
}
AGE_UNKNOWN = _("age (birth date) unknown")


def condition_names(profile: Profile) -> dict[str, str]:
    norms = profile.juntos
    if norms is None:
        return {}
    spanish = (get_language() or "es").startswith("es")
    named = list(norms.conditions) + list(norms.tpi.package)
    names = {item.id: item.name.es if spanish else item.name.en for item in named}
    names["age_unknown"] = str(AGE_UNKNOWN)
    return names


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))
