"""Fixtures shared by the tests, the tiers of the suite, and the command that rewrites the golden files.

The tiers (docs/testing.md): ``pytest`` runs everything, as CI does; ``pytest -m "not slow"`` is
the quick tier. :func:`pytest_collection_modifyitems` marks each test by what it needs, so that no
test file has to: :data:`TIERS` gives the markers of whole files, :data:`SLOW_TESTS` those of single
slow tests, and a test named after pySHACL or Virtuoso, or using a Virtuoso fixture, gets that
marker. Every marker but ``server`` on an in-process test also makes a test ``slow``.

``pytest tests/test_query.py --update-golden`` writes ``tests/golden/NAME.csv`` anew from each
stored query run on the bundled graph, then runs the tests against them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_graph.cli import main
from heritage_graph.queries import catalogue as q
from heritage_graph.queries import run as qrun
from heritage_graph.queries.results import to_csv
from heritage_graph.rdf.load import load
from heritage_graph.util import resources

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"

#: The markers of whole test files, by path under tests/.
TIERS: dict[str, tuple[str, ...]] = {
    "test_site_browser.py": ("browser", "slow"),
    "test_accessibility.py": ("browser", "slow"),
    "test_facets_browser.py": ("browser", "slow"),
    "test_dcat_ap.py": ("slow",),  # builds the bundled release when run alone (about 20 s), then pySHACL
    "test_static_host.py": ("hosts", "slow"),
    "test_push.py": ("server", "slow"),
    "hostile/test_server.py": ("server", "slow"),
    "hostile/test_server_bounds.py": ("server", "slow"),
    "hostile/test_service_spellings.py": ("server", "slow"),
    "hostile/test_faults.py": ("server", "slow"),
    "test_search_site.py": ("server", "slow"),  # builds the bundled release, serves it, searches it in Chromium
}

#: Single tests that take long (their names, without parameters), by path under tests/.
SLOW_TESTS: dict[str, set[str]] = {
    "hostile/test_server.py": {"test_on_a_million_triples_an_explosive_query_is_stopped_and_capped_while_others_are_answered"},
    # the release's dumps read back by the reference libraries (rdflib, PyLD): a minute and more
    "test_publish.py": {"test_triple_dumps_read_back_with_rdflib", "test_quad_dumps_keep_one_graph_per_file",
                        "test_jsonld_dump_expands_with_pyld_to_the_same_graph",
                        # every JSON-LD file of the release (some 1,400) expanded by PyLD offline
                        "test_every_json_ld_file_reads_with_no_network_in_pyld_and_pyoxigraph"},
    # every link of every page of the release followed on disk and on a running server
    "test_release_served.py": {"test_every_link_of_every_page_resolves_statically_and_on_the_server"},
    # builds the wheel and installs it, from PyPI, into a fresh virtual environment
    "test_packaging.py": {"test_the_wheel_runs_every_command_without_extras"},
    # a store loaded and killed three times; 200,000 nested blank nodes loaded three times
    "hostile/test_hostile_files.py": {"test_a_killed_load_leaves_nothing_the_next_run_does_not_remove",
                                      "test_deep_turtle_is_read_in_bounded_memory"},
}

#: Tests that run at a million triples.
MILLION_TESTS = SLOW_TESTS["hostile/test_server.py"]

#: Markers that make a test slow wherever it is.
SLOW_MARKERS = ("browser", "hosts", "virtuoso", "pyshacl", "million")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Write tests/golden/NAME.csv anew from each stored query on the bundled graph.")


def pytest_configure(config):
    if config.getoption("--update-golden"):
        update_golden()


def update_golden(folder: Path = GOLDEN) -> list[Path]:
    """Write the expected rows of every stored query on the bundled graph, one CSV per query."""
    store = load().store
    written = []
    for name, stored in sorted(q.catalogue().items()):
        path = folder / f"{name}.csv"
        path.write_bytes(to_csv(qrun.run(stored, store)).encode("utf-8"))
        written.append(path)
    return written


def _relative(item) -> str:
    try:
        return Path(str(item.fspath)).resolve().relative_to(TESTS).as_posix()
    except ValueError:
        return ""


def pytest_terminal_summary(terminalreporter):
    """The pass counts of the W3C SHACL test suites, when their tests ran (tests/test_w3c_shacl.py)."""
    import sys  # lazy: the suite's module is imported only when its tests were collected
    module = next((m for name, m in list(sys.modules.items()) if name.endswith("test_w3c_shacl")), None)
    for engine, counts in sorted(getattr(module, "COUNTS", {}).items()):
        handed = f", {counts['handed to pySHACL']} handed to pySHACL" if engine == "fast" else ""
        terminalreporter.write_line(f"W3C SHACL suites, --engine {engine}: {counts['passed']} of "
                                    f"{counts['cases']} cases pass{handed}")


def pytest_collection_modifyitems(config, items):
    for item in items:
        where = _relative(item)
        name = item.originalname if hasattr(item, "originalname") else item.name
        wanted = list(TIERS.get(where, ()))
        if name in SLOW_TESTS.get(where, ()):
            wanted.append("slow")
        if where == "hostile/test_server.py" and name in MILLION_TESTS:
            wanted.append("million")
        if "pyshacl" in name:
            wanted.append("pyshacl")
        if "virtuoso" in name or any("virtuoso" in f for f in getattr(item, "fixturenames", ())):
            wanted.append("virtuoso")
        if item.get_closest_marker("server") is not None and where.startswith(("test_push", "hostile/")):
            wanted.append("slow")
        if any(m in wanted or item.get_closest_marker(m) is not None for m in SLOW_MARKERS):
            wanted.append("slow")
        for marker in dict.fromkeys(wanted):
            if item.get_closest_marker(marker) is None:
                item.add_marker(getattr(pytest.mark, marker))


@pytest.fixture(scope="session")
def bundled_dataset():
    """The bundled ontology and data, loaded once."""
    return load()


@pytest.fixture
def run_cli():
    """Run the command line in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture
def write(tmp_path):
    """Write a text file under a temporary folder and return its path."""

    def write_file(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write_file


PREFIXES = """@prefix hg: <https://w3id.org/heritage-graph/ontology#> .
@prefix source: <https://w3id.org/heritage-graph/id/source/> .
@prefix camp: <https://w3id.org/heritage-graph/id/camp/> .
@prefix claim: <https://w3id.org/heritage-graph/id/claim/> .
@prefix place: <https://w3id.org/heritage-graph/id/place/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

SOURCE = """source:test a hg:SourceDocument ; rdfs:label "Test source"@en ; <http://purl.org/dc/terms/title> "Test source"@en ; <http://purl.org/dc/terms/publisher> "heritage-graph tests" ; <http://purl.org/dc/terms/language> "en" ; hg:undated true ; hg:localCopy "sources/test.txt" .
"""
