"""Refresh, indicators and lists on the hand-computed population of ``conftest.py``."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from crecer.analytics.lists import children_behind
from crecer.analytics.models import ChildStatus, IndicatorValue, Refresh
from crecer.analytics.refresh import refresh
from crecer.analytics.status import district_chunks
from crecer.registry.codes import RecordStatus
from crecer.registry.models import Child
from tests.analytics.population import AS_OF, PERU, child, measure

pytestmark = pytest.mark.django_db


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
    # Children 1, 2, 4 and 7 were tested; 7's altitude is unknown, yet it was tested.
    assert value(run, "hb_tested_6_35", "country", "PE") == (4, 7)
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


def test_the_cached_section_follows_rights_language_and_refresh(population, client, make_user):
    """The indicators section is cached per refresh, rights and language: the same page, read
    in turn by the public and an officer, in Spanish and English, and after a new refresh with
    one child fewer, never shows what was rendered for another of them."""
    refresh(AS_OF, "", PERU)
    assert "indicators/children/" not in client.get("/").content.decode()
    client.force_login(make_user("registradora", "registry_officer", "PE"))
    spanish = client.get("/").content.decode()
    assert "indicators/children/" in spanish
    stunted = "indicator=ccm_u5&amp;level=country&amp;code=PE&amp;part=numerator"
    assert f'{stunted}">3</a>' in spanish
    english = client.get("/", {"lang": "en"}).content.decode()
    assert "Chronic malnutrition" in english
    assert "Desnutrición crónica" not in english
    Child.objects.filter(cnv="1000000001").update(record_status=RecordStatus.INACTIVE)
    refresh(AS_OF, "", PERU)
    assert f'{stunted}">2</a>' in client.get("/", {"lang": "en"}).content.decode()


def test_chunks_of_districts_give_the_same_values(population, monkeypatch):
    """The national refresh computes status a chunk of districts at a time: with one child per
    chunk the values are those of one chunk for everyone."""
    whole = refresh(AS_OF, "", PERU)
    expected = sorted(
        IndicatorValue.objects.filter(refresh=whole).values_list(
            "indicator", "level", "code", "numerator", "denominator"
        )
    )
    monkeypatch.setattr("crecer.analytics.refresh.CHUNK_CHILDREN", 1)
    chunked = refresh(AS_OF, "", PERU)
    got = sorted(
        IndicatorValue.objects.filter(refresh=chunked).values_list(
            "indicator", "level", "code", "numerator", "denominator"
        )
    )
    assert got == expected
    assert ChildStatus.objects.filter(refresh=chunked).count() == 7


def test_district_chunks_are_bounded_and_cover_every_district():
    children = pl.DataFrame({"district_id": ["050101"] * 3 + ["050102"] * 2 + ["050403"] * 5})
    # 3 + 2 fit in 5; 050403's 5 make a chunk of their own.
    assert district_chunks(children, 5) == [("050101", "050102"), ("050403", "050403")]
    # A district larger than the bound is still one chunk.
    assert district_chunks(children, 2) == [
        ("050101", "050101"),
        ("050102", "050102"),
        ("050403", "050403"),
    ]
    assert district_chunks(children.clear(), 5) == [("000000", "999999")]
