"""``refresh(as_of, scope)``: extract, compute status, aggregate, store — in one transaction,
so that a refresh that fails leaves the previous results of that date and scope in place."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import polars as pl
from django.db import transaction
from django.utils import timezone

from crecer.analytics import extract
from crecer.analytics.indicators import levels_within, values_by_territory
from crecer.analytics.models import STATUS_COLUMNS, ChildStatus, IndicatorValue, Refresh
from crecer.analytics.status import compute_status, district_chunks, window_start
from crecer.ingest import bulk
from crecer.norms import Profile

Progress = Callable[[str, float], None]  # stage name, seconds it took


class NoCatalogue(ValueError):
    pass


# Indicator values other apps add to a refresh (name -> function of scope, as-of date, profile
# and levels giving rows of VALUE_SCHEMA): the maternal app registers its indicators here, so
# that analytics imports no app built on it.
Contribution = Callable[[str, date, Profile, list[str]], pl.DataFrame]
CONTRIBUTIONS: dict[str, Contribution] = {}


def contribute(name: str, values: Contribution) -> None:
    CONTRIBUTIONS[name] = values


# Children per status chunk: ~2 GB of events and status at a time (the national population in
# one go needs over 20 GB; see benchmarks/refresh.py).
CHUNK_CHILDREN = 250_000
Events = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]  # growth, hemoglobin, services


class Clock:
    """Seconds per stage, summed over chunks, reported as each stage ends."""

    def __init__(self, report: Progress) -> None:
        self.timings: dict[str, float] = {}
        self.report = report
        self.last = time.perf_counter()

    def lap(self, stage: str, final: bool = True) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(self.timings.get(stage, 0.0) + now - self.last, 3)
        self.last = now
        if final:
            self.report(stage, self.timings[stage])


def status_in_chunks(
    children: pl.DataFrame,
    events_of: Callable[[str, str], Events],
    as_of: date,
    profile: Profile,
    clock: Clock,
    chunk_children: int | None = None,
) -> pl.DataFrame:
    """Per-child status, computed over chunks of districts with the events ``events_of(first,
    last)`` gives for the children of districts ``first``…``last``."""
    parts = []
    chunks = district_chunks(children, chunk_children or CHUNK_CHILDREN)
    for number, (first, last) in enumerate(chunks, start=1):
        growth, hemoglobin, services = events_of(first, last)
        clock.lap("extract", final=number == len(chunks))
        chunk = children.filter(pl.col("district_id").is_between(pl.lit(first), pl.lit(last)))
        parts.append(compute_status(chunk, growth, hemoglobin, services, as_of, profile))
        clock.lap("status", final=number == len(chunks))
    return pl.concat(parts).sort("child_id")


def refresh(as_of: date, scope: str, profile: Profile, progress: Progress | None = None) -> Refresh:
    if profile.analytics is None:
        raise NoCatalogue(f"profile {profile.profile.id} has no [analytics] indicators")
    clock = Clock(progress or (lambda stage, seconds: None))
    started = timezone.now()
    children_qs = extract.children_of(scope, as_of)
    children = extract.children_frame(children_qs)

    def events_of(first: str, last: str) -> Events:
        chunk = children_qs.filter(district_id__gte=first, district_id__lte=last)
        return extract.events_frames(chunk, (window_start(as_of, profile), as_of))

    status = status_in_chunks(children, events_of, as_of, profile, clock)
    levels = levels_within(scope, profile)
    values = values_by_territory(status, profile.analytics.indicators, levels, profile)
    clock.lap("aggregate")
    for name, more in CONTRIBUTIONS.items():
        values = pl.concat([values, more(scope, as_of, profile, levels)])
        clock.lap(name)
    timings = clock.timings
    with transaction.atomic():
        Refresh.objects.filter(as_of=as_of, scope=scope).delete()
        run = Refresh.objects.create(
            as_of=as_of,
            scope=scope,
            started_at=started,
            finished_at=timezone.now(),
            children=status.height,
            timings=timings,
        )
        bulk.insert(
            ChildStatus._meta.db_table,
            status.select(STATUS_COLUMNS).with_columns(pl.lit(run.pk).alias("refresh_id")),
        )
        bulk.insert(
            IndicatorValue._meta.db_table, values.with_columns(pl.lit(run.pk).alias("refresh_id"))
        )
        clock.lap("store")
        run.timings = timings
        run.finished_at = timezone.now()
        run.save(update_fields=["timings", "finished_at"])
    return run
