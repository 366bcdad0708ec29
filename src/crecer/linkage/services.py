"""Decisions on candidate pairs, each one kept and reversible.

- :func:`merge` a registry duplicate into the surviving record (the older one, whose id stays
  stable): the duplicate is deactivated, never deleted; the identifiers and facts the survivor
  lacks, and the duplicate's health events, move to the survivor; both histories say why.
- :func:`link_outside`: an outside record (CNV, SIS, JUNTOS, Cuna Más) becomes the child's,
  and what it tells (insurance, program, birth weight…) flows into the child's record.
- :func:`unmerge` / :func:`unlink` undo exactly what was changed; :func:`reject` keeps the
  pair from being proposed again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from crecer.health.models import GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.ingest import bulk as ingest_bulk
from crecer.ingest.text import is_digits
from crecer.linkage.models import CandidatePair, Merge, OutsideRecord, PairStatus, RunKind
from crecer.linkage.records import IDENTIFIERS
from crecer.registry import bulk, codes
from crecer.registry.importer import apply_changes, polars_type
from crecer.registry.models import Child

# Identifiers move from the duplicate (each must stay unique, so it is cleared there first);
# two different numbers of one of them refuse the merge (conflict), the rule deduplication
# applies before proposing a pair (pipeline.without_refused).
MOVED_IDENTIFIERS = IDENTIFIERS
# Facts the survivor takes from the duplicate when it has none.
FILLED_FACTS = [
    "dni_status", "dni_status_date", "dni_issue_date", "birth_weight_g", "gestational_age_weeks",
    "insurance", "sis_affiliation_date", "mother_document_type", "mother_document_number",
    "mother_phone",
]  # fmt: skip
EVENT_MODELS = {"service": ServiceRecord, "growth": GrowthCheck, "hemoglobin": HemoglobinTest}
# Events are unique per child and day (and code): one the survivor already has stays put.
EVENT_KEYS = {"service": ["date", "code"], "growth": ["date"], "hemoglobin": ["date"]}


class LinkageError(ValueError):
    """A decision that cannot be carried out (the message says why, in the user's language)."""


def acting_user(user: Any) -> Any:
    """The user to record as deciding (None for commands and automatic runs)."""
    return user if getattr(user, "is_authenticated", False) else None


def _save(child: Child, user: Any, reason: str, fields: list[str] | None = None) -> None:
    child._change_reason = reason
    if user is not None and getattr(user, "is_authenticated", False):
        child._history_user = user
    child.save()


def _decide(pair: CandidatePair, status: str, user: Any, reason: str) -> None:
    pair.status = status
    pair.decided_by = acting_user(user)
    pair.decided_at = timezone.now()
    pair.reason = reason[:255]
    pair.save(update_fields=["status", "decided_by", "decided_at", "reason"])


def conflict(survivor: Child, merged: Child) -> str | None:
    """Why two registry records cannot be one child (None when they can)."""
    from django.utils.translation import gettext as _

    for field in MOVED_IDENTIFIERS:
        ours, theirs = getattr(survivor, field), getattr(merged, field)
        if ours and theirs and ours != theirs:
            return _("the two records have different %(field)s numbers") % {"field": field.upper()}
    if codes.RecordStatus.INACTIVE in (survivor.record_status, merged.record_status):
        return _("one of the records is no longer active")
    return None


@transaction.atomic
def merge(pair: CandidatePair, user: Any, reason: str) -> Merge:
    """Merge the pair's right child into its left (older) one."""
    survivor = Child.objects.select_for_update().get(pk=pair.left_id)
    merged = Child.objects.select_for_update().get(pk=pair.right_id)
    problem = conflict(survivor, merged)
    if problem:
        raise LinkageError(problem)
    why = f"merge: #{merged.pk} is a duplicate of #{survivor.pk} ({reason})"[:100]
    moved: dict[str, Any] = {"fields": {}, "record_status": merged.record_status}
    taken = {
        f: getattr(merged, f)
        for f in MOVED_IDENTIFIERS
        if getattr(merged, f) and not getattr(survivor, f)
    }
    for field in taken:
        moved["fields"][field] = [None, taken[field]]
        setattr(merged, field, None)
    merged.record_status = codes.RecordStatus.INACTIVE
    merged.deactivation_reason = f"duplicate of #{survivor.pk}"
    _save(merged, user, why)
    for field, value in taken.items():
        setattr(survivor, field, value)
    for field in FILLED_FACTS:
        ours, theirs = getattr(survivor, field), getattr(merged, field)
        if theirs not in (None, "") and ours in (None, ""):
            moved["fields"][field] = [ours, None]
            setattr(survivor, field, theirs)
    programs = sorted(set(survivor.program_list) | set(merged.program_list))
    if programs != survivor.program_list:
        moved["fields"]["programs"] = [survivor.programs, None]
        survivor.programs = ",".join(programs)
    _save(survivor, user, why)
    moved["events"] = _move_events(merged, survivor)
    done = Merge.objects.create(
        survivor=survivor, merged=merged, pair=pair, reason=reason[:255], moved=moved,
        user=acting_user(user),
    )  # fmt: skip
    _decide(pair, PairStatus.LINKED, user, reason)
    return done


def _move_events(source: Child, target: Child) -> dict[str, list[int]]:
    moved = {}
    for name, model in EVENT_MODELS.items():
        keys = EVENT_KEYS[name]
        held = set(model.objects.filter(child=target).values_list(*keys))
        ids = [
            pk
            for pk, *key in model.objects.filter(child=source).values_list("pk", *keys)
            if tuple(key) not in held
        ]
        model.objects.filter(pk__in=ids).update(child=target)
        moved[name] = ids
    return moved


@transaction.atomic
def unmerge(done: Merge, user: Any, reason: str) -> None:
    """Undo a merge: events go back, the survivor's fields get their old values back (unless
    changed since), and the duplicate is active again with its identifiers."""
    from django.utils.translation import gettext as _

    if done.undone_at is not None:
        raise LinkageError(_("this merge was already undone"))
    survivor = Child.objects.select_for_update().get(pk=done.survivor_id)
    merged = Child.objects.select_for_update().get(pk=done.merged_id)
    why = f"merge of #{merged.pk} into #{survivor.pk} undone ({reason})"[:100]
    for name, ids in done.moved.get("events", {}).items():
        EVENT_MODELS[name].objects.filter(pk__in=ids, child=survivor).update(child=merged)
    restored = {}
    for field, (survivor_old, merged_old) in done.moved.get("fields", {}).items():
        setattr(survivor, field, survivor_old)
        if merged_old is not None:
            restored[field] = merged_old
    _save(survivor, user, why)
    for field, value in restored.items():
        setattr(merged, field, value)
    merged.record_status = done.moved.get("record_status", codes.RecordStatus.ACTIVE)
    merged.deactivation_reason = ""
    _save(merged, user, why)
    done.undone_at = timezone.now()
    done.undone_by = acting_user(user)
    done.undo_reason = reason[:255]
    done.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    if done.pair is not None:
        _decide(done.pair, PairStatus.UNDONE, user, reason)


# What an outside record tells about the child: field -> value (None: leave as is).
def facts_of(
    record: OutsideRecord, child: Child, cnv_taken: set[str] | None = None
) -> dict[str, Any]:
    """``cnv_taken``: CNV numbers held by registry records, when known (else looked up)."""
    raw = record.raw
    facts: dict[str, Any] = {}
    if record.source == RunKind.CNV:
        taken = (
            record.key in cnv_taken
            if cnv_taken is not None
            else Child.objects.filter(cnv=record.key).exists()
        )
        if not child.cnv and not taken:
            facts["cnv"] = record.key
        for field in ("birth_weight_g", "gestational_age_weeks"):
            value = raw.get(field)
            if value and is_digits(str(value)) and getattr(child, field) is None:
                facts[field] = int(value)
        if raw.get("birth_facility") and not child.birth_facility:
            facts["birth_facility"] = raw["birth_facility"]
    elif record.source == RunKind.SIS:
        if child.insurance != codes.Insurance.SIS:
            facts["insurance"] = codes.Insurance.SIS.value
        affiliated = _iso_date(raw.get("sis_affiliation_date"))
        if affiliated and child.sis_affiliation_date is None:
            facts["sis_affiliation_date"] = affiliated
    else:
        program = codes.Program.JUNTOS
        if record.source == RunKind.CUNA_MAS:
            service = str(raw.get("service") or "").upper()
            program = codes.Program.CUNA_MAS_SAF if service == "SAF" else codes.Program.CUNA_MAS_SCD
        if program.value not in child.program_list:
            facts["programs"] = ",".join(sorted({*child.program_list, program.value}))
    return facts


@transaction.atomic
def link_outside(pair: CandidatePair, user: Any, reason: str) -> OutsideRecord:
    """Make the pair's outside record the left child's, and apply what it tells."""
    from django.utils.translation import gettext as _

    record = OutsideRecord.objects.select_for_update().get(pk=pair.outside_id)
    if record.child_id is not None and record.child_id != pair.left_id:
        raise LinkageError(_("this record is already linked to another child"))
    child = Child.objects.select_for_update().get(pk=pair.left_id)
    if child.record_status == codes.RecordStatus.INACTIVE:
        raise LinkageError(_("the child's record is no longer active"))
    facts = facts_of(record, child)
    record.applied = {field: _jsonable(getattr(child, field)) for field in facts}
    for field, value in facts.items():
        setattr(child, field, value)
    if facts:
        _save(child, user, f"linked to {record} ({reason})"[:100])
    record.child = child
    record.save(update_fields=["child", "applied"])
    _decide(pair, PairStatus.LINKED, user, reason)
    others = record.pairs.exclude(pk=pair.pk).filter(status=PairStatus.PENDING)
    for other in others:
        _decide(other, PairStatus.REJECTED, user, f"#{child.pk} was linked")
    return record


def link_outside_in_bulk(
    pairs: list[CandidatePair], user: Any, reason_of: Callable[[CandidatePair], str]
) -> list[CandidatePair]:
    """What :func:`link_outside` does, for the automatic links of a whole list at once: one
    write of the changed children with a history row each, one of the records and one of the
    pairs (pair by pair, a national list took hours). Returns the pairs linked; a pair that
    cannot be (its record linked to another child, the child inactive) stays for review."""
    from django.utils.translation import gettext as _

    records = OutsideRecord.objects.in_bulk([pair.outside_id for pair in pairs])
    children = Child.objects.in_bulk({pair.left_id for pair in pairs})
    cnv_keys = [r.key for r in records.values() if r.source == RunKind.CNV]
    cnv_taken = set(Child.objects.filter(cnv__in=cnv_keys).values_list("cnv", flat=True))
    now = timezone.now()
    linked, changed = [], {}
    for pair in pairs:
        record, child = records[pair.outside_id], children[pair.left_id]
        if record.child_id not in (None, child.pk) or (
            child.record_status == codes.RecordStatus.INACTIVE
        ):
            continue
        facts = facts_of(record, child, cnv_taken)
        record.applied = {field: _jsonable(getattr(child, field)) for field in facts}
        for field, value in facts.items():
            setattr(child, field, value)
        if facts:
            changed[child.pk] = child
            cnv_taken.add(facts.get("cnv", ""))
        record.child = child
        pair.status, pair.decided_by, pair.decided_at = PairStatus.LINKED, acting_user(user), now
        pair.reason = reason_of(pair)[:255]
        linked.append(pair)
    with transaction.atomic():
        why = f"linked to outside list run #{pairs[0].run_id}" if pairs else ""
        _rewrite(list(changed.values()), now, user, why)
        ingest_bulk.update_objects(
            [records[pair.outside_id] for pair in linked], ["child", "applied"]
        )
        ingest_bulk.update_objects(linked, ["status", "decided_by", "decided_at", "reason"])
        CandidatePair.objects.filter(
            outside_id__in=[pair.outside_id for pair in linked], status=PairStatus.PENDING
        ).update(
            status=PairStatus.REJECTED, decided_by=acting_user(user), decided_at=now,
            reason=_("the record was linked to another child")[:255],
        )  # fmt: skip
    return linked


def _rewrite(children: list[Child], now: Any, user: Any, reason: str) -> None:
    """Write changed children back in bulk with a history row each, as the importer does."""
    if not children:
        return
    fields = bulk.tracked_fields()
    schema = {"id": pl.Int64, **{f.attname: polars_type(f) for f in fields}}
    frame = pl.DataFrame(
        [[child.pk, *(getattr(child, f.attname) for f in fields)] for child in children],
        schema=schema,
        orient="row",
    )
    apply_changes(frame, now, getattr(acting_user(user), "pk", None), reason[:100])


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@transaction.atomic
def unlink(pair: CandidatePair, user: Any, reason: str) -> None:
    """Undo a link: the child's fields get back the values they had before it."""
    from django.utils.translation import gettext as _

    record = OutsideRecord.objects.select_for_update().get(pk=pair.outside_id)
    if record.child_id != pair.left_id or pair.status != PairStatus.LINKED:
        raise LinkageError(_("this pair is not linked"))
    child = Child.objects.select_for_update().get(pk=record.child_id)
    for field, value in record.applied.items():
        setattr(child, field, value)
    if record.applied:
        _save(child, user, f"link to {record} undone ({reason})"[:100])
    record.child = None
    record.applied = {}
    record.save(update_fields=["child", "applied"])
    _decide(pair, PairStatus.UNDONE, user, reason)


def reject(pair: CandidatePair, user: Any, reason: str) -> None:
    """Not the same child: the pair is kept, with the reason, and never proposed again."""
    _decide(pair, PairStatus.REJECTED, user, reason)


def accept(pair: CandidatePair, user: Any, reason: str) -> None:
    """Link a pair: merge duplicates, or link an outside record."""
    if pair.is_duplicate:
        merge(pair, user, reason)
    else:
        link_outside(pair, user, reason)


def undo(pair: CandidatePair, user: Any, reason: str) -> None:
    if pair.is_duplicate:
        done = Merge.objects.filter(pair=pair, undone_at__isnull=True).first()
        if done is None:
            from django.utils.translation import gettext as _

            raise LinkageError(_("this pair is not merged"))
        unmerge(done, user, reason)
    else:
        unlink(pair, user, reason)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
