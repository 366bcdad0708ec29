"""Headers matched by their words, and no column dropped silently: a municipal export that
heads the mother's columns in its own words is read in full; a column no import knows is
named in the run, on screen and by the command, its values kept with each line; the user
imports anyway or stops."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from crecer.ingest.models import ImportRun, UnreadValues
from crecer.registry.columns import PADRON_COLUMNS
from crecer.registry.importer import import_padron
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 28)
CHILD = "71234567;QUISPE;HUAMAN;ROSA;15/03/2024;050403;2"
CHILD_HEADER = "DNI;Apellido paterno;Apellido materno;Nombres;Fecha de nacimiento;Ubigeo;Sexo"


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Madre - Número de documento", "mother_document_number"),  # word order
        ("Numero documento madre", "mother_document_number"),  # "de la" left out
        ("Nro. Doc. Madre", "mother_document_number"),  # abbreviations
        ("N° DNI mamá", "mother_document_number"),
        ("Apellidos paterno madre", "mother_paternal_surname"),  # a plural
        ("Ape. Mat. de la Madre", "mother_maternal_surname"),
        ("Nombres madre", "mother_given_names"),
        ("Grado instrucción madre", "mother_education"),
        ("Lengua habitual madre", "mother_language"),
        ("Fec. Nac.", "birth_date"),
        ("Nombres", "given_names"),  # still the child's, not the mother's
    ],
)
def test_headers_are_matched_by_their_words(header, name):
    assert PADRON_COLUMNS.name_for(header) == name


def test_a_variant_export_keeps_every_mothers_field(tmp_path):
    path = tmp_path / "padron.csv"
    header = CHILD_HEADER + ";Numero documento madre;Nombres madre;Grado instruccion madre"
    path.write_text(f"{header}\n{CHILD};41234567;JUANA;5\n", encoding="utf-8")
    run = import_padron(path, today=TODAY)
    assert (run.created, run.ignored_columns) == (1, [])
    child = Child.objects.get()
    assert (child.mother_document_number, child.mother_given_names) == ("41234567", "JUANA")
    assert child.mother_education


def unknown_file(tmp_path):
    path = tmp_path / "padron.csv"
    rows = [f"{CHILD};azul;", "71234568;QUISPE;HUAMAN;LUZ;15/03/2024;050403;2;;x"]
    path.write_text("\n".join([CHILD_HEADER + ";Color favorito;", *rows]) + "\n", "utf-8")
    return path


def test_unknown_columns_are_named_and_their_values_kept(tmp_path):
    run = import_padron(unknown_file(tmp_path), today=TODAY)
    assert run.created == 2
    # The blank-titled last column is named by its position, once a line has a value in it.
    assert run.ignored_columns == ["Color favorito", "column 9"]
    kept = dict(UnreadValues.objects.filter(run=run).values_list("line", "values"))
    assert kept == {2: {"Color favorito": "azul"}, 3: {"column 9": "x"}}


def test_the_command_stops_on_unknown_columns_unless_told(tmp_path):
    path = unknown_file(tmp_path)
    with pytest.raises(CommandError, match="columns not recognised: Color favorito"):
        call_command("import", "padron", str(path), stdout=StringIO())
    assert not ImportRun.objects.exists()
    out = StringIO()
    call_command("import", "padron", str(path), "--ignore-unknown-columns", stdout=out)
    assert "columns not imported: Color favorito" in out.getvalue()
    assert Child.objects.count() == 2


@pytest.fixture
def officer(client, make_user):
    user = make_user("registrador", "registry_officer", "PE")
    client.force_login(user)
    return user


def test_the_upload_page_asks_before_importing_unknown_columns(client, officer, tmp_path):
    path = unknown_file(tmp_path)
    with path.open("rb") as handle:
        response = client.post(reverse("registry:import"), {"file": handle})
    assert response.status_code == 200
    assert "Color favorito" in response.content.decode()
    assert not ImportRun.objects.exists()
    with path.open("rb") as handle:
        response = client.post(
            reverse("registry:import"), {"file": handle, "import_unknown_columns": "on"}
        )
    report = client.get(response["Location"]).content.decode()
    assert "Color favorito" in report
    assert Child.objects.count() == 2
