from django.urls import path

from crecer.ingest.urls import import_urls
from crecer.maternal import views

app_name = "maternal"
urlpatterns = [
    path("maternal/", views.pregnancies, name="pregnancies"),
    path("maternal/woman/<int:pk>/", views.woman, name="woman"),
    path("maternal/woman/<int:pk>/pregnancy/", views.new_pregnancy, name="new_pregnancy"),
    path("maternal/pregnancy/<int:pk>/record/<str:kind>/", views.record, name="record"),
    path("maternal/indicators/", views.indicators, name="indicators"),
    path("maternal/indicators/<str:indicator>/women/", views.indicator_women, name="women_country"),
    path(
        "maternal/indicators/<str:indicator>/women/<str:code>/",
        views.indicator_women,
        name="women",
    ),
    *import_urls("maternal/", "births"),
]
