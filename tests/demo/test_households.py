"""The demo's JUNTOS households run a cycle end to end: households from the generated
mothers, older siblings with school terms, CSE by district poverty, affiliation in eligible
districts; a cycle prepared, verified, approved by a second person and its payroll written."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from crecer.demo import households, women
from crecer.juntos import cycles, payments
from crecer.juntos.models import SchoolRecord, Stage
from crecer.norms import load_profile
from crecer.territory.models import District

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
AS_OF = date(2026, 11, 30)
PROVINCE = "0504"


def test_the_demo_households_run_a_cycle(make_user):
    # Huanta's districts are poor (INEI 2018: most above 40 %); set so that every one is.
    District.objects.filter(ubigeo__startswith=PROVINCE).update(poverty_pct=45.0)
    call_command(
        "generate",
        *("--scope", PROVINCE, "--factor", "0.2", "--as-of", AS_OF.isoformat(), "--into-db"),
        stdout=StringIO(),
    )
    women.populate(PROVINCE, AS_OF)
    result = households.populate(PROVINCE, AS_OF)
    assert result["households"] > 50
    assert result["affiliated"] > result["households"] * 0.3  # poor share 0.45 + 0.15 margin
    assert SchoolRecord.objects.count() == result["school_terms"] > 0
    assert households.populate(PROVINCE, AS_OF) == {"skipped": "households already present"}
    profile = load_profile("peru")
    preparer = make_user("gestor", "program_manager", PROVINCE)
    approver = make_user("jefa", "program_manager", "05")
    cycle = cycles.open_cycle(
        PROVINCE, date(2026, 9, 1), date(2026, 10, 31), AS_OF, preparer, profile
    )
    cycles.verify_cycle(cycle, preparer, profile)
    cycles.approve_cycle(cycle, approver, profile)
    payroll = payments.send_cycle(cycle, approver).decode("utf-8-sig").splitlines()
    cycle.refresh_from_db()
    assert cycle.stage == Stage.SENT
    verified = cycle.entitlements.count()
    assert verified == result["affiliated"]  # every affiliated household, once
    paid = cycle.entitlements.filter(total__gt=0).count()
    assert 0 < paid <= verified
    assert len(payroll) == paid + 2  # header and totals
