"""The facets of the browse pages in a real Chromium: a release (the bundled data with a small
generated register) served by a plain static file server with the site's Content Security Policy.
Each filter is checked against a count the store gives by SPARQL, not against the page's own data."""

from __future__ import annotations

import functools
import re
import urllib.parse

import pytest

from playwright.sync_api import expect

from heritage_graph import generate
from heritage_graph.publish.build import build
from heritage_graph.rdf.load import load
from heritage_graph.util import resources

from .servers import http_server
from .test_search_site import PolicyFiles
from .test_site_browser import CHROMIUM, Watched, browser  # noqa: F401 - the browser fixture

HG = "https://w3id.org/heritage-graph/ontology#"
PREFIX = f"PREFIX hg: <{HG}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the system Chromium at /usr/bin/chromium")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The release, and the store it was built from."""
    folder = tmp_path_factory.mktemp("facets")
    register = folder / "register.nt"
    generate.generate(300, 7, 0.0, register, show_progress=False)
    paths = [resources.folder("data"), register]  # the bundled data with the register
    build(folder / "out", data_paths=paths, date="2026-12-06", progress=lambda *args, **kwargs: None)
    return folder / "out", load(paths).store


def count(store, sparql: str) -> int:
    [row] = list(store.ox.query(PREFIX + sparql, use_default_graph_as_union=True))
    return int(row["n"].value)


@pytest.fixture(scope="module")
def origin(site):
    out, _ = site
    with http_server(functools.partial(PolicyFiles, directory=str(out))) as origin:
        yield origin


def visible_rows(page) -> int:
    return page.eval_on_selector_all("table.listing tbody tr", "rows => rows.filter(r => !r.hidden).length")


def open_page(browser, origin, path: str, query: dict | list) -> tuple:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watched = Watched(page, origin)
    page.goto(f"{origin}/{path}?{urllib.parse.urlencode(query, doseq=True)}")
    expect(page.locator("#shown-count")).to_contain_text(" of ")
    return page, watched


@pytest.mark.browser
@pytest.mark.parametrize("query, sparql", [
    ({"type": "gulag-map-type-2"}, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* hg:Camp ; hg:campType <https://w3id.org/heritage-graph/id/concept/gulag-map-type-2> }"),
    ({"type": ["gulag-map-type-2", "gulag-map-type-3"], "region": "gulag-map-region-12"},
     "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* hg:Camp ; hg:campRegion <https://w3id.org/heritage-graph/id/concept/gulag-map-region-12> ; "
     "hg:campType ?t . FILTER(?t IN (<https://w3id.org/heritage-graph/id/concept/gulag-map-type-2>, <https://w3id.org/heritage-graph/id/concept/gulag-map-type-3>)) }"),
    ({"years-from": "1954", "years-to": "1954"},
     "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?c (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE { ?c a/rdfs:subClassOf* hg:Camp . "
     "?claim hg:about|hg:countedAt ?c ; hg:year ?y } GROUP BY ?c } FILTER(?first <= 1954 && ?last >= 1954) }"),
])
def test_the_camps_filtered_as_the_address_asks_are_those_sparql_counts(browser, origin, site, query, sparql):
    _, store = site
    page, watched = open_page(browser, origin, "class/Camp.html", query)
    wanted = count(store, sparql)
    total = count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* hg:Camp }")
    assert 0 < wanted < total
    assert visible_rows(page) == wanted
    assert page.inner_text("#shown-count") == f"{wanted:,} of {total:,}"
    watched.check()
    page.close()


@pytest.mark.browser
def test_the_counts_beside_a_facets_values_follow_the_other_facets(browser, origin, site):
    """With special camps chosen, each region counts the special camps in it; the types still
    count every camp of the type (a facet's own choice does not narrow its counts)."""
    _, store = site
    page, watched = open_page(browser, origin, "class/Camp.html", {"type": "gulag-map-type-2"})
    regions = page.eval_on_selector_all("fieldset[data-facet=region] [data-count]",
                                        "els => els.map(e => [e.getAttribute('data-count'), e.textContent])")
    for key, text in regions:
        assert text == "({})".format(count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* hg:Camp ; hg:campType "
                                             "<https://w3id.org/heritage-graph/id/concept/gulag-map-type-2> ; hg:campRegion "
                                             f"<https://w3id.org/heritage-graph/id/concept/{key}> }}")), key
    corrective = page.inner_text("fieldset[data-facet=type] [data-count=gulag-map-type-1]")
    assert corrective == "({})".format(count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* hg:Camp ; hg:campType "
                                                    "<https://w3id.org/heritage-graph/id/concept/gulag-map-type-1> }"))
    watched.check()
    page.close()


@pytest.mark.browser
def test_choosing_a_value_filters_the_rows_and_the_address_keeps_it(browser, origin, site):
    _, store = site
    page, watched = open_page(browser, origin, "class/Memorial.html", {"built-from": "1900"})
    page.check("fieldset[data-facet=commemorates] input[value=lithuanians]")
    expect(page).to_have_url(re.compile(r"[?&]commemorates=lithuanians"))
    built = count(store, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a/rdfs:subClassOf* hg:Memorial ; hg:year ?y ; "
                         "hg:commemorates <https://w3id.org/heritage-graph/id/group/lithuanians> }")
    assert visible_rows(page) == built
    page.uncheck("fieldset[data-facet=commemorates] input[value=lithuanians]")
    page.fill("input[name=built-from]", "")
    page.dispatch_event("input[name=built-from]", "change")
    expect(page).to_have_url(re.compile(r"/class/Memorial\.html$"))
    assert visible_rows(page) == count(store, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a/rdfs:subClassOf* hg:Memorial }")
    watched.check()
    page.close()


@pytest.mark.browser
def test_the_persons_of_a_register_filtered_by_camp_group_and_years(browser, origin, site):
    _, store = site
    karlag = "https://w3id.org/heritage-graph/id/camp/karlag"
    page, watched = open_page(browser, origin, "class/Person.html",
                              {"camp": "karlag", "years-from": "1950", "years-to": "1952"})
    wanted = count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a hg:Person . ?e hg:victim ?p ; hg:location "
                          f"<{karlag}> . {{ SELECT ?p (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE {{ ?i hg:victim ?p ; "
                          "hg:startYear|hg:endYear ?y } GROUP BY ?p } FILTER(?first <= 1952 && ?last >= 1950) }")
    assert 0 < wanted == visible_rows(page)
    watched.check()
    page.close()
