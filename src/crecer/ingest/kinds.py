"""The kinds of file Crecer imports, each registered by its app (in ``AppConfig.ready()``):
one upload page, one report page, one quarantine CSV and ``crecer import KIND FILE`` serve
them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crecer.ingest.columns import Columns
from crecer.ingest.models import ImportRun


@dataclass(frozen=True)
class ImportKind:
    """How a kind of file is imported and shown.

    ``run(path, user, progress)`` imports a file for a user (None: the command line, every
    district), applying the user's scope. ``may_import(user)`` is the right to import it and
    to read its reports; ``reads_all(user)`` lets a user read every run of the kind, not only
    their own. Its pages are ``<namespace>:import``, ``:import_run`` and ``:import_run_csv``."""

    name: str
    label: Any  # the kind in words ("Padrón Nominal"); lazy translations
    title: Any  # the upload page's title
    lead: Any  # what the upload page says of the file
    file_label: Any
    file_help: Any
    command_help: str
    namespace: str
    columns: Columns  # to name the file's unrecognised columns before importing it
    run: Callable[..., ImportRun]
    may_import: Callable[[Any], bool]
    reads_all: Callable[[Any], bool]
    # Reads every reason in full (another territory's records named); others read the public
    # form (crecer.ingest.reasons.as_public). Administrators by default.
    sees_full_reasons: Callable[[Any], bool] = lambda user: bool(getattr(user, "is_superuser", 0))
    updates_records: bool = True  # shows the "updated" count
    report_prefix: str = "import"  # the quarantine CSV's file name: <prefix>-<run>-quarantine.csv

    def import_file(self, path: Path, user: Any = None, progress: Any = None) -> ImportRun:
        return self.run(path, user, progress)

    def runs_readable_by(self, user: Any):
        """The runs of this kind ``user`` may read: their own, or all (``reads_all``)."""
        if not self.may_import(user):
            return ImportRun.objects.none()
        runs = ImportRun.objects.filter(kind=self.name)
        return runs if self.reads_all(user) else runs.filter(user=user)


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    if kind.name in _KINDS and _KINDS[kind.name] != kind:
        raise ValueError(f"import kind {kind.name!r} is already registered")
    _KINDS[kind.name] = kind


def kind(name: str) -> ImportKind:
    """The registered kind ``name`` (KeyError when no app registered it)."""
    return _KINDS[name]


def kinds() -> list[ImportKind]:
    return list(_KINDS.values())
