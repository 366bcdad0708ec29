"""A pregnancy as of a date — gestational age, what is done, due and overdue (the pure
``schedules`` engine), each Hb test adjusted and classified by trimester (the pure ``anemia``
package) — and the changes a health worker makes, each kept in the record's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from crecer.anemia import assess_hemoglobin
from crecer.health.models import AltitudeSource
from crecer.maternal.models import Dating, MaternalHbTest, MaternalService, Pregnancy, Woman
from crecer.norms import Profile
from crecer.profile import current_profile
from crecer.schedules import dating_fur

DAYS_PER_WEEK = 7
# Trimesters by completed weeks, as the NTS 213-2024 cut-offs split them (anemia.md).
SECOND_TRIMESTER_WEEK = 14
THIRD_TRIMESTER_WEEK = 28


@dataclass(frozen=True)
class RequirementRow:
    id: str
    name: str
    required: int
    done: int
    complete: bool
    overdue: bool
    next_due: date | None
    unconfirmed: bool


@dataclass(frozen=True)
class HbRow:
    date: date
    weeks: int
    hb_observed: float
    altitude_m: float | None
    adjusted: float | None
    severity: str
    anemic: bool | None = None  # None: no altitude, not classified


def trimester(weeks: int) -> int:
    if weeks < SECOND_TRIMESTER_WEEK:
        return 1
    return 2 if weeks < THIRD_TRIMESTER_WEEK else 3


def schedule_rows(
    profile: Profile, pregnancy: Pregnancy, services: list[tuple[date, str]], as_of: date
) -> list[RequirementRow]:
    """Each requirement of the pregnancy schedule in force on ``as_of`` with the engine's
    counts; nothing for a pregnancy that ended before (its record shows what was done)."""
    from crecer.schedules import pregnancy_status

    norms = profile.schedules
    if norms is None or not norms.pregnancy or as_of < pregnancy.lmp_date:
        return []
    status = pregnancy_status(
        profile,
        {"lmp_date": np.array([pregnancy.lmp_date], dtype="datetime64[D]")},
        {
            "pregnancy": np.zeros(len(services), dtype=np.int64),
            "date": np.array([d for d, _ in services], dtype="datetime64[D]"),
            "code": np.array([c for _, c in services], dtype=str),
        },
        as_of,
    )
    schedule = norms.in_force("pregnancy", as_of)
    columns = status.columns
    rows = []
    for requirement in schedule.requirements:
        key = requirement.id
        if f"{key}_required" not in columns:
            continue
        next_due = columns[f"{key}_next_due"][0]
        rows.append(
            RequirementRow(
                id=key,
                name=requirement.name.get(get_language() or "es"),
                required=int(columns[f"{key}_required"][0]),
                done=int(columns[f"{key}_done"][0]),
                complete=bool(columns[f"{key}_complete"][0]),
                overdue=bool(columns[f"{key}_overdue"][0]),
                next_due=None if np.isnat(next_due) else next_due.astype(object),
                unconfirmed=bool(getattr(requirement, "unconfirmed", False)),
            )
        )
    return rows


def hb_rows(profile: Profile, pregnancy: Pregnancy, tests: list[MaternalHbTest]) -> list[HbRow]:
    """Every Hb test of the pregnancy, newest first, adjusted for its altitude and classified
    by the pregnancy cut-off of its trimester (a test without altitude stays unclassified)."""
    tests = sorted(tests, key=lambda t: t.date, reverse=True)
    if not tests or profile.anemia is None:
        return []
    weeks = np.array([pregnancy.gestational_days(t.date) // DAYS_PER_WEEK for t in tests])
    assessed = assess_hemoglobin(
        profile.anemia,
        hemoglobin=[t.hb_observed for t in tests],
        altitude_m=[np.nan if t.altitude_m is None else t.altitude_m for t in tests],
        test_date=np.array([t.date for t in tests], dtype="datetime64[D]"),
        age_months=np.full(len(tests), np.nan),  # pregnancy rows are chosen by weeks alone
        sex=np.full(len(tests), "F"),
        gestational_weeks=weeks.astype(np.float64),
    )
    rows = []
    for i, test in enumerate(tests):
        adjusted = assessed["adjusted"][i]
        rows.append(
            HbRow(
                date=test.date,
                weeks=int(weeks[i]),
                hb_observed=test.hb_observed,
                altitude_m=test.altitude_m,
                adjusted=None if np.isnan(adjusted) else round(float(adjusted), 1),
                severity=str(assessed["severity_label"][i]),
                anemic=None if np.isnan(adjusted) else bool(assessed["anemic"][i]),
            )
        )
    return rows


def pregnancy_summary(profile: Profile, pregnancy: Pregnancy, as_of: date) -> dict[str, Any]:
    services = list(pregnancy.maternalservice_set.order_by("date", "code"))
    tests = list(pregnancy.maternalhbtest_set.all())
    # An Hb test counts as the screening whether or not its HIS row came too.
    hb_code = profile.services.hb_test.recorded_as
    events = [(s.date, s.code) for s in services] + [(t.date, hb_code) for t in tests]
    on = as_of if pregnancy.ongoing else (pregnancy.outcome_date or as_of)
    weeks = max(pregnancy.gestational_days(on), 0) // DAYS_PER_WEEK
    scanned = pregnancy.ultrasound_gestational_days or 0
    return {
        "pregnancy": pregnancy,
        "weeks": weeks,
        "ultrasound_weeks": scanned // DAYS_PER_WEEK,
        "ultrasound_days": scanned % DAYS_PER_WEEK,
        "trimester": trimester(weeks),
        "requirements": schedule_rows(profile, pregnancy, events, on),
        "hb": hb_rows(profile, pregnancy, tests),
        "services": services,
        "births": list(pregnancy.births.select_related("child")),
    }


Ultrasound = tuple[date, int]  # the day of the scan, and the gestational days it measured


@transaction.atomic
def register_pregnancy(
    woman: Woman,
    lmp_date: date | None,
    user: Any,
    ultrasound: Ultrasound | None = None,
    **fields: Any,
) -> Pregnancy:
    """A new pregnancy dated by its reported FUR, or by the ultrasound where the profile's
    redating rule prefers it (or no FUR is known); at least one of the two is given."""
    pregnancy = Pregnancy(woman=woman, reported_lmp_date=lmp_date, **fields)
    if ultrasound is not None:
        pregnancy.ultrasound_date, pregnancy.ultrasound_gestational_days = ultrasound
    _date(current_profile(), pregnancy)
    pregnancy._change_reason = "registered"
    pregnancy.save()
    return pregnancy


def record_ultrasound(pregnancy: Pregnancy, day: date, measured_days: int, user: Any) -> bool:
    """Store a dating ultrasound and redate the pregnancy if the profile's rule says so (the
    reported FUR stays as it was); True when the ultrasound now dates it. The change, with its
    reason, is in the pregnancy's history."""
    pregnancy.ultrasound_date, pregnancy.ultrasound_gestational_days = day, measured_days
    by_ultrasound = _date(current_profile(), pregnancy)
    outcome = "dated by it" if by_ultrasound else "the FUR is kept"
    pregnancy._change_reason = f"ultrasound of {day.isoformat()}: {outcome}"
    pregnancy.save()
    return by_ultrasound


def _date(profile: Profile, pregnancy: Pregnancy) -> bool:
    """Set the FUR ``pregnancy`` is dated by from its reported FUR and its ultrasound
    (:func:`crecer.schedules.dating_fur` with the profile's bands); True if by ultrasound."""
    rule = profile.schedules.pregnancy_dating if profile.schedules else None
    has_scan = pregnancy.ultrasound_date is not None
    if pregnancy.reported_lmp_date is None and not has_scan:
        raise ValueError("a pregnancy needs its FUR or a dating ultrasound")
    # Without a rule (no bands) an ultrasound dates only a pregnancy with no FUR known.
    bands = rule.bands if rule else []
    dated, by_scan = dating_fur(
        [pregnancy.reported_lmp_date or "NaT"],
        [pregnancy.ultrasound_date or "NaT"],
        [pregnancy.ultrasound_gestational_days if has_scan else np.nan],
        [band.before_day for band in bands],
        [band.more_than_days for band in bands],
    )
    by_ultrasound = bool(by_scan[0])
    pregnancy.lmp_date = dated[0].item()
    pregnancy.dating = Dating.ULTRASOUND if by_ultrasound else Dating.LMP
    return by_ultrasound


def record_service(
    pregnancy: Pregnancy, day: date, code: str, user: Any, facility: str = ""
) -> MaternalService:
    return MaternalService.objects.create(
        pregnancy=pregnancy, date=day, code=code, facility=facility, recorded_by=user
    )


def record_hb(
    pregnancy: Pregnancy, day: date, hb: float, user: Any, facility: str = ""
) -> MaternalHbTest:
    """An Hb test adjusted at the altitude of the woman's district capital, said so."""
    altitude = pregnancy.woman.district.altitude_m
    return MaternalHbTest.objects.create(
        pregnancy=pregnancy,
        date=day,
        hb_observed=hb,
        facility=facility,
        recorded_by=user,
        altitude_m=altitude,
        altitude_source=AltitudeSource.DISTRICT if altitude is not None else AltitudeSource.UNKNOWN,
    )


@transaction.atomic
def women_from_registry(scope: str = "") -> FromRegistry:
    """Register as women the mothers the padrón names with a document and who have no record
    yet: her document, names, usual language and education as the padrón gives them, placed
    where her youngest child lives. Her children are then linked by that document
    (:meth:`Woman.children`). A woman registered earlier without a document, the only one of
    that name in that district, is given the document instead of a second record. Mothers
    without a document: :func:`crecer.maternal.mothers.link_mothers_without_document`."""
    from crecer.maternal.mothers import undocumented_match, women_by_name
    from crecer.registry.models import Child
    from crecer.territory.models import within

    children = Child.objects.active().exclude(mother_document_number="")
    if scope:
        children = children.filter(within(scope))
    fields = (
        "mother_document_type", "mother_document_number", "mother_paternal_surname",
        "mother_maternal_surname", "mother_given_names", "mother_language", "mother_education",
        "district_id", "populated_center_id", "care_facility",
    )  # fmt: skip
    have = set(Woman.objects.values_list("document_type", "document_number"))
    found: dict[tuple[str, str], Woman] = {}
    for row in children.order_by("-birth_date", "-id").values_list(*fields).iterator():
        kind = row[0] or "DNI"
        key = (kind, row[1])
        if key in have or key in found:
            continue  # known, or placed already by a younger child
        found[key] = Woman(
            document_type=kind, document_number=row[1], paternal_surname=row[2],
            maternal_surname=row[3], given_names=row[4], language=row[5], education=row[6],
            district_id=row[7], populated_center_id=row[8], care_facility=row[9],
        )  # fmt: skip
    undocumented = women_by_name({w.district_id for w in found.values()}, without_document=True)
    documented = 0
    taken: set[int] = set()  # two documents of one name: only the first takes her record
    for key, woman in list(found.items()):
        match = undocumented_match(woman, undocumented)
        if match is not None and match not in taken:
            taken.add(match)
            known = Woman.objects.get(pk=match)
            known.document_type, known.document_number = woman.document_type, woman.document_number
            known._change_reason = "document from the padrón (mother's document)"
            known.save()
            documented += 1
            del found[key]
    created = Woman.objects.bulk_create(found.values(), batch_size=1000)
    # bulk_create skips save(): the history's first entry is written in bulk too.
    history = Woman.history.model
    history.objects.bulk_create(
        [
            history(
                **{f.attname: getattr(w, f.attname) for f in Woman._meta.concrete_fields},
                history_date=timezone.now(),
                history_type="+",
                history_change_reason="registered from the padrón (mother's document)",
            )
            for w in Woman.objects.filter(document_number__in=[w.document_number for w in created])
        ],
        batch_size=1000,
    )
    return FromRegistry(created=len(created), documented=documented)


class FromRegistry(NamedTuple):
    created: int  # women registered with their document
    documented: int  # women registered without one, given it now


# Within this many days of the FPP without a planned place of delivery, a pregnancy is flagged.
NEAR_DUE_DAYS = 30


@dataclass(frozen=True)
class WorkRow:
    pregnancy: Pregnancy
    weeks: int
    overdue: list[str]
    anemic_untreated: bool
    near_due_without_plan: bool


def work_rows(profile: Profile, pregnancies: list[Pregnancy], as_of: date) -> list[WorkRow]:
    """What each ongoing pregnancy needs as of ``as_of``: the requirements overdue (the pure
    engine, all pregnancies at once), anemia (latest Hb) without an iron delivery after it,
    and a due date within NEAR_DUE_DAYS without a planned place of delivery."""
    from crecer.schedules import pregnancy_status

    if not pregnancies or profile.schedules is None:
        return []
    ids = [p.pk for p in pregnancies]
    services = list(
        MaternalService.objects.filter(pregnancy_id__in=ids).values_list(
            "pregnancy_id", "date", "code"
        )
    )
    all_tests = list(MaternalHbTest.objects.filter(pregnancy_id__in=ids).order_by("date"))
    tests = {t.pregnancy_id: t for t in all_tests}  # the latest of each pregnancy
    row_of = {pk: row for row, pk in enumerate(ids)}
    hb_code = profile.services.hb_test.recorded_as
    events = [(row_of[p], d, c) for p, d, c in services] + [
        (row_of[t.pregnancy_id], t.date, hb_code) for t in all_tests
    ]
    status = pregnancy_status(
        profile,
        {"lmp_date": np.array([p.lmp_date for p in pregnancies], dtype="datetime64[D]")},
        {
            "pregnancy": np.array([e[0] for e in events], dtype=np.int64),
            "date": np.array([e[1] for e in events], dtype="datetime64[D]"),
            "code": np.array([e[2] for e in events], dtype=str),
        },
        as_of,
    )
    schedule = profile.schedules.in_force("pregnancy", as_of)
    language = get_language() or "es"
    names = {r.id: r.name.get(language) for r in schedule.requirements}
    iron = {code for r in schedule.requirements if r.id.startswith("iron") for code in r.codes}
    last_iron: dict[int, date] = {}  # the latest iron delivery of each pregnancy
    for pk, day, code in services:
        if code in iron and day > last_iron.get(pk, date.min):
            last_iron[pk] = day
    latest = {
        pk: hb_rows(profile, p, [tests[pk]])[0]
        for pk, p in zip(ids, pregnancies, strict=True)
        if pk in tests
    }
    rows = []
    for index, pregnancy in enumerate(pregnancies):
        overdue = [
            names[key]
            for key in names
            if f"{key}_overdue" in status.columns and status.columns[f"{key}_overdue"][index]
        ]
        test = latest.get(pregnancy.pk)
        anemic = test is not None and bool(test.anemic)
        treated = test is not None and last_iron.get(pregnancy.pk, date.min) >= test.date
        near = (pregnancy.due_date - as_of).days <= NEAR_DUE_DAYS
        rows.append(
            WorkRow(
                pregnancy=pregnancy,
                weeks=max(pregnancy.gestational_days(as_of), 0) // DAYS_PER_WEEK,
                overdue=overdue,
                anemic_untreated=anemic and not treated,
                near_due_without_plan=near and not pregnancy.planned_delivery_place,
            )
        )
    return rows
