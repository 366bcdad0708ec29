"""Why a row was quarantined: a code with its values, written in the reader's language only
when it is shown.

A reason is stored as ``code`` plus values separated by :data:`SEPARATOR`
(``"unknown_ubigeo\\x1f999999"``), so that codes can be counted across imports. Each import
registers its own codes with :func:`register` (from its app's ``ready()``); a code registered
twice with another message is an error, so no import can change another's reasons.

Pure: no Django. Messages are kept as given (Django's lazy translations, or plain text marked
with :func:`gettext_noop`) and shown through the translator the ingest app installs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

SEPARATOR = "\x1f"

_MESSAGES: dict[str, object] = {}
_LABELS: dict[str, object] = {}
_PUBLIC: dict[str, str] = {}  # code -> the code a user without full view reads instead
_translate: Callable[[str], str] = str


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the translation catalogue; it is translated when shown."""
    return message


class ReasonClash(ValueError):
    """Two imports registered the same reason code (or field label) with different texts."""


def register(
    messages: Mapping[str, object],
    labels: Mapping[str, object] | None = None,
    public: Mapping[str, str] | None = None,
) -> None:
    """Add reason codes (code -> message with ``{0}``, ``{1}``… for the stored values) and the
    labels of field keys shown inside them. Registering the same text again is harmless.

    ``public`` maps a code that tells more than its reader may know (a child registered in
    another territory, another territory's record numbers) to the code shown instead to a
    reader without the full view: "outside your territory" must read as "unknown", or an
    import would let a scoped user probe the whole registry. The public code takes the same
    values (or fewer)."""
    for target, entries in ((_MESSAGES, messages), (_LABELS, labels or {})):
        for key, text in entries.items():
            if key in target and str(target[key]) != str(text):
                raise ReasonClash(f"{key!r} is already registered as {target[key]!r}")
            target[key] = text
    for code, shown in (public or {}).items():
        if _PUBLIC.get(code, shown) != shown:
            raise ReasonClash(f"{code!r} is already shown as {_PUBLIC[code]!r}")
        _PUBLIC[code] = shown


def as_public(stored: str) -> str:
    """The stored reason as a reader without the full view may read it."""
    code, _separator, values = stored.partition(SEPARATOR)
    shown = _PUBLIC.get(code)
    if shown is None:
        return stored
    return SEPARATOR.join([shown, values]) if values else shown


def install_translator(translate: Callable[[str], str]) -> None:
    """How plain registered messages are translated when shown (Django's ``gettext``)."""
    global _translate
    _translate = translate


def is_registered(code: str) -> bool:
    return code in _MESSAGES


def reason(code: str, *values: object) -> str:
    """Encode a reason for storage; ``code`` must be registered."""
    if code not in _MESSAGES:
        raise KeyError(f"unknown reason code {code!r}: register it with crecer.ingest.reasons")
    return SEPARATOR.join([code, *(str(value) for value in values)])


def describe(stored: str) -> str:
    """The reason as text in the active language (an unknown code is shown as stored)."""
    code, *values = stored.split(SEPARATOR)
    message = _MESSAGES.get(code)
    if message is None:
        return stored
    shown = [_text(_LABELS[value]) if value in _LABELS else value for value in values]
    template = _text(message)
    try:
        return template.format(*shown)
    except IndexError:
        return f"{template} {shown}"


def _text(message: object) -> str:
    # A lazy translation is already in the active language; plain text goes through the
    # installed translator.
    return _translate(message) if isinstance(message, str) else str(message)


def code_of(stored: str) -> str:
    return stored.split(SEPARATOR, 1)[0]


# The reasons of reading itself, common to every import.
register(
    {
        "field_count": gettext_noop("has {0} fields, the header has {1}"),
        "other_encoding": gettext_noop(
            "the line is not in UTF-8 like the rest of the file (read as Windows-1252): check "
            "its accents and Ñ, then import it again"
        ),
        "damaged_text": gettext_noop(
            "{0} holds a character lost before the file was saved (� or a NUL byte)"
        ),
        "too_long": gettext_noop("{0} has {1} characters; it can hold at most {2}"),
        "stray_quote": gettext_noop(
            "a double quote opens a field that does not close: the line is kept as written"
        ),
    }
)
