"""The budget execution import's pages (each import kind has its own URL namespace)."""

from crecer.ingest.urls import import_urls

app_name = "budget_execution"
urlpatterns = import_urls("budget/execution/", "budget-execution")
