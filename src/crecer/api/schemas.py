from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema


class Unit(Schema):
    code: str
    name: str


class TerritoryUnit(Schema):
    code: str
    name: str
    level: str
    parent: Unit | None = None
    children: list[Unit]
    altitude_m: float | None = None
    population: int | None = None
    population_year: int | None = None


class Child(Schema):
    id: int
    dni: str | None
    cui: str | None
    cnv: str | None
    padron_code: str | None
    paternal_surname: str
    maternal_surname: str
    given_names: str
    sex: str
    birth_date: date
    district: str
    populated_center: str | None
    area: str
    record_status: str
    insurance: str
    sis_affiliation_date: date | None
    dni_issue_date: date | None
    programs: list[str]
    care_facility: str
    mother_document_type: str
    mother_document_number: str
    mother_name: str


class ChildPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[Child]


class Message(Schema):
    """An error: 401, 403 or 404."""

    detail: str


class ValidationErrors(Schema):
    """422: each refused parameter, where it is (``loc``) and why (``msg``)."""

    detail: list[dict[str, Any]]
