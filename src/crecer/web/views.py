from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from crecer import __version__
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


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the site's layout. Rendered without the request (no context
    processors): the error may be the database's, so nothing here may query it or load the
    request's user."""
    html = loader.get_template("500.html").render({"crecer_version": __version__})
    return HttpResponseServerError(html)
