"""Hostile data in the pages of a release: markup in the ontology's graph, and the Content Security Policy.

A TriG file may write into any named graph, the ontology's included. pyLODE renders the
ontology's descriptions as Markdown, which passes HTML through, and writes the ontology's
description into a JSON-LD ``<script>`` block unescaped; the release must carry none of that
markup. Every HTML file of a release carries the policy ``script-src 'self' 'wasm-unsafe-eval'`` as a
``<meta>`` (only the site's own script files run, those of the search page; no inline script); the
release's Apache and nginx rules and ``serve`` send it as a header. A real Chromium loads the
ontology page and runs no script of the data; the site's own pages show no error under the policy.
"""

from __future__ import annotations

import functools
import http.server
from html.parser import HTMLParser
from pathlib import Path

import pytest

from heritage_graph.publish.build import build
from heritage_graph.serve.app import create_app
from heritage_graph.rdf.load import load

from ..servers import http_server
from ..test_site_browser import ARGS, CHROMIUM, Watched

DATA = Path(__file__).resolve().parents[1] / "data" / "valid" / "claims.ttl"
DATE = "2026-11-27"
POLICY = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'"
#: The one page with scripts, and its script files (the release's own, by relative path).
MAP_SCRIPTS = ["assets/leaflet/leaflet.js", "assets/leaflet-markercluster/leaflet.markercluster.js", "assets/map.js"]
SEARCH_SCRIPTS = ["assets/search-rules.js", "pagefind/pagefind-ui.js", "assets/search.js"]
TITLE = "Ontology · Heritage graph"
#: Each would change the page's title and write to the console if it ran.
RUN = "document.title='pwned';console.log('pwned')"
HOSTILE = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix hg: <https://w3id.org/heritage-graph/ontology#> .
<https://w3id.org/heritage-graph/graph/ontology/heritage-graph> {{
  hg:Camp rdfs:comment "A camp <img src=x onerror=\\"{RUN}\\"> <script>{RUN}</script> <svg onload=\\"{RUN}\\"></svg> <a href=\\"javascript:{RUN}\\">more</a> <iframe srcdoc=\\"<script>{RUN}</script>\\"></iframe>"@en .
  hg:CampSystem rdfs:label "System<script>{RUN}</script>"@en .
  <https://w3id.org/heritage-graph/ontology> rdfs:comment "</script><img src=x onerror=\\"{RUN}\\">"@en .
}}
"""


class Markup(HTMLParser):
    """What an HTML file holds that could run: script elements, ``on…`` attributes, ``javascript:``
    links, frames and images; and its Content Security Policy ``<meta>``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.loaders: list[str] = []
        self.policies: list[str] = []
        self.sources: list[str | None] = []  # the src of each script element
        self.inline: list[str] = []  # text inside script elements
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.handlers += [(tag, name) for name, _ in attrs if name.lower().startswith("on")]
        self.links += [value for name, value in attrs if name in ("href", "src", "action", "formaction")
                       and (value or "").strip().lower().startswith(("javascript:", "vbscript:"))]
        if tag in ("iframe", "img", "embed", "object", "frame"):
            self.loaders.append(tag)
        if tag == "script":
            self.scripts.append(attributes.get("type") or "text/javascript")
            self.sources.append(attributes.get("src"))
            self._in_script = True
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "content-security-policy":
            self.policies.append(attributes.get("content"))


    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append(data)


def markup(path: Path) -> Markup:
    parsed = Markup()
    parsed.feed(path.read_text(encoding="utf-8"))
    parsed.close()
    return parsed


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-pages")
    (folder / "claims.ttl").write_bytes(DATA.read_bytes())
    (folder / "ontology.trig").write_text(HOSTILE, encoding="utf-8")
    out = folder / "out"
    build(out, data_paths=[folder / "claims.ttl", folder / "ontology.trig"], date=DATE,
          progress=lambda *args, **kwargs: None)
    return out


def test_the_hostile_markup_reached_the_ontology_page_as_text(release):
    page = (release / "ontology" / "index.html").read_text(encoding="utf-8")
    assert "A camp" in page and "more" in page  # pyLODE documented the hostile comment
    assert "System&lt;script&gt;" in page  # and the label, as text


def test_the_ontology_page_holds_no_markup_that_runs(release):
    parsed = markup(release / "ontology" / "index.html")
    assert parsed.scripts == [] and parsed.handlers == [] and parsed.links == [] and parsed.loaders == []


def test_no_page_of_the_release_holds_markup_that_runs(release):
    pages = sorted(release.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        parsed = markup(path)
        assert (parsed.inline, parsed.handlers, parsed.links, parsed.loaders) == ([], [], [], []), path
        if path == release / "search.html":  # the search page's scripts: files of the release, none inline
            assert parsed.sources == SEARCH_SCRIPTS
            assert all((release / source).is_file() for source in parsed.sources)
        elif parsed.sources == ["../assets/facets.js"] and path.parent.name == "class":  # a browse page's facets
            assert (release / "assets" / "facets.js").is_file() and 'id="facets"' in path.read_text(encoding="utf-8")
        elif parsed.scripts:  # a page with a map: Leaflet and the site's map script, files of the release
            sources = [(path.parent / source).resolve() for source in parsed.sources]
            assert sources == [(release / source).resolve() for source in MAP_SCRIPTS], path
            assert all(source.is_file() for source in sources)
            assert 'class="leaflet-map' in path.read_text(encoding="utf-8"), path


def test_every_page_of_the_release_carries_the_policy(release):
    for path in sorted(release.rglob("*.html")):
        assert markup(path).policies == [POLICY], path


def test_the_rules_for_static_hosts_send_the_policy(release):
    assert f'Header always set Content-Security-Policy "{POLICY}"' in (release / ".htaccess").read_text()
    assert f'add_header Content-Security-Policy "{POLICY}" always;' in (release / "nginx.conf").read_text()


def test_serve_sends_the_policy_with_every_page(release):
    from starlette.testclient import TestClient

    app = create_app(load([DATA]).store, release=release, workers=1)
    with TestClient(app) as client:
        for path in ("/", "/ontology/index.html", "/doc/camp/testlag.html", "/queries/index.html", "/sparql",
                     "/no-such-page"):
            answer = client.get(path, headers={"Accept": "text/html"})
            assert answer.headers["content-security-policy"] == POLICY, path


class Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(release):
    with http_server(functools.partial(Files, directory=str(release.parent))) as url:
        yield f"{url}/{release.name}/"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("the browser tests need the system Chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.mark.browser
def test_no_script_of_the_data_runs_in_chromium(browser, site):
    context = browser.new_context()
    page = context.new_page()
    watched = Watched(page, site.split("/out/")[0])
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(site + "ontology/index.html")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert page.title() == TITLE
    assert page.locator("h1").first.is_visible()
    assert page.get_by_text("A camp", exact=False).first.is_visible()
    assert "pwned" not in " ".join(messages)
    watched.check()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["index.html", "doc/camp/testlag.html", "class/index.html", "queries/index.html",
                                  "ontology/reference.html", "ontology/index.html"])
def test_the_pages_show_no_error_under_the_policy(browser, site, path):
    context = browser.new_context()
    page = context.new_page()
    watched = Watched(page, site.split("/out/")[0])
    page.goto(site + path)
    page.wait_for_load_state("load")
    # the styles apply: the site's style sheet lays out its header; pyLODE's <style> element, and
    # the style attribute of the link back to the site, their page
    if path == "ontology/index.html":
        assert page.evaluate("getComputedStyle(document.querySelector('#pylode')).position") == "fixed"
        assert page.evaluate("getComputedStyle(document.querySelector('body > p')).marginLeft") != "0px"
    else:
        assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"
    watched.check()
    context.close()
