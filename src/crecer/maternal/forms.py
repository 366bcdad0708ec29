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


class _UltrasoundFields(forms.Form):
    """A dating ultrasound: its date and the gestational age it measured (weeks + days, as the
    report gives it)."""

    ultrasound_date = forms.DateField(
        label=_("date of the dating ultrasound"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )
    ultrasound_weeks = forms.IntegerField(
        label=_("gestational age at the ultrasound: weeks"),
        min_value=4,
        max_value=44,
        required=False,
    )
    ultrasound_days = forms.IntegerField(
        label=_("and days"), min_value=0, max_value=6, required=False
    )
    scan_required = False

    def ultrasound(self) -> tuple[Any, int] | None:
        """(date, gestational days) of the ultrasound, or None when none is given."""
        data = self.cleaned_data
        if data.get("ultrasound_date") is None:
            return None
        weeks, days = data["ultrasound_weeks"], data["ultrasound_days"] or 0
        return data["ultrasound_date"], weeks * 7 + days

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, weeks = data.get("ultrasound_date"), data.get("ultrasound_weeks")
        if day and day > timezone.localdate():
            self.add_error("ultrasound_date", _("The date is in the future."))
        if (day is None) != (weeks is None) or (self.scan_required and day is None):
            raise forms.ValidationError(
                _("An ultrasound needs its date and the gestational age it measured.")
            )
        return data


class PregnancyForm(_UltrasoundFields):
    lmp_date = forms.DateField(
        label=_("Last menstrual period (FUR)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=_("Leave it empty if she does not remember it and an ultrasound dates it."),
    )
    risk = forms.ChoiceField(label=_("risk"), choices=Risk.choices, required=False)
    facility = forms.CharField(
        label=_("facility of care (RENIPRESS)"), max_length=8, required=False
    )
    planned_delivery_place = forms.CharField(
        label=_("planned place of delivery"), max_length=255, required=False
    )
    field_order = ["lmp_date", "ultrasound_date", "ultrasound_weeks", "ultrasound_days"]

    def clean_lmp_date(self) -> Any:
        day = self.cleaned_data["lmp_date"]
        if day is None:
            return day
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(_("The date is in the future."))
        if day < today - LONGEST_PREGNANCY:
            raise forms.ValidationError(_("More than 45 weeks ago: not an ongoing pregnancy."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("lmp_date") is None and data.get("ultrasound_date") is None:
            raise forms.ValidationError(_("Give the FUR, a dating ultrasound, or both."))
        return data


class UltrasoundForm(_UltrasoundFields):
    """A dating ultrasound for a registered pregnancy (it may redate it)."""

    scan_required = True

    def __init__(self, *args: Any, pregnancy: Pregnancy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pregnancy = pregnancy
        for name in ("ultrasound_date", "ultrasound_weeks"):
            self.fields[name].required = True


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
