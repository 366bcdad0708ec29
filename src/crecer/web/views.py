from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crecer.territory.models import Department
from crecer.web.territory_pages import indicators_of


def home(request: HttpRequest) -> HttpResponse:
    """Departments with their number of provinces and districts."""
    departments = Department.objects.with_counts()
    totals = {
        "departments": len(departments),
        "provinces": sum(d.province_count for d in departments),
        "districts": sum(d.district_count for d in departments),
    }
    return render(
        request,
        "web/home.html",
        {"departments": departments, "totals": totals, "indicators": indicators_of(request, "")},
    )


def health(request: HttpRequest) -> HttpResponse:
    """A plain answer for monitoring and for `crecer serve` to know it is up."""
    return HttpResponse("ok", content_type="text/plain")
