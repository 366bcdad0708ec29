"""The URLs of one import kind's pages, for an app to include in its own ``urlpatterns``:
``<prefix>import/``, ``<prefix>import/<pk>/`` and ``<prefix>import/<pk>/quarantine.csv``."""

from __future__ import annotations

from django.urls import URLPattern, path

from crecer.ingest import views


def import_urls(prefix: str, kind: str) -> list[URLPattern]:
    """The pages named ``import``, ``import_run`` and ``import_run_csv`` of ``kind``."""
    extra = {"kind": kind}
    return [
        path(f"{prefix}import/", views.upload, extra, name="import"),
        path(f"{prefix}import/<int:pk>/", views.report, extra, name="import_run"),
        path(
            f"{prefix}import/<int:pk>/quarantine.csv",
            views.quarantine_csv,
            extra,
            name="import_run_csv",
        ),
    ]
