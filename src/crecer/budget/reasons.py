"""Why a line of a budget execution, physical goals or stock file was quarantined (codes
start with ``budget_``), registered with :mod:`crecer.ingest.reasons` when the app is ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

MESSAGES = {
    "budget_missing": gettext_lazy("no {0}"),
    "budget_bad_amount": gettext_lazy("{0} '{1}' is not an amount"),
    "budget_negative": gettext_lazy("{0} {1} is negative"),
    "budget_bad_year": gettext_lazy("year '{0}' is not a year from 2000 to 2100"),
    "budget_bad_month": gettext_lazy("month '{0}' is not a month from 1 to 12"),
    "budget_other_program": gettext_lazy(
        "programme '{0}' is not the profile's programme {1}: the row is not of the PAN"
    ),
    "budget_unknown_product": gettext_lazy("product '{0}' is not a product of the profile"),
    "budget_unknown_territory": gettext_lazy("territory '{0}' is not a known ubigeo"),
    "budget_outside_scope": gettext_lazy("territory {0} is outside your territory"),
    "budget_unit_territory_differs": gettext_lazy(
        "implementing unit {0} is recorded in territory {1}, not {2}"
    ),
    "budget_bad_goal": gettext_lazy("physical goal '{0}' is not a whole number of units"),
    "budget_duplicate": gettext_lazy("duplicate inside the file: same {0} as line {1}"),
    "budget_unknown_item": gettext_lazy("item '{0}' is not a supply item of the profile"),
    "budget_bad_date": gettext_lazy("{0} '{1}' is not a date"),
    "budget_unknown_facility": gettext_lazy(
        "facility {0} is not a known RENIPRESS facility and the row gives no district"
    ),
    "budget_bad_facility": gettext_lazy("facility code '{0}' is not a RENIPRESS code"),
    "budget_no_period": gettext_lazy("no month: give AÑO and MES, or PERIODO (AAAAMM)"),
}
