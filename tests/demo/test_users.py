"""``crecer demo``'s users: one per role, scoped inside the generated population, created once
with credentials kept in a private file and printed again on the next run."""

from __future__ import annotations

import stat
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from crecer.access import policy
from crecer.access.models import Role
from crecer.demo.users import CREDENTIALS_FILE, ensure_users
from crecer.registry.models import Child
from crecer.territory.models import HealthFacility, PopulatedCenter

from .frames import AS_OF

pytestmark = pytest.mark.django_db
DISTRICT = "050403"  # Huamanguilla (Ayacucho)


@pytest.fixture
def population():
    for number, name, area in ((1, "HUAMANGUILLA", "U"), (2, "MACACHACRA", "R")):
        PopulatedCenter.objects.create(
            code=f"{DISTRICT}{number:04d}", district_id=DISTRICT, name=name, area=area
        )
    HealthFacility.objects.create(
        renipress_code="00003456", name="C.S. HUAMANGUILLA", district_id=DISTRICT
    )
    call_command(
        "generate", "--as-of", AS_OF.isoformat(), "--scope", DISTRICT, "--into-db",
        stdout=StringIO(),
    )  # fmt: skip


def test_one_user_per_role_each_seeing_its_own_scope(population, tmp_path):
    created = ensure_users("05", tmp_path)
    by_name = {user.username: (user, password) for user, password in created}
    assert {user.role for user, _ in created} == set(Role.values)
    for username, (_, password) in by_name.items():
        assert get_user_model().objects.get(username=username).check_password(password)
    everyone = Child.objects.count()
    registry = get_user_model().objects.get(username="demo_registry")
    assert Child.objects.visible_to(registry).count() == everyone  # all of them live in 050403
    # The health worker's scope is the facility that cares for the children, found by name.
    health = by_name["demo_health"][0]
    assert health.scope == "facility:00003456"
    nurse = get_user_model().objects.get(username="demo_health")
    assert Child.objects.visible_to(nurse).count() == everyone
    # The community agent sees the children of the district's populated centers.
    assert by_name["demo_agent"][0].scope == f"centers:{DISTRICT}0001,{DISTRICT}0002"
    # The analyst sees aggregates only (small cells suppressed), the auditor reads the log.
    analyst = get_user_model().objects.get(username="demo_analyst")
    assert not policy.can(analyst, policy.Can.VIEW_PERSONAL)
    assert policy.can(analyst, policy.Can.VIEW_AGGREGATES)
    auditor = get_user_model().objects.get(username="demo_auditor")
    assert policy.can(auditor, policy.Can.AUDIT)


def test_running_again_keeps_users_and_prints_the_same_passwords(population, tmp_path):
    first = ensure_users("05", tmp_path)
    users = get_user_model().objects.count()
    second = ensure_users("05", tmp_path)
    assert second == first
    assert get_user_model().objects.count() == users
    mode = (tmp_path / CREDENTIALS_FILE).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
