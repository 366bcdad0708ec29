"""Writing a generated population to files (Polars does the writing).

- ``padron.csv``: the Padrón export (``;``, ``DD/MM/AAAA``, Spanish headers), faults included.
- ``children.parquet``: every generated column of every child (the truth behind the export).
- ``services``, ``growth``, ``hemoglobin`` as ``.parquet`` and ``.csv`` (``;``, ISO dates),
  keyed by the child's identifiers as a HIS-MINSA extract would be. Columns:

  ===================  =======================================================================
  all three            ``padron_code``, ``dni``, ``cui``, ``cnv`` (the child; empty when
                       absent), ``date`` (attention date), ``facility`` (RENIPRESS code, empty
                       when no facility of the district is loaded)
  services             ``code`` (HIS code: 99381 CRED, 85018 Hb, 90722 pentavalent, 99199.17
                       iron, 99199.19 MMN…), ``lab`` (dose label, or the Hb value for 85018),
                       ``requirement`` (the profile's schedule requirement it answers)
  growth               ``weight_kg``, ``length_cm`` (as measured), ``measure`` (``l`` lying,
                       ``h`` standing), ``oedema`` (bool)
  hemoglobin           ``hb_observed`` (g/dL, before adjustment), ``altitude_m`` (used for the
                       adjustment), ``altitude_source`` (``center``, ``district``, ``unknown``)
  ===================  =======================================================================

- With linkage material (``--duplicates``, ``--twins``, ``--outside-lists``; see
  :mod:`crecer.demo.linkage`): ``cnv.csv``, ``sis.csv``, ``juntos.csv``, ``cuna_mas.csv`` (``;``,
  UTF-8, the headers of :mod:`crecer.linkage.sources`, dates ``DD/MM/AAAA``) and
  ``linkage_truth.parquet`` (``source``, ``key``, ``person``, ``errors``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from crecer.demo.export import with_headers
from crecer.demo.generator import Population
from crecer.demo.linkage import TRUTH_SCHEMA

KEYS = ["padron_code", "dni", "cui", "cnv"]
EVENT_FILES = ("services", "growth", "hemoglobin")


def write_padron(rows: pl.DataFrame, path: Path) -> None:
    with_headers(rows).write_csv(path, separator=";", quote_style="necessary")


def keyed(population: Population, name: str) -> pl.DataFrame:
    """An event frame with the child's identifiers in place of Crecer's running number."""
    frame = getattr(population, name).drop("gross_error", strict=False)
    keys = population.children.select("child", *KEYS)
    joined = keys.join(frame, on="child", how="inner").drop("child")
    return joined.with_columns(pl.col(pl.String).replace("", None))  # empty, not "", in CSV


class Writer:
    """Appends department chunks to Parquet and CSV files in ``folder`` (one file per kind)."""

    def __init__(self, folder: Path, csv_events: bool = True) -> None:
        self.folder = folder
        self.csv_events = csv_events
        folder.mkdir(parents=True, exist_ok=True)
        self.parts: dict[str, list[Path]] = {}

    def add(self, population: Population, chunk: str) -> None:
        children = population.children
        self._part("children", children, chunk)
        for name in EVENT_FILES:
            self._part(name, keyed(population, name), chunk)

    def _part(self, name: str, frame: pl.DataFrame, chunk: str) -> None:
        path = self.folder / f".{name}.{chunk}.parquet"
        frame.write_parquet(path)
        self.parts.setdefault(name, []).append(path)

    def finish(self) -> list[Path]:
        """Join the chunks into one Parquet (and CSV) per kind; return the files written."""
        written = []
        for name, parts in self.parts.items():
            target = self.folder / f"{name}.parquet"
            pl.scan_parquet(parts).sink_parquet(target)
            written.append(target)
            if self.csv_events and name in EVENT_FILES:
                csv = self.folder / f"{name}.csv"
                pl.scan_parquet(parts).sink_csv(csv, separator=";")
                written.append(csv)
            for part in parts:
                part.unlink()
        return written


class LinkageWriter:
    """Appends each chunk's outside lists to their CSV files and its truth to Parquet parts,
    joined into ``linkage_truth.parquet`` at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.lists: list[Path] = []
        self.parts: list[Path] = []

    def add(self, lists: dict[str, pl.DataFrame], truth: pl.DataFrame, chunk: str) -> None:
        for source_id, rows in lists.items():
            path = self.folder / f"{source_id}.csv"
            first = path not in self.lists
            text = rows.write_csv(separator=";", quote_style="necessary", include_header=first)
            with path.open("w" if first else "a", encoding="utf-8", newline="") as file:
                file.write(text)
            if first:
                self.lists.append(path)
        part = self.folder / f".linkage_truth.{chunk}.parquet"
        truth.write_parquet(part)
        self.parts.append(part)

    def finish(self) -> list[Path]:
        """Join the truth's parts; return the files written."""
        target = self.folder / "linkage_truth.parquet"
        if self.parts:
            pl.scan_parquet(self.parts).sink_parquet(target)
        else:
            pl.DataFrame(schema=TRUTH_SCHEMA).write_parquet(target)
        for part in self.parts:
            part.unlink()
        return [*self.lists, target]
