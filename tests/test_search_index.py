"""The static release's search index (heritage_graph.publish.search_index): one Pagefind record per
resource searched, made from the data, indexed by the real Pagefind binary, which is named no
page at all."""

from __future__ import annotations

import gzip
import json
import shutil
import threading
import time

import pytest

from heritage_graph.publish.pagefind_service import Record
from heritage_graph.publish.release import PublishError
from heritage_graph.publish.search_index import FILTER, VOCABULARY_URL, IndexJob, index_files, is_index_file, records, split
from heritage_graph.rdf.load import load
from heritage_graph.web.data import SiteData
from heritage_graph.web.search import searched_names

CAMP = "https://w3id.org/heritage-graph/id/camp/"
HOSTILE = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix hg: <https://w3id.org/heritage-graph/ontology#> .
<https://w3id.org/heritage-graph/id/camp/x> a hg:Camp ; rdfs:label "Camp <img src=x onerror=alert(1)>"@en ;
    skos:altLabel "Лагерь & <b>"@ru .
"""


@pytest.fixture(scope="module")
def bundled() -> SiteData:
    return SiteData(load(None).store)


def test_one_record_per_resource_searched_with_its_names_and_keys(bundled):
    found = records(bundled)
    assert len(found) == len({name[0] for name in searched_names(bundled)})
    assert len({r.url for r in found}) == len(found)
    assert not any("/claim/" in r.url for r in found)
    karlag = next(r for r in found if r.url == "/doc/camp/karlag.html")
    assert karlag.meta == {"title": "Karlag"}
    for word in ("Karlag", "Karlagas", "Карлаг", "karlag", "karlagas"):
        assert word in karlag.content.split(), word


def test_the_names_of_a_record_are_text_not_markup(tmp_path):
    data = tmp_path / "hostile.ttl"
    data.write_text(HOSTILE, encoding="utf-8")
    [record] = [r for r in records(SiteData(load([data]).store)) if r.url == "/doc/camp/x.html"]
    assert "<" not in record.content and "&lt;img src=x onerror=alert(1)&gt;" in record.content
    assert "Лагерь &amp; &lt;b&gt;" in record.content


def test_pagefind_makes_the_index_of_the_records_alone(bundled):
    """Nothing but the records goes in (no folder of pages is named), every record is a page of
    the index, and the same records make the same files."""
    found = records(bundled)
    files = index_files(found)
    assert files == index_files(found)
    content = dict(files)
    assert {"pagefind-entry.json", "pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "wasm.en.pagefind"} <= set(content)
    assert all(content.values())
    entry = json.loads(content["pagefind-entry.json"])
    assert entry["languages"]["en"]["page_count"] == len(found)
    fragments = [json.loads(gzip.decompress(data)[len(b"pagefind_dcd"):])
                 for path, data in files if path.startswith("fragment/")]
    assert {f["url"] for f in fragments} == {r.url for r in found}
    assert any(f["meta"]["title"] == "Karlag" and "Карлаг" in f["content"] for f in fragments)


def test_each_record_is_titled_as_its_page(bundled):
    found = records(bundled)
    by_path = {r.url: r for r in found}
    for node in sorted({name[0] for name in searched_names(bundled)}, key=lambda n: n.value):
        assert by_path["/" + bundled.doc_path(node.value)].meta["title"] == bundled.label(node), node


def test_pagefind_stopping_is_one_clear_error(monkeypatch):
    """A Pagefind binary that stops at once (``false``, named as the package lets one be named)."""
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", shutil.which("false"))
    with pytest.raises(PublishError, match="^Pagefind stopped while writing the search index$"):
        index_files([Record("/doc/camp/karlag.html", "Karlag karlag", {"title": "Karlag"})])


def _records(count: int) -> list[Record]:
    return [Record(url=f"/doc/person/p-{i}.html", content=f"Person {i} Kazlauskas{i} Antanas{i}",
                   meta={"title": f"Person {i}"}) for i in range(count)]


def test_an_index_made_beside_the_build_is_the_index_made_at_once():
    items = _records(50)
    assert IndexJob(items).files() == index_files(items)


def test_a_cancelled_index_stops_pagefind_at_once():
    """A build that fails stops Pagefind: the thread has ended when cancel returns, and there are
    no files (without the stop, Pagefind would finish indexing 40,000 records first)."""
    job = IndexJob(_records(40_000))
    time.sleep(1)  # Pagefind is at work (it takes some seconds over these records)
    job.cancel()
    assert not [t for t in threading.enumerate() if t.name == "search-index"]
    with pytest.raises(PublishError, match="Pagefind stopped|cancelled"):
        job.files()


def test_a_large_index_comes_in_parts_each_a_bundle_of_its_records():
    """Records beyond a part's size go into further parts (pagefind/part-2/, …), each the index
    of a Pagefind bundle holding its own records and no other, every record in exactly one, and a
    record of every word of every part, which lacks the filter of the records searched."""
    items = _records(23)
    job = IndexJob(items, part_size=10)
    files = job.files()
    assert job.merged == ["part-2/", "part-3/"]
    content = dict(files)
    words = {word for r in items for word in r.content.split()}
    found = []
    for folder in ("", "part-2/", "part-3/"):
        assert f"{folder}pagefind-entry.json" in content
        held = {path[len(folder):] for path in content if path.startswith(folder) and not path.startswith("part-", len(folder))}
        if folder:  # the index alone: the interface and the search are the first part's
            assert held == {path for path in held if is_index_file(path)} and "index" in {p.split("/")[0] for p in held}
        else:
            assert {"pagefind.js", "wasm.en.pagefind", "pagefind-ui.js"} <= held
        entry = json.loads(content[f"{folder}pagefind-entry.json"])
        fragments = [json.loads(gzip.decompress(data)[len(b"pagefind_dcd"):])
                     for path, data in files if path.startswith(f"{folder}fragment/")]
        [vocabulary] = [f for f in fragments if f["url"] == VOCABULARY_URL]
        assert vocabulary["filters"] == {} and set(vocabulary["content"].rstrip(".").split()) == words
        mine = [f for f in fragments if f["url"] != VOCABULARY_URL]
        assert all(f["filters"] == {FILTER[0]: [FILTER[1]]} for f in mine)
        assert entry["languages"]["en"]["page_count"] == len(mine) + 1 and len(mine) in (7, 8)
        found += [f["url"] for f in mine]
    assert sorted(found) == sorted(r.url for r in items)
    assert files == index_files(items, part_size=10)


def test_an_index_of_one_part_has_no_vocabulary_record():
    files = index_files(_records(5), part_size=10)
    fragments = [json.loads(gzip.decompress(data)[len(b"pagefind_dcd"):]) for path, data in files
                 if path.startswith("fragment/")]
    assert len(fragments) == 5 and all(f["filters"] == {FILTER[0]: [FILTER[1]]} for f in fragments)
    assert not any(path.startswith("part-") for path, _ in files)


@pytest.mark.parametrize("count, size, sizes", [(0, 5, [0]), (5, 5, [5]), (6, 5, [3, 3]), (11, 5, [4, 4, 3])])
def test_the_parts_are_as_few_and_as_even_as_can_be(count, size, sizes):
    parts = split(list(range(count)), size)
    assert [len(p) for p in parts] == sizes
    assert [i for p in parts for i in p] == list(range(count))
