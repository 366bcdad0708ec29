"""Finding children by number or by name: accent- and case-insensitive, tolerant of small typos.

On PostgreSQL with pg_trgm the database ranks names by trigram word similarity; elsewhere
(SQLite) the candidates' folded names are ranked in Python with rapidfuzz. Both see the same
folded text (``Child.search_name``), so "huaman quipse maria" finds "HUAMÁN QUISPE, María".
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from crecer.ingest.text import is_digits
from crecer.registry.identifiers import clean_number, fold
from crecer.registry.models import Child

FUZZY_THRESHOLD = 75  # rapidfuzz score, 0–100
TRIGRAM_THRESHOLD = 0.45  # pg_trgm word similarity, 0–1


def search_children(text: str, children: QuerySet | None = None, limit: int = 50) -> list[Child]:
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
        )
        return list(by_number[:limit])
    words = fold(text).split()
    if not words:
        return []
    exact = children
    for word in words:
        exact = exact.filter(search_name__contains=word)
    found = list(exact[:limit])
    if len(found) >= limit:
        return found
    seen = {child.pk for child in found}
    similar = [
        child for child in _similar(" ".join(words), children, limit) if child.pk not in seen
    ]
    return (found + similar)[:limit]


def _similar(folded: str, children: QuerySet, limit: int) -> list[Child]:
    if connection.vendor == "postgresql" and _has_trigram():
        from django.contrib.postgres.search import TrigramWordSimilarity

        ranked = (
            children.annotate(similarity=TrigramWordSimilarity(folded, "search_name"))
            .filter(similarity__gte=TRIGRAM_THRESHOLD)
            .order_by("-similarity")
        )
        return list(ranked[:limit])
    from rapidfuzz import fuzz, process

    names = dict(children.values_list("pk", "search_name"))
    best = process.extract(
        folded, names, scorer=fuzz.WRatio, score_cutoff=FUZZY_THRESHOLD, limit=limit
    )
    order = [key for _name, _score, key in best]
    by_pk = children.in_bulk(order)
    return [by_pk[pk] for pk in order if pk in by_pk]


def _has_trigram() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None
