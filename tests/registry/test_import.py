"""Importing padrón files as municipalities have them. Every test checks that the counts add up:
each row read is stored (created, updated, unchanged) or quarantined."""

import os  # noqa: F401 (read by a skipif condition)
from datetime import date
from io import StringIO
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook

from crecer.ingest.columns import UnreadableFile
from crecer.ingest.models import ImportRun
from crecer.ingest.reading import is_plain
from crecer.ingest.reading import read_table as read_any_table
from crecer.registry.columns import PADRON_COLUMNS
from crecer.registry.importer import import_padron
from crecer.registry.models import Child
from crecer.territory.models import PopulatedCenter

from .factories import HEADERS, child_row, write_padron

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 28)


def read_table(path):
    return read_any_table(path, PADRON_COLUMNS)


def run_import(path, **kwargs) -> ImportRun:
    run = import_padron(path, today=TODAY, **kwargs)
    assert run.created + run.updated + run.unchanged + run.quarantined == run.rows_read
    assert run.quarantined == run.quarantined_rows.count()
    return run


def reasons_by_line(run: ImportRun) -> dict[int, list[str]]:
    with translation.override("en"):
        return {row.line: row.described_reasons() for row in run.quarantined_rows.all()}


@pytest.fixture
def center():
    return PopulatedCenter.objects.create(
        code="0504030001", district_id="050403", name="HUAMANGUILLA"
    )


def test_every_kind_of_bad_row_is_quarantined_with_its_reasons(tmp_path, center):
    existing = Child.objects.create(
        dni="70000001",
        cnv="1000999999",
        given_names="ANA",
        paternal_surname="MAMANI",
        sex="2",
        birth_date=date(2023, 1, 1),
        district_id="050403",
    )
    rows = [
        child_row(),  # 2: good
        child_row(dni="", cnv="", given_names=""),  # 3: no identifier, no given names
        child_row(dni="7123456", cnv="12AB"),  # 4: bad DNI and CNV
        child_row(dni="71234568", cnv="", birth_date="01/01/2027"),  # 5: future birth date
        child_row(dni="71234569", cnv="", birth_date="27/11/2020"),  # 6: 6 years old on TODAY
        child_row(dni="71234570", cnv="", ubigeo="059999"),  # 7: unknown ubigeo
        child_row(dni="71234571", cnv="", populated_center_code="0504030999"),  # 8: unknown center
        child_row(cnv="1000123457"),  # 9: same DNI as line 2
        child_row(dni="70000001", cnv="1000555555"),  # 10: child 70000001 has another CNV
        child_row(dni="71234572", cnv="", sex="X", birth_date="31/02/2024"),  # 11: bad sex, date
        child_row(dni="71234573", cnv="", populated_center_code="0504030001"),  # 12: good
    ]
    run = run_import(write_padron(tmp_path / "padron.csv", rows))
    reasons = reasons_by_line(run)
    assert reasons == {
        3: [
            "no identifier: DNI, CUI, CNV or registry code is required",
            "missing mandatory field: given names",
        ],
        4: ["DNI '7123456' must be 8 digits", "CNV '12AB' must be 6 to 12 digits"],
        5: ["birth date is in the future"],
        6: ["birth date is over 6 years ago: not a child of the registry"],
        7: ["unknown ubigeo 059999"],
        8: ["unknown populated center 0504030999"],
        9: ["duplicate inside the file: same DNI as line 2"],
        10: [
            f"conflict with existing child #{existing.pk}: it has CNV 1000999999, "
            "the file says 1000555555"
        ],
        11: ["sex 'X' is not 1 (male) or 2 (female)", "birth date '31/02/2024' is not a date"],
    }
    assert (run.rows_read, run.created, run.quarantined) == (11, 2, 9)
    stored = Child.objects.get(dni="71234573")
    assert stored.populated_center_id == "0504030001"
    # The raw values of a quarantined row are kept as they were in the file.
    assert run.quarantined_rows.get(line=7).raw["Ubigeo"] == "059999"


def test_latin1_semicolons_and_spanish_dates(tmp_path):
    path = write_padron(
        tmp_path / "padron.csv",
        [
            child_row(
                paternal_surname="ÑAHUI", given_names="José Ángel", birth_date="05/06/2025", sex="1"
            )
        ],
        delimiter=";",
        encoding="latin-1",
    )
    run = run_import(path)
    assert (run.created, run.encoding, run.delimiter) == (1, "cp1252", ";")
    child = Child.objects.get()
    # Names are kept as the file writes them (issue 19); search reads the folded copy.
    assert (child.paternal_surname, child.given_names) == ("ÑAHUI", "José Ángel")
    assert "JOSE ANGEL" in child.search_name
    assert child.birth_date == date(2025, 6, 5)
    assert child.search_name == "NAHUI HUAMAN JOSE ANGEL"
    assert child.program_list == ["4"]
    assert child.found is True
    # The file gives the mother's number without its type: a number alone is a DNI.
    assert (child.mother_document_type, child.mother_document_number) == ("DNI", "41234567")
    assert child.mother_name == "ROSA"


def test_utf8_bom_commas_and_iso_dates(tmp_path):
    path = write_padron(
        tmp_path / "padron.csv",
        [child_row(birth_date="2024-03-15", programs="4, 7")],
        delimiter=",",
        bom=True,
    )
    run = run_import(path)
    assert run.encoding == "utf-8-sig"
    child = Child.objects.get()
    assert child.birth_date == date(2024, 3, 15)
    assert child.programs == "4,7"
    assert child.maternal_surname == "HUAMÁN"


def test_reimport_changes_nothing(tmp_path):
    path = write_padron(tmp_path / "padron.csv", [child_row(), child_row(dni="71234599", cnv="")])
    first = run_import(path)
    history_rows = Child.history.count()
    again = run_import(path)
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert Child.history.count() == history_rows


def test_an_update_is_kept_in_history(tmp_path, django_user_model):
    user = django_user_model.objects.create_user("registrador")
    run_import(write_padron(tmp_path / "enero.csv", [child_row()]))
    run = run_import(
        write_padron(tmp_path / "febrero.csv", [child_row(address="Av. Ayacucho 456")]),
        user=user,
    )
    assert (run.updated, run.unchanged) == (1, 0)
    child = Child.objects.get()
    assert child.address == "Av. Ayacucho 456"
    latest, first = child.history.order_by("-history_date", "-pk")[:2]
    delta = latest.diff_against(first)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("address", "Jr. Lima 123", "Av. Ayacucho 456")
    ]
    assert latest.history_change_reason == "import febrero.csv"
    assert latest.history_user == user


def test_import_never_erases_an_identifier(tmp_path):
    run_import(write_padron(tmp_path / "a.csv", [child_row()]))
    run = run_import(write_padron(tmp_path / "b.csv", [child_row(cnv="")]))
    assert run.unchanged == 1
    assert Child.objects.get().cnv == "1000123456"


def test_xlsx_file(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS.values()))
    row = child_row()
    values = [row[name] for name in HEADERS]
    values[list(HEADERS).index("birth_date")] = date(2024, 3, 15)  # a real Excel date cell
    values[list(HEADERS).index("dni")] = 71234567  # a number cell
    sheet.append(values)
    path = tmp_path / "padron.xlsx"
    workbook.save(path)
    run = run_import(path)
    assert run.created == 1
    assert Child.objects.get().birth_date == date(2024, 3, 15)


def test_a_file_without_known_columns_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("foo;bar\n1;2\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="no known column"):
        import_padron(path, today=TODAY)
    assert not ImportRun.objects.exists()


def test_rows_with_wrong_number_of_fields(tmp_path):
    path = write_padron(tmp_path / "p.csv", [child_row()])
    path.write_bytes(path.read_bytes() + b"71234599;1000000001;QUISPE\r\n")
    run = run_import(path)
    assert reasons_by_line(run)[3][0] == "has 3 fields, the header has 16"


def test_the_command_prints_counts_and_reasons(tmp_path):
    path = write_padron(tmp_path / "padron.csv", [child_row(), child_row(ubigeo="999999")])
    out = StringIO()
    with translation.override("en"):
        call_command(
            "import",
            "padron",
            str(path),
            "--report",
            str(tmp_path / "q.csv"),
            stdout=out,
            stderr=StringIO(),
        )
    printed = out.getvalue()
    assert "2 rows read = 1 created + 0 updated + 0 unchanged + 1 quarantined" in printed
    assert "line 3: unknown ubigeo 999999" in printed
    assert "unknown ubigeo 999999" in (tmp_path / "q.csv").read_text("utf-8")


def test_reasons_are_stored_as_codes_and_shown_in_spanish(tmp_path):
    run = run_import(write_padron(tmp_path / "p.csv", [child_row(ubigeo="999999", sex="X")]))
    stored = run.quarantined_rows.get().reasons
    assert [reason.split("\x1f")[0] for reason in stored] == ["sex", "unknown_ubigeo"]
    with translation.override("es"):
        assert run.quarantined_rows.get().described_reasons() == [
            "sexo 'X' no es 1 (masculino) ni 2 (femenino)",
            "ubigeo desconocido 999999",
        ]


def test_chunks_give_the_same_result_as_one_pass(tmp_path, monkeypatch):
    """A file is processed a few rows at a time (bounded memory); duplicates and repeated
    updates across chunks are caught as within one."""
    existing = Child.objects.create(
        dni="70000001",
        cnv="1000999999",
        given_names="ANA",
        paternal_surname="MAMANI",
        sex="2",
        # The rows' birth date: an update by identifier must describe the same child.
        birth_date=date(2024, 3, 15),
        district_id="050403",
    )
    rows = [
        child_row(),  # 2: new
        child_row(dni="71234599", cnv="1000999998"),  # 3: new
        child_row(dni="70000001", cnv="", address="Av. Nueva 9"),  # 4: updates ANA
        child_row(cnv="1000000001"),  # 5: same DNI as line 2 (another chunk)
        child_row(dni="", cnv="1000999999", address="Otra 1"),  # 6: ANA again, by CNV
        child_row(dni="71234598", cnv="", ubigeo="999999"),  # 7: unknown ubigeo
    ]
    path = write_padron(tmp_path / "padron.csv", rows)
    monkeypatch.setattr("crecer.ingest.reading.CHUNK_ROWS", 2)
    run = run_import(path)
    assert (run.rows_read, run.created, run.updated, run.quarantined) == (6, 2, 1, 3)
    assert reasons_by_line(run) == {
        5: ["duplicate inside the file: same DNI as line 2"],
        6: [f"another row of this file (line 4) already updates child #{existing.pk}"],
        7: ["unknown ubigeo 999999"],
    }
    existing.refresh_from_db()
    assert existing.address == "Av. Nueva 9"


def test_large_file_path_reads_all_identifiers_at_once(tmp_path, monkeypatch):
    """Above FETCH_ALL_ABOVE rows the importer reads every child's identifiers in one pass
    (COPY on PostgreSQL); the outcome is the same."""
    monkeypatch.setattr("crecer.registry.importer.FETCH_ALL_ABOVE", 0)
    path = write_padron(tmp_path / "p.csv", [child_row(), child_row(dni="71234599", cnv="")])
    run_import(path)
    again = run_import(
        write_padron(
            tmp_path / "q.csv", [child_row(address="Nueva 1"), child_row(dni="71234599", cnv="")]
        )
    )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert Child.objects.get(dni="71234567").address == "Nueva 1"


def test_large_insert_rebuilds_the_name_index(tmp_path, monkeypatch):
    """On PostgreSQL a large insert drops the trigram index and builds it again afterwards;
    the index is there at the end and search still finds misspelt names."""
    from django.db import connection

    from crecer.registry.search import search_children

    monkeypatch.setattr("crecer.registry.bulk.REBUILD_INDEX_ABOVE", 0)
    run_import(write_padron(tmp_path / "p.csv", [child_row(), child_row(dni="71234599", cnv="")]))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE indexname = 'registry_child_search_name_trgm'"
            )
            assert cursor.fetchone() is not None
    assert len(search_children("quipse maria")) == 2


def _schema_objects() -> set[tuple[str, ...]]:
    """Indexes and constraints of the child and history tables, with their definitions."""
    from django.db import connection

    tables = [Child._meta.db_table, Child.history.model._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = ANY(%s::regclass[]) UNION ALL "
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
                [tables, tables],
            )
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name IN (%s, %s)", tables)
        return set(cursor.fetchall())


def test_large_first_load_restores_every_index_and_constraint(tmp_path, monkeypatch):
    """A large load into a small registry drops the secondary indexes and builds them again
    before committing: the same indexes and constraints are there after."""
    before = _schema_objects()
    monkeypatch.setattr("crecer.registry.bulk.REBUILD_INDEX_ABOVE", 0)
    run = run_import(
        write_padron(tmp_path / "p.csv", [child_row(), child_row(dni="71234599", cnv="")])
    )
    assert run.created == 2
    assert _schema_objects() == before
    assert Child.objects.filter(dni="71234599").exists()
    assert Child.history.filter(dni="71234599").count() == 1


def test_large_insert_into_a_larger_registry_rebuilds_only_the_name_index(tmp_path, monkeypatch):
    """Into a registry more than four times larger than the load, the other indexes stay: only
    the trigram index (PostgreSQL) is dropped around the insert and built again after it."""
    from django.db import connection

    from crecer.registry import bulk
    from crecer.registry.search import search_children

    def trigram_present() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [bulk.TRIGRAM_INDEX])
            return cursor.fetchone() is not None

    before = _schema_objects()
    monkeypatch.setattr("crecer.registry.bulk.REBUILD_INDEX_ABOVE", 0)
    monkeypatch.setattr("crecer.registry.bulk._row_estimate", lambda: 10**9)
    indexes = bulk.indexes_suspended(readers_first=False)  # as the demo generator loads
    indexes.suspend(2)
    assert indexes.rebuild == []  # no first-load suspension
    with indexes.around_insert(2):
        if connection.vendor == "postgresql":
            assert not trigram_present()
            assert len(_schema_objects()) == len(before) - 1
        else:
            assert _schema_objects() == before
    assert _schema_objects() == before
    run = run_import(
        write_padron(tmp_path / "p.csv", [child_row(), child_row(dni="71234599", cnv="")])
    )
    assert run.created == 2
    assert _schema_objects() == before
    assert len(search_children("quipse maria")) == 2


def table_as_lists(table) -> dict:
    """A table's content as plain values, to compare the two reading paths."""
    return {
        "header": table.header,
        "columns": {name: column.to_list() for name, column in table.columns.items()},
        "lines": table.lines.to_list(),
        "problems": table.problems.to_list(),
        "cells": [table.cells[i] for i in range(len(table))],
        "raw": [table.raw(i) for i in range(len(table))],
        "format": (table.encoding, table.delimiter, table.unknown_headers),
    }


def read_both_ways(path) -> tuple[dict, dict]:
    """The table read by Polars (a file without quotes) and by the csv module."""
    plain = table_as_lists(read_table(path))
    with patch("crecer.ingest.reading.is_plain", return_value=False):
        by_csv = table_as_lists(read_table(path))
    return plain, by_csv


def test_line_numbers_count_blank_lines_and_crlf(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(
        b"DNI;Nombres;Ubigeo\r\n"
        b"71234567;ANA;050403\r\n"
        b"\r\n"  # 3: blank
        b" ; \t;\r\n"  # 4: only spaces and delimiters: blank too
        b"71234568;LUZ;050403\n"  # 5: LF only
        b"\n"
        b"71234569;ROSA;050403"  # 7: no line end
    )
    plain, by_csv = read_both_ways(path)
    assert plain == by_csv
    assert plain["lines"] == [2, 5, 7]
    assert plain["columns"]["given_names"] == ["ANA", "LUZ", "ROSA"]


def test_ragged_rows_both_ways_keep_their_raw_cells(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "DNI;Nombres;Ubigeo\n71234567;ANA\n71234568;LUZ;050403;X;Y\n71234569;ROSA;050403\n",
        encoding="utf-8",
    )
    plain, by_csv = read_both_ways(path)
    assert plain == by_csv
    assert plain["columns"]["ubigeo"] == ["", "050403", "050403"]
    run = run_import(path)  # every row lacks mandatory columns: only the first reason matters
    assert run.rows_read == 3
    assert reasons_by_line(run)[2][0] == "has 2 fields, the header has 3"
    assert reasons_by_line(run)[3][0] == "has 5 fields, the header has 3"
    assert run.quarantined_rows.get(line=2).raw == {"DNI": "71234567", "Nombres": "ANA"}
    assert run.quarantined_rows.get(line=3).raw == {
        "DNI": "71234568",
        "Nombres": "LUZ",
        "Ubigeo": "050403",
        "(extra)": "X;Y",
    }


def test_quoted_fields_fall_back_to_the_csv_module(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        'DNI;Nombres;Descripción\n71234567;ANA;"Jr. Lima; 2do piso\nal fondo"\n71234568;"LUZ";x\n',
        encoding="utf-8",
    )
    table = read_table(path)
    assert not is_plain(path.read_text("utf-8"))
    assert table.lines.to_list() == [2, 4]  # the quoted line break is inside line 2's record
    assert table.columns["address"].to_list() == ["Jr. Lima; 2do piso\nal fondo", "x"]
    assert table.columns["given_names"].to_list() == ["ANA", "LUZ"]
    assert table.problems.to_list() == [None, None]


def test_latin1_file_read_without_quotes(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("DNI\tApellido paterno\tNombres\n71234567\tÑAHUI\tJosé\x00\n".encode("cp1252"))
    plain, by_csv = read_both_ways(path)
    assert plain == by_csv
    assert plain["format"][:2] == ("cp1252", "\t")
    assert plain["columns"]["paternal_surname"] == ["ÑAHUI"]
    assert plain["columns"]["given_names"] == ["José\ufffd"]  # NUL is kept visible


def test_a_file_read_in_small_blocks_gives_the_same_table(tmp_path, monkeypatch):
    """The reader never holds the whole file: blocks of a few bytes (cut after line ends) must
    give the table of one block — line numbers across blank lines and CRLF, and an encoding
    decided by the whole file (the only non-UTF-8 byte, Windows-1252's Ñ, is near the end)."""
    from crecer.ingest import reading

    rows = [f"7123456{i};QUISPE;ANA MARIA;050403" for i in range(8)]
    body = "\r\n".join(rows[:4]) + "\r\n\r\n ; ;\n" + "\n".join(rows[4:]) + "\n7999999;ÑAHUI;X"
    path = tmp_path / "p.csv"
    path.write_bytes(("DNI;Apellido paterno;Nombres;Ubigeo\r\n" + body).encode("cp1252"))
    whole = table_as_lists(read_table(path))
    monkeypatch.setattr(reading, "BLOCK_BYTES", 7)
    in_blocks = table_as_lists(read_table(path))
    with patch("crecer.ingest.reading.is_plain", return_value=False):
        by_csv = table_as_lists(read_table(path))
    assert in_blocks == whole == by_csv
    assert whole["format"][:2] == ("cp1252", ";")
    # Lines 1-5 are the header and 4 rows; 6 is blank, 7 only spaces and delimiters.
    assert whole["lines"] == [2, 3, 4, 5, 8, 9, 10, 11, 12]
    assert whole["columns"]["paternal_surname"][-1] == "ÑAHUI"
    chunks = list(reading.read_chunks(path, PADRON_COLUMNS, rows=4))
    assert [chunk.lines.to_list() for chunk in chunks] == [[2, 3, 4, 5], [8, 9, 10, 11], [12]]


@pytest.mark.skipif(
    "os.environ.get('CRECER_DATABASE_URL', '').startswith('postgres') is False",
    reason="SQLite in WAL mode: readers read the last committed state during an import",
)
def test_readers_are_not_locked_out_by_a_large_import(tmp_path, monkeypatch):
    """During a large import another connection still reads the child table within a second
    (on PostgreSQL, DROP INDEX inside the import's transaction had locked child pages, DNI
    search and the API out for ~44 s)."""
    from django.db import connection

    monkeypatch.setattr("crecer.registry.bulk.REBUILD_INDEX_ABOVE", 0)  # "large"
    reader = connection.get_new_connection(connection.get_connection_params())
    reader.autocommit = True
    reader.execute("SET lock_timeout = '1s'")
    counted = []

    def read_meanwhile(stage: str, done: int, total: int) -> None:
        if stage == "written":
            counted.append(reader.execute("SELECT count(*) FROM registry_child").fetchone()[0])

    path = write_padron(tmp_path / "p.csv", [child_row(), child_row(dni="71234599", cnv="")])
    try:
        run_import(path, progress=read_meanwhile)
    finally:
        reader.close()
    assert counted == [0]  # the import's rows are not committed yet; the read was not blocked
