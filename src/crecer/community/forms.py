"""The form that records a center's meeting: its date, who came by role, what was decided
(what, who, by when) and the follow-up of the decisions the last meeting left pending."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crecer.community.models import AttendeeRole, CenterPerson, Decision, DecisionState, HomeVisit

DECISION_ROWS = 5  # new decisions a form takes at once (a meeting records a handful)
FOLLOW_UP = [
    (DecisionState.DONE, _("done")),
    (DecisionState.NOT_DONE, _("not done")),
    (DecisionState.OPEN, _("still pending")),
]


class MeetingForm(forms.Form):
    date = forms.DateField(
        label=_("Date of the meeting"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, pending: Sequence[Decision] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending = list(pending)
        for role, label in AttendeeRole.choices:
            self.fields[f"count_{role}"] = forms.IntegerField(
                label=label, min_value=0, max_value=999, required=False
            )
            self.fields[f"names_{role}"] = forms.CharField(
                label=_("Names"), max_length=500, required=False
            )
        for decision in self.pending:
            self.fields[f"state_{decision.pk}"] = forms.ChoiceField(
                label=decision.what, choices=FOLLOW_UP, initial=DecisionState.OPEN
            )
            self.fields[f"note_{decision.pk}"] = forms.CharField(
                label=_("Follow-up"), max_length=500, required=False
            )
            self.fields[f"carry_{decision.pk}"] = forms.BooleanField(
                label=_("Decide it again at this meeting"), required=False
            )
        for row in range(DECISION_ROWS):
            self.fields[f"what_{row}"] = forms.CharField(
                label=_("What"), max_length=500, required=False
            )
            self.fields[f"who_{row}"] = forms.CharField(
                label=_("Who"), max_length=200, required=False
            )
            self.fields[f"by_when_{row}"] = forms.DateField(
                label=_("By when"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(DECISION_ROWS):
            if data.get(f"what_{row}") and not data.get(f"who_{row}"):
                self.add_error(f"who_{row}", _("Say who will do it."))
            if data.get(f"who_{row}") and not data.get(f"what_{row}"):
                self.add_error(f"what_{row}", _("Say what was decided."))
        for decision in self.pending:
            carry = data.get(f"carry_{decision.pk}")
            if carry and data.get(f"state_{decision.pk}") == DecisionState.DONE:
                self.add_error(f"carry_{decision.pk}", _("A decision done is not decided again."))
        return data

    def attendance(self) -> list[tuple[str, int, str]]:
        data = self.cleaned_data
        return [
            (role, data[f"count_{role}"], data[f"names_{role}"].strip())
            for role in AttendeeRole.values
            if data.get(f"count_{role}")
        ]

    def new_decisions(self) -> list[tuple[str, str, date | None]]:
        data = self.cleaned_data
        return [
            (data[f"what_{row}"].strip(), data[f"who_{row}"].strip(), data[f"by_when_{row}"])
            for row in range(DECISION_ROWS)
            if data.get(f"what_{row}")
        ]

    def follow_ups(self) -> list[tuple[Decision, str, str, bool]]:
        data = self.cleaned_data
        return [
            (
                decision,
                data[f"state_{decision.pk}"],
                data[f"note_{decision.pk}"].strip(),
                bool(data.get(f"carry_{decision.pk}")),
            )
            for decision in self.pending
        ]

    def role_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"count_{role}"], self[f"names_{role}"]) for role in AttendeeRole.values]

    def pending_rows(
        self,
    ) -> list[tuple[Decision, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (d, self[f"state_{d.pk}"], self[f"note_{d.pk}"], self[f"carry_{d.pk}"])
            for d in self.pending
        ]

    def decision_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"what_{row}"], self[f"who_{row}"], self[f"by_when_{row}"])
            for row in range(DECISION_ROWS)
        ]


class EnrollForm(forms.Form):
    document = forms.CharField(label=_("Child's DNI or CNV"), max_length=12)
    enrolled_on = forms.DateField(
        label=_("Enrolled on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class VisitForm(forms.ModelForm):
    """A home visit (or a follow-up call) as the agent records it."""

    class Meta:
        model = HomeVisit
        fields = [
            "date",
            "agent",
            "agent_name",
            "visit_type",
            "channel",
            "stage",
            "result",
            "duration_minutes",
            "exclusive_breastfeeding",
            "iron_or_mmn",
            "hand_washing",
            "safe_water",
            "danger_signs",
            "referred",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, agents: Any = None, today: date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.today = today
        agent = self.fields["agent"]
        agent.queryset = agents if agents is not None else CenterPerson.objects.none()  # type: ignore[attr-defined]
        agent.required = False

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if self.today is not None and day > self.today:
            raise forms.ValidationError(_("A visit cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("agent") and not data.get("agent_name"):
            self.add_error("agent_name", _("Say who made the visit."))
        return data
