"""A user's role and territorial scope, the access log of personal data, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crecer.ingest.text import is_digits
from crecer.territory.models import HealthFacility, PopulatedCenter


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("administrator")
    REGISTRY_OFFICER = "registry_officer", _("registry officer")
    HEALTH_WORKER = "health_worker", _("health worker")
    PROGRAM_MANAGER = "program_manager", _("program manager")
    ANALYST = "analyst", _("analyst")
    AUDITOR = "auditor", _("auditor")


class ScopeLevel(models.TextChoices):
    NATIONAL = "national", _("national")
    DEPARTMENT = "department", _("region (department)")
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    FACILITY = "facility", _("health facility")
    COMMUNITY = "community", _("community agent (populated centers)")


TERRITORY_CODE_LENGTH = {
    ScopeLevel.NATIONAL: 0,
    ScopeLevel.DEPARTMENT: 2,
    ScopeLevel.PROVINCE: 4,
    ScopeLevel.DISTRICT: 6,
}


class Assignment(models.Model):
    """What a user does (role) and where (scope). A user without one sees no personal data."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    level = models.CharField(_("scope"), max_length=12, choices=ScopeLevel.choices)
    # The ubigeo prefix of a territorial scope: "" (national), "05", "0504" or "050403".
    territory_code = models.CharField(_("territory code"), max_length=6, blank=True)
    facility = models.ForeignKey(
        HealthFacility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("health facility"),
    )
    populated_centers = models.ManyToManyField(
        PopulatedCenter, blank=True, verbose_name=_("populated centers")
    )
    personal_data = models.BooleanField(
        _("may see named children"),
        default=False,
        help_text=_("Analysts only: allowed to open the named lists behind aggregates."),
    )

    class Meta:
        verbose_name = _("role and scope")
        verbose_name_plural = _("roles and scopes")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        if self.level == ScopeLevel.FACILITY and self.facility_id:
            return f"{self.get_level_display()} {self.facility_id}"
        if self.level == ScopeLevel.COMMUNITY:
            return str(self.get_level_display())
        return f"{self.get_level_display()} {self.territory_code}".strip()

    def clean(self) -> None:
        length = TERRITORY_CODE_LENGTH.get(self.level)
        code = self.territory_code
        if length is None and code:
            raise ValidationError({"territory_code": _("Leave empty for this scope.")})
        if length is not None and (len(code) != length or (code and not is_digits(code))):
            raise ValidationError(
                {
                    "territory_code": _("A %(level)s scope needs a %(n)d-digit code.")
                    % {"level": self.get_level_display(), "n": length}
                }
            )
        if self.level == ScopeLevel.FACILITY and not self.facility_id:
            raise ValidationError({"facility": _("A facility scope needs a facility.")})


class Action(models.TextChoices):
    VIEW = "view", _("viewed a record")
    SEARCH = "search", _("searched")
    LIST = "list", _("listed")
    EXPORT = "export", _("exported")
    EDIT = "edit", _("edited")
    IMPORT = "import", _("imported")


class AccessLog(models.Model):
    """One access to personal data: who, when, what (the children shown, or an export's filter
    and row count). Kept even when the user is deleted (the username is copied)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    username = models.CharField(_("user"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    path = models.CharField(_("address"), max_length=500)
    via_api = models.BooleanField(_("through the API"), default=False)
    filter = models.JSONField(_("filter"), default=dict, blank=True)
    territory_code = models.CharField(_("territory"), max_length=10, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # "Who looked at this record" finds the exports of the child's territories by code
        # (equal, or starting with a scope's prefix): the pattern operator class lets
        # PostgreSQL use the index for both; other databases ignore the operator class.
        indexes = [
            models.Index(
                fields=["territory_code"],
                name="accesslog_territory",
                opclasses=["varchar_pattern_ops"],
            )
        ]
        verbose_name = _("access to personal data")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.path}"


class AccessedChild(models.Model):
    """A child shown by an access (a record viewed, a search result, a list row). Exports keep
    their filter instead: the auditor's page lists the exports covering a child's territory."""

    log = models.ForeignKey(AccessLog, on_delete=models.CASCADE, related_name="children")
    # Not a foreign key: the log outlives merges of duplicate records and must never block them.
    child_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["log", "child_id"], name="one_row_per_child_per_access")
        ]

    def __str__(self) -> str:
        return f"#{self.child_id}"


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_expiry(days: int | None = None) -> datetime:
    """When a token issued now expires: after ``days`` (``CRECER_API_TOKEN_DAYS`` by default),
    never more than ``CRECER_API_TOKEN_MAX_DAYS``."""
    days = settings.CRECER_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.CRECER_API_TOKEN_MAX_DAYS:
        raise ValueError(
            f"a token lasts 1 to {settings.CRECER_API_TOKEN_MAX_DAYS} days "
            f"(CRECER_API_TOKEN_MAX_DAYS), not {days}"
        )
    return timezone.now() + timedelta(days=days)


class ApiToken(models.Model):
    """A token for integrations. Only its SHA-256 is stored; the key is shown once. It stops
    working when it expires (``crecer token create --days``) or is revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Tokens issued before expiry existed got the default lifetime from the upgrade on.
    expires_at = models.DateTimeField(_("expires"), default=token_expiry)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def clean(self) -> None:
        longest = (self.created_at or timezone.now()) + timedelta(
            days=settings.CRECER_API_TOKEN_MAX_DAYS
        )
        if self.expires_at and self.expires_at > longest:
            raise ValidationError(
                {
                    "expires_at": _("A token lasts at most %(n)d days.")
                    % {"n": settings.CRECER_API_TOKEN_MAX_DAYS}
                }
            )

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, user: object, name: str, days: int | None = None) -> tuple[ApiToken, str]:
        """A new token for ``user`` lasting ``days`` (the default lifetime if not given)."""
        expires_at = token_expiry(days)
        key = secrets.token_hex(32)  # hex: never starts with "-", safe on any command line
        token = cls.objects.create(
            user=user, name=name, prefix=key[:8], digest=token_digest(key), expires_at=expires_at
        )
        return token, key
