"""Registry pages through the Django test client, as a logged-in registry officer."""

from datetime import date

import pytest
from django.urls import reverse

from crecer.registry.models import Child

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, make_user):
    user = make_user("registrador", "registry_officer", "PE")
    client.force_login(user)
    return user


@pytest.fixture
def child():
    child = Child(
        dni="71234567",
        paternal_surname="QUISPE",
        maternal_surname="HUAMÁN",
        given_names="MARÍA",
        sex="2",
        birth_date=date(2024, 3, 15),
        district_id="050403",
        address="Jr. Lima 123",
        programs="4,7",
    )
    child._change_reason = "registered"
    child.save()
    return child


def form_data(**overrides):
    data = {
        "dni": "71234569",
        "paternal_surname": "MAMANI",
        "given_names": "ROSA",
        "sex": "2",
        "birth_date": "2024-05-01",
        "district": "050403",
        "change_reason": "",
    }
    return data | overrides


@pytest.mark.parametrize("name", ["registry:search", "registry:add", "registry:import"])
def test_pages_need_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_child_page_is_login_only(client, child):
    response = client.get(reverse("registry:child", args=[child.pk]))
    assert response.status_code == 302


def test_search_finds_a_misspelt_name(client, officer, child):
    response = client.get(reverse("registry:search"), {"q": "quipse maria"})
    assert "1 niño encontrado" in response.content.decode()
    assert reverse("registry:child", args=[child.pk]) in response.content.decode()


def test_child_page_shows_fields_programs_and_history(client, officer, child):
    html = client.get(reverse("registry:child", args=[child.pk])).content.decode()
    assert "QUISPE HUAMÁN, MARÍA" in html
    assert "JUNTOS, Cuna Más – cuidado diurno (SCD)" in html
    assert "Huamanguilla" in html
    assert "registrado" in html  # the history reason, in the reader's language


def test_register_with_validation_messages_in_spanish(client, officer):
    response = client.post(reverse("registry:add"), form_data(dni="123", birth_date="2030-01-01"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "debe tener 8 dígitos" in html
    assert "La fecha de nacimiento está en el futuro." in html
    assert not Child.objects.exists()


def test_register_in_english(client, officer):
    client.get("/?lang=en")
    html = client.post(reverse("registry:add"), form_data(dni="123")).content.decode()
    assert "must be 8 digits" in html


def test_register_and_edit_keeps_history(client, officer):
    response = client.post(reverse("registry:add"), form_data())
    child = Child.objects.get(dni="71234569")
    assert response["Location"] == reverse("registry:child", args=[child.pk])
    # Editing needs a reason, kept in the history with the user and old -> new values.
    edit = reverse("registry:edit", args=[child.pk])
    assert client.post(edit, form_data(address="Av. Nueva 1")).status_code == 200
    client.post(edit, form_data(address="Av. Nueva 1", change_reason="visita domiciliaria"))
    child.refresh_from_db()
    assert child.address == "Av. Nueva 1"
    latest = child.history.order_by("-history_date", "-pk").first()
    assert (latest.history_user, latest.history_change_reason) == (officer, "visita domiciliaria")
    html = client.get(reverse("registry:child", args=[child.pk])).content.decode()
    assert "visita domiciliaria" in html
    assert "Av. Nueva 1" in html


def test_a_reason_longer_than_the_history_keeps_is_refused_not_cut(client, officer, child):
    """django-simple-history's change-reason column holds 100 characters: a longer reason was
    accepted by the form (255) and cut or refused by the database (a 500 on PostgreSQL)."""
    edit = reverse("registry:edit", args=[child.pk])
    data = form_data(dni=child.dni, address="Av. Nueva 1")
    page = client.post(edit, {**data, "change_reason": "x" * 101})
    assert page.status_code == 200  # the form again, with its error
    child.refresh_from_db()
    assert child.address == "Jr. Lima 123"
    client.post(edit, {**data, "change_reason": "y" * 100})
    child.refresh_from_db()
    assert child.address == "Av. Nueva 1"
    assert child.history.order_by("-history_date", "-pk").first().history_change_reason == "y" * 100
    # A deactivation's reason goes after "deactivated: " in the same column.
    deactivate = reverse("registry:deactivate", args=[child.pk])
    client.post(deactivate, {"reason": "z" * 88})
    child.refresh_from_db()
    assert child.record_status == "1"
    client.post(deactivate, {"reason": "z" * 87})
    child.refresh_from_db()
    assert child.history.first().history_change_reason == "deactivated: " + "z" * 87


def test_deactivate_needs_a_reason_and_deletes_nothing(client, officer, child):
    url = reverse("registry:deactivate", args=[child.pk])
    client.post(url, {"reason": ""})
    child.refresh_from_db()
    assert child.record_status == "1"
    client.post(url, {"reason": "registro duplicado"})
    child.refresh_from_db()
    assert (child.record_status, child.deactivation_reason) == ("0", "registro duplicado")
    assert Child.objects.filter(pk=child.pk).exists()
    assert child.history.first().history_change_reason == "deactivated: registro duplicado"


def test_upload_page_imports_and_reports(client, officer, tmp_path):
    from .factories import child_row, write_padron

    path = write_padron(tmp_path / "padron.csv", [child_row(), child_row(ubigeo="999999")])
    with path.open("rb") as handle:
        response = client.post(reverse("registry:import"), {"file": handle})
    report_url = response["Location"]
    html = client.get(report_url).content.decode()
    assert "ubigeo desconocido 999999" in html
    csv_text = client.get(report_url + "quarantine.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "line,reasons,raw"
    assert "ubigeo desconocido 999999" in csv_text


def test_upload_of_an_unreadable_file_says_why(client, officer, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("hello;world\n1;2\n", "utf-8")
    with path.open("rb") as handle:
        response = client.post(reverse("registry:import"), {"file": handle})
    assert response.status_code == 200
    assert "no known column" in response.content.decode()
