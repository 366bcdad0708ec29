"""Demo data for the community pages, over the registry's children of a territory: monitoring
centers (one per few populated centers with children) with agents and a committee, three
monthly meetings with decisions followed up, home visits to the children of the PIM age
bands, and a Cuna Más day-care center per district with its enrolled children and the last
weeks' attendance. Deterministic from a seed; a territory that has centers already is left
as it is.

The rates are Crecer's believable guesses, not published figures (the notes read give none
for visits or attendance): a child of the bands is visited in a month 3 times in 4, found 9
times in 10; an enrolled child comes 4 days in 5 and eats the day's meals."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count

from crecer.community.models import (
    AttendeeRole,
    CenterPerson,
    DayAttendance,
    DayCareCenter,
    Decision,
    DecisionState,
    Enrollment,
    HomeVisit,
    Meeting,
    MonitoringCenter,
    PersonRole,
    VisitResult,
)
from crecer.registry.models import Child
from crecer.territory.models import PopulatedCenter, within

CENTERS_PER_CPVC = 3  # populated centers a monitoring center watches over
VISITED_A_MONTH = 0.75
FOUND = 0.9
PRESENT = 0.8
DAYCARE_PLACES = 30
GIVEN = ["ROSA", "MARÍA", "JUANA", "CARMEN", "LUZ", "ELENA", "SONIA", "NELLY"]
SURNAMES = ["QUISPE", "HUAMÁN", "MAMANI", "CCORI", "PALOMINO", "GUTIÉRREZ", "CÁRDENAS"]
DECISIONS = [
    ("Visitar a las familias de los niños sin control CRED", "ACS"),
    ("Acompañar a las madres al establecimiento para el tamizaje de hemoglobina", "ACS"),
    ("Tramitar el DNI de los recién nacidos con RENIEC", "Municipio"),
    ("Sesión demostrativa de preparación de alimentos con hierro", "Establecimiento de salud"),
    ("Entregar sulfato ferroso a los niños que lo dejaron", "Establecimiento de salud"),
]


@dataclass
class Seeded:
    centers: int = 0
    meetings: int = 0
    visits: int = 0
    daycares: int = 0
    enrolled: int = 0
    attendance: int = 0


def _name(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"


def _months_back(on: date, count: int) -> list[date]:
    months, first = [], on.replace(day=1)
    for _ in range(count):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


@transaction.atomic
def seed(scope: str, on: date, seed: int = 1) -> Seeded:
    """Seed territory ``scope`` (an ubigeo prefix, "" = all) as of ``on``."""
    rng = random.Random(seed)
    done = Seeded()
    children = Child.objects.active().filter(within(scope)) if scope else Child.objects.active()
    existing = MonitoringCenter.objects.filter(within(scope)) if scope else MonitoringCenter.objects
    if existing.exists():
        return done
    places = list(
        children.exclude(populated_center_id=None)
        .values("district_id", "populated_center_id")
        .annotate(n=Count("id"))
        .order_by("district_id", "-n", "populated_center_id")
    )
    names = dict(
        PopulatedCenter.objects.filter(
            code__in=[p["populated_center_id"] for p in places]
        ).values_list("code", "name")
    )
    by_district: dict[str, list[str]] = {}
    for place in places:
        by_district.setdefault(place["district_id"], []).append(place["populated_center_id"])
    months = _months_back(on, 3)
    for district, codes in by_district.items():
        for start in range(0, len(codes), CENTERS_PER_CPVC):
            covered = codes[start : start + CENTERS_PER_CPVC]
            center = MonitoringCenter.objects.create(
                name=f"CPVC {names.get(covered[0], covered[0])}",
                district_id=district,
                populated_center_id=covered[0],
            )
            center.covers.set(covered)
            done.centers += 1
            agents = [
                CenterPerson.objects.create(center=center, name=_name(rng), role=role)
                for role in (PersonRole.COMMUNITY_AGENT, PersonRole.SOCIAL_ACTOR)
            ]
            CenterPerson.objects.create(center=center, name=_name(rng), role=PersonRole.PRESIDENT)
            _meetings(center, months, rng, done)
            _visits(center, covered, agents, months, on, rng, done)
        _daycare(district, codes[0], names, on, rng, done)
    return done


def _meetings(center: MonitoringCenter, months: list[date], rng: random.Random, done: Seeded):
    previous: list[Decision] = []
    for month in months:
        meeting = Meeting.objects.create(center=center, date=month + timedelta(days=9))
        done.meetings += 1
        for role, count in (
            (AttendeeRole.MOTHERS, rng.randint(8, 25)),
            (AttendeeRole.AGENTS, 2),
            (AttendeeRole.HEALTH, rng.randint(1, 3)),
            (AttendeeRole.MUNICIPALITY, 1),
        ):
            meeting.attendance.create(role=role, count=count)
        for decision in previous:  # followed up: done 3 times in 5
            decision.state = DecisionState.DONE if rng.random() < 0.6 else DecisionState.NOT_DONE
            decision.followed_at = meeting
            decision.save()
        previous = [
            Decision.objects.create(
                meeting=meeting, what=what, who=who, by_when=month + timedelta(days=30)
            )
            for what, who in rng.sample(DECISIONS, 3)
        ]


def _visits(center, covered, agents, months, on, rng, done) -> None:
    oldest = on - timedelta(days=13 * 31)
    kids = list(
        Child.objects.active()
        .filter(populated_center_id__in=covered, birth_date__gte=oldest)
        .values_list("pk", "birth_date")
    )
    visits = []
    for month in months:
        last = min(on, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        for child, born in kids:
            age = (month - born).days // 30
            if not 3 <= age <= 12 or rng.random() > VISITED_A_MONTH:
                continue
            day = month + timedelta(days=rng.randint(0, max(0, (last - month).days)))
            found = rng.random() < FOUND
            agent = rng.choice(agents)
            visits.append(
                HomeVisit(
                    child_id=child, center=center, agent=agent, agent_name=agent.name, date=day,
                    result=VisitResult.FOUND if found else VisitResult.NOT_FOUND,
                    duration_minutes=rng.randint(15, 45) if found else None,
                    exclusive_breastfeeding=(rng.random() < 0.7) if found and age < 6 else None,
                    iron_or_mmn=(rng.random() < 0.6) if found else None,
                    hand_washing=(rng.random() < 0.5) if found else None,
                    safe_water=(rng.random() < 0.6) if found else None,
                    danger_signs=(rng.random() < 0.05) if found else None,
                )
            )  # fmt: skip
    HomeVisit.objects.bulk_create(visits, batch_size=2000)
    done.visits += len(visits)


def _daycare(district, seat, names, on, rng, done) -> None:
    center = DayCareCenter.objects.create(
        name=f"CIAI {names.get(seat, seat)}", district_id=district, populated_center_id=seat,
        committee=f"Comité de gestión {names.get(seat, seat)}",
    )  # fmt: skip
    done.daycares += 1
    start = on - timedelta(days=28)
    young, old = on - timedelta(days=35 * 31), on - timedelta(days=6 * 31)
    kids = list(
        Child.objects.active()
        .filter(populated_center_id=seat, birth_date__gt=young, birth_date__lte=old)
        .order_by("birth_date", "id")
        .values_list("pk", flat=True)[:DAYCARE_PLACES]
    )
    enrolled = [Enrollment(center=center, child_id=pk, enrolled_on=start) for pk in kids]
    Enrollment.objects.bulk_create(enrolled)
    done.enrolled += len(enrolled)
    days = []
    stored = list(center.enrollments.all())
    for offset in range(28):
        day = start + timedelta(days=offset)
        if day.weekday() >= 5 or day > on:  # Monday to Friday (cuna_mas.md)
            continue
        for enrollment in stored:
            present = rng.random() < PRESENT
            days.append(
                DayAttendance(enrollment=enrollment, date=day, present=present, meals=3 * present)
            )
    DayAttendance.objects.bulk_create(days, batch_size=2000)
    done.attendance += len(days)
