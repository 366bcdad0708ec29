"""``crecer serve``: the production web server.

Waitress is a pure-Python WSGI server: no compiler, no C extension, the same on Linux and on the
Windows PCs of health posts (gunicorn and uWSGI do not run on Windows). It buffers slow clients,
serves with a thread pool, and with WhiteNoise it serves the static files too, so one process is
the whole site.
"""

from __future__ import annotations

import os
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crecer.database import ensure_migrated
from crecer.server import serve


class Command(BaseCommand):
    help = "Run Crecer's web server (waitress), serving the site and its static files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="address to listen on (default 127.0.0.1; 0.0.0.0 for the local network)",
        )
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="server processes on the same port, to use several CPU cores (Linux; default 1)",
        )

    def handle(self, *args, host: str, port: int, threads: int, processes: int, **options) -> None:
        if processes > 1 and not (hasattr(os, "fork") and hasattr(socket, "SO_REUSEPORT")):
            raise CommandError("--processes needs Linux; elsewhere use --threads")
        ensure_migrated()
        call_command("collectstatic", interactive=False, verbosity=0)
        serve(host, port, threads, self.stdout.write, processes=processes)
