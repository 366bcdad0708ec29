"""What a refresh stores: the run, the per-child status (the evidence behind every number) and
the indicator values by territory. Pages read these tables; they never recompute."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Refresh(models.Model):
    as_of = models.DateField(_("as of"))
    scope = models.CharField(_("scope"), max_length=6, blank=True, help_text=_("ubigeo prefix"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    children = models.PositiveIntegerField(_("children"))
    timings = models.JSONField(_("seconds per stage"), default=dict)

    class Meta:
        ordering = ["-as_of", "-finished_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "scope"], name="one_refresh_per_date_and_scope"
            )
        ]
        verbose_name = _("refresh")
        verbose_name_plural = _("refreshes")

    def __str__(self) -> str:
        return f"{self.as_of} {self.scope or 'PE'}"


class IndicatorValue(models.Model):
    refresh = models.ForeignKey(Refresh, on_delete=models.CASCADE, related_name="values")
    indicator = models.CharField(_("indicator"), max_length=40)
    level = models.CharField(_("level"), max_length=20)
    code = models.CharField(_("code"), max_length=255)
    numerator = models.PositiveIntegerField(_("numerator"))
    denominator = models.PositiveIntegerField(_("denominator"))

    class Meta:
        indexes = [
            # The ranking of the sub-units of one indicator.
            models.Index(fields=["refresh", "indicator", "level", "code"]),
            # One unit's values and their history across refreshes (the dashboard).
            models.Index(fields=["level", "code", "refresh"], name="value_of_unit"),
        ]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        return f"{self.indicator} {self.level} {self.code}: {self.numerator}/{self.denominator}"

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None


def _flag(label: str) -> models.BooleanField:
    return models.BooleanField(label, null=True)


class ChildStatus(models.Model):
    """One child's status on the refresh's date. The columns are those of the profile's status
    schema (:func:`crecer.norms.indicators.status_schema`), with its types and nullability;
    tests/analytics/test_status_schema.py fails when they differ, so that a requirement added
    to the profile never counts in the aggregates and is missing here."""

    refresh = models.ForeignKey(Refresh, on_delete=models.CASCADE, related_name="statuses")
    child_id = models.BigIntegerField(db_index=True)  # not a FK: results outlive merges
    district_id = models.CharField(max_length=6)
    populated_center_id = models.CharField(max_length=10, null=True)  # noqa: DJ001
    care_facility = models.CharField(max_length=255, blank=True)
    sex = models.CharField(max_length=1)
    age_days = models.IntegerField()
    age_months = models.IntegerField()
    birth_weight_g = models.IntegerField(null=True)
    low_birth_weight = _flag("low birth weight")
    lbw_or_premature = _flag("low birth weight or premature")
    has_dni = _flag("DNI or CUI")
    has_sis = _flag("SIS")
    measured_on = models.DateField(null=True)
    haz = models.FloatField(null=True)
    whz = models.FloatField(null=True)
    waz = models.FloatField(null=True)
    stunted = _flag("stunted")
    severely_stunted = _flag("severely stunted")
    wasted = _flag("wasted")
    overweight = _flag("overweight")
    underweight = _flag("underweight")
    hb_observed = models.FloatField(null=True)
    hb_adjusted = models.FloatField(null=True)
    anemic = _flag("anemic")
    hb_tested_on = models.DateField(null=True)
    # Schedules (the Peru profile's requirements and flags; another profile adds its columns).
    cred_newborn_complete = _flag("newborn CRED")
    cred_complete = _flag("CRED")
    bcg_complete = _flag("BCG")
    hvb_complete = _flag("HvB")
    pentavalent_complete = _flag("pentavalent")
    polio_complete = _flag("polio")
    rotavirus_complete = _flag("rotavirus")
    pneumococcal_complete = _flag("pneumococcal")
    influenza_complete = _flag("influenza")
    spr_complete = _flag("SPR")
    varicella_complete = _flag("varicella")
    yellow_fever_complete = _flag("yellow fever")
    hepatitis_a_complete = _flag("hepatitis A")
    dpt_complete = _flag("DPT")
    iron_complete = _flag("iron")
    hb_complete = _flag("Hb tests")
    dni_complete = _flag("DNI")
    sis_complete = _flag("SIS")
    cred_complete_for_age = _flag("CRED complete for age")
    vaccines_fed_complete_for_age = _flag("FED vaccines for age")
    vaccines_complete_for_age = _flag("vaccines for age")
    iron_complete_for_age = _flag("iron for age")
    hb_screened_6_months = _flag("Hb at 6 months")
    dni_within_30_days = _flag("DNI within 30 days")
    integrated_package = _flag("integrated package")

    class Meta:
        indexes = [models.Index(fields=["refresh", "district_id"])]

    def __str__(self) -> str:
        return f"{self.child_id} @ {self.refresh_id}"


STATUS_COLUMNS = [
    field.attname
    for field in ChildStatus._meta.concrete_fields
    if field.name not in {"id", "refresh"}
]
