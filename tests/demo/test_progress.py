"""The demo's progress lines: what is done, the time left while it works, the time it took."""

from __future__ import annotations

import time

from django.utils import translation

from crecer.demo.progress import Step, duration


def test_duration_reads_at_a_glance():
    with translation.override("en"):
        assert duration(44.6) == "45 s"
        assert duration(125) == "2 min 05 s"
        assert duration(-3) == "0 s"  # an overrun never counts below zero


def test_a_step_says_what_it_does_the_time_left_and_the_time_it_took():
    said: list[str] = []
    with translation.override("en"), Step(said.append, "Linking", estimate=60, every=0.05) as step:
        time.sleep(0.2)
    assert said[0] == "Linking (about 1 min 00 s)…"
    assert any("so far, about" in line and "left" in line for line in said[1:-1])
    assert said[-1].startswith("  done in ")
    assert 0.2 <= step.seconds < 5


def test_a_step_that_overruns_says_so():
    said: list[str] = []
    with translation.override("en"), Step(said.append, "Refreshing", estimate=1, every=0.2):
        time.sleep(1.5)
    assert any("longer than estimated" in line for line in said)


def test_a_failed_step_does_not_say_done():
    said: list[str] = []
    try:
        with translation.override("en"), Step(said.append, "Loading", estimate=5, every=1):
            raise ValueError("broken file")
    except ValueError:
        pass
    assert not any("done in" in line for line in said)
