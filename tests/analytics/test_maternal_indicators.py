"""Maternal indicators by territory from a hand-built population, counted on paper: five
pregnancies of two districts, as of 30 June 2026."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crecer.analytics.models import IndicatorValue
from crecer.analytics.refresh import refresh
from crecer.maternal.models import Birth, MaternalHbTest, MaternalService, Pregnancy, Woman
from crecer.norms import load_profile
from crecer.registry.models import Child
from crecer.territory.models import District

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 6, 30)
PERU = load_profile("peru")


def woman(number: str, district: str = "050403") -> Woman:
    return Woman.objects.create(document_type="DNI", document_number=number, district_id=district)


def checks(pregnancy: Pregnancy, weeks: list[int]) -> None:
    for week in weeks:
        MaternalService.objects.create(
            pregnancy=pregnancy, date=pregnancy.lmp_date + timedelta(weeks=week), code="Z3491"
        )


def delivered(number: str, lmp: date, weeks_at_birth: int, place: str, grams: int) -> Pregnancy:
    born = lmp + timedelta(weeks=weeks_at_birth)
    pregnancy = Pregnancy.objects.create(
        woman=woman(number), lmp_date=lmp, outcome="live_birth", outcome_date=born,
        delivery_place=place, gestational_weeks_at_birth=weeks_at_birth,
    )  # fmt: skip
    child = Child(cnv=f"9{number}", sex="1", birth_date=born, district_id="050403")
    child._change_reason = "registered"
    child.save()
    Birth.objects.create(pregnancy=pregnancy, child=child, cnv=child.cnv, birth_weight_g=grams)
    return pregnancy


@pytest.fixture
def population():
    District.objects.filter(ubigeo__in=["050403", "050101"]).update(altitude_m=2750)
    # A: delivered at 39 weeks in a facility, 3,100 g, checks at weeks 8, 16, 22, 26, 30, 34, 37.
    a = delivered("41000001", date(2025, 6, 1), 39, "institutional", 3100)
    checks(a, [8, 16, 22, 26, 30, 34, 37])
    for week in (20, 30):  # dT, code 90714: two doses, required by weeks 28 and 36 (profile)
        MaternalService.objects.create(
            pregnancy=a, date=a.lmp_date + timedelta(weeks=week), code="90714"
        )
    # B: delivered at home at 35 weeks, 2,300 g; checks at weeks 20 and 30.
    b = delivered("41000002", date(2025, 7, 1), 35, "home", 2300)
    checks(b, [20, 30])
    # C: born 1 June 2025 (FUR 1 Sept 2024 + 39 weeks), 394 days before the as-of date:
    # before the period of 365 days.
    delivered("41000003", date(2024, 9, 1), 39, "institutional", 3300)
    # D: ongoing, 20 weeks, first check at week 10, Hb 12.6 at 2,750 m (2,500-2,999 m: -1.8,
    # profile minsa_2024_bands): 10.8 adjusted, 2nd trimester no anemia from 10.5: not anemic.
    d = Pregnancy.objects.create(woman=woman("41000004"), lmp_date=AS_OF - timedelta(weeks=20))
    checks(d, [10])
    MaternalHbTest.objects.create(pregnancy=d, date=AS_OF, hb_observed=12.6, altitude_m=2750)
    # E: ongoing, 30 weeks, in another district, no check; Hb 12.0 at 2,750 m: 10.2 adjusted,
    # 3rd trimester (no anemia from 11.0): anemic.
    e = Pregnancy.objects.create(
        woman=woman("41000005", "050101"), lmp_date=AS_OF - timedelta(weeks=30)
    )
    MaternalHbTest.objects.create(pregnancy=e, date=AS_OF, hb_observed=12.0, altitude_m=2750)


def values(level: str, code: str) -> dict[str, tuple[int, int]]:
    rows = IndicatorValue.objects.filter(level=level, code=code).values_list(
        "indicator", "numerator", "denominator"
    )
    maternal = {i.id for i in PERU.analytics.maternal_indicators}
    return {i: (n, d) for i, n, d in rows if i in maternal}


def test_maternal_indicators_counted_on_paper(population):
    refresh(AS_OF, "", PERU)
    district = values("district", "050403")
    # Deliveries in the period: A (born 1 Mar 2026) and B (born 3 Mar 2026); C is older.
    assert district["prenatal_6_deliveries"] == (1, 2)  # A has 7 checks, B 2
    assert district["institutional_delivery"] == (1, 2)  # A in a facility, B at home
    assert district["low_birth_weight_deliveries"] == (1, 2)  # B: 2,300 g < 2,500 g
    assert district["premature_deliveries"] == (1, 2)  # B: 35 weeks < 37
    # Past the first trimester (98 days), ongoing or delivered in the period: A, B, D.
    # First check before day 98 (14 weeks): A (week 8) and D (week 10); B's was week 20.
    assert district["first_check_first_trimester"] == (2, 3)
    assert district["anemia_pregnancy"] == (0, 1)  # D not anemic
    assert district["dt_deliveries"] == (1, 2)  # A had both dT doses, B none
    assert district["iron_folic_deliveries"] == (0, 2)  # no iron + folic acid delivered
    assert values("district", "050101")["anemia_pregnancy"] == (1, 1)  # E anemic
    assert values("country", "PE")["anemia_pregnancy"] == (1, 2)


def test_the_region_opens_a_number_to_the_women_behind_it(population, client, make_user):
    from django.urls import reverse

    refresh(AS_OF, "", PERU)
    client.force_login(make_user("gestora", "program_manager", "0504", personal_data=True))
    client.get("/?lang=en")
    page = client.get(reverse("maternal:indicators"), {"code": "050403"})
    assert page.status_code == 200
    assert "1 / 2" in page.content.decode()  # deliveries with 6+ checks, on paper above
    women = client.get(reverse("maternal:women", args=["prenatal_6_deliveries", "050403"]))
    assert women.status_code == 200
    assert sorted(counted for _, counted in women.context["rows"]) == [False, True]
    # Another province's manager may not open the list.
    client.force_login(make_user("otro", "program_manager", "0501", personal_data=True))
    url = reverse("maternal:women", args=["prenatal_6_deliveries", "050403"])
    assert client.get(url).status_code == 404
