"""Server-rendered pages through the Django test client, read with an HTML parser."""

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class Text(HTMLParser):
    """Visible text and links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: dict[str, str] = {}
        self._href: str | None = None
        self._skip = False

    def handle_starttag(self, tag, attrs):
        if tag in {"style", "script", "title"}:
            self._skip = True
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag in {"style", "script", "title"}:
            self._skip = False
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._href and data.strip():
            self.links[data.strip()] = self._href

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def page(client, url, **headers) -> Text:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    parsed = Text()
    parsed.feed(response.content.decode())
    return parsed


def test_home_is_spanish_by_default(client):
    home = page(client, "/")
    assert "Departamentos del Perú" in home.text
    assert "25 departamentos, 196 provincias y 1873 distritos" in home.text
    assert "Ayacucho" in home.links


def test_lang_query_switches_to_english_and_is_remembered(client):
    english = page(client, "/?lang=en")
    assert "Departments of Peru" in english.text
    assert "25 departments, 196 provinces and 1873 districts" in english.text
    assert "Departments of Peru" in page(client, "/").text  # the cookie keeps the choice
    assert "Departamentos del Perú" in page(client, "/?lang=es").text


def test_browser_language_is_honoured(client):
    assert "Departments of Peru" in page(client, "/", HTTP_ACCEPT_LANGUAGE="en-US,en").text


def test_drill_down_to_huamanguilla(client):
    home = page(client, "/")
    ayacucho = page(client, home.links["Ayacucho"])
    assert "Huanta" in ayacucho.links
    huanta = page(client, ayacucho.links["Huanta"])
    assert "Provincia de Huanta" in huanta.text
    huamanguilla = page(client, huanta.links["Huamanguilla"])
    assert "Distrito de Huamanguilla (050403)" in huamanguilla.text
    assert "Perú › Ayacucho › Huanta › Huamanguilla" in huamanguilla.text
    # Without the district attributes file the altitude is unknown, and the page says so.
    assert "desconocida: cargue el archivo de atributos distritales" in huamanguilla.text


@pytest.mark.parametrize(
    "url",
    [
        "/territory/99/",
        "/territory/0599/",
        "/territory/abc/",
        "/territory/0504031/",
        "/territory/059999/",
    ],
)
def test_unknown_codes_are_404(client, url):
    assert client.get(url).status_code == 404


def test_health_check(client):
    assert client.get("/healthz").content == b"ok"
