"""Loading: one named graph per file, clear errors at the edge, nothing added on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from heritage_graph.util import resources
from heritage_graph.errors import InputError, RdfSyntaxError
from heritage_graph.rdf.load import expand, graph_iri, load, subject_line
from heritage_graph.queries.saved import open_store
from heritage_graph.rdf.store import OxigraphStore
from heritage_graph.rdf.vocab import DEFAULT_BASE

from .conftest import PREFIXES

N = PREFIXES.count("\n")


def test_bundled_data_loads_one_graph_per_file(bundled_dataset):
    files = {f.path.resolve() for f in bundled_dataset.files}
    expected = {p.resolve() for p in resources.ontology_files() + resources.data_files()}
    assert files == expected
    graphs = set(bundled_dataset.store.graph_names())
    assert graphs == {f.graph for f in bundled_dataset.files}
    assert all(f.triples > 0 for f in bundled_dataset.files)
    assert sum(f.triples for f in bundled_dataset.files) == bundled_dataset.store.triple_count()


def test_graph_iri_of_bundled_file_is_stable():
    path = resources.folder("data") / "kazakhstan" / "claims.ttl"
    assert graph_iri(path) == DEFAULT_BASE + "graph/data/kazakhstan/claims"


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match=r"nope\.ttl: no such file or directory"):
        load([tmp_path / "nope.ttl"])


def test_syntax_error_names_file_line_and_column(write):
    path = write("bad.ttl", PREFIXES + '\nplace:x rdfs:label "unterminated .\n')
    with pytest.raises(RdfSyntaxError) as caught:
        load([path])
    assert caught.value.path.endswith("bad.ttl")
    assert caught.value.line == N + 2
    assert str(caught.value).startswith(f"{path}:{N + 2}:")


def test_unknown_prefix_names_the_prefix_and_line(write):
    path = write("prefix.ttl", PREFIXES + "\n\nplace:x nope:p place:y .\n")
    with pytest.raises(RdfSyntaxError, match=rf"prefix\.ttl:{N + 3}:\d+: .*nope"):
        load([path])


def test_a_bad_file_adds_nothing_to_the_store(write):
    good = write("good.ttl", PREFIXES + 'place:x rdfs:label "x"@en .\n')
    bad = write("bad.ttl", PREFIXES + "place:x rdfs:label .\n")
    store = OxigraphStore()
    with pytest.raises(RdfSyntaxError):
        load([good, bad], store, with_ontology=False)
    assert store.triple_count() == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"\xef\xbb\xbf@prefix a: <http://e/> .", "byte-order mark"),
        (b"@prefix a: <http://e/> .\na:x a:y \"caf\xe9\" .\n", ":2: the file is not UTF-8"),
    ],
)
def test_unusable_bytes_are_refused(write, content, message):
    path = write("odd.ttl", content)
    with pytest.raises(InputError, match=message):
        load([path], with_ontology=False)


def test_folder_without_rdf_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="holds no RDF file"):
        expand([tmp_path])


def test_unknown_extension_is_refused(write):
    path = write("data.csv", "a,b\n")
    with pytest.raises(InputError, match=r"unknown RDF format \.csv"):
        expand([path])


def test_base_iri_is_rewritten_on_load(write):
    path = write("x.ttl", PREFIXES + 'place:x rdfs:label "x"@en .\n')
    dataset = load([path], base="https://example.org/heritage/", with_ontology=False)
    subjects = {row[0].value for row in dataset.store.query("SELECT ?s WHERE { ?s ?p ?o }").rows}
    assert subjects == {"https://example.org/heritage/id/place/x"}


def test_subject_line_finds_prefixed_and_full_forms(write):
    path = write(
        "lines.ttl",
        PREFIXES + "\nplace:a rdfs:label \"a\"@en .\nplace:ab rdfs:label \"ab\"@en .\n"
        "<https://w3id.org/heritage-graph/id/c> rdfs:seeAlso place:a .\n",
    )
    assert subject_line(path, DEFAULT_BASE + "id/place/a") == N + 2
    assert subject_line(path, DEFAULT_BASE + "id/place/ab") == N + 3
    assert subject_line(path, DEFAULT_BASE + "id/c") == N + 4
    assert subject_line(path, DEFAULT_BASE + "id/zzz") is None


def test_where_defined_names_file_and_line(bundled_dataset):
    path, line = bundled_dataset.where_defined(DEFAULT_BASE + "id/camp/karlag")
    assert path.name == "camps.ttl"
    assert "camp:karlag" in path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_saved_store_is_replaced_whole_or_not_at_all(tmp_path, write, run_cli):
    target = tmp_path / "graph"
    first = run_cli("load", "--store", target)
    assert first.exit_code == 0, first.output
    bad = write("bad.ttl", PREFIXES + "place:x rdfs:label .\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    failed = run_cli("load", bad, "--store", target)
    assert failed.exit_code == 2 and "bad.ttl" in failed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no staging folder left behind
    answer = run_cli("query", "prisoner-shares", "--store", target, "--format", "csv")
    assert answer.exit_code == 0 and "Karlag" in answer.output


def test_open_store_refuses_a_folder_that_is_not_a_store(tmp_path, run_cli):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("x")
    result = run_cli("load", "--store", tmp_path / "notes")
    assert result.exit_code == 2 and "not an Oxigraph store" in result.stderr


def test_loading_with_a_progress_bar_counts_every_byte_and_gives_the_same_graph(tmp_path):
    """On a terminal the parser reads through a counter; the graph is the same as without it."""
    from heritage_graph.rdf.load import _load_direct
    from heritage_graph.rdf.store import OxigraphStore

    path = next(p for p in resources.data_files() if p.name == "camps.ttl")  # no blank nodes

    class Bar:
        done = 0

        def update(self, n):
            self.done += n

    counted, plain, bar = OxigraphStore(), OxigraphStore(), Bar()
    assert _load_direct(counted, path, bar) and _load_direct(plain, path)
    assert set(counted.ox) == set(plain.ox) and len(plain.ox) > 20
    assert bar.done == path.stat().st_size // 1024


INVALID = Path(__file__).resolve().parent / "data" / "invalid" / "Claim-source.ttl"


def test_a_store_of_data_that_fails_validation_is_refused(tmp_path, run_cli):
    target = tmp_path / "graph"
    refused = run_cli("load", INVALID, "--store", target)
    assert refused.exit_code == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the data does not conform to the shapes")
    assert "Claim-source.ttl:" in lines[0] and "hgsh:Claim-source" in lines[0] and "--no-validate" in lines[0]
    assert "nothing was written" in lines[0] and refused.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no store, no staging folder


def test_no_validate_saves_a_store_of_data_that_fails_validation(tmp_path, run_cli):
    target = tmp_path / "graph"
    saved = run_cli("load", INVALID, "--store", target, "--no-validate")
    assert saved.exit_code == 0, saved.output
    store = open_store(target)
    graphs = set(store.graph_names())
    assert graph_iri(INVALID) in graphs
