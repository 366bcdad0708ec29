"""The access log: every view, search, list and export of named children, and who did it.

A write to the log never fails a page: when the database cannot take it (SQLite locked by a
long import, a PostgreSQL lock held), the page waits at most :data:`LOCK_WAIT_SECONDS`, the
error is logged and the entry is kept in :data:`PENDING_FILE` in the data folder, replayed
into the table by the next successful write or by ``crecer audit replay``. Nothing is lost."""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from crecer.access.models import AccessedChild, AccessLog, Action
from crecer.access.policy import Can, access_of

logger = logging.getLogger(__name__)

# The filter key of an access to an import's quarantined rows (``ingest.views.quarantine_read``):
# raw rows, not a territory's children, so such an entry never counts as an export of one.
IMPORT_RUN = "import_run"
# How long a page waits for the database to take its log entry before keeping it aside.
LOCK_WAIT_SECONDS = 1
PENDING_FILE = "access-log-pending.jsonl"
UNREADABLE_FILE = "access-log-unreadable.jsonl"


def record(
    request: HttpRequest,
    action: Action,
    shown: Iterable[Any] = (),  # children (models.Model) or their ids
    *,
    filter: dict[str, Any] | None = None,
    territory_code: str = "",
    row_count: int | None = None,
    via_api: bool = False,
) -> AccessLog:
    """Log that ``request.user`` saw ``shown`` children (or exported ``row_count`` rows that
    ``filter`` selects). Call it after the data is fetched, before it is returned. If the
    database cannot take the entry it is kept in the pending file (the log is returned
    unsaved) and the page goes on."""
    ids = sorted({item if isinstance(item, int) else item.pk for item in shown})
    user = request.user if request.user.is_authenticated else None
    log = AccessLog(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        path=request.get_full_path()[:500],
        via_api=via_api,
        filter=filter or {},
        territory_code=territory_code,
        row_count=len(ids) if row_count is None else row_count,
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
    try:
        with _short_sqlite_wait(), transaction.atomic(), _short_postgresql_wait():
            log.save()
            AccessedChild.objects.bulk_create(AccessedChild(log=log, child_id=pk) for pk in ids)
    except DatabaseError as problem:
        log.pk = None
        _keep_aside(log, ids, problem)
        return log
    if pending_path().exists():
        transaction.on_commit(_replay_quietly)  # only once this entry is really stored
    return log


def pending_path() -> Path:
    return Path(settings.DATA_DIR) / PENDING_FILE


@contextmanager
def _short_sqlite_wait() -> Iterator[None]:
    """On SQLite, wait at most LOCK_WAIT_SECONDS for the write lock (not the connection's
    20 s) while the block runs."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {before:d}")


@contextmanager
def _short_postgresql_wait() -> Iterator[None]:
    """On PostgreSQL, inside the write's transaction: wait at most LOCK_WAIT_SECONDS for a
    lock. ``SET LOCAL`` would last to the end of an enclosing transaction: put back after."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        before = cursor.fetchone()[0]
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS:d}s'")
    yield  # on an error the savepoint's rollback puts the setting back
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])


def _entry(log: AccessLog, ids: list[int]) -> dict[str, Any]:
    return {
        "at": timezone.now().isoformat(),
        "user_id": log.user_id,
        "username": log.username,
        "action": log.action,
        "path": log.path,
        "via_api": log.via_api,
        "filter": log.filter,
        "territory_code": log.territory_code,
        "row_count": log.row_count,
        "ip_address": log.ip_address,
        "children": ids,
    }


def _keep_aside(log: AccessLog, ids: list[int], problem: Exception) -> None:
    """Append the entry to the pending file (one JSON line, one write, mode 600)."""
    line = json.dumps(_entry(log, ids), ensure_ascii=False, default=str) + "\n"
    path = pending_path()
    try:
        _append(path, line)
    except OSError:
        # The last resort: the entry in the server's log, whence it can be typed back.
        logger.exception(
            "access log entry lost by the database (%s) and the file: %s", problem, line
        )
        return
    logger.error(
        "The access log could not be written (%s); the entry is kept in %s and will be "
        "replayed into the log by the next write or by `crecer audit replay`.",
        problem,
        path,
    )


def _append(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(handle, text.encode("utf-8"))
    finally:
        os.close(handle)


def replay() -> int:
    """Store the entries kept in the pending file, with their own time; return how many.
    The file is taken away first (a rename), so that entries kept meanwhile go to a new one
    and two replays never store an entry twice. If the database fails, the entries go back."""
    path = pending_path()
    taken = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex}")
    try:
        os.replace(path, taken)
    except FileNotFoundError:
        return 0
    lines = [line for line in taken.read_text(encoding="utf-8").splitlines() if line.strip()]
    entries, unreadable = [], []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except ValueError:  # a line cut by a crash: kept for a person to read
            unreadable.append(line)
    try:
        with transaction.atomic():
            for entry in entries:
                _store(entry)
    except DatabaseError:
        _append(path, "".join(f"{line}\n" for line in lines))
        taken.unlink()
        raise
    if unreadable:
        _append(path.with_name(UNREADABLE_FILE), "".join(f"{line}\n" for line in unreadable))
        logger.error("%d unreadable access log lines kept in %s", len(unreadable), UNREADABLE_FILE)
    taken.unlink()
    return len(entries)


def _store(entry: dict[str, Any]) -> None:
    user_id = entry.get("user_id")
    if user_id is not None and not get_user_model().objects.filter(pk=user_id).exists():
        user_id = None  # deleted meanwhile: the username is kept
    log = AccessLog.objects.create(
        user_id=user_id,
        username=entry.get("username", ""),
        action=entry["action"],
        path=entry.get("path", ""),
        via_api=entry.get("via_api", False),
        filter=entry.get("filter") or {},
        territory_code=entry.get("territory_code", ""),
        row_count=entry.get("row_count", 0),
        ip_address=entry.get("ip_address"),
    )
    AccessLog.objects.filter(pk=log.pk).update(at=datetime.fromisoformat(entry["at"]))
    AccessedChild.objects.bulk_create(
        AccessedChild(log=log, child_id=pk) for pk in entry.get("children", [])
    )


def _replay_quietly() -> None:
    try:
        count = replay()
    except (DatabaseError, OSError) as problem:
        logger.error("The pending access log entries could not be replayed yet: %s", problem)
    else:
        if count:
            logger.info("%d pending access log entries replayed", count)


def quarantine_read(sender: Any, request: HttpRequest, run: Any, rows: int, export: bool, **_):
    """``ingest.views.quarantine_read``: an import's quarantined rows (raw personal data) read
    on the report page or as CSV. Logged under the territory of whoever imported the file."""
    if not rows and not run.warnings:
        return
    record(
        request,
        Action.EXPORT if export else Action.LIST,
        filter={IMPORT_RUN: run.pk, "kind": run.kind, "file": run.file_name[:200]},
        territory_code=_scope_code(run.user) if run.user_id else "",
        row_count=rows,
    )


def _scope_code(user: Any) -> str:
    """The narrowest department, province or district holding ``user``'s scope ("" = all)."""
    prefixes = access_of(user).scope.district_prefixes()
    common = prefixes[0] if prefixes else ""
    for prefix in prefixes[1:]:
        while not prefix.startswith(common):
            common = common[:-1]
    return common[: len(common) - len(common) % 2]


def _covering(codes: Iterable[str]) -> Q:
    """Exports of a territory holding any of ``codes`` (the whole country, its department, its
    province, itself): an export is logged with its territory, not with the children in it,
    so that a province's 100,000 children cost one row; it counts for each of them."""
    around = {code[:length] for code in codes for length in (0, 2, 4, 6) if length <= len(code)}
    return Q(action=Action.EXPORT, territory_code__in=sorted(around)) & ~Q(
        filter__has_key=IMPORT_RUN
    )


def _showing(children: Any) -> Q:
    """Accesses that showed one of ``children`` (a child id, or a query of children)."""
    if isinstance(children, int):
        shown = AccessedChild.objects.filter(child_id=children)
    else:
        shown = AccessedChild.objects.filter(child_id__in=children.values("pk"))
    return Q(pk__in=shown.values("log_id"))


def visible_log(user: Any, in_scope: QuerySet) -> QuerySet[AccessLog]:
    """Log entries an auditor may read: national auditors all; others those about children or
    territories of their scope, and exports of a territory holding it (``in_scope``: the
    children the auditor may see, from ``Child.objects.visible_to(user, Can.AUDIT)``)."""
    access = access_of(user)
    if Can.AUDIT not in access.rights:
        return AccessLog.objects.none()
    if access.scope.national:
        return AccessLog.objects.all()
    prefixes = access.scope.district_prefixes()
    territory = Q(pk__in=[])
    for prefix in prefixes:
        territory |= Q(territory_code__startswith=prefix) & ~Q(territory_code="")
    return AccessLog.objects.filter(_showing(in_scope) | territory | _covering(prefixes))


def about_child(user: Any, child: Any, in_scope: QuerySet) -> QuerySet[AccessLog]:
    """Who looked at ``child``: accesses that showed it, and every export of a territory
    holding it (its district, province, department or the whole country)."""
    if Can.AUDIT not in access_of(user).rights or not in_scope.filter(pk=child.pk).exists():
        return AccessLog.objects.none()
    return AccessLog.objects.filter(_showing(child.pk) | _covering([child.district_id]))
