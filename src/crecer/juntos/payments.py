"""The payroll of an approved cycle, its reconciliation, and appeals.

The payroll has one row per household paid: the titular's document and name, the household,
its district (the pay point where the bank's layout asks for one) and the amount. The bank's
official layout was not found (juntos.md), so the columns are :data:`PAYROLL_COLUMNS`, in that
order, and a deployment may give its own (:func:`payroll_frame` ``columns``). A last row holds
the totals; the file's SHA-256 is stored on the cycle when it is sent, so the file the bank
receives can be checked against it. Every cell is formula-safe.

An accepted appeal never edits a cycle: it recomputes what the household would have been owed
with the contested condition complied, and the difference is an :class:`Adjustment` paid by the
next cycle that verifies the household.
"""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
from django.db import transaction
from django.utils import timezone

from crecer import transfers
from crecer.ingest import bulk
from crecer.ingest.safe_cells import safe_frame, xlsx_row
from crecer.juntos.cycles import CycleError, frozen_arrays
from crecer.juntos.models import (
    Adjustment,
    Appeal,
    AppealStatus,
    Cycle,
    Member,
    MemberRole,
    Outcome,
    Stage,
)
from crecer.norms import Profile

PAYROLL_COLUMNS = {
    "household": "CODIGO_HOGAR",
    "titular_document_type": "TIPO_DOC_TITULAR",
    "titular_document": "NUM_DOC_TITULAR",
    "titular_name": "NOMBRE_TITULAR",
    "district": "UBIGEO_PAGO",
    "base": "MONTO_BASE",
    "tpi": "MONTO_TPI",
    "tas": "MONTO_TAS",
    "adjustments": "MONTO_APELACIONES",
    "amount": "MONTO_TOTAL",
}
TOTAL = "TOTAL"


def payroll_frame(cycle: Cycle, columns: dict[str, str] | None = None) -> pl.DataFrame:
    """The households ``cycle`` pays (total above zero), then a totals row."""
    columns = columns or PAYROLL_COLUMNS
    paid = (
        cycle.entitlements.filter(total__gt=0)
        .select_related("household")
        .order_by("household__code")
    )
    titulars = {
        m.household_id: m
        for m in Member.objects.filter(
            household__in=paid.values("household_id"), role=MemberRole.TITULAR, active=True
        )
    }
    rows = []
    for e in paid:
        titular = titulars.get(e.household_id)
        rows.append(
            {
                "household": e.household.code,
                "titular_document_type": titular.document_type if titular else "",
                "titular_document": titular.document_number if titular else "",
                "titular_name": titular.names if titular else "",
                "district": e.household.district_id,
                "base": e.base,
                "tpi": e.tpi,
                "tas": e.tas,
                "adjustments": e.adjustments,
                "amount": e.total,
            }
        )
    money = ("base", "tpi", "tas", "adjustments", "amount")
    totals = {name: sum((row[name] for row in rows), Decimal(0)) for name in money}
    rows.append(
        {
            "household": TOTAL,
            "titular_document_type": "",
            "titular_document": str(len(rows)),
            "titular_name": "",
            "district": "",
            **totals,
        }
    )
    frame = pl.DataFrame(
        [
            {key: (f"{row[key]:.2f}" if key in money else row[key]) for key in columns}
            for row in rows
        ],
        schema=dict.fromkeys(columns, pl.String),
    )
    return frame.rename(columns)


def payroll_csv(frame: pl.DataFrame) -> bytes:
    return b"\xef\xbb\xbf" + safe_frame(frame).write_csv(separator=";").encode("utf-8")


def payroll_xlsx(frame: pl.DataFrame) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Planilla")
    sheet.append(xlsx_row(sheet, frame.columns))
    for row in frame.iter_rows():
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def send_cycle(cycle: Cycle, user: Any) -> bytes:
    """The approved cycle's payroll (CSV), its hash stored on the cycle, the cycle sent."""
    if cycle.stage != Stage.APPROVED:
        raise CycleError(f"cycle is {cycle.stage}, not approved")
    payroll = payroll_csv(payroll_frame(cycle))
    cycle.payroll_hash = hashlib.sha256(payroll).hexdigest()
    cycle.stage, cycle.sent_by, cycle.sent_at = Stage.SENT, user, timezone.now()
    cycle._change_reason = "sent for payment"
    cycle.save()
    return payroll


@transaction.atomic
def reconcile(cycle: Cycle, collected: dict[str, bool], user: Any) -> dict[str, int]:
    """Mark each paid household as collected or not from the bank's paid-back file (household
    code -> collected); households the file does not name stay unknown. The cycle is paid."""
    if cycle.stage != Stage.SENT:
        raise CycleError(f"cycle is {cycle.stage}, not sent")
    paid = {
        e.household.code: e
        for e in cycle.entitlements.filter(total__gt=0).select_related("household")
    }
    unknown = [code for code in collected if code not in paid]
    for code, yes in collected.items():
        if code in paid:
            paid[code].collected = yes
    bulk.update_objects(list(paid.values()), ["collected"])
    cycle.stage, cycle.paid_by, cycle.paid_at = Stage.PAID, user, timezone.now()
    cycle._change_reason = "paid: reconciled"
    cycle.save()
    values = list(collected.values())
    return {
        "collected": sum(values),
        "not_collected": len(values) - sum(values),
        "unknown": len(unknown),
    }


def file_appeal(
    cycle: Cycle, verification_id: int, reason: str, evidence: str, user: Any
) -> Appeal:
    verification = cycle.verifications.get(pk=verification_id)
    appeal = Appeal(
        cycle=cycle, household_id=verification.household_id, verification=verification,
        reason=reason, evidence=evidence, filed_by=user,
    )  # fmt: skip
    appeal._change_reason = "filed"
    appeal.save()
    return appeal


@transaction.atomic
def decide_appeal(
    appeal: Appeal, accept: bool, decision: str, user: Any, profile: Profile
) -> Adjustment | None:
    """Accept or reject an open appeal (not by who filed it). Accepted: the household's
    entitlement is recomputed by the engine with the contested condition complied, and the
    difference is owed as an adjustment paid by a later cycle; the appealed cycle is left as
    it was."""
    if appeal.status != AppealStatus.OPEN:
        raise CycleError("the appeal is decided already")
    if user is not None and user.pk == appeal.filed_by_id:
        raise CycleError("an appeal is decided by another person than who filed it")
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.decided_by, appeal.decided_at, appeal.decision = user, timezone.now(), decision
    appeal._change_reason = "accepted" if accept else "rejected"
    appeal.save()
    if not accept:
        return None
    owed = corrected_total(appeal, profile)
    held = appeal.cycle.entitlements.get(household=appeal.household_id)
    difference = owed - (held.total - held.adjustments)
    if difference <= 0:
        return None
    return Adjustment.objects.create(
        appeal=appeal, household_id=appeal.household_id, amount=difference
    )


def corrected_total(appeal: Appeal, profile: Profile) -> Decimal:
    """What the appeal's household would have been owed by its cycle with the contested
    condition complied (the engine's own entitlement rule)."""
    cycle = appeal.cycle
    rows = list(
        cycle.verifications.filter(household=appeal.household_id).values_list(
            "pk", "member_id", "household_id", "condition", "status", "required", "done", "reason"
        )
    )
    status = [
        Outcome.COMPLIED if pk == appeal.verification_id else s for pk, _m, _h, _c, s, *_r in rows
    ]
    verification = {
        "member": np.array([r[1] for r in rows], dtype=np.int64),
        "household": np.array([r[2] for r in rows], dtype=np.int64),
        "condition": np.array([r[3] for r in rows], dtype=object),
        "status": np.array(status, dtype=object),
        "required": np.array([r[5] for r in rows], dtype=np.int64),
        "done": np.array([r[6] for r in rows], dtype=np.int64),
        "due_by": np.full(len(rows), "NaT", dtype="datetime64[D]"),
        "reason": np.array([r[7] for r in rows], dtype=object),
    }
    members, _events, _school = frozen_arrays(cycle)
    keep = members["household"] == appeal.household_id
    members = {name: column[keep] for name, column in members.items()}
    owed = transfers.household_entitlements(
        verification, members, np.datetime64(cycle.period_end), profile
    )
    return Decimal(str(round(float(owed["total"][0]), 2))) if len(owed["total"]) else Decimal(0)
