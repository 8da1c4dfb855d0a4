"""The stored query catalogue: one test per .rq file, the command, parameters as bound values,
and the remote path against a real SPARQL server."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pyoxigraph as ox
import pytest

from heritage_graph.queries import catalogue as q
from heritage_graph.queries import run as qrun
from heritage_graph.queries.sparql import inspect
from heritage_graph.util import resources
from heritage_graph.errors import EndpointError, QueryError
from heritage_graph.queries.results import render, to_csv
from heritage_graph.rdf.store import EndpointStore

from .conftest import TESTS
from .servers import QuietHandler, http_server, oxigraph_server, put_graph

QUERIES = sorted(resources.folder("queries").glob("*.rq"))
GOLDEN = TESTS / "golden"


def test_catalogue_has_the_questions_users_ask():
    names = set(q.catalogue())
    wanted = {"prisoner-shares", "memorials", "cemetery-nations", "camps", "timeline", "communities",
              "burials", "uprisings", "places", "claims-for", "conflicts", "sources"}
    assert wanted <= names, sorted(wanted - names)


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_stored_query(path, bundled_dataset):
    stored = q.read_query(path)
    assert stored.summary
    assert stored.description, "a stored query describes itself for curators"
    assert stored.tags
    qrun.check_syntax(stored.text, path)
    assert inspect(stored.text).where_at > 0
    result = qrun.run(stored, bundled_dataset.store)
    if result.kind == "select":
        assert list(stored.columns) == result.variables, "the #+ columns header lists every column, in order"
    golden = GOLDEN / f"{path.stem}.csv"
    assert golden.exists(), f"no expected rows at {golden}"
    assert to_csv(result) == golden.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    if stored.pagination:
        assert all_pages(stored, bundled_dataset.store) == result.rows, "the pages add up to the golden rows"


def all_pages(stored, store, values=None):
    """Every row of a paginated query, fetched page by page."""
    rows, number = [], 1
    while True:
        page = qrun.run_page(stored, store, values, number)
        rows += page.result.rows
        if not page.has_next:
            return rows
        assert len(page.result.rows) == stored.pagination, "a page followed by another is full"
        number += 1


def test_every_golden_file_has_its_query():
    assert sorted(p.stem for p in GOLDEN.glob("*.csv")) == sorted(p.stem for p in QUERIES)


def test_prisoner_shares_answers_the_article(bundled_dataset):
    rows = qrun.run("prisoner-shares", bundled_dataset.store, {"camp": "Karlag"}).dicts()
    assert len(rows) == 1
    row = rows[0]
    assert row["group_label"].value == "Lithuanians"
    assert int(row["prisoners"].value) == 20500 and int(row["group_count"].value) == 3000
    assert float(row["share"].value) == pytest.approx(3000 / 20500, abs=0.0005)
    assert row["share_kind"].value == "estimate"  # both counts are "some"/"~": the share is an estimate
    assert float(row["stated_share"].value) == 0.15
    assert float(row["population_share"].value) == 0.01
    assert float(row["overrepresentation"].value) == pytest.approx(14.6)


# Header checks ----------------------------------------------------------------------------------


def _write_query(tmp_path, text, name="x.rq"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_header_without_summary_is_rejected(tmp_path):
    path = _write_query(tmp_path, "#+ tags:\n#+   - a\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match=r"x\.rq: the #\+ header needs a summary"):
        q.read_query(path)


def test_header_with_unknown_key_is_rejected(tmp_path):
    path = _write_query(tmp_path, "#+ summary: s\n#+ sumary: typo\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="unknown header key.*sumary"):
        q.read_query(path)


def test_header_default_for_missing_parameter_is_rejected(tmp_path):
    path = _write_query(tmp_path, "#+ summary: s\n#+ defaults:\n#+   - camp: Karlag\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="no \\?_camp variable"):
        q.read_query(path)


def test_parameters_follow_grlc_naming(tmp_path):
    path = _write_query(tmp_path, "#+ summary: s\n#+ defaults:\n#+   - year: 1954\n"
                        "SELECT * WHERE { ?s ?p ?_camp_iri . ?s ?q ?__year_integer . ?s ?r ?_name }\n")
    params = {p.name: p for p in q.read_query(path).parameters}
    assert params["camp"].type == "iri" and not params["camp"].optional
    assert params["year"].type == "integer" and params["year"].optional and params["year"].default == "1954"
    assert params["name"].type == "string"


def test_syntax_error_in_stored_query_names_file_and_line(tmp_path, bundled_dataset):
    path = _write_query(tmp_path, "#+ summary: broken\nSELECT ?s WHERE {\n  ?s ?p \n}\n", "broken.rq")
    stored = q.catalogue(tmp_path)["broken"]
    with pytest.raises(QueryError, match=r"broken\.rq:4:\d+: SPARQL syntax error"):
        qrun.run(stored, bundled_dataset.store)


def test_unknown_name_suggests_nearest():
    with pytest.raises(QueryError, match="did you mean prisoner-shares"):
        q.find("prisoner-share")


# Parameters stay values --------------------------------------------------------------------------

ATTACKS = [
    'Lithuanians" } UNION { ?s ?p ?o } #',
    "x' } ?s ?p ?o #",
    "}}}} SELECT * WHERE { ?s ?p ?o }",
    "a\n} UNION { ?s ?p ?o }\n#",
    "# comment",
    '\\" ) } ?s ?p ?o . #',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_string_parameter_cannot_change_the_query(attack, bundled_dataset, tmp_path):
    path = _write_query(tmp_path, "#+ summary: by label\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                        "SELECT ?s WHERE { ?s rdfs:label ?_label }\n")
    result = qrun.run(q.read_query(path), bundled_dataset.store, {"label": attack})
    assert result.rows == []


@pytest.mark.parametrize("attack", ATTACKS)
def test_iri_parameter_cannot_change_the_query(attack, bundled_dataset):
    with pytest.raises(QueryError, match="parameter camp"):
        qrun.run("prisoner-shares", bundled_dataset.store, {"camp": attack})


def test_iri_with_angle_bracket_is_refused(bundled_dataset):
    with pytest.raises(QueryError, match="not a valid IRI"):
        qrun.run("prisoner-shares", bundled_dataset.store, {"camp": "http://e/x> } ?s ?p ?o #"})


def test_number_parameter_is_checked(bundled_dataset):
    with pytest.raises(QueryError, match="not a valid integer"):
        qrun.run("prisoner-shares", bundled_dataset.store, {"year": "1954 || true"})


def test_parameter_accepts_label_prefixed_name_and_iri(bundled_dataset):
    by_label = qrun.run("prisoner-shares", bundled_dataset.store, {"camp": "karlag"}).rows
    by_prefix = qrun.run("prisoner-shares", bundled_dataset.store, {"camp": "camp:karlag"}).rows
    by_iri = qrun.run("prisoner-shares", bundled_dataset.store,
                   {"camp": "https://w3id.org/heritage-graph/id/camp/karlag"}).rows
    assert by_label == by_prefix == by_iri and len(by_label) == 1


def test_unknown_parameter_is_refused(bundled_dataset):
    with pytest.raises(QueryError, match="has no parameter 'nation'"):
        qrun.run("prisoner-shares", bundled_dataset.store, {"nation": "x"})


# Pagination ---------------------------------------------------------------------------------------


def test_the_answers_that_grow_with_a_register_come_in_pages():
    paged = {name: stored.pagination for name, stored in q.catalogue().items() if stored.pagination}
    assert paged == {"names": 5000, "timeline": 1000}


def small_pages(name, size):
    """A stored query with pages of ``size`` rows, so that the bundled graph fills several."""
    return dataclasses.replace(q.find(name), pagination=size)


@pytest.mark.parametrize(("name", "size", "values"), [
    ("names", 500, {}),
    ("names", 7, {"language": "ru", "resource": "Karlag"}),
    ("timeline", 4, {}),
    ("timeline", 5, {"place": "Kazakhstan"}),
])
def test_pages_add_up_to_the_whole_answer(name, size, values, bundled_dataset):
    stored = small_pages(name, size)
    store = bundled_dataset.store
    whole = qrun.run(stored, store, values)
    assert len(whole.rows) > size or values.get("resource"), "the example fills more than one page"
    assert all_pages(stored, store, values) == whole.rows
    last = -(-len(whole.rows) // size)
    for number in (1, last):
        page = qrun.run_page(stored, store, values, number)
        assert (page.page, page.size, page.has_next) == (number, size, number < last)
        assert page.result.variables == whole.variables
        assert page.result.rows == whole.rows[(number - 1) * size:number * size]
        assert qrun.run(stored, store, values, page=number).rows == page.result.rows
    past = qrun.run_page(stored, store, values, last + 1)
    assert past.result.rows == [] and not past.has_next


def test_a_page_of_exactly_the_last_rows_has_no_next(bundled_dataset):
    whole = qrun.run("timeline", bundled_dataset.store)
    stored = small_pages("timeline", len(whole.rows))
    page = qrun.run_page(stored, bundled_dataset.store)
    assert page.result.rows == whole.rows and not page.has_next


@pytest.mark.parametrize("page", [0, -1, "x", "1.5", True])
def test_pages_are_numbered_from_one(page, bundled_dataset):
    with pytest.raises(QueryError, match="pages are numbered 1, 2, 3"):
        qrun.run_page("timeline", bundled_dataset.store, page=page)


def test_a_query_without_pages_has_none(bundled_dataset):
    with pytest.raises(QueryError, match="'camps' is not paginated"):
        qrun.run("camps", bundled_dataset.store, page=1)


@pytest.mark.parametrize(("header", "body", "words"), [
    ("#+ pagination: 0", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", "number of rows a page"),
    ("#+ pagination: ten", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", "number of rows a page"),
    ("#+ pagination: 10", "SELECT ?s WHERE { ?s ?p ?o }", "needs an outer ORDER BY"),
    ("#+ pagination: 10", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5", "no LIMIT or OFFSET of its own"),
    ("#+ pagination: 10", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 5", "no LIMIT or OFFSET of its own"),
    ("#+ pagination: 10", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s VALUES ?s { <http://e/a> }", "no VALUES after"),
    ("#+ pagination: 10", "SELECT ?s WHERE { ?s ?p ?_page } ORDER BY ?s", "parameter named page"),
    ("#+ pagination: 10", "CONSTRUCT WHERE { ?s ?p ?o }", "only a SELECT query"),
])
def test_pagination_header_is_checked(tmp_path, header, body, words):
    path = _write_query(tmp_path, f"#+ summary: s\n{header}\n{body}\n")
    with pytest.raises(QueryError, match=words):
        q.read_query(path)


def test_a_subquery_may_have_its_own_limit(tmp_path, bundled_dataset):
    path = _write_query(tmp_path, "#+ summary: s\n#+ pagination: 2\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s rdfs:label ?l } ORDER BY ?s LIMIT 3 } } ORDER BY ?s\n")
    stored = q.read_query(path)
    assert stored.pagination == 2
    assert [len(qrun.run_page(stored, bundled_dataset.store, page=n).result.rows) for n in (1, 2, 3)] == [2, 1, 0]


@pytest.fixture
def timeline_in_fours(monkeypatch):
    """The stored query timeline with pages of 4 rows (19 rows on the bundled graph: 5 pages)."""
    stored = small_pages("timeline", 4)
    find = q.find
    monkeypatch.setattr(q, "find", lambda name, folder=None: stored if name == "timeline" else find(name, folder))
    return stored


def test_cli_shows_a_page_and_the_next(run_cli, bundled_dataset, timeline_in_fours):
    whole = qrun.run("timeline", bundled_dataset.store)
    result = run_cli("query", "timeline", "--page", "2", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == to_csv(dataclasses.replace(whole, rows=whole.rows[4:8])).replace("\r\n", "\n")
    assert result.stderr.strip() == "Page 2 of timeline (4 rows a page); the next: --page 3"
    first = run_cli("query", "timeline", "--format", "csv")
    assert first.stdout.splitlines()[1:] == to_csv(whole).splitlines()[1:5]
    assert "Page 1 of timeline" in first.stderr
    assert run_cli("query", "timeline", "--page", "5").stderr.strip() == "Page 5 of timeline (4 rows a page), the last."
    assert "past the last page" in run_cli("query", "timeline", "--page", "6").stderr


def test_cli_all_pages_gives_every_row(run_cli, bundled_dataset, timeline_in_fours):
    whole = qrun.run("timeline", bundled_dataset.store)
    result = run_cli("query", "timeline", "--all-pages", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == to_csv(whole).replace("\r\n", "\n")
    assert len(whole.rows) > 8 and result.stderr == ""
    assert run_cli("query", "timeline", "--all-pages", "--page", "2").exit_code == 2
    assert "it has no pages" in run_cli("query", "camps", "--all-pages").stderr


def test_cli_page_of_a_query_without_pages_is_refused(run_cli):
    result = run_cli("query", "camps", "--page", "2")
    assert result.exit_code == 2
    assert "'camps' answers in one piece: it has no pages" in result.stderr
    assert run_cli("query", "timeline", "--page", "0").exit_code == 2


def test_cli_help_names_the_pages(run_cli):
    assert "Pages of 5000 rows: --page 1 (the default)" in run_cli("query", "names", "--help").output
    assert "(pages of 1000 rows)" in run_cli("query", "--list").output


@pytest.fixture(scope="module")
def api(bundled_dataset):
    """The web API (/api/queries) on the bundled graph."""
    from starlette.testclient import TestClient

    from heritage_graph.serve.app import create_app

    with TestClient(create_app(bundled_dataset.store, workers=1)) as client:
        yield client


def _links(answer) -> dict[str, str]:
    links = {}
    for part in answer.headers.get("link", "").split(", "):
        if part:
            target, rel = part.split("; ")
            links[rel.removeprefix("rel=").strip('"')] = target.strip("<>")
    return links


def test_api_answers_a_page_with_links_to_the_others(api, bundled_dataset, timeline_in_fours):
    from heritage_graph.rdf.store import parse_json_results

    whole = qrun.run("timeline", bundled_dataset.store)
    answer = api.get("/api/queries/timeline", params={"page": 2})
    assert answer.status_code == 200, answer.text
    assert parse_json_results(answer.content, "api").rows == whole.rows[4:8]
    assert _links(answer) == {"first": "/api/queries/timeline?page=1", "prev": "/api/queries/timeline?page=1",
                              "next": "/api/queries/timeline?page=3"}
    assert "x-sparql-maxrows" not in answer.headers
    default = api.get("/api/queries/timeline")
    assert parse_json_results(default.content, "api").rows == whole.rows[:4]
    assert set(_links(default)) == {"first", "next"}
    last = api.get("/api/queries/timeline", params={"format": "csv", "page": 5})
    assert last.text == to_csv(dataclasses.replace(whole, rows=whole.rows[16:]))
    assert _links(last) == {"first": "/api/queries/timeline?format=csv&page=1",
                            "prev": "/api/queries/timeline?format=csv&page=4"}
    listing = {entry["name"]: entry for entry in api.get("/api/queries").json()["queries"]}
    assert listing["timeline"]["pagination"] == 1000 and listing["camps"]["pagination"] is None


def test_api_pages_keep_the_parameters(api, bundled_dataset, timeline_in_fours):
    from heritage_graph.rdf.store import parse_json_results

    whole = qrun.run("timeline", bundled_dataset.store, {"place": "Kazakhstan"})
    answer = api.get("/api/queries/timeline", params={"place": "Kazakhstan", "page": 3})
    assert parse_json_results(answer.content, "api").rows == whole.rows[8:12]
    assert _links(answer)["next"] == "/api/queries/timeline?place=Kazakhstan&page=4"


@pytest.mark.parametrize(("path", "words"), [
    ("/api/queries/timeline?page=0", "pages are numbered 1, 2, 3"),
    ("/api/queries/timeline?page=two", "pages are numbered 1, 2, 3"),
    ("/api/queries/timeline?page=1&page=2", "parameter page is given twice"),
    ("/api/queries/camps?page=2", "has no parameter 'page'"),
])
def test_api_page_errors_are_clear(api, path, words):
    answer = api.get(path)
    assert answer.status_code == 400
    assert words in answer.json()["error"]


# The command --------------------------------------------------------------------------------------


def test_cli_list_names_every_query(run_cli):
    result = run_cli("query", "--list")
    assert result.exit_code == 0
    for path in QUERIES:
        assert path.stem in result.output


def test_cli_query_help_shows_parameters_and_columns(run_cli):
    result = run_cli("query", "prisoner-shares", "--help")
    assert result.exit_code == 0
    assert "Parameters" in result.output and "group (iri, optional)" in result.output
    assert "overrepresentation" in result.output


def test_cli_unknown_query_exits_2_with_suggestion(run_cli):
    result = run_cli("query", "prisoner-share")
    assert result.exit_code == 2
    assert "did you mean prisoner-shares" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "md"])
def test_cli_formats(run_cli, fmt):
    result = run_cli("query", "prisoner-shares", "--format", fmt, "--param", "group=Lithuanians")
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.output)))
        assert {r["camp_label"] for r in rows} == {"Karlag", "Steplag"}
    elif fmt == "json":
        document = json.loads(result.output)
        assert "share" in document["head"]["vars"]
        assert len(document["results"]["bindings"]) == 2
    elif fmt == "tsv":
        assert result.output.startswith("?camp\t?camp_label\t")
    else:
        assert "Karlag" in result.output


def test_cli_adhoc_file(run_cli, tmp_path):
    path = _write_query(tmp_path, "PREFIX hg: <https://w3id.org/heritage-graph/ontology#>\n"
                        "SELECT (COUNT(?c) AS ?claims) WHERE { ?c a hg:Claim }\n")
    result = run_cli("query", "--file", path, "--format", "csv")
    assert result.exit_code == 0
    assert int(result.output.splitlines()[1]) > 10


def test_catalogue_as_rdf():
    text = q.catalogue_turtle()
    graph = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    sh = "http://www.w3.org/ns/shacl#"
    executables = {t.subject for t in graph if t.object == ox.NamedNode(sh + "SPARQLExecutable")}
    assert len(executables) == len(QUERIES)
    predicates = {t.predicate.value for t in graph}
    assert {sh + "select", "http://www.w3.org/2000/01/rdf-schema#comment", "https://schema.org/target",
            "https://schema.org/keywords"} <= predicates


# The remote path: a real SPARQL server -----------------------------------------------------------


@pytest.fixture(scope="module")
def oxigraph_endpoint(bundled_dataset):
    """The oxigraph server (PyPI), loaded with the bundled graph through Graph Store PUTs."""
    with oxigraph_server() as base:
        for loaded in bundled_dataset.files:
            triples = [quad.triple for quad in bundled_dataset.store.quads(ox.NamedNode(loaded.graph))]
            put_graph(base, loaded.graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        yield base + "/query"


@pytest.mark.server
@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_remote_rows_equal_embedded_rows(path, oxigraph_endpoint, bundled_dataset):
    stored = q.read_query(path)
    local = qrun.run(stored, bundled_dataset.store)
    remote = qrun.run(stored, EndpointStore(oxigraph_endpoint, timeout=30))
    assert remote.variables == local.variables
    assert remote.rows == local.rows


@pytest.mark.server
@pytest.mark.parametrize(("name", "size", "number"), [("names", 500, 3), ("timeline", 4, 2)])
def test_remote_pages_equal_embedded_pages(name, size, number, oxigraph_endpoint, bundled_dataset):
    stored = small_pages(name, size)
    local = qrun.run_page(stored, bundled_dataset.store, page=number)
    remote = qrun.run_page(stored, EndpointStore(oxigraph_endpoint, timeout=30), page=number)
    assert remote == local and remote.has_next


@pytest.mark.server
def test_cli_remote_prints_the_same_table(run_cli, oxigraph_endpoint):
    local = run_cli("query", "prisoner-shares")
    remote = run_cli("query", "prisoner-shares", "--endpoint", oxigraph_endpoint)
    assert remote.exit_code == 0, remote.stderr
    assert remote.output == local.output


@pytest.mark.server
def test_remote_parameters_are_values(oxigraph_endpoint):
    store = EndpointStore(oxigraph_endpoint)
    rows = qrun.run("prisoner-shares", store, {"camp": "Steplag"}).dicts()
    assert [r["camp_label"].value for r in rows] == ["Steplag"]
    with pytest.raises(QueryError):
        qrun.run("prisoner-shares", store, {"camp": ATTACKS[0]})


# Endpoint failures: one clear line, exit 2 --------------------------------------------------------


def test_unreachable_endpoint_is_one_line(run_cli):
    from .servers import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = run_cli("query", "prisoner-shares", "--endpoint", url, "--timeout", "3")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "cannot reach" in result.stderr and url in result.stderr


class _Scripted(QuietHandler):
    """Answers as the test sets: status, body, delay; records what it received."""

    status = 200
    body = b""
    delay = 0.0
    content_type = "application/sparql-results+json"
    seen: list = []

    def do_POST(self):
        import time

        length = int(self.headers.get("Content-Length", 0))
        type(self).seen.append((dict(self.headers), self.rfile.read(length)))
        time.sleep(self.delay)
        if self.status == 401 and "Authorization" not in self.headers:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
            self.end_headers()
            return
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST


def _scripted(**attrs):
    return type("Handler", (_Scripted,), {"seen": [], **attrs})


def test_http_500_is_one_clear_error():
    handler = _scripted(status=500, body=b"internal failure")
    with http_server(handler) as url:
        with pytest.raises(EndpointError, match="answered HTTP 500"):
            EndpointStore(url + "/sparql").query("SELECT * WHERE { ?s ?p ?o }")


def test_garbage_answer_is_one_clear_error():
    handler = _scripted(body=b"<html>not sparql</html>")
    with http_server(handler) as url:
        with pytest.raises(EndpointError, match="not SPARQL JSON results"):
            EndpointStore(url + "/sparql").query("SELECT * WHERE { ?s ?p ?o }")


def test_slow_endpoint_times_out():
    handler = _scripted(delay=3, body=b'{"head":{"vars":[]},"results":{"bindings":[]}}')
    with http_server(handler) as url:
        with pytest.raises(EndpointError, match="did not answer within 1 s"):
            EndpointStore(url + "/sparql", timeout=1).query("SELECT * WHERE { ?s ?p ?o }")


def test_auth_and_user_agent_are_sent():
    import base64

    body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"ok"}}]}}'
    handler = _scripted(status=401, body=body)
    handler.status = 200
    with http_server(handler) as url:
        store = EndpointStore(url + "/sparql", user="curator", password="s3cret")
        assert store.query("SELECT ?x WHERE { ?s ?p ?x }").rows == [(ox.Literal("ok"),)]
    headers = handler.seen[-1][0]
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"curator:s3cret").decode()
    assert headers["User-Agent"].startswith("heritage-graph/")


def test_render_ask_and_graph_results(bundled_dataset):
    ask = bundled_dataset.store.query("ASK WHERE { ?s ?p ?o }")
    assert render(ask, "table") == "true"
    graph = bundled_dataset.store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")
    assert render(graph, "table").count(" .") >= 1
