from django.urls import path

from crecer.analytics import views

app_name = "analytics"
urlpatterns = [
    path("indicators/children/", views.children, name="children"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/indicators.json", views.open_data_indicators, name="open_data_indicators"),
    path("open-data/values.<str:kind>", views.open_data_values, name="open_data_values"),
    path("work-list/", views.worklist, name="worklist"),
    path("work-list/export.<str:kind>", views.worklist_export, name="worklist_export"),
]
