"""Forms to record one event for a child, and to upload an event file."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crecer.health.models import GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.health.validation import Limits, known_codes
from crecer.ingest.text import is_digits
from crecer.profile import current_profile
from crecer.registry.models import Child

LIMITS = Limits()
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventForm(forms.ModelForm):
    """The checks every event shares: a date between birth and today, one event a day."""

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        self.instance.child = child
        self.fields["date"].widget = DATE_INPUT

    def clean_date(self) -> date:
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        if value < self.child.birth_date:
            raise forms.ValidationError(_("The date is before the child's birth."))
        return value

    def clean_facility(self) -> str:
        value = self.cleaned_data["facility"].strip()
        if value and not (is_digits(value) and len(value) <= 8):
            raise forms.ValidationError(_("A RENIPRESS code has up to 8 digits."))
        return value.zfill(8) if value else ""

    def within(self, name: str, limit: str) -> float | None:
        value = self.cleaned_data.get(name)
        low, high = LIMITS.of(limit)
        if value is not None and not low <= value <= high:
            raise forms.ValidationError(
                _("%(value)s is outside the plausible range %(low)s to %(high)s."),
                params={"value": value, "low": low, "high": high},
            )
        return value

    def validate_unique(self) -> None:
        # The child is not a form field, so the model's unique checks need it set first.
        self.instance.child = self.child
        super().validate_unique()
        exclude = self._get_validation_exclusions() - {"child"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


class GrowthCheckForm(EventForm):
    class Meta:
        model = GrowthCheck
        fields = ["date", "weight_kg", "length_cm", "measure", "head_cm", "oedema", "facility"]

    def clean_weight_kg(self) -> float | None:
        return self.within("weight_kg", "weight_kg")

    def clean_length_cm(self) -> float | None:
        return self.within("length_cm", "length_cm")

    def clean_head_cm(self) -> float | None:
        return self.within("head_cm", "head_cm")

    def clean(self) -> dict:
        data = super().clean()
        if all(data.get(n) is None for n in ("weight_kg", "length_cm", "head_cm")):
            raise forms.ValidationError(_("Give the weight, the length/height or both."))
        return data


class HemoglobinTestForm(EventForm):
    class Meta:
        model = HemoglobinTest
        fields = ["date", "hb_observed", "altitude_m", "facility"]
        help_texts = {
            "altitude_m": _(
                "Leave empty to use the facility's altitude, else the populated center's, "
                "else the district capital's."
            )
        }

    def clean_hb_observed(self) -> float | None:
        return self.within("hb_observed", "hb")

    def clean_altitude_m(self) -> float | None:
        return self.within("altitude_m", "altitude_m")


class ServiceForm(EventForm):
    class Meta:
        model = ServiceRecord
        fields = ["date", "code", "lab", "facility"]
        help_texts = {
            "code": _("HIS code: 99381 CRED, 90722 pentavalent, 99199.17 iron, 99199.19 MMN…"),
            "lab": _("LAB value as in HIS (dose number, Hb value…), if any."),
        }

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if code not in known_codes(current_profile()):
            raise forms.ValidationError(_("Unknown HIS code %(code)s."), params={"code": code})
        return code


FORMS = {"growth": GrowthCheckForm, "hb": HemoglobinTestForm, "service": ServiceForm}
TITLES = {
    "growth": _("Record a growth check"),
    "hb": _("Record a hemoglobin test"),
    "service": _("Record a service (vaccine, iron, CRED…)"),
}
