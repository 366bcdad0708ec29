"""Why a padrón row was quarantined: the registry's reason codes and the labels of its
fields, registered with :mod:`crecer.ingest.reasons` when the app is ready (stored as a code
with its values, written in the reader's language only when shown)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

FIELD_LABELS = {
    "birth_date": gettext_lazy("birth date"),
    "dni_status_date": gettext_lazy("DNI application date"),
    "dni_issue_date": gettext_lazy("DNI issue date"),
    "visit_date": gettext_lazy("visit date"),
    "data_source_date": gettext_lazy("data source date"),
    "sis_affiliation_date": gettext_lazy("SIS affiliation date"),
    "given_names": gettext_lazy("given names"),
    "surname": gettext_lazy("surname"),
    "sex": gettext_lazy("sex"),
    "ubigeo": gettext_lazy("ubigeo"),
    "visited": gettext_lazy("visited"),
    "found": gettext_lazy("found"),
    "birth_weight_g": gettext_lazy("birth weight (g)"),
    "gestational_age_weeks": gettext_lazy("gestational age (weeks)"),
    "mother": gettext_lazy("mother's"),
    "head": gettext_lazy("household head's"),
    "DNI": "DNI",
    "CUI": "CUI",
    "CNV": "CNV",
    "PADRON_CODE": gettext_lazy("registry code"),
}

# code -> message; {0}, {1}… are the stored values (field keys are shown with FIELD_LABELS).
MESSAGES = {
    "no_identifier": gettext_lazy("no identifier: DNI, CUI, CNV or registry code is required"),
    "not_8_digits": gettext_lazy("{0} '{1}' must be 8 digits"),
    "all_zeros": gettext_lazy("{0} cannot be all zeros"),
    "cnv_digits": gettext_lazy("CNV '{0}' must be {1} to {2} digits"),
    "document_dni": gettext_lazy("{0} DNI '{1}' must be 8 digits"),
    "document_type": gettext_lazy("{0} document type '{1}' is unknown"),
    "missing": gettext_lazy("missing mandatory field: {0}"),
    "sex": gettext_lazy("sex '{0}' is not 1 (male) or 2 (female)"),
    "email": gettext_lazy("mother's email '{0}' is not an email"),
    "not_a_date": gettext_lazy("{0} '{1}' is not a date"),
    "future": gettext_lazy("{0} is in the future"),
    "over_six": gettext_lazy("birth date is over 6 years ago: not a child of the registry"),
    "unknown_ubigeo": gettext_lazy("unknown ubigeo {0}"),
    "outside_scope": gettext_lazy("ubigeo {0} is outside your territory"),
    "child_outside_scope": gettext_lazy(
        "matches a child registered outside your territory: ask its district to transfer it"
    ),
    "child_outside_scope_hidden": gettext_lazy(
        "its identifier is in a record you cannot see: the registry administrator can "
        "transfer that record to your territory"
    ),
    "unknown_center": gettext_lazy("unknown populated center {0}"),
    "center_elsewhere": gettext_lazy("populated center {0} is not in district {1}"),
    "area": gettext_lazy("area '{0}' is not urban or rural"),
    "record_status": gettext_lazy("record status '{0}' is not 0, 1 or 2"),
    "insurance": gettext_lazy("insurance type '{0}' is not 0 to 4"),
    "programs": gettext_lazy(
        "social programs '{0}' has an unknown code (known: 0, 1, 2, 4, 5, 7, 8)"
    ),
    "sisfoh": gettext_lazy("SISFOH classification '{0}' is not PE, P or NP"),
    "yes_no": gettext_lazy("{0} '{1}' is not yes or no"),
    "range": gettext_lazy("{0} '{1}' is not between {2} and {3}"),
    "duplicate": gettext_lazy("duplicate inside the file: same {0} as line {1}"),
    "conflict_children": gettext_lazy(
        "conflict with existing children: its identifiers belong to {0}"
    ),
    "conflict_children_hidden": gettext_lazy(
        "conflict with existing children: its identifiers belong to different children"
    ),
    "conflict_identifier": gettext_lazy(
        "conflict with existing child #{0}: it has {1} {2}, the file says {3}"
    ),
    "other_child": gettext_lazy(
        "the identifier matches child #{0} (sex {1}, born {2}) but the row gives sex {3}, "
        "born {4}: another child? the record is left as it is"
    ),
    "already_updated": gettext_lazy(
        "another row of this file (line {0}) already updates child #{1}"
    ),
}


# Shown instead to a reader without the full view: no record number of another territory,
# nor where that record is. (That the identifier is taken cannot be hidden: the registry
# holds one record per DNI nationally, so the row cannot be created; it waits, quarantined,
# for the administrator.)
PUBLIC = {
    "conflict_children": "conflict_children_hidden",
    "child_outside_scope": "child_outside_scope_hidden",
}
