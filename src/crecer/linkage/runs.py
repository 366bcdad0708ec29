"""Linkage runs against the database: read the registry (and an outside file), run the pure
pipeline, store the candidate pairs that are new, and carry out the automatic decisions.

Runs are incremental: a pair already stored (whatever its status) is never proposed again, an
outside record already read is not read again, and a deduplication run after the first compares
only the children registered since with the registry around them, using the model trained by
the first run. A re-run over unchanged data changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Q

from crecer.ingest.columns import UnreadableFile
from crecer.ingest.files import file_sha256
from crecer.linkage import pipeline, records, services
from crecer.linkage.models import CandidatePair, LinkRun, OutsideRecord, PairStatus, RunKind
from crecer.linkage.sources import SOURCES
from crecer.norms.model import Linkage
from crecer.profile import current_profile
from crecer.registry.models import Child
from crecer.territory.models import within

Report = Callable[[str], None]
READ_CHUNK = 50_000
REGISTRY_FIELDS = [
    "id", "padron_code", "dni", "cui", "cnv", "paternal_surname", "maternal_surname",
    "given_names", "birth_date", "sex", "mother_document_number", "mother_paternal_surname",
    "mother_maternal_surname", "mother_given_names", "district_id", "populated_center_name",
]  # fmt: skip


def norms() -> Linkage:
    return current_profile().linkage


def registry_frame(children: Any) -> pl.DataFrame:
    """Active children of a queryset as linkage records (``unique_id`` = the child's id), read
    in chunks so that a department of a million children never sits in Python tuples at once."""
    schema = dict.fromkeys(REGISTRY_FIELDS, pl.String) | {"id": pl.Int64, "birth_date": pl.Date}
    rows = children.active().order_by().values_list(*REGISTRY_FIELDS)
    parts, batch = [], []
    for row in rows.iterator(chunk_size=READ_CHUNK):
        batch.append(row)
        if len(batch) == READ_CHUNK:
            parts.append(pl.DataFrame(batch, schema=schema, orient="row"))
            batch = []
    parts.append(pl.DataFrame(batch, schema=schema, orient="row"))
    frame = pl.concat(parts)
    return records.from_registry(frame.with_columns(pl.col(pl.String).replace("", None)))


# --- deduplication ----------------------------------------------------------------------------


def dedupe(scope: str = "", user: Any = None, report: Report | None = None) -> LinkRun:
    """Find duplicates among the active children of ``scope`` (a ubigeo prefix, "" national)."""
    say = report or (lambda text: None)
    started = time.monotonic()
    children = Child.objects.filter(within(scope)) if scope else Child.objects.all()
    last = LinkRun.objects.filter(kind=RunKind.DEDUPE, scope=scope).first()
    frame = registry_frame(children)
    new_ids: set[str] | None = None
    if last is not None and last.model:
        new_ids = {
            str(pk)
            for pk in children.active()
            .filter(created_at__gte=last.started_at)
            .values_list("pk", flat=True)
        }
        frame = _around(frame, new_ids)
    say(f"{frame.height} records compared")
    result = pipeline.dedupe(frame, norms(), model=last.model if new_ids is not None else None)
    pairs = result.pairs
    if new_ids is not None:
        involved = pl.col("unique_id_l").is_in(list(new_ids)) | pl.col("unique_id_r").is_in(
            list(new_ids)
        )
        pairs = pairs.filter(involved)
    run = LinkRun.objects.create(
        kind=RunKind.DEDUPE, scope=scope, user=services.acting_user(user), records=frame.height,
        new_records=len(new_ids) if new_ids is not None else frame.height,
        model=result.model or (last.model if last else None),
    )  # fmt: skip
    _store_and_decide(run, pairs, user, outside=None)
    run.seconds = time.monotonic() - started
    run.save()
    return run


def departments() -> list[str]:
    """Departments with children in the registry."""
    ubigeos = Child.objects.order_by().values_list("district_id", flat=True).distinct()
    return sorted({ubigeo[:2] for ubigeo in ubigeos})


def _around(frame: pl.DataFrame, new_ids: set[str]) -> pl.DataFrame:
    """The new records and the existing records any blocking rule could pair with them."""
    new = frame.filter(pl.col("unique_id").is_in(list(new_ids)))
    near = pl.col("province").is_in(new["province"].unique().implode()) | pl.col(
        "mother_document"
    ).is_in(new["mother_document"].drop_nulls().unique().implode())
    return frame.filter(near | pl.col("unique_id").is_in(list(new_ids)))


# --- outside lists ----------------------------------------------------------------------------


def read_list(path: Path, source_id: str) -> pl.DataFrame:
    """An outside list's rows, every column as text, with their line numbers."""
    data = path.read_bytes()
    text = _decode(data)
    first = text.split("\n", 1)[0]
    separator = ";" if first.count(";") >= first.count(",") else ","
    try:
        rows = pl.read_csv(
            text.encode(),
            separator=separator,
            infer_schema=False,
        )
    except pl.exceptions.PolarsError as error:
        raise UnreadableFile(str(error)) from error
    rows = rows.rename({c: c.strip().upper() for c in rows.columns})
    source = SOURCES[source_id]
    if source.key not in rows.columns:
        raise UnreadableFile(f"the file has no {source.key} column: is it a {source.name} list?")
    return rows.with_row_index("line", offset=2)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("unknown text encoding")  # pragma: no cover - latin-1 decodes anything


def link_file(
    path: Path, source_id: str, user: Any = None, report: Report | None = None
) -> LinkRun:
    """Read an outside list, keep its new rows, and link them to registry children of the
    provinces the list covers."""
    say = report or (lambda text: None)
    started = time.monotonic()
    source = SOURCES[source_id]
    rows = read_list(path, source_id)
    outside = records.from_source(rows, source)
    outside = outside.with_columns(
        pl.coalesce(
            pl.col("key"), pl.concat_str(pl.lit("line-"), rows["line"].cast(pl.String))
        ).alias("key")
    ).with_columns(pl.col("key").alias("unique_id"), rows["line"])
    outside = outside.unique("key", keep="first", maintain_order=True)
    known = set(OutsideRecord.objects.filter(source=source_id).values_list("key", flat=True))
    new = outside.filter(~pl.col("key").is_in(list(known)))
    say(f"{outside.height} records read, {new.height} new")
    last = LinkRun.objects.filter(kind=source_id).exclude(model=None).first()
    run = LinkRun.objects.create(
        kind=source_id, file_name=path.name, sha256=file_sha256(path),
        user=services.acting_user(user), records=outside.height, new_records=new.height,
    )  # fmt: skip
    if new.height == 0:
        run.seconds = time.monotonic() - started
        run.save()
        return run
    stored = _store_outside(run, new, source_id)
    provinces = [p for p in new["province"].drop_nulls().unique().to_list() if p]
    territory = Q()
    for province in provinces:
        territory |= within(province)
    registry = registry_frame(
        Child.objects.filter(territory) if provinces else Child.objects.none()
    )
    say(f"{registry.height} registry children in the list's provinces")
    if registry.height:
        result = pipeline.link(registry, new, norms())
        run.model = result.model or (last.model if last else None)
        _store_and_decide(run, result.pairs, user, outside=stored)
    run.unlinked = new.height - run.exact - run.auto - run.review
    run.seconds = time.monotonic() - started
    run.save()
    return run


def _store_outside(run: LinkRun, new: pl.DataFrame, source_id: str) -> dict[str, int]:
    """Store the new outside records (their values as read, dates as ISO text); key -> id."""
    kept = new.drop(*records.DERIVED_COLUMNS, "unique_id", strict=False)
    objects = [
        OutsideRecord(
            source=source_id, key=row["key"][:40], run=run, line=row.pop("line"),
            raw={k: _text(v) for k, v in row.items() if v is not None},
            ubigeo=(row.get("ubigeo") or "")[:6],
        )
        for row in kept.iter_rows(named=True)
    ]  # fmt: skip
    OutsideRecord.objects.bulk_create(objects, batch_size=1000)
    return dict(OutsideRecord.objects.filter(run=run).values_list("key", "pk"))


def _text(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


# --- storing pairs and deciding ----------------------------------------------------------------


def _store_and_decide(
    run: LinkRun, pairs: pl.DataFrame, user: Any, outside: dict[str, int] | None
) -> None:
    """Store the pairs not stored before and carry out the AUTO decisions (a pair that cannot
    be carried out — say two different DNIs — stays for review)."""
    existing = _existing_pairs(pairs, outside)
    objects = []
    for row in pairs.iter_rows(named=True):
        left = int(row["unique_id_l"])
        right = int(row["unique_id_r"]) if outside is None else None
        other = outside[row["unique_id_r"]] if outside is not None else None
        if (left, right if outside is None else other) in existing:
            continue
        objects.append(CandidatePair(
            run=run, left_id=left, right_id=right, outside_id=other, rule=row["rule"],
            match_weight=row["match_weight"], proposed=row["decision"],
            explanation=pipeline.explanation_items(row["explanation"]),
        ))  # fmt: skip
    CandidatePair.objects.bulk_create(objects, batch_size=1000)
    automatic = CandidatePair.objects.filter(run=run, proposed=pipeline.Decision.AUTO).order_by(
        "match_weight", "pk"
    )
    # Identifier rules first (null weight sorts first on PostgreSQL, last on SQLite: sort here).
    ordered = sorted(automatic, key=lambda p: (p.match_weight is not None, -(p.match_weight or 0)))
    if outside is None:
        done = [pair for pair in ordered if _carry_out(pair, user)]
    else:
        done = services.link_outside_in_bulk(ordered, user, _automatic_reason)
    run.exact = sum(pair.rule != pipeline.Rule.MODEL for pair in done)
    run.auto = len(done) - run.exact
    run.review = CandidatePair.objects.filter(run=run, status=PairStatus.PENDING).count()


def _existing_pairs(
    pairs: pl.DataFrame, outside: dict[str, int] | None
) -> set[tuple[int, int | None]]:
    lefts = {int(v) for v in pairs["unique_id_l"].to_list()}
    found = CandidatePair.objects.filter(left_id__in=lefts)
    if outside is None:
        return set(found.filter(right__isnull=False).values_list("left_id", "right_id"))
    return set(found.filter(outside__isnull=False).values_list("left_id", "outside_id"))


def _carry_out(pair: CandidatePair, user: Any) -> bool:
    """An automatic link; False (the pair waits for review) when it cannot be done."""
    reason = _automatic_reason(pair)
    if pair.is_duplicate:
        survivor, merged = _current(pair.left_id), _current(pair.right_id)
        if survivor == merged:  # already one record through another pair
            services._decide(pair, PairStatus.LINKED, None, reason)
            return True
        if survivor != pair.left_id or merged != pair.right_id:
            return False  # a chain of merges: a person looks at it
    try:
        with transaction.atomic():
            services.accept(pair, user, reason)
    except services.LinkageError:
        return False
    return True


def _automatic_reason(pair: CandidatePair) -> str:
    if pair.match_weight is None:
        return f"automatic: {pair.rule}"
    return f"automatic: match weight {pair.match_weight:.1f}"


def _current(child_id: int) -> int:
    """The record a child's data now live in (following merges not undone)."""
    from crecer.linkage.models import Merge

    seen = {child_id}
    while True:
        into = (
            Merge.objects.filter(merged_id=child_id, undone_at__isnull=True)
            .values_list("survivor_id", flat=True)
            .first()
        )
        if into is None or into in seen:
            return child_id
        seen.add(into)
        child_id = into
