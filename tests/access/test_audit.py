"""The access log: a view, a search, a list and an export are recorded; an auditor answers
"who looked at this child's record"; others cannot read the log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crecer.access.models import AccessLog, Action

pytestmark = pytest.mark.django_db


def test_a_view_and_an_export_are_logged(client, make_user, child):
    nurse = make_user("enfermera", "registry_officer", "050403")
    client.force_login(nurse)
    client.get(reverse("registry:child", args=[child.pk]), REMOTE_ADDR="10.0.0.7")
    client.get(reverse("registry:export"), {"code": "0504", "format": "xlsx"})
    view, export = AccessLog.objects.order_by("at", "id")
    assert (view.username, view.action, view.ip_address) == ("enfermera", Action.VIEW, "10.0.0.7")
    assert list(view.children.values_list("child_id", flat=True)) == [child.pk]
    assert export.action == Action.EXPORT
    assert export.filter == {"code": "0504", "format": "xlsx"}
    assert (export.territory_code, export.row_count) == ("0504", 1)


def test_search_results_and_api_reads_are_logged(client, make_user, child):
    officer = make_user("registrador", "registry_officer", "05")
    client.force_login(officer)
    client.get(reverse("registry:search"), {"q": "quispe maria"})
    client.get(f"/api/children/{child.pk}")
    search, api_view = AccessLog.objects.order_by("at", "id")
    assert search.action == Action.SEARCH
    assert search.filter == {"q": "quispe maria"}
    assert list(search.children.values_list("child_id", flat=True)) == [child.pk]
    assert (api_view.action, api_view.via_api) == (Action.VIEW, True)


def test_the_auditor_sees_who_looked_at_a_child(client, make_user, child):
    for name, scope in (("ana", "050403"), ("beto", "05")):
        client.force_login(make_user(name, "registry_officer", scope))
        client.get(reverse("registry:child", args=[child.pk]))
    client.force_login(make_user("carla", "program_manager", "0504"))
    client.get(reverse("registry:export"), {"code": "0504", "format": "csv"})
    client.force_login(make_user("auditora", "auditor", "05"))
    page = client.get(reverse("access:log"), {"child": child.pk})
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("ana", "beto", "carla"):
        assert f"<td>{name}</td>" in text
    assert [row.username for row in page.context["page"]] == ["carla", "beto", "ana"]


def test_an_auditor_of_another_region_cannot_read_about_the_child(client, make_user, child):
    client.force_login(make_user("auditor_lima", "auditor", "15"))
    assert client.get(reverse("access:log"), {"child": child.pk}).status_code == 404


def test_only_auditors_read_the_log(client, make_user):
    client.force_login(make_user("registrador", "registry_officer", "05"))
    assert client.get(reverse("access:log")).status_code == 403
