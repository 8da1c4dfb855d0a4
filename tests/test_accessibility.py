"""Every kind of page of a release, in a real Chromium at a desktop's width (1280 px) and a
phone's (390 px): axe-core finds nothing serious or critical, and nothing is wider than the screen.

axe-core is run by the ``axe-playwright-python`` package (it ships axe-core's script); the pages
are those of the bundled release, served by a plain static server, scripts and maps drawn.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .test_site_browser import CHROMIUM, browser, release, site_url  # noqa: F401 - the fixtures of the browser tests

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the system Chromium at /usr/bin/chromium")

#: One page of each kind: (path, a selector that shows the page is ready).
PAGES = [
    ("index.html", "svg.chart"),
    ("doc/camp/karlag.html", "figure.map path.leaflet-interactive"),
    ("doc/claim/karlag-prisoners-1954-gtl.html", "dl.figure"),
    ("doc/person/joseph-stalin.html", "h1"),
    ("doc/event/almaty-capital-relocation-1997.html", "figure.map path.leaflet-interactive"),
    ("doc/group/lithuanians.html", "h1"),
    ("doc/site/spassk-memorial-cemetery.html", "table.claims"),
    ("class/index.html", "table.listing"),
    ("class/Camp.html", "table.listing"),
    ("queries/index.html", "table.listing"),
    ("queries/prisoner-shares.html", "table.result"),
    ("search.html?q=Karlag", ".pagefind-ui__result-link"),
    ("map/index.html", "#places-map .marker-cluster"),
    ("timeline/index.html", "ol.timeline"),
    ("ontology/reference.html", "h1"),
    ("ontology/index.html", "h1"),
]

#: The impacts that fail a page.
FAILING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path, ready", PAGES)
def test_a_page_has_no_serious_accessibility_finding_and_fits_the_screen(browser, site_url, axe, path, ready, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + path)
        page.wait_for_selector(ready, state="attached", timeout=60_000)
        found = axe.run(page).response["violations"]
        failing = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in found if v["impact"] in FAILING]
        assert failing == [], path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow} px wider than a {width} px screen"
    finally:
        context.close()
