"""Service events (HIS-MINSA codes) of each child, drawn from the country profile's schedule as
*contacts*: the birth, the CRED checks, the vaccination visits and the Hb tests. Pure: a
children frame and the profile's schedule in, an events frame out.

Why contacts and not doses: a child who comes to a visit gets every dose due at that visit, and
one who does not gets none of them. Drawing each antigen on its own (as this module first did)
gave 3/3 pentavalent with 0/4 polio, each antigen 64-72 % but all of them together 3 % (issue
18). So:

- **Birth.** In a facility birth (the child has a CNV) BCG and the hepatitis B birth dose are
  given on day 0 or 1, the window in which the HvB dose counts; HvB is not given later (it
  would count for nothing). A child born at home gets BCG at its first newborn check.
- **Vaccination visits.** The series doses of the schedule (vaccines and iron) are grouped by
  the age they are due at: 2 months (pentavalent 1, polio 1, rotavirus 1, pneumococcal 1),
  4 months, 6 months… A child attends a visit or not; at a visit it gets each dose due then
  unless that dose is past its last age (rotavirus after 240 days). Iron needs a family that
  accepts it, decided once per child. A visit comes at least 28 days after the child's
  previous one (the schedule's least interval between doses).
- **CRED checks** (and the newborn checks): one per window attended, on the same day of each
  window for a child (±2 days), so that consecutive checks are 28 days apart or more, as the
  schedule requires. The newborn checks are a series whose ages overlap (FED counts them by
  their spacing): each is drawn from its due day up to the next one's, then spaced as the
  schedule requires.
- **Hb tests** in their windows, and later tests at 18, 24, 30 and 36 months.

Attendance at each contact is ``logistic(base + engagement − decline × age in years)``: the
child's engagement (:func:`engagement`, shared by every contact: the same families miss CRED,
vaccines and iron) is lowered by poverty and rurality, and attendance falls as children grow.
The bases are calibrated so that the product's indicators land near their published figures
(``targets.CATALOGUE``; ``tests/demo/test_calibration.py`` checks them). Dates never pass
``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from crecer.norms.schedule import Dose, Requirement, Schedule

ENGAGEMENT_SD = 1.3  # spread between families (logit scale): some come to everything, some not
# Attendance logit at age 0 and its fall per year of age, by contact (calibrated, see above;
# "cred" re-tuned to 6.0 when CRED for age took FED's reading, each check required once its
# window has closed: cred_u36 50.5 % in Ayacucho, 50.8 % in Lima, the figure 50.5 %).
BASE = {
    "cred_newborn": 1.6, "cred": 6.0, "visit": 1.25, "iron": 3.5, "hb": 2.2, "later_hb": -0.6,
}  # fmt: skip
DECLINE = {
    "cred_newborn": 0.0, "cred": 1.0, "visit": 0.5, "iron": 0.0, "hb": 0.6, "later_hb": 0.2,
}  # fmt: skip
# A visit missed on its day is made up late (30-90 days) with this probability.
LATE_SHARE = 0.35
BIRTH_IN_FACILITY_BCG = 0.98  # BCG before leaving the facility
HVB_AT_BIRTH = 0.93  # HvB within 24 h in a facility birth (stock-outs, night births)
# Families who take the preventive iron (logit, plus engagement): ENDES finds low use.
IRON_ACCEPT = 0.75
IRON_ENGAGEMENT = 0.6
BIRTH_DOSES = {"bcg", "hvb"}  # given at the birth contact, not at a visit
IRON = {"iron"}  # handed out at visits of their own
SKIPPED = {"dni", "sis"}  # not services: they come from the registry's dates
CHECKS = {"cred_newborn"}  # series drawn as checks (one per dose), not at vaccination visits
# Hb tests after 12 months (NTS 213's later calendar is unconfirmed; a Crecer assumption):
# ages in days, recorded as the profile's services.hb_test.recorded_as.
LATER_HB = (545, 730, 910, 1095)
MIN_VISIT_GAP = 28  # days between two visits of a child: the schedules' least dose interval


@dataclass(frozen=True)
class Children:
    """The columns of the children frame the services need, as arrays."""

    child: np.ndarray
    birth: np.ndarray  # datetime64[D]
    age: np.ndarray  # days on as_of
    poverty: np.ndarray
    rural: np.ndarray
    small: np.ndarray  # low birth weight or premature: the profile's other schedule variant
    in_facility: np.ndarray  # born in a facility (has a CNV): birth doses there

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
            in_facility=frame["has_cnv"].to_numpy(),
        )


def engagement(rng: np.random.Generator, children: Children) -> np.ndarray:
    """A child's latent use of services (logit scale): poorer, rural families use fewer than
    the others of their department. Centred on the department (``children`` is one), because
    the figures coverage is calibrated on are a department's or the nation's averages: a
    department's coverage lands near them whatever its mix of poor and rural districts."""
    n = len(children.child)
    poverty = children.poverty - children.poverty.mean() if n else children.poverty
    rural = children.rural - children.rural.mean() if n else children.rural
    return rng.normal(0, ENGAGEMENT_SD, n) - 1.2 * poverty - 0.4 * rural


def attends(
    rng: np.random.Generator, engaged: np.ndarray, contact: str, age_days: np.ndarray | int
) -> np.ndarray:
    """Whether each child comes to a contact of kind ``contact`` at ``age_days``."""
    logit = BASE[contact] + engaged - DECLINE[contact] * np.asarray(age_days) / 365.25
    return _logistic(logit) > rng.random(len(engaged))


Parts = list[tuple[np.ndarray, ...]]  # (child index, age in days, code, label, requirement)


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
    newborn = _first_newborn_check(schedule, children, rng, engaged)
    parts: Parts = []
    parts += _birth_doses(schedule, children, rng, labels, newborn)
    parts += _visits(schedule, children, rng, engaged, labels, iron=False)
    parts += _visits(schedule, children, rng, engaged, labels, iron=True)
    for requirement in schedule.requirements:
        if requirement.kind == "windows" or requirement.id in CHECKS:
            eligible = _eligible(requirement, children)
            first = newborn if requirement.id == "cred_newborn" else None
            parts += _windows(requirement, children, eligible, rng, engaged, labels, first)
    parts += _later_hb(children, rng, engaged, labels, hb_test_code)
    parts = [tuple(column[part[1] <= children.age[part[0]]] for column in part) for part in parts]
    who, day, code, lab, owner = (np.concatenate(column) for column in zip(*parts, strict=True))
    frame = pl.DataFrame(
        {
            "child": children.child[who],
            "date": children.birth[who] + day,
            "code": code.astype(np.int32),
            "lab": lab.astype(np.int32),
            "requirement": owner.astype(np.int32),
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


def _eligible(requirement: Requirement, children: Children) -> np.ndarray:
    if requirement.population == "term":
        return ~children.small
    if requirement.population == "lbw_or_premature":
        return children.small.copy()
    return np.ones(len(children.child), dtype=bool)


def _part(
    who: np.ndarray, day: np.ndarray, code: np.ndarray | int, label: int, requirement: int
) -> tuple[np.ndarray, ...]:
    count = len(who)
    codes = np.full(count, code) if isinstance(code, int) else code
    return (who, day, codes, np.full(count, label), np.full(count, requirement))


def _codes(
    rng: np.random.Generator, requirement: Requirement, labels: _Labels, who: np.ndarray
) -> np.ndarray:
    """The code each dose is recorded with: vaccines and iron sometimes the alternative one
    (pneumococcal 90677, IPV/OPV, MMN 99199.19 instead of iron drops)."""
    first = labels.index("code", requirement.codes[0])
    other = labels.index("code", requirement.codes[-1])
    return np.where(rng.random(len(who)) < 0.2, other, first)


def _first_newborn_check(
    schedule: Schedule, children: Children, rng: np.random.Generator, engaged: np.ndarray
) -> np.ndarray:
    """Age (days) of each child's first newborn check, -1 if none: a home-born child gets its
    BCG there. Drawn here so that the birth doses and the checks agree."""
    n = len(children.child)
    first = np.full(n, -1, dtype=np.int64)
    newborn = [r for r in schedule.requirements if r.id == "cred_newborn"]
    if not newborn:
        return first
    start, end = _span(newborn[0], 0)
    came = attends(rng, engaged, "cred_newborn", start)
    day = start + rng.integers(0, end - start + 1, n)
    return np.where(came, day, first)


def _span(requirement: Requirement, index: int) -> tuple[int, int]:
    """The ages a demo check of dose ``index`` is drawn in: its window; for a series whose
    doses' ages overlap (the newborn checks), from its due day to the day before the next's."""
    dose = requirement.doses[index]
    start = dose.from_day
    end = dose.to_day if dose.to_day is not None else dose.from_day + 60
    if requirement.kind == "series":
        start = max(requirement.due(dose), start)
        if index + 1 < len(requirement.doses):
            end = min(end, requirement.due(requirement.doses[index + 1]) - 1)
    return start, max(start, end)


def _birth_doses(
    schedule: Schedule,
    children: Children,
    rng: np.random.Generator,
    labels: _Labels,
    newborn: np.ndarray,
) -> Parts:
    """BCG and HvB on day 0-1 of a facility birth; BCG at the first newborn check otherwise."""
    n = len(children.child)
    born_day = rng.integers(0, 2, n)  # discharge the same or the next day
    out: Parts = []
    for requirement in schedule.requirements:
        if requirement.id not in BIRTH_DOSES:
            continue
        dose = requirement.doses[0]
        requirement_index = labels.index("requirement", requirement.id)
        label = labels.index("lab", dose.label)
        if requirement.id == "hvb":
            # Only within its window: a later birth dose would count for nothing.
            given = children.in_facility & (rng.random(n) < HVB_AT_BIRTH)
            day = np.minimum(born_day, dose.to_day if dose.to_day is not None else 1)
        else:
            at_birth = children.in_facility & (rng.random(n) < BIRTH_IN_FACILITY_BCG)
            given = at_birth | (newborn >= 0)
            day = np.where(at_birth, born_day, newborn)
        who = np.flatnonzero(given)
        out.append(
            _part(who, day[who], _codes(rng, requirement, labels, who), label, requirement_index)
        )
    return out


@dataclass(frozen=True)
class _Due:
    requirement: Requirement
    dose: Dose
    eligible: np.ndarray


def _visit_groups(schedule: Schedule, children: Children, iron: bool) -> dict[int, list[_Due]]:
    """The series doses other than the birth doses, by the day they are due: the vaccines, or
    (``iron``) the iron deliveries."""
    groups: dict[int, list[_Due]] = {}
    for requirement in schedule.requirements:
        if requirement.kind != "series" or requirement.id in SKIPPED | BIRTH_DOSES | CHECKS:
            continue
        if (requirement.id in IRON) != iron:
            continue
        eligible = _eligible(requirement, children)
        for dose in requirement.doses:
            due = requirement.due(dose)
            groups.setdefault(due, []).append(_Due(requirement, dose, eligible))
    return dict(sorted(groups.items()))


def _visits(
    schedule: Schedule,
    children: Children,
    rng: np.random.Generator,
    engaged: np.ndarray,
    labels: _Labels,
    *,
    iron: bool,
) -> Parts:
    """Every dose due at a visit, given together on the visit's day to the children who come.
    Iron is handed out at visits of its own (with the monthly checks), to the families who
    take it."""
    n = len(children.child)
    contact = "iron" if iron else "visit"
    # Some families come days after the due date every time; poorer ones of the department
    # later (centred like the engagement, for the same reason).
    poorer = children.poverty - (children.poverty.mean() if n else 0.0)
    habit = rng.exponential(np.clip(7.0 + 8.0 * poorer, 1.0, None), n).astype(np.int64)
    takes = np.ones(n, dtype=bool)
    if iron:
        takes = _logistic(IRON_ACCEPT + IRON_ENGAGEMENT * engaged) > rng.random(n)
    previous = np.full(n, -(10**6), dtype=np.int64)  # age (days) of the child's last visit
    out: Parts = []
    for due, doses in _visit_groups(schedule, children, iron).items():
        wanted = np.zeros(n, dtype=bool)
        for item in doses:
            wanted |= item.eligible
        wanted &= takes
        on_time = attends(rng, engaged, contact, due)
        late = ~on_time & (rng.random(n) < LATE_SHARE)
        day = due + habit + rng.integers(0, 8, n) + np.where(late, rng.integers(30, 91, n), 0)
        day = np.maximum(day, previous + MIN_VISIT_GAP)
        came = wanted & (on_time | late)
        previous = np.where(came, day, previous)
        for item in doses:
            given = came & item.eligible
            if item.dose.to_day is not None and not iron:
                given &= day <= item.dose.to_day  # not given past its last age (rotavirus)
            who = np.flatnonzero(given)
            out.append(
                _part(
                    who,
                    day[who],
                    _codes(rng, item.requirement, labels, who),
                    labels.index("lab", item.dose.label),
                    labels.index("requirement", item.requirement.id),
                )
            )
    return out


def _windows(
    requirement: Requirement,
    children: Children,
    eligible: np.ndarray,
    rng: np.random.Generator,
    engaged: np.ndarray,
    labels: _Labels,
    first: np.ndarray | None,
) -> Parts:
    """One check or test per window attended. CRED checks fall on the same day of each window
    for a child (±2 days): windows are 30 days or more apart, so checks stay 28 days apart."""
    n = len(children.child)
    contact = requirement.id if requirement.id in BASE else "hb"
    code = labels.index("code", requirement.codes[0])
    requirement_index = labels.index("requirement", requirement.id)
    lead = rng.integers(0, 7, n)  # the child's day within each window
    previous = np.full(n, -(10**6), dtype=np.int64)
    out: Parts = []
    for index, dose in enumerate(requirement.doses):
        start, end = _span(requirement, index)
        width = end - start
        if contact == "hb":
            day = start + (rng.random(n) * 0.6 * width).astype(np.int64)
        else:
            jitter = rng.integers(-2, 3, n)
            day = start + np.clip(lead * width // 30 + jitter, 0, width)
        if dose.min_interval_days is not None:
            day = np.maximum(day, previous + dose.min_interval_days)
        last = dose.to_day if dose.to_day is not None else end  # the dose's own last age
        came = attends(rng, engaged, contact, start) & eligible & (day <= last)
        if first is not None and index == 0:
            came, day = first >= 0, np.where(first >= 0, first, day)
        previous = np.where(came, day, previous)
        who = np.flatnonzero(came)
        out.append(_part(who, day[who], code, 0, requirement_index))
    return out


def _later_hb(
    children: Children,
    rng: np.random.Generator,
    engaged: np.ndarray,
    labels: _Labels,
    hb_test_code: str,
) -> Parts:
    n = len(children.child)
    code = labels.index("code", hb_test_code)
    requirement = labels.index("requirement", "hb")
    out: Parts = []
    for age in LATER_HB:
        day = age + rng.integers(0, 45, n)
        who = np.flatnonzero(attends(rng, engaged, "later_hb", age))
        out.append(_part(who, day[who], code, 0, requirement))
    return out
