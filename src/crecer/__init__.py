"""Crecer: an open-source system against chronic child malnutrition and anemia.

The package is a Django project (settings in :mod:`crecer.settings`, the ``crecer`` command in
:mod:`crecer.cli`) plus pure libraries that need no database (:mod:`crecer.norms`, and later
``crecer.growth``, ``crecer.anemia``, ``crecer.schedules``).
"""

__version__ = "0.1.0"
