"""One row per child of a survey's child file. A survey is its import run (file, SHA-256, who,
when): the design (weights, strata, clusters) is the file's, so a file is one survey."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from crecer.ingest.models import ImportRun

LABEL_LENGTH = 40


class SurveyChild(models.Model):
    class Area(models.TextChoices):
        URBAN = "U", _("urban")
        RURAL = "R", _("rural")

    import_run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="+")
    line = models.PositiveIntegerField(_("line"))
    cluster = models.CharField(_("cluster"), max_length=LABEL_LENGTH)
    stratum = models.CharField(_("stratum"), max_length=LABEL_LENGTH)
    weight = models.FloatField(_("sampling weight"))
    department = models.CharField(_("department"), max_length=2)
    district = models.CharField(_("district"), max_length=6, blank=True)  # ubigeo, if given
    area = models.CharField(_("area"), max_length=1, choices=Area.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)  # "M" / "F"
    age_months = models.PositiveSmallIntegerField(_("age (completed months)"))
    height_cm = models.FloatField(_("length/height (cm)"), null=True, blank=True)
    weight_kg = models.FloatField(_("weight (kg)"), null=True, blank=True)
    measure = models.CharField(_("measured lying or standing"), max_length=1, blank=True)
    oedema = models.BooleanField(_("oedema"), default=False)
    hemoglobin = models.FloatField(_("observed Hb (g/dL)"), null=True, blank=True)
    altitude_m = models.FloatField(_("altitude (m)"), null=True, blank=True)
    interview_date = models.DateField(_("interview date"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["import_run", "department"])]
        verbose_name = _("survey child")
        verbose_name_plural = _("survey children")

    def __str__(self) -> str:
        return f"{self.import_run_id}:{self.line}"
