"""Token authentication: ``Authorization: Bearer <key>`` with a key from ``crecer token``; a
revoked key, or one past its expiry, is refused with 401."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from crecer.access.models import ApiToken, token_digest

LAST_USED_EVERY = timedelta(minutes=5)  # write "last used" at most this often per token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.expires_at <= now:
            # 401 at once (not "try the session"): say why, so the integration asks for a new key.
            raise AuthenticationError(message="API key expired: issue a new one (crecer token)")
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user  # the policy and the access log read request.user
        return found.user


# A logged-in browser session works too (read-only endpoints: no CSRF needed).
PERSONAL_DATA_AUTH = [TokenAuth(), django_auth]
