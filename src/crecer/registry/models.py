"""The child record of the Nominal Registry, with every field of the RENIEC export plus what the
incentives need, its full change history, and the imports that feed it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crecer.access import policy
from crecer.access.policy import Can
from crecer.registry import codes
from crecer.registry.ages import sixth_birthday_cutoff
from crecer.registry.identifiers import fold
from crecer.territory.models import Area, District, PopulatedCenter


class ChildQuerySet(models.QuerySet):
    def visible_to(self, user: Any, right: Can = Can.VIEW_PERSONAL) -> ChildQuerySet:
        """The children ``user`` may see for ``right``, as the access policy decides: the base
        of every personal-data query."""
        condition = policy.children_condition(user, right)
        return self.none() if condition is None else self.filter(condition)

    def visible_or_404(self, user: Any, pk: int, right: Can = Can.VIEW_PERSONAL) -> Child:
        """Child ``pk`` if ``user`` may see it for ``right``; else 404, never "forbidden", so
        that nothing tells an outsider that the record exists."""
        found = (
            self.visible_to(user, right)
            .select_related("district__province__department", "populated_center")
            .filter(pk=pk)
            .first()
        )
        if found is None:
            raise Http404
        return found

    def active(self) -> ChildQuerySet:
        return self.exclude(record_status=codes.RecordStatus.INACTIVE)

    def under_six_on(self, on: date) -> ChildQuerySet:
        """Children counted by the registry on ``on``: born, and not yet 6 years old."""
        return self.filter(birth_date__lte=on, birth_date__gt=sixth_birthday_cutoff(on))

    def with_identifier(self, number: str) -> ChildQuerySet:
        return self.filter(Q(dni=number) | Q(cui=number) | Q(cnv=number) | Q(padron_code=number))

    def without_dni(self) -> ChildQuerySet:
        return self.filter(dni__isnull=True, cui__isnull=True)

    def without_sis(self) -> ChildQuerySet:
        return self.exclude(insurance=codes.Insurance.SIS)


def optional_unique(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=[name], condition=Q(**{f"{name}__isnull": False}), name=f"one_child_per_{name}"
    )


class Child(models.Model):
    """A child of the registry. The primary key is Crecer's own stable id; a child is identified
    for people by DNI, else CUI, else CNV, else the registry's internal code."""

    # Identifiers (each unique when present; stored as text to keep leading zeros). NULL, not
    # "", means absent, so that the partial unique constraints ignore children without one.
    padron_code = models.CharField(_("registry code"), max_length=20, null=True, blank=True)  # noqa: DJ001
    cnv = models.CharField(_("CNV number"), max_length=12, null=True, blank=True)  # noqa: DJ001
    cui = models.CharField(_("CUI"), max_length=8, null=True, blank=True)  # noqa: DJ001
    dni = models.CharField(_("DNI"), max_length=8, null=True, blank=True)  # noqa: DJ001
    # Names and birth.
    paternal_surname = models.CharField(_("paternal surname"), max_length=100, blank=True)
    maternal_surname = models.CharField(_("maternal surname"), max_length=100, blank=True)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=codes.Sex.choices)
    birth_date = models.DateField(_("birth date"))
    birth_weight_g = models.PositiveIntegerField(_("birth weight (g)"), null=True, blank=True)
    gestational_age_weeks = models.PositiveSmallIntegerField(
        _("gestational age (weeks)"), null=True, blank=True
    )
    # Identity document circuit.
    dni_status = models.CharField(_("DNI application status"), max_length=60, blank=True)
    dni_status_date = models.DateField(_("DNI application date"), null=True, blank=True)
    dni_issue_date = models.DateField(_("DNI issue date"), null=True, blank=True)
    # Where the child lives. Indexed in Meta, not here: a varchar foreign key's own index comes
    # with a second "_like" one on PostgreSQL, unused (scopes are ubigeo ranges) and rebuilt by
    # every large import; the district's is the first column of (district, birth_date).
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("district"),
        db_index=False,
    )
    populated_center = models.ForeignKey(
        PopulatedCenter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("populated center"),
        db_index=False,
    )
    populated_center_name = models.CharField(
        _("populated center (as written)"), max_length=200, blank=True
    )
    area = models.CharField(_("area"), max_length=1, choices=Area.choices, blank=True)
    street_axis = models.CharField(_("street axis"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    address_reference = models.CharField(_("address landmark"), max_length=255, blank=True)
    # Field visit.
    visited = models.BooleanField(_("visited"), null=True, blank=True)
    found = models.BooleanField(_("found"), null=True, blank=True)
    visit_date = models.DateField(_("visit date"), null=True, blank=True)
    # Source of the record.
    data_source = models.CharField(_("data source"), max_length=60, blank=True)
    data_source_date = models.DateField(_("data source date"), null=True, blank=True)
    # Health facilities (RENIPRESS code where known, and the name as the export gives it).
    birth_facility = models.CharField(_("birth facility"), max_length=255, blank=True)
    care_facility = models.CharField(_("care facility"), max_length=255, blank=True)
    care_frequency = models.CharField(_("frequency of care"), max_length=60, blank=True)
    assigned_facility = models.CharField(_("assigned facility"), max_length=255, blank=True)
    # Mother.
    mother_document_type = models.CharField(
        _("mother's document type"), max_length=4, choices=codes.DocumentType.choices, blank=True
    )
    mother_document_number = models.CharField(_("mother's document"), max_length=12, blank=True)
    mother_paternal_surname = models.CharField(
        _("mother's paternal surname"), max_length=100, blank=True
    )
    mother_maternal_surname = models.CharField(
        _("mother's maternal surname"), max_length=100, blank=True
    )
    mother_given_names = models.CharField(_("mother's given names"), max_length=150, blank=True)
    mother_phone = models.CharField(_("mother's phone"), max_length=20, blank=True)
    mother_email = models.EmailField(_("mother's email"), blank=True)
    mother_education = models.CharField(_("mother's education level"), max_length=60, blank=True)
    mother_language = models.CharField(_("mother's usual language"), max_length=40, blank=True)
    # Head of household.
    head_document_type = models.CharField(
        _("household head's document type"),
        max_length=4,
        choices=codes.DocumentType.choices,
        blank=True,
    )
    head_document_number = models.CharField(
        _("household head's document"), max_length=12, blank=True
    )
    head_names = models.CharField(_("household head's names"), max_length=255, blank=True)
    # Status, insurance, programs, household.
    record_status = models.CharField(
        _("record status"),
        max_length=1,
        choices=codes.RecordStatus.choices,
        default=codes.RecordStatus.ACTIVE,
    )
    deactivation_reason = models.CharField(_("reason for deactivation"), max_length=255, blank=True)
    insurance = models.CharField(
        _("insurance"), max_length=1, choices=codes.Insurance.choices, blank=True
    )
    sis_affiliation_date = models.DateField(_("SIS affiliation date"), null=True, blank=True)
    # Program codes (codes.Program), sorted and comma-separated, e.g. "4,7".
    programs = models.CharField(_("social programs"), max_length=30, blank=True)
    sisfoh = models.CharField(
        _("household SISFOH classification"), max_length=2, choices=codes.Sisfoh.choices, blank=True
    )
    # Folded "PATERNAL MATERNAL GIVEN" for accent- and case-insensitive search. Searched with
    # `contains` and by similarity, which no B-tree serves: on PostgreSQL the trigram index of
    # migration 0002 does; on SQLite the search reads the scope's names.
    search_name = models.CharField(max_length=400, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # History is read by child and date: the place columns need no index there.
    history = HistoricalRecords(
        excluded_fields=["search_name", "updated_at"],
        cascade_delete_history=False,
        no_db_index=["district", "populated_center"],
    )
    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["paternal_surname", "maternal_surname", "given_names", "id"]
        constraints = [optional_unique(name) for name in ("dni", "cui", "cnv", "padron_code")]
        indexes = [
            models.Index(fields=["district", "birth_date"]),
            models.Index(fields=["populated_center"], name="child_populated_center"),
            # A health facility's scope matches the facility by name, any case (policy.py):
            # without these, every work list of a facility read the whole child table.
            models.Index(Upper("care_facility"), name="child_care_facility_upper"),
            models.Index(Upper("assigned_facility"), name="child_assigned_facility_upper"),
            # Search by number looks at the mother's document too: without this, every such
            # search of a regional or national user read the whole table (0.7 s a million).
            models.Index(fields=["mother_document_number"], name="child_mother_document"),
        ]
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.identifier})"

    def save(self, *args, **kwargs) -> None:
        self.search_name = self.folded_name()
        super().save(*args, **kwargs)

    def folded_name(self) -> str:
        return fold(f"{self.paternal_surname} {self.maternal_surname} {self.given_names}")

    @property
    def full_name(self) -> str:
        surnames = " ".join(p for p in (self.paternal_surname, self.maternal_surname) if p)
        return f"{surnames}, {self.given_names}" if self.given_names else surnames

    @property
    def mother_name(self) -> str:
        surnames = " ".join(
            part for part in (self.mother_paternal_surname, self.mother_maternal_surname) if part
        )
        return ", ".join(part for part in (surnames, self.mother_given_names) if part)

    @property
    def identifier(self) -> str:
        """The number people use for the child: DNI, else CUI, else CNV, else registry code."""
        for label, value in (("DNI", self.dni), ("CUI", self.cui), ("CNV", self.cnv)):
            if value:
                return f"{label} {value}"
        return f"COD {self.padron_code}" if self.padron_code else f"#{self.pk}"

    @property
    def program_list(self) -> list[str]:
        return [code for code in self.programs.split(",") if code]

    def program_labels(self) -> list[str]:
        labels = dict(codes.Program.choices)
        return [str(labels.get(code, code)) for code in self.program_list]

    def age_in_days(self, on: date) -> int:
        return (on - self.birth_date).days


# The history's change reason holds 100 characters (django-simple-history's column): every
# form that asks why caps its answer here, so no reason is cut or refused by the database.
HISTORY_REASON_LENGTH: int = Child.history.model._meta.get_field("history_change_reason").max_length
