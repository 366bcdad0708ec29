from django.urls import path

from crecer.access import views

app_name = "access"
urlpatterns = [
    path("access/log/", views.access_log, name="log"),
]
