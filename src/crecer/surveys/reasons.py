"""Why a row of a survey child file was quarantined (codes start with ``survey_``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

MESSAGES = {
    "survey_missing": gettext_lazy("no {0}"),
    "survey_bad_weight": gettext_lazy("sampling weight '{0}' is not a number above 0"),
    "survey_bad_department": gettext_lazy("department '{0}' is not a department code"),
    "survey_unknown_department": gettext_lazy("no department {0} in the territory"),
    "survey_bad_district": gettext_lazy("district '{0}' is not a district code of department {1}"),
    "survey_unknown_district": gettext_lazy("no district {0} in the territory"),
    "survey_bad_age": gettext_lazy("age '{0}' is not a whole number of months from 0 to 59"),
    "survey_bad_number": gettext_lazy("{0} '{1}' is not a number from {2} to {3}"),
    "survey_bad_value": gettext_lazy("{0} '{1}' is not one of {2}"),
    "survey_bad_date": gettext_lazy("interview date '{0}' is not a date"),
    "survey_future": gettext_lazy("interview date {0} is in the future"),
    "survey_too_long": gettext_lazy("{0} '{1}' is longer than {2} characters"),
}
