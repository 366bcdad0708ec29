"""The pregnant women's work list prints on A4 landscape in black and white, as the children's
does: Chromium renders the page as served and prints it (its print rules are inline, so the
page's HTML is all it needs). Chromium runs in its own process: Playwright's event loop in
this one would make Django refuse the test database."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from crecer.maternal.models import Pregnancy, Woman
from tests.conftest import CHROMIUM

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

A4_LANDSCAPE_PT = (842, 595)  # 297 x 210 mm in PostScript points, rounded as PDFs write them

PRINT = r"""
import json, sys
from playwright.sync_api import sync_playwright
html, pdf_path, chromium = sys.argv[1:]
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    page = browser.new_page()
    page.set_content(open(html, encoding="utf-8").read())
    page.emulate_media(media="print")
    shown = page.evaluate('''() => ({
        nav: getComputedStyle(document.querySelector('nav')).display,
        printed: getComputedStyle(document.querySelector('.print-only')).display,
        head: getComputedStyle(document.querySelector('table.worklist thead')).display,
        cell: getComputedStyle(document.querySelector('table.worklist td')).borderTopColor,
    })''')
    page.pdf(path=pdf_path, prefer_css_page_size=True)
    browser.close()
print(json.dumps(shown))
"""


def test_the_pregnancy_list_prints_on_a4_landscape_without_the_menus(client, make_user, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    woman = Woman.objects.create(
        document_type="DNI", document_number="41234567", paternal_surname="Quispe",
        given_names="Rosa", district_id="050403",
    )  # fmt: skip
    Pregnancy.objects.create(woman=woman, lmp_date=timezone.localdate() - timedelta(weeks=30))
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    html = tmp_path / "list.html"
    html.write_text(client.get(reverse("maternal:pregnancies")).content.decode(), "utf-8")
    pdf = tmp_path / "list.pdf"
    printed = subprocess.run(
        [sys.executable, "-c", PRINT, str(html), str(pdf), CHROMIUM],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    shown = json.loads(printed.stdout)
    assert shown["nav"] == "none"
    assert shown["printed"] == "block"
    assert shown["head"] == "table-header-group"  # the headers repeat on every page
    assert shown["cell"] == "rgb(0, 0, 0)"
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert box is not None
    assert (round(float(box[1])), round(float(box[2]))) == A4_LANDSCAPE_PT
