"""Random bytes and random CSV shapes: the importer never crashes and never loses a row."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crecer.ingest.columns import UnreadableFile
from crecer.registry.importer import import_padron

from .factories import HEADERS
from .test_import import read_both_ways

pytestmark = pytest.mark.django_db(transaction=False)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check(path) -> None:
    try:
        run = import_padron(path, today=date(2026, 11, 28))
    except UnreadableFile:
        return
    assert run.created + run.updated + run.unchanged + run.quarantined == run.rows_read


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes(tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    check(path)


cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "71234567",
            "050403",
            "15/03/2024",
            "2024-03-15",
            "1",
            "2",
            "SI",
            "0",
            "4,7",
            "ÑAHUI",
            "31/02/2024",
            "99999999999999",
        ]
    ),
)


@SETTINGS
@given(
    header=st.lists(st.sampled_from([*HEADERS.values(), "extra", ""]), min_size=1, max_size=18),
    rows=st.lists(st.lists(cells, max_size=20), max_size=15),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "latin-1"]),
)
def test_random_csv_shapes(tmp_path, header, rows, delimiter, encoding):
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    path = tmp_path / "shape.csv"
    path.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
    check(path)


# Cells and line ends that a file without quotes can hold: blanks of every kind (Python's
# whitespace includes \x1c-\x1f, Polars' does not), non-ASCII letters, stray delimiters.
plain_cells = st.text(alphabet=" \t\x1c\u3000aÑ1;,|", max_size=6)
line_ends = st.sampled_from(["\n", "\r\n"])


@SETTINGS
@given(
    lines=st.lists(st.tuples(st.lists(plain_cells, max_size=5), line_ends), min_size=1),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    final_end=st.booleans(),
)
def test_polars_and_csv_paths_read_the_same_table(tmp_path, lines, delimiter, encoding, final_end):
    """Files without quotes are read by Polars; the csv module must read them the same."""
    header = delimiter.join(["DNI", "Nombres", "extra"])
    text = header + "\n" + "".join(delimiter.join(cells) + end for cells, end in lines)
    path = tmp_path / "plain.csv"
    text = text if final_end else text.rstrip("\r\n")
    path.write_bytes(text.encode(encoding, errors="replace"))
    plain, by_csv = read_both_ways(path)
    assert plain == by_csv
