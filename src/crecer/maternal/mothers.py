"""Linking children to their mother when the padrón gives no mother's document.

A child whose record gives the mother's document is linked to her by it
(:meth:`crecer.maternal.models.Woman.children`). For the others the padrón still gives the
mother's names, and the rules below link on them, deterministically, in one district:

1. **Same name** — the mother's folded full name (surnames and given names, as
   :func:`crecer.ingest.text.fold` compares them) equals that of exactly one woman of the
   child's district: the child is hers.
2. **Named mother** — no woman has that name there: the children of the district with that
   mother's name are siblings, and one woman without a document is registered for them (her
   names, language and education from the youngest child's record, placed where it lives).

A group is left unlinked, and counted, when two women of the district share the name, when
two of its children were born too close together to have one mother (``SIBLING_GAP_DAYS``),
or when the record lacks the paternal surname or the given names. Each link keeps its rule
(:class:`crecer.maternal.models.Motherhood`) and its history; running again links only
children not linked yet. When a woman registered without a document later appears with one
on another child's record, :func:`crecer.maternal.services.women_from_registry` gives her that
document instead of registering a second woman (same rule: one candidate of that name).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from crecer.ingest.text import fold
from crecer.maternal.models import Motherhood, MotherhoodRule, Woman
from crecer.registry.models import Child

# Two live births of one mother are at least this far apart unless they are twins (born the
# same day or the next): a second birth within ~6 months of a first is not viable.
SIBLING_GAP_DAYS = 180
TWINS_DAYS = 1

# The history's reasons (crecer.registry.history_reasons shows them translated).
NAMED = "registered from the padrón (mother's name)"
LINKED = "linked by the mother's name"

NameKey = tuple[str, str, str, str]  # district, folded paternal, maternal surname, given names


@dataclass(frozen=True)
class MotherLinks:
    """What a run linked and what it left, in children (women for ``women_created``)."""

    linked_to_known: int = 0
    women_created: int = 0
    linked_to_created: int = 0
    ambiguous: int = 0  # two women of that name in the district
    too_close: int = 0  # siblings born too close together for one mother
    unnamed: int = 0  # no paternal surname or no given names


def name_key(district: str, paternal: str, maternal: str, given: str) -> NameKey:
    return district, fold(paternal), fold(maternal), fold(given)


def women_by_name(districts: set[str], without_document: bool = False) -> dict[NameKey, list[int]]:
    """The women of ``districts`` (only those without a document, if asked) by folded name."""
    women = Woman.objects.filter(district_id__in=districts)
    if without_document:
        women = women.filter(document_number__isnull=True)
    found: dict[NameKey, list[int]] = defaultdict(list)
    fields = ("pk", "district_id", "paternal_surname", "maternal_surname", "given_names")
    for pk, district, paternal, maternal, given in women.values_list(*fields).iterator():
        found[name_key(district, paternal, maternal, given)].append(pk)
    return found


def _plausible_siblings(births: list[date]) -> bool:
    days = sorted(births)
    gaps = [(later - earlier).days for earlier, later in pairwise(days)]
    return all(gap <= TWINS_DAYS or gap >= SIBLING_GAP_DAYS for gap in gaps)


@transaction.atomic
def link_mothers_without_document(scope: str = "") -> MotherLinks:
    """Link the active children of ``scope`` (an ubigeo prefix; the country when empty) whose
    record gives no mother's document and who are not linked yet, by the rules above."""
    from crecer.territory.models import within

    children = Child.objects.active().filter(mother_document_number="", motherhood__isnull=True)
    if scope:
        children = children.filter(within(scope))
    fields = (
        "pk", "district_id", "mother_paternal_surname", "mother_maternal_surname",
        "mother_given_names", "birth_date", "populated_center_id", "care_facility",
        "mother_language", "mother_education",
    )  # fmt: skip
    groups: dict[NameKey, list[tuple[Any, ...]]] = defaultdict(list)
    unnamed = 0
    for row in children.order_by("-birth_date", "-pk").values_list(*fields).iterator():
        key = name_key(row[1], row[2], row[3], row[4])
        if not key[1] or not key[3]:
            unnamed += 1
            continue
        groups[key].append(row)
    known = women_by_name({key[0] for key in groups})
    to_known: list[Motherhood] = []
    new_women: list[Woman] = []
    their_children: list[list[int]] = []
    ambiguous = too_close = 0
    for key, rows in groups.items():
        candidates = known.get(key, [])
        if len(candidates) > 1:
            ambiguous += len(rows)
        elif not _plausible_siblings([row[5] for row in rows]):
            too_close += len(rows)
        elif candidates:
            to_known += [
                Motherhood(child_id=row[0], woman_id=candidates[0], rule=MotherhoodRule.SAME_NAME)
                for row in rows
            ]
        else:
            youngest = rows[0]
            new_women.append(
                Woman(
                    paternal_surname=youngest[2],
                    maternal_surname=youngest[3],
                    given_names=youngest[4],
                    district_id=youngest[1],
                    populated_center_id=youngest[6],
                    care_facility=youngest[7],
                    language=youngest[8],
                    education=youngest[9],
                )
            )
            their_children.append([row[0] for row in rows])
    created = bulk_create_with_history(
        new_women,
        Woman,
        batch_size=1000,
        default_change_reason=NAMED,
    )
    to_created = [
        Motherhood(child_id=child, woman_id=woman.pk, rule=MotherhoodRule.NAMED_MOTHER)
        for woman, children_of in zip(created, their_children, strict=True)
        for child in children_of
    ]
    bulk_create_with_history(
        to_known + to_created,
        Motherhood,
        batch_size=1000,
        default_change_reason=LINKED,
    )
    return MotherLinks(
        linked_to_known=len(to_known),
        women_created=len(created),
        linked_to_created=len(to_created),
        ambiguous=ambiguous,
        too_close=too_close,
        unnamed=unnamed,
    )


def undocumented_match(woman: Woman, known: dict[NameKey, list[int]]) -> int | None:
    """The one woman without a document of ``woman``'s name and district, if exactly one."""
    names = woman.paternal_surname, woman.maternal_surname, woman.given_names
    key = name_key(woman.district_id, *names)
    found = known.get(key, [])
    return found[0] if len(found) == 1 else None
