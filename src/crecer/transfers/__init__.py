"""JUNTOS conditional transfers: per-member verification of co-responsibilities, household
entitlements, suspensions and targeting, from the profile's ``[juntos]``.

    >>> import numpy as np
    >>> from crecer.norms import load_profile
    >>> from crecer.transfers import verify_members, household_entitlements
    >>> profile = load_profile("peru")
    >>> members = {
    ...     "member": np.array([1]), "household": np.array([10]),
    ...     "birth_date": np.array(["2024-03-10"], "datetime64[D]"),   # 18 months on 2025-08-31
    ...     "lmp": np.array(["NaT"], "datetime64[D]"),
    ...     "delivery": np.array(["NaT"], "datetime64[D]"),
    ...     "facility_declared": np.array([True]), "school_declared": np.array([False]),
    ...     "upper_secondary": np.array([False]), "waived": np.array([False]),
    ... }
    >>> events = {"member": np.array([1]), "date": np.array(["2025-08-02"], "datetime64[D]"),
    ...           "code": np.array(["99381"])}
    >>> school = {"member": np.array([], np.int64), "term_start": np.array([], "datetime64[D]"),
    ...           "term_end": np.array([], "datetime64[D]"), "enrolled": np.array([], bool),
    ...           "days_attended": np.array([], np.int64), "days_absent": np.array([], np.int64)}
    >>> rows = verify_members(members, events, school, "2025-07-01", "2025-08-31", profile)
    >>> str(rows["condition"][0]), str(rows["status"][0]), int(rows["done"][0])
    ('cred_1_2y', 'complied', 1)

Columnar in, columnar out (dicts of numpy arrays); statuses ``complied``, ``not_complied``,
``not_verifiable`` (the declared facility or school missing, no school record, no birth date:
kept apart from non-compliance) and ``exempt`` (a waiver). Pure numpy: no Django, no I/O, no
clock.
"""

from crecer.transfers.entitlements import (
    district_eligible,
    household_entitlements,
    next_standing,
    pepi,
)
from crecer.transfers.verify import (
    AGE_UNKNOWN,
    REASONS,
    STATUSES,
    condition_ids,
    juntos_norms,
    verify_members,
)

__all__ = [
    "AGE_UNKNOWN",
    "REASONS",
    "STATUSES",
    "condition_ids",
    "district_eligible",
    "household_entitlements",
    "juntos_norms",
    "next_standing",
    "pepi",
    "verify_members",
]
