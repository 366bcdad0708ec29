"""Issue 19, audit gaps in the admin: its child list, change page and history pages are in the
access log, and an edit there needs a reason, kept in the record's history."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from crecer.access.models import AccessLog, Action
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db


def make_child(dni: str, given: str) -> Child:
    child = Child(
        dni=dni,
        paternal_surname="QUISPE",
        maternal_surname="HUAMÁN",
        given_names=given,
        sex="2",
        birth_date=date(2024, 3, 15),
        district_id="050403",
    )
    child._change_reason = "registered"
    child.save()
    return child


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user("administra", "administrator", "PE")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def logged() -> list[tuple[str, dict, list[int]]]:
    return [
        (log.action, log.filter, sorted(log.children.values_list("child_id", flat=True)))
        for log in AccessLog.objects.order_by("at", "id")
    ]


def change_data(client, child: Child) -> dict[str, str]:
    """What the admin's change form would post back unchanged."""
    form = (
        client.get(reverse("admin:registry_child_change", args=[child.pk]))
        .context["adminform"]
        .form
    )
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else str(value)
    return data


def test_the_admin_list_logs_the_children_on_its_page(admin_client):
    ana, rosa = make_child("71234567", "ANA"), make_child("71234568", "ROSA")
    page = admin_client.get(reverse("admin:registry_child_changelist"), {"q": "quispe"})
    assert page.status_code == 200
    assert logged() == [(Action.LIST, {"admin": "list", "q": "quispe"}, sorted([ana.pk, rosa.pk]))]


def test_the_admin_change_and_history_pages_are_logged(admin_client):
    child = make_child("71234567", "ANA")
    version = child.history.get().history_id
    for url in (
        reverse("admin:registry_child_change", args=[child.pk]),
        reverse("admin:registry_child_history", args=[child.pk]),
        reverse("admin:registry_child_simple_history", args=[child.pk, version]),
    ):
        assert admin_client.get(url).status_code == 200, url
    assert logged() == [
        (Action.VIEW, {"admin": "change"}, [child.pk]),
        (Action.VIEW, {"admin": "history"}, [child.pk]),
        (Action.VIEW, {"admin": "history", "version": str(version)}, [child.pk]),
    ]


def test_an_admin_edit_needs_a_reason_kept_in_the_history(admin_client):
    child = make_child("71234567", "ANA")
    url = reverse("admin:registry_child_change", args=[child.pk])
    data = change_data(admin_client, child) | {"given_names": "ANA LUCÍA"}
    data.pop("change_reason")
    refused = admin_client.post(url, data)
    assert refused.status_code == 200  # the form again, with its error
    assert "change_reason" in refused.context["adminform"].form.errors
    assert child.history.count() == 1
    saved = admin_client.post(url, data | {"change_reason": "corrected from the DNI"})
    assert saved.status_code == 302
    latest = child.history.latest("history_date")
    assert latest.given_names == "ANA LUCÍA"
    assert latest.history_change_reason == "corrected from the DNI (admin)"
    assert latest.history_user.username == "administra"
    assert (Action.EDIT, {"admin": "change"}, [child.pk]) in logged()
