"""One demo user per role, scoped inside the demo population, so every kind of user can be tried.

Passwords are random, made once and kept in ``demo-users.json`` in the data folder (readable by
its owner only), so running ``crecer demo`` again prints the same credentials and never resets a
password someone changed. They are for a local demo: never run ``crecer demo`` on a server with
real data.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from crecer.access.models import Role
from crecer.access.scopes import parse_scope
from crecer.access.services import assign
from crecer.registry.models import Child
from crecer.territory.models import HealthFacility, within

CREDENTIALS_FILE = "demo-users.json"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    scope: str


def plan_users(scope: str) -> list[DemoUser]:
    """The demo users of a population generated in ``scope`` (``PE`` or a ubigeo prefix)."""
    wide = "PE" if scope.upper() in {"PE", ""} else scope
    district = busiest_district(wide)
    users = [
        DemoUser("demo_admin", Role.ADMINISTRATOR, "PE"),
        DemoUser("demo_auditor", Role.AUDITOR, "PE"),
        DemoUser("demo_manager", Role.PROGRAM_MANAGER, wide),
        # Without personal-data rights: the analyst sees suppressed aggregates ("<5").
        DemoUser("demo_analyst", Role.ANALYST, wide),
    ]
    if district:
        users.append(DemoUser("demo_registry", Role.REGISTRY_OFFICER, district))
        facility = busiest_facility(district)
        users.append(
            DemoUser(
                "demo_health",
                Role.HEALTH_WORKER,
                f"facility:{facility}" if facility else district,
            )
        )
        centers = busiest_centers(district)
        if centers:
            users.append(DemoUser("demo_agent", Role.HEALTH_WORKER, "centers:" + ",".join(centers)))
    return users


def busiest_district(scope: str) -> str:
    children = Child.objects.all() if scope == "PE" else Child.objects.filter(within(scope))
    top = (
        children.values("district_id").annotate(n=Count("id")).order_by("-n", "district_id").first()
    )
    return top["district_id"] if top else ""


def busiest_facility(district: str) -> str:
    """The RENIPRESS code of the facility caring for most of the district's children, if any."""
    facilities = {
        code: name.upper()
        for code, name in HealthFacility.objects.filter(district_id=district).values_list(
            "renipress_code", "name"
        )
    }
    by_name = {name: code for code, name in facilities.items()}
    counts = (
        Child.objects.filter(district_id=district)
        .exclude(care_facility="")
        .values("care_facility")
        .annotate(n=Count("id"))
        .order_by("-n", "care_facility")
    )
    for row in counts[:20]:
        written = row["care_facility"].strip()
        if written in facilities:
            return written
        if written.upper() in by_name:
            return by_name[written.upper()]
    return ""


def busiest_centers(district: str, how_many: int = 3) -> list[str]:
    rows = (
        Child.objects.filter(district_id=district, populated_center__isnull=False)
        .values("populated_center_id")
        .annotate(n=Count("id"))
        .order_by("-n", "populated_center_id")[:how_many]
    )
    return sorted(row["populated_center_id"] for row in rows)


def ensure_users(scope: str, data_dir: Path) -> list[tuple[DemoUser, str]]:
    """Create the demo users that do not exist; return each with its password as known.

    A user that already existed keeps its password; it is shown only if it came from the
    credentials file (else "—")."""
    path = data_dir / CREDENTIALS_FILE
    known: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    users = get_user_model()
    result = []
    for planned in plan_users(scope):
        if not users.objects.filter(username=planned.username).exists():
            password = secrets.token_urlsafe(9)
            is_admin = planned.role == Role.ADMINISTRATOR
            with transaction.atomic():
                user = users(username=planned.username, is_staff=is_admin, is_superuser=is_admin)
                user.set_password(password)
                user.save()
                assign(user, planned.role, parse_scope(planned.scope))
            known[planned.username] = password
        result.append((planned, known.get(planned.username, "—")))
    write_private(path, json.dumps(known, indent=1))
    return result


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
