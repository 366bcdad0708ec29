"""Why a row of a home-visit export was quarantined (codes start with ``visit_``),
registered with :mod:`crecer.ingest.reasons` when the app is ready. An unknown child and one
outside the importer's territory read the same (no probing)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

MESSAGES = {
    "visit_bad_document": gettext_lazy(
        "document '{0}' is not a DNI (8 digits) or a CNV (up to 12 digits)"
    ),
    "visit_bad_date": gettext_lazy("{0} '{1}' is not a date"),
    "visit_future": gettext_lazy("the visit's date {0} is in the future"),
    "visit_bad_duration": gettext_lazy("duration '{0}' is not minutes (15, 15 min or 00:15:00)"),
    "visit_bad_type": gettext_lazy("record type '{0}' is not a visit or a call"),
    "visit_bad_flag": gettext_lazy("{0} '{1}' is not yes or no"),
    "visit_bad_result": gettext_lazy("result '{0}' is not found, not found or refused"),
    "visit_unknown_child": gettext_lazy("no child with document {0} in your territory"),
    "visit_conflict": gettext_lazy("document {0} names more than one child ({1})"),
    "visit_birth_differs": gettext_lazy(
        "the file's birth date {0} is not the registry's {1} for this child"
    ),
    "visit_before_birth": gettext_lazy("the visit ({0}) is before the child's birth ({1})"),
    "visit_duplicate": gettext_lazy(
        "duplicate inside the file: same child, day, agent and type as line {0}"
    ),
}
