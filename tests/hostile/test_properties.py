"""Property-based tests of the importers and the loader: any input gives a graph or a clean error.

For the GULAG map adapter (its SQL reader and its row mapping), the CSV mapping and the RDF
loader, whatever the input:

- either the result is a graph: written as Turtle it parses back to the same triples, and where
  it is validated it conforms to the shapes (an archive adapter reports and skips the rows it
  cannot take, so its output always conforms);
- or the error is a :class:`~heritage_graph.errors.HeritageGraphError` whose message names the
  file, one line per fault;
- never another exception.

The runs are bounded (a few hundred examples where no validation is needed, a dozen where it is)
so that the file takes well under a minute; ``HERITAGE_GRAPH_HYPOTHESIS_SCALE=20`` multiplies the
examples for a long run.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from heritage_graph.ingest import importer
from heritage_graph.ingest.adapters import csv_mapping, gulag_map
from heritage_graph.ingest.adapters.base import ReadResult, Record, Table
from heritage_graph.ingest.adapters.pgsql import DEFAULT, Expression, quote_literal
from heritage_graph.errors import HeritageGraphError, InputError
from heritage_graph.rdf.load import parse_file

SCALE = max(1, int(os.environ.get("HERITAGE_GRAPH_HYPOTHESIS_SCALE", "1") or 1))
HG = "https://w3id.org/heritage-graph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def bounded(examples: int):
    """No deadline (validation takes a second), no example database written into the checkout."""
    return settings(max_examples=examples * SCALE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


def triples(text: str) -> set:
    return {ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)}


def assert_clean(exc: HeritageGraphError, *files: str) -> None:
    """A message that names the file (or one of them) on its first line; each further line names a line of it."""
    message = str(exc)
    first, *rest = message.split("\n")
    assert first and any(name in first for name in files), message
    for line in rest:
        assert re.match(r"  \S+:\d+(,\d+)*(\.\.\.)?: |  \.\.\. and \d+ more$", line), message


#################################################################
# The GULAG map adapter: records as the SQL reader gives them
#################################################################

_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_language = st.one_of(st.sampled_from(["en", "ru", "de", "lt", "kk", "eng", "e", "e n", "", "EN", "1a"]), _texts)
_json_value = st.one_of(_texts, st.none(), st.integers(-5, 5), st.booleans(), st.lists(_texts, max_size=2),
                        st.sampled_from(["New prison", "Neue Gefängnis", "  Padded  \r\n", "Лагерь № 5", "a, (b, c)"]))
_multilingual = st.dictionaries(_language, _json_value, max_size=4).map(json.dumps)
_coordinate = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-400, 400),
    st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
    _texts, st.none(), st.booleans(), st.sampled_from([90, 62, "90", " 62 ", "1e400"]),
)
_geometry = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["Point", "Point", "Point", "LineString", 5]),
                           "coordinates": st.lists(_coordinate, max_size=3)}).map(lambda g: json.dumps(g, default=str)),
    st.just('{"type": "Point", "coordinates": [90, 62]}'),
)
_sql_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10), st.integers(-10**30, 10**30),
    st.decimals(allow_nan=False, allow_infinity=False), _texts, st.just(DEFAULT),
    st.builds(Expression, st.sampled_from(["now ( )", "1 + 2"])),
)
_id = st.one_of(st.integers(0, 6), st.integers(0, 6), _sql_scalar)


def _value(kind: str):
    """A value for a column, mostly of the kind the register has, sometimes anything at all."""
    usual = {
        "id": st.integers(0, 6), "ref": st.integers(0, 6), "json": _multilingual, "geom": _geometry,
        "year": st.one_of(st.integers(1930, 1960), st.integers(-10, 3000)),
        "count": st.one_of(st.integers(-5, 50000), st.decimals(allow_nan=False, allow_infinity=False),
                           st.just(Decimal("1E+999999")), st.integers(10**8, 10**12)),
    }[kind]
    return st.one_of(usual, usual, usual, _sql_scalar, st.just(None))


#: table → its columns and the kind of each
COLUMNS = {
    "camps": {"id": "id", "title": "json", "sub_titles": "json", "description": "json", "published": "json",
              "type_id": "ref", "activity_id": "ref", "region_id": "ref"},
    "camp_locations": {"id": "id", "geom": "geom", "description": "json", "camp_id": "ref", "order_index": "ref"},
    "camp_statistics": {"id": "id", "location_id": "ref", "year": "year", "prisoners_count": "count"},
    "camp_types": {"id": "id", "title": "json", "description": "json"},
    "camp_activities": {"id": "id", "title": "json"},
    "camp_regions": {"id": "id", "title": "json"},
}


def _rows(table: str, most: int):
    return st.lists(st.fixed_dictionaries({c: _value(k) for c, k in COLUMNS[table].items()}), max_size=most)


_archive = st.fixed_dictionaries({table: _rows(table, 5 if table != "camp_statistics" else 8) for table in COLUMNS})


def _read_result(archive: dict) -> ReadResult:
    read = ReadResult(source=Path("archive"))
    for table, rows in archive.items():
        file = gulag_map.TABLES[table][0]
        read.tables[table] = Table(table, file, [Record(dict(row), file, k + 2) for k, row in enumerate(rows)])
    return read


@bounded(200)
@given(_archive)
def test_any_records_map_to_a_graph_that_writes_and_reads_back(archive):
    adapter = gulag_map.GulagMapAdapter()
    rdf = adapter.to_rdf(_read_result(archive))
    text = importer.serialize_turtle(rdf.quads, header=adapter.header(rdf), prefixes=adapter.prefixes,
                                     sections=rdf.sections)
    assert triples(text) == {ox.Triple(q.subject, q.predicate, q.object) for q in rdf.quads}
    for problem in rdf.problems:  # every reported row: one line, with its file, line and what was done
        assert "\n" not in str(problem) and problem.file.endswith(".sql") and problem.line and problem.action
    for table, count in rdf.counts.items():
        assert 0 <= count.imported <= count.read and count.reported <= count.read, (table, count)
    camps = {q.subject for q in rdf.quads if q.predicate.value == RDF_TYPE and q.object.value == HG + "Camp"}
    located = {q.subject for q in rdf.quads if q.predicate.value == HG + "location"}
    assert camps <= located  # the shapes require a location; a camp without one is reported, not written


#################################################################
# The GULAG map adapter: SQL files, whole or damaged
#################################################################

def _sql(value) -> str:
    if value is DEFAULT:
        return "DEFAULT"
    if isinstance(value, Expression):
        return value.text.replace(" ( )", "()")
    return quote_literal(value)


def _render(table: str, rows: list[dict], one_statement: bool) -> str:
    columns = list(COLUMNS[table])
    tuples = [f"({', '.join(_sql(row[c]) for c in columns)})" for row in rows]
    head = f"INSERT INTO {table}({', '.join(columns)})"
    if not tuples:
        return f"-- no rows\nSELECT 1;\n{head}\nVALUES\n  (0{', NULL' * (len(columns) - 1)});\n"
    if one_statement:
        return f"{head}\nVALUES\n  " + ",\n  ".join(tuples) + ";\n"
    return "\n".join(f"{head} VALUES {t};" for t in tuples) + "\n"


_damage = st.one_of(
    st.none(), st.none(),
    st.tuples(st.sampled_from(list(COLUMNS)), st.floats(0, 1),
              st.one_of(_texts, st.sampled_from(["'", "(", ")", ";", ",", "/*", "--", "$$", '"', "\x00", "E'\\",
                                                 "\ufeff", "\n", "INSERT INTO camps(id) VALUES (1);", "99" * 600]))),
)


def _write_archive(folder: Path, archive: dict, one_statement: bool, damage) -> None:
    for table, rows in archive.items():
        text = _render(table, rows, one_statement)
        if damage is not None and damage[0] == table:
            cut = int(len(text) * damage[1])
            text = text[:cut] + damage[2] + text[cut:]
        (folder / gulag_map.TABLES[table][0]).write_text(text, encoding="utf-8")


_sql_archive = st.fixed_dictionaries({table: _rows(table, 4) for table in COLUMNS}).map(
    lambda a: {t: [{c: (v if not isinstance(v, Decimal) or v.is_finite() else None) for c, v in r.items()}
                   for r in rows] for t, rows in a.items()})


@bounded(150)
@given(_sql_archive, st.booleans(), _damage)
def test_any_sql_export_reads_to_a_graph_or_a_clean_input_error(archive, one_statement, damage):
    adapter = gulag_map.GulagMapAdapter()
    with tempfile.TemporaryDirectory(prefix="hg-hostile-") as name:
        folder = Path(name)
        _write_archive(folder, archive, one_statement, damage)
        try:
            read = adapter.read(folder)
        except InputError as exc:
            assert "\n" not in str(exc), str(exc)
            assert_clean(exc, *(file for file, _ in gulag_map.TABLES.values()))
            return
    rdf = adapter.to_rdf(read)
    text = importer.serialize_turtle(rdf.quads, header=adapter.header(rdf), prefixes=adapter.prefixes,
                                     sections=rdf.sections)
    assert len(triples(text)) == len({ox.Triple(q.subject, q.predicate, q.object) for q in rdf.quads})


@bounded(10)
@given(_sql_archive, st.booleans())
def test_any_readable_export_imports_a_graph_that_conforms(archive, one_statement):
    """The whole import, validation included: what the adapter writes always conforms to the shapes."""
    with tempfile.TemporaryDirectory(prefix="hg-hostile-") as name:
        folder = Path(name) / "archive"
        folder.mkdir()
        _write_archive(folder, archive, one_statement, None)
        out = Path(name) / "out"
        try:
            result = importer.import_archive("gulag-map", folder, out)
        except importer.ImportValidationError as exc:  # a row the adapter should have reported and skipped
            raise AssertionError(f"the adapter wrote a graph that breaks the shapes:\n{exc}") from exc
        except InputError as exc:
            event(f"not imported: {type(exc).__name__}")
            assert_clean(exc, *(file for file, _ in gulag_map.TABLES.values()))
            return
        event("imported")
        assert result.written and result.validation.violations == []
        assert len(triples((out / "gulag-map.ttl").read_text(encoding="utf-8"))) == result.triples


#################################################################
# The CSV mapping
#################################################################

_cell = st.one_of(
    _texts, st.integers(-10**6, 10**6).map(str), st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["", " ", "NULL", "null", "c. 1954", "150%", "1 200", "12.5", "+7", "-0", "0007", "true", "yes",
                     "2024-02-30", "1954-05-16", "camp:karlag", "https://example.org/x", "not an iri", "x y",
                     "a,b", 'say "hi"', "line\nbreak", "Šiauliai", "\u200b", "9" * 5000, "-" + "9" * 4001]),
)
_datatype = st.sampled_from(csv_mapping.DATATYPES)


@bounded(400)
@given(_cell, _datatype, st.sampled_from([None, "en", "lt", "kk-Cyrl"]))
def test_any_cell_converts_to_a_term_or_says_what_is_wrong(cell, datatype, language):
    term, problem = csv_mapping.convert(cell, datatype, language, dict(csv_mapping.PREFIXES))
    assert (term is None) != (problem is None)
    if problem is not None:
        assert "\n" not in problem and len(problem) < 300, problem
        return
    subject = ox.NamedNode("https://w3id.org/heritage-graph/id/place/x")
    quad = ox.Quad(subject, ox.NamedNode(HG + "p"), term)
    assert triples(importer.serialize_turtle([quad])) == {ox.Triple(quad.subject, quad.predicate, quad.object)}


def _mapping(datatypes: list[str]) -> csv_mapping.Mapping:
    """A mapping of three columns of the given datatypes to properties of one resource per row."""
    return csv_mapping.mapping_from_dict({
        "source": {"iri": "source:test-register", "label": "Test register", "local_copy": "registers/t.csv"},
        "quote": "row {_row}: {a}",
        "columns": {"key": {"required": True}, **{c: {} for c in "abc"}},
        "resources": [{
            "subject": "place:test-{key|slug}",
            "type": "hg:Village",
            "properties": [{"property": "rdfs:label", "template": "Place {key}", "datatype": "langString",
                            "language": "en"}]
            + [{"property": "rdfs:comment" if d == "langString" else f"hg:test-{c}", "column": c, "datatype": d,
                **({"language": "en"} if d == "langString" else {})}
               for c, d in zip("abc", datatypes)],
        }],
    }, "m.yaml")


@bounded(250)
@given(st.lists(_datatype, min_size=3, max_size=3),
       st.lists(st.lists(_cell, min_size=3, max_size=5), max_size=5), st.booleans(),
       st.sampled_from([",", ";", "\t"]))
def test_any_csv_gives_resources_or_a_clean_input_error(datatypes, rows, keyed, delimiter):
    import csv
    import io

    mapping = _mapping(datatypes)
    mapping.delimiter = delimiter
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["key", "a", "b", "c"])
    for k, row in enumerate(rows):
        writer.writerow(([f"k{k}"] if keyed else []) + row)
    adapter = csv_mapping.CsvMappingAdapter(mapping)
    try:
        read = adapter.read_text(buffer.getvalue(), "t.csv")
    except InputError as exc:
        assert_clean(exc, "t.csv")
        return
    rdf = adapter.to_rdf(read)
    text = importer.serialize_turtle(rdf.quads, header=adapter.header(rdf), prefixes=adapter.prefixes)
    assert triples(text) == {ox.Triple(q.subject, q.predicate, q.object) for q in rdf.quads}


@bounded(300)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_any_bytes_as_a_csv_file_give_resources_or_a_clean_input_error(raw):
    adapter = csv_mapping.CsvMappingAdapter(_mapping(["integer", "decimal", "date"]))
    try:
        rdf = adapter.to_rdf(adapter.read_text(raw, "t.csv"))
    except InputError as exc:
        assert_clean(exc, "t.csv")
        return
    text = importer.serialize_turtle(rdf.quads)
    assert triples(text) == {ox.Triple(q.subject, q.predicate, q.object) for q in rdf.quads}


REGISTER = {
    "source": {"iri": "source:test-register", "label": "Test register (made up for the tests)",
               "local_copy": "registers/test-register.csv"},
    "quote": "Test register, row {_row}: {place}, {year}, {count}",
    "columns": {"place": {"required": True}, "lat": {"datatype": "decimal"}, "long": {"datatype": "decimal"},
                "year": {"required": True, "datatype": "integer"}, "count": {"datatype": "integer"},
                "approximation": {"required": True}},
    "resources": [
        {"subject": "place:test-register-{place|slug}", "type": "hg:Village", "unique": False, "quote": False,
         "properties": [
             {"property": "rdfs:label", "column": "place", "datatype": "langString", "language": "en"},
             {"property": "geo:lat", "column": "lat", "datatype": "decimal"},
             {"property": "geo:long", "column": "long", "datatype": "decimal"}]},
        {"subject": "claim:test-register-{place|slug}-population-{year}", "type": "hg:Claim",
         "properties": [
             {"property": "rdfs:label", "template": "Population of {place} in {year}", "datatype": "langString",
              "language": "en"},
             {"property": "hg:about", "template": "place:test-register-{place|slug}", "datatype": "iri"},
             {"property": "hg:quantityKind", "constant": "hg:Population"},
             {"property": "hg:year", "column": "year", "datatype": "integer"},
             {"property": "hg:value", "column": "count", "datatype": "integer"},
             {"property": "hg:approximation", "column": "approximation", "datatype": "iri",
              "values": {"exact": "hg:Exact", "circa": "hg:Circa", "unknown": "hg:Unknown"}}]},
    ],
}

_register_row = st.fixed_dictionaries({
    "place": st.sampled_from(["Testovo", "Šiauliai", "Test Town", "Testovo", "Нур-Султан"]),
    "lat": st.one_of(st.decimals(min_value=-90, max_value=90, places=3).map(str), st.just("")),
    "long": st.one_of(st.decimals(min_value=-180, max_value=180, places=3).map(str), st.just("")),
    "year": st.integers(1700, 2100).map(str),
    "count": st.integers(1, 10**6).map(str),
    "approximation": st.sampled_from(["exact", "circa"]),
})
#: (row, column, cell): a cell put in place of a good one, to break a row in any way
_damage_cell = st.tuples(st.integers(0, 3), st.sampled_from(list(REGISTER["columns"])),
                         st.one_of(_cell, st.sampled_from(["95.5", "-181", "1699", "2101", "-5", "unknown", "0"])))


@bounded(10)
@given(st.lists(_register_row, min_size=1, max_size=4, unique_by=lambda r: (r["place"], r["year"])),
       st.lists(_damage_cell, max_size=2))
def test_any_csv_register_imports_a_conforming_graph_or_a_clean_error(rows, damage):
    """The whole CSV import, validation included: written only when it conforms, else a clean error."""
    import csv
    import io

    import yaml

    rows = [dict(row) for row in rows]
    for index, column, cell in damage:
        rows[index % len(rows)][column] = cell
    with tempfile.TemporaryDirectory(prefix="hg-hostile-") as name:
        folder = Path(name)
        (folder / "register.yaml").write_text(yaml.safe_dump(REGISTER, allow_unicode=True), encoding="utf-8")
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(REGISTER["columns"]))
        writer.writeheader()
        writer.writerows(rows)
        (folder / "register.csv").write_text(buffer.getvalue(), encoding="utf-8")
        out = folder / "out" / "register.ttl"
        try:
            result = importer.import_csv(folder / "register.csv", folder / "register.yaml", out, context=[])
        except InputError as exc:
            event(f"not imported: {type(exc).__name__}")
            assert_clean(exc, "register.csv", "register.ttl")
            assert not out.exists()
            return
        event("imported")
        assert result.written and result.validation.violations == []
        assert len(triples(out.read_text(encoding="utf-8"))) == result.triples


#################################################################
# The RDF loader
#################################################################

_turtle_pieces = st.sampled_from([
    "@prefix hg: <https://w3id.org/heritage-graph/ontology#> .\n", "@prefix ex: <http://example.org/> .\n",
    "ex:a", "hg:b", "<http://example.org/c>", "<rel>", "<http://ex ample>", '"text"', '"""long\ntext"""', '"open',
    "'x'", '"a\\qb"', '"\\u00e9"', '"\\uD800"', "@en", "@lithuanian", "^^xsd:integer", "^^hg:x", "12", "-3.5e2",
    "1.", "[", "]", "(", ")", ";", ",", ".", " ", "\n", "#", "_:b", "a", "true", "@base <http://x/> .\n",
    "\ufeff", "\x00", "\xe9", "{", "}", "GRAPH",
])


@bounded(300)
@given(st.one_of(st.lists(_turtle_pieces, max_size=25).map(" ".join).map(lambda t: t.encode("utf-8")),
                 st.binary(max_size=200)),
       st.sampled_from([".ttl", ".nt", ".nq", ".trig", ".n3", ".rdf", ".jsonld"]))
def test_any_bytes_as_an_rdf_file_give_quads_or_one_line_naming_the_file(content, suffix):
    with tempfile.TemporaryDirectory(prefix="hg-hostile-") as name:
        path = Path(name) / f"input{suffix}"
        path.write_bytes(content)
        try:
            quads = parse_file(path)
        except InputError as exc:
            message = str(exc)
            assert "\n" not in message and message.startswith(str(path)), message
            return
    assert all(isinstance(q, ox.Quad) for q in quads)
