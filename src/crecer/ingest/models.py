"""The record of every import: one run per file brought in, whatever its kind, and every row
it did not store (its quarantine) with the raw values and each reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crecer.ingest.reasons import as_public, describe


class ImportRun(models.Model):
    """One import of a file: its counts always add up to the rows read. ``kind`` is the name
    an import registered itself with (:mod:`crecer.ingest.kinds`): ``padron``, ``events``…"""

    kind = models.CharField(_("kind"), max_length=30, default="padron")
    file_name = models.CharField(_("file"), max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=3, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    quarantined = models.PositiveIntegerField(_("quarantined"), default=0)
    # The file's columns the import did not read, by their titles: named in the report, their
    # values kept line by line (UnreadValues).
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    # [line, text] of each row stored with something the user should know (a damaged name).
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def adds_up(self) -> bool:
        stored = self.created + self.updated + self.unchanged
        return stored + self.quarantined == self.rows_read


class QuarantinedRow(models.Model):
    """An imported row that was not stored, with its raw values and every reason."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="quarantined_rows")
    line = models.PositiveIntegerField(_("line"))
    raw = models.JSONField(_("raw values"))
    reasons = models.JSONField(_("reasons"))

    class Meta:
        ordering = ["run", "line"]
        verbose_name = _("quarantined row")
        verbose_name_plural = _("quarantined rows")

    def __str__(self) -> str:
        return f"line {self.line}: {'; '.join(self.described_reasons())}"

    def described_reasons(self, full: bool = True) -> list[str]:
        """The reasons as text in the active language; without ``full``, as a reader outside
        the record's territory may read them (:func:`crecer.ingest.reasons.as_public`)."""
        return [describe(stored if full else as_public(stored)) for stored in self.reasons]


class UnreadValues(models.Model):
    """The values of a line in the columns its import did not read (``ImportRun.
    ignored_columns``), kept so that a later mapping of those columns can recover them."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="unread_values")
    line = models.PositiveIntegerField(_("line"))
    values = models.JSONField(_("values"))  # column title -> the cell as written

    class Meta:
        ordering = ["run", "line"]
        verbose_name = _("values of ignored columns")
        verbose_name_plural = _("values of ignored columns")

    def __str__(self) -> str:
        return f"line {self.line}: {self.values}"
