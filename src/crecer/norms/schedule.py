"""Schedules: what a child, a pregnancy or a puerperium is due by age in days, as data."""

from __future__ import annotations

import math
from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator

from crecer.norms.base import Cited, LocalizedText, Strict

Population = Literal["all", "term", "lbw_or_premature"]
Subject = Literal["child", "pregnancy", "postpartum"]


def month_start_day(month: int, month_days: float) -> int:
    """First day (days since the origin) of the ``month``-th month, months of ``month_days``.

    Month 1 starts on day 0; month ``m`` once ``m - 1`` months have been completed, i.e. on the
    first whole day at or after ``(m - 1) * month_days`` (with 30.4375-day months, month 5 of a
    pregnancy starts on day ceil(121.75) = 122 after the FUR).
    """
    if month < 1:
        raise ValueError(f"months are counted from 1, got {month}")
    # round first so that 28-day months (an exact product) do not suffer from float noise
    return math.ceil(round((month - 1) * month_days, 9))


class Dose(Cited):
    """One dose, check or test of a requirement; ages are days since the origin (birth, FUR)."""

    label: str = Field(min_length=1)
    from_day: int = Field(ge=0)
    to_day: int | None = Field(default=None, ge=0)
    due_day: int | None = Field(default=None, ge=0)
    required_from_day: int | None = Field(default=None, ge=0)
    # Months of pregnancy (the schedule's month_days turns them into days when it is read):
    # from_month m counts events from the first day of month m (from_day); before_month m counts
    # them up to the day before month m starts (to_day) and requires the dose from that day on.
    from_month: int | None = Field(default=None, ge=1)
    before_month: int | None = Field(default=None, ge=2)
    min_interval_days: int | None = Field(default=None, ge=0)
    max_interval_days: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def consistent(self) -> Dose:
        if self.to_day is not None and self.to_day < self.from_day:
            raise ValueError(f"dose {self.label!r}: to_day {self.to_day} < from_day")
        if (
            self.min_interval_days is not None
            and self.max_interval_days is not None
            and self.max_interval_days < self.min_interval_days
        ):
            raise ValueError(f"dose {self.label!r}: max_interval_days < min_interval_days")
        return self


class Requirement(Cited):
    """A series of doses counted from events whose code is in ``codes``.

    ``kind = "series"``: dose n counts only once dose n-1 has counted (vaccines, iron bottles).
    ``kind = "windows"``: each dose counts on its own (CRED checks, Hb tests).
    In both, an event counts for at most one dose, later than the previous counted dose.
    ``parallel = true``: the requirement counts the events of its codes on its own, even when
    another requirement counts the same events (the JUNTOS month rule and the MINSA prenatal
    schedule both count each prenatal check); such a requirement is left out of code routing.
    """

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: LocalizedText
    codes: list[str] = Field(min_length=1)
    kind: Literal["series", "windows"]
    population: Population = "all"
    grace_days: int = Field(default=0, ge=0)
    min_interval_days: int = Field(default=1, ge=0)
    parallel: bool = False
    source: str = Field(pattern=r"^[a-z0-9_\-]+$")
    doses: list[Dose] = Field(min_length=1)

    @model_validator(mode="after")
    def due_dates_make_sense(self) -> Requirement:
        labels = [dose.label for dose in self.doses]
        if len(labels) != len(set(labels)):
            raise ValueError(f"requirement {self.id!r}: dose labels repeat: {labels}")
        return self

    def due(self, dose: Dose) -> int:
        """Age (days) at which ``dose`` is due: it gives the next-due date."""
        return dose.from_day if dose.due_day is None else dose.due_day

    def required_from(self, dose: Dose) -> int:
        """Age (days) from which ``dose`` counts as required "for age"."""
        if dose.required_from_day is not None:
            return dose.required_from_day
        return self.due(dose) + self.grace_days

    def min_interval(self, dose: Dose) -> int:
        """Least days after the previous counted dose."""
        return self.min_interval_days if dose.min_interval_days is None else dose.min_interval_days

    def first_day(self) -> int:
        """The earliest age at which an event counts for any dose."""
        return min(dose.from_day for dose in self.doses)


class Flag(Cited):
    """A compound fact per person used by indicators.

    One of: ``all_of`` (requirements complete for age, or flags defined above it, all of them),
    ``any_of`` (the same, at least one of them: FED's alternative iron paths), or
    ``requirement`` + ``event_between_days``: a valid event of that requirement at those ages.
    """

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    all_of: list[str] = Field(default_factory=list)
    any_of: list[str] = Field(default_factory=list)
    requirement: str | None = None
    event_between_days: tuple[int, int] | None = None
    source: str = Field(pattern=r"^[a-z0-9_\-]+$")

    @model_validator(mode="after")
    def one_form(self) -> Flag:
        by_event = self.requirement is not None and self.event_between_days is not None
        partial = (self.requirement is None) != (self.event_between_days is None)
        if partial or [by_event, bool(self.all_of), bool(self.any_of)].count(True) != 1:
            raise ValueError(
                f"flag {self.id!r}: give either all_of, any_of, or requirement with "
                "event_between_days"
            )
        return self

    def names(self) -> list[str]:
        """The requirements and flags this flag combines (``all_of`` or ``any_of``)."""
        return self.all_of or self.any_of


class SameDayCode(Cited):
    """Events of ``code`` derived from the events of ``of`` on a day on which the subject also
    has an event of ``with_any`` (``without = true``: none of them). FED MC-02.01 counts iron
    "in the same visit as" an anemia diagnosis, or not in one; a visit is read as a day. The
    derived events are counted like any other by the requirements that list ``code``."""

    code: str = Field(min_length=1)
    of: list[str] = Field(min_length=1)
    with_any: list[str] = Field(min_length=1)
    without: bool = False
    source: str = Field(pattern=r"^[a-z0-9_\-]+$")

    @model_validator(mode="after")
    def distinct(self) -> SameDayCode:
        if self.code in self.of or self.code in self.with_any:
            raise ValueError(f"same-day code {self.code!r} is also among the codes it reads")
        return self


class Schedule(Cited):
    """The requirements and flags in force from ``valid_from`` for one kind of subject.

    ``month_days`` is the length of a month for doses given in months (``from_month``,
    ``before_month``): 30.4375 (a mean calendar month, 365.25 / 12) or 28 (four gestational
    weeks), say. It is required if any dose uses months; they become days when the profile is
    read (:func:`month_start_day`).
    """

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    valid_from: date
    month_days: float | None = Field(default=None, gt=0)
    requirements: list[Requirement] = Field(min_length=1)
    flags: list[Flag] = Field(default_factory=list)
    same_day_codes: list[SameDayCode] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def months_to_days(cls, data: Any) -> Any:
        """Turn each dose's months into days: ``from_month`` into ``from_day``; ``before_month``
        into ``to_day`` (the day before that month) and ``required_from_day`` (its first day)."""
        if not isinstance(data, dict):
            return data
        month_days = data.get("month_days")
        requirements = []
        for requirement in data.get("requirements", []):
            if isinstance(requirement, dict) and "doses" in requirement:
                doses = [_dose_in_days(dose, month_days) for dose in requirement["doses"]]
                requirement = {**requirement, "doses": doses}
            requirements.append(requirement)
        return {**data, "requirements": requirements} if "requirements" in data else data

    @model_validator(mode="after")
    def references_resolve(self) -> Schedule:
        by_id: dict[str, list[Requirement]] = {}
        for requirement in self.requirements:
            by_id.setdefault(requirement.id, []).append(requirement)
        for requirement_id, variants in by_id.items():
            _check_variants(requirement_id, variants)
        routed = [rid for rid in self.requirement_ids() if not by_id[rid][0].parallel]
        _check_code_routing(routed, by_id)
        known: set[str] = set(by_id)
        for flag in self.flags:
            if flag.id in known:
                raise ValueError(f"flag {flag.id!r} repeats the name of a requirement or flag")
            missing = [name for name in flag.names() if name not in known]
            if flag.requirement is not None and flag.requirement not in by_id:
                missing.append(flag.requirement)
            if missing:
                raise ValueError(
                    f"flag {flag.id!r} refers to {missing}, which are not requirements or "
                    "flags defined above it"
                )
            known.add(flag.id)
        return self

    def requirement_ids(self) -> list[str]:
        """Requirement ids in profile order, each once (variants share an id)."""
        return list(dict.fromkeys(requirement.id for requirement in self.requirements))

    def variants(self, requirement_id: str) -> list[Requirement]:
        return [r for r in self.requirements if r.id == requirement_id]


def _dose_in_days(dose: Any, month_days: Any) -> Any:
    if not isinstance(dose, dict):
        return dose
    from_month, before_month = dose.get("from_month"), dose.get("before_month")
    if from_month is None and before_month is None:
        return dose
    label = dose.get("label")
    if month_days is None:
        raise ValueError(f"dose {label!r} is given in months: the schedule needs month_days")
    days: dict[str, int] = {}
    if from_month is not None:
        days["from_day"] = month_start_day(int(from_month), float(month_days))
    if before_month is not None:
        limit = month_start_day(int(before_month), float(month_days))
        days |= {"to_day": limit - 1, "required_from_day": limit}
    for name, day in days.items():
        # a dumped and re-read schedule holds both, consistently; anything else contradicts
        given = dose.get(name)
        if given is not None and given != day:
            raise ValueError(f"dose {label!r}: {name} {given} contradicts its month ({day})")
    return {**dose, **days}


def _check_variants(requirement_id: str, variants: list[Requirement]) -> None:
    if len(variants) == 1:
        if variants[0].population != "all":
            raise ValueError(
                f"requirement {requirement_id!r} has only a {variants[0].population!r} variant; "
                "give the other population too, or population = 'all'"
            )
        return
    populations = sorted(variant.population for variant in variants)
    if populations != ["lbw_or_premature", "term"]:
        raise ValueError(
            f"requirement {requirement_id!r} is listed {len(variants)} times; variants must be "
            f"exactly one 'term' and one 'lbw_or_premature', got {populations}"
        )
    first = variants[0]
    for other in variants[1:]:
        if other.codes != first.codes or other.kind != first.kind:
            raise ValueError(f"variants of {requirement_id!r} must share codes and kind")
        if other.parallel != first.parallel:
            raise ValueError(f"variants of {requirement_id!r} must share parallel")


def _check_code_routing(ids: list[str], by_id: dict[str, list[Requirement]]) -> None:
    """A code may serve several requirements only if they start at different ages.

    An event then goes to the requirement that starts latest at or before the event's age.
    """
    starts: dict[str, dict[int, str]] = {}
    for requirement_id in ids:
        first_day = min(variant.first_day() for variant in by_id[requirement_id])
        for code in by_id[requirement_id][0].codes:
            taken = starts.setdefault(code, {})
            if first_day in taken:
                raise ValueError(
                    f"code {code!r} serves {taken[first_day]!r} and {requirement_id!r}, which "
                    f"both start at day {first_day}; an event could not be routed to one"
                )
            taken[first_day] = requirement_id


class RedatingBand(Strict):
    """An ultrasound done before gestational day ``before_day`` (as the ultrasound measures it)
    replaces the FUR's dating when the two differ by more than ``more_than_days``."""

    before_day: int = Field(gt=0)
    more_than_days: int = Field(ge=0)


class PregnancyDating(Cited):
    """When an ultrasound redates a pregnancy dated by its FUR: bands by the gestational age at
    the ultrasound, growing; an ultrasound past the last band never redates a known FUR, and
    one with no FUR known always dates the pregnancy."""

    bands: list[RedatingBand] = Field(min_length=1)

    @model_validator(mode="after")
    def bands_grow(self) -> PregnancyDating:
        days = [band.before_day for band in self.bands]
        if days != sorted(set(days)):
            raise ValueError(f"redating bands' before_day must grow strictly, got {days}")
        return self


class ScheduleNorms(Strict):
    """Schedules of a profile by subject, each versioned by ``valid_from``."""

    lbw_below_g: float = Field(gt=0)
    premature_below_weeks: float = Field(gt=0)
    child: list[Schedule] = Field(min_length=1)
    pregnancy: list[Schedule] = Field(default_factory=list)
    # the puerperium: days counted from the delivery date, not the FUR
    postpartum: list[Schedule] = Field(default_factory=list)
    # when an ultrasound replaces the FUR's dating (None: an ultrasound never redates)
    pregnancy_dating: PregnancyDating | None = None

    def in_force(self, subject: Subject, on: date) -> Schedule:
        """The schedule for ``subject`` with the latest ``valid_from`` on or before ``on``."""
        versions = sorted(getattr(self, subject), key=lambda schedule: schedule.valid_from)
        in_force = [schedule for schedule in versions if schedule.valid_from <= on]
        if not in_force:
            raise KeyError(f"no {subject} schedule in force on {on}")
        return in_force[-1]
