"""A bimonthly cycle from its snapshot to its payment.

1. :func:`open_cycle` freezes the affiliated (and suspended) households of a territory, their
   active members and the evidence up to the cut-off — health events of the children and of the
   women's pregnancies, school terms — into the cycle's own rows, with a SHA-256 of their
   content: whatever the registry says later, the cycle verifies what it froze.
2. :func:`verify_cycle` runs the pure engine (:mod:`crecer.transfers`) on the frozen rows: a
   result per member and condition, an entitlement per household (plus accepted appeals not
   paid yet).
3. :func:`approve_cycle` — by another person than the one who prepared it (four eyes) — applies
   the standings: a household that did not comply is suspended, and the profile's number of
   suspensions disaffiliates it.
4. :func:`send_cycle` writes the payroll (one row per household paid) and stores its hash;
   :func:`reconcile` reads the bank's paid-back file and marks what was collected.

Each step is done by a user with the right (``Can.MANAGE_TRANSFERS``) and recorded on the cycle.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from crecer import transfers
from crecer.health.models import HemoglobinTest, ServiceRecord
from crecer.ingest import bulk
from crecer.juntos.models import (
    Adjustment,
    Affiliation,
    Cycle,
    CycleEvidence,
    CycleMember,
    CycleSchool,
    Entitlement,
    Household,
    Member,
    MemberRole,
    SchoolRecord,
    Stage,
    Status,
    Verification,
    Waiver,
)
from crecer.maternal.models import MaternalService, Outcome, Pregnancy
from crecer.norms import Profile
from crecer.territory.models import within

# How far before the period's end the evidence reaches: the longest window of a rule (a year)
# and a pregnancy's length, so every condition sees the events it may count.
LOOKBACK_DAYS = 400
POSTPARTUM_DAYS = 42
VERIFIED_STATUSES = (Status.AFFILIATED, Status.SUSPENDED)


class CycleError(ValueError):
    """A step asked of a cycle in the wrong stage, or by the wrong person."""


@dataclass(frozen=True)
class Frozen:
    members: int
    evidence: int
    school: int


def cycle_households(territory: str) -> QuerySet[Household]:
    households = Household.objects.filter(affiliation__status__in=VERIFIED_STATUSES)
    return households.filter(within(territory)) if territory else households


def _waived_districts(households: QuerySet[Household], start: date, end: date) -> set[str]:
    waivers = Waiver.objects.filter(period_start__lte=end, period_end__gte=start)
    prefixes = list(waivers.values_list("territory_code", flat=True))
    districts = set(households.values_list("district_id", flat=True).distinct())
    return {d for d in districts if any(d.startswith(p) for p in prefixes)}


def _pregnancy_dates(women: QuerySet, start: date, end: date, cutoff: date) -> tuple[dict, dict]:
    """Woman -> FUR of a pregnancy ongoing at some time in the period, and woman -> a delivery
    whose puerperium (42 days) reaches the period; as known at the cut-off."""
    lmp: dict[int, date] = {}
    delivery: dict[int, date] = {}
    pregnancies = Pregnancy.objects.filter(woman__in=women, lmp_date__lte=min(end, cutoff))
    for woman, fur, outcome, ended in pregnancies.values_list(
        "woman_id", "lmp_date", "outcome", "outcome_date"
    ).order_by("lmp_date"):
        ended_in_time = ended is not None and ended <= cutoff
        if outcome == Outcome.ONGOING or not ended_in_time or ended >= start:
            lmp[woman] = fur
        puerperium = ended is not None and ended >= start - timedelta(days=POSTPARTUM_DAYS)
        if outcome == Outcome.LIVE_BIRTH and ended_in_time and puerperium:
            delivery[woman] = ended
    return lmp, delivery


def _hash(rows: list[tuple]) -> str:
    digest = hashlib.sha256()
    for row in sorted(rows):
        digest.update(("|".join("" if v is None else str(v) for v in row) + "\n").encode())
    return digest.hexdigest()


def snapshot_hash(cycle: Cycle) -> str:
    """The SHA-256 of what ``cycle`` froze (recomputed from its rows: equal to the stored one
    unless a row was tampered with)."""
    return _content_hash(
        Gathered(
            list(cycle.members.values_list(*FROZEN_MEMBER_FIELDS)),
            list(cycle.evidence.values_list(*EVIDENCE_FIELDS)),
            list(cycle.school.values_list(*SCHOOL_FIELDS)),
        )
    )


def _content_hash(gathered: Gathered) -> str:
    return _hash(
        [("m", *r) for r in gathered.members]
        + [("e", *r) for r in gathered.evidence]
        + [("s", *r) for r in gathered.school]
    )


# What a frozen member holds, in the order the snapshot's hash reads it.
FROZEN_MEMBER_FIELDS = (
    "member_id", "household_id", "role", "birth_date", "lmp", "delivery", "facility_declared",
    "school_declared", "upper_secondary", "waived", "health_record",
)  # fmt: skip
SCHOOL_FIELDS = ("member_id", "term_start", "term_end", "enrolled", "days_attended", "days_absent")
EVIDENCE_FIELDS = ("member_id", "date", "code")


@dataclass
class Gathered:
    """What a cycle freezes, not stored yet: rows of :data:`FROZEN_MEMBER_FIELDS`,
    :data:`EVIDENCE_FIELDS` and :data:`SCHOOL_FIELDS` (tuples: a national cycle freezes
    millions of rows, too many to build as model objects)."""

    members: list[tuple]
    evidence: list[tuple]
    school: list[tuple]


def gather(
    households: QuerySet[Household], start: date, end: date, cutoff: date, profile: Profile
) -> Gathered:
    """The active members of ``households`` as of ``cutoff``, their health events (children's
    services and Hb tests, the women's pregnancy services) in the lookback before ``end`` and
    their school terms overlapping the period."""
    waived = _waived_districts(households, start, end)
    # The members' records are named by subqueries, not lists of ids: a national cycle's
    # million ids would pass the databases' limits on parameters (SQLite 32,766, PostgreSQL
    # 65,535).
    active = Member.objects.filter(household__in=households, active=True)
    children = active.filter(child__isnull=False).values("child_id")
    women = active.filter(woman__isnull=False).values("woman_id")
    members = list(
        active.values_list(
            "pk", "household_id", "household__district_id", "household__care_facility",
            "birth_date", "woman_id", "child_id", "school_code", "upper_secondary", "role",
        )
    )  # fmt: skip
    lmp, delivery = _pregnancy_dates(women, start, end, cutoff)
    frozen = [
        (
            pk, household, role, born, lmp.get(woman) if woman else None,
            delivery.get(woman) if woman else None, bool(facility), bool(school), upper,
            district in waived, child is not None or woman is not None,
        )
        for pk, household, district, facility, born, woman, child, school, upper, role in members
    ]  # fmt: skip
    window = {"date__gte": end - timedelta(days=LOOKBACK_DAYS), "date__lte": min(cutoff, end)}
    member_of_child = {row[6]: row[0] for row in members if row[6]}
    member_of_woman = {row[5]: row[0] for row in members if row[5]}
    hb_code = profile.services.hb_test.recorded_as
    found: list[tuple[int, date, str]] = [
        (member_of_child[child], day, code)
        for child, day, code in ServiceRecord.objects.filter(
            child__in=children, **window
        ).values_list("child_id", "date", "code")
    ]
    found += [
        (member_of_child[child], day, hb_code)
        for child, day in HemoglobinTest.objects.filter(child__in=children, **window).values_list(
            "child_id", "date"
        )
    ]
    found += [
        (member_of_woman[woman], day, code)
        for woman, day, code in MaternalService.objects.filter(
            pregnancy__woman__in=women, **window
        ).values_list("pregnancy__woman_id", "date", "code")
    ]
    # An Hb test and its HIS row are one event.
    evidence = sorted(set(found))
    school = list(
        SchoolRecord.objects.filter(
            member__in=active.values("pk"), term_start__lte=end, term_end__gte=start
        ).values_list(*SCHOOL_FIELDS)
    )
    return Gathered(frozen, evidence, school)


@transaction.atomic
def open_cycle(
    territory: str, period_start: date, period_end: date, cutoff: date, user: Any, profile: Profile
) -> Cycle:
    """Freeze the cycle's households, members and evidence as of ``cutoff``."""
    if period_end < period_start:
        raise CycleError("the period ends before it starts")
    cycle = Cycle.objects.create(
        territory_code=territory, period_start=period_start, period_end=period_end,
        cutoff=cutoff, prepared_by=user, snapshot_hash="",
    )  # fmt: skip
    gathered = gather(cycle_households(territory), period_start, period_end, cutoff, profile)
    for model, fields, rows in (
        (CycleMember, FROZEN_MEMBER_FIELDS, gathered.members),
        (CycleEvidence, EVIDENCE_FIELDS, gathered.evidence),
        (CycleSchool, SCHOOL_FIELDS, gathered.school),
    ):
        _insert(model, {"cycle_id": [cycle.pk] * len(rows)}, fields, rows)
    cycle.snapshot_hash = _content_hash(gathered)
    cycle._change_reason = "prepared: snapshot frozen"
    cycle.save()
    return cycle


POLARS_TYPES = {
    "DateField": pl.Date, "BooleanField": pl.Boolean, "CharField": pl.String,
    "PositiveSmallIntegerField": pl.Int64, "ForeignKey": pl.Int64,
}  # fmt: skip


def _insert(model: type, constant: dict[str, list], fields: tuple[str, ...], rows: list) -> None:
    """Rows (tuples of ``fields``, named by their column) into ``model``'s table in bulk
    (COPY on PostgreSQL, executemany on SQLite): no model object per row."""
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in fields]
    schema = {
        name: POLARS_TYPES[model._meta.get_field(name.removesuffix("_id")).get_internal_type()]
        for name in (*constant, *fields)
    }
    data = constant | dict(zip(fields, (list(c) for c in columns), strict=True))
    bulk.insert(model._meta.db_table, pl.DataFrame(data, schema=schema))


def _dates(values: Any) -> np.ndarray:
    return np.array([v if v is not None else "NaT" for v in values], dtype="datetime64[D]")


MEMBER_FIELDS = (
    "member_id", "household_id", "birth_date", "lmp", "delivery", "facility_declared",
    "school_declared", "upper_secondary", "waived", "health_record",
)  # fmt: skip


def _carries_conditions(role: str, lmp: date | None, delivery: date | None) -> bool:
    # A titular, head or spouse carries conditions only while pregnant or in the puerperium:
    # the others are frozen (the payroll names the titular) but not verified.
    return role == MemberRole.CHILD or lmp is not None or delivery is not None


def engine_columns(
    members: list[tuple], evidence: list[tuple], school: list[tuple]
) -> tuple[dict, dict, dict]:
    """Rows of :data:`MEMBER_FIELDS`, (member, date, code) and :data:`SCHOOL_FIELDS` as the
    engine's columns."""
    m = list(zip(*members, strict=True)) if members else [[] for _ in MEMBER_FIELDS]
    e = list(zip(*evidence, strict=True)) if evidence else [[], [], []]
    t = list(zip(*school, strict=True)) if school else [[] for _ in SCHOOL_FIELDS]
    return (
        {
            "member": np.array(m[0], dtype=np.int64),
            "household": np.array(m[1], dtype=np.int64),
            "birth_date": _dates(m[2]),
            "lmp": _dates(m[3]),
            "delivery": _dates(m[4]),
            "facility_declared": np.array(m[5], dtype=bool),
            "school_declared": np.array(m[6], dtype=bool),
            "upper_secondary": np.array(m[7], dtype=bool),
            "waived": np.array(m[8], dtype=bool),
            "health_record": np.array(m[9], dtype=bool),
        },
        {
            "member": np.array(e[0], dtype=np.int64),
            "date": _dates(e[1]),
            "code": np.array(e[2], dtype=object),
        },
        {
            "member": np.array(t[0], dtype=np.int64),
            "term_start": _dates(t[1]),
            "term_end": _dates(t[2]),
            "enrolled": np.array(t[3], dtype=bool),
            "days_attended": np.array(t[4], dtype=np.int64),
            "days_absent": np.array(t[5], dtype=np.int64),
        },
    )


def frozen_arrays(cycle: Cycle) -> tuple[dict, dict, dict]:
    """The cycle's frozen members (those who carry conditions), evidence and school terms as
    the engine's columns."""
    carriers = cycle.members.filter(
        Q(role=MemberRole.CHILD) | Q(lmp__isnull=False) | Q(delivery__isnull=False)
    )
    return engine_columns(
        list(carriers.order_by("member_id").values_list(*MEMBER_FIELDS)),
        list(cycle.evidence.values_list("member_id", "date", "code")),
        list(cycle.school.values_list(*SCHOOL_FIELDS)),
    )


def gathered_arrays(gathered: Gathered) -> tuple[dict, dict, dict]:
    """:func:`frozen_arrays` of what :func:`gather` found, without storing it."""
    at = [FROZEN_MEMBER_FIELDS.index(name) for name in MEMBER_FIELDS]
    role, lmp, delivery = (FROZEN_MEMBER_FIELDS.index(n) for n in ("role", "lmp", "delivery"))
    members = sorted(
        tuple(row[i] for i in at) for row in gathered.members
        if _carries_conditions(row[role], row[lmp], row[delivery])
    )  # fmt: skip
    return engine_columns(members, gathered.evidence, gathered.school)


def _money(value: Any) -> Decimal:
    return Decimal(str(round(float(value), 2)))


@transaction.atomic
def verify_cycle(cycle: Cycle, user: Any, profile: Profile) -> None:
    """Verify every frozen member and condition, then each household's entitlement."""
    if cycle.stage != Stage.PREPARED:
        raise CycleError(f"cycle is {cycle.stage}, not prepared")
    members, events, school = frozen_arrays(cycle)
    start, end = np.datetime64(cycle.period_start), np.datetime64(cycle.period_end)
    result = transfers.verify_members(members, events, school, start, end, profile)
    cycle.verifications.all().delete()
    due = result["due_by"]
    bulk.insert(
        Verification._meta.db_table,
        pl.DataFrame(
            {
                "cycle_id": np.full(len(due), cycle.pk, np.int64),
                "member_id": result["member"],
                "household_id": result["household"],
                "condition": result["condition"].astype(str),
                "status": result["status"].astype(str),
                "required": result["required"],
                "done": result["done"],
                "due_by": due,
                "reason": result["reason"].astype(str),
            }
        ).with_columns(pl.col("due_by").cast(pl.Date)),
    )
    owed = transfers.household_entitlements(result, members, end, profile)
    pending = _pending_adjustments(cycle)
    entitlements = []
    for h, complies, base, tpi, tas, total, why in zip(
        owed["household"], owed["complies"], owed["base"], owed["tpi"], owed["tas"],
        owed["total"], owed["reason"], strict=True,
    ):  # fmt: skip
        extra = pending.get(int(h), Decimal(0))
        entitlements.append(
            Entitlement(
                cycle=cycle,
                household_id=int(h),
                complies=bool(complies),
                base=_money(base),
                tpi=_money(tpi),
                tas=_money(tas),
                adjustments=extra,
                total=_money(total) + extra,
                reason=str(why),
            )
        )
    cycle.entitlements.all().delete()
    Entitlement.objects.bulk_create(entitlements, batch_size=5000)
    # The accepted appeals owed now are paid by this cycle (and by no other).
    _adjustments_owed(cycle).update(paid_in=cycle)
    cycle.stage, cycle.verified_by, cycle.verified_at = Stage.VERIFIED, user, timezone.now()
    cycle._change_reason = "verified"
    cycle.save()


def _adjustments_owed(cycle: Cycle) -> QuerySet[Adjustment]:
    """Accepted appeals of the cycle's households that no cycle pays yet."""
    return Adjustment.objects.filter(
        paid_in=None, household__in=cycle.members.values("household_id")
    ).exclude(appeal__cycle=cycle)


def _pending_adjustments(cycle: Cycle) -> dict[int, Decimal]:
    owed: dict[int, Decimal] = {}
    for household, amount in _adjustments_owed(cycle).values_list("household_id", "amount"):
        owed[household] = owed.get(household, Decimal(0)) + amount
    return owed


@transaction.atomic
def approve_cycle(cycle: Cycle, user: Any, profile: Profile) -> None:
    """Approve a verified cycle — not by who prepared it — and apply the standings."""
    if cycle.stage != Stage.VERIFIED:
        raise CycleError(f"cycle is {cycle.stage}, not verified")
    if user is not None and user.pk in (cycle.prepared_by_id, cycle.verified_by_id):
        raise CycleError("the approver must be another person than who prepared and verified it")
    rows = list(cycle.entitlements.values_list("household_id", "complies").order_by("household"))
    verified = cycle.entitlements.values("household_id")
    affiliations = {a.household_id: a for a in Affiliation.objects.filter(household__in=verified)}
    households = np.array([h for h, _c in rows], dtype=np.int64)
    before = np.array([affiliations[h].suspensions for h in households], dtype=np.int64)
    complies = np.array([c for _h, c in rows], dtype=bool)
    after, suspended, disaffiliated = transfers.next_standing(before, complies, profile)
    # Saved in bulk, a batch per reason (the history keeps each change with its reason): a
    # national cycle changes tens of thousands of standings.
    changes: dict[str, list[Affiliation]] = {}
    for index, household in enumerate(households.tolist()):
        affiliation = affiliations[household]
        status = (
            Status.DISAFFILIATED if disaffiliated[index]
            else Status.SUSPENDED if suspended[index] else Status.AFFILIATED
        )  # fmt: skip
        changed = status != affiliation.status or int(after[index]) != affiliation.suspensions
        if not changed:
            continue
        affiliation.status, affiliation.suspensions = status, int(after[index])
        affiliation.since = cycle.period_end
        affiliation.reason = f"cycle {cycle.pk}: " + (
            "complied" if complies[index] else f"did not comply ({after[index]} suspensions)"
        )
        changes.setdefault(affiliation.reason, []).append(affiliation)
    for reason, changed_rows in changes.items():
        bulk.update_objects(changed_rows, ["status", "suspensions", "since", "reason"])
        Affiliation.history.bulk_history_create(
            changed_rows, batch_size=5000, update=True, default_user=user,
            default_change_reason=reason,
        )  # fmt: skip
    cycle.stage, cycle.approved_by, cycle.approved_at = Stage.APPROVED, user, timezone.now()
    cycle._change_reason = "approved"
    cycle.save()


def bimester(day: date) -> tuple[date, date]:
    """The two-month period (January-February, March-April…) that holds ``day``."""
    start = date(day.year, day.month - (day.month - 1) % 2, 1)
    after = date(start.year + (start.month + 2 > 12), (start.month + 1) % 12 + 1, 1)
    return start, after - timedelta(days=1)


@dataclass(frozen=True)
class AtRisk:
    """A household that would not be paid if the period were verified today, and why: each
    member's condition that fails, with what is missing and by when it is due."""

    household: Household
    failing: list[dict[str, Any]]


def at_risk(
    households: QuerySet[Household], today: date, profile: Profile
) -> tuple[tuple[date, date], list[AtRisk]]:
    """Verify the affiliated ``households`` on the current bimester with the evidence known
    today (nothing is stored): those that would fail, before the cut-off, while a check can
    still be done."""
    start, end = bimester(today)
    affiliated = households.filter(affiliation__status__in=VERIFIED_STATUSES)
    gathered = gather(affiliated, start, end, today, profile)
    members, events, school = gathered_arrays(gathered)
    first, last = np.datetime64(start), np.datetime64(end)
    result = transfers.verify_members(members, events, school, first, last, profile)
    owed = transfers.household_entitlements(result, members, last, profile)
    failing = {int(h) for h, ok in zip(owed["household"], owed["complies"], strict=True) if not ok}
    norms = profile.juntos
    tpi = {item.id for item in norms.tpi.package} if norms is not None else set()
    rows: dict[int, list[dict[str, Any]]] = {}
    for m, h, c, st, req, done, due, why in zip(
        result["member"], result["household"], result["condition"], result["status"],
        result["required"], result["done"], result["due_by"], result["reason"], strict=True,
    ):  # fmt: skip
        if int(h) in failing and st in ("not_complied", "not_verifiable") and c not in tpi:
            rows.setdefault(int(h), []).append(
                {
                    "member": int(m),
                    "condition": str(c),
                    "status": str(st),
                    "required": int(req),
                    "done": int(done),
                    "due_by": None if np.isnat(due) else due.item(),
                    "reason": str(why),
                }
            )
    found = Household.objects.in_bulk(list(failing))
    listed = [
        AtRisk(found[h], rows.get(h, [])) for h in sorted(failing, key=lambda h: found[h].code)
    ]
    return (start, end), listed
