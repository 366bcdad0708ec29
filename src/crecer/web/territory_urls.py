from django.urls import path

from crecer.web import territory_pages as views

app_name = "territory"
urlpatterns = [
    path("territory/<str:code>/", views.unit, name="unit"),
]
