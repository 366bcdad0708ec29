"""The nominal table of a sheet for a measurement month, and its consolidated count."""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import polars as pl

from crecer.norms import Profile, Schedule
from crecer.norms.incentives import NOMINAL_COLUMNS, Sheet, nominal_schema
from crecer.norms.polars_conditions import PolarsRenderer
from crecer.schedules.engine import evaluate

# Columns of ``children`` read (missing optional ones count as unknown / not held).
CHILD_COLUMNS = {
    "child_id": pl.Int64,
    "birth_date": pl.Date,
    "district_id": pl.String,
    "birth_weight_g": pl.Float64,
    "gestational_age_weeks": pl.Float64,
    "has_dni": pl.Boolean,
    "has_sis": pl.Boolean,
    "dni_issue_date": pl.Date,
    "sis_affiliation_date": pl.Date,
    "district_poverty_quintile": pl.Int64,
}


def measurement_month(year: int, month: int) -> tuple[date, date]:
    """The first and last day of the measurement month (FED takes ages at its last day)."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def nominal_table(
    profile: Profile,
    sheet: Sheet,
    children: pl.DataFrame,
    services: pl.DataFrame,
    year: int,
    month: int,
) -> pl.DataFrame:
    """One row per child of ``sheet``'s cohort in the month, in ``child_id`` order: the
    columns of :func:`crecer.norms.incentives.nominal_schema` (the schedule evaluated on the
    child's ``evaluated_on`` day: services after it do not count), then one 1/0 column per
    exclusion (``excluded_<id>``) and per component (``<id>``), ``in_denominator`` and
    ``complies`` (in the denominator with every component).

    ``children``: ``child_id``, ``birth_date`` and optionally the other
    :data:`CHILD_COLUMNS`; ``services``: ``child_id``, ``date``, ``code`` (HIS codes; an Hb
    value recorded without its row should be given as the profile's Hb code)."""
    if not sheet.computable or sheet.cohort is None:
        raise ValueError(f"sheet {sheet.key} is not computable: {sheet.note or ''}")
    norms = profile.schedules
    if norms is None:
        raise ValueError("the profile has no schedules")
    first, last = measurement_month(year, month)
    schedule = _schedule(profile, sheet, last)
    cohort = _cohort(_children(children), sheet, first, last)
    birth = cohort["birth_date"].to_numpy().astype("datetime64[D]")
    day = cohort["evaluated_on"].to_numpy().astype("datetime64[D]")
    weight = cohort["birth_weight_g"].fill_null(np.nan).to_numpy()
    weeks = cohort["gestational_age_weeks"].fill_null(np.nan).to_numpy()
    low_weight = np.nan_to_num(weight, nan=np.inf) < norms.lbw_below_g
    premature = np.nan_to_num(weeks, nan=np.inf) < norms.premature_below_weeks
    subject, dates, codes, vocabulary = _events(cohort, services)
    status = evaluate(
        schedule,
        origin=birth,
        lbw_or_premature=low_weight | premature,
        subject=subject,
        event_date=dates,
        code_index=codes,
        vocabulary=vocabulary,
        as_of=np.datetime64(last, "D"),
        until=day,
    )
    table = cohort.select(
        "child_id",
        pl.col("district_id").fill_null(""),
        "evaluated_on",
        pl.Series("age_days", (day - birth).astype(np.int64)),
        pl.Series("low_birth_weight", low_weight),
        pl.Series("premature", premature),
        pl.Series("lbw_or_premature", low_weight | premature),
        pl.col("has_dni").fill_null(False),
        pl.col("has_sis").fill_null(False),
        "district_poverty_quintile",
    )
    extra = [name for name in nominal_schema(schedule) if name not in NOMINAL_COLUMNS]
    table = table.with_columns(
        pl.Series(name, np.asarray(status.columns[name], dtype=bool)) for name in extra
    )
    renderer = PolarsRenderer()
    parts = [
        *((f"excluded_{part.id}", renderer.render(part.parsed())) for part in sheet.exclusions),
        *((part.id, renderer.render(part.parsed())) for part in sheet.components),
    ]
    table = table.with_columns(
        expression.fill_null(False).cast(pl.Int8).alias(name) for name, expression in parts
    )
    indicator = sheet.indicator()
    denominator = renderer.render(indicator.condition("denominator")).fill_null(False)
    numerator = renderer.render(indicator.condition("numerator")).fill_null(False)
    return table.with_columns(
        denominator.cast(pl.Int8).alias("in_denominator"),
        numerator.cast(pl.Int8).alias("complies"),
    )


def consolidated(table: pl.DataFrame) -> dict[str, int | float | None]:
    """Denominator, numerator and percent (None without a denominator) of a nominal table."""
    denominator = int(table["in_denominator"].sum())
    numerator = int(table["complies"].sum())
    percent = round(100 * numerator / denominator, 2) if denominator else None
    return {"denominator": denominator, "numerator": numerator, "percent": percent}


def _schedule(profile: Profile, sheet: Sheet, on: date) -> Schedule:
    if sheet.schedule != "child":
        assert profile.incentives is not None
        return profile.incentives.schedule(sheet.schedule)
    assert profile.schedules is not None
    return profile.schedules.in_force("child", on)


def _children(children: pl.DataFrame) -> pl.DataFrame:
    missing = [name for name in ("child_id", "birth_date") if name not in children.columns]
    if missing:
        raise ValueError(f"children lack the columns {missing}")
    return children.select(
        (pl.col(name) if name in children.columns else pl.lit(None)).cast(kind).alias(name)
        for name, kind in CHILD_COLUMNS.items()
    )


def _cohort(children: pl.DataFrame, sheet: Sheet, first: date, last: date) -> pl.DataFrame:
    """The children of the cohort with the day each is evaluated on (``evaluated_on``)."""
    assert sheet.cohort is not None
    cohort = sheet.cohort
    birth = pl.col("birth_date")
    if cohort.rule == "turning":
        assert cohort.age_days is not None
        evaluated = birth + pl.duration(days=cohort.age_days)
        keep = evaluated.is_between(pl.lit(first), pl.lit(last), closed="both")
    else:
        evaluated = pl.lit(last)
        low, high = cohort.ages()
        age = (pl.lit(last) - birth).dt.total_days()
        keep = age.is_between(low, high, closed="both")
    return (
        children.filter(birth.is_not_null())
        .with_columns(evaluated.cast(pl.Date).alias("evaluated_on"))
        .filter(keep)
        .sort("child_id")
    )


def _events(
    cohort: pl.DataFrame, services: pl.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The cohort's services and its DNI / SIS dates (the schedules' pseudo codes) as the
    engine's arrays: row in ``cohort``, date, dictionary-encoded code."""
    position = cohort.select("child_id", pl.int_range(pl.len()).alias("row"))
    events = pl.concat(
        [
            cohort.select(
                "child_id", pl.col("dni_issue_date").alias("date"), pl.lit("DNI").alias("code")
            ),
            cohort.select(
                "child_id",
                pl.col("sis_affiliation_date").alias("date"),
                pl.lit("SIS").alias("code"),
            ),
            services.select(
                pl.col("child_id").cast(pl.Int64),
                pl.col("date").cast(pl.Date),
                pl.col("code").cast(pl.String),
            ),
        ]
    ).drop_nulls()
    events = events.join(position, on="child_id", how="inner")
    vocabulary = events["code"].unique().sort().to_list()
    codes = events["code"].cast(pl.Enum(vocabulary)).to_physical().cast(pl.Int64)
    return (
        events["row"].to_numpy(),
        events["date"].to_numpy().astype("datetime64[D]"),
        codes.to_numpy(),
        vocabulary,
    )
