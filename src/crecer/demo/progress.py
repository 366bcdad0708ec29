"""Console progress for the long steps of ``crecer demo`` and ``crecer generate``: what is being
done, how long it has taken and about how long is left, every few seconds, so that a newcomer
never waits minutes in silence. Estimates are rough (seconds per child or record measured on a
2-core machine); a step that overruns says so instead of counting below zero."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType

from django.utils import translation
from django.utils.translation import gettext as _

Say = Callable[[str], None]
EVERY_SECONDS = 15.0  # often enough to show life, rarely enough not to drown the output


def duration(seconds: float) -> str:
    """``45 s``, ``2 min 05 s``: what a person reads at a glance."""
    whole = max(0, round(seconds))
    if whole < 60:
        return _("%(s)d s") % {"s": whole}
    return _("%(m)d min %(s)02d s") % {"m": whole // 60, "s": whole % 60}


class Step:
    """A long step, as a context manager: says what it does and the time it should take, then
    every :data:`EVERY_SECONDS` the time spent and the time left, and at the end how long it
    took (kept in :attr:`seconds` for the estimates of the next steps)."""

    def __init__(self, say: Say, what: str, estimate: float, every: float = EVERY_SECONDS):
        self.say, self.what, self.estimate, self.every = say, what, max(estimate, 1.0), every
        self.seconds = 0.0
        self.language = translation.get_language()  # the ticker's thread speaks it too
        self._started = 0.0
        self._done = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)

    def __enter__(self) -> Step:
        self.say(_("%(what)s (about %(time)s)…") % {"what": self.what, "time": self._left(0)})
        self._started = time.monotonic()
        self._ticker.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._done.set()
        self._ticker.join()
        self.seconds = time.monotonic() - self._started
        if kind is None:
            self.say(_("  done in %(time)s.") % {"time": duration(self.seconds)})

    def _left(self, elapsed: float) -> str:
        return duration(self.estimate - elapsed)

    def _tick(self) -> None:
        with translation.override(self.language):
            self._tick_until_done()

    def _tick_until_done(self) -> None:
        while not self._done.wait(self.every):
            elapsed = time.monotonic() - self._started
            values = {"what": self.what, "spent": duration(elapsed), "left": self._left(elapsed)}
            if elapsed < self.estimate:
                message = _("  … %(spent)s so far, about %(left)s left") % values
            else:
                message = _("  … %(spent)s so far, longer than estimated; still working") % values
            self.say(message)
