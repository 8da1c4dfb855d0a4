"""Search on the site: ``/search`` of a real ``heritage-graph serve``, and the static release's Pagefind
search in a real Chromium, the release served by a plain static file server that sends the site's
Content Security Policy as the release's Apache and nginx rules do."""

from __future__ import annotations

import functools
import http.server
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from heritage_graph.publish import search_index
from heritage_graph.publish.build import build
from heritage_graph.web import CONTENT_SECURITY_POLICY
from heritage_graph.web.search import MAX_QUERY, MAX_RESULTS

from .servers import heritage_graph_server, http_server
from .test_site_browser import ARGS, CHROMIUM, Watched

KARLAG = "https://w3id.org/heritage-graph/id/camp/karlag"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("search-release") / "out"
    build(out, date="2026-11-27", progress=lambda *args, **kwargs: None)
    return out


@pytest.fixture(scope="module")
def parted_release(tmp_path_factory) -> Path:
    """A release whose index comes in parts of 400 records (the bundled data's 1,351 make four)."""
    out = tmp_path_factory.mktemp("search-parts") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "PART_SIZE", 400)
        build(out, date="2026-11-27", progress=lambda *args, **kwargs: None)
    return out


@pytest.fixture(scope="module")
def served(release):
    with heritage_graph_server(release.parent, "--release", release, "--workers", "1") as (url, _, _):
        yield url


def get(url: str, accept: str | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers.get("content-type"), answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type"), exc.read().decode("utf-8")


@pytest.mark.parametrize("query", ["Карлаг", "karlag", "Karlagas"])
def test_serve_finds_karlag_first_as_json(served, query):
    status, media, body = get(f"{served}/search?format=json&q={urllib.parse.quote(query)}")
    assert (status, media) == (200, "application/json")
    answer = json.loads(body)
    assert answer["results"][0]["iri"] == KARLAG
    assert answer["results"][0]["path"] == "doc/camp/karlag.html"


def test_serve_answers_json_by_accept_and_a_page_otherwise(served):
    status, media, body = get(f"{served}/search?q=%D0%9A%D0%B0%D1%80%D0%BB%D0%B0%D0%B3", accept="application/json")
    assert status == 200 and json.loads(body)["results"][0]["label"] == "Karlag"
    status, media, page = get(f"{served}/search.html?q=%D0%9A%D0%B0%D1%80%D0%BB%D0%B0%D0%B3", accept="text/html")
    assert status == 200 and media.startswith("text/html")
    first = page.index('<ol class="results">')
    assert page.index('href="/doc/camp/karlag.html"', first) < page.index("<li>", first + 30)
    assert 'action="/search.html"' in page and 'value="Карлаг"' in page


def test_serve_bounds_a_search(served):
    assert get(f"{served}/search?format=json&q={'k' * (MAX_QUERY + 1)}")[0] == 400
    assert get(f"{served}/search?format=json&q=a&limit={MAX_RESULTS + 1}")[0] == 400
    assert get(f"{served}/search?format=json&q=a&limit=many")[0] == 400
    assert get(f"{served}/search?format=xml&q=a")[0] == 400
    assert len(json.loads(get(f"{served}/search?format=json&q=a&limit={MAX_RESULTS}")[2])["results"]) == MAX_RESULTS


def test_the_release_holds_the_index_and_every_page_the_search_box(release):
    manifest = (release / "manifest.json").read_text(encoding="utf-8")
    for name in ("pagefind/pagefind.js", "pagefind/pagefind-ui.js", "pagefind/pagefind-entry.json", "search.html",
                 "assets/search.js", "assets/search-rules.js"):
        assert (release / name).is_file() and f'"{name}"' in manifest, name
    page = (release / "doc" / "camp" / "karlag.html").read_text(encoding="utf-8")
    assert 'action="../../search.html"' in page
    assert 'action="search.html"' in (release / "index.html").read_text(encoding="utf-8")


class PolicyFiles(http.server.SimpleHTTPRequestHandler):
    """Static files, each with the site's Content Security Policy as a header."""

    def end_headers(self):
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the system Chromium at /usr/bin/chromium")
def test_a_parted_index_is_named_by_the_search_page(parted_release):
    manifest = (parted_release / "manifest.json").read_text(encoding="utf-8")
    for part in ("part-2", "part-3", "part-4"):
        assert f'"pagefind/{part}/pagefind-entry.json"' in manifest, part
    assert not (parted_release / "pagefind" / "part-5").exists()
    page = (parted_release / "search.html").read_text(encoding="utf-8")
    assert 'data-merge="pagefind/part-2/ pagefind/part-3/ pagefind/part-4/"' in page


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the system Chromium at /usr/bin/chromium")
@pytest.mark.parametrize("query, wanted", [
    ("Карлаг", "doc/camp/karlag.html"),  # in the second part
    ("Visherlag", "doc/camp/gulag-map-1.html"),  # in the first
    ("Qaraghandy", "doc/place/karagandy.html"),  # in the fourth
    ("Visherlagzz", "doc/camp/gulag-map-1.html"),  # no such word: found by the longest word it begins with
])
def test_the_static_search_box_searches_every_part_of_the_index_in_chromium(release, parted_release, query, wanted):
    """What is searched is found whichever part of the index holds it, and an index in parts finds
    what the index in one finds: as many results (no part's unrelated records, no record of the
    words of the index), the same first ones."""
    from playwright.sync_api import sync_playwright

    found = {}
    with http_server(functools.partial(PolicyFiles, directory=str(release.parent.parent))) as origin, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for which in (release, parted_release):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                watched = Watched(page, origin)
                folder = f"{which.parent.name}/{which.name}"
                page.goto(f"{origin}/{folder}/search.html?q={urllib.parse.quote(query)}")
                page.wait_for_selector(".pagefind-ui__result-link", timeout=90_000)
                links = page.eval_on_selector_all(".pagefind-ui__result-link",
                                                  "els => els.map(e => e.getAttribute('href'))")
                message = page.inner_text(".pagefind-ui__message")
                found[which] = (message, [link.removeprefix(f"/{folder}/") for link in links])
                watched.check()
                page.close()
        finally:
            browser.close()
    (message, links), (parted_message, parted_links) = found[release], found[parted_release]
    assert wanted in links and wanted in parted_links, found
    assert parted_message == message and "search.html" not in parted_links, found


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the system Chromium at /usr/bin/chromium")
@pytest.mark.parametrize("query", ["Карлаг", "Karlagas"])
def test_the_static_search_box_finds_karlag_in_chromium(release, query):
    from playwright.sync_api import sync_playwright

    with http_server(functools.partial(PolicyFiles, directory=str(release.parent))) as origin, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 800})
            watched = Watched(page, origin)
            page.goto(f"{origin}/{release.name}/doc/camp/steplag.html")
            page.fill("#site-search", query)
            page.press("#site-search", "Enter")
            page.wait_for_selector(".pagefind-ui__result-link", timeout=90_000)
            links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))")
            assert links[0] == f"/{release.name}/doc/camp/karlag.html", links
            page.click(".pagefind-ui__result-link >> nth=0")
            page.wait_for_url(f"**/{release.name}/doc/camp/karlag.html")
            assert page.locator("h1").inner_text() == "Karlag"
            watched.check()
        finally:
            browser.close()
