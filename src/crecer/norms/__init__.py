"""Country profiles: the norms Crecer applies, as data files loaded into typed objects.

A profile is a TOML file in ``crecer/norms/profiles/`` (``peru.toml`` first). Everything that is
a norm — territory levels, hemoglobin cut-offs and altitude adjustments (``[anemia]``), the CRED,
vaccine, iron, Hb-screening and prenatal schedules (``[schedules]``); indicators and targets as
later features arrive — lives there with the source that cites it, so another country can adopt
Crecer by writing its own profile. ``profile.unconfirmed()`` lists the numbers still to check.

    >>> from crecer.norms import load_profile
    >>> profile = load_profile("peru")
    >>> profile.territory.level("district").code_length
    6

Loading validates the file; a problem raises :class:`ProfileError` naming the file, the key and
the problem. Pure Python: no Django, no database.
"""

from crecer.norms.hemoglobin import AltitudeAdjustment, AnemiaNorms, AnemiaRule, Cutoff
from crecer.norms.loader import ProfileError, available_profiles, load_profile, profile_path
from crecer.norms.model import (
    Cited,
    LocalizedText,
    Profile,
    ProfileInfo,
    Source,
    Territory,
    TerritoryLevel,
)
from crecer.norms.registry import BirthRanges, RegistryNorms, SameChild
from crecer.norms.schedule import Dose, Flag, Requirement, Schedule, ScheduleNorms
from crecer.norms.services import CodeSet, HbTestCodes, ServiceCodes

__all__ = [
    "AltitudeAdjustment",
    "AnemiaNorms",
    "AnemiaRule",
    "BirthRanges",
    "Cited",
    "CodeSet",
    "Cutoff",
    "Dose",
    "Flag",
    "HbTestCodes",
    "LocalizedText",
    "Profile",
    "ProfileError",
    "ProfileInfo",
    "RegistryNorms",
    "Requirement",
    "SameChild",
    "Schedule",
    "ScheduleNorms",
    "ServiceCodes",
    "Source",
    "Territory",
    "TerritoryLevel",
    "available_profiles",
    "load_profile",
    "profile_path",
]
