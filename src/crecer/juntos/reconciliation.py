"""The bank's paid-back file of a sent cycle: which households collected their transfer.

The official layout was not found (juntos.md), so the file is read like every other Crecer
file (CSV or XLSX, headers compared folded) with the columns :data:`PAID_BACK_COLUMNS`: the
household code as the payroll wrote it, and whether the transfer was collected. Nothing is
dropped silently: a line that cannot be read (no household code, a collected value that is
neither yes nor no, a household named twice with different answers) is refused with its
reason, a household the payroll does not hold is reported by its line, an unread column is
named, and the households the file does not mention stay "unknown" on the cycle. The
payroll's totals row, sent back with it, is passed over."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from crecer.ingest.columns import Columns
from crecer.ingest.reading import read_table
from crecer.juntos import payments
from crecer.juntos.models import Cycle

PAID_BACK_COLUMNS = Columns(
    {
        "household_code": ["CODIGO_HOGAR", "Código de hogar", "CO_HOGAR", "ID_HOGAR"],
        "collected": ["COBRADO", "ESTADO_COBRO", "PAGADO", "Cobrado", "Estado"],
    },
    expected="the payroll's household code (CODIGO_HOGAR) and COBRADO (S/N), or Crecer's "
    "(household_code, collected)",
    required={"household_code": "household code", "collected": "collected"},
    # The bank may send the payroll back with a column added: its other columns are known.
    unread=[title for key, title in payments.PAYROLL_COLUMNS.items() if key != "household"],
)
COLLECTED = {"S", "SI", "SÍ", "1", "Y", "YES", "TRUE", "COBRADO", "PAGADO"}
NOT_COLLECTED = {"N", "NO", "0", "FALSE", "NO COBRADO", "NO PAGADO", "DEVUELTO", "RECHAZADO"}

REFUSALS = {
    "no_code": _("no household code"),
    "unreadable": _("collected is neither yes (S) nor no (N)"),
    "contradicted": _("the same household is named again with another answer"),
}


@dataclass
class PaidBack:
    """What a paid-back file said, line by line, and what the cycle took from it."""

    collected: int = 0
    not_collected: int = 0
    not_in_payroll: list[tuple[int, str]] = field(default_factory=list)  # (line, code)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, reason code)
    unread_columns: list[str] = field(default_factory=list)
    not_mentioned: int = 0  # households paid that the file does not name

    def refusal_texts(self) -> list[tuple[int, str]]:
        return [(line, str(REFUSALS[why])) for line, why in self.refused]


def read_paid_back(path: Path) -> tuple[dict[str, tuple[int, bool]], PaidBack]:
    """household code -> (line, collected), and the report of what was refused.
    Raises :class:`crecer.ingest.columns.UnreadableFile` for a file that cannot be read."""
    table = read_table(path, PAID_BACK_COLUMNS)
    report = PaidBack(unread_columns=table.unknown_headers)
    answers: dict[str, tuple[int, bool]] = {}
    codes = table.columns["household_code"].to_list()
    values = table.columns["collected"].to_list()
    for line, code, value in zip(table.lines.to_list(), codes, values, strict=True):
        code, value = (code or "").strip().upper(), " ".join((value or "").upper().split())
        if code == payments.TOTAL:  # the payroll's totals row, sent back with it
            continue
        if not code:
            report.refused.append((line, "no_code"))
            continue
        if value not in COLLECTED and value not in NOT_COLLECTED:
            report.refused.append((line, "unreadable"))
            continue
        said = value in COLLECTED
        if code in answers and answers[code][1] != said:
            report.refused.append((line, "contradicted"))
            continue
        answers.setdefault(code, (line, said))
    return answers, report


def reconcile_file(cycle: Cycle, path: Path, user: Any) -> PaidBack:
    """Reconcile ``cycle`` (sent) with the bank's paid-back file; the cycle becomes paid.
    Raises :class:`crecer.juntos.cycles.CycleError` when the cycle is not sent."""
    answers, report = read_paid_back(path)
    codes = cycle.entitlements.filter(total__gt=0).values_list("household__code", flat=True)
    paid = {code.upper(): code for code in codes}  # as read (folded) -> as stored
    report.not_in_payroll = sorted(
        (line, code) for code, (line, _said) in answers.items() if code not in paid
    )
    known = {paid[code]: said for code, (_line, said) in answers.items() if code in paid}
    payments.reconcile(cycle, known, user)
    report.collected = sum(known.values())
    report.not_collected = len(known) - report.collected
    report.not_mentioned = len(paid) - len(known)
    return report
