from django.urls import path

from crecer.analytics import views

app_name = "analytics"
urlpatterns = [
    path("indicators/children/", views.children, name="children"),
]
