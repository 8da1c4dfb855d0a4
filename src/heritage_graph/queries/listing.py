"""Listings: the pages of the paginated stored queries, worked out once and kept beside a store.

A paginated stored query (``#+ pagination: N``, such as ``names`` and ``timeline``) lists every
person and record of a register, in an order that needs every row: a store has to find and sort
all of them before it can answer any one page (a page of ``timeline`` costs as much as the whole
answer). A listing is that whole answer, cut into its pages and saved, so that a page is read
rather than worked out: a materialised view of the query, for the store it was made from.

- ``heritage-graph load --store DIR`` makes the listings inside the saved store
  (``DIR/heritage-graph-listings/``), and ``query --store DIR`` and ``serve --store DIR`` read
  them; ``serve --data`` makes them for its in-memory store when it starts.
- A listing answers only the query it was made from, without parameters: each listing records a
  digest of its query's text, and a query whose text has changed since is worked out by the
  store again; so is any query given parameters.
- A saved store's listings record the store's files (names and sizes). A store changed since
  (opened for writing by another program) no longer matches, and its listings are not used.

Each page is a SPARQL 1.1 TSV results document (``page-000001.tsv``), so its terms come back
exactly as the store gave them; ``listing.json`` holds the page size, the row count and the digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from ..errors import QueryError
from ..rdf.store import OxigraphStore, QueryResult
from ..util.progress import progress
from . import catalogue as q
from .run import ResultPage, check_syntax

#: The folder of a saved store that holds its listings.
FOLDER = "heritage-graph-listings"

#: The files of an Oxigraph (RocksDB) store whose names and sizes change whenever it is written.
_STORE_FILES = (".sst", ".log", ".blob")
_STORE_PREFIXES = ("MANIFEST-", "CURRENT")


def digest(text: str) -> str:
    """The digest a listing keeps of its query's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def store_stamp(path: Path | str) -> list[list]:
    """The names and sizes of a saved store's data files: they change whenever the store is written.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "000001.sst").write_bytes(b"x"), (folder / "LOG").write_text("log")
    >>> store_stamp(folder)
    [['000001.sst', 1]]
    """
    path = Path(path)
    stamp = []
    for entry in os.scandir(path):
        if entry.is_file() and (entry.name.endswith(_STORE_FILES) or entry.name.startswith(_STORE_PREFIXES)):
            stamp.append([entry.name, entry.stat().st_size])
    return sorted(stamp)


def listable(stored) -> bool:
    """Whether a stored query can have a listing: it comes in pages and can run without any
    parameter (none is required and none has a default)."""
    return bool(stored.pagination) and all(p.optional and p.default is None for p in stored.parameters)


def _page_file(folder: Path, page: int) -> Path:
    return folder / f"page-{page:06d}.tsv"


def _tsv_row(solution, variables: list[str]) -> str:
    # A term's own N-Triples form is its TSV form: tabs and line breaks in literals are escaped.
    return "\t".join("" if (term := solution[v]) is None else str(term) for v in variables)


def build(store: OxigraphStore, folder: Path | str, queries=None, *, bar_label: str = "listings") -> None:
    """Work out the listing of every paginated query of ``queries`` (the stored queries by default)
    on ``store`` and write it to ``folder``, replacing what is there only once every listing is written.

    :raises QueryError: a query that does not parse, or fails, or a listing that cannot be written.
    """

    folder = Path(folder)
    queries = [s for s in (q.catalogue() if queries is None else queries).values() if listable(s)]
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with progress(len(queries), bar_label, "queries") as bar:
            for stored in queries:
                try:
                    _build_one(store, stored, staging / stored.name)
                except (OSError, ValueError, RuntimeError, SyntaxError) as exc:
                    raise QueryError(f"the listing of {stored.name} could not be made: {exc}") from exc
                bar.update(1)
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _build_one(store: OxigraphStore, stored, folder: Path) -> None:

    check_syntax(stored.text, stored.path)
    folder.mkdir()
    # streamed, not through store.query, which holds every row
    result = store.ox.query(stored.text, use_default_graph_as_union=True)
    variables = [v.value for v in result.variables]
    head = "\t".join("?" + v for v in variables) + "\n"
    rows, page, lines = 0, 0, []

    def flush() -> None:
        _page_file(folder, page).write_text(head + "".join(line + "\n" for line in lines), encoding="utf-8")

    for solution in result:
        lines.append(_tsv_row(solution, variables))
        rows += 1
        if len(lines) == stored.pagination:
            page += 1
            flush()
            lines = []
    if lines or page == 0:
        page += 1
        flush()
    meta = {"query": stored.name, "sha256": digest(stored.text), "page_size": stored.pagination,
            "rows": rows, "pages": page, "variables": variables}
    (folder / "listing.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def stamp_store(store_path: Path | str) -> None:
    """Record the saved store's files beside its listings (once the store is closed for good)."""
    folder = Path(store_path) / FOLDER
    (folder / "store.json").write_text(json.dumps({"files": store_stamp(store_path)}) + "\n", encoding="utf-8")


class Listings:
    """The listings in one folder, read page by page.

    :meth:`page` answers ``None`` whenever the listing cannot stand for the query: there is none
    for it, its query's text has changed, or a file of it is missing or unreadable; the caller then
    asks the store.
    """

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self._meta: dict[str, dict | None] = {}

    @classmethod
    def for_saved_store(cls, store_path: Path | str) -> Listings | None:
        """The listings of a saved store, if it has them and is the store they were made from."""
        folder = Path(store_path) / FOLDER
        try:
            recorded = json.loads((folder / "store.json").read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if recorded != store_stamp(store_path):
            return None
        return cls(folder)

    def _meta_for(self, stored) -> dict | None:
        if stored.name not in self._meta:
            try:
                meta = json.loads((self.folder / stored.name / "listing.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                meta = None
            self._meta[stored.name] = meta
        meta = self._meta[stored.name]
        if (meta is None or meta.get("sha256") != digest(stored.text)
                or meta.get("page_size") != stored.pagination):
            return None
        return meta

    def page(self, stored, page: int):
        """The ``page``-th page of ``stored`` (a :class:`.run.ResultPage`), or None."""

        meta = self._meta_for(stored)
        if meta is None:
            return None
        variables = list(meta["variables"])
        if page > meta["pages"]:
            return ResultPage(QueryResult("select", variables, []), page, stored.pagination, False)
        rows = self._read(stored.name, page, variables, self._rows_on(meta, page))
        if rows is None:
            return None
        return ResultPage(QueryResult("select", variables, rows), page, stored.pagination, page < meta["pages"])

    def result(self, stored) -> QueryResult | None:
        """Every row of ``stored``, page after page, or None."""
        meta = self._meta_for(stored)
        if meta is None:
            return None
        variables = list(meta["variables"])
        rows: list = []
        for page in range(1, meta["pages"] + 1):
            got = self._read(stored.name, page, variables, self._rows_on(meta, page))
            if got is None:
                return None
            rows.extend(got)
        return QueryResult("select", variables, rows)

    @staticmethod
    def _rows_on(meta: dict, page: int) -> int:
        return min(meta["page_size"], meta["rows"] - (page - 1) * meta["page_size"])

    def _read(self, name: str, page: int, variables: list[str], expected: int) -> list[tuple] | None:
        """The rows of one page file; None unless it holds the ``expected`` rows of ``variables``."""
        try:
            solutions = ox.parse_query_results(path=_page_file(self.folder / name, page),
                                               format=ox.QueryResultsFormat.TSV)
            if [v.value for v in solutions.variables] != variables:
                return None
            rows = [tuple(solution[v] for v in variables) for solution in solutions]
        except (OSError, SyntaxError, ValueError):
            return None
        return rows if len(rows) == expected else None
