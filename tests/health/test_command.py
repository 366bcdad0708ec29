"""``crecer import events FILE --report CSV`` prints the counts and writes the quarantine."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.health.factories import make_child, own_row, write_events

pytestmark = pytest.mark.django_db


def test_import_events_command(tmp_path):
    make_child()
    path = write_events(tmp_path / "e.csv", [own_row(), own_row(code="12345")])
    out = StringIO()
    with translation.override("en"):
        call_command("import", "events", str(path), "--report", str(tmp_path / "q.csv"), stdout=out)
    text = out.getvalue()
    assert "2 rows read = 1 created + 0 updated + 0 unchanged + 1 quarantined" in text
    assert "line 3: unknown HIS code '12345'" in text
    assert "unknown HIS code" in (tmp_path / "q.csv").read_text()
