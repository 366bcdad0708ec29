"""The per-pregnancy status a refresh counts the maternal indicators over
(:data:`crecer.norms.indicators.MATERNAL_STATUS_COLUMNS`): for each pregnancy of the scope with
its FUR in the two years up to the as-of date — its gestational age, what the pregnancy and
postpartum schedules say is done (the pure ``schedules`` engine, an ended pregnancy evaluated
as of its end), the latest Hb classified by its trimester (the pure ``anemia`` package), the
delivery's place, weight and term — placed at the woman's residence, so that
:func:`crecer.analytics.indicators.values_by_territory` counts it like a child. The refresh
calls :func:`maternal_values` (registered by the app: analytics does not import maternal)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from crecer.analytics.indicators import VALUE_SCHEMA, values_by_territory
from crecer.anemia import assess_hemoglobin
from crecer.maternal.models import (
    Birth,
    DeliveryPlace,
    MaternalHbTest,
    MaternalService,
    Outcome,
    Pregnancy,
)
from crecer.norms import Profile
from crecer.norms.conditions import ColumnType
from crecer.norms.indicators import maternal_status_schema
from crecer.schedules import postpartum_status, pregnancy_status
from crecer.territory.models import within

LOOKBACK = timedelta(days=730)  # pregnancies with a FUR in the two years up to the as-of date
PERIOD_DAYS = 365  # "delivered in the period": the year up to the as-of date
LONGEST_DAYS = 45 * 7  # an "ongoing" pregnancy older than 45 weeks is a record never closed
PRENATAL = "prenatal"  # the requirement whose codes are prenatal checks
BIRTHS = (Outcome.LIVE_BIRTH, Outcome.STILLBIRTH)


def maternal_values(scope: str, as_of: date, profile: Profile, levels: list[str]) -> pl.DataFrame:
    """The maternal indicators' values by territory, for :func:`crecer.analytics.refresh`."""
    indicators = profile.analytics.maternal_indicators if profile.analytics else []
    if not indicators:
        return pl.DataFrame(schema=VALUE_SCHEMA)
    status = maternal_status(scope, as_of, profile)
    return values_by_territory(status, indicators, levels, profile)


def pregnancies_frame(scope: str, as_of: date) -> pl.DataFrame:
    query = Pregnancy.objects.filter(lmp_date__lte=as_of, lmp_date__gt=as_of - LOOKBACK)
    if scope:
        query = query.filter(within(scope, "woman__district_id"))
    rows = query.values_list(
        "pk", "lmp_date", "outcome", "outcome_date", "delivery_place",
        "gestational_weeks_at_birth", "woman__district_id", "woman__populated_center_id",
        "woman__care_facility",
    )  # fmt: skip
    schema = {
        "pregnancy_id": pl.Int64, "lmp_date": pl.Date, "outcome": pl.String,
        "outcome_date": pl.Date, "delivery_place": pl.String, "weeks_at_birth": pl.Int64,
        "district_id": pl.String, "populated_center_id": pl.String, "care_facility": pl.String,
    }  # fmt: skip
    return pl.DataFrame(list(rows), schema=schema, orient="row").sort("pregnancy_id")


def maternal_status(scope: str, as_of: date, profile: Profile) -> pl.DataFrame:
    """One row per pregnancy, the columns of the profile's maternal status schema."""
    frame = pregnancies_frame(scope, as_of)
    ids = frame["pregnancy_id"].to_list()
    services = pl.DataFrame(
        list(
            MaternalService.objects.filter(pregnancy_id__in=ids).values_list(
                "pregnancy_id", "date", "code"
            )
        ),
        schema={"pregnancy_id": pl.Int64, "date": pl.Date, "code": pl.String},
        orient="row",
    )
    hb = pl.DataFrame(
        list(
            MaternalHbTest.objects.filter(pregnancy_id__in=ids).values_list(
                "pregnancy_id", "date", "hb_observed", "altitude_m"
            )
        ),
        schema={"pregnancy_id": pl.Int64, "date": pl.Date, "hb": pl.Float64, "alt": pl.Float64},
        orient="row",
    )
    births = pl.DataFrame(
        list(
            Birth.objects.filter(pregnancy_id__in=ids).values_list("pregnancy_id", "birth_weight_g")
        ),
        schema={"pregnancy_id": pl.Int64, "weight": pl.Int64},
        orient="row",
    )
    return build_status(frame, services, hb, births, as_of, profile)


def build_status(
    frame: pl.DataFrame,
    services: pl.DataFrame,
    hb: pl.DataFrame,
    births: pl.DataFrame,
    as_of: date,
    profile: Profile,
) -> pl.DataFrame:
    """The status from the extracted frames (no database: tests build them by hand)."""
    norms = profile.schedules
    assert norms is not None
    hb_code = profile.services.hb_test.recorded_as
    ended = frame["outcome"] != Outcome.ONGOING
    end = frame["outcome_date"].to_numpy().astype("datetime64[D]")
    delivered = frame["outcome"].is_in(list(BIRTHS)) & frame["outcome_date"].is_not_null()
    events = pl.concat([services, hb.select("pregnancy_id", "date", pl.lit(hb_code).alias("code"))])
    # The frame is sorted by pregnancy: an event's row is found by binary search, and codes are
    # encoded once (a categorical) for both schedules.
    ids = frame["pregnancy_id"].to_numpy()
    event_rows = np.searchsorted(ids, events["pregnancy_id"].to_numpy()).astype(np.int64)
    vocabulary = events["code"].unique().sort().to_list()
    codes = events["code"].cast(pl.Enum(vocabulary))
    engine_events = {
        "pregnancy": event_rows,
        "date": events["date"].to_numpy().astype("datetime64[D]"),
        "code": codes.to_physical().to_numpy().astype(np.int64),
    }
    lmp = frame["lmp_date"].to_numpy().astype("datetime64[D]")
    ended_on = np.where(ended.to_numpy(), end, np.datetime64("NaT"))
    prenatal = pregnancy_status(
        profile,
        {"lmp_date": lmp, "end_date": ended_on},
        engine_events,
        as_of,
        code_vocabulary=vocabulary,
    )
    delivery = np.where(delivered.to_numpy(), end, np.datetime64("NaT"))
    postnatal = postpartum_status(
        profile,
        {"lmp_date": lmp, "delivery_date": delivery},
        engine_events,
        as_of,
        code_vocabulary=vocabulary,
    )
    day = np.datetime64(as_of, "D")
    on = np.where(np.isnat(ended_on), day, np.minimum(ended_on, day))
    age = (on - lmp).astype(np.int64)
    period_start = day - np.timedelta64(PERIOD_DAYS, "D")
    in_period = delivered.to_numpy() & (end > period_start) & (end <= day)
    schema = maternal_status_schema(norms)
    columns: dict[str, object] = {
        "pregnancy_id": frame["pregnancy_id"],
        "district_id": frame["district_id"],
        "populated_center_id": frame["populated_center_id"],
        "care_facility": frame["care_facility"].fill_null(""),
        "age_days": age,
        "ongoing": (~ended).to_numpy() & (age <= LONGEST_DAYS),
        "delivered_in_period": in_period,
        "prenatal_checks": _prenatal_checks(frame, services, norms, day),
        "first_check_first_trimester": prenatal.columns.get("first_check_first_trimester"),
        "institutional_delivery": _place(frame),
        "low_birth_weight": _low_weight(frame, births, norms.lbw_below_g),
        "premature": _premature(frame, norms.premature_below_weeks),
        "hb_tested": frame["pregnancy_id"].is_in(hb["pregnancy_id"].implode()).to_numpy(),
        "anemic": _anemic(frame, hb, profile),
        "postnatal_checks": postnatal.columns.get(
            "postnatal_done", np.zeros(frame.height, dtype=np.int64)
        ),
    }
    for name in schema:
        if name.endswith("_complete") and name not in columns:
            columns[name] = prenatal.columns.get(name)
    status = pl.DataFrame({name: columns.get(name) for name in schema}, strict=False)
    booleans = [name for name, column in schema.items() if column.type == ColumnType.BOOLEAN]
    return status.with_columns(pl.col(booleans).cast(pl.Boolean))


def _prenatal_checks(
    frame: pl.DataFrame, services: pl.DataFrame, norms, day: np.datetime64
) -> np.ndarray:
    """Prenatal checks (distinct days with a prenatal code) from the FUR to the end."""
    schedule = norms.in_force("pregnancy", day.astype(object))
    codes = next((r.codes for r in schedule.requirements if r.id == PRENATAL), [])
    ends = frame.select(
        "pregnancy_id",
        "lmp_date",
        pl.coalesce("outcome_date", pl.lit(day.astype(object))).alias("end"),
    )
    counted = (
        services.filter(pl.col("code").is_in(list(codes)))
        .join(ends, on="pregnancy_id")
        .filter(pl.col("date").is_between(pl.col("lmp_date"), pl.col("end")))
        .group_by("pregnancy_id")
        .agg(pl.col("date").n_unique().alias("checks"))
    )
    joined = frame.select("pregnancy_id").join(counted, on="pregnancy_id", how="left")
    return joined["checks"].fill_null(0).to_numpy()


def _place(frame: pl.DataFrame) -> pl.Series:
    """In a health facility, for a birth whose place is known (null otherwise)."""
    known = pl.col("outcome").is_in(list(BIRTHS)) & (pl.col("delivery_place").fill_null("") != "")
    institutional = pl.col("delivery_place") == DeliveryPlace.INSTITUTIONAL
    return frame.select(pl.when(known).then(institutional).alias("place"))["place"]


def _low_weight(frame: pl.DataFrame, births: pl.DataFrame, below: float) -> pl.Series:
    weights = births.group_by("pregnancy_id").agg(pl.col("weight").min().alias("lightest"))
    joined = frame.select("pregnancy_id").join(weights, on="pregnancy_id", how="left")
    return joined.select(pl.col("lightest") < below)["lightest"]


def _premature(frame: pl.DataFrame, below: float) -> pl.Series:
    return frame.select(pl.col("weeks_at_birth") < below)["weeks_at_birth"]


def _anemic(frame: pl.DataFrame, hb: pl.DataFrame, profile: Profile) -> pl.Series:
    """The latest Hb test of each pregnancy, adjusted and classified by its trimester."""
    latest = (
        hb.sort("date")
        .group_by("pregnancy_id")
        .last()
        .join(frame.select("pregnancy_id", "lmp_date"), on="pregnancy_id")
    )
    if latest.is_empty() or profile.anemia is None:
        return pl.Series("anemic", [None] * frame.height, dtype=pl.Boolean)
    weeks = ((latest["date"] - latest["lmp_date"]).dt.total_days() // 7).to_numpy()
    assessed = assess_hemoglobin(
        profile.anemia,
        hemoglobin=latest["hb"].to_numpy(),
        altitude_m=latest["alt"].fill_null(np.nan).to_numpy(),
        test_date=latest["date"].to_numpy().astype("datetime64[D]"),
        age_months=np.full(latest.height, np.nan),
        sex=np.full(latest.height, "F"),
        gestational_weeks=weeks.astype(np.float64),
    )
    known = ~np.isnan(assessed["adjusted"])
    classified = pl.DataFrame(
        {
            "pregnancy_id": latest["pregnancy_id"],
            "anemic": pl.Series(
                [bool(a) if k else None for a, k in zip(assessed["anemic"], known, strict=True)],
                dtype=pl.Boolean,
            ),
        }
    )
    return frame.select("pregnancy_id").join(classified, on="pregnancy_id", how="left")["anemic"]
