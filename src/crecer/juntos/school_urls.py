"""The school-records import's pages (each import kind has its own URL namespace)."""

from crecer.ingest.urls import import_urls

app_name = "juntos_school"
urlpatterns = import_urls("juntos/school/", "school")
