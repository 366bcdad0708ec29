"""The health child page: growth charts and z-scores, Hb history adjusted for altitude, and the
schedule, each checked against numbers computed by hand from the published norms."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from crecer.health.models import AltitudeSource, GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.health.summary import ChildFacts, schedule_rows
from crecer.norms import load_profile
from tests.health.factories import HOME, make_child

pytestmark = pytest.mark.django_db
AGE_TODAY = 400  # days: old enough for a 12-month measurement, young enough for the infant series


class Page(HTMLParser):
    """Cells of each table by its id, the text of <title> elements, and all the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.titles: list[str] = []
        self.text = ""
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "table":
            self._table = found.get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "title":
            self._in_title = True
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._cell is not None:
            self._cell.append(data)
        if self._in_title:
            self.titles.append(data.strip())


@pytest.fixture
def born() -> date:
    # Relative to today, because the page shows the schedule as of today.
    return timezone.localdate() - timedelta(days=AGE_TODAY)


@pytest.fixture
def page(make_user, client, born):
    """The child page of a girl with three growth checks, two Hb tests and one vaccine dose."""
    client.force_login(make_user("worker", "health_worker", HOME))
    child = make_child(birth_date=born, sex="2")
    checks = [(184, 7.2, 65.5), (200, 30.0, 66.0), (365, 7.3, 66.0)]  # day, kg, cm (lying)
    for day, kg, cm in checks:
        GrowthCheck.objects.create(
            child=child, date=born + timedelta(days=day), weight_kg=kg, length_cm=cm, measure="l"
        )
    HemoglobinTest.objects.create(
        child=child,
        date=born + timedelta(days=190),
        hb_observed=12.0,
        altitude_m=3400,
        altitude_source=AltitudeSource.RECORDED,
    )
    HemoglobinTest.objects.create(
        child=child, date=born + timedelta(days=380), hb_observed=10.0, altitude_m=None
    )
    ServiceRecord.objects.create(child=child, date=born + timedelta(days=66), code="90722")
    response = client.get(reverse("health:child_events", args=[child.pk]) + "?lang=en")
    assert response.status_code == 200
    parsed = Page()
    parsed.feed(response.content.decode())
    return parsed


def test_growth_table_has_each_measurement_with_who_zscores(page, born):
    rows = {row[0]: row for row in page.tables["growth-table"][1:]}
    assert len(rows) == 3
    # Girls, WHO 2006 expanded tables (src/crecer/growth/data/*.csv, sex 2), z by hand:
    # day 184: lhfa L=1 M=65.804 S=0.03447 → (65.5/65.804 − 1)/0.03447 = −0.134;
    #          wfa L=−0.0769 M=7.3136 S=0.12202 → ((7.2/M)^L − 1)/(L·S) = −0.128;
    #          wfl 65.5 cm L=−0.3833 M=7.195 S=0.09115 → ((7.2/M)^L − 1)/(L·S) = +0.008.
    at_184 = rows[(born + timedelta(days=184)).strftime("%d/%m/%Y")]
    assert at_184[5:8] == ["-0.13", "-0.13", "0.01"]
    assert "HAZ: normal" in at_184[8]
    # day 365: lhfa M=74.0049 S=0.03479 → (66/74.0049 − 1)/0.03479 = −3.109 (< −3: severe);
    #          wfa L=−0.2022 M=8.9462 S=0.12267 → −1.692; wfl 66.0 cm L=−0.3833 M=7.3076
    #          S=0.0911 → −0.011.
    at_365 = rows[(born + timedelta(days=365)).strftime("%d/%m/%Y")]
    assert at_365[5:8] == ["-3.11", "-1.69", "-0.01"]
    assert "HAZ: severe stunting" in at_365[8]
    # day 200: 30 kg is far beyond WAZ +5 (WHO flag limit, who_growth_algorithm.md §9): the
    # value is shown, marked ⚑, and not classified.
    at_200 = rows[(born + timedelta(days=200)).strftime("%d/%m/%Y")]
    assert at_200[6].startswith("⚑")
    assert "WAZ: flagged by WHO as implausible: not classified" in at_200[8]


def test_growth_charts_are_svg_with_titles(page):
    for title in ("Length/height-for-age", "Weight-for-age", "Weight-for-length"):
        assert any(t.startswith(f"{title}, girls") for t in page.titles), title
    assert "Weight-for-height, girls (WHO 2006)" not in page.titles  # no check from 2 years


def test_hb_history_adjusts_for_altitude_and_never_assumes_sea_level(page, born):
    rows = {row[0]: row for row in page.tables["hb-table"][1:]}
    # 3,400 m lies in the 3,000-3,499 m band: subtract 2.1 g/dL (MINSA table, RM 429-2024,
    # shared/domain/anemia.md), so 12.0 → 9.9; at 6 months (NTS 213, 6-23 months) 9.5-10.4 is
    # mild anemia.
    adjusted = rows[(born + timedelta(days=190)).strftime("%d/%m/%Y")]
    assert adjusted[1:] == [
        "6",
        "12.0",
        "3400",
        "as recorded with the test",
        "2.1",
        "9.9",
        "mild anemia",
        "nts_213_2024",
    ]
    unknown = rows[(born + timedelta(days=380)).strftime("%d/%m/%Y")]
    assert unknown[2:7] == ["10.0", "–", "unknown", "–", "not adjustable: altitude unknown"]


def test_schedule_shows_a_done_dose_and_an_overdue_one(page, born):
    rows = page.tables["schedule-vaccines"]
    penta = [row for row in rows if row and row[0].startswith("Penta")]
    # Peru profile, pentavalent (FED MC-02): dose 1 counts from day 42, due day 60; dose 2 due
    # day 120, required for age from day 190, 28-70 days after dose 1. Dose 1 given on day 66;
    # at 400 days dose 2 is overdue and next due on its own due date (day 120).
    assert penta[0][0].startswith("Pentavalent 1 done of 3 required for age; next due")
    assert (born + timedelta(days=120)).strftime("%d/%m/%Y") in penta[0][0]
    assert penta[0][1:] == [
        "1",
        (born + timedelta(days=60)).strftime("%d/%m/%Y"),
        (born + timedelta(days=66)).strftime("%d/%m/%Y"),
        "done",
    ]
    dose_2 = rows[rows.index(penta[0]) + 1]
    assert dose_2 == ["2", (born + timedelta(days=120)).strftime("%d/%m/%Y"), "–", "overdue"]


def test_dose_by_dose_attribution_matches_the_schedule_engine():
    # Peru profile: pentavalent dose 2 needs 28-70 days after dose 1, and CRED monthly checks
    # need 28 days between them. Pentavalent on days 61, 75 (only 14 days later: not dose 2)
    # and 95 (34 days later: dose 2); CRED on days 35 (window 1) and 60 (25 days later: not
    # window 2's check) and 89 (window 2); an Hb test at 175 days (window 170-209); DNI at 20 days.
    birth = date(2024, 6, 1)
    child = ChildFacts(birth_date=birth, sex="1", dni_issue_date=birth + timedelta(days=20))
    days = [(35, "99381"), (60, "99381"), (89, "99381"), (61, "90722"), (75, "90722")]
    days += [(95, "90722"), (170, "99199.17")]
    services = [(birth + timedelta(days=d), code) for d, code in days]
    rows = schedule_rows(
        load_profile("peru"), child, services, [birth + timedelta(days=175)], date(2025, 2, 1)
    )
    by_id = {row.id: row for row in rows}
    for row in rows:  # the engine's counts equal the doses the page lists as done
        assert sum(dose.done is not None for dose in row.doses) == row.done, row.id
    assert [by_id[r].done for r in ("cred", "pentavalent", "hb", "dni")] == [2, 2, 1, 1]
    done = {r: [d.done for d in by_id[r].doses[:2]] for r in ("cred", "pentavalent")}
    assert done == {
        "cred": [birth + timedelta(days=35), birth + timedelta(days=89)],
        "pentavalent": [birth + timedelta(days=61), birth + timedelta(days=95)],
    }
