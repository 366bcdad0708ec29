"""Linkage runs, the outside records they read, the candidate pairs they found, and the merges
and links made from them — each kept, with who decided and why, and reversible."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crecer.registry.models import Child


class RunKind(models.TextChoices):
    DEDUPE = "dedupe", _("registry duplicates")
    CNV = "cnv", _("CNV birth list")
    SIS = "sis", _("SIS affiliates")
    JUNTOS = "juntos", _("JUNTOS members")
    CUNA_MAS = "cuna_mas", _("Cuna Más users")


class LinkRun(models.Model):
    """One run: deduplication of (part of) the registry, or the linkage of one outside file."""

    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    scope = models.CharField(_("territory"), max_length=6, blank=True)  # ubigeo prefix
    file_name = models.CharField(_("file"), max_length=500, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    seconds = models.FloatField(_("seconds"), default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    records = models.PositiveIntegerField(_("records compared"), default=0)
    new_records = models.PositiveIntegerField(_("new records"), default=0)
    exact = models.PositiveIntegerField(_("linked by identifier"), default=0)
    auto = models.PositiveIntegerField(_("linked by the model"), default=0)
    review = models.PositiveIntegerField(_("sent to review"), default=0)
    unlinked = models.PositiveIntegerField(_("not linked"), default=0)
    model = models.JSONField(_("trained model"), null=True, blank=True)  # Splink's settings

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.started_at:%Y-%m-%d %H:%M})"


class OutsideRecord(models.Model):
    """A row of an outside list, kept as read; ``child`` once linked."""

    source = models.CharField(_("source"), max_length=10, choices=RunKind.choices)
    key = models.CharField(_("key in its source"), max_length=40)
    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="outside_records")
    line = models.PositiveIntegerField(_("line"))
    raw = models.JSONField(_("values as read"))
    ubigeo = models.CharField(_("district"), max_length=6, blank=True, db_index=True)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="outside_records"
    )
    # What linking changed in the child's record: field -> value before (to undo it).
    applied = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["source", "key"]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="one_outside_record_per_key")
        ]
        verbose_name = _("outside record")
        verbose_name_plural = _("outside records")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.key}"


class PairStatus(models.TextChoices):
    PENDING = "pending", _("to review")
    LINKED = "linked", _("linked")
    REJECTED = "rejected", _("not the same child")
    UNDONE = "undone", _("link undone")


class CandidatePair(models.Model):
    """Two records that may be the same child: two registry children (deduplication; ``left``
    has the lower id) or a registry child and an outside record."""

    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="pairs")
    left = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outside = models.ForeignKey(
        OutsideRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="pairs"
    )
    rule = models.CharField(_("rule"), max_length=15)
    match_weight = models.FloatField(_("match weight"), null=True, blank=True)
    explanation = models.JSONField(_("fields compared"), default=list, blank=True)
    proposed = models.CharField(_("proposed"), max_length=10)  # auto / review
    status = models.CharField(
        _("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["-match_weight", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["left", "right"], condition=Q(right__isnull=False),
                name="one_pair_per_children",
            ),
            models.UniqueConstraint(
                fields=["left", "outside"], condition=Q(outside__isnull=False),
                name="one_pair_per_child_and_outside_record",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["status", "left"])]
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")

    def __str__(self) -> str:
        other = self.right_id if self.right_id else self.outside
        return f"#{self.left_id} ~ {other} ({self.get_status_display()})"

    @property
    def is_duplicate(self) -> bool:
        return self.right_id is not None


class Merge(models.Model):
    """A duplicate merged into the surviving record: the duplicate is deactivated (never
    deleted), its identifiers and events move to the survivor, and everything moved is listed
    so that the merge can be undone."""

    survivor = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_received")
    merged = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_into")
    pair = models.ForeignKey(CandidatePair, on_delete=models.PROTECT, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=255)
    created_at = models.DateTimeField(_("merged"), auto_now_add=True)
    # {"fields": {name: [survivor's old value, merged's old value]}, "record_status": "1",
    #  "events": {"service": [ids], "growth": [ids], "hemoglobin": [ids]}}
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undo_reason = models.CharField(_("reason for undoing"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at__isnull=True), name="merged_once"
            )
        ]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"#{self.merged_id} → #{self.survivor_id}"
