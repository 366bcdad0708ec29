"""Per-child status on an as-of date, computed with the growth, anemia and schedule engines.

Inputs are Polars frames (see :data:`CHILD_COLUMNS` and the event schemas below); the output has
one row per child with the columns of the profile's status schema
(:func:`crecer.norms.indicators.status_schema`, the one definition the indicator conditions and
the ``ChildStatus`` table follow), in its order and with its types:

- identity and place: ``child_id``, ``district_id``, ``populated_center_id``, ``care_facility``,
  ``sex``, ``age_days``, ``age_months`` (completed), ``birth_weight_g``,
  ``low_birth_weight`` (< the profile's limit; null when unknown), ``lbw_or_premature``,
  ``has_dni`` (DNI or CUI), ``has_sis``;
- growth, from the latest *valid* measurement of each index in the window (WHO flags and
  missing values excluded): ``haz``, ``whz``, ``waz``, ``measured_on``, and by the WHO cut-offs
  of :func:`crecer.growth.classify` ``stunted`` (haz < -2), ``severely_stunted`` (< -3),
  ``wasted`` (whz < -2), ``overweight`` (whz > 2), ``underweight`` (waz < -2), null where the
  z-score is;
- hemoglobin, from the latest test in the window: ``hb_observed``, ``hb_adjusted`` (null when
  the altitude is unknown), ``anemic``, ``hb_tested_on``; an Hb value counts for the schedules
  as the profile's ``services.hb_test.recorded_as``;
- schedules: ``<requirement>_complete`` for each requirement and each compound flag of the
  schedule in force (``cred_complete_for_age``, ``integrated_package``, …); null for those of
  another version of the schedule.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from crecer.anemia import assess_hemoglobin
from crecer.growth import classify, zscores
from crecer.norms import Profile
from crecer.norms.conditions import ColumnType
from crecer.schedules import child_status

CHILD_COLUMNS = {
    "child_id": pl.Int64,
    "birth_date": pl.Date,
    "sex": pl.String,
    "district_id": pl.String,
    "populated_center_id": pl.String,
    "care_facility": pl.String,
    "has_dni": pl.Boolean,
    "has_sis": pl.Boolean,
    "birth_weight_g": pl.Int64,
    "gestational_age_weeks": pl.Int64,
    "dni_issue_date": pl.Date,
    "sis_affiliation_date": pl.Date,
}
GROWTH_COLUMNS = {
    "child_id": pl.Int64,
    "date": pl.Date,
    "weight_kg": pl.Float64,
    "length_cm": pl.Float64,
    "measure": pl.String,
    "oedema": pl.Boolean,
}
HB_COLUMNS = {
    "child_id": pl.Int64,
    "date": pl.Date,
    "hb_observed": pl.Float64,
    "altitude_m": pl.Float64,
}
SERVICE_COLUMNS = {"child_id": pl.Int64, "date": pl.Date, "code": pl.String}
# Growth indices used, as named by crecer.growth, and the status column each feeds.
INDICES = {"lhfa": "haz", "wflh": "whz", "wfa": "waz"}
# Status column <- (index, the boolean of growth.classify that holds its cut-off).
GROWTH_FLAGS = {
    "stunted": ("lhfa", "stunting"),
    "severely_stunted": ("lhfa", "severe_stunting"),
    "wasted": ("wflh", "wasting"),
    "overweight": ("wflh", "overweight"),
    "underweight": ("wfa", "underweight"),
}
POLARS_TYPES: dict[ColumnType, pl.DataType] = {
    ColumnType.BOOLEAN: pl.Boolean(),
    ColumnType.INTEGER: pl.Int64(),
    ColumnType.FLOAT: pl.Float64(),
    ColumnType.TEXT: pl.String(),
    ColumnType.DATE: pl.Date(),
}


def status_frame_schema(profile: Profile) -> dict[str, pl.DataType]:
    """The Polars types of the status columns of ``profile``, in table order."""
    return {name: POLARS_TYPES[c.type] for name, c in profile.status_schema().items()}


def compute_status(
    children: pl.DataFrame,
    growth: pl.DataFrame,
    hemoglobin: pl.DataFrame,
    services: pl.DataFrame,
    as_of: date,
    profile: Profile,
) -> pl.DataFrame:
    """One row per child of ``children`` (born on or before ``as_of``) with its status."""
    children = children.filter(pl.col("birth_date") <= as_of).sort("child_id")
    window = window_start(as_of, profile)
    status = _identity(children, as_of, profile)
    status = status.join(_growth(children, growth, window, as_of), on="child_id", how="left")
    status = status.join(
        _hemoglobin(children, hemoglobin, window, as_of, profile), on="child_id", how="left"
    )
    status = status.hstack(_schedules(children, hemoglobin, services, as_of, profile))
    return _as_schema(status, status_frame_schema(profile))


def _as_schema(status: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """``status`` with exactly the schema's columns, in its order and types; a column the
    computation did not give (a requirement of another schedule version) is null."""
    return status.select(
        (pl.col(name) if name in status.columns else pl.lit(None)).cast(kind).alias(name)
        for name, kind in schema.items()
    )


def district_chunks(children: pl.DataFrame, max_children: int) -> list[tuple[str, str]]:
    """Ranges of consecutive districts (first, last ubigeo) of at most ``max_children`` children
    each (a larger district is a chunk of its own), so that a national refresh computes status
    a chunk at a time in bounded memory: a child's status depends on its own events only.
    Always at least one range, so an empty registry still gives an (empty) status frame."""
    counts = children.group_by("district_id").len().sort("district_id")
    chunks: list[tuple[str, str]] = []
    first = last = ""
    size = 0
    for district, n in counts.iter_rows():
        if size and size + n > max_children:
            chunks.append((first, last))
            size = 0
        if not size:
            first = district
        last, size = district, size + n
    if size:
        chunks.append((first, last))
    return chunks or [("000000", "999999")]


def window_start(as_of: date, profile: Profile) -> date:
    """The first day of the measurement window ending on ``as_of``: growth measurements and
    Hb tests before it are not a child's latest."""
    days = profile.analytics.measurement_window_days if profile.analytics else 365
    return as_of - timedelta(days=days - 1)


def _identity(children: pl.DataFrame, as_of: date, profile: Profile) -> pl.DataFrame:
    norms = profile.schedules
    lbw_limit = norms.lbw_below_g if norms else 2500
    premature_limit = norms.premature_below_weeks if norms else 37
    age_days = (pl.lit(as_of) - pl.col("birth_date")).dt.total_days()
    low_weight = pl.col("birth_weight_g") < lbw_limit
    return children.select(
        "child_id",
        "district_id",
        "populated_center_id",
        "care_facility",
        "sex",
        age_days.alias("age_days"),
        _completed_months(pl.col("birth_date"), as_of).alias("age_months"),
        "birth_weight_g",
        low_weight.alias("low_birth_weight"),
        (
            low_weight.fill_null(False)
            | (pl.col("gestational_age_weeks") < premature_limit).fill_null(False)
        ).alias("lbw_or_premature"),
        pl.col("has_dni").fill_null(False),
        pl.col("has_sis").fill_null(False),
    )


def _completed_months(birth: pl.Expr, on: date) -> pl.Expr:
    months = (on.year - birth.dt.year()) * 12 + (on.month - birth.dt.month())
    return months - (birth.dt.day() > on.day).cast(pl.Int32)


def _in_window(
    events: pl.DataFrame, children: pl.DataFrame, start: date, end: date
) -> pl.DataFrame:
    """Events of known children dated within [start, end] and not before birth."""
    births = children.select("child_id", "birth_date")
    return events.join(births, on="child_id", how="inner").filter(
        pl.col("date").is_between(start, end) & (pl.col("date") >= pl.col("birth_date"))
    )


def _growth(children: pl.DataFrame, growth: pl.DataFrame, start: date, as_of: date) -> pl.DataFrame:
    rows = _in_window(growth, children, start, as_of)
    sexes = children.select("child_id", "sex")
    rows = rows.join(sexes, on="child_id", how="left")
    z = zscores(
        sex=rows["sex"].to_numpy(),
        birth_date=rows["birth_date"].to_numpy().astype("datetime64[D]"),
        measurement_date=rows["date"].to_numpy().astype("datetime64[D]"),
        weight_kg=rows["weight_kg"].to_numpy(),
        length_cm=rows["length_cm"].to_numpy(),
        measure=rows["measure"].fill_null("").to_numpy(),
        oedema=rows["oedema"].fill_null(False).to_numpy(),
    )
    result = rows.select("child_id").unique().sort("child_id")
    for index, column in INDICES.items():
        valid = ~np.isnan(z[f"z_{index}"]) & ~z[f"flag_{index}"]
        latest = (
            rows.select("child_id", "date")
            .with_columns(pl.Series(column, z[f"z_{index}"]))
            .filter(pl.Series(valid))
            .sort("child_id", "date")
            .group_by("child_id", maintain_order=True)
            .last()
        )
        # The date of the length measurement is the one shown ("measured on").
        keep = latest.rename({"date": "measured_on"}) if column == "haz" else latest.drop("date")
        latest = keep
        result = result.join(latest, on="child_id", how="left")
    return result.with_columns(_growth_flags(result))


def _growth_flags(latest: pl.DataFrame) -> list[pl.Expr]:
    """The cut-offs of growth.classify on each child's latest valid z-scores (of measurements
    that may differ by index), null where the z-score is."""
    z = {
        f"z_{index}": latest[column].fill_null(np.nan).to_numpy()
        for index, column in INDICES.items()
    }
    # No oedema here: zscores leaves the weight-based z blank with oedema (§8), so such a
    # measurement never is the latest valid one of whz or waz.
    classified = classify(z, oedema=np.zeros(latest.height, dtype=bool))
    return [
        pl.when(pl.col(INDICES[index]).is_not_null())
        .then(pl.Series(name, classified[category]))
        .alias(name)
        for name, (index, category) in GROWTH_FLAGS.items()
    ]


def _hemoglobin(
    children: pl.DataFrame, tests: pl.DataFrame, start: date, as_of: date, profile: Profile
) -> pl.DataFrame:
    latest = (
        _in_window(tests, children, start, as_of)
        .sort("child_id", "date")
        .group_by("child_id", maintain_order=True)
        .last()
    )
    schema = {
        "child_id": pl.Int64,
        "hb_observed": pl.Float64,
        "hb_adjusted": pl.Float64,
        "anemic": pl.Boolean,
        "hb_tested_on": pl.Date,
    }
    if latest.height == 0 or profile.anemia is None:
        return pl.DataFrame(schema=schema)
    assessed = assess_hemoglobin(
        profile.anemia,
        hemoglobin=latest["hb_observed"].to_numpy(),
        altitude_m=latest["altitude_m"].fill_null(np.nan).to_numpy(),
        test_date=latest["date"].to_numpy().astype("datetime64[D]"),
        birth_date=latest["birth_date"].to_numpy().astype("datetime64[D]"),
    )
    adjusted = pl.Series("hb_adjusted", assessed["adjusted"]).fill_nan(None)
    return latest.select(
        "child_id",
        "hb_observed",
        adjusted,
        pl.when(adjusted.is_not_null()).then(pl.Series(assessed["anemic"])).alias("anemic"),
        pl.col("date").alias("hb_tested_on"),
    )


def _schedules(
    children: pl.DataFrame,
    hemoglobin: pl.DataFrame,
    services: pl.DataFrame,
    as_of: date,
    profile: Profile,
) -> pl.DataFrame:
    """``<requirement>_complete`` and the flags, in the order of ``children``."""
    if profile.schedules is None:
        return pl.DataFrame()
    hb_test_code = profile.services.hb_test.recorded_as
    position = children.select("child_id", pl.int_range(pl.len()).alias("row"))
    identity_events = pl.concat(
        [
            children.select(
                "child_id", pl.col("dni_issue_date").alias("date"), pl.lit("DNI").alias("code")
            ),
            children.select(
                "child_id",
                pl.col("sis_affiliation_date").alias("date"),
                pl.lit("SIS").alias("code"),
            ),
            # An Hb value recorded without its HIS row still counts as the test.
            hemoglobin.select("child_id", "date", pl.lit(hb_test_code).alias("code")),
            services.select("child_id", "date", "code"),
        ]
    ).drop_nulls()
    events = identity_events.join(position, on="child_id", how="inner")
    # Codes dictionary-encoded once, in Polars (a hash of the strings): the engine's own
    # encoding of a string array (np.unique of .astype(str)) was most of the status stage.
    vocabulary = events["code"].unique().sort()
    code_index = events["code"].cast(pl.Enum(vocabulary)).to_physical().cast(pl.Int64)
    result = child_status(
        profile,
        {
            "birth_date": children["birth_date"].to_numpy().astype("datetime64[D]"),
            "birth_weight_g": children["birth_weight_g"]
            .cast(pl.Float64)
            .fill_null(np.nan)
            .to_numpy(),
            "gestational_weeks": children["gestational_age_weeks"]
            .cast(pl.Float64)
            .fill_null(np.nan)
            .to_numpy(),
        },
        {
            "child": events["row"].to_numpy(),
            "date": events["date"].to_numpy().astype("datetime64[D]"),
            "code": code_index.to_numpy(),
        },
        as_of,
        code_vocabulary=vocabulary.to_list(),
    )
    columns = {f"{r}_complete": result.columns[f"{r}_complete"] for r in result.requirements}
    columns |= {flag: result.columns[flag] for flag in result.flags}
    return pl.DataFrame({name: np.asarray(values, dtype=bool) for name, values in columns.items()})
