"""JUNTOS: households and their members, the SISFOH classification, affiliation, school
records, and the bimonthly cycles that verify co-responsibilities from the services and pay
for them.

A household is scoped like a child (its district, populated center and declared health
facility are the fields the access policy filters on). A cycle freezes what it verifies: the
members and the evidence as of its cut-off are copied into the cycle (:class:`CycleMember`,
:class:`CycleEvidence`) with a content hash, so later registry edits never change a cycle
already verified; results per member and condition (:class:`Verification`) and per household
(:class:`Entitlement`) belong to the cycle. A paid cycle is never edited: an accepted appeal
becomes an :class:`Adjustment` paid with a later cycle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crecer.access.scoped import PlacedQuerySet
from crecer.ingest.models import ImportRun
from crecer.maternal.models import Woman
from crecer.registry import codes
from crecer.registry.models import Child
from crecer.territory.models import District, PopulatedCenter

USER = settings.AUTH_USER_MODEL
SCHOOL_CODE_LENGTH = 12  # MINEDU's modular code has 7 digits; some exports pad it
TERM_LENGTH = 40  # a term's name, or its two dates "2026-03-01/2026-04-30"


class Household(models.Model):
    """A household as JUNTOS knows it: where it lives, since when, the health facility and
    the schools it declared, and the community assembly (ACV) that validated it."""

    code = models.CharField(_("household code"), max_length=20, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, verbose_name=_("district"))
    populated_center = models.ForeignKey(
        PopulatedCenter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("populated center"),
    )
    # The declared health facility (name or RENIPRESS code, as on a child's record): where the
    # health co-responsibilities are verified. Blank: not declared, so not verifiable.
    care_facility = models.CharField(_("declared health facility"), max_length=255, blank=True)
    assigned_facility = models.CharField(_("assigned facility"), max_length=255, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    resident_since = models.DateField(_("resident in the district since"), null=True, blank=True)
    assembly_date = models.DateField(
        _("validated by the community assembly on"), null=True, blank=True
    )
    assembly_act = models.CharField(_("assembly act"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = PlacedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.code


class MemberRole(models.TextChoices):
    TITULAR = "titular", _("titular (receives the transfer)")
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child or youth up to 19")
    OTHER = "other", _("other member")


class Member(models.Model):
    """A person of a household: a registry child, a woman of the maternal registry, or
    someone known only here (a schoolchild over 6, a head of household)."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices)
    child = models.OneToOneField(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="juntos_member"
    )
    woman = models.OneToOneField(
        Woman, on_delete=models.PROTECT, null=True, blank=True, related_name="juntos_member"
    )
    document_type = models.CharField(
        _("document type"), max_length=4, choices=codes.DocumentType.choices, blank=True
    )
    document_number = models.CharField(_("document number"), max_length=12, blank=True)
    names = models.CharField(_("names and surnames"), max_length=300, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    language = models.CharField(_("mother tongue"), max_length=40, blank=True)
    education = models.CharField(_("education level"), max_length=60, blank=True)
    school_code = models.CharField(_("declared school (modular code)"), max_length=12, blank=True)
    upper_secondary = models.BooleanField(_("in upper secondary"), default=False)
    active = models.BooleanField(_("active member"), default=True)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["household", "birth_date", "id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        indexes = [models.Index(fields=["document_number"], name="member_document")]

    def __str__(self) -> str:
        return self.names or f"#{self.pk}"


class Poverty(models.TextChoices):
    EXTREME = "extreme_poor", _("extreme poor")
    POOR = "poor", _("poor")
    NON_POOR = "non_poor", _("non-poor")


class SocioeconomicClass(models.Model):
    """A SISFOH classification (CSE) of a household, valid from its date to ``valid_until``
    (the profile's validity, unless the file gives the end)."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="classes", verbose_name=_("household")
    )
    category = models.CharField(_("classification (CSE)"), max_length=12, choices=Poverty.choices)
    classified_on = models.DateField(_("classified on"))
    valid_until = models.DateField(_("valid until"))
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("import")
    )

    class Meta:
        ordering = ["household", "-classified_on"]
        verbose_name = _("socioeconomic classification (CSE)")
        verbose_name_plural = _("socioeconomic classifications (CSE)")
        constraints = [
            models.UniqueConstraint(fields=["household", "classified_on"], name="one_cse_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.category} {self.classified_on}"


class Status(models.TextChoices):
    POTENTIAL = "potential", _("potential")
    VALIDATED = "validated", _("validated by the assembly")
    AFFILIATED = "affiliated", _("affiliated")
    SUSPENDED = "suspended", _("suspended")
    DISAFFILIATED = "disaffiliated", _("disaffiliated")


class Affiliation(models.Model):
    """A household's standing in the program; every change is in its history, with its
    reason (the status history the program keeps)."""

    household = models.OneToOneField(
        Household, on_delete=models.PROTECT, related_name="affiliation", verbose_name=_("household")
    )
    status = models.CharField(_("status"), max_length=13, choices=Status.choices)
    since = models.DateField(_("since"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # Suspensions in a row (the profile says whether they must be consecutive).
    suspensions = models.PositiveSmallIntegerField(_("suspensions"), default=0)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        indexes = [models.Index(fields=["status"], name="affiliation_status")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.status}"


class SchoolRecord(models.Model):
    """A student's term as the school information system exports it: enrolled, days attended
    and absent."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="school_records", verbose_name=_("member")
    )
    school_code = models.CharField(_("school (modular code)"), max_length=SCHOOL_CODE_LENGTH)
    term = models.CharField(_("term"), max_length=TERM_LENGTH)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    enrolled = models.BooleanField(_("enrolled"))
    days_attended = models.PositiveSmallIntegerField(_("days attended"), default=0)
    days_absent = models.PositiveSmallIntegerField(_("days absent"), default=0)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("import")
    )

    class Meta:
        ordering = ["member", "term_start"]
        verbose_name = _("school record")
        verbose_name_plural = _("school records")
        constraints = [
            models.UniqueConstraint(fields=["member", "term"], name="one_record_per_term")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.term}"


class Waiver(models.Model):
    """No verification for a period in a territory (as in 2020): members there are exempt."""

    territory_code = models.CharField(
        _("territory (ubigeo prefix, empty: the country)"), max_length=6, blank=True
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    reason = models.CharField(_("reason and legal act"), max_length=255)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification waiver")
        verbose_name_plural = _("verification waivers")

    def __str__(self) -> str:
        return f"{self.territory_code or 'PE'} {self.period_start}–{self.period_end}"


class Stage(models.TextChoices):
    PREPARED = "prepared", _("prepared (snapshot frozen)")
    VERIFIED = "verified", _("verified")
    APPROVED = "approved", _("approved")
    SENT = "sent", _("sent for payment")
    PAID = "paid", _("paid (reconciled)")


class Cycle(models.Model):
    """One bimonthly verification and payment of a territory's affiliated households."""

    territory_code = models.CharField(
        _("territory (ubigeo prefix, empty: the country)"), max_length=6, blank=True
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    cutoff = models.DateField(_("cut-off of the evidence"))
    stage = models.CharField(
        _("stage"), max_length=8, choices=Stage.choices, default=Stage.PREPARED
    )
    snapshot_hash = models.CharField(_("snapshot hash (SHA-256)"), max_length=64)
    payroll_hash = models.CharField(_("payroll file hash (SHA-256)"), max_length=64, blank=True)
    prepared_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True)
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    verified_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["-period_start", "territory_code"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        constraints = [
            models.UniqueConstraint(
                fields=["territory_code", "period_start"], name="one_cycle_per_territory_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.territory_code or 'PE'} {self.period_start}–{self.period_end}"


class CycleMember(models.Model):
    """A member as the cycle froze them at its cut-off (what the verification reads)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=MemberRole.choices)
    birth_date = models.DateField(null=True)
    lmp = models.DateField(null=True)  # FUR of a pregnancy ongoing in the period
    delivery = models.DateField(null=True)  # a delivery whose puerperium reaches the period
    facility_declared = models.BooleanField()
    school_declared = models.BooleanField()
    upper_secondary = models.BooleanField()
    waived = models.BooleanField()
    # Crecer holds a health record of the member (a registry child or a woman's record)
    health_record = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "member"], name="one_frozen_member")
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.member_id}"


class CycleEvidence(models.Model):
    """A health event (a child's or a pregnancy's) as the cycle froze it."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="evidence")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    code = models.CharField(max_length=12)

    class Meta:
        indexes = [models.Index(fields=["cycle", "member"], name="evidence_member")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.date} {self.code}"


class CycleSchool(models.Model):
    """A school record as the cycle froze it."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="school")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    term_start = models.DateField()
    term_end = models.DateField()
    enrolled = models.BooleanField()
    days_attended = models.PositiveSmallIntegerField()
    days_absent = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.member_id} {self.term_start}"


class Outcome(models.TextChoices):
    COMPLIED = "complied", _("complied")
    NOT_COMPLIED = "not_complied", _("did not comply")
    NOT_VERIFIABLE = "not_verifiable", _("not verifiable")
    EXEMPT = "exempt", _("exempt")


class Verification(models.Model):
    """One member's one condition in a cycle: the result, what was required and done, when the
    missing event was due, and why."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="verifications")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="verifications")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    condition = models.CharField(_("co-responsibility"), max_length=40)
    status = models.CharField(_("result"), max_length=14, choices=Outcome.choices)
    required = models.PositiveSmallIntegerField(_("required"))
    done = models.PositiveSmallIntegerField(_("done"))
    due_by = models.DateField(_("due by"), null=True)
    reason = models.CharField(_("reason"), max_length=40, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["cycle", "household"], name="verification_household"),
            models.Index(fields=["cycle", "status"], name="verification_status"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.condition}: {self.status}"


class Entitlement(models.Model):
    """What a household is owed by a cycle, and why (the first failing condition)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="entitlements")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="entitlements")
    complies = models.BooleanField(_("complies"))
    base = models.DecimalField(_("base (S/)"), max_digits=9, decimal_places=2)
    tpi = models.DecimalField(_("TPI (S/)"), max_digits=9, decimal_places=2)
    tas = models.DecimalField(_("TAS (S/)"), max_digits=9, decimal_places=2)
    adjustments = models.DecimalField(
        _("appeals paid (S/)"), max_digits=9, decimal_places=2, default=0
    )
    total = models.DecimalField(_("total (S/)"), max_digits=9, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    # Reconciliation of the bank's paid-back file.
    collected = models.BooleanField(_("collected"), null=True)

    class Meta:
        ordering = ["cycle", "household"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "household"], name="one_entitlement")
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: S/ {self.total}"


class AppealStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class Appeal(models.Model):
    """A household's (or a manager's) contest of a cycle's result for one condition."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="appeals")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="appeals")
    verification = models.ForeignKey(Verification, on_delete=models.PROTECT, null=True, blank=True)
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence (what proves it)"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.household_id} {self.status}"


class Adjustment(models.Model):
    """What an accepted appeal owes a household, paid with a later cycle (``paid_in``), never
    by editing the cycle it corrects."""

    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="adjustment")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="adjustments")
    amount = models.DecimalField(_("amount (S/)"), max_digits=9, decimal_places=2)
    paid_in = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )

    def __str__(self) -> str:
        return f"{self.household_id}: S/ {self.amount}"
