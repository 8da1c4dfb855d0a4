"""Listings: the pages of the paginated stored queries, worked out once and read back.

Every page read from a listing must be the page the store works out; a listing that cannot stand
for the query (its text changed, the store changed, a file damaged) must not be used.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from heritage_graph import generate

from heritage_graph.queries import listing
from heritage_graph.queries import catalogue as q
from heritage_graph.queries import run as qrun
from heritage_graph.queries.saved import open_store, save_store
from heritage_graph.rdf.load import load

QUERIES = Path(__file__).resolve().parents[1] / "queries"

#: Page sizes small enough for a small register to fill several pages.
SMALL_PAGES = {"names": 70, "timeline": 25}


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("register")
    path = folder / "register.ttl"
    generate.generate(120, 1954, 0.0, path, show_progress=False)
    return [*generate.context_paths(), path]


@pytest.fixture(scope="module")
def small_pages(tmp_path_factory) -> dict[str, q.StoredQuery]:
    """The paginated stored queries as they are, but with small pages."""
    folder = tmp_path_factory.mktemp("queries")
    for name, size in SMALL_PAGES.items():
        text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        assert "#+ pagination: " in text
        text = "\n".join(f"#+ pagination: {size}" if line.startswith("#+ pagination:") else line
                         for line in text.splitlines()) + "\n"
        (folder / f"{name}.rq").write_text(text, encoding="utf-8")
    return q.catalogue(folder)


@pytest.fixture(scope="module")
def dataset(register):
    return load(register)


@pytest.fixture(scope="module")
def built(dataset, small_pages, tmp_path_factory) -> listing.Listings:
    folder = tmp_path_factory.mktemp("built") / listing.FOLDER
    listing.build(dataset.store, folder, small_pages)
    return listing.Listings(folder)


def engine_page(stored, store, page, values=None):
    """The page as the store works it out, without any listing."""
    saved, store.listings = store.listings, None
    try:
        return qrun.run_page(stored, store, values, page)
    finally:
        store.listings = saved


@pytest.mark.parametrize("name", sorted(SMALL_PAGES))
def test_every_page_of_a_listing_is_the_page_the_store_works_out(name, dataset, small_pages, built):
    stored = small_pages[name]
    meta = json.loads((built.folder / name / "listing.json").read_text(encoding="utf-8"))
    assert meta["pages"] >= 4, "the register fills several pages"
    assert meta["rows"] == len(qrun.run(stored, dataset.store).rows)
    for page in range(1, meta["pages"] + 2):  # and the page after the last, which is empty
        expected = engine_page(stored, dataset.store, page)
        got = built.page(stored, page)
        assert got is not None
        assert (got.result.variables, got.result.rows, got.has_next, got.size) == (
            expected.result.variables, expected.result.rows, expected.has_next, expected.size), (name, page)
    whole = built.result(stored)
    assert whole.rows == qrun.run(stored, dataset.store).rows


def test_the_stored_queries_read_their_pages_from_the_stores_listing(dataset, small_pages, built):
    stored = small_pages["names"]
    dataset.store.listings = built
    try:
        damaged = _replace_in_page(built.folder / "names" / "page-000002.tsv")
        page = qrun.run_page(stored, dataset.store, None, 2)
        assert damaged in {row[4].value for row in page.result.rows}, "the page came from the listing"
        # With a parameter the store works the page out.
        lt = qrun.run_page(stored, dataset.store, {"language": "lt"}, 1)
        assert lt.result.rows == engine_page(stored, dataset.store, 1, {"language": "lt"}).result.rows
    finally:
        dataset.store.listings = None
        shutil.rmtree(built.folder)
        listing.build(dataset.store, built.folder, small_pages)
        built._meta.clear()


def _replace_in_page(path: Path) -> str:
    """Change one name on a listing's page, keeping the file a valid page; returns the new name."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split("\t")
    cells[4] = '"Changed in the listing"@en'
    lines[1] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "Changed in the listing"


def test_a_listing_is_not_used_for_a_query_whose_text_changed(dataset, small_pages, built):
    stored = small_pages["timeline"]
    changed = q.StoredQuery(**{**stored.__dict__, "text": stored.text.replace("ORDER BY (!BOUND(?year)) ?year",
                                                                            "ORDER BY DESC(?year)")})
    assert changed.text != stored.text
    assert built.page(changed, 1) is None
    assert built.result(changed) is None
    other_size = q.StoredQuery(**{**stored.__dict__, "pagination": stored.pagination + 1})
    assert built.page(other_size, 1) is None


@pytest.mark.parametrize("damage", ["truncated", "missing", "not TSV", "other columns"])
def test_a_damaged_listing_is_not_used(damage, dataset, small_pages, built, tmp_path):
    stored = small_pages["names"]
    copy = tmp_path / listing.FOLDER
    shutil.copytree(built.folder, copy)
    page = copy / "names" / "page-000002.tsv"
    text = page.read_text(encoding="utf-8")
    if damage == "truncated":
        page.write_text(text[: len(text) // 2].rsplit("\n", 1)[0] + "\n", encoding="utf-8")
    elif damage == "missing":
        page.unlink()
    elif damage == "not TSV":
        page.write_text(text.replace("<https", "<<https", 1), encoding="utf-8")
    else:
        page.write_text(text.replace("?name_kind", "?kind", 1), encoding="utf-8")
    damaged = listing.Listings(copy)
    assert damaged.page(stored, 2) is None
    assert damaged.result(stored) is None
    assert damaged.page(stored, 1) is not None  # the pages left whole still serve
    dataset.store.listings = damaged
    try:
        assert qrun.run_page(stored, dataset.store, None, 2).result.rows == engine_page(stored, dataset.store, 2).result.rows
    finally:
        dataset.store.listings = None


def test_only_paginated_queries_that_run_without_parameters_have_listings():
    catalogue = q.catalogue()
    assert {name for name, s in catalogue.items() if listing.listable(s)} == {"names", "timeline"}
    required = q.StoredQuery(**{**catalogue["names"].__dict__, "parameters": [
        q.Parameter(**{**catalogue["names"].parameters[0].__dict__, "optional": False})]})
    assert not listing.listable(required)


def test_load_store_saves_the_listings_and_query_store_reads_them(register, tmp_path, run_cli):
    target = tmp_path / "graph.oxigraph"
    result = run_cli("load", "--store", target, *register)
    assert result.exit_code == 0, result.output
    store = open_store(target)
    assert store.listings is not None
    for name in ("names", "timeline"):
        assert json.loads((target / listing.FOLDER / name / "listing.json").read_text())["sha256"] == \
            listing.digest(q.find(name).text)
    # The page the command shows is the listing's: change a name in it and the command shows it.
    changed = _replace_in_page(target / listing.FOLDER / "names" / "page-000001.tsv")
    shown = run_cli("query", "names", "--store", target, "--page", 1, "--format", "csv")
    assert shown.exit_code == 0 and changed in shown.output
    whole = run_cli("query", "names", "--store", target, "--all-pages", "--format", "csv")
    assert whole.exit_code == 0 and changed in whole.output


def test_the_saved_store_answers_as_the_files_do(register, tmp_path, run_cli):
    target = tmp_path / "graph.oxigraph"
    assert run_cli("load", "--store", target, *register).exit_code == 0
    data = [arg for path in register for arg in ("--data", path)]
    for name in ("names", "timeline"):
        from_store = run_cli("query", name, "--store", target, "--format", "csv")
        from_files = run_cli("query", name, *data, "--format", "csv")
        assert from_store.exit_code == 0 and from_store.output == from_files.output


def test_a_saved_store_changed_since_its_listings_were_made_does_not_use_them(register, tmp_path):
    target = tmp_path / "graph.oxigraph"
    save_store(register, target)
    assert open_store(target).listings is not None
    writable = ox.Store(str(target))
    writable.add(ox.Quad(ox.NamedNode("https://w3id.org/heritage-graph/id/person/x"),
                         ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("X"),
                         ox.NamedNode("https://example.org/g")))
    writable.flush()
    del writable
    assert open_store(target).listings is None


def test_a_store_given_quads_drops_its_listings(dataset, built):
    from heritage_graph.rdf.store import OxigraphStore

    store = OxigraphStore()
    store.listings = built
    store.add_quads([ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"))])
    assert store.listings is None


def test_the_server_answers_pages_from_listings_it_made_at_start(dataset, small_pages):
    from starlette.testclient import TestClient

    from heritage_graph.serve.app import create_app

    app = create_app(dataset.store, workers=1)
    listings = app.state.config.listings
    assert listings is not None and dataset.store.listings is None
    stored = q.find("names")
    with TestClient(app) as client:
        for page in (1, 2):
            answer = client.get(f"/api/queries/names?page={page}&format=json")
            assert answer.status_code == 200
            rows = answer.json()["results"]["bindings"]
            expected = engine_page(stored, dataset.store, page)
            assert [r["name"]["value"] for r in rows] == [row[4].value for row in expected.result.rows]
            assert ('rel="next"' in answer.headers.get("link", "")) == expected.has_next
        changed = _replace_in_page(listings.folder / "names" / "page-000001.tsv")
        listings._meta.clear()
        served = client.get("/api/queries/names?page=1&format=csv").text
        assert changed in served
        by_worker = client.get("/api/queries/names?page=1&format=csv&language=en").text
        assert changed not in by_worker and by_worker.count("\n") > 10


def test_a_query_that_cannot_be_listed_is_a_clear_error_and_leaves_no_listing(dataset, small_pages, tmp_path):
    from heritage_graph.errors import QueryError

    broken = q.StoredQuery(**{**small_pages["names"].__dict__, "text": small_pages["names"].text.replace(
        "ORDER BY", "ORDER BY ?resource ?resource ORDER BY")})
    folder = tmp_path / listing.FOLDER
    with pytest.raises(QueryError, match="names"):
        listing.build(dataset.store, folder, {"timeline": small_pages["timeline"], "names": broken})
    assert not folder.exists() and list(tmp_path.iterdir()) == []


def test_the_server_starts_without_listings_when_they_cannot_be_made(dataset, monkeypatch, caplog):
    from starlette.testclient import TestClient

    from heritage_graph.errors import QueryError
    from heritage_graph.serve.app import create_app

    def failing(*args, **kwargs):
        raise QueryError("the listing of names could not be made: no space left on device")

    monkeypatch.setattr(listing, "build", failing)
    app = create_app(dataset.store, workers=1)
    assert app.state.config.listings is None
    assert "serving without listings" in caplog.text
    with TestClient(app) as client:
        answer = client.get("/api/queries/names?page=1&format=csv")
        assert answer.status_code == 200
        assert answer.text.count("\n") - 1 == len(engine_page(q.find("names"), dataset.store, 1).result.rows)
