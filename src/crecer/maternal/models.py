"""A woman (the mother of registry children, or pregnant now), her pregnancies and their
events. A woman is scoped like a child — by district, populated center or facility — so the
access policy's condition on a child's place fields selects women too."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crecer.access.scoped import PlacedQuerySet
from crecer.health.models import AltitudeSource
from crecer.ingest.models import ImportRun
from crecer.registry import codes
from crecer.registry.models import Child
from crecer.territory.models import District, PopulatedCenter

# Naegele's rule: the estimated delivery date is 280 days (40 weeks) after the last period.
PREGNANCY_DAYS = 280


class WomanQuerySet(PlacedQuerySet):
    def with_document(self, document_type: str, number: str) -> WomanQuerySet:
        return self.filter(document_type=document_type, document_number=number)


class Woman(models.Model):
    document_type = models.CharField(
        _("document type"), max_length=4, choices=codes.DocumentType.choices, blank=True
    )
    document_number = models.CharField(  # noqa: DJ001 (NULL: no document, never "")
        _("document number"), max_length=12, null=True, blank=True
    )
    paternal_surname = models.CharField(_("paternal surname"), max_length=100, blank=True)
    maternal_surname = models.CharField(_("maternal surname"), max_length=100, blank=True)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    language = models.CharField(_("usual language"), max_length=40, blank=True)
    education = models.CharField(_("education level"), max_length=60, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, verbose_name=_("district"))
    populated_center = models.ForeignKey(
        PopulatedCenter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("populated center"),
    )
    # As on a child's record: the facility's name (or RENIPRESS code) where she is cared for.
    care_facility = models.CharField(_("care facility"), max_length=255, blank=True)
    assigned_facility = models.CharField(_("assigned facility"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = WomanQuerySet.as_manager()

    class Meta:
        ordering = ["paternal_surname", "maternal_surname", "given_names", "id"]
        verbose_name = _("woman")
        verbose_name_plural = _("women")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number"],
                condition=Q(document_number__isnull=False),
                name="one_woman_per_document",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.identifier

    @property
    def full_name(self) -> str:
        surnames = " ".join(p for p in (self.paternal_surname, self.maternal_surname) if p)
        return ", ".join(part for part in (surnames, self.given_names) if part)

    @property
    def identifier(self) -> str:
        if self.document_number:
            return f"{self.document_type or 'DOC'} {self.document_number}"
        return f"#{self.pk}"

    def children(self) -> models.QuerySet[Child]:
        """Her children in the registry: those whose record gives her document as the mother's,
        the newborns of her deliveries, and those linked to her without a document
        (:class:`Motherhood`)."""
        linked = Q(pk__in=Birth.objects.filter(pregnancy__woman=self).values("child"))
        linked |= Q(pk__in=Motherhood.objects.filter(woman=self).values("child"))
        if self.document_number:
            linked |= Q(mother_document_number=self.document_number) & (
                Q(mother_document_type=self.document_type) | Q(mother_document_type="")
            )
        return Child.objects.filter(linked).order_by("-birth_date", "id")


class Dating(models.TextChoices):
    LMP = "lmp", _("last menstrual period")
    ULTRASOUND = "us", _("ultrasound")


class Risk(models.TextChoices):
    UNKNOWN = "", _("not assessed")
    LOW = "low", _("low risk")
    HIGH = "high", _("high risk")


class Outcome(models.TextChoices):
    ONGOING = "ongoing", _("ongoing")
    LIVE_BIRTH = "live_birth", _("live birth")
    STILLBIRTH = "stillbirth", _("stillbirth")
    ABORTION = "abortion", _("abortion")
    UNKNOWN = "unknown", _("unknown")


class DeliveryPlace(models.TextChoices):
    UNKNOWN = "", _("unknown")
    INSTITUTIONAL = "institutional", _("health facility")
    HOME = "home", _("home")
    OTHER = "other", _("elsewhere (on the way, other)")


class Pregnancy(models.Model):
    """One pregnancy, dated from the last menstrual period (FUR) or an ultrasound; closed by
    its outcome; a live birth has its births (:class:`Birth`)."""

    woman = models.ForeignKey(
        Woman, on_delete=models.PROTECT, related_name="pregnancies", verbose_name=_("woman")
    )
    # The FUR the pregnancy is dated by (every gestational age counts from it): the reported
    # one, or the one an ultrasound implies when the profile's redating rule says so.
    lmp_date = models.DateField(_("last menstrual period (FUR)"))
    dating = models.CharField(
        _("dated by"), max_length=3, choices=Dating.choices, default=Dating.LMP
    )
    reported_lmp_date = models.DateField(_("FUR as reported"), null=True, blank=True)
    ultrasound_date = models.DateField(_("date of the dating ultrasound"), null=True, blank=True)
    ultrasound_gestational_days = models.PositiveSmallIntegerField(
        _("gestational age at the ultrasound (days)"), null=True, blank=True
    )
    risk = models.CharField(_("risk"), max_length=4, choices=Risk.choices, blank=True)
    facility = models.CharField(_("facility of care (RENIPRESS)"), max_length=8, blank=True)
    planned_delivery_place = models.CharField(
        _("planned place of delivery"), max_length=255, blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.ONGOING
    )
    outcome_date = models.DateField(_("date of the outcome"), null=True, blank=True)
    delivery_place = models.CharField(
        _("place of delivery"), max_length=13, choices=DeliveryPlace.choices, blank=True
    )
    delivery_facility = models.CharField(_("delivery facility"), max_length=8, blank=True)
    attended_by = models.CharField(_("attended by"), max_length=60, blank=True)
    gestational_weeks_at_birth = models.PositiveSmallIntegerField(
        _("gestational age at birth (weeks)"), null=True, blank=True
    )
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("import")
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["-lmp_date", "-id"]
        verbose_name = _("pregnancy")
        verbose_name_plural = _("pregnancies")
        constraints = [
            models.UniqueConstraint(fields=["woman", "lmp_date"], name="one_pregnancy_per_lmp")
        ]

    def __str__(self) -> str:
        return f"{self.woman_id} FUR {self.lmp_date}"

    @property
    def due_date(self) -> date:
        """The FPP: the estimated delivery date (Naegele's rule)."""
        return self.lmp_date + timedelta(days=PREGNANCY_DAYS)

    def gestational_days(self, on: date) -> int:
        return (on - self.lmp_date).days

    @property
    def ongoing(self) -> bool:
        return self.outcome == Outcome.ONGOING


class Birth(models.Model):
    """A child born of a pregnancy (twins are two), with its birth certificate number (CNV)
    and weight: the newborn's registry record is created or linked when the birth is stored,
    so the birth circuit (CNV → DNI → SIS) starts in pregnancy."""

    pregnancy = models.ForeignKey(
        Pregnancy, on_delete=models.PROTECT, related_name="births", verbose_name=_("pregnancy")
    )
    child = models.OneToOneField(
        Child, on_delete=models.PROTECT, related_name="birth", verbose_name=_("newborn")
    )
    cnv = models.CharField(_("CNV number"), max_length=12, unique=True)
    birth_weight_g = models.PositiveIntegerField(_("birth weight (g)"), null=True, blank=True)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("import")
    )

    class Meta:
        ordering = ["pregnancy", "cnv"]
        verbose_name = _("birth")
        verbose_name_plural = _("births")

    def __str__(self) -> str:
        return f"CNV {self.cnv}"


class MotherhoodRule(models.TextChoices):
    SAME_NAME = "same_name", _("mother's name as a woman's, same district, one candidate")
    NAMED_MOTHER = "named", _("a woman registered from the mother's name on the record")
    PERSON = "person", _("linked by a person")


class Motherhood(models.Model):
    """A child linked to its mother when the padrón gives no mother's document (a child with
    one is linked by it, :meth:`Woman.children`): the rule that linked it, kept in the history
    so that a wrong link can be traced and undone."""

    child = models.OneToOneField(
        Child, on_delete=models.PROTECT, related_name="motherhood", verbose_name=_("child")
    )
    woman = models.ForeignKey(
        Woman, on_delete=models.PROTECT, related_name="motherhoods", verbose_name=_("mother")
    )
    rule = models.CharField(_("linked by"), max_length=10, choices=MotherhoodRule.choices)
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        verbose_name = _("mother's link")
        verbose_name_plural = _("mothers' links")

    def __str__(self) -> str:
        return f"{self.child_id} → {self.woman_id} ({self.rule})"


class MaternalEvent(models.Model):
    """What every event of a pregnancy has: the date, the facility, its origin."""

    pregnancy = models.ForeignKey(Pregnancy, on_delete=models.PROTECT, verbose_name=_("pregnancy"))
    date = models.DateField(_("date"))
    facility = models.CharField(_("health facility (RENIPRESS)"), max_length=8, blank=True)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("import")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        abstract = True


class MaternalService(MaternalEvent):
    """A HIS-coded attention of a pregnancy: prenatal check, iron + folic acid, dT dose,
    screening, postnatal check. The schedules engine counts these codes."""

    code = models.CharField(_("HIS code"), max_length=12)
    lab = models.CharField(_("LAB value"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("maternal service")
        verbose_name_plural = _("maternal services")
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy", "date", "code"], name="one_code_per_pregnancy_day"
            )
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.pregnancy_id} {self.date} {self.code}"


class MaternalHbTest(MaternalEvent):
    """An Hb test in pregnancy: the observed value and the altitude used to adjust it."""

    hb_observed = models.FloatField(_("observed Hb (g/dL)"))
    altitude_m = models.FloatField(_("altitude (m)"), null=True, blank=True)
    altitude_source = models.CharField(
        _("altitude source"),
        max_length=10,
        choices=AltitudeSource.choices,
        default=AltitudeSource.UNKNOWN,
    )

    class Meta:
        verbose_name = _("Hb test in pregnancy")
        verbose_name_plural = _("Hb tests in pregnancy")
        constraints = [
            models.UniqueConstraint(fields=["pregnancy", "date"], name="one_hb_per_pregnancy_day")
        ]

    def __str__(self) -> str:
        return f"{self.pregnancy_id} {self.date} Hb {self.hb_observed}"
