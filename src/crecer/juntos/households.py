"""Households built from the registry and the women's records, their targeting (district,
household, PEPI) and their affiliation's status changes, each kept in the history."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from simple_history.utils import bulk_create_with_history

from crecer import transfers
from crecer.juntos.models import (
    Affiliation,
    Household,
    Member,
    MemberRole,
    Poverty,
    SocioeconomicClass,
    Status,
)
from crecer.maternal.models import Birth, Motherhood, Woman
from crecer.norms import Profile
from crecer.registry.models import Child
from crecer.territory.models import Area, District, within

TARGET_AGE_YEARS = 19  # children and youth up to 19 are target members (juntos.md)
FROM_REGISTRY = "built from the registry (the mother and her children)"


@dataclass(frozen=True)
class Built:
    households: int
    members: int


def _mothers_children(scope: str, born_after: date) -> dict[int, list[int]]:
    """Woman id -> ids of her active children born after ``born_after``: by the mother's
    document, by her deliveries (CNV) and by the name links (:mod:`crecer.maternal.mothers`)."""
    children = Child.objects.active().filter(birth_date__gt=born_after)
    if scope:
        children = children.filter(within(scope))
    women = Woman.objects.filter(within(scope)) if scope else Woman.objects.all()
    by_document = {
        (kind or "DNI", number): pk
        for pk, kind, number in women.exclude(document_number=None).values_list(
            "pk", "document_type", "document_number"
        )
    }
    found: dict[int, set[int]] = {}
    rows = children.exclude(mother_document_number="").values_list(
        "pk", "mother_document_type", "mother_document_number"
    )
    for child, kind, number in rows.iterator():
        woman = by_document.get((kind or "DNI", number))
        if woman is not None:
            found.setdefault(woman, set()).add(child)
    for child, woman in Birth.objects.filter(child__in=children).values_list(
        "child_id", "pregnancy__woman_id"
    ):
        found.setdefault(woman, set()).add(child)
    for child, woman in Motherhood.objects.filter(child__in=children).values_list(
        "child_id", "woman_id"
    ):
        found.setdefault(woman, set()).add(child)
    return {woman: sorted(ids) for woman, ids in found.items()}


@transaction.atomic
def households_from_registry(scope: str = "", today: date | None = None) -> Built:
    """One household per woman of ``scope`` with children up to 19 and no household yet: she
    is its titular, her children its members; placed where she lives, with her facility of
    care (or her youngest child's) as the declared health facility. Each is a *potential*
    household until its CSE, residence and community assembly make it eligible."""
    today = today or date.today()
    born_after = today.replace(year=today.year - TARGET_AGE_YEARS)
    families = _mothers_children(scope, born_after)
    taken_women = set(Member.objects.exclude(woman=None).values_list("woman_id", flat=True))
    taken_children = set(Member.objects.exclude(child=None).values_list("child_id", flat=True))
    women = Woman.objects.in_bulk([w for w in families if w not in taken_women])
    children = Child.objects.in_bulk([c for ids in families.values() for c in ids])
    households: list[Household] = []
    for woman in women.values():
        ids = [c for c in families[woman.pk] if c not in taken_children]
        if not ids:
            continue
        youngest = max((children[c] for c in ids), key=lambda child: child.birth_date)
        households.append(
            Household(
                code=f"H{woman.pk:09d}",
                district_id=woman.district_id,
                populated_center_id=woman.populated_center_id,
                care_facility=woman.care_facility or youngest.care_facility,
                assigned_facility=woman.assigned_facility or youngest.assigned_facility,
                address=youngest.address,
            )
        )
    created = bulk_create_with_history(
        households, Household, batch_size=1000, default_change_reason=FROM_REGISTRY
    )
    stored = Household.objects.in_bulk([h.code for h in created], field_name="code")
    members: list[Member] = []
    affiliations: list[Affiliation] = []
    for code, household in stored.items():
        woman = women[int(code[1:])]
        members.append(
            Member(
                household=household,
                role=MemberRole.TITULAR,
                woman=woman,
                document_type=woman.document_type,
                document_number=woman.document_number or "",
                names=woman.full_name,
                birth_date=woman.birth_date,
                sex="2",
                language=woman.language,
                education=woman.education,
            )
        )
        for child_id in families[woman.pk]:
            child = children[child_id]
            members.append(
                Member(
                    household=household,
                    role=MemberRole.CHILD,
                    child=child,
                    document_type="DNI" if child.dni else "",
                    document_number=child.dni or child.cui or "",
                    names=child.full_name,
                    birth_date=child.birth_date,
                    sex=child.sex,
                )
            )
        affiliations.append(Affiliation(household=household, status=Status.POTENTIAL, since=today))
    bulk_create_with_history(members, Member, batch_size=2000, default_change_reason=FROM_REGISTRY)
    bulk_create_with_history(
        affiliations, Affiliation, batch_size=2000, default_change_reason="potential household"
    )
    return Built(households=len(stored), members=len(members))


def valid_class(household: Household, on: date) -> SocioeconomicClass | None:
    """The household's latest classification, if still valid on ``on``."""
    latest = household.classes.filter(classified_on__lte=on).order_by("-classified_on").first()
    return latest if latest is not None and latest.valid_until >= on else None


@dataclass(frozen=True)
class Eligibility:
    district: bool
    classification: bool
    target_member: bool
    residence: bool | None  # None: the residence date is unknown
    assembly: bool

    @property
    def eligible(self) -> bool:
        return all(
            (
                self.district,
                self.classification,
                self.target_member,
                self.residence is True,
                self.assembly,
            )
        )

    def missing(self) -> list[str]:
        """What keeps the household out, in the order a manager checks it."""
        checks = {
            "district_poverty": self.district,
            "cse_poor": self.classification,
            "target_member": self.target_member,
            "residence": self.residence is True,
            "assembly": self.assembly,
        }
        return [name for name, ok in checks.items() if not ok]


def district_eligible(district: District, profile: Profile) -> bool:
    """Poverty at or above the profile's threshold (the district's total poverty, INEI)."""
    norms = profile.juntos
    if norms is None or district.poverty_pct is None:
        return False
    return district.poverty_pct / 100 >= norms.district_poverty_threshold.value


def eligibility(household: Household, profile: Profile, on: date) -> Eligibility:
    norms = profile.juntos
    months = norms.residence_months.value if norms is not None else 6
    cse = valid_class(household, on)
    youngest_allowed = on.replace(year=on.year - TARGET_AGE_YEARS)
    members = household.members.filter(active=True)
    target = members.filter(role=MemberRole.CHILD, birth_date__gt=youngest_allowed).exists() or (
        members.filter(woman__pregnancies__outcome="ongoing").exists()
    )
    since = household.resident_since
    return Eligibility(
        district=district_eligible(household.district, profile),
        classification=cse is not None and cse.category in (Poverty.EXTREME, Poverty.POOR),
        target_member=target,
        residence=None if since is None else since <= on - timedelta(days=round(months * 30.4375)),
        assembly=household.assembly_date is not None,
    )


def eligible_not_affiliated(
    households: QuerySet[Household], profile: Profile, on: date
) -> list[tuple[Household, Eligibility]]:
    """Households of ``households`` that meet every eligibility rule and are not affiliated
    (potential or validated): the list a manager works to affiliate."""
    waiting = households.filter(
        Q(affiliation__status__in=[Status.POTENTIAL, Status.VALIDATED]) | Q(affiliation=None)
    ).select_related("district")
    found = []
    for household in waiting:
        assessed = eligibility(household, profile, on)
        if assessed.eligible:
            found.append((household, assessed))
    return found


def set_status(
    household: Household, status: str, on: date, reason: str, user: Any = None
) -> Affiliation:
    """Change a household's standing; the change and its reason are in the history."""
    affiliation, _created = Affiliation.objects.get_or_create(
        household=household, defaults={"status": status, "since": on}
    )
    affiliation.status, affiliation.since, affiliation.reason = status, on, reason
    if status == Status.AFFILIATED:
        affiliation.suspensions = 0
    affiliation._change_reason = reason
    affiliation.save()
    return affiliation


ADULT_ROLES = (MemberRole.TITULAR, MemberRole.HEAD, MemberRole.SPOUSE)


@dataclass(frozen=True)
class PepiAssessment:
    """MIDIS's PEPI circumstances of a household (None: Crecer does not know it) and the
    verdict of :func:`crecer.transfers.pepi` (an unknown circumstance does not count)."""

    rural: bool | None
    indigenous_language: bool | None
    low_education: bool | None
    poorest_quintile: bool | None
    pepi: bool

    @property
    def counted(self) -> int:
        return sum(
            bool(value)
            for value in (
                self.rural, self.indigenous_language, self.low_education, self.poorest_quintile
            )
        )  # fmt: skip


def _level(text: str) -> str:
    """'Primaria incompleta' -> 'primaria_incompleta' (the profile's level names)."""
    folded = unicodedata.normalize("NFKD", text.strip().lower())
    return "_".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def pepi_of(households: list[Household], profile: Profile) -> dict[int, PepiAssessment]:
    """Household id -> its PEPI assessment, from the populated centre's area (rural), the
    mother tongue of the titular, head or spouse, and the education of a woman among them.
    The expenditure quintile has no source in Crecer: unknown, never counted."""
    if profile.juntos is None or not households:
        return {}
    rule = profile.juntos.pepi
    languages = {language.lower() for language in rule.indigenous_languages}
    levels = rule.education_levels
    low = set(levels[: levels.index(rule.education_at_or_below.value) + 1])
    adults: dict[int, list[Member]] = {}
    for member in Member.objects.filter(
        household__in=[h.pk for h in households], role__in=ADULT_ROLES
    ).order_by("pk"):
        adults.setdefault(member.household_id, []).append(member)
    rural, tongue, education = [], [], []
    for household in households:
        people = adults.get(household.pk, [])
        center = household.populated_center
        rural.append(center.area == Area.RURAL if center is not None and center.area else None)
        tongues = [m.language.strip().lower() for m in people if m.language.strip()]
        # the circumstance holds if any of them speaks an indigenous language
        tongue.append(next((t for t in tongues if t in languages), tongues[0] if tongues else ""))
        known = [_level(m.education) for m in people if m.sex != "1" and m.education.strip()]
        known = [level for level in known if level in levels]
        education.append(min(known, key=levels.index) if known else "")
    verdict = transfers.pepi(
        [bool(r) for r in rural], tongue, education, [0] * len(households), profile
    )
    return {
        household.pk: PepiAssessment(
            rural=rural[i],
            indigenous_language=tongue[i] in languages if tongue[i] else None,
            low_education=education[i] in low if education[i] else None,
            poorest_quintile=None,
            pepi=bool(verdict[i]),
        )
        for i, household in enumerate(households)
    }
