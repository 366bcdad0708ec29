"""Women and pregnancies for a synthetic population already in the database: the mothers the
padrón names become women (:func:`crecer.maternal.services.women_from_registry`); each child
born in the year up to the as-of date gets the pregnancy it came from (FUR dated back from its
gestational age, the delivery's place, the child as its birth); and women are pregnant now
— about three quarters of a year's births at any date (a pregnancy lasts ~9 of 12 months) —
with the prenatal checks and Hb tests of their weeks so far.

Calibration (manifest ``women``): prenatal care 6+ among deliveries 87.3 % (ENDES 2013,
national; ../shared/domain/indicators.md) and low birth weight 7.3 % (ENDES 2024 1st half,
national; same file; it comes from the children's own birth weights). No published figure was
found in the domain notes for institutional delivery, first check in the first trimester, or
anemia in pregnancy in Ayacucho: the values below are Crecer's assumptions, said so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from crecer.maternal.models import (
    Birth,
    DeliveryPlace,
    MaternalHbTest,
    MaternalService,
    Outcome,
    Pregnancy,
    Woman,
)
from crecer.maternal.mothers import link_mothers_without_document
from crecer.maternal.services import women_from_registry
from crecer.registry.models import Child
from crecer.territory.models import within

WHY = "synthetic population (crecer generate)"
SIX = 6  # prenatal checks: the ENDES indicator's threshold
PRENATAL_CODE = "Z3491"  # the profile's prenatal check code (unconfirmed there)
HB_CODE = "85018"
IRON_CODE = "59401.04"
POSTNATAL_CODE = "Z392"  # the profile's postnatal check code (unconfirmed there)
POSTNATAL_DAYS = (7, 28)  # the profile's postpartum schedule's due days
INSTITUTIONAL = DeliveryPlace.INSTITUTIONAL


# Where each aimed-at figure comes from (the manifest says it beside what was achieved).
SOURCES = {
    "six_checks": "ENDES 2013, national: prenatal care 6+ 87.3 % (../shared/domain/indicators.md); "
    "no Ayacucho figure in the domain notes",
    "low_birth_weight": "the children's own birth weights, drawn by the population generator "
    "(ENDES 2024 1st half, national, 7.3 %; indicators.md)",
    "institutional": "assumption (85 %): no figure in the domain notes",
    "first_trimester": "assumption (75 %): FED SI-01.01's baseline is not in the domain notes",
    "anemia_in_pregnancy": "assumption: adjusted Hb ~ N(11.7, 1.1) g/dL puts about a quarter "
    "below the NTS 213-2024 cut-offs; no Ayacucho figure in the domain notes",
    "postnatal": "assumption (60 % with two checks): no figure in the domain notes",
}


@dataclass(frozen=True)
class Rates:
    """What the generator aims at; ``source`` says where each figure comes from."""

    six_checks: float = 0.873  # ENDES 2013 national, prenatal care 6+ (indicators.md)
    institutional: float = 0.85  # assumption: no figure in the domain notes
    first_trimester: float = 0.75  # assumption (FED SI-01.01 baseline not in the notes)
    # Hb as adjusted for altitude (the observed value adds what the adjustment removes): a mean
    # of 11.7 and sd 1.1 put about a quarter below the 10.5-11.0 cut-offs (assumption).
    hb_mean: float = 11.7
    hb_sd: float = 1.1
    ongoing_share: float = 0.75  # pregnant now per birth of the last year (9 of 12 months)
    postnatal: float = 0.6  # two postnatal checks (assumption: no figure in the notes)


RATES = Rates()


@transaction.atomic
def populate(scope: str, as_of: date, seed: int = 1, rates: Rates = RATES) -> dict[str, Any]:
    """Add the women and pregnancies once (nothing when pregnancies exist in the scope)."""
    prefix = "" if scope.upper() == "PE" else scope
    in_scope = Pregnancy.objects.filter(within(prefix, "woman__district_id")) if prefix else None
    if (in_scope if in_scope is not None else Pregnancy.objects).exists():
        return {"skipped": "pregnancies already present"}
    rng = np.random.default_rng([seed, 21])
    women = women_from_registry(prefix).created
    links = link_mothers_without_document(prefix)
    born = _deliveries(prefix, as_of, rng, rates)
    ongoing = _ongoing(prefix, as_of, rng, rates, born["deliveries"])
    return {
        "sources": SOURCES,
        "women_from_padron": women,
        "mothers_without_document": links.__dict__,
        **born,
        **ongoing,
        "rates": rates.__dict__,
    }


def _deliveries(scope: str, as_of: date, rng: np.random.Generator, rates: Rates) -> dict:
    children = Child.objects.filter(
        birth_date__gt=as_of - timedelta(days=365), birth_date__lte=as_of
    ).exclude(mother_document_number="")
    if scope:
        children = children.filter(within(scope))
    rows = list(
        children.values_list(
            "pk", "cnv", "birth_date", "gestational_age_weeks", "birth_weight_g",
            "mother_document_number", "birth_facility",
        )
    )  # fmt: skip
    women = dict(Woman.objects.values_list("document_number", "pk"))
    pregnancies, births, checks = [], [], 0
    taken: set[tuple[int, date]] = set()
    for pk, cnv, born, weeks, grams, mother, facility in rows:
        woman = women.get(mother)
        weeks = int(weeks or 39)
        lmp = born - timedelta(weeks=weeks)
        if woman is None or (woman, lmp) in taken:
            continue  # a twin: one pregnancy (its second birth is left unlinked here)
        taken.add((woman, lmp))
        place = INSTITUTIONAL if rng.random() < rates.institutional else DeliveryPlace.HOME
        pregnancies.append(
            Pregnancy(
                woman_id=woman, lmp_date=lmp, reported_lmp_date=lmp,
                outcome=Outcome.LIVE_BIRTH, outcome_date=born,
                delivery_place=place, gestational_weeks_at_birth=weeks,
                delivery_facility=(facility or "")[:8] if place == INSTITUTIONAL else "",
            )
        )  # fmt: skip
        births.append((pk, cnv, grams))
    bulk_create_with_history(pregnancies, Pregnancy, batch_size=1000, default_change_reason=WHY)
    stored = Pregnancy.objects.filter(woman_id__in={p.woman_id for p in pregnancies})
    by_key = {(p.woman_id, p.lmp_date): p for p in stored.select_related("woman__district")}
    services, tests, links = [], [], []
    six_or_more = first_trimester = 0
    for template, (child, cnv, grams) in zip(pregnancies, births, strict=True):
        pregnancy = by_key[(template.woman_id, template.lmp_date)]
        six = rng.random() < rates.six_checks
        s, t = _care(pregnancy, pregnancy.outcome_date, rng, rates, six=six)
        if rng.random() < rates.postnatal:
            s += [
                MaternalService(
                    pregnancy=pregnancy,
                    date=pregnancy.outcome_date + timedelta(days=day),
                    code=POSTNATAL_CODE,
                )
                for day in POSTNATAL_DAYS
                if pregnancy.outcome_date + timedelta(days=day) <= as_of
            ]
        services += s
        tests += t
        if cnv:
            links.append(Birth(pregnancy=pregnancy, child_id=child, cnv=cnv, birth_weight_g=grams))
        prenatal = [e.date for e in s if e.code == PRENATAL_CODE]
        checks += len(prenatal)
        six_or_more += len(prenatal) >= SIX
        first_trimester += bool(prenatal) and (min(prenatal) - pregnancy.lmp_date).days < 98
    MaternalService.objects.bulk_create(services, batch_size=2000)
    MaternalHbTest.objects.bulk_create(tests, batch_size=2000)
    Birth.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    weighed = [grams for _, _, grams in births if grams]
    delivered = len(pregnancies) or 1
    achieved = {
        "six_checks": round(six_or_more / delivered, 3),
        "first_trimester": round(first_trimester / delivered, 3),
        "institutional": round(
            sum(p.delivery_place == INSTITUTIONAL for p in pregnancies) / delivered, 3
        ),
        "low_birth_weight": round(sum(g < 2500 for g in weighed) / (len(weighed) or 1), 3),
    }
    return {
        "deliveries": len(pregnancies),
        "prenatal_checks_of_deliveries": checks,
        "achieved": achieved,
    }


def _ongoing(scope: str, as_of: date, rng: np.random.Generator, rates: Rates, births: int) -> dict:
    """Women pregnant now: mothers whose youngest child is 2 or older, picked at random."""
    wanted = round(births * rates.ongoing_share)
    youngest = as_of - timedelta(days=730)
    recent = set(
        Pregnancy.objects.filter(outcome_date__gt=youngest).values_list("woman_id", flat=True)
    )
    women = Woman.objects.all() if not scope else Woman.objects.filter(within(scope))
    pool = [pk for pk in women.values_list("pk", flat=True) if pk not in recent]
    chosen = rng.choice(pool, size=min(wanted, len(pool)), replace=False) if pool else []
    days = rng.integers(28, 280, size=len(chosen))
    furs = [as_of - timedelta(days=int(d)) for d in days]
    pregnancies = [
        Pregnancy(woman_id=int(w), lmp_date=fur, reported_lmp_date=fur)
        for w, fur in zip(chosen, furs, strict=True)
    ]
    bulk_create_with_history(pregnancies, Pregnancy, batch_size=1000, default_change_reason=WHY)
    stored = Pregnancy.objects.filter(
        outcome=Outcome.ONGOING, woman_id__in=[int(w) for w in chosen]
    ).select_related("woman__district")
    services, tests = [], []
    for pregnancy in stored:
        s, t = _care(pregnancy, as_of, rng, rates, six=rng.random() < rates.six_checks)
        services += s
        tests += t
    MaternalService.objects.bulk_create(services, batch_size=2000)
    MaternalHbTest.objects.bulk_create(tests, batch_size=2000)
    return {"ongoing": len(pregnancies)}


def _care(
    pregnancy: Pregnancy, until: date, rng: np.random.Generator, rates: Rates, *, six: bool
) -> tuple[list[MaternalService], list[MaternalHbTest]]:
    """Prenatal checks from the first (first trimester or later) every ~4 weeks up to
    ``until`` — enough to reach 6 for a full-term pregnancy when ``six``, fewer otherwise —,
    an Hb test at the first check and one in the third trimester, iron after week 14."""
    early = rng.random() < rates.first_trimester
    first = int(rng.integers(6, 13) if early else rng.integers(14, 24)) * 7
    spacing = int(rng.integers(24, 32)) if six else int(rng.integers(45, 70))
    last = (until - pregnancy.lmp_date).days
    if six and last >= 259:  # a full-term pregnancy: six checks fit between the first and the end
        spacing = min(spacing, max((last - first) // 5, 7))
    days = list(range(first, last + 1, spacing))
    if not six:
        days = days[:5]
    services = [
        MaternalService(
            pregnancy=pregnancy, date=pregnancy.lmp_date + timedelta(days=d), code=PRENATAL_CODE
        )
        for d in days
    ]
    services += [
        MaternalService(
            pregnancy=pregnancy, date=pregnancy.lmp_date + timedelta(days=d), code=IRON_CODE
        )
        for d in days
        if d >= 98
    ]
    altitude = pregnancy.woman.district.altitude_m if days else None
    tests = []
    for d in [days[0], *[x for x in days if x >= 196][:1]] if days else []:
        observed = round(
            float(rng.normal(rates.hb_mean + _altitude_rise(altitude), rates.hb_sd)), 1
        )
        tests.append(
            MaternalHbTest(
                pregnancy=pregnancy, date=pregnancy.lmp_date + timedelta(days=d),
                hb_observed=observed, altitude_m=altitude,
                altitude_source="district" if altitude is not None else "unknown",
            )
        )  # fmt: skip
        services.append(
            MaternalService(
                pregnancy=pregnancy, date=pregnancy.lmp_date + timedelta(days=d), code=HB_CODE
            )
        )
    return services, tests


def _altitude_rise(altitude: float | None) -> float:
    """Hb rises with altitude (what the adjustment removes): about 1 g/dL per 1,000 m above
    1,000 m, near the MINSA 2024 bands (2.1 at 3,000 m)."""
    if altitude is None or altitude < 1000:
        return 0.0
    return (altitude - 1000) / 1000 * 1.05
