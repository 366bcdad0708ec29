"""API routes. Every route that returns children goes through :mod:`crecer.access.policy`
and writes the access log, like the web pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Router

from crecer import __version__
from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.api import schemas
from crecer.api.auth import PERSONAL_DATA_AUTH
from crecer.ingest.text import is_digits
from crecer.registry.identifiers import clean_number
from crecer.registry.models import Child
from crecer.territory.models import Department, District, Province, within

api = NinjaAPI(
    title="Crecer API",
    version=__version__,
    description=(
        "Territory (public) and the Nominal Registry's children (token: "
        "`Authorization: Bearer <key>` from `crecer token create`). Children are limited to "
        "the user's role and territorial scope; a child outside it is 404. Every answer with "
        'children is written to the access log. Errors are JSON: `{"detail": "…"}` (401 '
        "no valid key, or an expired one; 403 the role has no right to children; 404 not found "
        "or outside the scope), and 422 lists the refused parameters in `detail`."
    ),
    urls_namespace="api",
)
# The errors every route may answer, in its OpenAPI responses: children routes need a key (401)
# and the right (403); every route may answer 404 (not found, or outside the user's scope) and
# 422 (a parameter the schema refuses).
NOT_FOUND = {404: schemas.Message, 422: schemas.ValidationErrors}
PERSONAL = {401: schemas.Message, 403: schemas.Message} | NOT_FOUND


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """The role has no right to what the route returns: 403 in JSON, like every API error."""
    return api.create_response(request, {"detail": "Forbidden"}, status=403)


territory = Router(tags=["territory"])
children = Router(tags=["children"], auth=PERSONAL_DATA_AUTH)
MAX_LIMIT = 500


@territory.get("/", response={200: list[schemas.Unit]}, summary="Departments")
def departments(request: HttpRequest) -> Any:
    return [{"code": d.code, "name": d.name} for d in Department.objects.order_by("code")]


@territory.get(
    "/{code}",
    response={200: schemas.TerritoryUnit} | NOT_FOUND,
    summary="A department, province or district with its sub-units",
)
def unit(request: HttpRequest, code: str) -> Any:
    if len(code) == 2:
        department = Department.objects.filter(code=code).first()
        if department:
            return _unit(department.code, department.name, "department", None, department.provinces)
    elif len(code) == 4:
        province = Province.objects.select_related("department").filter(code=code).first()
        if province:
            parent = province.department
            return _unit(code, province.name, "province", parent, province.districts)
    elif len(code) == 6:
        district = District.objects.select_related("province").filter(ubigeo=code).first()
        if district:
            return _district(district)
    raise Http404


def _unit(code: str, name: str, level: str, parent: Any, below: Any) -> dict:
    return {
        "code": code,
        "name": name,
        "level": level,
        "parent": {"code": parent.pk, "name": parent.name} if parent else None,
        "children": [{"code": u.pk, "name": u.name} for u in below.order_by("pk")],
    }


def _district(district: District) -> dict:
    result = _unit(
        district.ubigeo, district.name, "district", district.province, district.populated_centers
    )
    latest = district.latest_population()  # the latest year with a total
    return result | {
        "altitude_m": district.altitude_m,
        "population": latest.total if latest else None,
        "population_year": latest.year if latest else None,
    }


def _child(child: Child) -> dict:
    return {
        "id": child.pk,
        "dni": child.dni,
        "cui": child.cui,
        "cnv": child.cnv,
        "padron_code": child.padron_code,
        "paternal_surname": child.paternal_surname,
        "maternal_surname": child.maternal_surname,
        "given_names": child.given_names,
        "sex": child.sex,
        "birth_date": child.birth_date,
        "district": child.district_id,
        "populated_center": child.populated_center_id,
        "area": child.area,
        "record_status": child.record_status,
        "insurance": child.insurance,
        "sis_affiliation_date": child.sis_affiliation_date,
        "dni_issue_date": child.dni_issue_date,
        "programs": child.program_list,
        "care_facility": child.care_facility,
        "mother_document_type": child.mother_document_type,
        "mother_document_number": child.mother_document_number,
        "mother_name": child.mother_name,
    }


def _visible(request: HttpRequest) -> QuerySet[Child]:
    policy.require(request.user, Can.VIEW_PERSONAL)
    return Child.objects.visible_to(request.user)


@children.get(
    "/", response={200: schemas.ChildPage} | PERSONAL, summary="Children in the user's scope"
)
def child_list(
    request: HttpRequest,
    territory: str | None = Query(None, pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6})$"),
    offset: int = Query(0, ge=0, le=10_000_000),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
) -> Any:
    found = _visible(request).order_by("pk")
    if territory:
        found = found.filter(within(policy.territory_or_404(request.user, territory)))
    page = list(found[offset : offset + limit])
    audit.record(
        request,
        Action.LIST,
        page,
        filter={"territory": territory or "", "offset": offset, "limit": limit},
        territory_code=territory or "",
        via_api=True,
    )
    return {"count": found.count(), "offset": offset, "limit": limit, "items": map(_child, page)}


@children.get(
    "/by-number/{number}",
    response={200: schemas.Child} | PERSONAL,
    summary="The child holding a DNI, CUI, CNV or registry code",
)
def child_by_number(request: HttpRequest, number: str) -> Any:
    cleaned = clean_number(number)
    visible = Child.objects.visible_to(request.user)  # none without the right: "not found" too
    found = visible.with_identifier(cleaned).first() if is_digits(cleaned) else None
    audit.record(
        request, Action.SEARCH, [found] if found else [], filter={"number": cleaned}, via_api=True
    )
    if found is None:
        raise Http404
    return _child(found)


@children.get(
    "/{int:child_id}",
    response={200: schemas.Child} | PERSONAL,
    summary="One child",
)
def child_detail(request: HttpRequest, child_id: int) -> Any:
    child = Child.objects.visible_or_404(request.user, child_id)
    audit.record(request, Action.VIEW, [child], via_api=True)
    return _child(child)


api.add_router("/territory/", territory)
api.add_router("/children/", children)
