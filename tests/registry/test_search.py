"""Search by number or by name: accent- and case-insensitive, tolerant of small typos."""

from datetime import date

import pytest

from crecer.registry.models import Child
from crecer.registry.search import search_children

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
