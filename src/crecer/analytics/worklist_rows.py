"""The work list of a user's scope, from the latest refresh: status rows limited by the access
policy and the chosen filters, ranked by :mod:`crecer.analytics.worklists`, joined to the
registry details a team needs to find each child; as a page's rows or as a CSV/XLSX file."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, reduce
from operator import add, or_
from typing import Any

import polars as pl
from django.db.models import Case, F, IntegerField, Q, QuerySet, When
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from crecer.access import policy
from crecer.access.models import ScopeLevel
from crecer.analytics import worklists
from crecer.analytics.dashboard import latest_refresh
from crecer.analytics.models import ChildStatus, Refresh
from crecer.ingest.safe_cells import safe_writer, xlsx_cell, xlsx_row
from crecer.norms import AnemiaNorms
from crecer.registry.models import Child
from crecer.territory.models import Department, District, PopulatedCenter, Province, within

PROBLEM_LABELS = {
    "severe_anemia": gettext_lazy("Severe anemia"),
    "wasted": gettext_lazy("Acute malnutrition"),
    "severe_stunting": gettext_lazy("Severe stunting"),
    "anemia": gettext_lazy("Anemia"),
    "stunting": gettext_lazy("Stunting"),
    "not_found": gettext_lazy("Not found at the visit"),
    "vaccines_overdue": gettext_lazy("Vaccines overdue"),
    "iron_overdue": gettext_lazy("Iron overdue"),
    "cred_overdue": gettext_lazy("CRED overdue"),
    "no_dni": gettext_lazy("No DNI"),
    "no_sis": gettext_lazy("No SIS"),
}
# Marked urgent on the printed list (bold and a star, readable in black and white).
URGENT = frozenset({"severe_anemia", "wasted", "severe_stunting"})
# Problems whose measurement is worth printing beside the label.
HB_PROBLEMS = {"severe_anemia", "anemia"}
HAZ_PROBLEMS = {"severe_stunting", "stunting"}
# Above this many populated centers or facilities a filter is typed, not picked from a list.
MAX_CHOICES = 500
# Registry fields a work list shows (``only``: no need to load the whole record).
CHILD_FIELDS = [
    "id",
    "dni",
    "cui",
    "cnv",
    "padron_code",
    "paternal_surname",
    "maternal_surname",
    "given_names",
    "birth_date",
    "district_id",
    "populated_center",
    "populated_center__name",
    "populated_center_name",
    "address",
    "address_reference",
    "mother_paternal_surname",
    "mother_maternal_surname",
    "mother_given_names",
    "mother_phone",
    "care_facility",
]


@dataclass(frozen=True)
class Selection:
    """What the user asked for: a territory inside the scope ("" = the whole scope), a
    populated center, a care facility (as the registry names it) and kinds of problem."""

    territory: str = ""
    center: str = ""
    facility: str = ""
    kinds: tuple[str, ...] = ()

    def as_filter(self, refresh: Refresh) -> dict[str, Any]:
        """The selection as the access log keeps it."""
        chosen = {
            "code": self.territory,
            "center": self.center,
            "facility": self.facility,
            "problem": list(self.kinds),
        }
        return {"refresh": refresh.as_of.isoformat()} | {k: v for k, v in chosen.items() if v}


def scope_prefix(user: Any) -> str:
    """The narrowest department, province or district holding the user's whole scope ("" =
    national): where a refresh must reach, and the territory an export is logged under."""
    prefixes = policy.access_of(user).scope.district_prefixes()
    common = prefixes[0] if prefixes else ""
    for prefix in prefixes[1:]:
        while not prefix.startswith(common):
            common = common[:-1]
    return common[: len(common) - len(common) % 2]


def log_territory(user: Any, selection: Selection) -> str:
    if selection.center:
        return selection.center[:6]
    return selection.territory or scope_prefix(user)


def refresh_for(user: Any, selection: Selection) -> Refresh | None:
    return latest_refresh(selection.territory or scope_prefix(user))


def scoped_statuses(user: Any, refresh: Refresh, selection: Selection) -> QuerySet[ChildStatus]:
    """Status rows of ``refresh`` for the active children the user may see, narrowed by the
    selection's territory, center and facility (not by kind of problem: that is computed)."""
    visible = Child.objects.visible_to(user).active().values("pk")
    rows = ChildStatus.objects.filter(refresh=refresh, child_id__in=visible)
    if selection.territory:
        rows = rows.filter(within(selection.territory))
    if selection.center:
        rows = rows.filter(populated_center_id=selection.center)
    if selection.facility:
        rows = rows.filter(care_facility=selection.facility)
    return rows


def status_frame(statuses: QuerySet[ChildStatus], ids: list[int] | None = None) -> pl.DataFrame:
    """The rows' columns the ranking needs, with ``not_found`` from the registry.

    Read as Python rows, not through :func:`crecer.analytics.extract.read`: a work list is one
    facility's or district's children (thousands), and NULL must stay unknown on both
    databases (an unmeasured child is not "not stunted")."""
    status_columns = [c for c in worklists.INPUT_COLUMNS if c != "not_found"]
    schema = {c: worklists.INPUT_COLUMNS[c] for c in status_columns}
    frame = pl.DataFrame(list(statuses.values_list(*status_columns)), schema=schema, orient="row")
    among = statuses.values("child_id") if ids is None else ids  # ids: a page's, known
    lost = Child.objects.filter(pk__in=among, visited=True, found=False).values_list(
        "pk", flat=True
    )
    return frame.with_columns(pl.col("child_id").is_in(list(lost)).alias("not_found"))


def ranked(
    statuses: QuerySet[ChildStatus], refresh: Refresh, norms: AnemiaNorms | None, kinds: tuple
) -> pl.DataFrame:
    return worklists.work_list(status_frame(statuses), refresh.as_of, norms, kinds)


def severe_ceiling(norms: AnemiaNorms | None) -> float | None:
    """An adjusted Hb from which no rule calls anemia severe (severe is below a row's
    ``moderate_from``): the rows below it are the only ones worth classifying in Python."""
    if norms is None:
        return None
    cuts = [c.moderate_from for rule in norms.rules for c in rule.cutoffs if c.has_severity]
    return max((cut for cut in cuts if cut is not None), default=None)


def severe_ids(
    statuses: QuerySet[ChildStatus], refresh: Refresh, norms: AnemiaNorms | None
) -> list[int]:
    """Children of ``statuses`` with severe anemia, classified exactly as
    :func:`crecer.analytics.worklists.severe_anemia` does, reading only the few rows below
    :func:`severe_ceiling` (a region has a few hundred, not tens of thousands)."""
    ceiling = severe_ceiling(norms)
    if ceiling is None:
        return []
    columns = ["child_id", "age_days", "hb_adjusted", "hb_tested_on"]
    rows = statuses.filter(hb_adjusted__lt=ceiling).values_list(*columns)
    schema = {c: worklists.INPUT_COLUMNS[c] for c in columns}
    frame = pl.DataFrame(list(rows), schema=schema, orient="row")
    severe = pl.Series(worklists.severe_anemia(frame, refresh.as_of, norms), dtype=pl.Boolean)
    return frame.filter(severe)["child_id"].to_list()


def _problem_conditions(severe: list[int]) -> dict[str, Q]:
    """Each problem of :data:`~crecer.analytics.worklists.PROBLEMS` as a condition on a status
    row, with the meaning :func:`~crecer.analytics.worklists.flag_problems` gives it: an
    unknown value is no problem (``x = TRUE`` / ``x = FALSE`` leave NULL out)."""
    lost = Child.objects.filter(visited=True, found=False).values("pk")
    is_severe = Q(child_id__in=severe)
    return {
        "severe_anemia": is_severe,
        "wasted": Q(wasted=True),
        "severe_stunting": Q(severely_stunted=True),
        "anemia": Q(anemic=True) & ~is_severe,
        "stunting": Q(stunted=True) & ~Q(severely_stunted=True),
        "not_found": Q(child_id__in=lost),
        "vaccines_overdue": Q(vaccines_complete_for_age=False),
        "iron_overdue": Q(iron_complete_for_age=False),
        "cred_overdue": Q(cred_complete_for_age=False),
        "no_dni": Q(has_dni=False),
        "no_sis": Q(has_sis=False),
    }


def ordered(
    statuses: QuerySet[ChildStatus], severe: list[int], kinds: tuple[str, ...] = ()
) -> QuerySet[ChildStatus]:
    """The rows of the work list in its order, computed by the database: the same rows and
    order as :func:`crecer.analytics.worklists.work_list` (most urgent problem, more problems,
    younger, child_id), so that a page reads 100 rows and a count instead of ranking a whole
    region in Python first."""
    conditions = _problem_conditions(severe)
    flags = {
        f"flag_{code}": Case(When(condition, then=1), default=0, output_field=IntegerField())
        for code, condition in conditions.items()
    }
    priority = Case(
        *(When(condition, then=worklists.RANK[code]) for code, condition in conditions.items()),
        default=None,
        output_field=IntegerField(),
    )
    count = reduce(add, (F(name) for name in flags))
    chosen = kinds or worklists.PROBLEMS
    listed = reduce(or_, (conditions[code] for code in chosen))
    return (
        statuses.filter(listed)
        .annotate(**flags)
        .annotate(priority=priority, problem_count=count)
        .order_by("priority", "-problem_count", "age_days", "child_id")
    )


def page_frame(
    page_ids: list[int], statuses: QuerySet[ChildStatus], refresh: Refresh, norms, kinds: tuple
) -> pl.DataFrame:
    """The ranked frame of one page's children (their problems, in the list's order)."""
    # The page's ids come from the scoped rows already: no need to apply the scope again
    # (its subquery over the registry cost a region a third of a second).
    rows = ChildStatus.objects.filter(refresh=refresh, child_id__in=page_ids)
    frame = worklists.work_list(status_frame(rows, page_ids), refresh.as_of, norms, kinds)
    position = {child_id: index for index, child_id in enumerate(page_ids)}
    return frame.sort(pl.col("child_id").replace_strict(position, return_dtype=pl.Int64))


def filter_choices(statuses: QuerySet[ChildStatus]) -> dict[str, list[tuple[str, str]] | None]:
    """Populated centers and facilities present in the rows, as (value, label) pairs; None
    when there are too many for a list."""
    # One pass over the rows for both lists (two DISTINCT queries read a region twice).
    pairs = list(statuses.order_by().values_list("populated_center_id", "care_facility").distinct())
    centers = sorted({center for center, _facility in pairs if center is not None})
    facilities = sorted({facility for _center, facility in pairs if facility})
    names = dict(
        PopulatedCenter.objects.filter(code__in=centers[: MAX_CHOICES + 1]).values_list(
            "code", "name"
        )
    )
    return {
        "center": None
        if len(centers) > MAX_CHOICES
        else [(code, f"{names.get(code, code)} ({code})") for code in centers],
        "facility": None
        if len(facilities) > MAX_CHOICES
        else [(name, name) for name in facilities],
    }


def heading(user: Any, selection: Selection) -> str:
    """What the list covers, in words, for the printed page's title."""
    if selection.center:
        center = PopulatedCenter.objects.filter(pk=selection.center).first()
        return center.name if center else selection.center
    if selection.facility:
        return selection.facility
    if selection.territory:
        return _unit_name(selection.territory)
    scope = policy.access_of(user).scope
    if scope.level == ScopeLevel.FACILITY:
        return scope.facility_name
    if scope.level == ScopeLevel.COMMUNITY:
        names = PopulatedCenter.objects.filter(pk__in=scope.centers).values_list("name", flat=True)
        return ", ".join(sorted(names))
    return _unit_name(scope.territory_code) if scope.territory_code else _("whole country")


def _unit_name(code: str) -> str:
    model = {2: Department, 4: Province, 6: District}[len(code)]
    unit = model.objects.filter(pk=code).first()
    return f"{unit.name} ({code})" if unit else code


@dataclass
class Need:
    code: str
    label: str
    detail: str = ""


@dataclass
class WorkRow:
    """One line of the list: the child, its place in the order and what it needs."""

    position: int
    child: Child
    age_months: int
    needs: list[Need] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=dict)


def needs_of(status: dict[str, Any]) -> list[Need]:
    texts = _texts(get_language())
    needs = []
    for code in status["problems"]:
        detail = ""
        if code in HB_PROBLEMS and status["hb_adjusted"] is not None:
            detail = texts["hb"] % {"value": status["hb_adjusted"]}
        elif code in HAZ_PROBLEMS and status["haz"] is not None:
            detail = texts["haz"] % {"value": status["haz"]}
        elif code == "wasted" and status["whz"] is not None:
            detail = texts["whz"] % {"value": status["whz"]}
        needs.append(Need(code, texts[code], detail))
    return needs


@lru_cache(maxsize=16)
def _texts(language: str | None) -> dict[str, str]:
    """The labels of a list's needs in ``language`` (the active one): translated once, not on
    each of a page's hundreds of needs (gettext was a sixth of a work list's time)."""
    return {
        "hb": _("Hb %(value).1f g/dL"),
        "haz": _("HAZ %(value).1f"),
        "whz": _("WHZ %(value).1f"),
        **{code: str(label) for code, label in PROBLEM_LABELS.items()},
    }


def work_rows(frame: pl.DataFrame, children: dict[int, Child], first: int = 1) -> list[WorkRow]:
    """Lines for the ranked ``frame`` (numbered from ``first``), skipping any child the registry
    no longer holds."""
    rows = []
    for position, status in enumerate(frame.iter_rows(named=True), start=first):
        child = children.get(status["child_id"])
        if child is not None:
            rows.append(WorkRow(position, child, status["age_months"], needs_of(status), status))
    return rows


def children_by_id(user: Any, ids: list[int] | QuerySet) -> dict[int, Child]:
    found = (
        Child.objects.visible_to(user)
        .filter(pk__in=ids)
        .only(*CHILD_FIELDS)
        .select_related("populated_center")
    )
    return {child.pk: child for child in found}


def export_header() -> list[str]:
    """Column names of the downloaded list, in the user's language."""
    fixed = [
        _("Order"),
        _("Needs"),
        _("Identifier"),
        _("Child"),
        _("Birth date"),
        _("Age (months)"),
        _("District"),
        _("Populated center code"),
        _("Populated center"),
        _("Address"),
        _("Address landmark"),
        _("Mother"),
        _("Mother's phone"),
        _("Care facility"),
        _("HAZ"),
        _("WHZ"),
        _("Hb adjusted (g/dL)"),
        _("Hb test date"),
    ]
    # One 1/0 column per problem, so that a spreadsheet filters by kind.
    return fixed + [str(PROBLEM_LABELS[code]) for code in worklists.PROBLEMS]


def export_values(row: WorkRow) -> list[Any]:
    child, status = row.child, row.status
    center = child.populated_center
    return [
        row.position,
        "; ".join(f"{n.label} ({n.detail})" if n.detail else n.label for n in row.needs),
        child.identifier,
        child.full_name,
        child.birth_date,
        row.age_months,
        child.district_id,
        child.populated_center_id or "",
        center.name if center else child.populated_center_name,
        child.address,
        child.address_reference,
        child.mother_name,
        child.mother_phone,
        child.care_facility,
        _rounded(status["haz"], 2),
        _rounded(status["whz"], 2),
        _rounded(status["hb_adjusted"], 1),
        status["hb_tested_on"],
    ] + [int(status[code]) for code in worklists.PROBLEMS]


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


BOM = b"\xef\xbb\xbf"
# Children read from the registry per chunk of a streamed list: a few hundred kilobytes of CSV,
# one query each, well under SQLite's limit of bound parameters.
STREAM_CHUNK = 1000


def to_csv(rows: list[WorkRow]) -> bytes:
    """Semicolon-separated UTF-8 with a BOM, dates as dd/mm/yyyy: what Excel in Peru opens
    with its accents and Ñ (as the registry export). Text cells are formula-safe; numbers are
    written as numbers (a negative z-score is no formula)."""
    return BOM + _csv_text(rows, header=True).encode("utf-8")


def _csv_text(rows: list[WorkRow], header: bool = False) -> str:
    text = io.StringIO()
    writer = safe_writer(text, delimiter=";", lineterminator="\n")
    if header:
        writer.writerow(export_header())
    for row in rows:
        writer.writerow(_csv_cell(value) for value in export_values(row))
    return text.getvalue()


def stream_csv(user: Any, ranked: pl.DataFrame, language: str | None) -> Iterator[bytes]:
    """The CSV of :func:`to_csv` in pieces, for a streamed download: the header at once, then
    the ranked rows :data:`STREAM_CHUNK` children at a time, each chunk's children read from
    the registry when it is written. A region's list is tens of megabytes: built whole, it
    kept the user waiting half a minute before the first byte and held it all in memory.
    ``language`` is the request's: the body is written after the view has returned."""
    with translation.override(language):
        yield BOM + _csv_text([], header=True).encode("utf-8")
        for start in range(0, ranked.height, STREAM_CHUNK):
            part = ranked.slice(start, STREAM_CHUNK)
            children = children_by_id(user, part["child_id"].to_list())
            yield _csv_text(work_rows(part, children, start + 1)).encode("utf-8")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value  # text (made safe by the writer) or a number (written as it is)


def to_xlsx(rows: list[WorkRow]) -> bytes:
    """One sheet, numbers and dates typed, text formula-safe, the header row frozen."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Work list")[:31])
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, export_header()))
    for row in rows:
        cells = []
        for value in export_values(row):
            cell = xlsx_cell(sheet, value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
