from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crecer.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", api.urls),
    path("", include("crecer.web.access_urls")),
    path("", include("crecer.registry.urls")),
    path("", include("crecer.health.urls")),
    path("", include("crecer.maternal.urls")),
    path("", include("crecer.maternal.event_urls")),
    path("", include("crecer.juntos.urls")),
    path("", include("crecer.juntos.cse_urls")),
    path("", include("crecer.juntos.school_urls")),
    path("", include("crecer.community.urls")),
    path("", include("crecer.budget.urls")),
    path("", include("crecer.budget.execution_urls")),
    path("", include("crecer.budget.goal_urls")),
    path("", include("crecer.budget.stock_urls")),
    path("", include("crecer.surveys.urls")),
    path("", include("crecer.surveys.import_urls")),
    path("", include("crecer.linkage.urls")),
    path("", include("crecer.analytics.urls")),
    path("", include("crecer.web.urls")),
    path("", include("crecer.web.territory_urls")),
]

# The 403 and 404 pages are Django's own handlers with the site's templates (403.html,
# 404.html); the 500 page is rendered without the database (see server_error).
handler500 = "crecer.web.views.server_error"
