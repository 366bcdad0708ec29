"""``?lang=en`` on any page switches the language and remembers it in a cookie.

A plain link, so it works without JavaScript and can be shared ("send me the English page").
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
