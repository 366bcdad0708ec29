"""A JUNTOS cycle end to end on a hand-built territory: the snapshot is frozen (a later edit
leaves its hash and rows as they were), verification from the services, four eyes, payroll
totals, an appeal paid by the next cycle with the paid cycle left as it was, the third
suspension disaffiliating, and scope on every page and export.

Two households in 050403 (Huamanguilla), period September-October 2026:
- Rosa's child is 11 months old on 31 Oct with a CRED check every month: she complies and is
  paid the base S/ 200 (juntos.md: S/ 200 every two months).
- Elsa's child, of the same age, had its last check on 17 August: none of the two a child
  under 12 months needs in a two-month period (CRED once a month) was done, so the household
  is not paid.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from crecer.health.models import ServiceRecord
from crecer.juntos import cycles, dashboard, payments
from crecer.juntos.cycles import CycleError
from crecer.juntos.households import households_from_registry
from crecer.juntos.models import Affiliation, Cycle, Household, Stage, Status, Verification
from crecer.maternal.models import Woman
from crecer.norms import load_profile
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db
PROFILE = load_profile("peru")
START, END = date(2026, 9, 1), date(2026, 10, 31)
BORN = date(2025, 11, 20)  # 11 months old on 31 Oct 2026


def mother_and_child(document: str, cnv: str, checks: list[date]) -> Child:
    Woman.objects.create(
        document_type="DNI", document_number=document, paternal_surname="Quispe",
        given_names="Rosa", district_id="050403",
    )  # fmt: skip
    child = Child(
        cnv=cnv, sex="1", birth_date=BORN, district_id="050403", mother_document_type="DNI",
        mother_document_number=document, given_names="Luis", paternal_surname="Quispe",
        care_facility="00003452",
    )  # fmt: skip
    child._change_reason = "registered"
    child.save()
    for day in checks:
        ServiceRecord.objects.create(child=child, date=day, code="99381")
    return child


def monthly_until(last: date) -> list[date]:
    days, day = [], BORN + timedelta(days=30)
    while day <= last:
        days.append(day)
        day += timedelta(days=30)
    return days


@pytest.fixture
def territory(make_user):
    rosa_child = mother_and_child("41000001", "1000000001", monthly_until(date(2026, 10, 31)))
    elsa_child = mother_and_child("41000002", "1000000002", monthly_until(date(2026, 9, 5)))
    households_from_registry(today=END)
    Affiliation.objects.update(status=Status.AFFILIATED)
    return {
        "rosa": Household.objects.get(members__child=rosa_child),
        "elsa": Household.objects.get(members__child=elsa_child),
        "preparer": make_user("gestor", "program_manager", "050403"),
        "approver": make_user("jefa", "program_manager", "05"),
    }


def run_cycle(territory, start=START, end=END) -> Cycle:
    cycle = cycles.open_cycle("0504", start, end, end, territory["preparer"], PROFILE)
    cycles.verify_cycle(cycle, territory["preparer"], PROFILE)
    cycles.approve_cycle(cycle, territory["approver"], PROFILE)
    return cycle


def test_verified_from_the_services_with_four_eyes_and_a_payroll(territory):
    cycle = cycles.open_cycle("0504", START, END, END, territory["preparer"], PROFILE)
    cycles.verify_cycle(cycle, territory["preparer"], PROFILE)
    rosa = cycle.entitlements.get(household=territory["rosa"])
    elsa = cycle.entitlements.get(household=territory["elsa"])
    assert (rosa.complies, rosa.base) == (True, Decimal("200.00"))
    assert (elsa.complies, elsa.total) == (False, Decimal("0.00"))
    missing = Verification.objects.get(
        cycle=cycle, household=territory["elsa"], condition="cred_0_11m"
    )
    assert (missing.status, missing.required, missing.done) == ("not_complied", 2, 0)
    # The preparer cannot approve; another manager can.
    with pytest.raises(CycleError):
        cycles.approve_cycle(cycle, territory["preparer"], PROFILE)
    cycles.approve_cycle(cycle, territory["approver"], PROFILE)
    assert Affiliation.objects.get(household=territory["elsa"]).status == Status.SUSPENDED
    payroll = payments.send_cycle(cycle, territory["approver"])
    cycle.refresh_from_db()
    assert cycle.stage == Stage.SENT
    assert cycle.payroll_hash == hashlib.sha256(payroll).hexdigest()
    lines = payroll.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3  # header, Rosa's household, totals
    assert lines[-1].startswith("TOTAL;")
    assert lines[-1].endswith(";200.00")  # the totals row equals the sum of the entitlements
    paid = payments.reconcile(cycle, {territory["rosa"].code: True}, territory["approver"])
    assert paid == {"collected": 1, "not_collected": 0, "unknown": 0}


def test_a_frozen_cycle_is_unchanged_by_later_edits(territory):
    cycle = cycles.open_cycle("0504", START, END, END, territory["preparer"], PROFILE)
    frozen_hash, frozen_rows = cycle.snapshot_hash, cycle.evidence.count()
    # After the cut-off: Elsa's missing October check is recorded late, a birth date corrected.
    child = Child.objects.get(cnv="1000000002")
    ServiceRecord.objects.create(child=child, date=date(2026, 10, 20), code="99381")
    child.birth_date = date(2025, 11, 1)
    child._change_reason = "corrected"
    child.save()
    assert cycles.snapshot_hash(cycle) == frozen_hash
    assert cycle.evidence.count() == frozen_rows
    cycles.verify_cycle(cycle, territory["preparer"], PROFILE)
    assert not cycle.entitlements.get(household=territory["elsa"]).complies


def test_an_accepted_appeal_is_paid_by_the_next_cycle_not_by_editing_the_paid_one(territory):
    cycle = run_cycle(territory)
    payments.send_cycle(cycle, territory["approver"])
    missing = Verification.objects.get(
        cycle=cycle, household=territory["elsa"], condition="cred_0_11m"
    )
    appeal = payments.file_appeal(
        cycle, missing.pk, "check done on 20/10, not keyed", "", territory["preparer"]
    )
    with pytest.raises(CycleError):  # who filed it does not decide it
        payments.decide_appeal(appeal, True, "", territory["preparer"], PROFILE)
    adjustment = payments.decide_appeal(
        appeal, True, "HIS sheet seen", territory["approver"], PROFILE
    )
    assert adjustment.amount == Decimal("200.00")
    held = cycle.entitlements.get(household=territory["elsa"])
    assert held.total == Decimal("0.00")  # the paid cycle stays as it was
    # The next cycle pays it (and only once).
    later = run_cycle(territory, date(2026, 11, 1), date(2026, 12, 31))
    assert later.entitlements.get(household=territory["elsa"]).adjustments == Decimal("200.00")
    adjustment.refresh_from_db()
    assert adjustment.paid_in == later


def test_the_third_suspension_disaffiliates(territory):
    periods = [
        (date(2026, 5, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 8, 31)),
        (START, END),
    ]
    for start, end in periods:
        ServiceRecord.objects.filter(child__cnv="1000000002", date__gte=start).delete()
        run_cycle(territory, start, end)
    standing = Affiliation.objects.get(household=territory["elsa"])
    assert (standing.status, standing.suspensions) == (Status.DISAFFILIATED, 3)
    reasons = [h.history_change_reason for h in standing.history.order_by("history_date")]
    assert any("3 suspensions" in (r or "") for r in reasons)


def test_pages_and_exports_keep_to_the_scope(territory, client, make_user):
    cycle = run_cycle(territory)
    payments.send_cycle(cycle, territory["approver"])
    outsider = make_user("otro", "program_manager", "0501")  # Huamanga, not Huanta
    client.force_login(outsider)
    for url in (
        reverse("juntos:cycle", args=[cycle.pk]),
        reverse("juntos:payroll", args=[cycle.pk, "csv"]),
        reverse("juntos:household", args=[territory["rosa"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(territory["approver"])
    assert client.get(reverse("juntos:cycle", args=[cycle.pk])).status_code == 200
    page = client.get(reverse("juntos:household", args=[territory["elsa"].pk])).content.decode()
    assert "99381" in page  # the evidence behind each condition
    payroll = client.get(reverse("juntos:payroll", args=[cycle.pk, "xlsx"]))
    assert payroll.status_code == 200


def test_the_households_at_risk_before_the_cut_off(territory, client):
    # On 20 October, within September-October: Rosa's child has its two checks (16 Sep,
    # 16 Oct); Elsa's has none since 17 August, so her household would not be paid.
    (start, end), listed = cycles.at_risk(Household.objects.all(), date(2026, 10, 20), PROFILE)
    assert (start, end) == (START, END)
    assert [risk.household for risk in listed] == [territory["elsa"]]
    (failing,) = listed[0].failing
    assert (failing["condition"], failing["done"], failing["required"]) == ("cred_0_11m", 0, 2)
    client.force_login(territory["preparer"])
    page = client.get(reverse("juntos:at_risk"))
    assert page.status_code == 200
    exported = client.get(reverse("juntos:at_risk"), {"format": "csv"})
    assert exported.content.decode("utf-8-sig").startswith("CODIGO_HOGAR;")


def test_the_dashboard_counts_by_territory_and_opens_to_the_households(
    territory, client, make_user
):
    cycle = run_cycle(territory)  # Rosa complies (S/ 200), Elsa does not (suspended)
    payments.send_cycle(cycle, territory["approver"])
    total, children, period, failing = dashboard.by_territory("05")
    assert period == END
    assert (total.verified, total.complying, total.paid, total.amount) == (2, 1, 1, 200)
    assert total.statuses == {Status.AFFILIATED: 1, Status.SUSPENDED: 1}
    assert [(line.code, line.verified) for line in children] == [("0504", 2)]
    # Elsa's child's growth checks; the TPI package's rows (both children) are counted too.
    assert ("cred_0_11m", 1) in [(condition, n) for condition, _reason, n in failing]
    client.force_login(territory["approver"])
    page = client.get(reverse("juntos:dashboard"), {"code": "050403"}).content.decode()
    assert "200" in page
    listed = client.get(reverse("juntos:households"), {"code": "050403", "status": "suspended"})
    assert territory["elsa"].code in listed.content.decode()
    assert territory["rosa"].code not in listed.content.decode()
    # A manager of Huamanga sees neither Huanta's numbers nor its households.
    client.force_login(make_user("otro", "program_manager", "0501"))
    assert client.get(reverse("juntos:dashboard"), {"code": "050403"}).status_code == 404
    assert client.get(reverse("juntos:households"), {"code": "050403"}).status_code == 404
