"""Crecer's own middleware.

``?lang=en`` on any page switches the language and remembers it in a cookie: a plain link, so it
works without JavaScript and can be shared ("send me the English page"). Security headers: see
:class:`SecurityHeadersMiddleware`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class LanguageFromQueryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wanted = request.GET.get("lang", "").lower()
        if wanted not in self.languages:
            return self.get_response(request)
        translation.activate(wanted)
        request.LANGUAGE_CODE = wanted
        response = self.get_response(request)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            wanted,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every answer, and ``Cache-Control: no-store`` on every answer
    that may hold personal data, so that a shared health-post PC keeps none of it in the browser's
    cache or history: anything answered to a signed-in user (browser session or API token),
    every API answer, every JSON answer and every download (``Content-Disposition``). An error
    under ``/api/`` that Django answered in HTML (no route matched) is answered in JSON.

    The policy is ``settings.SECURE_CSP`` (the format of Django 6's built-in middleware:
    directive → list of sources). Pages use no inline script or style; the one page that needs
    an inline ``<style>`` (the printable work list) marks it ``nonce="{{ request.csp_nonce }}"``,
    and the source ``CSP_NONCE`` in the policy becomes that request's nonce (left out when the
    page used none).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: dict[str, list[str]] = settings.SECURE_CSP

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = request.csp_nonce = Nonce()  # type: ignore[attr-defined]
        response = self.get_response(request)
        if api_error_in_html(request, response):
            response = json_error(response)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = header(self.policy, nonce.value)
        if private(request, response):
            add_never_cache_headers(response)
        return response


CSP_NONCE = "'nonce'"  # placeholder source in settings.SECURE_CSP for the request's nonce


class Nonce:
    """A request's CSP nonce, drawn the first time a template prints it."""

    def __init__(self) -> None:
        self.value = ""

    def __str__(self) -> str:
        if not self.value:
            self.value = secrets.token_urlsafe(18)
        return self.value


def header(policy: dict[str, list[str]], nonce: str) -> str:
    directives = []
    for directive, sources in policy.items():
        used = [
            f"'nonce-{nonce}'" if source == CSP_NONCE else source
            for source in sources
            if source != CSP_NONCE or nonce
        ]
        directives.append(" ".join([directive, *used]))
    return "; ".join(directives)


def api_error_in_html(request: HttpRequest, response: HttpResponse) -> bool:
    """An error under ``/api/`` that the API did not answer itself (an address no route matches,
    a method a route does not take, a server error): the API answers JSON, always."""
    return (
        response.status_code >= 400
        and request.path.startswith(api_prefix())
        and not response.get("Content-Type", "").startswith("application/json")
    )


def json_error(response: HttpResponse) -> HttpResponse:
    answer = JsonResponse({"detail": response.reason_phrase}, status=response.status_code)
    for name in ("Allow", "WWW-Authenticate"):
        if response.has_header(name):
            answer[name] = response[name]
    return answer


@cache
def api_prefix() -> str:
    return reverse("api:api-root")


def private(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether an answer must not be stored by the browser or a proxy."""
    user = getattr(request, "user", None)
    match = request.resolver_match
    return bool(
        (user is not None and user.is_authenticated)
        or (match is not None and "api" in match.namespaces)
        or response.get("Content-Type", "").startswith("application/json")
        or response.has_header("Content-Disposition")
    )
