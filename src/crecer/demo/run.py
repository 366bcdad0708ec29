"""One generation, from the territory in the database to files, the database and a manifest.
Used by ``crecer generate``, ``crecer demo`` and the benchmark."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
from django.utils.translation import gettext as _

from crecer.demo import (
    database,
    export,
    faults,
    generator,
    inputs,
    linkage,
    manifest,
    outside_lists,
    population,
    progress,
    record_errors,
)
from crecer.demo.files import LinkageWriter, Writer
from crecer.norms.model import Profile

Say = Callable[[str], None]
# Seconds per child to generate one and write it with its services to the database, for the
# time-left estimate of a first department (later ones use the rate of those before):
# Ayacucho, 70,511 children in 142 s, on the 2-core demo machine shared with three other jobs.
SECONDS_PER_CHILD = 0.002


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
    duplicate_rate: float = 0.0  # registry duplicates, share of children (crecer.demo.linkage)
    twin_rate: float = 0.0
    outside_lists: bool = False

    @property
    def plan(self) -> linkage.Plan:
        return linkage.Plan(self.duplicate_rate, self.twin_rate, self.outside_lists)


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
    plan = options.plan  # checks the rates before anything is written
    districts, centers, facilities, used, national = territory(options.scope)
    offsets = _offsets(national, options.factor)
    run = None
    if options.into_db:
        run = database.start_run(options.scope, options.seed, options.factor)
    writer = Writer(options.out, options.csv_events) if options.out else None
    padron = _Padron(options, frozenset(centers["code"].to_list())) if options.out else None
    linker = _Linker(options, centers, national) if plan.active else None
    counts: manifest.Tally = {}
    parts = generator.generate(
        districts,
        centers,
        facilities,
        profile=profile,
        seed=options.seed,
        factor=options.factor,
        as_of=options.as_of,
        offsets=offsets,
    )
    rate = SECONDS_PER_CHILD
    for code, district_count, expected in _departments(districts, options.factor):
        what = _(
            "Generating department %(code)s: %(districts)s districts, about %(children)s children"
        ) % {"code": code, "districts": district_count, "children": f"{expected:,}"}
        with progress.Step(say, what, expected * rate) as step:
            part = next(parts)
            department = part.children["department"][0] if part.children.height else "--"
            linked = linker.add(part.children, department) if linker else None
            # With linkage, the truth has the twins; the padrón (file and database) its own view.
            whole = replace(part, children=linked.people) if linked else part
            registry = replace(part, children=linked.padron()) if linked else part
            counts = manifest.add(counts, manifest.tally(whole, profile, options.as_of))
            if writer and padron:
                writer.add(whole, department)
                padron.add(linked.registry if linked else part.children, linked)
            if run is not None:
                database.write(registry, run)
        if part.children.height:
            rate = step.seconds / part.children.height
        say(
            _("%(department)s: %(children)s children, %(services)s services")
            % {
                "department": department,
                "children": f"{part.children.height:,}",
                "services": f"{part.services.height:,}",
            }
        )
    if run is not None:
        database.analyze()
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
        linkage=linker.finish() if linker else None,
    )
    if options.out:
        (options.out / "manifest.json").write_text(
            json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8"
        )
    return result


def _departments(districts: pl.DataFrame, factor: float) -> list[tuple[str, int, int]]:
    """(code, districts, expected children) of each department, in the order
    :func:`crecer.demo.generator.generate` yields them (sorted codes)."""
    frame = districts.select("department").with_columns(
        pl.Series("children", population.child_counts(districts, factor))
    )
    summary = frame.group_by("department").agg(pl.len(), pl.col("children").sum())
    return [
        (str(code), int(count), int(children))
        for code, count, children in summary.sort("department").iter_rows()
    ]


def _offsets(national: pl.DataFrame, factor: float) -> dict[str, int]:
    counts = population.child_counts(national, factor)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    return dict(zip(national["ubigeo"].to_list(), starts.tolist(), strict=True))


class _Linker:
    """Linkage material (:mod:`crecer.demo.linkage`) chunk by chunk, its files, its manifest."""

    def __init__(self, options: Options, centers: pl.DataFrame, national: pl.DataFrame) -> None:
        self.options = options
        self.context = record_errors.Context(as_of=options.as_of, centers=centers)
        # Running numbers are laid out on the national list: every scope's are below this.
        self.used = int(population.child_counts(national, options.factor).sum())
        self.writer = LinkageWriter(options.out) if options.out else None
        self.counts: Counter[str] = Counter()

    def add(self, children: pl.DataFrame, department: str) -> linkage.Linked | None:
        if children.height == 0:
            return None
        # Its own stream per department: the population stays what it is without linkage.
        rng = np.random.default_rng([self.options.seed, 998, int(department)])
        linked = linkage.link(
            children, self.options.plan, rng=rng, context=self.context, used=self.used
        )
        self.counts.update(linked.counts)
        if self.writer:
            self.writer.add(linked.lists, linked.truth, department)
        return linked

    def finish(self) -> dict:
        files = self.writer.finish() if self.writer else []
        plan = self.options.plan
        return {
            "duplicates": plan.duplicates,
            "twins": plan.twins,
            "outside_lists": plan.outside_lists,
            "files": [path.name for path in files],
            "counts": dict(sorted(self.counts.items())),
            "assumptions": {
                "duplicate_error_shares": record_errors.DUPLICATE_SHARES,
                "list_error_shares": outside_lists.SHARES,
                "outside_padron": linkage.OUTSIDE_PADRON,
                "hidden_in_padron": linkage.HIDDEN,
                "same_sex_twins": round(linkage.SAME_SEX_TWINS, 3),
            },
        }


class _Padron:
    """The export file, written chunk by chunk with its faults; copies go at the end, then
    the twins and duplicates of linkage (kept on disk until then)."""

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
        self.appended: list[Path] = []
        options.out.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("w", encoding="utf-8", newline="")

    def add(self, children: pl.DataFrame, linked: linkage.Linked | None = None) -> None:
        rows = export.padron_rows(children)
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
        if linked is not None and linked.appended.height:
            part = self.path.with_name(f".padron.appended.{len(self.appended)}.parquet")
            export.padron_rows(linked.appended).write_parquet(part)
            self.appended.append(part)

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
        for part in self.appended:
            self._write(pl.read_parquet(part))
            part.unlink()
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
