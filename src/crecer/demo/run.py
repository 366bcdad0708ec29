"""One generation, from the territory in the database to files, the database and a manifest.
Used by ``crecer generate``, ``crecer demo`` and the benchmark."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from crecer.demo import database, export, faults, generator, inputs, manifest, population
from crecer.demo.files import Writer
from crecer.norms.model import Profile

Say = Callable[[str], None]


@dataclass
class Options:
    scope: str = "05"
    seed: int = 1
    factor: float = 1.0
    as_of: date = field(default_factory=date.today)
    out: Path | None = None
    fault_rate: float = 0.0
    into_db: bool = False
    csv_events: bool = True


def territory(
    scope: str,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, list[str], pl.DataFrame]:
    """Districts of the scope (prepared), centers, facilities, the attributes that took a
    default, and the whole country's districts (prepared): identifiers are laid out on the
    national list, so that populations of different scopes never share one."""
    raw = inputs.districts("PE")
    scoped = raw if scope.upper() == "PE" else raw.filter(pl.col("ubigeo").str.starts_with(scope))
    if scoped.is_empty():
        raise ValueError(f"no district in scope {scope!r}")
    national, _ = population.prepare_districts(raw)
    scoped, used = population.prepare_districts(scoped)
    return scoped, inputs.centers(scope), inputs.facilities(scope), used, national


def generate(options: Options, profile: Profile, say: Say = print) -> dict:
    """Generate, write what ``options`` asks, and return the manifest (also written to
    ``out/manifest.json`` when there is an output folder)."""
    districts, centers, facilities, used, national = territory(options.scope)
    offsets = _offsets(national, options.factor)
    run = None
    if options.into_db:
        run = database.start_run(options.scope, options.seed, options.factor)
    writer = Writer(options.out, options.csv_events) if options.out else None
    padron = _Padron(options, frozenset(centers["code"].to_list())) if options.out else None
    counts: manifest.Tally = {}
    for part in generator.generate(
        districts,
        centers,
        facilities,
        profile=profile,
        seed=options.seed,
        factor=options.factor,
        as_of=options.as_of,
        offsets=offsets,
    ):
        department = part.children["department"][0] if part.children.height else "--"
        counts = manifest.add(counts, manifest.tally(part, profile, options.as_of))
        if writer and padron:
            writer.add(part, department)
            padron.add(part)
        if run is not None:
            database.write(part, run)
        say(f"{department}: {part.children.height:,} children, {part.services.height:,} services")
    fault_list = None
    if writer and padron:
        writer.finish()
        fault_list = padron.finish()
    result = manifest.build(
        seed=options.seed,
        scope=options.scope,
        factor=options.factor,
        as_of=options.as_of,
        counts=counts,
        defaults_used=used,
        faults=fault_list,
    )
    if options.out:
        (options.out / "manifest.json").write_text(
            json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8"
        )
    return result


def _offsets(national: pl.DataFrame, factor: float) -> dict[str, int]:
    counts = population.child_counts(national, factor)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    return dict(zip(national["ubigeo"].to_list(), starts.tolist(), strict=True))


class _Padron:
    """The export file, written chunk by chunk with its faults; copies go at the end."""

    def __init__(self, options: Options, centers: frozenset[str]) -> None:
        assert options.out is not None
        self.options = options
        self.centers = centers
        self.path = options.out / "padron.csv"
        self.rng = np.random.default_rng([options.seed, 999])  # faults' own stream
        self.line = faults.FIRST_LINE
        self.expected: list[dict] = []
        self.copies: list[pl.DataFrame] = []
        self.copy_reasons: list[list[list[str]]] = []
        options.out.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("w", encoding="utf-8", newline="")

    def add(self, part: generator.Population) -> None:
        rows = export.padron_rows(part.children)
        injected = faults.inject(
            rows,
            rng=self.rng,
            rate=self.options.fault_rate,
            as_of=self.options.as_of,
            centers=self.centers,
            first_line=self.line,
        )
        self._write(injected.rows)
        self.expected += injected.expected
        self.copies.append(injected.copies)
        self.copy_reasons += injected.copy_reasons

    def _write(self, rows: pl.DataFrame) -> None:
        header = self.line == faults.FIRST_LINE
        # An empty field is written empty, not as "", as exports have it.
        text = export.with_headers(rows.with_columns(pl.all().replace("", None))).write_csv(
            separator=";", quote_style="necessary", include_header=header
        )
        self.file.write(text)
        self.line += rows.height

    def finish(self) -> dict:
        first = self.line
        if self.copies:
            self._write(pl.concat(self.copies))
        self.file.close()
        expected = self.expected + faults.copies_expected(self.copy_reasons, first)
        return {
            "file": self.path.name,
            "rate": self.options.fault_rate,
            "rows": self.line - faults.FIRST_LINE,
            "quarantined": len(expected),
            "by_fault": _by_fault(expected),
            "lines": expected,
        }


def _by_fault(expected: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for entry in expected:
        out[entry["fault"]] = out.get(entry["fault"], 0) + 1
    return dict(sorted(out.items()))
