"""Reading a scope as written on the command line: ``PE`` (national), ``05``, ``0504``,
``050403``, ``facility:<RENIPRESS code>`` or ``centers:<code>,<code>…``."""

from __future__ import annotations

from dataclasses import dataclass, field

from crecer.access.models import ScopeLevel
from crecer.ingest.text import is_digits

LEVEL_BY_LENGTH = {2: ScopeLevel.DEPARTMENT, 4: ScopeLevel.PROVINCE, 6: ScopeLevel.DISTRICT}
NATIONAL_WORDS = {"pe", "national", "nacional", ""}


class BadScope(ValueError):
    pass


@dataclass(frozen=True)
class ParsedScope:
    level: str
    territory_code: str = ""
    facility_code: str = ""
    centers: list[str] = field(default_factory=list)


def parse_scope(text: str) -> ParsedScope:
    text = text.strip()
    kind, _, value = text.partition(":")
    if not value:
        if text.lower() in NATIONAL_WORDS:
            return ParsedScope(ScopeLevel.NATIONAL)
        if is_digits(text) and len(text) in LEVEL_BY_LENGTH:
            return ParsedScope(LEVEL_BY_LENGTH[len(text)], territory_code=text)
    elif kind.lower() == "facility" and is_digits(value.strip()):
        return ParsedScope(ScopeLevel.FACILITY, facility_code=value.strip().zfill(8))
    elif kind.lower() == "centers":
        codes = [code.strip() for code in value.split(",") if code.strip()]
        if codes and all(is_digits(code) and len(code) == 10 for code in codes):
            return ParsedScope(ScopeLevel.COMMUNITY, centers=codes)
    raise BadScope(
        f"scope {text!r} is not PE, a 2/4/6-digit ubigeo, facility:<RENIPRESS code> "
        "or centers:<10-digit code>,…"
    )
