"""The pregnancy-services import's pages (a URL namespace of their own: each import kind has
its ``import``, ``import_run`` and ``import_run_csv``)."""

from crecer.ingest.urls import import_urls

app_name = "maternal_events"
urlpatterns = import_urls("maternal/services/", "maternal-events")
