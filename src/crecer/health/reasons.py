"""Why a service-event row was quarantined: the event import's own reason codes.

Registered with :mod:`crecer.ingest.reasons` when the app is ready, so that one scheme (code
plus values, text in the reader's language when shown) serves every import, and the import
report, its CSV and ``QuarantinedRow.described_reasons`` read them unchanged. The codes start
with ``event_``: registering one the registry already has would fail.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

EVENT_MESSAGES = {
    "event_no_child_id": gettext_lazy(
        "no child identifier: DNI, CUI, CNV or registry code is required"
    ),
    "event_document_type": gettext_lazy("document type '{0}' is not DNI, CUI or CNV"),
    "event_bad_id": gettext_lazy("{0} '{1}' is not a valid number"),
    "event_unknown_child": gettext_lazy("no child in the registry with {0} {1}"),
    "event_child_outside_scope": gettext_lazy(
        "the child with {0} {1} is registered outside your territory"
    ),
    "event_no_date": gettext_lazy("missing attention date"),
    "event_bad_date": gettext_lazy("attention date '{0}' is not a date"),
    "event_future": gettext_lazy("attention date {0} is in the future"),
    "event_before_birth": gettext_lazy("attention date {0} is before the birth date {1}"),
    "event_nothing": gettext_lazy("no HIS code, measurement or Hb value: nothing to record"),
    "event_unknown_code": gettext_lazy("unknown HIS code '{0}'"),
    "event_not_a_number": gettext_lazy("{0} '{1}' is not a number"),
    "event_range": gettext_lazy("{0} {1} is outside the plausible range {2} to {3}"),
    "event_measure": gettext_lazy("measure '{0}' is not l (lying) or h (standing)"),
    "event_oedema": gettext_lazy("oedema '{0}' is not yes or no"),
    "event_duplicate": gettext_lazy(
        "duplicate inside the file: same child, date and values as line {0}"
    ),
    "event_differs_in_file": gettext_lazy(
        "the {0} of this child and date differs from line {1} of the file"
    ),
    "event_recorded_differently": gettext_lazy(
        "already recorded for this child and date with another {0} ({1}, the file says {2})"
    ),
}


# What a reader without the full view reads instead: a child of another territory reads as
# unknown (the same values: the identifier's name and number), so an import cannot be used
# to find out whether a DNI is registered elsewhere.
EVENT_PUBLIC = {"event_child_outside_scope": "event_unknown_child"}
