"""The archive importers: the SQL reader, the GULAG map register, atomic writing, the CSV mapping.

The register's counts are checked against an independent reading of the same files (SQLite
executes the archive's INSERT statements; a line count gives the tuples per file). The slowest
test validates the whole register with pyshacl (15-30 seconds); the rest take a few seconds.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from heritage_graph.ingest import adapters, importer

from heritage_graph.util import atomic, resources
from heritage_graph.ingest.adapters import csv_mapping, gulag_map
from heritage_graph.ingest.adapters.pgsql import DEFAULT, Expression, parse_inserts, parse_value, quote_literal, tokenize
from heritage_graph.errors import InputError
from heritage_graph.rdf.turtle import serialize_turtle

from .conftest import TESTS

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "archives" / "gulag-map"
MINI = TESTS / "fixtures" / "gulag-map-mini"
EXAMPLES = ROOT / "examples"
HG = "https://w3id.org/heritage-graph/ontology#"
ID = "https://w3id.org/heritage-graph/id/"

needs_archive = pytest.mark.skipif(not ARCHIVE.is_dir(), reason=f"the GULAG map archive is not at {ARCHIVE}")

try:
    import hypothesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    hypothesis = None

needs_hypothesis = pytest.mark.skipif(hypothesis is None, reason="hypothesis is not installed")

#: Multiply the examples of the property-based tests (HERITAGE_GRAPH_HYPOTHESIS_SCALE=20 for a long run).
SCALE = max(1, int(os.environ.get("HERITAGE_GRAPH_HYPOTHESIS_SCALE", "1") or 1))


def _settings(examples: int):
    """Hypothesis settings: no deadline, no example database written into the checkout."""
    return settings(max_examples=examples * SCALE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


#################################################################
# The SQL reader
#################################################################

def test_strings_keep_commas_parentheses_semicolons_and_quotes():
    result = parse_inserts(
        "INSERT INTO t(id, a, b) VALUES (1, 'x, (y); ''z''', 'it''s'), (2, '', '('')');\n"
    )
    assert [row.as_dict() for row in result.rows] == [
        {"id": 1, "a": "x, (y); 'z'", "b": "it's"},
        {"id": 2, "a": "", "b": "(')"},
    ]


def test_values_nulls_numbers_booleans_casts_and_comments():
    sql = textwrap.dedent("""\
        -- a comment; with a semicolon
        INSERT INTO public.t ("Id", v, w, x, y, z) /* a comment (with a parenthesis */
        VALUES
          (1, NULL, -3, 4.50, TRUE, '{"a": 1}'::jsonb),
          (2, null, +7, .5e1, false, DEFAULT);
        SELECT setval(pg_get_serial_sequence('public.t', 'id'), 3) FROM public.t;
        INSERT INTO t (Id, v, w, x, y, z) VALUES (3, E'tab\\there\\n', $$dollar 'quoted'$$, $tag$a$$b$tag$, now(), 1 + 2);
        """)
    result = parse_inserts(sql, "t.sql")
    rows = [row.as_dict() for row in result.rows]
    assert rows[0] == {"Id": 1, "v": None, "w": -3, "x": Decimal("4.50"), "y": True, "z": '{"a": 1}'}
    assert rows[1]["w"] == 7 and rows[1]["x"] == Decimal("5") and rows[1]["y"] is False and rows[1]["z"] is DEFAULT
    assert rows[2]["id"] == 3 and rows[2]["v"] == "tab\there\n" and rows[2]["w"] == "dollar 'quoted'"
    assert rows[2]["x"] == "a$$b"
    assert rows[2]["y"] == Expression("now ( )") and isinstance(rows[2]["z"], Expression)
    assert [r.table for r in result.rows] == ["public.t", "public.t", "t"]
    assert [line for line, _ in result.skipped] == [6]
    assert [r.line for r in result.rows] == [4, 5, 7]


def test_standard_strings_keep_backslashes_and_newlines():
    sql = "INSERT INTO t(a) VALUES ('{\"ru\": \"line\\nnext \\\"q\\\"\"}'), ('two\nlines');"
    rows = [r.as_dict()["a"] for r in parse_inserts(sql).rows]
    assert json.loads(rows[0]) == {"ru": 'line\nnext "q"'}
    assert rows[1] == "two\nlines"


def test_a_row_with_the_wrong_number_of_values_is_reported_not_read():
    result = parse_inserts("INSERT INTO t(a, b) VALUES (1, 2), (3), (4, 5);", "t.sql")
    assert [r.as_dict() for r in result.rows] == [{"a": 1, "b": 2}, {"a": 4, "b": 5}]
    assert len(result.problems) == 1 and "1 values for the 2 columns" in result.problems[0].message


@pytest.mark.parametrize("sql, where", [
    ("INSERT INTO t(a) VALUES ('never closed);\n", "t.sql:1: a string ' is never closed"),
    ("\n\nINSERT INTO t(a) VALUES (1, 2;", "t.sql:3:"),
    ("INSERT INTO t(a) VALUES (1) (2);", "t.sql:1: expected ',' or ';' after a row"),
    ("INSERT t(a) VALUES (1);", "t.sql:1: expected INTO"),
    ("/* open comment", "t.sql:1: a comment /* is never closed"),
    ('INSERT INTO "t(a) VALUES (1);', "t.sql:1: a quoted name"),
    ("INSERT INTO t(a) VALUES (1", "t.sql:1:"),
])
def test_broken_sql_names_the_file_and_line(sql, where):
    with pytest.raises(InputError) as caught:
        parse_inserts(sql, "t.sql")
    assert str(caught.value).startswith(where), str(caught.value)


if hypothesis is not None:
    _values = st.one_of(
        st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
        st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**6, max_value=10**6),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
    )

    @needs_hypothesis
    @_settings(300)
    @given(_values)
    def test_any_literal_reads_back_as_written(value):
        assert parse_value(quote_literal(value)) == value

    @needs_hypothesis
    @_settings(150)
    @given(st.lists(st.lists(_values, min_size=3, max_size=3), min_size=1, max_size=6), st.booleans())
    def test_any_rows_read_back_from_an_insert(rows, one_per_line):
        if one_per_line:
            sql = "\n".join(f"INSERT INTO t(a, b, c) VALUES ({', '.join(map(quote_literal, r))});" for r in rows)
        else:
            sql = "INSERT INTO t(a, b, c)\nVALUES\n  " + ",\n  ".join(
                f"({', '.join(map(quote_literal, r))})" for r in rows) + ";\n"
        result = parse_inserts(sql)
        assert [list(row.values) for row in result.rows] == rows

    @needs_hypothesis
    @_settings(400)
    @given(st.text())
    def test_any_text_gives_a_value_or_an_input_error(text):
        try:
            value = parse_value(text)
        except InputError as exc:
            assert str(exc).strip(), "an input error says what is wrong"
        else:
            assert value is None or value is DEFAULT or isinstance(value, (str, int, Decimal, bool, Expression)), value

    @needs_hypothesis
    @_settings(400)
    @given(st.one_of(
        st.text(),
        st.lists(st.sampled_from(["INSERT", "INTO", "t", "(", ")", ",", ";", "VALUES", "'a'", "''", "NULL", "-",
                                  "1", "2.5", "::", "jsonb", "$$", "E'\\n'", "--", "\n", "/*", "*/", '"', "x"]),
                 max_size=40).map(" ".join),
    ))
    def test_any_sql_text_gives_rows_or_an_input_error(text):
        try:
            result = parse_inserts(text, "h.sql")
        except InputError as exc:
            assert str(exc).startswith("h.sql")
        else:
            for row in result.rows:
                assert isinstance(row.values, tuple)
            list(tokenize(text))


#################################################################
# The GULAG map register: counts against an independent reading
#################################################################

TABLE_FILES = {
    "camps": "camps.sql", "camp_locations": "camp-locations.sql", "camp_statistics": "camp-statistics.sql",
    "camp_types": "camp-types.sql", "camp_activities": "camp-activities.sql", "camp_regions": "camp-regions.sql",
}


def sqlite_copy(folder: Path) -> sqlite3.Connection:
    """The archive loaded by SQLite, which executes its INSERT statements itself (setval dropped)."""
    db = sqlite3.connect(":memory:")
    db.executescript("""
        CREATE TABLE camps(id, title, sub_titles, description, published, type_id, activity_id, region_id,
                           notes, created_at, updated_at);
        CREATE TABLE camp_locations(id, geom, description, camp_id, order_index);
        CREATE TABLE camp_statistics(id, location_id, year, prisoners_count);
        CREATE TABLE camp_types(id, title, description);
        CREATE TABLE camp_activities(id, title);
        CREATE TABLE camp_regions(id, title);
    """)
    for file in TABLE_FILES.values():
        text = (folder / file).read_text(encoding="utf-8")
        db.executescript("\n".join(line for line in text.split("\n") if not line.startswith("SELECT setval")))
    return db


def scalar(db: sqlite3.Connection, sql: str) -> int:
    return db.execute(sql).fetchone()[0]


def tuples_in_file(path: Path) -> int:
    """Rows of a file by counting lines: one INSERT per line (camps) or one tuple per line."""
    text = path.read_text(encoding="utf-8")
    inserts = len(re.findall(r"^INSERT INTO ", text, flags=re.M))
    tuples = len(re.findall(r"^  \(\d+, ", text, flags=re.M))
    return tuples if tuples else inserts


@pytest.fixture(scope="module")
def register():
    adapter = adapters.get("gulag-map")
    read = adapter.read(ARCHIVE)
    return read, adapter.to_rdf(read)


@pytest.fixture(scope="module")
def db():
    return sqlite_copy(ARCHIVE)


@pytest.fixture(scope="module")
def graph(register):
    store = ox.Store()
    store.extend(register[1].quads)
    return store


@needs_archive
def test_rows_read_match_sqlite_and_the_tuples_in_each_file(register, db):
    read, rdf = register
    expected = {"camps": 575, "camp_locations": 668, "camp_statistics": 2472,
                "camp_types": 6, "camp_activities": 13, "camp_regions": 15}
    for table, file in TABLE_FILES.items():
        assert read.tables[table].read == scalar(db, f"SELECT COUNT(*) FROM {table}") == expected[table], table
        assert tuples_in_file(ARCHIVE / file) == expected[table], file
        assert rdf.counts[table].read == expected[table]
    assert read.problems == []


@needs_archive
def test_every_value_read_equals_sqlite(register, db):
    read, _ = register
    for table in TABLE_FILES:
        columns = list(read.tables[table].records[0].values)
        ours = [tuple(_plain(r[c]) for c in columns) for r in read.tables[table].records]
        theirs = db.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        assert ours == theirs, table


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


@needs_archive
def test_imported_counts_match_an_independent_count(register, db):
    _, rdf = register
    camps_with_location = scalar(db, """SELECT COUNT(DISTINCT c.id) FROM camps c
                                        WHERE EXISTS (SELECT 1 FROM camp_locations l WHERE l.camp_id = c.id)""")
    locations_of_camps = scalar(db, "SELECT COUNT(*) FROM camp_locations WHERE camp_id IN (SELECT id FROM camps)")
    statistics_of_locations = scalar(db, """SELECT COUNT(*) FROM camp_statistics WHERE location_id IN
                                            (SELECT id FROM camp_locations WHERE camp_id IN (SELECT id FROM camps))""")
    assert rdf.counts["camps"].imported == camps_with_location == 568
    assert rdf.counts["camp_locations"].imported == locations_of_camps == 661
    assert rdf.counts["camp_statistics"].imported == statistics_of_locations == 2467
    for table in ("camp_types", "camp_activities", "camp_regions"):
        assert rdf.counts[table].imported == scalar(db, f"SELECT COUNT(*) FROM {table}")


@needs_archive
def test_reported_rows_match_an_independent_count(register, db):
    _, rdf = register
    by_category: dict[str, set] = {}
    for problem in rdf.problems:
        by_category.setdefault(problem.category, set()).add((problem.table, problem.row_id))
    imported_stats = """location_id IN (SELECT id FROM camp_locations WHERE camp_id IN (SELECT id FROM camps))"""
    independent = {
        "duplicate": scalar(db, "SELECT COUNT(*) - COUNT(DISTINCT id) FROM camps"),
        "camp-without-location": scalar(db, """SELECT COUNT(DISTINCT id) FROM camps c WHERE NOT EXISTS
                                                (SELECT 1 FROM camp_locations l WHERE l.camp_id = c.id)"""),
        "missing-camp": scalar(db, "SELECT COUNT(*) FROM camp_locations WHERE camp_id NOT IN (SELECT id FROM camps)"),
        "missing-location": scalar(db, f"SELECT COUNT(*) FROM camp_statistics WHERE NOT ({imported_stats})"),
        "zero-count": scalar(db, f"SELECT COUNT(*) FROM camp_statistics WHERE prisoners_count = 0 AND {imported_stats}"),
        "null-count": scalar(db, f"SELECT COUNT(*) FROM camp_statistics WHERE prisoners_count IS NULL AND {imported_stats}"),
        "string-coordinates": scalar(db, """SELECT COUNT(*) FROM camp_locations WHERE json_type(geom, '$.coordinates[0]')
                                             = 'text' AND camp_id IN (SELECT id FROM camps)"""),
        "placeholder-coordinates": scalar(db, """SELECT COUNT(*) FROM camp_locations WHERE geom LIKE '%[90, 62]%'
                                                  AND camp_id IN (SELECT id FROM camps)"""),
        "placeholder-title": scalar(db, """SELECT COUNT(DISTINCT id) FROM camps
                                            WHERE json_extract(title, '$.de') = 'Neue Gefängnis'"""),
    }
    assert independent == {
        "duplicate": 1, "camp-without-location": 6, "missing-camp": 7, "missing-location": 5,
        "zero-count": 525, "null-count": 87, "string-coordinates": 134, "placeholder-coordinates": 2,
        "placeholder-title": 87,
    }
    for category, count in independent.items():
        assert len(by_category.get(category, ())) == count, category
    assert rdf.counts["camp_statistics"].reported == 525 + 87 + 5
    assert rdf.counts["camp_locations"].reported == len({p.row_id for p in rdf.problems if p.table == "camp_locations"})
    assert sum(c.reported for c in rdf.counts.values()) == len({(p.table, p.file, p.line) for p in rdf.problems})
    for problem in rdf.problems:
        assert problem.file in TABLE_FILES.values() and problem.line and problem.action, problem


@needs_archive
def test_karlag_1954_is_a_claim_of_26618_prisoners(graph):
    rows = list(graph.query("""
        PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        SELECT ?claim ?approx ?quote ?stated WHERE {
            ?claim a hg:Claim ; hg:about <https://w3id.org/heritage-graph/id/camp/gulag-map-195> ;
                   hg:quantityKind hg:PrisonerCount ; hg:year 1954 ; hg:value 26618 ;
                   hg:approximation ?approx ; hg:quote ?quote ; hg:statedAs ?stated ;
                   hg:source <https://w3id.org/heritage-graph/id/source/gulag-map> .
        }"""))
    assert len(rows) == 1
    assert rows[0]["approx"].value == HG + "Exact"
    assert rows[0]["stated"].value == "26618"
    assert rows[0]["quote"].value == "camp_statistics row 523: location 137, 1954, 26618 prisoners"
    labels = {(t.object.value, t.object.language) for t in graph.quads_for_pattern(
        ox.NamedNode(ID + "camp/gulag-map-195"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)}
    assert labels == {("Karagandinsky ITL", "en"), ("Карагандинский ИТЛ", "ru")}


@needs_archive
def test_locations_are_lat_long_from_geojson_lon_lat(graph):
    place = ox.NamedNode(ID + "place/gulag-map-location-137")
    geo = "http://www.w3.org/2003/01/geo/wgs84_pos#"
    lat = next(graph.quads_for_pattern(place, ox.NamedNode(geo + "lat"), None)).object
    long = next(graph.quads_for_pattern(place, ox.NamedNode(geo + "long"), None)).object
    assert (lat.value, long.value) == ("49.67055", "72.68055")
    assert lat.datatype.value.endswith("#decimal")


@needs_archive
def test_every_resource_has_its_source_and_claims_their_figures(graph):
    missing = list(graph.query("""
        PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        SELECT ?s WHERE { ?s a ?type . FILTER NOT EXISTS { ?s hg:source ?source }
                          FILTER NOT EXISTS { ?s a hg:SourceDocument } }"""))
    assert missing == []
    # the register is described, not cited: a source document is not its own source
    assert not list(graph.query("""
        PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        SELECT ?s WHERE { ?s hg:source ?s }"""))
    counts = {row["approx"].value.rsplit("#")[1]: int(row["n"].value) for row in graph.query("""
        PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        SELECT ?approx (COUNT(?c) AS ?n) WHERE { ?c a hg:Claim ; hg:approximation ?approx } GROUP BY ?approx""")}
    assert counts == {"Exact": 2467 - 525 - 87, "Unknown": 525 + 87}
    assert not bool(graph.query("""PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        ASK { ?c hg:approximation hg:Unknown ; hg:value ?v }"""))
    per_location = bool(graph.query("""PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        ASK { ?c hg:about ?camp ; hg:countedAt ?place . ?camp hg:location ?place , ?other . FILTER (?other != ?place) }"""))
    single = bool(graph.query("""PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        ASK { ?c hg:about ?camp ; hg:countedAt ?place . FILTER NOT EXISTS { ?camp hg:location ?other . FILTER (?other != ?place) } }"""))
    assert per_location and not single


@needs_archive
def test_the_output_is_deterministic_and_matches_the_written_file(register):
    adapter = adapters.get("gulag-map")
    _, rdf = register
    first = serialize_turtle(rdf.quads, header=adapter.header(rdf), prefixes=adapter.prefixes,
                                      sections=rdf.sections)
    again = adapter.to_rdf(adapter.read(ARCHIVE))
    second = serialize_turtle(again.quads, header=adapter.header(again), prefixes=adapter.prefixes,
                                       sections=again.sections)
    assert first == second
    written = resources.folder("data") / "archives" / "gulag-map" / "gulag-map.ttl"
    if written.exists():
        assert written.read_text(encoding="utf-8") == first, (
            "data/archives/gulag-map/gulag-map.ttl is not what the adapter makes from the archive: "
            "run 'heritage-graph import gulag-map' again")


@needs_archive
def test_the_whole_register_conforms_to_the_shapes(tmp_path):
    result = importer.import_archive("gulag-map", ARCHIVE, tmp_path)
    assert result.written and result.validation.violations == []
    assert (tmp_path / "gulag-map.ttl").exists() and (tmp_path / "gulag-map.report.tsv").exists()
    report_rows = (tmp_path / "gulag-map.report.tsv").read_text(encoding="utf-8").splitlines()
    assert len(report_rows) == 1 + len(result.problems)


#################################################################
# A small made-up archive: every fault, validation, atomic writing
#################################################################

def test_the_mini_archive_imports_conforms_and_reports_each_fault(tmp_path):
    result = importer.import_archive("gulag-map", MINI, tmp_path)
    assert result.written and result.validation.violations == []
    counts = {t: (c.read, c.imported) for t, c in result.counts.items()}
    assert counts == {"camps": (7, 5), "camp_locations": (7, 6), "camp_statistics": (7, 5),
                      "camp_types": (2, 2), "camp_activities": (2, 2), "camp_regions": (2, 2)}
    found = {(p.table, p.row_id, p.category) for p in result.problems}
    assert found == {
        ("camps", 2, "duplicate"), ("camps", 3, "placeholder-title"), ("camps", 3, "transliterated-title"),
        ("camps", 3, "unpublished"), ("camps", 4, "camp-without-location"), ("camps", 6, "whitespace"),
        ("camps", 6, "missing-reference"), ("camp_locations", 11, "string-coordinates"),
        ("camp_locations", 12, "placeholder-coordinates"), ("camp_locations", 13, "coordinates-out-of-range"),
        ("camp_locations", 14, "missing-camp"), ("camp_statistics", 101, "zero-count"),
        ("camp_statistics", 102, "null-count"), ("camp_statistics", 103, "missing-location"),
        ("camp_statistics", 104, "missing-location"), ("camp_regions", 2, "empty-title"),
    }
    lines = {(p.row_id, p.line) for p in result.problems if p.table == "camps"}
    assert (2, 6) in lines and (4, 11) in lines
    text = (tmp_path / "gulag-map.ttl").read_text(encoding="utf-8")
    assert 'rdfs:label "Test ITL, (with a comma)"@en , "Тестовый ИТЛ"@ru' in text
    assert 'skos:altLabel "Testlag"@en , "Second name (with, comma)"@en , "Тестлаг"@ru' in text
    assert '"Testovyy PFL No 3"@en' in text and "Neue" not in text and "New prison" not in text
    assert "geo:lat 50.25 ;" in text and "geo:long 72.5 ;" in text
    assert "hg:countedAt place:gulag-map-location-11" in text
    assert "gulag-map-location-14" not in text and "gulag-map-4 " not in text
    assert "camp_statistics" in result.summary() and "zero-count" in result.summary()


def test_a_failure_while_writing_leaves_the_previous_file(tmp_path, monkeypatch):
    importer.import_archive("gulag-map", MINI, tmp_path)
    target = tmp_path / "gulag-map.ttl"
    before = target.read_bytes()
    target.write_bytes(before + b"# the previous file\n")
    before = target.read_bytes()

    def write_half_then_fail(handle, data):
        handle.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", write_half_then_fail)
    with pytest.raises(OSError):
        importer.import_archive("gulag-map", MINI, tmp_path)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gulag-map.report.tsv", "gulag-map.ttl"]


def test_a_failure_at_the_rename_leaves_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "gulag-map.ttl"
    target.write_text("# previous\n", encoding="utf-8")

    def fail(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(OSError):
        importer.import_archive("gulag-map", MINI, tmp_path)
    assert target.read_text(encoding="utf-8") == "# previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gulag-map.ttl"]


def test_a_killed_import_leaves_the_previous_file_or_the_new_one(tmp_path):
    target = tmp_path / "gulag-map.ttl"
    target.write_text("# previous\n", encoding="utf-8")
    ready = tmp_path / "half-written"
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from heritage_graph.util import atomic
        from heritage_graph.ingest import importer

        def slow_write(handle, data):
            handle.write(data[: len(data) // 2])
            handle.flush()
            Path({str(ready)!r}).write_text("ready")
            time.sleep(60)
            handle.write(data[len(data) // 2 :])

        atomic._write_all = slow_write
        importer.import_archive("gulag-map", {str(MINI)!r}, {str(tmp_path)!r})
        """)
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert process.poll() is None, "the import ended before it began writing"
            assert time.monotonic() < deadline, "the import never began writing"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert target.read_text(encoding="utf-8") == "# previous\n"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".gulag-map.ttl.")]
    assert len(leftovers) == 1  # the killed run's temporary file: harmless, never read as the graph
    assert not leftovers[0].endswith(".ttl")
    importer.import_archive("gulag-map", MINI, tmp_path)
    assert target.read_text(encoding="utf-8").startswith("# Memorial, GULAG map")


def test_a_graph_that_breaks_the_shapes_is_not_written(tmp_path, monkeypatch):
    target = tmp_path / "gulag-map.ttl"
    target.write_text("# previous\n", encoding="utf-8")
    original = gulag_map.GulagMapAdapter.to_rdf

    def broken(self, read):
        result = original(self, read)
        claim = next(q.subject for q in result.quads if q.object == ox.NamedNode(HG + "Claim"))
        result.quads.append(ox.Quad(claim, ox.NamedNode(HG + "year"), ox.Literal("1950s")))
        return result

    monkeypatch.setattr(gulag_map.GulagMapAdapter, "to_rdf", broken)
    with pytest.raises(importer.ImportValidationError) as caught:
        importer.import_archive("gulag-map", MINI, tmp_path)
    assert "nothing was written" in str(caught.value) and "hg:year" in str(caught.value)
    assert "hgsh:Resource-year" in str(caught.value)
    assert target.read_text(encoding="utf-8") == "# previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gulag-map.ttl"]


def test_unusable_archives_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no archive adapter is called 'nope'"):
        importer.import_archive("nope", MINI, tmp_path)
    with pytest.raises(InputError, match="no such folder"):
        importer.import_archive("gulag-map", tmp_path / "missing", tmp_path)
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "camps.sql").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="incomplete: missing camp-locations.sql, "):
        importer.import_archive("gulag-map", partial, tmp_path)
    broken = tmp_path / "broken"
    broken.mkdir()
    for file in TABLE_FILES.values():
        (broken / file).write_bytes((MINI / file).read_bytes())
    (broken / "camp-regions.sql").write_text("INSERT INTO camp_regions (id, title)\nVALUES (1, 'open", encoding="utf-8")
    with pytest.raises(InputError, match=r"^camp-regions.sql:2: a string ' is never closed"):
        importer.import_archive("gulag-map", broken, tmp_path)
    assert not (tmp_path / "gulag-map.ttl").exists()


def test_the_registry_finds_adapters_by_module():
    assert "gulag-map" in adapters.names()
    assert isinstance(adapters.get("gulag-map"), gulag_map.GulagMapAdapter)


#################################################################
# CSV with a mapping
#################################################################

GRAVES_MAPPING = """
source: {iri: "source:global-true-lithuania-kazakhstan"}
quote: "graves.csv row {_row}: {name}, {count}"
columns:
  site: {required: true}
  name: {required: true}
  year: {datatype: integer}
  count: {required: true, datatype: integer}
resources:
  - subject: "claim:{site|slug}-{name|slug}-graves-{year}"
    type: hg:Claim
    properties:
      - {property: rdfs:label, template: "Graves of {name} in {year}", datatype: langString, language: en}
      - {property: hg:about, template: "site:{site}", datatype: iri}
      - {property: hg:quantityKind, constant: hg:GraveCount}
      - {property: hg:value, column: count, datatype: integer}
      - {property: hg:approximation, constant: hg:Exact}
      - {property: hg:year, column: year, datatype: integer}
"""


def test_the_example_csv_imports_and_validates(tmp_path):
    out = tmp_path / "nationality-table.ttl"
    result = importer.import_csv(EXAMPLES / "nationality-table.csv", EXAMPLES / "nationality-table.yaml", out)
    assert result.written and result.validation.violations == []
    assert result.counts["nationality-table.csv"].read == 7
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TURTLE)
    claims = list(store.query("""PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        SELECT ?c ?value ?approx WHERE { ?c a hg:Claim ; hg:approximation ?approx OPTIONAL { ?c hg:value ?value } }"""))
    assert len(claims) == 7
    assert sum(1 for c in claims if c["value"] is None) == 1
    assert "ILLUSTRATIVE" in (EXAMPLES / "nationality-table.csv").read_text(encoding="utf-8")
    assert not (ROOT / "data" / "examples").exists()


def test_a_csv_with_bad_rows_names_each_row_and_writes_nothing(tmp_path, write):
    mapping = write("graves.yaml", GRAVES_MAPPING)
    csv_file = write("graves.csv", "site,name,year,count\n"
                                   "spassk-memorial-cemetery,Grave A,1950,12\n"
                                   "spassk-memorial-cemetery,Grave B,19x0,12\n"
                                   ",Grave C,1951,3\n"
                                   "spassk-memorial-cemetery,Grave D,1952\n"
                                   "spassk-memorial-cemetery,\"Grave, E\",1953,4\n"
                                   "spassk-memorial-cemetery,Grave F,1954,many\n")
    out = tmp_path / "graves.ttl"
    out.write_text("# previous\n", encoding="utf-8")
    with pytest.raises(csv_mapping.CsvRowErrors) as caught:
        importer.import_csv(csv_file, mapping, out)
    assert caught.value.errors == [
        "graves.csv:3: column 'year': '19x0' is not an integer",
        "graves.csv:4: column 'site': required, but empty",
        "graves.csv:5: 3 cells for the 4 columns of the header",
        "graves.csv:7: column 'count': 'many' is not an integer",
    ]
    assert str(caught.value).startswith("graves.csv: 4 errors in 4 rows; nothing was written")
    assert out.read_text(encoding="utf-8") == "# previous\n"


def test_a_csv_whose_resources_break_the_shapes_names_the_row(tmp_path, write):
    mapping = write("graves.yaml", GRAVES_MAPPING)
    csv_file = write("graves.csv", "site,name,year,count\n"
                                   "spassk-memorial-cemetery,Grave A,1950,12\n"
                                   "nowhere,Grave B,1950,5\n"
                                   "spassk-memorial-cemetery,Grave C,1650,5\n")
    out = tmp_path / "graves.ttl"
    with pytest.raises(importer.ImportValidationError) as caught:
        importer.import_csv(csv_file, mapping, out)
    message = str(caught.value)
    assert "graves.csv:3: claim:nowhere-grave-b-graves-1950: hg:about" in message
    assert "graves.csv:4: claim:spassk-memorial-cemetery-grave-c-graves-1650: hg:year" in message
    assert "Grave A" not in message and not out.exists()


def test_a_good_csv_about_bundled_resources_validates_with_their_context(tmp_path, write):
    mapping = write("graves.yaml", GRAVES_MAPPING)
    csv_file = write("graves.csv", "site,name,year,count\nspassk-memorial-cemetery,Grave A,1950,12\n")
    result = importer.import_csv(csv_file, mapping)
    assert result.written and result.out_path == csv_file.with_suffix(".ttl")


def test_mapping_errors_are_all_reported_at_once(write):
    mapping = write("bad.yaml", """
source: {iri: "not an iri"}
columns: {a: {datatype: number}}
extra: 1
resources:
  - subject: "claim:{b}"
    type: hg:Claim
    properties:
      - {property: hg:value, column: a, template: "{a}"}
      - {property: "no", constant: "x"}
      - {property: rdfs:label, template: "{a", datatype: langString}
""")
    with pytest.raises(InputError) as caught:
        csv_mapping.load_mapping(mapping)
    message = str(caught.value)
    for fragment in ("unknown key 'extra'", "source: iri: 'not an iri'", "datatype: 'number'",
                     "exactly one of column, template, constant", "property: 'no'", "a '{' without its '}'"):
        assert fragment in message, fragment
    with pytest.raises(InputError, match="not YAML|not valid YAML"):
        csv_mapping.load_mapping(write("broken.yaml", "a: [1, 2"))


def test_slug_and_conversions():
    assert csv_mapping.slug("Šiauliai / Region 1954") == "siauliai-region-1954"
    prefixes = dict(csv_mapping.PREFIXES)
    assert csv_mapping.convert("12", "integer", None, prefixes)[0].value == "12"
    assert csv_mapping.convert("1 200", "integer", None, prefixes) == (None, "'1 200' is not an integer")
    assert csv_mapping.convert("camp:karlag", "iri", None, prefixes)[0].value == ID + "camp/karlag"
    assert csv_mapping.convert("2024-02-30", "date", None, prefixes)[1] is not None


if hypothesis is not None:
    _cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
    _csv_rows = st.lists(st.lists(st.one_of(_cells, st.sampled_from(["1950", "12", "", "all", "exact", "unknown",
                                                                       "at least", "example-camp", "x y"])),
                                  min_size=0, max_size=9), max_size=6)

    @needs_hypothesis
    @_settings(200)
    @given(_csv_rows, st.booleans())
    def test_any_csv_gives_resources_or_a_clean_input_error(rows, with_header):
        import csv as csv_module
        import io

        mapping = csv_mapping.load_mapping(EXAMPLES / "nationality-table.yaml")
        buffer = io.StringIO()
        writer = csv_module.writer(buffer)
        if with_header:
            writer.writerow(["camp", "camp_label", "year", "group", "count", "approximation", "stated_as", "page"])
        writer.writerows(rows)
        adapter = csv_mapping.CsvMappingAdapter(mapping)
        try:
            read = adapter.read_text(buffer.getvalue(), "h.csv")
        except InputError as exc:
            assert str(exc).startswith("h.csv")
        else:
            result = adapter.to_rdf(read)
            serialize_turtle(result.quads)

    def assert_resources_or_a_clean_error(adapter, text):
        """The rows of ``text`` make resources that the Turtle writer writes and reads back whole,
        or one clean error naming the file."""
        try:
            result = adapter.to_rdf(adapter.read_text(text, "h.csv"))
        except InputError as exc:
            assert str(exc).startswith("h.csv"), str(exc)
        else:
            assert result.quads and all(isinstance(q.subject, ox.NamedNode) for q in result.quads)
            text = serialize_turtle(result.quads)
            parsed = {ox.Triple(q.subject, q.predicate, q.object)
                      for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)}
            assert parsed == {ox.Triple(q.subject, q.predicate, q.object) for q in result.quads}

    @needs_hypothesis
    @_settings(200)
    @given(st.text(max_size=200))
    def test_any_csv_text_gives_resources_or_a_clean_input_error(text):
        mapping = csv_mapping.load_mapping(EXAMPLES / "nationality-table.yaml")
        adapter = csv_mapping.CsvMappingAdapter(mapping)
        assert_resources_or_a_clean_error(adapter, text)

    _yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=15),
                              st.sampled_from(["hg:Claim", "claim:{a}", "{a}", "integer", "iri", "langString",
                                               "en", "hg:value", "a", "source:x"]))
    _yaml_values = st.recursive(_yaml_scalars, lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["iri", "label", "subject", "type", "properties", "property", "column",
                                         "template", "constant", "datatype", "language", "required", "when",
                                         "values", "unique", "quote", "a", "filled", "equals"]),
                        children, max_size=4)), max_leaves=12)

    @needs_hypothesis
    @_settings(300)
    @given(st.dictionaries(st.sampled_from(["source", "columns", "resources", "quote", "csv", "prefixes", "name",
                                            "other"]), _yaml_values, max_size=6),
           st.lists(st.lists(_cells, min_size=1, max_size=3), max_size=3))
    def test_any_mapping_gives_a_mapping_or_a_clean_input_error(data, rows):
        try:
            mapping = csv_mapping.mapping_from_dict(data, "m.yaml")
        except InputError as exc:
            assert str(exc).startswith("m.yaml")
            return
        adapter = csv_mapping.CsvMappingAdapter(mapping)
        header = ",".join(mapping.columns)
        text = header + "\n" + "\n".join(",".join(r) for r in rows)
        assert_resources_or_a_clean_error(adapter, text)


#################################################################
# The command line
#################################################################

def test_the_command_line_imports_and_reports(run_cli, tmp_path):
    result = run_cli("import", "gulag-map", MINI, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "camp_statistics" in result.output and (tmp_path / "gulag-map.ttl").exists()
    bad = run_cli("import", "csv", EXAMPLES / "nationality-table.csv", "--mapping", tmp_path / "missing.yaml")
    assert bad.exit_code == 2 and "missing.yaml" in bad.output
