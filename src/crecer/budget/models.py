"""What the PAN budget pages read: the implementing units (unidades ejecutoras) with the
territory they serve, budget execution rows as the MEF extracts give them, physical goals per
unit and product, and the facilities' monthly stock as the medicine-supply report gives it.

Every row keeps the import run that brought it. Amounts are soles with two decimals. A unit's
``ubigeo`` is the territory code the extract gives it (a department, province or district):
the pages scope the unit by it and count its physical output there."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from crecer.ingest.models import ImportRun

UNIT_CODE_LENGTH = 10
CODE_LENGTH = 20
AMOUNT = {"max_digits": 16, "decimal_places": 2, "default": 0}


class ExecutingUnit(models.Model):
    """An implementing unit (unidad ejecutora), by its SIAF code (SEC_EJEC)."""

    code = models.CharField(_("code"), max_length=UNIT_CODE_LENGTH, primary_key=True)
    name = models.CharField(_("name"), max_length=255)
    ubigeo = models.CharField(_("territory"), max_length=6, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("implementing unit")
        verbose_name_plural = _("implementing units")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def region(self) -> str:
        return self.ubigeo[:2]


class ExecutionRow(models.Model):
    """One line of a budget execution extract: a month's amounts of one specific expenditure
    of an activity of a product of a programme, for one unit and financing source."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(ExecutingUnit, on_delete=models.PROTECT, related_name="execution")
    program = models.CharField(_("programme"), max_length=CODE_LENGTH)
    product = models.CharField(_("product"), max_length=CODE_LENGTH)
    activity = models.CharField(_("activity"), max_length=CODE_LENGTH, blank=True)
    specific = models.CharField(_("specific expenditure"), max_length=CODE_LENGTH, blank=True)
    source = models.CharField(_("financing source"), max_length=CODE_LENGTH, blank=True)
    month = models.PositiveSmallIntegerField(_("month"))
    pia = models.DecimalField(_("PIA"), **AMOUNT)
    pim = models.DecimalField(_("PIM"), **AMOUNT)
    certified = models.DecimalField(_("certified"), **AMOUNT)
    committed = models.DecimalField(_("committed"), **AMOUNT)
    accrued = models.DecimalField(_("accrued"), **AMOUNT)
    paid = models.DecimalField(_("paid"), **AMOUNT)
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "product", "activity", "specific", "source", "month"],
                name="one_execution_row_per_key",
            )
        ]
        verbose_name = _("budget execution row")
        verbose_name_plural = _("budget execution rows")

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.unit_id} {self.product}"


class PhysicalGoal(models.Model):
    """The units of a product a unit programmed for a year (its physical goal)."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(ExecutingUnit, on_delete=models.PROTECT, related_name="goals")
    product = models.CharField(_("product"), max_length=CODE_LENGTH)
    units = models.PositiveIntegerField(_("units programmed"))
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "product"], name="one_goal_per_unit_and_product"
            )
        ]
        verbose_name = _("physical goal")
        verbose_name_plural = _("physical goals")

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id} {self.product}: {self.units}"


class StockRow(models.Model):
    """A facility's month of one supply item, as the supply system's monthly report gives it.
    ``item`` is the profile's supply id; ``district`` where the facility is."""

    facility_code = models.CharField(_("RENIPRESS code"), max_length=8, db_index=True)
    facility_name = models.CharField(_("facility"), max_length=255, blank=True)
    district_id = models.CharField(_("district"), max_length=6, db_index=True)
    month = models.DateField(_("month"))  # its first day
    item = models.CharField(_("item"), max_length=40)
    opening = models.DecimalField(_("opening stock"), max_digits=12, decimal_places=2)
    received = models.DecimalField(_("received"), max_digits=12, decimal_places=2)
    dispensed = models.DecimalField(_("dispensed"), max_digits=12, decimal_places=2)
    closing = models.DecimalField(_("closing stock"), max_digits=12, decimal_places=2)
    expiry = models.DateField(_("expiry"), null=True, blank=True)
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facility_code", "month", "item"], name="one_stock_row_per_month"
            )
        ]
        verbose_name = _("stock row")
        verbose_name_plural = _("stock rows")

    def __str__(self) -> str:
        return f"{self.facility_code} {self.month:%Y-%m} {self.item}"
