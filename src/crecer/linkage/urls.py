from django.urls import path

from crecer.linkage import views

app_name = "linkage"
urlpatterns = [
    path("linkage/", views.queue, name="queue"),
    path("linkage/pair/<int:pk>/", views.pair_page, name="pair"),
    path("linkage/pair/<int:pk>/undo/", views.undo, name="undo"),
]
