"""JUNTOS households for a synthetic population already in the database, so the demo runs a
cycle end to end: a household per mother (``households_from_registry``), older siblings of 6
to 18 (the padrón holds children under 6 only) with their school and terms, a SISFOH
classification whose chance of being poor follows the district's poverty, the residence and
the community assembly, and affiliation where the household is eligible.

Calibration (manifest ``households``): the share classified poor or extreme poor is the
district's total poverty plus a margin (SISFOH targets the poor, and the households with
children are poorer than the average; an assumption, said so); absence from school is drawn
so that about 1 in 10 students passes the 15 % tolerance in a term (assumption: no figure in
the domain notes)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from crecer.juntos.households import households_from_registry
from crecer.juntos.models import (
    Affiliation,
    Household,
    Member,
    MemberRole,
    Poverty,
    SchoolRecord,
    SocioeconomicClass,
    Status,
)
from crecer.territory.models import within

WHY = "synthetic population (crecer demo)"
POOR_MARGIN = 0.15  # households with children are poorer than the district (assumption)
SIBLINGS_MEAN = 1.2  # older siblings (6-18) per household (assumption)
SCHOOL_DAYS_PER_TERM = 50  # a two-month term of school days (assumption)
ABSENCE_BETA = (1.2, 14.0)  # mean absence ~8 %; ~10 % of terms over 15 % (assumption)
SOURCES = {
    "poor_share": "the district's total poverty (INEI 2018, district_attributes) + 15 points "
    "(assumption: no SISFOH distribution by district in the domain notes)",
    "absence": "Beta(1.2, 14) share of 50 school days per term (assumption)",
    "siblings": "Poisson(1.2) older siblings aged 6-18 per household (assumption)",
}


@transaction.atomic
def populate(scope: str, as_of: date, seed: int = 1) -> dict[str, Any]:
    prefix = "" if scope.upper() == "PE" else scope
    existing = Household.objects.filter(within(prefix)) if prefix else Household.objects.all()
    if existing.exists():
        return {"skipped": "households already present"}
    rng = np.random.default_rng([seed, 22])
    built = households_from_registry(prefix, today=as_of)
    households = list(
        (
            Household.objects.filter(within(prefix)) if prefix else Household.objects.all()
        ).select_related("district")
    )
    siblings = _siblings(households, as_of, rng)
    terms = _terms(siblings, as_of, rng)
    classes, affiliated = _classify_and_affiliate(households, as_of, rng)
    return {
        "sources": SOURCES,
        "households": built.households,
        "members_from_registry": built.members,
        "older_siblings": len(siblings),
        "school_terms": terms,
        "classified": classes,
        "affiliated": affiliated,
    }


def _siblings(households: list[Household], as_of: date, rng: np.random.Generator) -> list[Member]:
    """Older siblings aged 6-18, with a DNI and a school; upper secondary from 14 (grades 3-5)."""
    made: list[Member] = []
    counts = rng.poisson(SIBLINGS_MEAN, size=len(households))
    serial = 80_000_000
    for household, count in zip(households, counts, strict=True):
        for _ in range(int(count)):
            age = int(rng.integers(6, 19))
            serial += 1
            made.append(
                Member(
                    household=household,
                    role=MemberRole.CHILD,
                    document_type="DNI",
                    document_number=str(serial),
                    names=f"Hermano(a) {household.code}",
                    birth_date=as_of - timedelta(days=age * 365 + int(rng.integers(0, 365))),
                    sex=str(rng.integers(1, 3)),
                    school_code=f"{rng.integers(200000, 999999):07d}",
                    upper_secondary=age >= 14,
                )
            )
    return bulk_create_with_history(made, Member, batch_size=2000, default_change_reason=WHY)


def _terms(siblings: list[Member], as_of: date, rng: np.random.Generator) -> int:
    """The last two-month terms before ``as_of`` of each sibling, with drawn absence."""
    end = date(as_of.year, as_of.month, 1) - timedelta(days=1)
    start = date(end.year, end.month - 1, 1) if end.month > 1 else date(end.year - 1, 12, 1)
    stored = Member.objects.filter(document_number__in=[m.document_number for m in siblings])
    records = []
    for member in stored:
        absent = round(float(rng.beta(*ABSENCE_BETA)) * SCHOOL_DAYS_PER_TERM)
        records.append(
            SchoolRecord(
                member=member,
                school_code=member.school_code,
                term=f"{start:%Y-%m}",
                term_start=start,
                term_end=end,
                enrolled=rng.random() > 0.02,
                days_attended=SCHOOL_DAYS_PER_TERM - absent,
                days_absent=absent,
            )
        )
    SchoolRecord.objects.bulk_create(records, batch_size=2000)
    return len(records)


def _classify_and_affiliate(
    households: list[Household], as_of: date, rng: np.random.Generator
) -> tuple[int, int]:
    classes, affiliate = [], []
    for household in households:
        poverty = (household.district.poverty_pct or 30.0) / 100
        draw = rng.random()
        poor_share = min(poverty + POOR_MARGIN, 0.98)
        category = (
            Poverty.EXTREME
            if draw < poor_share * 0.4
            else Poverty.POOR
            if draw < poor_share
            else Poverty.NON_POOR
        )
        classified = as_of - timedelta(days=int(rng.integers(30, 900)))
        classes.append(
            SocioeconomicClass(
                household=household,
                category=category,
                classified_on=classified,
                valid_until=classified + timedelta(days=1096),
            )
        )
        household.resident_since = as_of - timedelta(days=int(rng.integers(200, 4000)))
        if category != Poverty.NON_POOR and poverty >= 0.40:
            household.assembly_date = as_of - timedelta(days=int(rng.integers(60, 700)))
            household.assembly_act = f"ACV {household.district_id}-{household.assembly_date.year}"
            affiliate.append(household)
    SocioeconomicClass.objects.bulk_create(classes, batch_size=2000)
    fields = ["resident_since", "assembly_date", "assembly_act"]
    bulk_update_with_history(
        households, Household, fields, batch_size=2000, default_change_reason=WHY
    )
    affiliations = list(Affiliation.objects.filter(household__in=affiliate))
    for affiliation in affiliations:
        affiliation.status, affiliation.reason, affiliation.since = Status.AFFILIATED, WHY, as_of
    bulk_update_with_history(
        affiliations,
        Affiliation,
        ["status", "reason", "since"],
        batch_size=2000,
        default_change_reason="affiliated (validated by the community assembly)",
    )
    return len(classes), len(affiliate)
