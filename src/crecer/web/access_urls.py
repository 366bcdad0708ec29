from django.urls import path

from crecer.web import access_pages as views

app_name = "access"
urlpatterns = [
    path("access/log/", views.access_log, name="log"),
]
