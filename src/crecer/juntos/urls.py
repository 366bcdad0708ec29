from django.urls import path

from crecer.juntos import views

app_name = "juntos"
urlpatterns = [
    path("juntos/", views.cycle_list, name="cycles"),
    path("juntos/cycle/<int:pk>/", views.cycle_page, name="cycle"),
    path("juntos/cycle/<int:pk>/reconcile/", views.reconcile, name="reconcile"),
    path("juntos/cycle/<int:pk>/<str:step>/", views.cycle_step, name="step"),
    path("juntos/cycle/<int:pk>/payroll.<str:fmt>", views.payroll, name="payroll"),
    path("juntos/household/<int:pk>/", views.household, name="household"),
    path(
        "juntos/household/<int:pk>/appeal/<int:verification>/",
        views.appeal_new,
        name="appeal",
    ),
    path("juntos/appeal/<int:pk>/decide/", views.appeal_decide, name="decide"),
    path("juntos/eligible/", views.eligible, name="eligible"),
    path("juntos/at-risk/", views.at_risk, name="at_risk"),
    path("juntos/dashboard/", views.dashboard, name="dashboard"),
    path("juntos/households/", views.household_list, name="households"),
    path("juntos/waivers/", views.waivers, name="waivers"),
    path("juntos/household/<int:pk>/standing/", views.standing, name="standing"),
    path("juntos/household/<int:pk>/edit/", views.edit_household, name="edit_household"),
    path("juntos/member/<int:pk>/edit/", views.edit_member, name="edit_member"),
]
