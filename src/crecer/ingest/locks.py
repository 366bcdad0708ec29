"""One import at a time per database.

Two imports at once fail in ways a user cannot act on: on SQLite the second one waits for the
write lock and dies with "database is locked"; on PostgreSQL two imports that share children
both insert the same DNI and the larger dies on the unique constraint after minutes of work.
So an import first takes a lock that lives exactly as long as its process holds it — a
PostgreSQL advisory lock (session-level), or an OS lock on a file beside the SQLite database —
and a second import is refused at once with :class:`ImportBusy`. A killed import (``kill -9``)
leaves no stale lock: the server or the OS releases it with the process."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.db import connection

# pg_advisory_lock's key: any bigint, the same in every Crecer process ("CRECER-I").
ADVISORY_KEY = int.from_bytes(b"CRECER-I", "big") & 0x7FFF_FFFF_FFFF_FFFF


class ImportBusy(Exception):
    """Another import is running on the same database."""

    def __init__(self) -> None:
        super().__init__(
            "another import is running on this database: try again when it has finished"
        )


@contextmanager
def one_import_at_a_time() -> Iterator[None]:
    """Hold the database's import lock while the block runs; :class:`ImportBusy` if another
    import holds it."""
    if connection.vendor == "postgresql":
        with _advisory_lock():
            yield
    else:
        with _file_lock(lock_file()):
            yield


@contextmanager
def _advisory_lock() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
        if not cursor.fetchone()[0]:
            raise ImportBusy
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])


def lock_file() -> Path:
    """Beside the SQLite file; an in-memory database (tests) gets one in the temporary folder
    named after it."""
    name = str(connection.settings_dict["NAME"])
    if name and not name.startswith("file:") and name != ":memory:":
        return Path(f"{name}.import-lock")
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"crecer-{digest}.import-lock"


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    handle = path.open("a+b")
    try:
        if not _try_lock(handle):
            raise ImportBusy
        try:
            yield
        finally:
            _unlock(handle)
    finally:
        handle.close()


def _try_lock(handle: IO[Any]) -> bool:
    if os.name == "nt":  # health posts run Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(handle: IO[Any]) -> None:
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
