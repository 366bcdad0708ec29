from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from crecer import __version__
from crecer.profile import current_profile
from crecer.web import menu


def crecer(request: HttpRequest) -> dict:
    """What every page needs: the version, the country profile and the other language's link."""
    query = request.GET.copy()
    links = {}
    for code, _name in settings.LANGUAGES:
        query["lang"] = code
        links[code] = f"?{query.urlencode()}"
    profile = current_profile()
    user = getattr(request, "user", None)
    return {
        "crecer_version": __version__,
        "profile": profile,
        "country_name": profile.profile.name.get(translation.get_language() or "es"),
        "language_links": links,
        # Only the pages this user may open (their views decide, see crecer.web.menu).
        "main_menu": menu.links(user, menu.MAIN),
        "registry_menu": menu.links(user, menu.REGISTRY),
    }
