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
# (age in days, share of children tested), recorded as the profile's services.hb_test.recorded_as.
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
    hb_test_code: str,
) -> pl.DataFrame:
    """One row per service, sorted by child, date (and code index): ``child``, ``date``, ``code``,
    ``lab`` (dose label; the Hb value is added by the measurements), ``requirement``.
    ``hb_test_code``: the code of the later Hb tests (``services.hb_test.recorded_as``).

    Doses are collected as integer arrays (index of the child, age in days, and codes into
    ``_Labels``) and turned into text once, in Polars: building millions of Python strings
    per dose would dominate the time."""
    labels = _Labels()
    parts: list[tuple[np.ndarray, ...]] = []
    for requirement in schedule.requirements:
        if requirement.id in SKIPPED:
            continue
        eligible = np.ones(len(children.child), dtype=bool)
        if requirement.population == "term":
            eligible = ~children.small
        elif requirement.population == "lbw_or_premature":
            eligible = children.small
        parts += _doses(requirement, children, eligible, rng, engaged, labels)
    parts += _later_hb(children, rng, engaged, labels, hb_test_code)
    who, day, code, lab, requirement = (
        np.concatenate(column) for column in zip(*parts, strict=True)
    )
    frame = pl.DataFrame(
        {
            "child": children.child[who],
            "date": children.birth[who] + day,
            "code": code.astype(np.int32),
            "lab": lab.astype(np.int32),
            "requirement": requirement.astype(np.int32),
        },
        schema_overrides={"date": pl.Date},
    ).sort("child", "date", "code")
    # Two doses with one code on one day (overlapping windows) are one event, one HIS row.
    repeated = (
        (pl.col("child") == pl.col("child").shift())
        & (pl.col("date") == pl.col("date").shift())
        & (pl.col("code") == pl.col("code").shift())
    )
    frame = frame.filter(~repeated.fill_null(False))
    return frame.with_columns(labels.text("code"), labels.text("lab"), labels.text("requirement"))


class _Labels:
    """Small integer codes for the texts of codes, dose labels and requirement ids."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, int]] = {"code": {}, "lab": {"": 0}, "requirement": {}}

    def index(self, kind: str, text: str) -> int:
        return self.values[kind].setdefault(text, len(self.values[kind]))

    def text(self, kind: str) -> pl.Expr:
        mapping = {index: text for text, index in self.values[kind].items()}
        return pl.col(kind).replace_strict(mapping, return_dtype=pl.String)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _doses(
    requirement: Requirement,
    children: Children,
    eligible: np.ndarray,
    rng: np.random.Generator,
    engaged: np.ndarray,
    labels: _Labels,
) -> list[tuple[np.ndarray, ...]]:
    """(child index, age in days, code, label, requirement) arrays of each dose given."""
    n = len(children.child)
    first = FIRST_DOSE.get(requirement.id, 0.8)
    keep = KEEP.get(requirement.id, DEFAULT_KEEP)
    ongoing = eligible.copy()
    previous = np.full(n, -1, dtype=np.int64)  # age (days) of the previous dose
    first_code = labels.index("code", requirement.codes[0])
    other_code = labels.index("code", requirement.codes[-1])
    # CRED and Hb record their first code; vaccines and iron sometimes the alternative one
    # (pneumococcal 90677, IPV/OPV, MMN 99199.19 instead of iron drops).
    alternative = 0.2 if requirement.id not in {"cred", "cred_newborn", "hb"} else 0.0
    requirement_index = labels.index("requirement", requirement.id)
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
        code = np.where(rng.random(n) < alternative, other_code, first_code)
        label = labels.index("lab", dose.label if requirement.kind == "series" else "")
        who = np.flatnonzero(given)
        count = len(who)
        out.append(
            (who, day[who], code[who], np.full(count, label), np.full(count, requirement_index))
        )
    return out


def _later_hb(
    children: Children,
    rng: np.random.Generator,
    engaged: np.ndarray,
    labels: _Labels,
    hb_test_code: str,
) -> list[tuple[np.ndarray, ...]]:
    n = len(children.child)
    code = labels.index("code", hb_test_code)
    requirement = labels.index("requirement", "hb")
    out = []
    for age, share in LATER_HB:
        day = age + rng.integers(0, 45, n)
        given = (_logistic(np.log(share / (1 - share)) + engaged) > rng.random(n)) & (
            day <= children.age
        )
        who = np.flatnonzero(given)
        count = len(who)
        out.append(
            (who, day[who], np.full(count, code), np.zeros(count), np.full(count, requirement))
        )
    return out
