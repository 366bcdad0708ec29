"""Service events (HIS-MINSA codes) of each child, drawn from the country profile's schedule:
every dose of every requirement, with coverage, delays and drop-outs that vary by child and
district. Pure: a children frame and the profile's schedule in, an events frame out.

Each child has one "engagement" score shared by all services (the same families miss CRED,
vaccines and iron), lowered by poverty and rurality. A dose of a series is only given after the
previous one (drop-out); windowed checks (CRED, Hb) are independent. Dates never pass
``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from crecer.norms.schedule import Requirement, Schedule

# Coverage of the first dose and the share kept from one dose to the next, by requirement
# (assumptions chosen to land near the published coverage: CRED complete < 36 m ≈ 50 %,
# iron 6-35 m ≈ 31-36 %, vaccines < 12 m ≈ 64-75 % — indicators.md).
FIRST_DOSE = {
    "cred_newborn": 0.65, "cred": 0.85, "bcg": 0.95, "hvb": 0.85, "pentavalent": 0.92,
    "polio": 0.91, "rotavirus": 0.88, "pneumococcal": 0.9, "influenza": 0.7, "spr": 0.85,
    "varicella": 0.75, "yellow_fever": 0.6, "hepatitis_a": 0.65, "dpt": 0.75, "iron": 0.7,
    "hb": 0.75,
}  # fmt: skip
KEEP = {"cred": 0.975, "iron": 0.82, "hb": 0.8}
DEFAULT_KEEP = 0.94
SKIPPED = {"dni", "sis"}  # not services: they come from the registry's dates
# Hb tests after 12 months (NTS 213's later calendar is unconfirmed; a Crecer assumption):
# (age in days, share of children tested), code 85018.
LATER_HB = ((545, 0.3), (730, 0.3), (910, 0.2), (1095, 0.2))


@dataclass(frozen=True)
class Children:
    """The columns of the children frame the services need, as arrays."""

    child: np.ndarray
    birth: np.ndarray  # datetime64[D]
    age: np.ndarray  # days on as_of
    poverty: np.ndarray
    rural: np.ndarray
    small: np.ndarray  # low birth weight or premature: the profile's other schedule variant

    @classmethod
    def of(cls, frame: pl.DataFrame, lbw_below_g: float, premature_below_weeks: float) -> Children:
        return cls(
            child=frame["child"].to_numpy(),
            birth=frame["birth_date"].to_numpy().astype("datetime64[D]"),
            age=frame["age_days"].to_numpy(),
            poverty=frame["poverty"].to_numpy(),
            rural=frame["rural"].to_numpy(),
            small=(frame["birth_weight_g"].to_numpy() < lbw_below_g)
            | (frame["gestational_age_weeks"].to_numpy() < premature_below_weeks),
        )


def engagement(rng: np.random.Generator, children: Children) -> np.ndarray:
    """A child's latent use of services (logit scale): poorer, rural families use fewer."""
    n = len(children.child)
    return rng.normal(0, 0.9, n) - 1.2 * children.poverty - 0.4 * children.rural


def service_events(
    children: Children,
    schedule: Schedule,
    *,
    rng: np.random.Generator,
    as_of: date,
    engaged: np.ndarray,
) -> pl.DataFrame:
    """One row per service: ``child``, ``date``, ``code``, ``lab`` (dose label; the Hb value
    is added by the measurements), ``requirement``."""
    frames = []
    for requirement in schedule.requirements:
        if requirement.id in SKIPPED:
            continue
        eligible = np.ones(len(children.child), dtype=bool)
        if requirement.population == "term":
            eligible = ~children.small
        elif requirement.population == "lbw_or_premature":
            eligible = children.small
        frames.append(_doses(requirement, children, eligible, rng, as_of, engaged))
    frames.append(_later_hb(children, rng, as_of, engaged))
    events = pl.concat(frames).unique(["child", "date", "code"], keep="first", maintain_order=True)
    return events.sort("child", "date", "code")


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _doses(
    requirement: Requirement,
    children: Children,
    eligible: np.ndarray,
    rng: np.random.Generator,
    as_of: date,
    engaged: np.ndarray,
) -> pl.DataFrame:
    n = len(children.child)
    first = FIRST_DOSE.get(requirement.id, 0.8)
    keep = KEEP.get(requirement.id, DEFAULT_KEEP)
    ongoing = eligible.copy()
    previous = np.full(n, -1, dtype=np.int64)  # age (days) of the previous dose
    out = []
    for index, dose in enumerate(requirement.doses):
        p = first * keep**index
        take = _logistic(np.log(p / (1 - p)) + engaged) > rng.random(n)
        due = dose.due_day if dose.due_day is not None else dose.from_day
        end = dose.to_day if dose.to_day is not None else due + 60
        if requirement.kind == "windows":
            day = dose.from_day + (rng.random(n) * (end - dose.from_day + 1)).astype(np.int64)
            given = eligible & take
        else:
            # Most doses on time, some late (beyond the window: counted late or not at all).
            late = rng.random(n) < 0.12 + 0.1 * children.poverty
            delay = np.where(late, rng.integers(30, 120, n), rng.integers(0, 21, n))
            day = np.maximum(due + delay, previous + (dose.min_interval_days or 28))
            day = np.where(previous < 0, due + delay, day)
            given = ongoing & take
            ongoing = given
        given &= day <= children.age
        previous = np.where(given, day, previous)
        code = np.asarray(requirement.codes[:1] * n, dtype=object)
        if len(requirement.codes) > 1 and requirement.id not in {"cred", "cred_newborn", "hb"}:
            code = np.where(rng.random(n) < 0.2, requirement.codes[1], requirement.codes[0])
        out.append(
            pl.DataFrame(
                {
                    "child": children.child[given],
                    "date": children.birth[given] + day[given],
                    "code": code[given].astype(str),
                    "lab": np.full(
                        int(given.sum()), dose.label if requirement.kind == "series" else ""
                    ),
                    "requirement": np.full(int(given.sum()), requirement.id),
                },
                schema={
                    "child": pl.Int64,
                    "date": pl.Date,
                    "code": pl.String,
                    "lab": pl.String,
                    "requirement": pl.String,
                },
            )
        )
    # Two doses of one requirement on the same day are one event (and one HIS row).
    return pl.concat(out).unique(["child", "date", "code"], keep="first", maintain_order=True)


def _later_hb(
    children: Children, rng: np.random.Generator, as_of: date, engaged: np.ndarray
) -> pl.DataFrame:
    n = len(children.child)
    out = []
    for age, share in LATER_HB:
        day = age + rng.integers(0, 45, n)
        given = (_logistic(np.log(share / (1 - share)) + engaged) > rng.random(n)) & (
            day <= children.age
        )
        out.append(
            pl.DataFrame(
                {
                    "child": children.child[given],
                    "date": children.birth[given] + day[given],
                    "code": np.full(int(given.sum()), "85018"),
                    "lab": np.full(int(given.sum()), ""),
                    "requirement": np.full(int(given.sum()), "hb"),
                },
                schema_overrides={"date": pl.Date},
            )
        )
    return pl.concat(out)
