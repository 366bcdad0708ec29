"""Territory pages, composed in the shell: a unit of the territory app with the analytics app's
indicators. One URL per unit, ``/territory/<code>/``, where the code's length says the
level (the profile's territory levels: 2 department, 4 province, 6 district in Peru)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from crecer.analytics.dashboard import Section, section
from crecer.profile import current_profile
from crecer.territory.models import Department, District, Province

CENTERS_PER_PAGE = 100


def unit(request: HttpRequest, code: str) -> HttpResponse:
    level = current_profile().territory.level_of_code(code)
    page = PAGES.get(level.id) if level else None
    if page is None:
        raise Http404
    return page(request, code)


def department_page(request: HttpRequest, code: str) -> HttpResponse:
    department = get_object_or_404(Department, code=code)
    provinces = department.provinces.annotate(district_count=Count("districts"))
    return render(
        request,
        "territory/department.html",
        {
            "department": department,
            "provinces": provinces,
            "breadcrumbs": [department],
            "indicators": indicators_of(request, code),
        },
    )


def province_page(request: HttpRequest, code: str) -> HttpResponse:
    province = get_object_or_404(Province.objects.select_related("department"), code=code)
    districts = province.districts.annotate(center_count=Count("populated_centers"))
    return render(
        request,
        "territory/province.html",
        {
            "province": province,
            "districts": districts,
            "breadcrumbs": [province.department, province],
            "indicators": indicators_of(request, code),
        },
    )


def district_page(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(
        District.objects.select_related("province__department"), ubigeo=code
    )
    centers = Paginator(district.populated_centers.all(), CENTERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "territory/district.html",
        {
            "district": district,
            "population": district.latest_population(),
            "populations": district.populations.all(),
            "centers": centers,
            "facilities": district.facilities.all(),
            "breadcrumbs": [district.province.department, district.province, district],
            "indicators": indicators_of(request, code),
        },
    )


PAGES: dict[str, Callable[[HttpRequest, str], HttpResponse]] = {
    "department": department_page,
    "province": province_page,
    "district": district_page,
}


def indicators_of(request: HttpRequest, code: str) -> Section | None:
    """The indicators section of a unit's page ("" = the country), from the latest refresh."""
    profile = current_profile()
    return section(code, request.user, profile, request.GET.get("indicator"))
