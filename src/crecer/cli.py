"""The ``crecer`` command: the one entry point users learn.

Every subcommand is a Django management command (``crecer migrate``, ``crecer serve``,
``crecer createuser``, ``crecer territory load …``, ``crecer demo``), so the same command works
from a shell, a Windows shortcut or a scheduled task.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crecer.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reads the settings: a bad one stops here, clearly)
    except ImproperlyConfigured as problem:
        sys.exit(f"crecer: {problem}")

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["crecer", *args])
