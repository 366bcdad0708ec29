"""The survey child file import's pages (each import kind has its own URL namespace)."""

from crecer.ingest.urls import import_urls

app_name = "survey_import"
urlpatterns = import_urls("surveys/", "survey")
