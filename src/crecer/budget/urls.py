from django.urls import path

from crecer.budget import views

app_name = "budget"
urlpatterns = [
    path("budget/", views.execution, name="execution"),
    path("budget/stock/", views.stock, name="stock"),
    path("budget/anemia/", views.anemia, name="anemia"),
    path("budget/interventions/", views.interventions, name="interventions"),
]
