"""Why a record changed (its history, its deactivation, a linkage decision), as stored: in
English, the same words whoever made the change, and shown in the reader's language.

Each stored form below is also the message id of its translation. A reason that matches none
(a person's own words) is shown as it was typed.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext, gettext_noop, pgettext_lazy

STORED_LENGTH = 100  # the history's reason column: longer reasons were cut there

# The most specific first: "linked to outside list run #3" would also read as LINKED, cut.
STORED_FORMS = (
    gettext_noop("registered"),
    gettext_noop("registered from a births file (CNV)"),
    gettext_noop("registered from a births file"),
    gettext_noop("registered from a services file (FUR)"),
    gettext_noop("registered from the padrón (mother's document)"),
    gettext_noop("registered from the padrón (mother's name)"),
    gettext_noop("linked by the mother's name"),
    gettext_noop("document from the padrón (mother's document)"),
    gettext_noop("ultrasound of %(date)s: dated by it"),
    gettext_noop("ultrasound of %(date)s: the FUR is kept"),
    gettext_noop("deactivated: %(reason)s"),
    gettext_noop("import %(file)s"),
    gettext_noop("merge: #%(merged)s is a duplicate of #%(survivor)s (%(reason)s)"),
    gettext_noop("merge of #%(merged)s into #%(survivor)s undone (%(reason)s)"),
    gettext_noop("linked to outside list run #%(run)s"),
    gettext_noop("link to %(record)s undone (%(reason)s)"),
    gettext_noop("linked to %(record)s (%(reason)s)"),
    gettext_noop("duplicate of #%(survivor)s"),
    gettext_noop("%(reason)s (admin)"),
    # A duplicate or outside-record pair's decision, when no person made it.
    gettext_noop("automatic: match weight %(weight)s"),
    gettext_noop("automatic: %(rule)s"),
    gettext_noop("#%(child)s was linked"),
    gettext_noop("the record was linked to another child"),
    # A JUNTOS household's standing (crecer.juntos).
    gettext_noop("potential household"),
    gettext_noop("built from the registry (the mother and her children)"),
    gettext_noop("affiliated (validated by the community assembly)"),
    gettext_noop("cycle %(cycle)s: complied"),
    gettext_noop("cycle %(cycle)s: did not comply (%(suspensions)s suspensions)"),
)
# django-simple-history's names of a history row's kind (its admin pages ask for them); it
# ships no Spanish of its own. "Created" is also an import report's column (rows created).
HISTORY_KINDS = (gettext_noop("Created"), gettext_noop("Changed"), gettext_noop("Deleted"))
# The same on a child's page, where a record (not rows) was created.
KIND_LABELS = {
    "+": pgettext_lazy("a record's history", "Created"),
    "~": pgettext_lazy("a record's history", "Changed"),
    "-": pgettext_lazy("a record's history", "Deleted"),
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def shown(stored: str) -> str:
    """``stored`` (a history reason or a deactivation reason) in the active language."""
    cut = len(stored) >= STORED_LENGTH
    for form in STORED_FORMS:
        found = _pattern(form, cut).fullmatch(stored)
        if found:
            return gettext(form) % found.groupdict()
    return stored


def kind_shown(code: str) -> str:
    """A history row's kind (``+``, ``~``, ``-``) in the active language."""
    return str(KIND_LABELS.get(code, code))


@cache
def _pattern(form: str, cut: bool) -> re.Pattern[str]:
    """A stored form as a pattern; ``cut``: the stored text may stop anywhere in its last part
    (not for a form that starts with a person's words: cut, it reads as their words alone)."""
    pieces = _PLACEHOLDER.split(form)  # literal, name, literal, name, …, literal
    literals, names = pieces[::2], pieces[1::2]
    regex = "".join(
        re.escape(literal) + f"(?P<{name}>.*?)"
        for literal, name in zip(literals, names, strict=False)
    )
    tail = literals[-1]
    if cut and names and literals[0]:
        regex += "(?:" + "|".join(re.escape(tail[:n]) for n in range(len(tail), -1, -1)) + ")"
    else:
        regex += re.escape(tail)
    return re.compile(regex, re.DOTALL)
