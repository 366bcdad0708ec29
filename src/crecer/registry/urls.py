from django.urls import path

from crecer.ingest.urls import import_urls
from crecer.registry import views

app_name = "registry"
urlpatterns = [
    path("registry/", views.search, name="search"),
    path("registry/child/new/", views.add, name="add"),
    path("registry/child/<int:pk>/", views.child_page, name="child"),
    path("registry/child/<int:pk>/edit/", views.child_form, name="edit"),
    path("registry/child/<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("registry/export/", views.export, name="export"),
    path("registry/circuit/", views.circuit, name="circuit"),
    path("registry/quality/", views.quality_page, name="quality"),
    *import_urls("registry/", "padron"),
]
