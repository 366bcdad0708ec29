from django.urls import path

from crecer.health import views
from crecer.ingest.urls import import_urls

app_name = "health"
urlpatterns = [
    path("health/child/<int:pk>/", views.child_events, name="child_events"),
    path("health/child/<int:pk>/record/<str:kind>/", views.record, name="record"),
    *import_urls("health/", "events"),
]
