"""The review queue: doubtful pairs of the user's territory, side by side, with each field's
match weight; link or reject with a reason; undo a link or merge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crecer.access import audit, policy
from crecer.access.models import Action
from crecer.access.policy import Can
from crecer.linkage import services
from crecer.linkage.models import CandidatePair, LinkRun, PairStatus, RunKind
from crecer.registry.models import Child

PAGE = 50
# Fields shown side by side: the child's record, and the same facts of an outside record.
SIDE_BY_SIDE = [
    ("identifier", gettext_lazy("Identifier")),
    ("paternal_surname", gettext_lazy("Paternal surname")),
    ("maternal_surname", gettext_lazy("Maternal surname")),
    ("given_names", gettext_lazy("Given names")),
    ("birth_date", gettext_lazy("Birth date")),
    ("sex", gettext_lazy("Sex")),
    ("mother_document", gettext_lazy("Mother's document")),
    ("mother_name", gettext_lazy("Mother")),
    ("place", gettext_lazy("District and populated center")),
]


# What the model and the rules call things (crecer.linkage.splink_model, pipeline), for people.
FIELD_LABELS = {
    "surnames": gettext_lazy("surnames"),
    "given_names": gettext_lazy("given names"),
    "birth_date": gettext_lazy("birth date"),
    "sex": gettext_lazy("sex"),
    "mother": gettext_lazy("mother"),
    "place": gettext_lazy("place"),
}
RULE_LABELS = {
    "dni": gettext_lazy("the same DNI or CUI"),
    "cnv": gettext_lazy("the same CNV"),
    "mother_birth": gettext_lazy("the same mother's document, birth date, sex and names"),
    "model": gettext_lazy("the probabilistic model"),
}
LEVEL_LABELS = {
    "missing": gettext_lazy("missing on one side"),
    "both equal": gettext_lazy("both equal"),
    "swapped": gettext_lazy("swapped"),
    "both equal in spelling (Quechua/Spanish)": gettext_lazy(
        "both equal in spelling (Quechua/Spanish)"
    ),
    "first equal, second missing": gettext_lazy("first equal, second missing"),
    "both similar (typo)": gettext_lazy("both similar (typo)"),
    "one equal": gettext_lazy("one equal"),
    "equal": gettext_lazy("equal"),
    "first name equal": gettext_lazy("first name equal"),
    "similar (typo or spelling)": gettext_lazy("similar (typo or spelling)"),
    "somewhat similar": gettext_lazy("somewhat similar"),
    "day and month transposed": gettext_lazy("day and month transposed"),
    "one digit differs": gettext_lazy("one digit differs"),
    "within a month": gettext_lazy("within a month"),
    "within a year": gettext_lazy("within a year"),
    "document equal, names agree": gettext_lazy("document equal, names agree"),
    "document one digit off, names agree": gettext_lazy("document one digit off, names agree"),
    "document equal, names differ": gettext_lazy("document equal, names differ"),
    "names equal": gettext_lazy("names equal"),
    "names similar": gettext_lazy("names similar"),
    "same populated center": gettext_lazy("same populated center"),
    "same district": gettext_lazy("same district"),
    "same province": gettext_lazy("same province"),
    "All other comparisons": gettext_lazy("different"),
    "Exact match on sex": gettext_lazy("equal"),
}


def readable(explanation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        item | {"field": FIELD_LABELS.get(item.get("field", ""), item.get("field")),
                "level": LEVEL_LABELS.get(item.get("level", ""), item.get("level"))}
        for item in explanation
    ]  # fmt: skip


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("link", gettext_lazy("Same child: link")),
            ("reject", gettext_lazy("Not the same child")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)


class UndoForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for undoing"), max_length=255)


def pairs_in_scope(user: Any) -> QuerySet[CandidatePair]:
    """Pairs whose registry children are all within the user's scope for editing."""
    allowed = Child.objects.visible_to(user, Can.EDIT_REGISTRY)
    return CandidatePair.objects.filter(left__in=allowed).filter(
        Q(right__isnull=True) | Q(right__in=allowed)
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, Can.EDIT_REGISTRY)
    status = request.GET.get("status", PairStatus.PENDING)
    kind = request.GET.get("kind", "")
    pairs = pairs_in_scope(request.user).filter(status=status)
    if kind == RunKind.DEDUPE:
        pairs = pairs.filter(right__isnull=False)
    elif kind in RunKind.values:
        pairs = pairs.filter(outside__source=kind)
    pairs = pairs.select_related("left", "right", "outside", "left__district").order_by(
        "-match_weight", "pk"
    )
    page = Paginator(pairs, PAGE).get_page(request.GET.get("page"))
    for pair in page:
        pair.rule_label = RULE_LABELS.get(pair.rule, pair.rule)
    shown = [p.left for p in page] + [p.right for p in page if p.right]
    audit.record(request, Action.LIST, shown, filter={"linkage": status, "kind": kind})
    return render(request, "linkage/queue.html", {
        "page": page, "status": status, "kind": kind, "statuses": PairStatus.choices,
        "kinds": RunKind.choices, "runs": LinkRun.objects.all()[:10],
    })  # fmt: skip


def _pair_or_404(user: Any, pk: int) -> CandidatePair:
    found = pairs_in_scope(user).select_related("left", "right", "outside").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def pair_page(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair_or_404(request.user, pk)
    policy.require(request.user, Can.EDIT_REGISTRY)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if pair.status != PairStatus.PENDING:
                raise services.LinkageError(_("this pair was already decided"))
            if form.cleaned_data["decision"] == "link":
                services.accept(pair, request.user, reason)
                messages.success(request, _("Linked."))
            else:
                services.reject(pair, request.user, reason)
                messages.success(request, _("Marked as not the same child."))
        except services.LinkageError as problem:
            messages.error(request, str(problem))
        return redirect("linkage:pair", pk=pair.pk)
    children = [pair.left] + ([pair.right] if pair.right else [])
    audit.record(request, Action.VIEW, children)
    return render(request, "linkage/pair.html", {
        "pair": pair, "form": form, "undo_form": UndoForm(),
        "rows": side_by_side(pair), "explanation": readable(pair.explanation),
        "rule": RULE_LABELS.get(pair.rule, pair.rule),
        "total": sum(item.get("weight") or 0 for item in pair.explanation),
    })  # fmt: skip


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair_or_404(request.user, pk)
    policy.require(request.user, Can.EDIT_REGISTRY)
    form = UndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the link is undone."))
    else:
        try:
            services.undo(pair, request.user, form.cleaned_data["reason"])
            messages.success(request, _("The link was undone."))
        except services.LinkageError as problem:
            messages.error(request, str(problem))
    return redirect("linkage:pair", pk=pair.pk)


def side_by_side(pair: CandidatePair) -> list[dict[str, Any]]:
    left = facts_of_child(pair.left)
    right = facts_of_child(pair.right) if pair.right else facts_of_outside(pair.outside.raw)
    return [
        {"label": label, "left": left.get(key, ""), "right": right.get(key, ""),
         "same": bool(left.get(key)) and left.get(key) == right.get(key)}
        for key, label in SIDE_BY_SIDE
    ]  # fmt: skip


def facts_of_child(child: Child) -> dict[str, str]:
    return {
        "identifier": child.identifier,
        "paternal_surname": child.paternal_surname,
        "maternal_surname": child.maternal_surname,
        "given_names": child.given_names,
        "birth_date": child.birth_date.strftime("%d/%m/%Y"),
        "sex": child.get_sex_display(),
        "mother_document": child.mother_document_number,
        "mother_name": child.mother_name,
        "place": f"{child.district_id} {child.populated_center_name}".strip(),
    }


def facts_of_outside(raw: dict[str, Any]) -> dict[str, str]:
    from datetime import date

    from crecer.registry.codes import Sex

    born = raw.get("birth_date")
    identifiers = [f"{k.upper()} {raw[k]}" for k in ("dni", "cui", "cnv") if raw.get(k)]
    mother = " ".join(
        str(raw[k])
        for k in ("mother_paternal_surname", "mother_maternal_surname", "mother_given_names")
        if raw.get(k)
    )
    return {
        "identifier": ", ".join(identifiers),
        "paternal_surname": raw.get("paternal_surname") or "",
        "maternal_surname": raw.get("maternal_surname") or "",
        "given_names": raw.get("given_names") or "",
        "birth_date": date.fromisoformat(born).strftime("%d/%m/%Y") if born else "",
        "sex": str(dict(Sex.choices).get(raw.get("sex") or "", raw.get("sex") or "")),
        "mother_document": raw.get("mother_document") or "",
        "mother_name": mother,
        "place": f"{raw.get('ubigeo') or ''} {raw.get('populated_center') or ''}".strip(),
    }
