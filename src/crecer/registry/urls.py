from django.urls import path

from crecer.registry import views

app_name = "registry"
urlpatterns = [
    path("registry/", views.search, name="search"),
    path("registry/child/new/", views.child_form, name="add"),
    path("registry/child/<int:pk>/", views.child_page, name="child"),
    path("registry/child/<int:pk>/edit/", views.child_form, name="edit"),
    path("registry/child/<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("registry/export/", views.export, name="export"),
    path("registry/circuit/", views.circuit, name="circuit"),
    path("registry/quality/", views.quality_page, name="quality"),
    path("registry/import/", views.import_page, name="import"),
    path("registry/import/<int:pk>/", views.import_run, name="import_run"),
    path("registry/import/<int:pk>/quarantine.csv", views.import_run_csv, name="import_run_csv"),
]
