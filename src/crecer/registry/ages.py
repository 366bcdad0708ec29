"""Registry age rules. Pure: no database, no clock."""

from datetime import date

REGISTRY_AGE_YEARS = 6  # children leave the active registry on their 6th birthday


def sixth_birthday_cutoff(on: date) -> date:
    """Children born on or before this date are 6 or older on ``on``."""
    try:
        return on.replace(year=on.year - REGISTRY_AGE_YEARS)
    except ValueError:  # 29 February
        return on.replace(year=on.year - REGISTRY_AGE_YEARS, day=28)
