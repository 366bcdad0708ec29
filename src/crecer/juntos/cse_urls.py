"""The SISFOH classification import's pages (each import kind has its own URL namespace)."""

from crecer.ingest.urls import import_urls

app_name = "juntos_cse"
urlpatterns = import_urls("juntos/cse/", "juntos-cse")
