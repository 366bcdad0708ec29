"""The facility stock import's pages."""

from crecer.ingest.urls import import_urls

app_name = "budget_stock"
urlpatterns = import_urls("budget/stock/", "budget-stock")
