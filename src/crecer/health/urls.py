from django.urls import path

from crecer.health import views

app_name = "health"
urlpatterns = [
    path("health/child/<int:pk>/", views.child_events, name="child_events"),
    path("health/child/<int:pk>/record/<str:kind>/", views.record, name="record"),
    path("health/import/", views.import_page, name="import"),
    path("health/import/<int:pk>/", views.import_run, name="import_run"),
    path("health/import/<int:pk>/quarantine.csv", views.import_run_csv, name="import_run_csv"),
]
