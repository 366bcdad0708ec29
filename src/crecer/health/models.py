"""Service events of a child. Each is unique per child and date (and code), so re-importing a
file changes nothing; each keeps where it came from (a form or an import run)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crecer.ingest.models import ImportRun
from crecer.registry.models import Child


class Measure(models.TextChoices):
    LENGTH = "l", _("length (lying)")
    HEIGHT = "h", _("height (standing)")


class AltitudeSource(models.TextChoices):
    FACILITY = "facility", _("the facility's altitude")
    CENTER = "center", _("the populated center's altitude")
    DISTRICT = "district", _("the district capital's altitude")
    RECORDED = "recorded", _("as recorded with the test")
    UNKNOWN = "unknown", _("unknown")


class Event(models.Model):
    """What every event has: the child, the date, the facility, and its origin."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, verbose_name=_("child"))
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


class ServiceRecord(Event):
    """One HIS-MINSA coded attention: CRED 99381/Z001, vaccines 90670…, iron 99199.17, MMN
    99199.19, Hb test 85018… The schedules engine counts these codes."""

    code = models.CharField(_("HIS code"), max_length=12)
    lab = models.CharField(_("LAB value"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(fields=["child", "date", "code"], name="one_code_per_child_day")
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.child_id} {self.date} {self.code}"


class GrowthCheck(Event):
    """Weight and length/height as measured (the WHO algorithm corrects position itself)."""

    weight_kg = models.FloatField(_("weight (kg)"), null=True, blank=True)
    length_cm = models.FloatField(_("length/height (cm)"), null=True, blank=True)
    measure = models.CharField(_("measured"), max_length=1, choices=Measure.choices, blank=True)
    head_cm = models.FloatField(_("head circumference (cm)"), null=True, blank=True)
    oedema = models.BooleanField(_("oedema"), default=False)

    class Meta:
        verbose_name = _("growth check")
        verbose_name_plural = _("growth checks")
        constraints = [
            models.UniqueConstraint(fields=["child", "date"], name="one_growth_check_per_day")
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.child_id} {self.date} {self.weight_kg} kg {self.length_cm} cm"


class HemoglobinTest(Event):
    """The observed Hb and the altitude used to adjust it (NTS 213 keeps both)."""

    hb_observed = models.FloatField(_("observed Hb (g/dL)"))
    altitude_m = models.FloatField(_("altitude (m)"), null=True, blank=True)
    altitude_source = models.CharField(
        _("altitude source"),
        max_length=10,
        choices=AltitudeSource.choices,
        default=AltitudeSource.UNKNOWN,
    )

    class Meta:
        verbose_name = _("hemoglobin test")
        verbose_name_plural = _("hemoglobin tests")
        constraints = [
            models.UniqueConstraint(fields=["child", "date"], name="one_hb_test_per_day")
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.child_id} {self.date} Hb {self.hb_observed}"
