"""Search by number or by name: accent- and case-insensitive, tolerant of small typos."""

from datetime import date

import pytest

from crecer.registry.models import Child
from crecer.registry.search import find_children, search_children

pytestmark = pytest.mark.django_db


def make(**fields) -> Child:
    base = {"sex": "2", "birth_date": date(2024, 3, 15), "district_id": "050403"}
    return Child.objects.create(**(base | fields))


@pytest.fixture
def children():
    return {
        "maria": make(
            dni="71234567",
            cnv="1000123456",
            paternal_surname="QUISPE",
            maternal_surname="HUAMÁN",
            given_names="María Elena",
            mother_document_number="41234567",
        ),
        "rosa": make(
            dni="71234568",
            paternal_surname="MAMANI",
            maternal_surname="CCAHUANA",
            given_names="Rosa",
        ),
        "jose": make(
            cnv="1000999999",
            paternal_surname="ÑAHUI",
            maternal_surname="QUISPE",
            given_names="José",
            sex="1",
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("71234567", ["maria"]),  # DNI
        ("7123 4567", ["maria"]),  # as typed with a space
        ("1000999999", ["jose"]),  # CNV of a child without DNI
        ("41234567", ["maria"]),  # the mother's DNI
        ("huaman quispe maria", ["maria"]),  # no accents, another order
        ("María", ["maria"]),
        ("nahui jose", ["jose"]),  # Ñ typed as N
        ("QUIPSE MARIA", ["maria"]),  # a transposition typo
        ("mamani rossa", ["rosa"]),  # a doubled letter
        ("zzzz", []),
    ],
)
def test_search(children, query, expected):
    found = search_children(query)
    assert [c.pk for c in found][: len(expected)] == [children[k].pk for k in expected]
    if not expected:
        assert found == []


def test_exact_matches_come_first(children):
    found = search_children("quispe")
    assert {c.pk for c in found[:2]} == {children["maria"].pk, children["jose"].pk}


def many(count: int, surname: str, given: str, first_dni: int) -> list[Child]:
    made = []
    for n in range(count):
        child = Child(
            dni=str(first_dni + n),
            paternal_surname=surname,
            maternal_surname=f"X{n:03d}",
            given_names=given,
            sex="2",
            birth_date=date(2024, 3, 15),
            district_id="050101",
        )
        child.search_name = child.folded_name()
        made.append(child)
    return Child.objects.bulk_create(made)


@pytest.fixture
def district():
    """A district where MARÍA is common and QUISPE has 92 children, 3 of them MARÍA."""
    many(300, "MAMANI", "MARIA", 72000000)  # "maria" alone matches these
    many(89, "QUISPE", "ROSA", 73000000)
    return many(3, "QUISPE", "MARÍA", 74000000)


def test_a_typo_of_a_common_surname_ranks_it_first(district):
    found = find_children("quipse maria")
    assert {c.pk for c in found.children[:3]} == {c.pk for c in district}
    assert found.total == 3  # QUISPE MARÍA only: every word typed must match


def test_all_matches_are_counted_and_the_list_is_cut(district):
    found = find_children("quispe")
    assert found.total == 92
    assert len(found.children) == 50
    assert found.cut
    assert {c.paternal_surname for c in found.children} == {"QUISPE"}


def test_the_page_says_how_many_matched_and_that_the_list_is_cut(district, client, make_user):
    client.force_login(make_user("officer", "registry_officer", "050101"))
    client.get("/?lang=en")
    html = client.get("/registry/", {"q": "quipse maria"}).content.decode()
    assert "3 children found" in html
    assert "QUISPE X" in html
    assert "MAMANI" not in html
    assert "matched, showing" not in html
    html = client.get("/registry/", {"q": "quispe"}).content.decode()
    assert "92 children found" in html
    assert "92 matched, showing the best 50" in html
