"""What a user notices on a page: a hidden cell reads as hidden (not as "less than 5 %"),
counts carry the language's thousands separator, a child's events name their facility."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from crecer.health.models import GrowthCheck
from crecer.registry.models import Child
from crecer.territory.models import HealthFacility

pytestmark = pytest.mark.django_db


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load crecer_tags %}" + source).render(Context(context))


def test_a_hidden_cell_says_it_is_hidden_and_counts_cases():
    html = render("{% hidden_cell 5 %}", "en")
    assert html == '<span class="hidden-cell">hidden (&lt;5 cases)</span>'


@pytest.mark.parametrize(("language", "written"), [("en", "10,851"), ("es", "10\xa0851")])
def test_counts_are_grouped_as_the_language_writes_them(language, written):
    assert render("{{ n|grouped }}", language, n=10851) == written
    assert render("{{ n|grouped }}", language, n=None) == ""


def test_the_quality_page_hides_small_counts_in_words(client, make_user):
    child = Child(
        dni="71234567",
        paternal_surname="QUISPE",
        given_names="ANA",
        sex="2",
        birth_date=date(2024, 3, 15),
        district_id="050101",
    )
    child._change_reason = "test"
    child.save()
    client.force_login(make_user("analyst", "analyst", "050101"))
    client.get("/?lang=en")
    html = client.get(reverse("registry:quality"), {"code": "050101"}).content.decode()
    assert "hidden (&lt;5 cases)" in html
    assert '<td class="num">&lt;5</td>' not in html


def test_a_childs_events_name_the_facility(client, make_user):
    HealthFacility.objects.create(
        renipress_code="00003543", name="PS HUAMANGUILLA", district_id="050403"
    )
    child = Child(
        dni="71234568",
        paternal_surname="MAMANI",
        given_names="ROSA",
        sex="2",
        birth_date=date(2024, 3, 15),
        district_id="050403",
    )
    child._change_reason = "test"
    child.save()
    GrowthCheck.objects.create(
        child=child, date=date(2024, 9, 1), weight_kg=7.5, length_cm=66, facility="00003543"
    )
    client.force_login(make_user("worker", "health_worker", "050403"))
    for name in ("health:child_events", "registry:child"):
        html = client.get(reverse(name, args=[child.pk])).content.decode()
        assert "PS HUAMANGUILLA" in html, name
