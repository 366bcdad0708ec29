"""The meeting pack prints on A4 landscape in black and white, as the work lists do: Chromium
renders the page as served and prints it (tests/maternal/test_print.py's way, in its own
process). The PDF is A4, its menus hidden, table headers repeated, cell borders black, and it
holds the pack's Spanish headings."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.community.test_pack import MEETING, cpvc  # noqa: F401 (the fixture)
from tests.conftest import CHROMIUM
from tests.maternal.test_print import A4_LANDSCAPE_PT, PRINT

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


@override_settings(LANGUAGE_CODE="es")
def test_the_meeting_pack_prints_on_a4_without_the_menus(cpvc, client, make_user, tmp_path):  # noqa: F811
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    url = reverse("community:pack", args=[cpvc.pk])
    page = client.get(url, {"date": MEETING.isoformat()}, HTTP_ACCEPT_LANGUAGE="es")
    html = tmp_path / "pack.html"
    html.write_text(page.content.decode(), "utf-8")
    assert 'lang="es"' in page.content.decode()
    pdf = tmp_path / "pack.pdf"
    printed = subprocess.run(
        [sys.executable, "-c", PRINT, str(html), str(pdf), CHROMIUM],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    shown = json.loads(printed.stdout)
    assert shown["nav"] == "none"
    assert shown["printed"] == "block"
    assert shown["head"] == "table-header-group"
    assert shown["cell"] == "rgb(0, 0, 0)"
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert boxes
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {A4_LANDSCAPE_PT}
