"""The country profile this installation runs with (``CRECER_PROFILE``), loaded once.

Every app reads the profile through :func:`current_profile`, so that a profile file is parsed
and validated once per process, whatever the number of pages and imports that need it."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from crecer.norms import Profile, load_profile


@lru_cache(maxsize=4)
def profile_named(name: str) -> Profile:
    """The profile ``name`` (a shipped profile or a path to a ``.toml``), loaded once."""
    return load_profile(name)


def current_profile() -> Profile:
    """The profile of ``settings.CRECER_PROFILE`` (settings may change it in tests)."""
    return profile_named(settings.CRECER_PROFILE)
