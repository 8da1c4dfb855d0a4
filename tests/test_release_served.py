"""A release and ``heritage-graph serve`` are one thing: every link of a built release resolves both on
a static host (its file exists, or its hosting rules map it) and on the running server; the RDF of a
sample of resources, in every format the release offers, and every dump and dataset description
answer from the server as the release holds them.

The server runs for real (``heritage-graph serve --release``, a subprocess on a loopback port). The
hosting rules are read from the release's own ``.htaccess``, so that a rule the server does not
follow, or a link no rule maps, shows.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic

from heritage_graph.publish.hosting import ROUTES
from heritage_graph.publish.layout import RESOURCE_FORMATS

from . import release_rdf
from .servers import heritage_graph_command, heritage_graph_server
from .test_publish import bundled_release

pytestmark = pytest.mark.server

BASE = "https://w3id.org/heritage-graph/"
VALID_CLAIMS = Path(__file__).resolve().parent / "data" / "valid" / "claims.ttl"
KARLAG = BASE + "id/camp/karlag"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MEDIA = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples",
         ".rdf": "application/rdf+xml"}
#: Instances sampled per class.
PER_CLASS = 3
#: Addresses the dataset description names that only a live server answers.
LIVE_ONLY = {"sparql"}


@pytest.fixture(scope="module")
def release(request, tmp_path_factory) -> Path:
    """The release of the bundled data (built once per session)."""
    return bundled_release(request, tmp_path_factory)[0]


@pytest.fixture(scope="module")
def server(release, tmp_path_factory):
    """``heritage-graph serve --release`` on a free loopback port; yields its URL."""
    folder = tmp_path_factory.mktemp("serve")
    with heritage_graph_server(folder, "--release", release, "--workers", 1) as (url, _port, log):
        yield url
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and " 500 " not in text, text[-3000:]


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server, timeout=60, follow_redirects=False) as client:
        yield client


# The static release ------------------------------------------------------------------------------


def hosting_rules(release: Path) -> list[tuple[re.Pattern, str]]:
    """The release's redirects, read from its ``.htaccess``: (pattern over the path, target), a
    target with the negotiated suffix (``%{ENV:HG_id}``) once for each suffix offered there."""
    rules = []
    for line in (release / ".htaccess").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*RewriteRule\s+(\S+)\s+(\S+)\s+\[R=303", line)
        if match:
            chosen = re.search(r"%\{ENV:HG_([a-z]+)\}", match.group(2))
            suffixes = ROUTES[chosen.group(1)][1] if chosen else [None]
            for suffix in suffixes:
                target = match.group(2).replace(chosen.group(0), suffix) if chosen else match.group(2)
                rules.append((re.compile(match.group(1)), target))
    return rules


def static_targets(release: Path, rules, path: str) -> list[str]:
    """The release files a static host answers ``path`` (decoded, no leading ``/``) with: the
    file, a folder's index, or every file the hosting rules send a client to (for any Accept);
    empty when it answers 404."""
    found = release / path
    if path in ("", ".") or path.endswith("/"):
        found = release / path / "index.html"
    targets = [found] if found.is_file() else []
    for pattern, target in rules:
        match = pattern.match(path)
        if match:
            targets.append(release / match.expand(target.replace("$", "\\")))
    if not targets:
        return []
    missing = [t for t in targets if not t.is_file()]
    return [] if missing else [str(t.relative_to(release)) for t in targets]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def release_path(link: str, page_url: str) -> str | None:
    """The path in the release (decoded, no leading ``/``, no fragment or query) a link from the page
    at ``page_url`` (``/…``) points to; None for a link elsewhere."""
    if link.startswith(BASE):
        link = "/" + link[len(BASE):]
    target = urlsplit(urljoin("http://release" + page_url, link))
    if target.scheme != "http" or target.netloc != "release":
        return None
    return unquote(target.path).lstrip("/")


@pytest.fixture(scope="module")
def page_links(release) -> dict[str, set[str]]:
    """Every link of every HTML page of the release: release path → the pages linking to it."""
    links: dict[str, set[str]] = defaultdict(set)
    for page in sorted(release.rglob("*.html")):
        url = "/" + page.relative_to(release).as_posix()
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            path = release_path(link, url)
            if path is not None:
                links[path].add(url)
    return links


@pytest.fixture(scope="module")
def void_iris(release) -> set[str]:
    """Every IRI under the base in the release's dataset description, without its fragment."""
    iris = set()
    for quad in ox.parse((release / "void.ttl").read_bytes(), format=ox.RdfFormat.TURTLE):
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                iris.add(term.value.split("#")[0])
    return iris


def resolves_on_server(http, path: str) -> str | None:
    """None when ``/path`` answers 2xx, or 303 to an address that does; else what it answered."""
    answer = http.get("/" + path)
    if answer.status_code == 303:
        location = answer.headers["location"]
        answer = http.get(location)
        if not answer.is_success:
            return f"303 to {location}, which answers {answer.status_code}"
        return None
    return None if answer.is_success else str(answer.status_code)


def test_the_pages_have_links(page_links):
    assert len(page_links) > 1000
    for expected in ("void.ttl", "dumps/heritage-graph.ttl", "ontology/heritage-graph.ttl",
                     "ontology/reference.html", "charts/prisoner-shares.svg", "doc/camp/karlag.ttl"):
        assert expected in page_links, expected


def broken(release, http, paths, live_only=frozenset()) -> tuple[dict, dict]:
    """The paths a static host does not resolve, and those the server does not."""
    rules = hosting_rules(release)
    static_broken, served_broken = {}, {}
    for path in sorted(paths):
        on_static = bool(static_targets(release, rules, path)) or path in live_only
        problem = resolves_on_server(http, path)
        if not on_static:
            static_broken[path] = "no file and no hosting rule"
        if problem:
            served_broken[path] = problem
    return static_broken, served_broken


def test_every_link_of_every_page_resolves_statically_and_on_the_server(release, page_links, http):
    static_broken, served_broken = broken(release, http, page_links)
    where = {p: sorted(page_links[p])[:3] for p in {**static_broken, **served_broken}}
    assert not static_broken, f"{len(static_broken)} links resolve on no static host: {list(where.items())[:10]}"
    assert not served_broken, (f"{len(served_broken)} links broken on the server: "
                               f"{[(p, served_broken[p], where[p]) for p in list(served_broken)[:10]]}")


def test_every_iri_of_the_dataset_description_resolves(release, void_iris, http):
    paths = {iri[len(BASE):] for iri in void_iris}
    assert {"dataset", "dumps/heritage-graph.nq", "sparql", "id/camp/karlag"} <= paths
    static_broken, served_broken = broken(release, http, paths, LIVE_ONLY)
    assert not static_broken and not served_broken, (static_broken, served_broken)


# The same RDF ------------------------------------------------------------------------------------


def sample_resources(release: Path) -> list[str]:
    """Every class's first few instances (by IRI) under the base, and Karlag."""
    members: dict[str, set[str]] = defaultdict(set)
    for triple in ox.parse((release / "dumps/heritage-graph.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES):
        if (triple.predicate.value == RDF_TYPE and isinstance(triple.subject, ox.NamedNode)
                and triple.subject.value.startswith(BASE + "id/")):
            members[triple.object.value].add(triple.subject.value)
    sample = {KARLAG}
    for iris in members.values():
        sample.update(sorted(iris)[:PER_CLASS])
    return sorted(sample)


def test_the_rdf_of_a_sample_of_resources_is_the_release_s_in_every_format(release, http, server):
    sample = sample_resources(release)
    assert len(sample) > 50 and KARLAG in sample
    assert set(MEDIA) == set(RESOURCE_FORMATS)
    differ = []
    for iri in sample:
        kind_slug = iri[len(BASE + "id/"):]
        for suffix in RESOURCE_FORMATS:
            redirect = http.get(f"/id/{kind_slug}", headers={"Accept": MEDIA[suffix]})
            assert redirect.status_code == 303, (iri, suffix, redirect.status_code)
            assert redirect.headers["location"] == f"/doc/{kind_slug}{suffix}"
            answer = http.get(redirect.headers["location"])
            assert answer.status_code == 200, (iri, suffix)
            assert answer.headers["content-type"].split(";")[0] == MEDIA[suffix]
            expected = (release / f"doc/{kind_slug}{suffix}").read_bytes()
            if answer.content == expected:
                continue
            url = f"{server}/doc/{kind_slug}{suffix}"
            if not isomorphic(release_rdf.graph(answer.content, suffix, release, url),
                              release_rdf.graph(expected, suffix, release, url)):
                differ.append(f"{iri} {suffix}")
    assert not differ, differ


def test_every_dump_and_the_dataset_description_answer_the_release_s_bytes(release, http):
    files = sorted(p for p in (release / "dumps").iterdir()) + [release / "void.ttl", release / "void.jsonld"]
    assert len(files) >= 14
    for path in files:
        answer = http.get("/" + path.relative_to(release).as_posix())
        assert answer.status_code == 200, path
        assert answer.content == path.read_bytes(), path
        assert "content-encoding" not in answer.headers  # a .gz is the file, not a compressed answer
    for accept, name in (("text/turtle", "void.ttl"), ("application/ld+json", "void.jsonld")):
        redirect = http.get("/dataset", headers={"Accept": accept})
        assert redirect.status_code == 303 and redirect.headers["location"] == "/" + name
        assert "Accept" in redirect.headers["vary"]
        assert http.get(redirect.headers["location"]).content == (release / name).read_bytes()


# A saved store ------------------------------------------------------------------------------------


def test_a_saved_store_is_served_beside_the_release_built_from_it(tmp_path):
    """``serve --store DIR`` builds its release from the store's graph, not from the bundled data:
    the pages and the endpoint hold the same resources."""
    store = tmp_path / "store"
    saved = subprocess.run(heritage_graph_command("load", VALID_CLAIMS, "--store", store), capture_output=True,
                           text=True, check=False)
    assert saved.returncode == 0, saved.stderr
    folder = tmp_path / "serve"
    folder.mkdir()
    with heritage_graph_server(folder, "--store", store, "--workers", 1) as (url, _port, _log):
        with httpx.Client(base_url=url, timeout=60) as client:
            assert client.get("/doc/camp/testlag.html").status_code == 200
            assert client.get("/doc/camp/karlag.html").status_code == 404
            ask = "ASK { <%sid/camp/%s> ?p ?o }"
            for slug, expected in (("testlag", "true"), ("karlag", "false")):
                answer = client.get("/sparql", params={"query": ask % (BASE, slug)},
                                    headers={"Accept": "application/sparql-results+json"})
                assert answer.json()["boolean"] == (expected == "true"), slug
            manifest = client.get("/manifest.json").json()
            assert {g["file"] for g in manifest["graphs"]} == {None}
            assert sum(g["triples"] for g in manifest["graphs"]) == manifest["triples"] > 0
