"""Why a row of a SISFOH classification file or a school-records file was quarantined (codes
start with ``juntos_``), registered with :mod:`crecer.ingest.reasons` when the app is ready.
An unknown household and one outside the importer's territory read the same (no probing)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

MESSAGES = {
    "juntos_no_household": gettext_lazy(
        "no household code and no titular's document: the row names no household"
    ),
    "juntos_unknown_household": gettext_lazy("no household {0} in your territory"),
    "juntos_bad_category": gettext_lazy(
        "classification '{0}' is not extreme poor, poor or non-poor"
    ),
    "juntos_bad_date": gettext_lazy("{0} '{1}' is not a date"),
    "juntos_future": gettext_lazy("{0} {1} is in the future"),
    "juntos_duplicate": gettext_lazy("duplicate inside the file: same {0} as line {1}"),
    "juntos_unknown_student": gettext_lazy(
        "no household member with document {0} in your territory"
    ),
    "juntos_bad_term": gettext_lazy("the term ends ({0}) before it starts ({1})"),
    "juntos_bad_days": gettext_lazy("{0} '{1}' is not a whole number of days from 0 to 366"),
    "juntos_bad_enrolled": gettext_lazy("enrolled '{0}' is not yes or no"),
    "juntos_too_long": gettext_lazy("{0} '{1}' is longer than {2} characters"),
    "juntos_no_school": gettext_lazy("no school code"),
    "juntos_no_term": gettext_lazy("no term"),
    "juntos_record_differs": gettext_lazy(
        "the term {0} of this student is recorded with other values; the file changes them"
    ),
}
