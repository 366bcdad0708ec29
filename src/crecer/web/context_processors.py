from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from crecer import __version__
from crecer.norms import Profile, load_profile


@lru_cache(maxsize=4)
def active_profile(name: str) -> Profile:
    return load_profile(name)


def crecer(request: HttpRequest) -> dict:
    """What every page needs: the version, the country profile and the other language's link."""
    query = request.GET.copy()
    links = {}
    for code, _name in settings.LANGUAGES:
        query["lang"] = code
        links[code] = f"?{query.urlencode()}"
    profile = active_profile(settings.CRECER_PROFILE)
    return {
        "crecer_version": __version__,
        "profile": profile,
        "country_name": profile.profile.name.get(translation.get_language() or "es"),
        "language_links": links,
    }
