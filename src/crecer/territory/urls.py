from django.urls import path

from crecer.territory import views

app_name = "territory"
urlpatterns = [
    path("territory/<str:code>/", views.unit, name="unit"),
]
