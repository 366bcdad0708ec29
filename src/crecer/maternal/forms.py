"""Forms to register a pregnancy and record its events; messages in the user's language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crecer.maternal.models import MaternalHbTest, MaternalService, Pregnancy, Risk
from crecer.profile import current_profile

HB_RANGE = (1.0, 25.0)  # g/dL: outside this no living person's blood (a typing error)
LONGEST_PREGNANCY = timedelta(weeks=45)


def pregnancy_codes() -> list[tuple[str, str]]:
    """The HIS codes the pregnancy schedules count, each with its requirement's name."""
    norms = current_profile().schedules
    seen: dict[str, str] = {}
    for schedule in norms.pregnancy if norms else []:
        for requirement in schedule.requirements:
            for code in requirement.codes:
                seen.setdefault(code, f"{code} — {requirement.name.es}")
    return sorted(seen.items())


class PregnancyForm(forms.Form):
    lmp_date = forms.DateField(
        label=_("Last menstrual period (FUR)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    risk = forms.ChoiceField(label=_("risk"), choices=Risk.choices, required=False)
    facility = forms.CharField(
        label=_("facility of care (RENIPRESS)"), max_length=8, required=False
    )
    planned_delivery_place = forms.CharField(
        label=_("planned place of delivery"), max_length=255, required=False
    )

    def clean_lmp_date(self) -> Any:
        day = self.cleaned_data["lmp_date"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(_("The date is in the future."))
        if day < today - LONGEST_PREGNANCY:
            raise forms.ValidationError(_("More than 45 weeks ago: not an ongoing pregnancy."))
        return day


class _EventForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    facility = forms.CharField(label=_("health facility (RENIPRESS)"), max_length=8, required=False)
    model: type = MaternalService

    def __init__(self, *args: Any, pregnancy: Pregnancy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pregnancy = pregnancy

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        if day < self.pregnancy.lmp_date:
            raise forms.ValidationError(_("The date is before the last menstrual period."))
        return day


class ServiceForm(_EventForm):
    code = forms.ChoiceField(label=_("HIS code"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = pregnancy_codes()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, code = data.get("date"), data.get("code")
        taken = MaternalService.objects.filter(pregnancy=self.pregnancy, date=day, code=code)
        if day and code and taken.exists():
            raise forms.ValidationError(_("This service is already recorded on that date."))
        return data


class HbForm(_EventForm):
    hb = forms.FloatField(
        label=_("observed Hb (g/dL)"), min_value=HB_RANGE[0], max_value=HB_RANGE[1]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("date")
        if day and MaternalHbTest.objects.filter(pregnancy=self.pregnancy, date=day).exists():
            raise forms.ValidationError(_("An Hb test is already recorded on that date."))
        return data
