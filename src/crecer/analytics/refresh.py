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
from crecer.analytics.status import compute_status
from crecer.norms import Profile
from crecer.registry import bulk

Progress = Callable[[str, float], None]  # stage name, seconds it took


class NoCatalogue(ValueError):
    pass


def refresh(as_of: date, scope: str, profile: Profile, progress: Progress | None = None) -> Refresh:
    if profile.analytics is None:
        raise NoCatalogue(f"profile {profile.profile.id} has no [analytics] indicators")
    report = progress or (lambda stage, seconds: None)
    timings: dict[str, float] = {}
    started = timezone.now()

    def stage(name: str, clock: list[float]) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 3)
        report(name, timings[name])
        clock[0] = now

    clock = [time.perf_counter()]
    children_qs = extract.children_of(scope, as_of)
    children = extract.children_frame(children_qs)
    growth, hemoglobin, services = extract.events_frames(children_qs)
    stage("extract", clock)
    status = compute_status(children, growth, hemoglobin, services, as_of, profile)
    stage("status", clock)
    values = values_by_territory(status, profile.analytics.indicators, levels_within(scope))
    stage("aggregate", clock)
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
        stage("store", clock)
        run.timings = timings
        run.finished_at = timezone.now()
        run.save(update_fields=["timings", "finished_at"])
    return run
