"""After the payroll: the bank's paid-back file read line by line (every line taken, refused
with its reason or reported), waivers of verification registered on their page, and a
household's standing changed by hand with its reason kept in the history. The territory is
test_cycles's: Rosa's household complies and is paid S/ 200, Elsa's does not."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from crecer.juntos import cycles, payments, reconciliation
from crecer.juntos.models import Affiliation, Entitlement, Stage, Status, Verification, Waiver
from tests.juntos.test_cycles import END, PROFILE, START, run_cycle, territory  # noqa: F401

pytestmark = pytest.mark.django_db


def sent_cycle(territory):  # noqa: F811
    cycle = run_cycle(territory)
    payments.send_cycle(cycle, territory["approver"])
    return cycle


def test_the_paid_back_file_is_read_line_by_line(territory, tmp_path):  # noqa: F811
    cycle = sent_cycle(territory)
    rosa, elsa = territory["rosa"].code, territory["elsa"].code
    path = tmp_path / "devuelto.csv"
    path.write_text(
        "CODIGO_HOGAR;MONTO_TOTAL;COBRADO;OBSERVACION_BANCO\n"
        f"{rosa.lower()};200.00;S;\n"  # line 2: taken (the code is compared folded)
        ";200.00;S;\n"  # line 3: no household code
        f"{rosa};200.00;tal vez;\n"  # line 4: neither yes nor no
        f"{rosa};200.00;N;\n"  # line 5: contradicts line 2
        f"{elsa};0.00;N;\n"  # line 6: Elsa's household is not paid by this cycle
        "TOTAL;200.00;;\n",  # the payroll's totals row: passed over
        encoding="utf-8",
    )
    report = reconciliation.reconcile_file(cycle, path, territory["approver"])
    assert report.refused == [(3, "no_code"), (4, "unreadable"), (5, "contradicted")]
    assert report.not_in_payroll == [(6, elsa)]
    assert (report.collected, report.not_collected, report.not_mentioned) == (1, 0, 0)
    assert report.unread_columns == ["OBSERVACION_BANCO"]  # MONTO_TOTAL is the payroll's own
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PAID
    assert Entitlement.objects.get(cycle=cycle, household=territory["rosa"]).collected is True


def test_the_reconcile_page_reports_what_it_did_not_take(territory, client, make_user):  # noqa: F811
    cycle = sent_cycle(territory)
    url = reverse("juntos:reconcile", args=[cycle.pk])
    client.force_login(make_user("otro", "program_manager", "0501"))  # Huamanga, not Huanta
    assert client.get(url).status_code == 404
    client.force_login(territory["approver"])
    upload = ("devuelto.csv", f"CODIGO_HOGAR,COBRADO\n{territory['rosa'].code},N\nH-0,S\n")
    page = client.post(url, {"file": SimpleUploadedFile(upload[0], upload[1].encode())})
    text = page.content.decode()
    assert page.status_code == 200
    assert "H-0" in text  # a household the payroll does not hold, by its line
    assert Entitlement.objects.get(cycle=cycle, household=territory["rosa"]).collected is False
    # A paid cycle is not reconciled twice: the file is not taken, no form is offered.
    upload = ("devuelto.csv", f"CODIGO_HOGAR,COBRADO\n{territory['rosa'].code},S\n")
    again = client.post(url, {"file": SimpleUploadedFile(upload[0], upload[1].encode())})
    assert "multipart/form-data" not in again.content.decode()
    assert Entitlement.objects.get(cycle=cycle, household=territory["rosa"]).collected is False


def test_a_waiver_registered_on_its_page_exempts_the_members(territory, client):  # noqa: F811
    client.force_login(territory["preparer"])  # a manager of 050403
    url = reverse("juntos:waivers")
    outside = {
        "territory_code": "0501", "period_start": "2026-09-01", "period_end": "2026-10-31",
        "reason": "DS 000-2026",
    }  # fmt: skip
    assert client.post(url, outside).status_code == 200  # refused: outside the territory
    assert not Waiver.objects.exists()
    inside = outside | {"territory_code": "050403", "reason": "RM 123-2026-MIDIS (huaico)"}
    assert client.post(url, inside).status_code == 302
    assert "RM 123-2026-MIDIS" in client.get(url).content.decode()
    cycle = cycles.open_cycle("0504", START, END, END, territory["preparer"], PROFILE)
    cycles.verify_cycle(cycle, territory["preparer"], PROFILE)
    elsa = Verification.objects.get(
        cycle=cycle, household=territory["elsa"], condition="cred_0_11m"
    )
    assert elsa.status == "exempt"  # her child's missing checks are not held against her
    assert cycle.entitlements.get(household=territory["elsa"]).complies


def test_a_standing_changed_by_hand_keeps_its_reason(territory, client, make_user):  # noqa: F811
    household = territory["elsa"]
    url = reverse("juntos:standing", args=[household.pk])
    client.force_login(make_user("mirar", "analyst", "05"))
    assert client.post(url, {"status": "disaffiliated", "reason": "x"}).status_code == 403
    client.force_login(territory["preparer"])
    reason = "moved to Lima (acta 12-2026)"
    assert client.post(url, {"status": "disaffiliated", "reason": reason}).status_code == 302
    standing = Affiliation.objects.get(household=household)
    assert (standing.status, standing.reason, standing.since) == (
        Status.DISAFFILIATED, reason, timezone.localdate()
    )  # fmt: skip
    assert standing.history.latest("history_date").history_change_reason == reason


def test_every_reason_of_the_engine_reads_in_words():
    from crecer.juntos.labels import REASONS
    from crecer.transfers.verify import REASONS as ENGINE

    assert set(ENGINE) <= set(REASONS)


def test_a_household_and_its_members_are_edited_with_a_reason(territory, client, make_user):  # noqa: F811
    household = territory["rosa"]
    titular = household.members.get(role="titular")
    edit = reverse("juntos:edit_household", args=[household.pk])
    member = reverse("juntos:edit_member", args=[titular.pk])
    client.force_login(make_user("otro", "program_manager", "0501"))  # Huamanga, not Huanta
    assert client.get(edit).status_code == 404
    assert client.get(member).status_code == 404
    client.force_login(territory["preparer"])
    fields = {"care_facility": "00003452", "address": "Jr. Lima 120", "change_reason": "visit"}
    refused = client.post(edit, fields | {"populated_center": "0501010001"})  # Ayacucho's
    assert refused.status_code == 200  # not in the household's district: the form again
    assert client.post(edit, fields).status_code == 302
    household.refresh_from_db()
    assert household.address == "Jr. Lima 120"
    assert household.history.latest("history_date").history_change_reason == "visit"
    # A woman's own record holds her names: the member form does not change them.
    answer = client.post(
        member,
        {"role": "titular", "names": "Otra", "language": "Quechua", "active": "on",
         "change_reason": "declared at the assembly"},
    )  # fmt: skip
    assert answer.status_code == 302
    titular.refresh_from_db()
    assert (titular.language, titular.names != "Otra") == ("Quechua", True)
    page = client.get(reverse("juntos:household", args=[household.pk])).content.decode()
    assert "declared at the assembly" in page


def test_the_command_reconciles_and_names_each_line_not_taken(territory, tmp_path):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    cycle = sent_cycle(territory)
    path = tmp_path / "devuelto.csv"
    path.write_text(f"CODIGO_HOGAR,COBRADO\n{territory['rosa'].code},S\nH-0,S\n,N\n")
    out = StringIO()
    with translation.override("en"):
        call_command("juntos", "reconcile", str(cycle.pk), str(path), stdout=out)
    text = out.getvalue()
    assert "1 households collected, 0 did not; 0 paid households" in text
    assert "line 3: household H-0 is not in this cycle's payroll" in text
    assert "line 4: no household code" in text
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PAID
