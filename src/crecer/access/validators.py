"""Password rules beyond Django's own (length, similarity to the user, common passwords, all
digits): a password of one character repeated, or of too few different characters
(``aaaaaaaaaaaa``, ``abababababab``), is refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class DistinctCharactersValidator:
    """Refuse a password with fewer than ``min_distinct`` different characters (letters counted
    without case: ``AaAaAaAaAaAa`` is two)."""

    def __init__(self, min_distinct: int = 5) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user: object = None) -> None:
        if len(set(password.casefold())) < self.min_distinct:
            raise ValidationError(
                _("This password has too few different characters: use at least %(n)d.")
                % {"n": self.min_distinct},
                code="password_too_few_distinct_characters",
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(n)d different character.",
            "Your password must contain at least %(n)d different characters.",
            self.min_distinct,
        ) % {"n": self.min_distinct}
