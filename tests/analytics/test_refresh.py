"""A population small enough to compute every number on paper.

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

from crecer.analytics.lists import children_behind
from crecer.analytics.models import IndicatorValue, Refresh
from crecer.analytics.refresh import refresh
from crecer.health.models import GrowthCheck, HemoglobinTest
from crecer.norms import load_profile
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db
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


def value(run: Refresh, indicator: str, level: str, code: str) -> tuple[int, int]:
    row = IndicatorValue.objects.get(refresh=run, indicator=indicator, level=level, code=code)
    return row.numerator, row.denominator


def test_indicators_computed_on_paper(population):
    run = refresh(AS_OF, "", PERU)
    assert run.children == 7
    assert value(run, "ccm_u5", "country", "PE") == (3, 5)
    assert value(run, "ccm_u5", "district", "050403") == (2, 4)
    assert value(run, "ccm_u5", "district", "050101") == (1, 1)
    assert value(run, "measured_u5", "country", "PE") == (5, 7)
    assert value(run, "anemia_6_35", "country", "PE") == (2, 3)
    assert value(run, "hb_tested_6_35", "country", "PE") == (3, 7)
    assert value(run, "dni_30_days", "country", "PE") == (1, 7)
    assert value(run, "dni_6_59", "country", "PE") == (2, 7)
    assert value(run, "sis_u5", "country", "PE") == (2, 7)


def test_roll_ups_add_up(population):
    run = refresh(AS_OF, "", PERU)
    for indicator in ("ccm_u5", "anemia_6_35", "sis_u5", "cred_u12"):
        rows = IndicatorValue.objects.filter(refresh=run, indicator=indicator)
        by_level = {}
        for row in rows:
            numerator, denominator = by_level.get(row.level, (0, 0))
            by_level[row.level] = (numerator + row.numerator, denominator + row.denominator)
        assert by_level["district"] == by_level["province"] == by_level["department"]
        assert by_level["department"] == by_level["country"]


def test_the_as_of_date_moves_children_between_age_bands(population):
    """A child born 2021-07-15 is under 5 on 2026-06-30 (1,811 days) and not on 2026-07-31
    (1,842 days), though still in the registry (under 6)."""
    older = child(8, "2", "050101", birth_date=date(2021, 7, 15))
    measure(older, date(2026, 6, 1), 90.0, 12.0)  # girls 58 months: median 107, -3 SD 93 cm
    june = refresh(AS_OF, "", PERU)
    july = refresh(date(2026, 7, 31), "", PERU)
    assert value(june, "ccm_u5", "country", "PE") == (4, 6)
    assert value(july, "ccm_u5", "country", "PE") == (3, 5)
    assert july.children == 8


def test_a_refresh_is_idempotent_and_replaces_the_previous_one(population):
    first = refresh(AS_OF, "", PERU)
    rows = sorted(
        IndicatorValue.objects.filter(refresh=first).values_list(
            "indicator", "level", "code", "numerator", "denominator"
        )
    )
    second = refresh(AS_OF, "", PERU)
    assert not Refresh.objects.filter(pk=first.pk).exists()
    assert (
        sorted(
            IndicatorValue.objects.filter(refresh=second).values_list(
                "indicator", "level", "code", "numerator", "denominator"
            )
        )
        == rows
    )


def test_a_scoped_refresh_counts_only_its_territory(population):
    run = refresh(AS_OF, "0504", PERU)
    assert run.children == 4
    assert value(run, "ccm_u5", "province", "0504") == (2, 4)
    assert not IndicatorValue.objects.filter(refresh=run, level__in=["country", "department"])


def test_the_children_behind_a_number(population, make_user):
    run = refresh(AS_OF, "", PERU)
    indicator = PERU.analytics.indicator("ccm_u5")
    national = make_user("analista", "analyst", "PE", personal_data=True)
    stunted = children_behind(national, run, indicator, "country", "PE", "numerator")
    measured = children_behind(national, run, indicator, "country", "PE", "denominator")
    assert {c.cnv for c in stunted} == {"1000000001", "1000000002", "1000000007"}
    assert measured.count() == 5
    local = make_user("registradora", "registry_officer", "050101")
    assert [
        c.cnv for c in children_behind(local, run, indicator, "country", "PE", "numerator")
    ] == ["1000000007"]
    plain = make_user("mirón", "analyst", "PE")  # aggregates only: no names
    assert not children_behind(plain, run, indicator, "country", "PE", "numerator").exists()


def test_a_failed_refresh_keeps_the_previous_results(population, monkeypatch):
    first = refresh(AS_OF, "", PERU)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("crecer.analytics.refresh.bulk.insert", broken)
    with pytest.raises(RuntimeError):
        refresh(AS_OF, "", PERU)
    assert Refresh.objects.get().pk == first.pk
    assert IndicatorValue.objects.filter(refresh=first).exists()


def test_the_command_refreshes_month_ends(population):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "refresh", "--as-of", "2026-06-30", "--months", "3", stdout=out, stderr=io.StringIO()
    )
    assert sorted(Refresh.objects.values_list("as_of", flat=True)) == [
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
    ]
    assert "Refreshed PE as of 2026-06-30: 7 children" in out.getvalue()


def test_territory_pages_show_the_indicators(population, client, make_user):
    """The public sees suppressed figures (3 of 5 rests on a small numerator); an officer sees
    the numbers with links to the children behind them."""
    refresh(AS_OF, "", PERU)
    public = client.get("/territory/0504/").content.decode()
    assert "Desnutrición crónica en menores de 5 años (OMS)" in public
    assert "indicators/children/" not in public
    client.force_login(make_user("registradora", "registry_officer", "PE"))
    page = client.get("/", {"indicator": "ccm_u5"})
    assert page.context["indicators"]["rows"][0].cell.percent == 60.0  # 3 of 5, above
    ranking = {
        cell.code: (cell.numerator, cell.denominator)
        for cell in page.context["indicators"]["ranking"]
    }
    assert ranking == {"05": (3, 5)}
    listed = client.get(
        "/indicators/children/",
        {"indicator": "ccm_u5", "level": "district", "code": "050403", "part": "numerator"},
    )
    assert [c.cnv for c in listed.context["page"]] == ["1000000001", "1000000002"]
