from django.urls import path

from crecer.surveys import views

app_name = "surveys"
urlpatterns = [
    path("surveys/", views.survey_list, name="list"),
    path("surveys/<int:pk>/", views.comparison, name="comparison"),
]
