"""Reading event files with the padrón's reader (CSV/XLSX, UTF-8/Latin-1, BOM, ``,`` ``;`` tab,
chunks) and the event columns' names instead of the padrón's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from crecer.health.columns import column_for
from crecer.registry.reading import Table, UnreadableFile, read_chunks


def read_event_chunks(path: Path, rows: int | None = None) -> Iterator[Table]:
    """The event file in tables of at most ``rows`` rows (at least one table, maybe empty).

    Raises :class:`UnreadableFile` on the first ``next()`` when the file cannot be read or no
    header is an event column."""
    return read_chunks(path, rows, column_names=_column_names)


def _column_names(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        name = column_for(title)
        if name:
            positions.setdefault(name, index)
    if "date" not in positions:
        raise UnreadableFile(
            "no attention date column in the header; expected HIS-MINSA headers "
            "(Fecha_Atencion, Numero_Documento_Paciente, Codigo_Item…) or Crecer's "
            "(date, dni, code…)"
        )
    return positions
