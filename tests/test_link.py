"""Reconciliation (heritage_graph.link): names across scripts, scores, the register found by the
matching itself, a real SPARQL server holding a Wikidata-shaped fixture, review files, and the
linkset written, validated and atomically replaced."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from heritage_graph import link

from heritage_graph.util import resources
from heritage_graph.errors import ConfigError, InputError
from heritage_graph.rdf.store import EndpointStore
from heritage_graph.rdf.vocab import DCTERMS, HG, HGID, OWL, RDF, SKOS

from .conftest import TESTS
from .servers import oxigraph_server, put_graph

CAMP = HGID + "camp/"
PLACE = HGID + "place/"
GROUP = HGID + "group/"
WD = "http://www.wikidata.org/entity/"
FIXTURE = TESTS / "fixtures" / "wikidata-shaped.ttl"
#: The project's shared folder lies beside the checkout (in a session and in CI alike).
CHECKED = TESTS.parents[1] / "shared" / "ids" / "checked-identifiers.csv"


# Names across scripts ----------------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("Karlag", "Карлаг"),
    ("Steplag Gulag", "Степлаг"),
    ("Karagandy", "Қарағанды"),
    ("Qaraghandy", "Karagandy"),
    ("Peschany ITL", "Песчаный ИТЛ"),
    ("Balchašas", "Balchasas"),
])
def test_names_meet_across_scripts(a, b):
    assert link.normalise(a) == link.normalise(b)


def test_camp_words_are_dropped_but_a_name_of_camp_words_is_kept():
    assert link.normalise("Karagandinsky ITL") == "karagandinsky"
    assert link.normalise("Stepnoy Camp") == "stepnoy"
    assert link.normalise("Лагерь") == "lager"


def test_score_weights_and_bounds():
    assert link.score(1, 1, 0) == 1.0
    assert link.score(0, 0, 10_000) == 0.0
    assert link.score(1, 1, None) == 0.875
    # A perfect name of the same kind 2,900 km away stays below 0.8; so does one of another kind.
    assert link.score(1, 1, 2900) < 0.8
    assert link.score(1, 0, 0) < 0.8


def test_wkt_points():
    assert link.parse_wkt_point("Point(76.92848 43.25654)") == (43.25654, 76.92848)
    assert link.parse_wkt_point("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT(1 2)") == (2.0, 1.0)
    assert link.parse_wkt_point("Point(200 2)") is None
    assert link.parse_wkt_point("LINESTRING(1 2, 3 4)") is None


# The register: found by the reconciliation, not written by hand ----------------------------------


@pytest.fixture(scope="module")
def camps(bundled_dataset):
    return link.reconcile("Camp", store=bundled_dataset.store)


def test_reconcile_finds_the_register_camps(camps):
    best = camps.best()
    assert {e.iri for e in camps.locals} == {CAMP + c for c in ("karlag", "spassk", "steplag", "peschanlag")}
    assert best[CAMP + "karlag"].candidate == CAMP + "gulag-map-195"
    assert best[CAMP + "steplag"].candidate == CAMP + "gulag-map-287"
    assert best[CAMP + "peschanlag"].candidate == CAMP + "gulag-map-281"
    links, notes = link.accept(camps, 0.8)
    assert {(l.subject, l.object) for l in links} == {
        (CAMP + "karlag", CAMP + "gulag-map-195"),
        (CAMP + "steplag", CAMP + "gulag-map-287"),
        (CAMP + "peschanlag", CAMP + "gulag-map-281"),
    }
    assert not notes
    assert all(l.predicate == SKOS + "exactMatch" for l in links)


def test_spassk_has_no_register_camp(camps):
    # The register has no camp named Spassk (the village appears only in a location's comment).
    best = camps.best()[CAMP + "spassk"]
    assert best is None or best.score < 0.8


def test_register_camps_are_never_local(camps):
    assert not any("gulag-map" in e.iri for e in camps.locals)
    assert all("gulag-map" in c.candidate for c in camps.candidates)


def test_review_is_sorted_by_local_then_score(camps):
    rows = list(csv.DictReader(io.StringIO(camps.review_csv())))
    assert list(rows[0]) == ["local", "local_label", "candidate", "candidate_label", "score", "label_score",
                             "type_score", "distance_km", "method", "accept"]
    keys = [(r["local"], -float(r["score"])) for r in rows]
    assert keys == sorted(keys)
    karlag = [r for r in rows if r["local"] == CAMP + "karlag"][0]
    assert karlag["candidate_label"] == "Karagandinsky ITL" and float(karlag["distance_km"]) == 0.0


def test_bundled_linkset_is_the_reconciliation(camps):
    """The committed data/links/gulag-map-links.ttl holds exactly what --accept 0.8 finds."""
    path = resources.folder("data") / "links" / "gulag-map-links.ttl"
    text = path.read_text(encoding="utf-8")
    assert "generated, do not edit by hand" in text and "heritage-graph reconcile --type Camp --accept 0.8" in text
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in
               (q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))}
    stated = {(s, o) for s, p, o in triples if p == SKOS + "exactMatch"}
    links, _ = link.accept(camps, 0.8)
    assert stated == {(l.subject, l.object) for l in links}
    assertions = {s for s, p, o in triples if p == RDF + "type" and o == HG + "LinkAssertion"}
    assert len(assertions) == len(stated)
    for node in assertions:
        predicates = {p for s, p, o in triples if s == node}
        assert {HG + "linkSubject", HG + "linkObject", HG + "linkPredicate", HG + "score", HG + "method",
                DCTERMS + "created"} <= predicates


def test_accept_threshold_is_checked(camps):
    with pytest.raises(ConfigError):
        link.accept(camps, 1.5)


def test_unknown_type_is_refused(bundled_dataset):
    with pytest.raises(ConfigError, match="not a class"):
        link.reconcile("Kamp", store=bundled_dataset.store)


# The linkset: validated, atomic, from a review ---------------------------------------------------


def test_linkset_validates_and_is_deterministic(camps, tmp_path):
    links, _ = link.accept(camps, 0.8)
    day = datetime.date(2026, 11, 27)
    out = tmp_path / "gulag-map-links.ttl"
    result = link.write_linkset(links, out, target_name="gulag-map", command="heritage-graph reconcile --type Camp --accept 0.8",
                                created=day)
    assert result.validation.conforms and not result.validation.violations
    first = out.read_text(encoding="utf-8")
    link.write_linkset(links, out, target_name="gulag-map", command="heritage-graph reconcile --type Camp --accept 0.8",
                       created=day)
    assert out.read_text(encoding="utf-8") == first
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_linkset_that_breaks_the_shapes_is_not_written(camps, tmp_path, monkeypatch):
    links, _ = link.accept(camps, 0.8)
    out = tmp_path / "links.ttl"
    out.write_text("# the previous file\n", encoding="utf-8")
    original = link.linkset.link_quads

    def misspelt(*args, **kwargs):
        quads = original(*args, **kwargs)
        return [ox.Quad(q.subject, ox.NamedNode(HG + "scor"), q.object, q.graph_name) if q.predicate.value == HG + "score"
                else q for q in quads]

    monkeypatch.setattr(link.linkset, "link_quads", misspelt)
    with pytest.raises(InputError, match="does not conform"):
        link.write_linkset(links, out, target_name="gulag-map", command="test")
    assert out.read_text(encoding="utf-8") == "# the previous file\n"


def test_from_review_keeps_only_accepted_rows(camps, tmp_path):
    rows = list(csv.DictReader(io.StringIO(camps.review_csv())))
    for row in rows:
        kept = {(CAMP + "karlag", CAMP + "gulag-map-195"), (CAMP + "steplag", CAMP + "gulag-map-287")}
        row["accept"] = "yes" if (row["local"], row["candidate"]) in kept else ""
    review = tmp_path / "review.csv"
    with review.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    links = link.read_review(review)
    assert {(l.subject, l.object) for l in links} == {(CAMP + "karlag", CAMP + "gulag-map-195"),
                                                     (CAMP + "steplag", CAMP + "gulag-map-287")}
    assert all(l.method.startswith("curator review") for l in links)
    result = link.write_linkset(links, tmp_path / "kept.ttl", target_name="gulag-map", command="test")
    assert result.links == 2


def test_review_without_accept_column_is_an_input_error(tmp_path):
    review = tmp_path / "review.csv"
    review.write_text("local,candidate\nhttp://e/a,http://e/b\n", encoding="utf-8")
    with pytest.raises(InputError, match="no column accept"):
        link.read_review(review)


def test_review_with_bad_iri_names_the_line(tmp_path):
    review = tmp_path / "review.csv"
    review.write_text("local,candidate,score,accept\nhttp://e/a,http://e/b,0.9,yes\nnot an iri,http://e/c,1,yes\n",
                      encoding="utf-8")
    with pytest.raises(InputError, match=r"review\.csv:3: column 'local'"):
        link.read_review(review)


# A Wikidata-shaped endpoint: a real SPARQL server with the fixture -------------------------------


def checked_wikidata() -> dict[str, str]:
    """Entity name -> QID from the checked identifiers (the fixture's only real identifiers)."""
    with CHECKED.open(encoding="utf-8") as handle:
        return {row["entity"]: row["wikidata"] for row in csv.DictReader(handle) if row["wikidata"]}


@pytest.mark.skipif(not CHECKED.exists(), reason="the shared folder with the checked identifiers is not beside the checkout")
def test_fixture_holds_only_checked_identifiers_and_marked_decoys():
    text = FIXTURE.read_text(encoding="utf-8")
    quads = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    subjects = {q.subject.value for q in quads if q.subject.value.startswith(WD)}
    classes = {"Q6256", "Q515", "Q532", "Q23397", "Q41710", "Q5"}  # ontology/alignments.ttl
    allowed = set(checked_wikidata().values()) | classes
    for iri in subjects:
        qid = iri[len(WD):]
        assert qid in allowed or qid.startswith("Q9000000001") or qid.startswith("Q90000000000"), qid
    # Coordinates as the checked identifiers give them, and only where they give them.
    with CHECKED.open(encoding="utf-8") as handle:
        rows = {row["wikidata"]: row for row in csv.DictReader(handle) if row["wikidata"]}
    for quad in quads:
        if quad.predicate.value.endswith("P625") and quad.subject.value[len(WD):] in rows:
            row = rows[quad.subject.value[len(WD):]]
            assert link.parse_wkt_point(quad.object.value) == (float(row["lat"]), float(row["lon"]))


@pytest.fixture(scope="module")
def wikidata_endpoint():
    triples = [q.triple for q in ox.parse(FIXTURE.read_bytes(), format=ox.RdfFormat.TURTLE)]
    with oxigraph_server() as base:
        put_graph(base, "https://example.org/wikidata-shaped", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        yield base + "/query"


#: The local resources with a checked Wikidata identifier, and that identifier.
EXPECTED_PLACES = {
    PLACE + "kazakhstan": "Q232",
    PLACE + "lithuania": "Q37",
    PLACE + "soviet-union": "Q15180",
    PLACE + "lake-balkhash": "Q134485",
    PLACE + "almaty": "Q35493",
    PLACE + "astana": "Q1520",
}
EXPECTED_GROUPS = {
    GROUP + "lithuanians": "Q186192",
    GROUP + "kazakhs": "Q80040",
    GROUP + "romanians": "Q485150",
    GROUP + "hungarians": "Q133032",
    GROUP + "japanese": "Q161652",
}


@pytest.mark.server
@pytest.mark.parametrize("type_, expected", [("Place", EXPECTED_PLACES), ("Group", EXPECTED_GROUPS),
                                             ("Person", {HGID + "person/joseph-stalin": "Q855"})])
def test_reconcile_finds_the_checked_wikidata_ids(type_, expected, wikidata_endpoint, bundled_dataset):
    rec = link.reconcile(type_, store=bundled_dataset.store, endpoint=EndpointStore(wikidata_endpoint, timeout=30))
    links, _ = link.accept(rec, 0.8)
    found = {l.subject: l.object.removeprefix(WD) for l in links}
    # The right entity for every resource with a checked identifier, and none for the others
    # (Karagandy, Balkhash, Dolinka, Kengir, the camps, Georgians, ...), whatever decoy shares their name.
    assert found == expected
    assert all(l.predicate == OWL + "sameAs" for l in links)
    # What the data already states agrees with what the reconciliation finds.
    for subject, qid in expected.items():
        assert WD + qid in next(e for e in rec.locals if e.iri == subject).links


@pytest.mark.server
def test_decoys_are_candidates_but_score_below_the_threshold(wikidata_endpoint, bundled_dataset):
    rec = link.reconcile("Place", store=bundled_dataset.store, endpoint=wikidata_endpoint)
    decoys = [c for c in rec.candidates if c.candidate.startswith(WD + "Q9000000000")]
    assert {c.local for c in decoys} >= {PLACE + "karagandy", PLACE + "kengir", PLACE + "dolinka", PLACE + "balkhash",
                                         PLACE + "astana", CAMP + "steplag"}
    assert all(c.score < 0.8 for c in decoys)
    dolinka = next(c for c in decoys if c.local == PLACE + "dolinka")
    assert dolinka.type_score == 1.0 and dolinka.distance_km > 2000  # same name and kind, far away


@pytest.mark.server
def test_wikidata_linkset_validates(wikidata_endpoint, bundled_dataset, tmp_path):
    rec = link.reconcile("Place", store=bundled_dataset.store, endpoint=wikidata_endpoint)
    links, _ = link.accept(rec, 0.8)
    out = tmp_path / "wikidata-links.ttl"
    result = link.write_linkset(links, out, target_name="wikidata",
                                command=link.command_line(type_="Place", endpoint=wikidata_endpoint, threshold=0.8))
    assert result.validation.conforms
    text = out.read_text(encoding="utf-8")
    assert "owl:sameAs wd:Q232" in text and "hg:LinkAssertion" in text


def test_unreachable_endpoint_is_an_endpoint_error(bundled_dataset):
    from heritage_graph.errors import EndpointError

    from .servers import free_port

    with pytest.raises(EndpointError, match="cannot reach"):
        link.reconcile("Place", store=bundled_dataset.store, endpoint=f"http://127.0.0.1:{free_port()}/query", timeout=3)


# Federation: the stored federated-example against real servers ----------------------------------

SERVICE_IRI = "http://localhost:7878/query"


def _federated_text(endpoint: str) -> str:
    from heritage_graph.queries import catalogue as q

    text = q.find("federated-example").text
    assert text.count(f"<{SERVICE_IRI}>") == 1
    return text.replace(f"<{SERVICE_IRI}>", f"<{endpoint}>")


def _check_federated_rows(rows):
    by_place = {(r["camp"].value, r["place"].value): r for r in rows}
    kazakhstan = by_place[(CAMP + "karlag", PLACE + "kazakhstan")]
    assert kazakhstan["remote_label_ru"].value == "Казахстан" and kazakhstan["remote_label_kk"].value == "Қазақстан"
    assert kazakhstan["remote_point"].value == "Point(68.0 48.0)"
    lake = by_place[(CAMP + "peschanlag", PLACE + "lake-balkhash")]
    assert lake["remote_label_ru"].value == "озеро Балхаш" and lake["relation"].value == "near"


@pytest.mark.server
def test_federated_example_embedded_store_calls_the_remote_server(wikidata_endpoint, bundled_dataset):
    """The embedded pyoxigraph store makes the SERVICE call itself, over HTTP."""
    from heritage_graph.queries import run as qrun

    rows = qrun.run_text(_federated_text(wikidata_endpoint), bundled_dataset.store).dicts()
    _check_federated_rows(rows)


@pytest.mark.server
def test_federated_example_server_federates_to_a_second_server(wikidata_endpoint, bundled_dataset):
    """An Oxigraph server holding the bundled graph federates to a second one holding the fixture."""
    from heritage_graph.queries import run as qrun

    with oxigraph_server() as base:
        for loaded in bundled_dataset.files:
            triples = [quad.triple for quad in bundled_dataset.store.quads(ox.NamedNode(loaded.graph))]
            put_graph(base, loaded.graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        remote = EndpointStore(base + "/query", timeout=30)
        rows = qrun.run_text(_federated_text(wikidata_endpoint), remote).dicts()
        _check_federated_rows(rows)
        local = qrun.run_text(_federated_text(wikidata_endpoint), bundled_dataset.store)
        assert qrun.run_text(_federated_text(wikidata_endpoint), remote).rows == local.rows


def test_federated_example_without_the_remote_gives_the_local_rows(bundled_dataset):
    """SERVICE SILENT: an endpoint that does not answer leaves the remote columns empty."""
    from heritage_graph.queries import run as qrun

    from .servers import free_port

    rows = qrun.run_text(_federated_text(f"http://127.0.0.1:{free_port()}/query"), bundled_dataset.store).dicts()
    assert len(rows) == 4 and all(r["remote_label_en"] is None for r in rows)
