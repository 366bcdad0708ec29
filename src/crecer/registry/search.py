"""Finding children by number or by name: accent- and case-insensitive, tolerant of small typos.

A name is matched word by word: every word typed must be close to some word of the child's
folded name (``Child.search_name``), in any order. Each pair scores 100 when equal, a little
less for a word that starts with or contains what was typed, else its similarity by edits
(rapidfuzz's optimal string alignment: 83 for "quipse"/"quispe", a swap being one edit); a
child's score is the mean over the words typed. All matching children
are ranked, never only the first ones found, and the result says how many matched: the
page shows the best :data:`LIMIT` and says the list is cut.

SQLite ranks every child the user may see; PostgreSQL with pg_trgm first keeps, in the
database, the children whose name is trigram-similar to every word typed (a generous filter),
and the same Python scoring ranks those: both databases give the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

from crecer.ingest.text import is_digits
from crecer.registry.identifiers import clean_number, fold
from crecer.registry.models import Child

LIMIT = 50  # children shown; the others are counted
WORD_THRESHOLD = 75  # a typed word matches a name word from this similarity (0–100)
# pg_trgm word similarity (0–1) a candidate needs for each word typed: low on purpose
# ("quipse" in "quispe huaman maria" is 0.43); the Python score decides.
TRIGRAM_THRESHOLD = 0.3
PREFIX_SCORE = 95  # "quis" for "quispe": typed the beginning of the word
CONTAINED_SCORE = 90  # "ana" in "mariana"


@dataclass
class Found:
    """The children shown (best first), how many matched in all, and whether the list is cut."""

    children: list[Child] = field(default_factory=list)
    total: int = 0

    @property
    def cut(self) -> bool:
        return self.total > len(self.children)


def search_children(text: str, children: QuerySet | None = None, limit: int = LIMIT) -> list[Child]:
    """The best ``limit`` children matching ``text`` (see :func:`find_children`)."""
    return find_children(text, children, limit).children


def find_children(text: str, children: QuerySet | None = None, limit: int = LIMIT) -> Found:
    """Children matching a DNI/CUI/CNV/registry code (or mother's document), else a name."""
    children = Child.objects.all() if children is None else children
    number = clean_number(text)
    if is_digits(number) and len(number) >= 6:
        by_number = children.filter(
            Q(dni=number)
            | Q(cui=number)
            | Q(cnv=number)
            | Q(padron_code=number)
            | Q(mother_document_number=number)
        ).order_by("pk")
        shown = list(by_number[:limit])
        total = len(shown) if len(shown) < limit else by_number.count()
        return Found(shown, total)
    words = fold(text).split()
    if not words:
        return Found()
    ranked = rank_names(words, _candidates(words, children))
    order = [pk for pk, _score in ranked[:limit]]
    by_pk = children.in_bulk(order)
    return Found([by_pk[pk] for pk in order if pk in by_pk], len(ranked))


def _candidates(words: list[str], children: QuerySet) -> list[tuple[int, str]]:
    """(pk, folded name) of the children worth scoring: all of them, or on PostgreSQL with
    pg_trgm those trigram-similar to every word typed."""
    if connection.vendor == "postgresql" and _has_trigram():
        from django.contrib.postgres.search import TrigramWordSimilarity

        for index, word in enumerate(words):
            similarity = f"similarity_{index}"
            children = children.annotate(
                **{similarity: TrigramWordSimilarity(word, "search_name")}
            ).filter(**{f"{similarity}__gte": TRIGRAM_THRESHOLD})
    return list(children.order_by().values_list("pk", "search_name"))


def rank_names(words: list[str], names: Iterable[tuple[int, str]]) -> list[tuple[int, float]]:
    """(pk, score) of the names in which every word of ``words`` has a close word, best first;
    at equal scores those with more words typed where the name has them, then the shorter
    name (fewer other words), then the name, then pk."""
    names = list(names)
    vocabulary = {word for _pk, name in names for word in name.split()}
    scores = [_word_scores(typed, vocabulary) for typed in words]
    matched = []
    for pk, name in names:
        parts = name.split()
        # Most names lack a close word for some word typed: skip them before scoring.
        if any(table.keys().isdisjoint(parts) for table in scores):
            continue
        best = [max(table.get(part, 0.0) for part in parts) for table in scores]
        # Words typed in the name's own order ("quispe maria" for QUISPE …) come first.
        in_place = sum(part in table for part, table in zip(parts, scores, strict=False))
        matched.append((-sum(best) / len(best), -in_place, len(parts), name, pk))
    matched.sort()
    return [(pk, -score) for score, _in_place, _length, _name, pk in matched]


def _word_scores(typed: str, vocabulary: set[str]) -> dict[str, float]:
    """How close each word of the names is to one word typed (only those that match): scored
    once per distinct word, not once per child."""
    # Optimal string alignment: a swap of two letters is one edit ("quipse" is 83 from
    # QUISPE, but 67 from QUISGE, two edits away), as a typist makes it.
    from rapidfuzz.distance import OSA

    table = {}
    for word in vocabulary:
        if word == typed:
            score = 100.0
        elif word.startswith(typed):
            score = PREFIX_SCORE
        elif len(typed) >= 3 and typed in word:  # "a" is in nearly every name
            score = CONTAINED_SCORE
        else:
            score = 100 * OSA.normalized_similarity(typed, word)
        if score >= WORD_THRESHOLD:
            table[word] = score
    return table


def _has_trigram() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None
