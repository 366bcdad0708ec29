"""Giving a user a role and a territorial scope (``crecer createuser``, the demo users).

Errors are :class:`~django.core.management.base.CommandError`: the callers are commands.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from crecer.access.models import Assignment, Role
from crecer.access.scopes import ParsedScope
from crecer.territory.models import District, HealthFacility, PopulatedCenter


def assign(
    user: object, role: str, scope: ParsedScope, *, personal_data: bool = False
) -> Assignment:
    """Give ``user`` a role and scope, checking that the scope's codes exist."""
    assignment = Assignment(
        user=user,
        role=role,
        level=scope.level,
        territory_code=scope.territory_code,
        personal_data=personal_data and role == Role.ANALYST,
    )
    if (
        scope.territory_code
        and not District.objects.filter(ubigeo__startswith=scope.territory_code).exists()
    ):
        raise CommandError(f"no territory with code {scope.territory_code}")
    if scope.facility_code:
        assignment.facility = HealthFacility.objects.filter(pk=scope.facility_code).first()
        if assignment.facility is None:
            raise CommandError(
                f"no health facility {scope.facility_code} (load the facilities file first)"
            )
    centers = list(PopulatedCenter.objects.filter(code__in=scope.centers))
    if len(centers) != len(set(scope.centers)):
        missing = sorted(set(scope.centers) - {center.code for center in centers})
        raise CommandError(f"unknown populated centers: {', '.join(missing)}")
    try:
        assignment.full_clean(exclude=["user"])
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from None
    assignment.save()
    assignment.populated_centers.set(centers)
    return assignment
