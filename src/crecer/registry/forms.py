"""Forms to register, edit and deactivate a child; messages in the user's language."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crecer.registry import codes
from crecer.registry.ages import sixth_birthday_cutoff
from crecer.registry.identifiers import clean_number, cnv_problem, dni_problem, document_problem
from crecer.registry.models import HISTORY_REASON_LENGTH, Child
from crecer.registry.services import DEACTIVATED

NOT_IN_FORM = {"id", "record_status", "deactivation_reason", "search_name"}
PROBLEMS = {
    "must be 8 digits": _("must be 8 digits"),
    "cannot be all zeros": _("cannot be all zeros"),
    "must be 6 to 12 letters or digits": _("must be 6 to 12 letters or digits"),
}


def _translated(problem: str) -> str:
    return str(PROBLEMS.get(problem, problem))


class ChildForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=HISTORY_REASON_LENGTH,
        required=False,
        help_text=_("Kept in the record's history."),
    )
    programs = forms.MultipleChoiceField(
        label=_("social programs"),
        choices=codes.Program.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Child
        fields = [
            field.name
            for field in Child._meta.concrete_fields
            if field.editable and field.name not in NOT_IN_FORM
        ]
        # Codes typed as text: a select of 1,900 districts or 95,000 centers is too heavy.
        widgets = {
            "district": forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
            "populated_center": forms.TextInput(attrs={"inputmode": "numeric", "size": 10}),
        } | {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in (
                "birth_date",
                "dni_status_date",
                "dni_issue_date",
                "visit_date",
                "data_source_date",
                "sis_affiliation_date",
            )
        }
        help_texts = {
            "district": _("Ubigeo of residence, 6 digits (e.g. 050403)."),
            "populated_center": _("Populated center code, 10 digits (optional)."),
        }

    def __init__(self, *args, allowed: frozenset[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = allowed  # districts the user may register children in (None: all)
        if self.instance.pk:
            self.initial["programs"] = self.instance.program_list
            self.fields["change_reason"].required = True

    def clean_programs(self) -> str:
        return ",".join(sorted(self.cleaned_data["programs"]))

    def _identifier(self, name: str, check) -> str | None:
        value = clean_number(self.cleaned_data.get(name))
        if not value:
            return None
        problem = check(value)
        if problem:
            raise forms.ValidationError(_translated(problem))
        return value

    def clean_dni(self) -> str | None:
        return self._identifier("dni", dni_problem)

    def clean_cui(self) -> str | None:
        return self._identifier("cui", dni_problem)

    def clean_cnv(self) -> str | None:
        return self._identifier("cnv", cnv_problem)

    def clean_padron_code(self) -> str | None:
        return clean_number(self.cleaned_data.get("padron_code")) or None

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("The birth date is in the future."))
        if born <= sixth_birthday_cutoff(today):
            raise forms.ValidationError(
                _("The child is 6 or older: the registry holds children under 6.")
            )
        return born

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(name) for name in ("dni", "cui", "cnv", "padron_code")):
            raise forms.ValidationError(
                _("Give at least one identifier: DNI, CUI, CNV or registry code.")
            )
        number = clean_number(data.get("mother_document_number"))
        if number:
            kind = data.get("mother_document_type") or codes.DocumentType.DNI
            problem = document_problem(kind, number)
            if problem:
                self.add_error("mother_document_number", _translated(problem))
            data["mother_document_number"] = number
            data["mother_document_type"] = kind
        district = data.get("district")
        if district and self.allowed is not None and district.pk not in self.allowed:
            self.add_error("district", _("This district is outside your territory."))
        center = data.get("populated_center")
        if center and district and center.district_id != district.pk:
            self.add_error("populated_center", _("This populated center is in another district."))
        return data


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for deactivation"),
        max_length=HISTORY_REASON_LENGTH - len(DEACTIVATED),
        help_text=_("For example: duplicate record, moved to another district, deceased."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("DNI, CNV or name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "type": "search"}),
    )


class TerritoryForm(forms.Form):
    """A territory code (department 2, province 4, district 6 digits) and a date."""

    code = forms.RegexField(
        label=_("Territory code"),
        regex=r"^([0-9]{2}|[0-9]{4}|[0-9]{6})$",
        error_messages={"invalid": _("Give a department (2), province (4) or district (6) code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    on = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
