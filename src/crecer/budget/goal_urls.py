"""The physical goals import's pages."""

from crecer.ingest.urls import import_urls

app_name = "budget_goals"
urlpatterns = import_urls("budget/goals/", "budget-goals")
