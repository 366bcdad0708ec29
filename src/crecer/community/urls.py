from django.urls import path

from crecer.community import views

app_name = "community"
urlpatterns = [
    path("community/", views.centers, name="centers"),
    path("community/center/<int:pk>/", views.center, name="center"),
    path("community/center/<int:pk>/pack/", views.meeting_pack, name="pack"),
    path("community/center/<int:pk>/meeting/", views.new_meeting, name="new_meeting"),
]
