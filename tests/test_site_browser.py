"""The static site in a real browser: the system Chromium, driven by Playwright, on a local server.

The release is served from a sub-folder (``http://127.0.0.1:PORT/out/``), as a static host would
serve it from any path; every page must load with no console error, no failed request and nothing
from the network, show its labels and claims, and its links must lead to their pages. A label
``<script>alert(1)</script>`` must show as text: no dialog may open.

Needs ``/usr/bin/chromium`` (Debian's package; CI installs it). Playwright's own browser downloads
are never used.
"""

from __future__ import annotations

import functools
import json
import http.server
import threading
from pathlib import Path

import pytest

from heritage_graph.publish import build as publish

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DATE = "2026-11-27"
XSS = "<script>alert(1)</script>"
VALID = Path(__file__).resolve().parent / "data" / "valid" / "claims.ttl"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="the browser tests need the system Chromium at /usr/bin/chromium "
                                       "(Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def release(request, tmp_path_factory) -> Path:
    """The release of the bundled data, built once per session (shared with test_publish.py)."""
    cached = getattr(request.config, "_heritage_graph_release", None)
    if cached is None:
        out = tmp_path_factory.mktemp("release") / "out"
        cached = (out, publish.build(out, date=DATE))
        request.config._heritage_graph_release = cached
    return cached[0]


@pytest.fixture(scope="module")
def xss_release(tmp_path_factory) -> Path:
    """A small release whose people group is labelled with a script tag."""
    folder = tmp_path_factory.mktemp("xss")
    text = VALID.read_text(encoding="utf-8")
    assert 'rdfs:label "Testers"@en' in text
    data = folder / "claims.ttl"
    data.write_text(text.replace('rdfs:label "Testers"@en', f'rdfs:label "{XSS}"@en'), encoding="utf-8")
    out = folder / "out"
    publish.build(out, data_paths=[data], date=DATE, progress=lambda *args, **kwargs: None)
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def site_url(release):
    """The release served from its parent folder: its pages live under /out/."""
    server = _serve(release.parent)
    yield f"http://127.0.0.1:{server.server_address[1]}/{release.name}/"
    server.shutdown()


@pytest.fixture(scope="module")
def xss_url(xss_release):
    server = _serve(xss_release.parent)
    yield f"http://127.0.0.1:{server.server_address[1]}/{xss_release.name}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Watched:
    """A page with its console errors, page errors, failed requests, error responses and dialogs."""

    def __init__(self, page, origin: str):
        self.page = page
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        # ERR_ABORTED: a load that the next navigation cancelled (the icon of a page left at once),
        # not a broken resource; a missing file shows as an HTTP 404 below
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}")
                if "ERR_ABORTED" not in (r.failure or "") else None)
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.on("request", lambda r: self.outside.append(r.url) if not r.url.startswith((origin, "data:")) else None)

        def on_dialog(dialog):
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

    def check(self):
        assert not self.problems, self.problems
        assert not self.dialogs, self.dialogs
        assert not self.outside, self.outside


@pytest.fixture
def watched(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    origin = site_url.split("/out/")[0]
    yield Watched(page, origin)
    context.close()


def test_home_page(watched, site_url):
    page = watched.page
    page.goto(site_url + "index.html")
    assert page.locator("h1").first.inner_text() == "Heritage graph"
    assert page.get_by_text("Every figure is a").is_visible()
    assert page.locator("svg.chart").is_visible()
    assert page.get_by_text("How many of the prisoners were Lithuanians?").is_visible()
    assert page.locator("a", has_text="heritage-graph.ttl").first.is_visible()
    page.locator("ul.featured a", has_text="Karlag").click()
    page.wait_for_load_state()
    assert page.url == site_url + "doc/camp/karlag.html"
    assert page.locator("h1").inner_text() == "Karlag"
    watched.check()


def test_camp_page(watched, site_url):
    page = watched.page
    page.goto(site_url + "doc/camp/karlag.html")
    assert page.title().startswith("Karlag")
    assert page.locator("td[lang=lt]", has_text="Karlagas").is_visible()
    assert page.locator("td[lang=ru]", has_text="Карлаг").is_visible()
    claims = page.locator("table.claims")
    assert claims.is_visible()
    assert claims.get_by_text("20,500").is_visible()
    assert claims.get_by_text("“some 20500”").is_visible()
    assert claims.locator("blockquote").first.inner_text().startswith("Even in 1954")
    page.wait_for_selector("figure.map path.leaflet-interactive[fill='#b3261e']")  # Karlag, marked at Dolinka
    assert page.locator("figure.map .leaflet-tooltip").inner_text() == "Karlag"
    assert "Shown at: its headquarters, Dolinka." in page.locator("figure.map figcaption").inner_text()
    page.locator("table.properties a", has_text="Dolinka").click()
    page.wait_for_load_state()
    assert page.url == site_url + "doc/place/dolinka.html"
    assert page.locator("h1").inner_text() == "Dolinka"
    page.go_back()
    page.locator("table.claims a", has_text="prisoner count").first.click()
    page.wait_for_load_state()
    assert "/doc/claim/" in page.url
    assert page.locator("dl.figure").is_visible()
    watched.check()


def test_memorial_page(watched, site_url):
    page = watched.page
    page.goto(site_url + "doc/site/spassk-lithuanian-monument.html")
    assert page.locator("h1").inner_text() == "Lithuanian larger monument at Spassk"
    assert page.get_by_text("2004", exact=True).is_visible()
    page.locator("table.properties a", has_text="Spassk memorial cemetery").click()
    page.wait_for_load_state()
    assert page.url == site_url + "doc/site/spassk-memorial-cemetery.html"
    assert page.locator("table.claims").get_by_text("“Some 5000”", exact=True).is_visible()
    page.locator("nav a", has_text="Queries").click()
    page.wait_for_load_state()
    assert page.url == site_url + "queries/index.html"
    page.locator("a", has_text="prisoner-shares").click()
    page.wait_for_load_state()
    assert page.locator("table.result").get_by_text("Karlag").first.is_visible()
    watched.check()


def test_label_with_script_shows_as_text(browser, xss_url):
    context = browser.new_context()
    page = context.new_page()
    watched = Watched(page, xss_url.split("/out/")[0])
    page.goto(xss_url + "doc/group/testers.html")
    assert page.locator("h1").inner_text() == XSS
    page.goto(xss_url + "doc/camp/testlag.html")
    assert page.locator("table.claims a", has_text=XSS).first.is_visible()
    page.goto(xss_url + "index.html")
    assert page.locator("svg.chart text", has_text=XSS).first.is_visible()
    page.wait_for_timeout(200)
    watched.check()
    context.close()


def test_map_page_clusters_every_place_and_filters_by_kind_and_years(watched, site_url, release):
    """The map page draws every feature of map/places.geojson over the offline borders, clustered;
    the kinds and years filter them as the file says, the address keeps the selection, and a
    marker's popup links to its page. Nothing is loaded from elsewhere (OpenStreetMap's tiles
    stay off until the visitor switches them on)."""
    features = json.loads((release / "map" / "places.geojson").read_text(encoding="utf-8"))["features"]
    total = len(features)

    def count(kinds, first=None, last=None):
        return sum(1 for f in features if f["properties"]["kind"] in kinds and (
            first is None or (f["properties"]["years"] and f["properties"]["years"][1] >= first
                              and f["properties"]["years"][0] <= last)))

    def shown(expected):
        page.wait_for_function(f"document.getElementById('map-count').textContent == '{expected} of {total} shown'")

    page = watched.page
    page.goto(site_url + "map/index.html")
    shown(total)
    assert page.locator("#places-map .marker-cluster").count() > 0
    # the borders of Natural Earth's 241 countries are drawn (not interactive)
    page.wait_for_function("document.querySelectorAll('#places-map svg path:not(.leaflet-interactive)').length == 241")
    for box in page.locator("input[name=kind]").all():
        if box.get_attribute("value") != "memorial":
            box.uncheck()
    shown(count({"memorial"}))
    assert page.url.endswith("map/index.html?kind=memorial")
    page.goto(site_url + "map/index.html?kind=camp&from=1954&to=1954")
    expected = count({"camp"}, 1954, 1954)
    assert 0 < expected < count({"camp"})
    shown(expected)
    assert page.locator("input[name=from]").input_value() == "1954"
    page.goto(site_url + "map/index.html?kind=memorial")
    shown(count({"memorial"}))
    page.locator("#places-map path.leaflet-interactive").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    popup.locator("a").first.click()
    page.wait_for_load_state()
    assert "/doc/site/" in page.url
    watched.check()


def test_a_place_known_only_by_its_country_has_no_map(watched, site_url):
    """Spassk's cemetery: Spassk has no coordinates and lies in Kazakhstan, whose centre is no
    place; the page has no map rather than a marker at the centre of the country."""
    page = watched.page
    page.goto(site_url + "doc/site/spassk-memorial-cemetery.html")
    assert page.locator("h1").inner_text() == "Spassk memorial cemetery"
    assert page.locator("figure.map").count() == 0 and page.locator("script").count() == 0
    watched.check()
