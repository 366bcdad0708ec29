"""A population small enough to compute every number on paper (the `population` fixture).

As of 2026-06-30, seven children born 2025-07-30 (335 days, 11 completed months): four in
Huamanguilla (050403, province Huanta 0504) and three in Huamanga (050101, province 0501). Lengths
are chosen far from the cut-offs, using WHO 2006 length-for-age at 11 months (boys median
74.5 cm, -3 SD 67.9; girls median 72.8, -3 SD 65.9): 65 cm is stunted (boys about -4 SD), 75 / 73
cm is normal, 40 cm is a WHO implausible value (z < -6, flagged and excluded).

    1 boy  050403  65 cm                         stunted
    2 girl 050403  63 cm                         stunted
    3 boy  050403  55 cm in January, 75 cm in June: latest valid -> not stunted (counts once)
    4 boy  050403  75 cm                         not stunted
    5 boy  050101  40 cm only                    flagged: not measured
    6 girl 050101  no measurement
    7 boy  050101  65 cm                         stunted
Stunting < 5: 3 of 5 measured = 60 %; Huamanguilla 2 of 4, Huamanga 1 of 1.

Hb (6-23 months: anemia below 10.5 g/dL, NTS 213-2024; altitude bands of RM 429-2024: 3,000-
3,499 m subtract 1.9): child 1: 12.0 at 3,200 m -> 10.1 anemic; child 2: 12.0 at 500 m -> 12.0
not anemic; child 4: 9.0 at 100 m -> anemic; child 7: 12.0 with unknown altitude -> not
adjustable, left out. Anemia 6-35 months: 2 of 3.
DNI within 30 days (population 31-364 days): child 1 (DNI at 20 days) only -> 1 of 7.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crecer.health.models import GrowthCheck, HemoglobinTest
from crecer.norms import load_profile
from crecer.registry.models import Child

AS_OF = date(2026, 6, 30)
BORN = date(2025, 7, 30)
PERU = load_profile("peru")


def child(number: int, sex: str, district: str, **extra) -> Child:
    record = Child(
        cnv=f"10000000{number:02d}",
        paternal_surname=f"NIÑO{number}",
        sex=sex,
        birth_date=extra.pop("birth_date", BORN),
        district_id=district,
        **extra,
    )
    record._change_reason = "test"
    record.save()
    return record


def measure(record: Child, when: date, length: float, weight: float = 9.0) -> None:
    GrowthCheck.objects.create(
        child=record, date=when, length_cm=length, weight_kg=weight, measure="l"
    )


def hb(record: Child, value: float, altitude: float | None) -> None:
    HemoglobinTest.objects.create(
        child=record, date=date(2026, 6, 1), hb_observed=value, altitude_m=altitude
    )


@pytest.fixture
def population() -> dict[int, Child]:
    june, january = date(2026, 6, 1), date(2026, 1, 10)
    kids = {
        1: child(1, "1", "050403", dni="71000001", dni_issue_date=BORN + timedelta(days=20)),
        2: child(2, "2", "050403", dni="71000002", dni_issue_date=BORN + timedelta(days=60)),
        3: child(3, "1", "050403", insurance="1"),
        4: child(4, "1", "050403", insurance="1"),
        5: child(5, "1", "050101"),
        6: child(6, "2", "050101"),
        7: child(7, "1", "050101"),
    }
    measure(kids[1], june, 65.0)
    measure(kids[2], june, 63.0, 8.0)
    measure(kids[3], january, 55.0, 6.0)
    measure(kids[3], june, 75.0)
    measure(kids[4], june, 75.0)
    measure(kids[5], june, 40.0)
    measure(kids[7], june, 65.0)
    hb(kids[1], 12.0, 3200)
    hb(kids[2], 12.0, 500)
    hb(kids[4], 9.0, 100)
    hb(kids[7], 12.0, None)
    return kids
