"""Decisions against the real database: merge and unmerge round-trip with both histories,
outside links flowing into the child's record and back, a re-run that changes nothing, an
incremental run that only looks at new records, and the review pages."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from crecer.health.models import GrowthCheck, ServiceRecord
from crecer.linkage import runs, services
from crecer.linkage.models import CandidatePair, LinkRun, Merge, OutsideRecord, PairStatus
from crecer.registry.models import Child
from tests.demo.frames import AS_OF

pytestmark = pytest.mark.django_db
DISTRICT = "050403"  # Huamanguilla (Huanta, Ayacucho), in the bundled hierarchy


def make(**fields) -> Child:
    values = {
        "paternal_surname": "QUISPE", "maternal_surname": "HUAMAN", "given_names": "ROSA",
        "sex": "2", "birth_date": date(2023, 3, 14), "district_id": DISTRICT,
        "mother_document_number": "41234567", "mother_given_names": "JUANA",
    } | fields  # fmt: skip
    child = Child(**values)
    child._change_reason = "registered"
    child.save()
    return child


def values(child: Child) -> dict:
    child.refresh_from_db()
    skip = {"updated_at", "search_name"}
    return {
        f.attname: getattr(child, f.attname)
        for f in Child._meta.concrete_fields
        if f.attname not in skip
    }


def pair_of(left: Child, right: Child) -> CandidatePair:
    run = LinkRun.objects.create(kind="dedupe")
    return CandidatePair.objects.create(
        run=run, left=left, right=right, rule="model", match_weight=20.0, proposed="review"
    )


def test_merge_and_unmerge_round_trip_keeps_both_histories(make_user):
    officer = make_user("officer", "registry_officer", DISTRICT)
    older = make(cnv="1000000001", programs="5")
    newer = make(dni="71234567", cui="71234567", programs="4", insurance="1",
                 sis_affiliation_date=date(2023, 4, 1), given_names="ROSA MARIA")  # fmt: skip
    ServiceRecord.objects.create(child=older, date=date(2023, 5, 1), code="99381")
    moved = ServiceRecord.objects.create(child=newer, date=date(2023, 6, 1), code="90722")
    kept = ServiceRecord.objects.create(child=newer, date=date(2023, 5, 1), code="99381")
    GrowthCheck.objects.create(child=newer, date=date(2023, 6, 1), weight_kg=6.1, length_cm=60)
    before = {older.pk: values(older), newer.pk: values(newer)}
    history = {c.pk: c.history.count() for c in (older, newer)}

    done = services.merge(pair_of(older, newer), officer, "same child, registered twice")

    survivor, merged = Child.objects.get(pk=older.pk), Child.objects.get(pk=newer.pk)
    assert survivor.dni == "71234567"
    assert survivor.cui == "71234567"
    assert merged.dni is None
    assert merged.record_status == "0"
    assert survivor.insurance == "1"
    assert survivor.programs == "4,5"
    assert survivor.given_names == "ROSA"  # the survivor's own data are not overwritten
    moved.refresh_from_db()
    kept.refresh_from_db()
    assert moved.child_id == survivor.pk  # the duplicate's events follow the child…
    assert kept.child_id == merged.pk  # …except one the survivor already has that day
    assert GrowthCheck.objects.get().child_id == survivor.pk
    assert Child.objects.active().filter(pk=merged.pk).count() == 0  # out of the indicators
    assert "duplicate of" in merged.history.first().history_change_reason
    assert merged.history.first().history_user == officer

    services.unmerge(done, officer, "they are cousins")

    assert values(older) == before[older.pk]
    assert values(newer) == before[newer.pk]
    assert ServiceRecord.objects.get(pk=moved.pk).child_id == newer.pk
    assert GrowthCheck.objects.get().child_id == newer.pk
    assert {c.pk: c.history.count() for c in (older, newer)} == {
        pk: n + 2
        for pk, n in history.items()  # merge and unmerge, both kept
    }
    done.refresh_from_db()
    assert done.undone_by == officer
    assert done.pair.status == PairStatus.UNDONE


def test_a_merge_is_refused_between_two_different_dnis():
    left, right = make(dni="71234567"), make(dni="71234568")
    with pytest.raises(services.LinkageError):
        services.merge(pair_of(left, right), None, "x")
    assert Child.objects.active().count() == 2


def test_an_outside_link_flows_into_the_record_and_is_undone(make_user):
    officer = make_user("officer", "registry_officer", DISTRICT)
    child = make(programs="")
    run = LinkRun.objects.create(kind="juntos", file_name="juntos.csv")
    record = OutsideRecord.objects.create(
        source="juntos", key="M1", run=run, line=2, raw={"given_names": "ROSA"}, ubigeo=DISTRICT
    )
    pair = CandidatePair.objects.create(
        run=run, left=child, outside=record, rule="model", match_weight=9.0, proposed="review"
    )
    services.accept(pair, officer, "checked with the family")
    child.refresh_from_db()
    assert child.programs == "4"  # JUNTOS
    assert child.history.first().history_change_reason.startswith("linked to")
    services.undo(pair, officer, "wrong family")
    child.refresh_from_db()
    record.refresh_from_db()
    assert child.programs == ""
    assert record.child is None
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.UNDONE


@pytest.fixture
def huamanguilla(tmp_path: Path) -> list[Child]:
    """About 2,000 generated children of Huamanguilla in the database, and five duplicates
    registered again without identifiers, each with one error."""
    call_command(
        "generate", "--as-of", AS_OF.isoformat(), "--scope", DISTRICT, "--factor", "2",
        "--into-db", "--out", str(tmp_path), "--outside-lists", stdout=StringIO(),
    )  # fmt: skip
    originals = list(Child.objects.exclude(mother_document_number="").order_by("pk")[:5])
    errors = [
        {"maternal_surname": ""},
        {"given_names": lambda c: c.given_names.split()[0]},
        {"mother_document_number": ""},
        {"paternal_surname": lambda c: c.maternal_surname,
         "maternal_surname": lambda c: c.paternal_surname},
        {"populated_center_name": "OTRO"},
    ]  # fmt: skip
    duplicates = []
    for original, error in zip(originals, errors, strict=True):
        copy = values(original)
        for key in ("id", "dni", "cui", "cnv", "padron_code", "created_at"):
            copy.pop(key)
        copy |= {k: v(original) if callable(v) else v for k, v in error.items()}
        duplicates.append(make(**copy))
    return list(zip(originals, duplicates, strict=True))


def test_dedupe_merges_duplicates_and_a_rerun_changes_nothing(huamanguilla):
    run = runs.dedupe(DISTRICT)
    merged = {(m.survivor_id, m.merged_id) for m in Merge.objects.all()}
    for original, duplicate in huamanguilla:
        assert (original.pk, duplicate.pk) in merged or CandidatePair.objects.filter(
            left=original, right=duplicate, status=PairStatus.PENDING
        ).exists()
    assert run.exact + run.auto >= 4  # at most one of five left to a person
    state = (CandidatePair.objects.count(), Merge.objects.count(), Child.history.count())

    again = runs.dedupe(DISTRICT)

    assert again.new_records == 0
    assert (CandidatePair.objects.count(), Merge.objects.count(), Child.history.count()) == state

    original = huamanguilla[0][0]
    copy = values(original)
    for key in ("id", "dni", "cui", "cnv", "padron_code", "created_at"):
        copy.pop(key)
    late = make(**copy | {"given_names": copy["given_names"] + " "})
    incremental = runs.dedupe(DISTRICT)
    assert incremental.new_records == 1
    assert incremental.records < run.records  # only the records around the new one
    assert CandidatePair.objects.filter(run=incremental, right=late).exists()


def test_the_review_queue_holds_no_pair_a_merge_would_refuse():
    """Twins with their own documents led the review queue (issue 18), though the merge refuses
    them: after a deduplication, every pair waiting for a person is one the merge can carry
    out. 5 % twins (--twins 0.05) of ~2,000 children: about 100 twin pairs, most with DNIs."""
    call_command(
        "generate", "--as-of", AS_OF.isoformat(), "--scope", DISTRICT, "--factor", "2",
        "--into-db", "--twins", "0.05", stdout=StringIO(),
    )  # fmt: skip
    documented_twins = sum(
        1
        for birth, mother, count in Child.objects.exclude(dni=None)
        .exclude(mother_document_number="")
        .values_list("birth_date", "mother_document_number")
        .annotate(n=Count("id"))
        .values_list("birth_date", "mother_document_number", "n")
        if count > 1
    )
    assert documented_twins > 20  # the refusal has pairs to act on
    runs.dedupe(DISTRICT)
    waiting = CandidatePair.objects.filter(status=PairStatus.PENDING, right__isnull=False)
    refused = [
        pair.pk
        for pair in waiting.select_related("left", "right")
        if services.conflict(pair.left, pair.right) is not None
    ]
    assert refused == []


def test_review_page_links_and_undoes_with_a_reason(client, make_user):
    officer = make_user("officer", "registry_officer", DISTRICT)
    left, right = make(), make(given_names="ROSA MARIA", mother_document_number="")
    pair = pair_of(left, right)
    pair.explanation = [{"field": "surnames", "level": "both equal", "weight": 9.2}]
    pair.save()
    client.force_login(officer)
    queue = client.get(reverse("linkage:queue"))
    assert queue.status_code == 200
    assert reverse("linkage:pair", args=[pair.pk]).encode() in queue.content
    page = client.get(reverse("linkage:pair", args=[pair.pk]))
    assert b"ambos iguales" in page.content  # the site speaks Spanish by default
    assert b"ROSA MARIA" in page.content
    refused = client.post(reverse("linkage:pair", args=[pair.pk]), {"decision": "link"})
    assert refused.status_code == 200  # a reason is required
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.PENDING
    client.post(reverse("linkage:pair", args=[pair.pk]), {"decision": "link", "reason": "same"})
    assert Merge.objects.filter(survivor=left, merged=right, undone_at=None).exists()
    client.post(reverse("linkage:undo", args=[pair.pk]), {"reason": "not the same"})
    assert Child.objects.get(pk=right.pk).record_status == "1"
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.UNDONE


def test_an_outside_list_links_its_rows_and_a_reread_changes_nothing(huamanguilla, tmp_path):
    registry_before = Child.objects.filter(insurance="1").count()
    run = runs.link_file(tmp_path / "sis.csv", "sis")
    rows = sum(1 for _ in (tmp_path / "sis.csv").open(encoding="utf-8")) - 1
    assert run.records == run.new_records == rows == OutsideRecord.objects.count()
    assert run.exact + run.auto + run.review + run.unlinked == rows
    assert run.exact + run.auto > 0.9 * rows  # linked by DNI/CNV or by the model
    linked = OutsideRecord.objects.exclude(child=None)
    assert linked.count() == run.exact + run.auto
    # The padrón had lost the SIS insurance of some listed children: linking gives it back.
    assert Child.objects.filter(insurance="1").count() > registry_before
    # Each child that gained a fact has a history row saying why; undoing the link restores it.
    record = linked.exclude(applied={}).first()
    child = record.child
    assert child.insurance == "1"
    assert record.applied["insurance"] != "1"
    assert child.history.first().history_change_reason == f"linked to outside list run #{run.pk}"
    pair = record.pairs.get(status=PairStatus.LINKED)
    services.undo(pair, None, "test")
    child.refresh_from_db()
    assert child.insurance == record.applied["insurance"]
    services.link_outside(CandidatePair.objects.get(pk=pair.pk), None, "test again")
    state = (CandidatePair.objects.count(), Child.history.count())
    again = runs.link_file(tmp_path / "sis.csv", "sis")
    assert again.new_records == 0
    assert (CandidatePair.objects.count(), Child.history.count()) == state
