"""Why a births-file row was quarantined (codes start with ``birth_``), registered with
:mod:`crecer.ingest.reasons` when the app is ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

BIRTH_MESSAGES = {
    "birth_bad_cnv": gettext_lazy("CNV '{0}' must be {1} to {2} digits"),
    "birth_bad_document": gettext_lazy("mother's document '{0}' is not a valid {1}"),
    "birth_document_type": gettext_lazy("mother's document type '{0}' is not DNI, CE or passport"),
    "birth_bad_date": gettext_lazy("birth date '{0}' is not a date"),
    "birth_future": gettext_lazy("birth date {0} is in the future"),
    "birth_sex": gettext_lazy("sex '{0}' is not 1 (male) or 2 (female)"),
    "birth_not_a_number": gettext_lazy("{0} '{1}' is not a whole number"),
    "birth_range": gettext_lazy("{0} {1} is outside the plausible range {2} to {3}"),
    "birth_unknown_ubigeo": gettext_lazy("unknown ubigeo {0}"),
    "birth_outside_scope": gettext_lazy("ubigeo {0} is outside your territory"),
    "birth_place": gettext_lazy("place of delivery '{0}' is not facility, home or other"),
    "birth_duplicate": gettext_lazy("duplicate inside the file: same CNV as line {0}"),
    "birth_woman_outside_scope": gettext_lazy(
        "the mother with document {0} is registered outside your territory"
    ),
    "birth_woman_hidden": gettext_lazy(
        "the mother's document is in a record you cannot see: the registry administrator "
        "can transfer it"
    ),
    "birth_cnv_elsewhere": gettext_lazy(
        "CNV {0} is already the birth of another mother's pregnancy"
    ),
    "birth_child_differs": gettext_lazy(
        "CNV {0} belongs to registry child #{1} born {2}; the file says born {3}"
    ),
    "birth_child_hidden": gettext_lazy("CNV {0} belongs to a record you cannot see"),
}

MATERNAL_MESSAGES = {
    "maternal_document_type": gettext_lazy("document type '{0}' is not DNI, CE or passport"),
    "maternal_bad_document": gettext_lazy("document '{0}' is not a valid number"),
    "maternal_bad_date": gettext_lazy("attention date '{0}' is not a date"),
    "maternal_future": gettext_lazy("attention date {0} is in the future"),
    "maternal_bad_lmp": gettext_lazy("last menstrual period '{0}' is not a date"),
    "maternal_unknown_code": gettext_lazy("HIS code '{0}' is not a pregnancy service"),
    "maternal_nothing": gettext_lazy("no HIS code and no Hb value: nothing to record"),
    "maternal_not_a_number": gettext_lazy("{0} '{1}' is not a number"),
    "maternal_range": gettext_lazy("{0} {1} is outside the plausible range {2} to {3}"),
    "maternal_unknown_woman": gettext_lazy("no woman registered with {0} {1}"),
    "maternal_woman_outside_scope": gettext_lazy(
        "the woman with {0} {1} is registered outside your territory"
    ),
    "maternal_no_pregnancy": gettext_lazy(
        "no pregnancy of hers holds {0}: register it (or give the FUR in the file)"
    ),
    "maternal_hb_differs": gettext_lazy(
        "an Hb test of that day is recorded with {0} g/dL; the file says {1}"
    ),
}

# A reader without the full view: no other territory's record named or placed.
BIRTH_PUBLIC = {
    "birth_woman_outside_scope": "birth_woman_hidden",
    "birth_child_differs": "birth_child_hidden",
    # Outside the territory reads as unknown (the same values), as for children's services.
    "maternal_woman_outside_scope": "maternal_unknown_woman",
}
