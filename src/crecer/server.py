"""Serving the site with waitress, a pure-Python WSGI server: no compiler, no C extension, the
same on Linux and on the Windows PCs of health posts (gunicorn and uWSGI do not run on Windows).
Used by ``crecer serve`` and ``crecer demo``."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable

from django.db import connections
from django.utils.translation import gettext as _


def serve(
    host: str, port: int, threads: int, say: Callable[[str], None], processes: int = 1
) -> None:
    """Serve until stopped. Python threads share one CPU core (the GIL), so with
    ``processes`` > 1 forked workers each listen on the same port (SO_REUSEPORT: the kernel
    spreads the connections); stopping this process stops them."""
    from waitress import serve as waitress_serve

    from crecer.wsgi import application

    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/"
    say(_("Crecer is serving on %(url)s  (Ctrl+C to stop)") % {"url": url})
    if processes <= 1:
        waitress_serve(application, host=host, port=port, threads=threads, ident="crecer")
        return
    connections.close_all()  # each process opens its own database connections
    workers = _fork_workers(processes - 1)
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    waitress_serve(application, sockets=[listener], threads=threads, ident="crecer")
    _stop(workers)


def _fork_workers(count: int) -> list[int]:
    """Fork ``count`` workers; in the parent, their pids (stopped with it); in a worker, []."""
    workers: list[int] = []
    for _number in range(count):
        pid = os.fork()
        if pid == 0:
            _exit_with_parent(os.getppid())
            return []
        workers.append(pid)
    signal.signal(signal.SIGTERM, lambda signum, frame: _stop(workers))
    signal.signal(signal.SIGINT, lambda signum, frame: _stop(workers))
    return workers


def _stop(workers: list[int]) -> None:
    for pid in workers:
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    raise SystemExit(0)


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (checked every second): no orphan keeps the
    port."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
