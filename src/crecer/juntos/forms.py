"""Editing a household and its members by hand: every change asks its reason, kept in the
record's history (as a child's record does)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crecer.juntos.models import Household, Member
from crecer.registry.models import HISTORY_REASON_LENGTH
from crecer.territory.models import PopulatedCenter


def _reason() -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        max_length=HISTORY_REASON_LENGTH,
        help_text=_("Kept in the record's history."),
    )


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HouseholdForm(forms.ModelForm):
    change_reason = _reason()

    class Meta:
        model = Household
        fields = [
            "care_facility", "assigned_facility", "address", "populated_center",
            "resident_since", "assembly_date", "assembly_act",
        ]  # fmt: skip
        widgets = {
            # typed as a code: a select of 95,000 populated centres is too heavy
            "populated_center": forms.TextInput(attrs={"inputmode": "numeric", "size": 10}),
            "resident_since": date_input(),
            "assembly_date": date_input(),
        }

    def clean_populated_center(self) -> PopulatedCenter | None:
        center = self.cleaned_data.get("populated_center")
        if center is not None and center.district_id != self.instance.district_id:
            raise forms.ValidationError(
                _("The populated center is not in the household's district.")
            )
        return center


class MemberForm(forms.ModelForm):
    change_reason = _reason()

    class Meta:
        model = Member
        fields = [
            "role", "names", "birth_date", "sex", "language", "education", "school_code",
            "upper_secondary", "active",
        ]  # fmt: skip
        widgets = {"birth_date": date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        linked = self.instance.child_id or self.instance.woman_id
        if linked:
            # A registry child's or a woman's own record holds these: edit them there.
            for name in ("names", "birth_date", "sex"):
                self.fields[name].disabled = True
