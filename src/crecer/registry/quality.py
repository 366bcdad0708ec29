"""Registry quality by district and the birth-circuit lists, as of a date."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet

from crecer.disclosure import suppress, suppress_rate
from crecer.norms import Profile

DNI_DEADLINE_DAYS = 30  # FED MC-02: DNI issued within 30 days of birth
RECENT_UPDATE_DAYS = 183  # "updated in the last 6 months"
SELLO_AGE_DAYS = 60  # Sello Municipal 2023: children reaching 60 days in the period

HAS_DNI = Q(dni__isnull=False) | Q(cui__isnull=False)
# A complete address: a street address and a populated center (matched or as written).
HAS_ADDRESS = ~Q(address="") & (Q(populated_center__isnull=False) | ~Q(populated_center_name=""))


def counted(children: QuerySet, on: date) -> QuerySet:
    """Active children under 6 on ``on``: the registry's denominator."""
    return children.active().under_six_on(on)


def without_dni(children: QuerySet) -> QuerySet:
    return children.exclude(HAS_DNI)


def without_sis(children: QuerySet) -> QuerySet:
    return children.exclude(insurance="1")


def late_dni(children: QuerySet) -> QuerySet:
    """Children whose DNI was issued more than 30 days after birth."""
    return children.filter(dni_issue_date__gt=F("birth_date") + timedelta(days=DNI_DEADLINE_DAYS))


CIRCUIT_LISTS = {"no_dni": without_dni, "no_sis": without_sis, "late_dni": late_dni}


COUNT_FIELDS = (
    "children",
    "with_dni",
    "with_address",
    "with_care_facility",
    "visited_and_found",
    "updated_recently",
    "sello_denominator",
    "sello_numerator",
)


@dataclass(frozen=True)
class DistrictQuality:
    ubigeo: str
    name: str
    children: int | None
    with_dni: int | None
    with_address: int | None
    with_care_facility: int | None
    visited_and_found: int | None
    updated_recently: int | None
    sello_denominator: int | None
    sello_numerator: int | None

    suppressed: bool = False

    def hidden(self) -> DistrictQuality:
        """This row with no figure: every count is None, shown as "<5"."""
        counts = dict.fromkeys(COUNT_FIELDS)
        return replace(self, suppressed=True, **counts)

    def percent(self, part: int | None, whole: int | None = None) -> float | None:
        whole = self.children if whole is None else whole
        if part is None or whole is None:
            return None
        return round(100 * part / whole, 1) if whole else None

    @property
    def percent_dni(self) -> float | None:
        return self.percent(self.with_dni)

    @property
    def percent_address(self) -> float | None:
        return self.percent(self.with_address)

    @property
    def percent_facility(self) -> float | None:
        return self.percent(self.with_care_facility)

    @property
    def percent_found(self) -> float | None:
        return self.percent(self.visited_and_found)

    @property
    def percent_updated(self) -> float | None:
        return self.percent(self.updated_recently)

    @property
    def sello_percent(self) -> float | None:
        return self.percent(self.sello_numerator, self.sello_denominator)


def month_bounds(on: date) -> tuple[date, date]:
    first = on.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def suppressed(rows: list[DistrictQuality], profile: Profile) -> list[DistrictQuality]:
    """The rows a user without personal-data rights may see: a district with fewer than the
    profile's ``min_cell`` children shows no figure (each would point at a handful of children),
    and when exactly one district is hidden the next smallest is hidden too, so that the
    territory's total cannot give it back."""
    min_cell = profile.disclosure.min_cell
    kept = suppress({row.ubigeo: row.children for row in rows}, min_cell)
    return [
        _without_small_sello(row, min_cell) if kept[row.ubigeo] is not None else row.hidden()
        for row in rows
    ]


def _without_small_sello(row: DistrictQuality, min_cell: int) -> DistrictQuality:
    """The Sello Municipal counts a month's newborns: often a handful, so hidden when small."""
    rate = suppress_rate(row.sello_numerator or 0, row.sello_denominator or 0, min_cell)
    if not rate.suppressed:
        return row
    return replace(row, sello_numerator=None, sello_denominator=None)


def quality_by_district(children: QuerySet, on: date) -> list[DistrictQuality]:
    """Quality figures per district of ``children``, counting active children under 6 on ``on``.

    The Sello Municipal indicator (2023) counts children reaching 60 days of age in the month of
    ``on``: D excludes those not found on an effective visit; N are those of D with a complete
    address and DNI/CUI.
    """
    first, last = month_bounds(on)
    reaching_60 = Q(
        birth_date__gte=first - timedelta(days=SELLO_AGE_DAYS),
        birth_date__lte=last - timedelta(days=SELLO_AGE_DAYS),
    ) & ~Q(found=False)
    rows = (
        counted(children, on)
        .values("district_id", "district__name")
        .annotate(
            children=Count("id"),
            with_dni=Count("id", filter=HAS_DNI),
            with_address=Count("id", filter=HAS_ADDRESS),
            with_care_facility=Count("id", filter=~Q(care_facility="")),
            visited_and_found=Count("id", filter=Q(visited=True, found=True)),
            updated_recently=Count(
                "id", filter=Q(updated_at__date__gte=on - timedelta(days=RECENT_UPDATE_DAYS))
            ),
            sello_denominator=Count("id", filter=reaching_60),
            sello_numerator=Count("id", filter=reaching_60 & HAS_DNI & HAS_ADDRESS),
        )
        .order_by("district_id")
    )
    return [
        DistrictQuality(ubigeo=row.pop("district_id"), name=row.pop("district__name"), **row)
        for row in rows
    ]
