"""The pages of every import kind: upload a file, read a run's report, download its quarantine
as CSV. Each app routes its own URLs here with ``kind`` (see :mod:`crecer.ingest.kinds`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from crecer.ingest.columns import UnreadableFile
from crecer.ingest.forms import UploadForm
from crecer.ingest.kinds import ImportKind
from crecer.ingest.kinds import kind as kind_named
from crecer.ingest.locks import ImportBusy
from crecer.ingest.models import ImportRun
from crecer.ingest.quarantine import quarantine_report_csv
from crecer.ingest.reading import unknown_columns

RECENT_RUNS = 20
SHOWN_ROWS = 500

# Sent when a user reads an import's quarantined rows (raw personal data, whether or not a
# child was stored): on the report page (``export=False``) or as CSV (``export=True``), with
# ``run`` and the number of ``rows`` shown. The access app writes it to the access log (ingest
# sits below access and cannot call it).
quarantine_read = Signal()


def may_upload(user: Any, kind: str) -> bool:
    """Who may open a kind's upload page: the kind's own right to import it."""
    return kind_named(kind).may_import(user)


@login_required
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    spec = kind_named(kind)
    if not may_upload(request.user, kind):
        raise PermissionDenied
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        label=spec.file_label,
        help_text=spec.file_help,
    )
    if request.method == "POST" and form.is_valid():
        allow_unknown = form.cleaned_data["import_unknown_columns"]
        try:
            run = _import_upload(spec, form.cleaned_data["file"], request.user, allow_unknown)
        except UnreadableFile as problem:
            form.add_error("file", str(problem))
        except UnknownColumns as unknown:
            form.add_error("file", str(unknown))
        except ImportBusy:
            form.add_error(
                "file",
                _(
                    "Another import is running on this database. Try again when it has "
                    "finished: nothing of this file was imported."
                ),
            )
        else:
            return redirect(f"{spec.namespace}:import_run", pk=run.pk)
    runs = spec.runs_readable_by(request.user)[:RECENT_RUNS]
    context = {"form": form, "runs": runs, "kind": spec, "run_url": f"{spec.namespace}:import_run"}
    return render(request, "ingest/upload.html", context)


# The gate the menus read (crecer.access.policy.may_open): no link to an upload page that
# would refuse the user. Set here, not with policy.page: ingest sits below access.
upload.may_open = may_upload  # type: ignore[attr-defined]


class UnknownColumns(Exception):
    """The file has columns the import does not read, and the user did not say to go on."""

    def __init__(self, titles: list[str]) -> None:
        super().__init__(
            _(
                "These columns are not recognised: %(columns)s. Their values would not be "
                "imported. Rename them as the import expects, or tick “Import even if some "
                "columns are not recognised” and upload the file again."
            )
            % {"columns": ", ".join(f"“{title}”" for title in titles)}
        )
        self.titles = titles


def _import_upload(spec: ImportKind, upload, user, allow_unknown: bool) -> ImportRun:
    """Import an uploaded file from a private temporary folder, under its own name (the
    reader tells CSV from XLSX by the suffix; a name without one is read as CSV). A file
    with unrecognised columns is imported only when ``allow_unknown``."""
    name = Path(upload.name).name or f"{spec.name}.csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if not path.suffix:
            path = path.with_suffix(".csv")
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        unknown = unknown_columns(path, spec.columns)
        if unknown and not allow_unknown:
            raise UnknownColumns(unknown)
        return spec.import_file(path, user)


@login_required
def report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = kind_named(kind)
    run = get_object_or_404(spec.runs_readable_by(request.user), pk=pk)
    full = spec.sees_full_reasons(request.user)
    rows = [(row, row.described_reasons(full)) for row in run.quarantined_rows.all()[:SHOWN_ROWS]]
    quarantine_read.send(ImportRun, request=request, run=run, rows=len(rows), export=False)
    context = {
        "run": run,
        "rows": rows,
        "kind": spec,
        "csv_url": f"{spec.namespace}:import_run_csv",
    }
    return render(request, "ingest/run.html", context)


@login_required
def quarantine_csv(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = kind_named(kind)
    run = get_object_or_404(spec.runs_readable_by(request.user), pk=pk)
    rows = run.quarantined_rows.count()
    quarantine_read.send(ImportRun, request=request, run=run, rows=rows, export=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{spec.report_prefix}-{run.pk}-quarantine.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so that Excel opens the UTF-8 file with its accents
    response.write(quarantine_report_csv(run, full=spec.sees_full_reasons(request.user)))
    return response
