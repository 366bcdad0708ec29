"""Recording one event from a form, and reading a child's events (newest first)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from crecer.health.models import AltitudeSource, GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.profile import current_profile
from crecer.registry.models import Child
from crecer.territory.models import HealthFacility


def altitude_for(child: Child, facility: str, given: float | None) -> tuple[float | None, str]:
    """The altitude used to adjust an Hb value and its source, in the import's order: as
    recorded, the facility's, the child's populated center's, the district capital's."""
    if given is not None:
        return given, AltitudeSource.RECORDED
    place = HealthFacility.objects.filter(renipress_code=facility).first() if facility else None
    if place and place.altitude_m is not None:
        return place.altitude_m, AltitudeSource.FACILITY
    center = child.populated_center
    if center and center.altitude_m is not None:
        return center.altitude_m, AltitudeSource.CENTER
    if child.district.altitude_m is not None:
        return child.district.altitude_m, AltitudeSource.DISTRICT
    return None, AltitudeSource.UNKNOWN


@transaction.atomic
def record_event(event: ServiceRecord | GrowthCheck | HemoglobinTest, user: Any) -> None:
    """Save an event entered by ``user`` (who and when are kept on it). An Hb test also records
    its HIS service (the profile's ``services.hb_test.recorded_as``, 85018 in Peru) unless that
    day already has one."""
    event.recorded_by = user
    if isinstance(event, HemoglobinTest):
        event.altitude_m, event.altitude_source = altitude_for(
            event.child, event.facility, event.altitude_m
        )
        ServiceRecord.objects.get_or_create(
            child=event.child,
            date=event.date,
            code=current_profile().services.hb_test.recorded_as,
            defaults={"facility": event.facility, "recorded_by": user},
        )
    event.save()


def events_of(child: Child) -> dict[str, Any]:
    """The child's services, growth checks and Hb tests, newest first, and the names of
    their facilities by RENIPRESS code (an event stores the code; a page shows the name)."""
    newest = ["-date", "-id"]
    events = {
        "services": list(ServiceRecord.objects.filter(child=child).order_by(*newest)),
        "growth_checks": list(GrowthCheck.objects.filter(child=child).order_by(*newest)),
        "hb_tests": list(HemoglobinTest.objects.filter(child=child).order_by(*newest)),
    }
    codes = {event.facility for kind in events.values() for event in kind if event.facility}
    names = HealthFacility.objects.filter(renipress_code__in=codes).values_list(
        "renipress_code", "name"
    )
    return events | {"facility_names": dict(names)}
