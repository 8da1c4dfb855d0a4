"""The facets of the browse pages (heritage_graph.web.facets): every file of facets/ is read and
names what the graph holds; the values and their counts are those a SPARQL count gives; a wrong
file is refused with its name, the facet and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from heritage_graph.errors import ConfigError
from heritage_graph.rdf.load import load
from heritage_graph.util import resources
from heritage_graph.web.data import SiteData
from heritage_graph.web.facets import KINDS, class_facets, facet_sets, read_file
from heritage_graph.web.render import render_class

FACETS = resources.folder("facets")
HG = "https://w3id.org/heritage-graph/ontology#"


@pytest.fixture(scope="module")
def data() -> SiteData:
    return SiteData(load(None).store)


@pytest.mark.parametrize("path", sorted(FACETS.glob("*.toml")), ids=lambda p: p.name)
def test_every_facet_file_reads_and_names_a_class_of_the_ontology(path, data):
    found = read_file(path)
    assert found.facets and all(f.kind in KINDS for f in found.facets)
    cls = found.cls.replace("hg:", HG)
    assert data.exists(ox.NamedNode(cls)), cls
    for shown in class_facets(data, cls):  # each facet's query runs
        assert shown.facet in found.facets


def test_the_camp_facets_count_what_a_sparql_count_gives(data):
    shown = {s.facet.name: s for s in class_facets(data, HG + "Camp")}
    assert set(shown) == {"type", "region", "activity", "years"}
    rows = data.ox.query(f"""PREFIX hg: <{HG}>
        SELECT ?type (COUNT(DISTINCT ?camp) AS ?n) WHERE {{ ?camp a hg:Camp ; hg:campType ?type }} GROUP BY ?type""",
                         use_default_graph_as_union=True)
    counted = {r["type"].value.rsplit("/", 1)[-1]: int(r["n"].value) for r in rows}
    assert {v.key: v.count for v in shown["type"].values} == counted
    assert {v.label for v in shown["type"].values} >= {"Corrective-labor camps", "Special camps"}
    assert [v.count for v in shown["type"].values] == sorted((v.count for v in shown["type"].values), reverse=True)
    first, last = shown["years"].years
    assert first <= 1954 <= last
    karlag = ox.NamedNode("https://w3id.org/heritage-graph/id/camp/karlag")
    years = [int(y) for y in shown["years"].of[karlag].split()]
    assert years[0] <= years[1]


def test_a_browse_page_with_facets_carries_each_rows_values(data):
    html = render_class(data.store, HG + "Camp", root="../", data=data)
    assert '<form id="facets"' in html and 'assets/facets.js' in html
    assert html.count('data-f-type="') == sum(v.count for s in class_facets(data, HG + "Camp")
                                               if s.facet.name == "type" for v in s.values)
    assert 'name="years-from"' in html and 'name="years-to"' in html
    plain = render_class(data.store, HG + "Place", root="../", data=data)
    assert '<form id="facets"' not in plain and "data-f-" not in plain


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, said", [
    ('class = "hg:Camp"\n[[facet]]\nname = "type"\nlabel = "Type"\npath = "hg:campType"\nkind = "dates"\n',
     "facet 1 (type): 'kind' must be one of values, years"),
    ('class = "hg:Camp"\n[[facet]]\nname = "Type!"\nlabel = "Type"\npath = "hg:campType"\n', "facet 1: 'name'"),
    ('class = "hg:Camp"\n[[facet]]\nname = "type"\nlabel = "Type"\npath = "hg:campType ?x . ?x"\n',
     "facet 1 (type): the path 'hg:campType ?x . ?x' is not a SPARQL property path"),
    ('class = "hg:Camp"\n[[facet]]\nname = "t"\nlabel = "T"\npath = "hg:p ?value } SERVICE <http://e.example/> { ?item hg:q"\n',
     "is not a SPARQL property path"),
    ('class = "hg:Camp"\n[[facet]]\nname = "t"\nlabel = "T"\npath = "hg:p ?value } } LIMIT 1 #"\n',
     "is not a SPARQL property path"),
    ('class = "Camp"\n[[facet]]\nname = "t"\nlabel = "T"\npath = "hg:p"\n', "'class' must be a prefixed name"),
    ('class = "hg:Camp"\n', "no [[facet]]"),
    ('class = "hg:Camp"\n[[facet]]\nname = "t"\nlabel = "T"\npath = "hg:p"\nwhere = "x"\n', "unknown key 'where'"),
    ('class = "hg:Camp"\n[[facet]\n', "not TOML"),
])
def test_a_wrong_facet_file_is_refused_naming_the_file_and_the_facet(tmp_path, text, said):
    with pytest.raises(ConfigError) as caught:
        read_file(_write(tmp_path, text))
    assert str(caught.value).startswith(str(tmp_path / "bad.toml")) and said in str(caught.value)


def test_two_files_for_one_class_are_refused(tmp_path):
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text('class = "hg:Camp"\n[[facet]]\nname = "t"\nlabel = "T"\npath = "hg:campType"\n',
                                     encoding="utf-8")
    with pytest.raises(ConfigError, match="b.toml: the class hg:Camp has its facets in .*a.toml already"):
        facet_sets(tmp_path)
