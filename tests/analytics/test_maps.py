"""The choropleth maps: pure projection, simplification, paths and classes on hand-made shapes
(expected paths worked out in the comments), then the national page with the real department
outlines of ``../shared/reference`` and the hand-computed population of ``population.py``."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from crecer.analytics import maps
from crecer.analytics.refresh import refresh
from tests.analytics.population import AS_OF, PERU, child, measure

# --- projection and paths -----------------------------------------------------------------------


def polygon(*rings: list[tuple[float, float]]) -> dict:
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]] for ring in rings]}


# A unit square on the equator: the middle latitude is 0, so cos = 1 and a degree of longitude
# is as wide as a degree of latitude.
SQUARE = polygon([(0, -0.5), (1, -0.5), (1, 0.5), (0, 0.5)])


def test_a_square_fills_its_box_north_up():
    frame = maps.fit(maps.bounds([SQUARE]), 104, 104)
    # 100 px for 1° inside a 2 px margin on each side.
    assert (frame.scale, frame.shrink, frame.width, frame.height) == (100, 1, 104, 104)
    # (0, -0.5) is the south-west corner: x = 2, y = 2 + (0.5 - -0.5) * 100 = 102; then east
    # 100 px, north 100 px (y decreases), west 100 px, closed.
    assert maps.svg_path(SQUARE, frame) == "M2,102l100,0 0,-100 -100,0z"


def test_a_hole_is_its_own_subpath():
    # A 4° square with a 2° hole in the middle (wound the other way, as RFC 7946 says; the
    # map's fill-rule is evenodd, so the winding does not matter): 100 px per degree.
    shape = polygon(
        [(0, -2), (4, -2), (4, 2), (0, 2)],
        [(1, -1), (1, 1), (3, 1), (3, -1)],
    )
    frame = maps.fit(maps.bounds([shape]), 404, 404)
    assert (frame.width, frame.height) == (404, 404)
    # Outer: (0,-2) -> (2, 402). Hole: (1,-1) -> (102, 302), north 200, east 200, south 200.
    assert maps.svg_path(shape, frame) == (
        "M2,402l400,0 0,-400 -400,0zM102,302l0,-200 200,0 0,200z"
    )


def test_a_multipolygon_draws_every_part_in_one_frame():
    shape = {
        "type": "MultiPolygon",
        "coordinates": [
            SQUARE["coordinates"],
            polygon([(2, -0.5), (3, -0.5), (3, 0.5), (2, 0.5)])["coordinates"],
        ],
    }
    # 3° wide, 1° high in a 304 × 304 box: the width limits the scale to 100 px per degree,
    # and the frame shrinks to the shape's height (104 px), leaving no empty band.
    frame = maps.fit(maps.bounds([shape]), 304, 304)
    assert (frame.width, frame.height) == (304, 104)
    assert maps.svg_path(shape, frame) == (
        "M2,102l100,0 0,-100 -100,0zM202,102l100,0 0,-100 -100,0z"
    )


def test_latitude_shrinks_longitude():
    # A 1° square centred on 60° S: a degree of longitude is cos 60° = half a degree of latitude.
    shape = polygon([(0, -60.5), (1, -60.5), (1, -59.5), (0, -59.5)])
    frame = maps.fit(maps.bounds([shape]), 1000, 104)
    assert frame.scale == pytest.approx(100)
    assert frame.shrink == pytest.approx(0.5)
    assert (frame.width, frame.height) == (54, 104)
    assert maps.svg_path(shape, frame) == "M2,102l50,0 0,-100 -50,0z"


@pytest.mark.parametrize(
    ("bump", "kept"),
    [
        (0.3, False),  # 0.3 px off the straight edge: within the 0.5 px tolerance, dropped
        (2.0, True),  # 2 px: a real corner at this resolution, kept
    ],
)
def test_douglas_peucker_keeps_only_what_shows(bump, kept):
    ring = [(0, 0), (5, bump), (10, 0), (10, 10), (0, 10), (0, 0)]
    assert ((5, bump) in maps.simplify(ring, 0.5)) is kept


def test_a_closed_ring_simplifies_to_its_corners():
    # 40 points along the sides of a 10 px square, first point repeated at the end.
    sides = [(float(i), 0.0) for i in range(10)] + [(10.0, float(i)) for i in range(10)]
    sides += [(10.0 - i, 10.0) for i in range(10)] + [(0.0, 10.0 - i) for i in range(10)]
    assert maps.simplify([*sides, sides[0]], 0.5) == [
        (0.0, 0.0),
        (10.0, 0.0),
        (10.0, 10.0),
        (0.0, 10.0),
        (0.0, 0.0),
    ]
    assert maps.ring_path([*sides, sides[0]], 0.5) == "M0,0l10,0 0,10 -10,0z"


def test_a_ring_smaller_than_a_pixel_is_drawn_at_a_tenth_of_a_pixel():
    frame = maps.Frame(west=0, north=0, scale=1, shrink=1, width=10, height=10)
    speck = polygon([(0, 0), (0.4, 0), (0.4, -0.4), (0, -0.4)])
    # Whole pixels: every corner rounds to (0, 0) and the ring vanishes.
    assert maps.ring_path([frame.project(p) for p in speck["coordinates"][0]], 0.5) == ""
    assert maps.svg_path(speck, frame) == "M0,0l0.4,0 0,0.4 -0.4,0z"


# --- classes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "breaks"),
    [
        ([0, 25, 60, 100], [0, 20, 40, 60, 80, 100]),  # range 100 / 5 classes: step 20
        ([25, 50, 60, 100], [20, 40, 60, 80, 100]),  # step 10 needs 8 classes; 20 needs 4
        ([12.3, 47.9], [10, 20, 30, 40, 50]),  # steps 2, 2.5, 5 need 18, 16, 8 classes
        ([0, 28.6], [0, 10, 20, 30]),  # step 5 needs 6 classes; 10 needs 3
        ([0.3, 0.7], [0.3, 0.4, 0.5, 0.6, 0.7]),  # step 0.1 from 0.3 (0.3 / 0.1 = 2.99…)
        ([60.0], [60, 60]),  # one value: one class
        ([], []),
    ],
)
def test_class_breaks_use_round_steps(values, breaks):
    assert maps.class_breaks(values) == pytest.approx(breaks)


@pytest.mark.parametrize(
    ("value", "index"),
    [(0, 0), (19.9, 0), (20, 1), (60, 3), (80, 4), (100, 4), (120, 4), (-1, 0)],
)
def test_class_of_a_value(value, index):
    assert maps.class_of(value, [0, 20, 40, 60, 80, 100]) == index


def test_darker_is_worse_in_both_directions():
    assert maps.colours(5, lower_is_better=True)[-1] == "#b30000"  # the highest value
    assert maps.colours(5, lower_is_better=False)[0] == "#b30000"  # the lowest value
    assert maps.colours(1, lower_is_better=True) == ("#fdbb84",)


# --- the page -----------------------------------------------------------------------------------


class Map(HTMLParser):
    """The map of a page: each linked shape's code, href, state, fill and title, the legend's
    entries, and the notes around it."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: dict[str, dict[str, str]] = {}
        self.legend: list[dict[str, str]] = []
        self.text: list[str] = []
        self._shape: dict[str, str] | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and "data-state" in attributes:
            self._shape = {**attributes, "title": ""}
            self.shapes[attributes["data-code"]] = self._shape
        elif tag == "title" and self._shape is not None:
            self._in_title = True
        elif tag == "path" and self._shape is not None:
            self._shape["fill"] = attributes["fill"]
            self._shape["d"] = attributes["d"]
        elif tag == "li" and "data-fill" in attributes:
            self.legend.append(attributes)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "a":
            self._shape = None

    def handle_data(self, data):
        if self._in_title and self._shape is not None:
            self._shape["title"] += data
        self.text.append(data)


def the_map(client, url: str) -> Map:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    parsed = Map()
    parsed.feed(response.content.decode())
    return parsed


def boys(first: int, district: str, stunted: int, normal: int) -> None:
    """``stunted`` boys measured at 65 cm and ``normal`` at 75 cm (11 months, population.py)."""
    for number in range(first, first + stunted + normal):
        measure(
            child(number, "1", district),
            AS_OF.replace(day=1),
            65 if number - first < stunted else 75,
        )


@pytest.fixture
def country(population, reference):
    """Stunting by department on paper (population.py has Ayacucho 3 of 5 = 60 %):
    Lima 5 of 10 = 50 %, Cusco 2 of 2 = 100 %, Amazonas 1 of 4 = 25 %; no children elsewhere.
    Insured (SIS): Ayacucho 2 of 7 = 28.6 %, the other three 0 %."""
    boys(10, "150101", stunted=5, normal=5)
    boys(20, "080101", stunted=2, normal=0)
    boys(30, "010101", stunted=1, normal=3)
    refresh(AS_OF, "", PERU)
    out = io.StringIO()
    call_command(
        "territory", "load", "boundaries", str(reference / "peru_departments.geojson"), stdout=out
    )
    return population


@pytest.mark.django_db
def test_no_outlines_no_empty_box(population, client):
    refresh(AS_OF, "", PERU)
    page = the_map(client, "/")
    assert not page.shapes
    assert "crecer territory load boundaries" in "".join(page.text)


@pytest.mark.django_db
def test_the_national_map_with_every_value(country, client, make_user):
    client.force_login(make_user("analista", "analyst", "PE", personal_data=True))
    page = the_map(client, "/?indicator=ccm_u5")
    # Each of the 25 departments of the reference file is a link down to its page.
    assert len(page.shapes) == 25
    for code, shape in page.shapes.items():
        assert shape["href"] == f"/territory/{code}/?indicator=ccm_u5"
        assert shape["d"].startswith("M")
    # 25, 50, 60, 100 %: breaks 20, 40, 60, 80, 100 (4 classes, 4-class OrRd, darker = worse).
    expected = {"01": "#fef0d9", "15": "#fdcc8a", "05": "#fc8d59", "08": "#d7301f"}
    assert {c: s["fill"] for c, s in page.shapes.items() if s["data-state"] == "value"} == expected
    assert [(e["data-fill"], e.get("data-low"), e.get("data-high")) for e in page.legend] == [
        ("#fef0d9", "20", "40"),
        ("#fdcc8a", "40", "60"),
        ("#fc8d59", "60", "80"),
        ("#d7301f", "80", "100"),
        ("missing", None, None),
    ]
    # ... and each fill is the legend's for the class that holds the value in its title.
    for code in expected:
        value = float(page.shapes[code]["title"].split(": ")[1].rstrip(" %"))
        entry = next(
            e
            for e in page.legend[:-1]
            if float(e["data-low"]) <= value < float(e["data-high"])
            or value == float(e["data-high"]) == float(page.legend[-2]["data-high"])
        )
        assert page.shapes[code]["fill"] == entry["data-fill"]
    assert page.shapes["05"]["title"] == "Ayacucho: 60.0 %"
    assert page.shapes["02"] == {**page.shapes["02"], "data-state": "missing", "fill": "#d9d9d9"}
    assert page.shapes["02"]["title"].endswith(": no data")


@pytest.mark.django_db
def test_higher_is_better_darkens_the_low_values(country, client, make_user):
    client.force_login(make_user("analista", "analyst", "PE", personal_data=True))
    page = the_map(client, "/?indicator=sis_u5")
    # 0 % (Lima, Cusco, Amazonas) and 28.6 % (Ayacucho): breaks 0, 10, 20, 30, reversed.
    fills = {c: s["fill"] for c, s in page.shapes.items() if s["data-state"] == "value"}
    assert fills == {"15": "#e34a33", "08": "#e34a33", "01": "#e34a33", "05": "#fee8c8"}
    assert page.shapes["15"]["href"] == "/territory/15/?indicator=sis_u5"


@pytest.mark.django_db
def test_hidden_cells_are_hatched_not_coloured(country, client, make_user):
    client.force_login(make_user("mirón", "analyst", "PE"))  # aggregates only
    page = the_map(client, "/?indicator=ccm_u5")
    # Only Lima (5 of 10) is shown: one class. Ayacucho 3 of 5, Cusco 2 of 2 and Amazonas
    # 1 of 4 rest on fewer than 5 children: hatched, their value in no title, no class.
    assert page.shapes["15"]["fill"] == "#fdbb84"
    for code in ("05", "08", "01"):
        assert page.shapes[code]["data-state"] == "hidden"
        assert page.shapes[code]["fill"] == "url(#map-hidden)"
        assert page.shapes[code]["title"].endswith("hidden (fewer than 5 children)")
    assert [e["data-fill"] for e in page.legend] == ["#fdbb84", "hidden", "missing"]
    assert "60" not in page.shapes["05"]["title"]


@pytest.mark.django_db
def test_a_department_map_appears_once_its_provinces_are_loaded(
    country, client, make_user, reference
):
    client.force_login(make_user("analista", "analyst", "PE", personal_data=True))
    page = the_map(client, "/territory/05/?indicator=ccm_u5")
    assert not page.shapes  # only department outlines are loaded so far
    assert "crecer territory load boundaries" in "".join(page.text)
    out = io.StringIO()
    call_command(
        "territory", "load", "boundaries", str(reference / "peru_provinces.geojson"), stdout=out
    )
    page = the_map(client, "/territory/05/?indicator=ccm_u5")
    assert len(page.shapes) == 11  # the 11 provinces of Ayacucho, none of Lima's
    # Huanta 2 of 4 = 50 %, Huamanga 1 of 1 = 100 %: breaks 50, 60, …, 100 (step 10, 5 classes).
    assert page.shapes["0504"]["fill"] == "#fef0d9"
    assert page.shapes["0501"]["fill"] == "#b30000"
    assert page.shapes["0504"]["href"] == "/territory/0504/?indicator=ccm_u5"
    assert page.shapes["0504"]["title"] == "Huanta: 50.0 %"
