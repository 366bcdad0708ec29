from django.urls import path

from crecer.community import views
from crecer.ingest.urls import import_urls

app_name = "community"
urlpatterns = [
    path("community/", views.centers, name="centers"),
    path("community/center/<int:pk>/", views.center, name="center"),
    path("community/center/<int:pk>/pack/", views.meeting_pack, name="pack"),
    path("community/center/<int:pk>/meeting/", views.new_meeting, name="new_meeting"),
    path("community/daycare/", views.daycares, name="daycares"),
    path("community/daycare/<int:pk>/", views.daycare_page, name="daycare"),
    path("community/daycare/indicators/", views.daycare_indicators, name="daycare_indicators"),
    path("community/daycare/<int:pk>/attendance/", views.attendance_sheet, name="attendance"),
    path("community/visit/", views.new_visit, name="new_visit"),
    path("community/offline/", views.offline_page, name="offline"),
    path("community/offline/sw.js", views.offline_worker, name="offline_worker"),
    path("community/offline/sync/", views.offline_sync, name="offline_sync"),
    *import_urls("community/visits/", "community-visits"),
]
