"""The differencing attack (tests/disclosure/attack.py) on everything an anonymous visitor can
read: the open-data files and the territory pages (home, department, province and district
pages with every indicator's ranking), on a generated province (Huanta, a small synthetic
population: many small cells). It fails when any hidden numerator or denominator comes back by
subtraction, across levels or across indicators that count the same children. The API
publishes no counts (its territory routes give names, altitude and census population), so it
has nothing to attack."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from io import StringIO

import numpy as np
import polars as pl
import pytest
from django.core.management import call_command
from tests.disclosure.attack import recover, recover_as_insider

from crecer.analytics.models import IndicatorValue, Refresh
from crecer.analytics.public import count_keys, hidden_cells, nested_bands, public_levels
from crecer.analytics.refresh import refresh
from crecer.disclosure import primary
from crecer.norms import load_profile
from crecer.territory.models import District

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 6, 30)
PROVINCE = "0504"  # Huanta, Ayacucho
PERU = load_profile("peru")
INDICATORS = [indicator.id for indicator in PERU.analytics.indicators]
KEYS = {indicator.id: count_keys(indicator) for indicator in PERU.analytics.indicators}


@pytest.fixture
def huanta():
    """A synthetic Huanta, small enough that many district cells are small, and a refresh."""
    call_command(
        "generate",
        *("--scope", PROVINCE, "--factor", "0.04", "--as-of", AS_OF.isoformat(), "--into-db"),
        stdout=StringIO(),
    )
    return refresh(AS_OF, "", PERU)


def tree(run: Refresh) -> dict[str, str | None]:
    """Every published unit (by code) with its parent's code."""
    units = set(
        IndicatorValue.objects.filter(refresh=run, level__in=public_levels(PERU)).values_list(
            "level", "code"
        )
    )
    parent = {"country": None, "department": "PE"}
    return {
        code: parent.get(level, code[: 2 if level == "province" else 4]) for level, code in units
    }


def truth(run: Refresh) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (code, indicator): (n, d)
        for indicator, code, n, d in IndicatorValue.objects.filter(
            refresh=run, level__in=public_levels(PERU)
        ).values_list("indicator", "code", "numerator", "denominator")
    }


def open_data(client) -> dict[tuple[str, str], tuple[int, int] | None]:
    frame = pl.read_csv(io.BytesIO(client.get("/open-data/values.csv").content))
    assert frame.height
    return {
        (row["code"], row["indicator"]): None
        if row["suppressed"]
        else (row["numerator"], row["denominator"])
        for row in frame.iter_rows(named=True)
    }


class Tables(HTMLParser):
    """The rows of a page's tables: cell texts and the links in them."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, list[str]]]] = []
        self._cell: list[str] | None = None
        self._links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in {"td", "th"}:
            self._cell, self._links = [], []
        elif tag == "a" and self._cell is not None:
            self._links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self._cell is not None and self.rows:
            self.rows[-1].append((" ".join("".join(self._cell).split()), self._links))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def counts(text: str) -> tuple[int, int] | None:
    found = re.fullmatch(r"(\d+) / (\d+)", text)
    return (int(found[1]), int(found[2])) if found else None


def page_cells(client, code: str, chosen: str, seen: dict) -> None:
    """Add what the page of unit ``code`` ("" = the country), ranking ``chosen``, shows."""
    url = f"/territory/{code}/" if code else "/"
    response = client.get(url, {"indicator": chosen})
    assert response.status_code == 200, url
    tables = Tables()
    tables.feed(response.content.decode())
    unit = code or "PE"
    for row in tables.rows:
        if len(row) == 6 and row[0][1] and row[0][1][0].startswith("?indicator="):
            indicator = row[0][1][0].split("=")[1].split("#")[0]
            note(seen, (unit, indicator), row[1][0], row[2][0])
        elif len(row) == 4 and row[1][1] and "?indicator=" in row[1][1][0]:
            sub = row[1][1][0].split("/")[2]
            note(seen, (sub, chosen), row[2][0], row[3][0])


def note(seen: dict, cell: tuple[str, str], percent: str, children: str) -> None:
    hidden = "<" in percent  # "hidden (<5 cases)", "oculto (<5 casos)"
    value = None if hidden else counts(children)
    if percent == "–" and children == "–":
        return  # no value (not published)
    assert value is not None or hidden, (cell, percent, children)
    assert seen.get(cell, value) == value, f"{cell} differs between pages"
    seen[cell] = value


def test_no_hidden_cell_comes_back_from_open_data_or_pages(huanta, client):
    units = tree(huanta)
    real = truth(huanta)
    # The attack works on the small cells alone: the test can catch a leak.
    cells = sorted(real)
    first = primary(
        np.array([[real[c][0]] for c in cells]),
        np.array([[real[c][1]] for c in cells]),
        PERU.disclosure.min_cell,
    )
    small = {cell for cell, hide in zip(cells, first[:, 0], strict=True) if hide}
    naive = {cell: None if cell in small else value for cell, value in real.items()}
    assert recover(units, naive, KEYS), "no small cell to protect in the generated data"

    published = open_data(client)
    assert set(published) == set(real)
    hidden = {cell for cell, value in published.items() if value is None}
    assert small <= hidden
    assert all(published[cell] == real[cell] for cell in real if cell not in hidden)
    assert recover(units, published, KEYS) == []

    # The pages: every unit, and each indicator's ranking on the pages that have one.
    seen: dict[tuple[str, str], tuple[int, int] | None] = {}
    districts = District.objects.filter(ubigeo__startswith=PROVINCE).values_list(
        "ubigeo", flat=True
    )
    for code in ["", "05", PROVINCE]:
        for indicator in INDICATORS:
            page_cells(client, code, indicator, seen)
    for code in districts:
        page_cells(client, code, INDICATORS[0], seen)
    assert set(seen) == set(real)
    assert seen == published  # the same pattern everywhere
    assert recover(units, seen, KEYS) == []
    # Nested age bands (stunting under 3 inside under 5, CRED and vaccines under 12 inside
    # under 36 months): where both are shown, their difference is no small count either.
    bands = nested_bands(list(PERU.analytics.indicators))
    assert ("ccm_u5", "ccm_u3") in bands
    min_cell = PERU.disclosure.min_cell
    for unit in units:
        for wide, narrow in bands:
            if published.get((unit, wide)) and published.get((unit, narrow)):
                (n_wide, d_wide), (n_narrow, d_narrow) = (
                    published[(unit, wide)],
                    published[(unit, narrow)],
                )
                band_n, band_r = n_wide - n_narrow, (d_wide - n_wide) - (d_narrow - n_narrow)
                assert not 0 < band_n < min_cell, (unit, wide, narrow)
                assert not 0 < band_r < min_cell, (unit, wide, narrow)
    # A scoped user knows their own district's (or province's) counts exactly.
    for unit in [*districts, PROVINCE]:
        assert recover_as_insider(units, published, KEYS, real, unit, min_cell) == [], unit
    print(
        f"Huanta ({len(units)} units × {len(INDICATORS)} indicators): {len(small)} small cells, "
        f"{len(hidden)} hidden, {len(hidden_cells(huanta, PERU))} in the pattern"
    )
