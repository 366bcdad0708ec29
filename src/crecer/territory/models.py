"""Territory master data.

Codes are INEI's and are the primary keys, stored as text so leading zeros stay:
department ``05``, province ``0504``, district (ubigeo) ``050403``, populated center
``0504030001``. Health facilities are keyed by their RENIPRESS code.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _


def within(code: str, field: str = "district_id") -> Q:
    """Rows whose 6-digit ubigeo ``field`` lies in department, province or district ``code``.

    Written as a range of digit strings, not ``LIKE 'code%'``: a range uses the ordinary
    index on the column under any collation, where PostgreSQL's LIKE needs a C collation or a
    pattern index."""
    pad = 6 - len(code)
    return Q(**{f"{field}__gte": code + "0" * pad, f"{field}__lte": code + "9" * pad})


class AltitudeSource(models.TextChoices):
    """Where an altitude came from. The anemia adjustment needs to know, never assume sea level."""

    OWN = "own", _("own record in the official file")
    DISTRICT_CAPITAL = "district_capital", _("inherited from the district capital")


class Area(models.TextChoices):
    URBAN = "U", _("urban")
    RURAL = "R", _("rural")


class DepartmentQuerySet(models.QuerySet):
    def with_counts(self) -> DepartmentQuerySet:
        return self.annotate(
            province_count=Count("provinces", distinct=True),
            district_count=Count("provinces__districts", distinct=True),
        )


class Department(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Province(models.Model):
    code = models.CharField(_("code"), max_length=4, primary_key=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    ubigeo = models.CharField(_("ubigeo"), max_length=6, primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )
    name = models.CharField(_("name"), max_length=100)
    capital = models.CharField(_("capital"), max_length=150, blank=True)
    # The district capital's altitude: the default for every place in the district.
    altitude_m = models.FloatField(_("altitude (m a.s.l.)"), null=True, blank=True)
    altitude_source = models.CharField(_("altitude source"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    natural_region = models.CharField(_("natural region"), max_length=20, blank=True)
    surface_km2 = models.FloatField(_("surface (km²)"), null=True, blank=True)
    human_development_index = models.FloatField(
        _("human development index (2019)"), null=True, blank=True
    )
    poverty_pct = models.FloatField(_("total poverty (%, 2018)"), null=True, blank=True)
    extreme_poverty_pct = models.FloatField(_("extreme poverty (%, 2013)"), null=True, blank=True)
    food_vulnerability_index = models.FloatField(
        _("food vulnerability index"), null=True, blank=True
    )
    # Blank for districts of the bundled INEI list; the file name for districts created later.
    added_from = models.CharField(_("added from file"), max_length=255, blank=True)

    class Meta:
        ordering = ["ubigeo"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name

    @property
    def department_code(self) -> str:
        return self.ubigeo[:2]

    def latest_population(self) -> DistrictPopulation | None:
        return self.populations.filter(total__isnull=False).order_by("-year").first()


class DistrictPopulation(models.Model):
    """Population of a district in a year (estimates, census or projections, as the source says)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("total population"), null=True, blank=True)
    urban = models.PositiveIntegerField(_("urban population"), null=True, blank=True)
    rural = models.PositiveIntegerField(_("rural population"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255)

    class Meta:
        ordering = ["district", "year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="one_population_per_year")
        ]
        verbose_name = _("district population")
        verbose_name_plural = _("district populations")

    def __str__(self) -> str:
        return f"{self.district_id} {self.year}: {self.total}"


class PopulatedCenter(models.Model):
    code = models.CharField(_("code"), max_length=10, primary_key=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="populated_centers",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name"), max_length=200)
    area = models.CharField(_("area"), max_length=1, choices=Area.choices, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    altitude_m = models.FloatField(_("altitude (m a.s.l.)"), null=True, blank=True)
    altitude_source = models.CharField(
        _("altitude source"), max_length=20, choices=AltitudeSource.choices, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("populated center")
        verbose_name_plural = _("populated centers")

    def __str__(self) -> str:
        return self.name


class HealthFacility(models.Model):
    renipress_code = models.CharField(_("RENIPRESS code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=255)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("district")
    )
    institution = models.CharField(_("institution"), max_length=150, blank=True)
    classification = models.CharField(_("classification"), max_length=255, blank=True)
    facility_type = models.CharField(_("type"), max_length=255, blank=True)
    category = models.CharField(_("category"), max_length=40, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    altitude_m = models.FloatField(_("altitude (m a.s.l.)"), null=True, blank=True)
    altitude_source = models.CharField(
        _("altitude source"), max_length=20, choices=AltitudeSource.choices, blank=True
    )
    beds = models.PositiveIntegerField(_("beds"), null=True, blank=True)
    condition = models.CharField(_("condition"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=100, blank=True)

    class Meta:
        ordering = ["renipress_code"]
        verbose_name = _("health facility")
        verbose_name_plural = _("health facilities")

    def __str__(self) -> str:
        return f"{self.name} ({self.renipress_code})"


class BoundaryLevel(models.TextChoices):
    DEPARTMENT = "department", _("department")
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")


class Boundary(models.Model):
    """A territory's outline as a GeoJSON geometry (WGS84), for maps."""

    level = models.CharField(_("level"), max_length=20, choices=BoundaryLevel.choices)
    code = models.CharField(_("code"), max_length=6)
    geometry = models.JSONField(_("geometry"))
    source = models.CharField(_("source"), max_length=255)

    class Meta:
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="one_boundary_per_unit")
        ]
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")

    def __str__(self) -> str:
        return f"{self.level} {self.code}"


class LoadKind(models.TextChoices):
    DISTRICT_ATTRIBUTES = "district-attributes", _("district attributes")
    DISTRICT_POPULATION = "district-population", _("district population")
    CENTROS_POBLADOS = "centros-poblados", _("populated centers")
    FACILITIES = "facilities", _("health facilities")
    BOUNDARIES = "boundaries", _("boundaries")
