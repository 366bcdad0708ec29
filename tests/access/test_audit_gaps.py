"""Issue 19, audit gaps: the edit form and an import's quarantine (report page and CSV) are in
the access log, and "who looked at this record" counts every export of a territory holding
the child, also for an auditor of the child's district."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crecer.access import audit
from crecer.access.models import AccessLog, Action
from crecer.access.policy import Can
from crecer.registry.importer import import_padron
from crecer.registry.models import Child
from tests.registry.factories import child_row, write_padron

pytestmark = pytest.mark.django_db


def shown_in(log: AccessLog) -> list[int]:
    return list(log.children.values_list("child_id", flat=True))


def test_the_edit_form_shows_the_record_and_is_logged(client, make_user, child):
    client.force_login(make_user("registrador", "registry_officer", "050403"))
    page = client.get(reverse("registry:edit", args=[child.pk]))
    assert page.status_code == 200
    (log,) = AccessLog.objects.all()
    assert (log.action, log.filter, shown_in(log)) == (Action.VIEW, {"form": "edit"}, [child.pk])


def test_saving_the_edit_form_is_logged_as_an_edit_of_the_child(client, make_user, child):
    client.force_login(make_user("registrador", "registry_officer", "050403"))
    data = {
        "dni": child.dni,
        "paternal_surname": child.paternal_surname,
        "maternal_surname": child.maternal_surname,
        "given_names": child.given_names,
        "sex": child.sex,
        "birth_date": child.birth_date.isoformat(),
        "district": child.district_id,
        "address": "Jr. Nuevo 4",
        "change_reason": "visita domiciliaria",
    }
    response = client.post(reverse("registry:edit", args=[child.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    (log,) = AccessLog.objects.all()
    assert (log.action, log.username, shown_in(log)) == (Action.EDIT, "registrador", [child.pk])


def test_the_access_log_is_indexed_by_territory():
    """The auditor's "who looked at this record" filters exports by territory code."""
    from django.db import connection

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, AccessLog._meta.db_table)
    indexed = [spec["columns"] for spec in found.values() if spec["index"]]
    assert ["territory_code"] in indexed


def test_an_imports_quarantine_is_logged_on_its_page_and_as_csv(client, make_user, tmp_path):
    officer = make_user("registrador", "registry_officer", "050403")
    rows = [child_row(dni="74000010", cnv="", ubigeo="999999")]  # quarantined: unknown place
    run = import_padron(write_padron(tmp_path / "p.csv", rows), user=officer)
    assert run.quarantined == 1
    client.force_login(officer)
    assert client.get(reverse("registry:import_run", args=[run.pk])).status_code == 200
    assert client.get(reverse("registry:import_run_csv", args=[run.pk])).status_code == 200
    page, csv = AccessLog.objects.order_by("at", "id")
    assert (page.action, csv.action) == (Action.LIST, Action.EXPORT)
    for log in (page, csv):
        assert log.filter[audit.IMPORT_RUN] == run.pk
        assert (log.username, log.row_count, log.territory_code) == ("registrador", 1, "050403")


def test_a_district_auditor_sees_the_province_and_region_exports_holding_the_child(
    client, make_user, child
):
    for name, scope, code in (
        ("carla", "0504", "0504"),  # the child's province
        ("dario", "05", "05"),  # its region
        ("elena", "0501", "0501"),  # another province of the region: not the child's
    ):
        client.force_login(make_user(name, "program_manager", scope))
        export = client.get(reverse("registry:export"), {"code": code, "format": "csv"})
        assert export.status_code == 200
    client.force_login(make_user("auditor_distrito", "auditor", "050403"))
    page = client.get(reverse("access:log"), {"child": child.pk})
    assert page.status_code == 200
    assert [row.username for row in page.context["page"]] == ["dario", "carla"]
    everything = client.get(reverse("access:log"))
    assert {row.username for row in everything.context["page"]} == {"dario", "carla"}


def test_a_national_export_counts_for_the_child_but_a_quarantine_download_does_not(
    rf, make_user, child
):
    manager = make_user("nacional", "program_manager", "PE")
    request = rf.get("/x")
    request.user = manager
    audit.record(request, Action.EXPORT, territory_code="", row_count=100_000)
    audit.record(request, Action.EXPORT, filter={audit.IMPORT_RUN: 7}, row_count=3)
    auditor = make_user("auditor_distrito", "auditor", "050403")
    in_scope = Child.objects.visible_to(auditor, Can.AUDIT)
    found = audit.about_child(auditor, child, in_scope)
    assert [(log.row_count, log.filter) for log in found] == [(100_000, {})]


def test_an_auditor_of_another_district_reads_nothing_about_the_child(make_user, child, rf):
    request = rf.get("/x")
    request.user = make_user("carla", "program_manager", "0504")
    audit.record(request, Action.EXPORT, territory_code="0504", row_count=1)
    auditor = make_user("auditor_otro", "auditor", "050401")
    in_scope = Child.objects.visible_to(auditor, Can.AUDIT)
    assert not audit.about_child(auditor, child, in_scope).exists()
