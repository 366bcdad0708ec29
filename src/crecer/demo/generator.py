"""The whole synthetic population of a territory: children, service events, growth checks and
Hb tests, generated one department at a time (each from its own random stream, so memory stays
bounded at national scale and a department's data do not depend on the others'). Pure: frames
and a profile in, frames out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from crecer.demo import measurements, population, services, targets
from crecer.norms.model import Profile


@dataclass(frozen=True)
class Population:
    """One chunk (a department, or everything concatenated)."""

    children: pl.DataFrame
    services: pl.DataFrame  # child, date, code, lab, requirement, facility
    growth: pl.DataFrame  # child, date, facility, weight_kg, length_cm, measure, oedema, …
    hemoglobin: pl.DataFrame  # child, date, facility, hb_observed, altitude_m, altitude_source

    @classmethod
    def concat(cls, parts: list[Population]) -> Population:
        return cls(*(pl.concat([getattr(p, name) for p in parts]) for name in cls.FIELDS))

    FIELDS = ("children", "services", "growth", "hemoglobin")


def department_targets(departments: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Stunting and anemia targets (%) of each department: its own figure or the national."""
    stunting = {
        d: targets.STUNTING_BY_DEPARTMENT.get(d, targets.NATIONAL_STUNTING).value
        for d in departments
    }
    anemia = {
        d: targets.ANEMIA_BY_DEPARTMENT.get(d, targets.NATIONAL_ANEMIA).value for d in departments
    }
    return stunting, anemia


def generate(
    districts: pl.DataFrame,
    centers: pl.DataFrame,
    facilities: pl.DataFrame,
    *,
    profile: Profile,
    seed: int,
    factor: float,
    as_of: date,
    offsets: dict[str, int] | None = None,
) -> Iterator[Population]:
    """Yield the population of each department of ``districts`` (frames as
    :func:`crecer.demo.population.prepare_districts` returns them), in code order.

    ``offsets`` gives each district's first running number (identifiers derive from it);
    by default districts are numbered one after the other from 0. A department's districts
    must be numbered consecutively (true of any scope laid out in ubigeo order)."""
    counts = population.child_counts(districts, factor)
    departments = districts["department"].to_numpy()
    if offsets is None:
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        offsets = dict(zip(districts["ubigeo"].to_list(), starts.tolist(), strict=True))
    for department in sorted(set(departments)):
        rows = np.flatnonzero(departments == department)
        rng = np.random.default_rng([seed, int(department)])
        part = districts[rows]
        yield generate_department(
            part,
            centers.filter(pl.col("ubigeo").is_in(part["ubigeo"].implode())),
            facilities.filter(pl.col("ubigeo").is_in(part["ubigeo"].implode())),
            profile=profile,
            rng=rng,
            factor=factor,
            as_of=as_of,
            id_offset=int(offsets[part["ubigeo"][0]]),
        )


def generate_department(
    districts: pl.DataFrame,
    centers: pl.DataFrame,
    facilities: pl.DataFrame,
    *,
    profile: Profile,
    rng: np.random.Generator,
    factor: float,
    as_of: date,
    id_offset: int,
) -> Population:
    children = population.generate_children(
        districts, centers, facilities, rng=rng, as_of=as_of, factor=factor, id_offset=id_offset
    )
    schedules = profile.schedules
    assert schedules is not None
    assert profile.anemia is not None
    arrays = services.Children.of(children, schedules.lbw_below_g, schedules.premature_below_weeks)
    engaged = services.engagement(rng, arrays)
    events = services.service_events(
        arrays,
        schedules.in_force("child", as_of),
        rng=rng,
        as_of=as_of,
        engaged=engaged,
        hb_test_code=profile.services.hb_test.recorded_as,
    )
    # Children of a chunk have consecutive running numbers: an event's row in ``children``
    # is its number minus the first (a gather, cheaper than a join over millions of rows).
    context = children.select(
        "birth_date",
        "sex",
        "department",
        "poverty",
        "rural",
        "altitude_m",
        "altitude_source",
        pl.col("facility_code").alias("facility"),
        pl.Series("small", arrays.small),
    )
    rows = events["child"].to_numpy() - id_offset
    events = pl.concat([events, context[rows]], how="horizontal").with_columns(
        (pl.col("date") - pl.col("birth_date")).dt.total_days().alias("age_days")
    )
    stunting, anemia = department_targets(children["department"].unique().to_list())
    # Events are sorted by child and date, one per code and day; CRED windows do not overlap
    # and Hb tests share one code, so visits and tests are already one per child and day.
    visits = events.filter(pl.col("requirement").is_in(["cred", "cred_newborn"]))
    # Most CRED checks record a measurement; a few are counselling only.
    visits = visits.filter(pl.Series(rng.random(visits.height) < 0.97))
    window = profile.analytics.measurement_window_days if profile.analytics else 365
    growth = measurements.growth_checks(
        visits,
        rng=rng,
        stunting_target=stunting,
        overweight_target=targets.OVERWEIGHT.value,
        as_of=as_of,
        window_days=window,
    )
    events = events.with_row_index("__row")
    tests = measurements.hemoglobin_tests(
        events.filter(pl.col("requirement") == "hb"),
        rng=rng,
        anemia_target=anemia,
        norms=profile.anemia,
        rule=targets.ENDES_ANEMIA_RULE,
        as_of=as_of,
        window_days=window,
    )
    # The HIS row of an Hb test carries its value in LAB, as HIS-MINSA records it.
    hb_text = pl.repeat(None, events.height, dtype=pl.String, eager=True).scatter(
        tests["__row"], tests["hb_observed"].cast(pl.String)
    )
    events = events.with_columns(pl.coalesce(hb_text, pl.col("lab")).alias("lab"))
    return Population(
        children=children,
        services=events.select("child", "date", "code", "lab", "requirement", "facility"),
        growth=growth.select(
            "child", "date", "facility", "weight_kg", "length_cm", "measure", "oedema",
            "gross_error",
        ),
        hemoglobin=tests.select(
            "child", "date", "facility", "hb_observed", "altitude_m", "altitude_source"
        ),
    )  # fmt: skip
