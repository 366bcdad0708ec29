"""Personal detail on dashboards takes the right and the scope: a health worker of Huamanguilla
(050403) sees their district's small counts and the children behind them, and every other unit
(another district, their province, the country) as the public does, with no link to a list
that would not answer."""

from __future__ import annotations

import re

import pytest

from crecer.access.policy import sees_personal_in
from crecer.analytics.refresh import refresh
from crecer.territory.models import PopulatedCenter
from tests.analytics.population import AS_OF, PERU

pytestmark = pytest.mark.django_db
OWN, OTHER = "050403", "050101"  # Huamanguilla (Huanta) and Huamanga (Huamanga), both Ayacucho
LIST = re.compile(r'href="(/indicators/children/\?[^"]+)"')


def page(client, code: str) -> str:
    response = client.get(f"/territory/{code}/" if code else "/", {"indicator": "ccm_u5"})
    assert response.status_code == 200
    return response.content.decode()


def lists_on(client, code: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in LIST.findall(page(client, code))]


def stunting_counts(html: str) -> str:
    """The "numerator / denominator" cell of the stunting row of a unit's table."""
    row = html.split('href="?indicator=ccm_u5#ranking"', 1)[1].split("</tr>", 1)[0]
    return re.sub(r"<[^>]+>", "", row.split('<td class="num">')[2]).split("</td>")[0].strip()


def test_the_policy_decides_on_right_and_scope(make_user):
    worker = make_user("sanitaria", "health_worker", OWN)
    analyst = make_user("analista", "analyst", "PE")
    national = make_user("gestor", "program_manager", "PE")
    assert sees_personal_in(worker, OWN)
    assert not sees_personal_in(worker, OTHER)
    assert not sees_personal_in(worker, OWN[:4])  # the province has other districts' children
    assert not sees_personal_in(worker, "")
    assert not sees_personal_in(analyst, OWN)  # the scope without the right
    assert sees_personal_in(national, OTHER)
    assert sees_personal_in(national, "")
    PopulatedCenter.objects.create(code=f"{OWN}0001", district_id=OWN, name="HUAMANGUILLA")
    agent = make_user("agente", "health_worker", f"centers:{OWN}0001")
    assert not sees_personal_in(agent, OWN)  # a few centers are not the whole district


def test_a_district_worker_sees_detail_in_their_district_only(population, client, make_user):
    refresh(AS_OF, "", PERU)
    client.force_login(make_user("sanitaria", "health_worker", OWN))
    # Their district: Huamanguilla's stunting, 2 of 4 measured, in full, with its lists.
    own = page(client, OWN)
    assert stunting_counts(own) == "2 / 4"
    assert lists_on(client, OWN)
    # Huamanga's stunting is 1 of 1: small, hidden as it is from the public, and no list.
    other = page(client, OTHER)
    assert stunting_counts(other) == "–"
    assert "&lt;5" in other
    assert lists_on(client, OTHER) == []
    # The same for the province, the department and the country, and for an anonymous visitor.
    for code in (OWN[:4], "05", ""):
        assert lists_on(client, code) == []
        assert stunting_counts(page(client, code)) == "–"
    client.logout()
    assert stunting_counts(page(client, OTHER)) == "–"


def test_every_list_a_page_links_to_answers(population, client, make_user):
    refresh(AS_OF, "", PERU)
    for name, scope in (("sanitaria", OWN), ("gestora", "05"), ("nacional", "PE")):
        client.force_login(make_user(name, "program_manager", scope))
        links = [link for code in ("", "05", OWN[:4], OTHER[:4], OWN, OTHER)
                 for link in lists_on(client, code)]  # fmt: skip
        assert links, name
        for link in links:
            assert client.get(link).status_code == 200, (name, link)
        client.logout()
