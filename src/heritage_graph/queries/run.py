"""Running a stored query: by name, with its parameters, whole or one page at a time.

A query whose answer grows with the data says so with grlc's ``#+ pagination: N``: it is run one
page of N rows at a time (``page=1`` first), as grlc does, by a ``LIMIT`` and ``OFFSET`` after its
outer query, whose ``ORDER BY`` makes the pages add up to the whole answer. Without parameters, a
page is read from the store's listing when it has one (:mod:`.listing`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox

from ..errors import QueryError
from ..rdf.store import QueryResult, Store, Term
from .catalogue import StoredQuery, find
from .params import bind, with_values

_ERROR_AT = re.compile(r"error at (\d+):(\d+): ?")


def check_syntax(text: str, path: Path | None = None) -> None:
    """Parse ``text`` as the store will, without data.

    :raises QueryError: the query does not parse; names the file and line.
    """
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        message = str(exc)
        match = _ERROR_AT.search(message)
        where = str(path) if path else "query"
        if match:
            where += f":{match.group(1)}:{match.group(2)}"
            message = _ERROR_AT.sub("", message)
        raise QueryError(f"{where}: SPARQL syntax error: {message}") from exc


def run_text(text: str, store: Store, bindings: Mapping[str, Term] | None = None) -> QueryResult:
    """Run a SPARQL text on ``store`` with ``bindings`` in a ``VALUES`` block."""
    return store.query(with_values(text, bindings or {}))


def paginate(text: str, size: int, page: int, *, extra: int = 0) -> str:
    """``text`` limited to its ``page``-th page of ``size`` rows (pages count from 1), as grlc pages
    a query: a ``LIMIT`` and ``OFFSET`` after the outer query. ``extra`` more rows are asked for, so
    that the caller can tell whether another page follows.

    >>> paginate("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", 100, 3)
    'SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\\nLIMIT 100\\nOFFSET 200\\n'
    """
    page = check_page(page)
    return f"{text.rstrip()}\nLIMIT {size + extra}\nOFFSET {(page - 1) * size}\n"


def check_page(page) -> int:
    """A page number given as text or number, checked: a whole number, 1 or more.

    :raises QueryError: anything else.
    """
    text = str(page).strip()
    if isinstance(page, bool) or not re.fullmatch(r"\+?\d+", text) or int(text) < 1:
        raise QueryError(f"page {page!r}: pages are numbered 1, 2, 3, ...")
    return int(text)


@dataclass
class ResultPage:
    """One page of a paginated query's rows: the page's number, its size, and whether more follow."""

    result: QueryResult
    page: int
    size: int
    has_next: bool


def run(name_or_query: str | StoredQuery, store: Store, values: Mapping[str, str] | None = None,
        *, page: int | None = None) -> QueryResult:
    """Run a stored query by name (or a :class:`StoredQuery`) with parameter ``values`` as text.

    A paginated query (``#+ pagination: N``) gives all its rows, or with ``page`` only that page;
    without parameters, from the store's listing when it has one (:mod:`.listing`).
    """
    if page is not None:
        return run_page(name_or_query, store, values, page).result
    query = find(name_or_query) if isinstance(name_or_query, str) else name_or_query
    check_syntax(query.text, query.path)
    bindings = bind(query, values or {}, store)
    if query.pagination and not bindings and store.listings is not None:
        listed = store.listings.result(query)
        if listed is not None:
            return listed
    return run_text(query.text, store, bindings)


def run_page(name_or_query: str | StoredQuery, store: Store, values: Mapping[str, str] | None = None,
             page: int = 1) -> ResultPage:
    """The ``page``-th page (from 1) of a paginated query's rows, and whether another page follows.

    Without parameters, the page is read from the store's listing when it has one for the query
    (:mod:`.listing`); otherwise the store works it out.

    :raises QueryError: the query is not paginated, or ``page`` is not a page number.
    """
    query = find(name_or_query) if isinstance(name_or_query, str) else name_or_query
    if query.pagination is None:
        raise QueryError(f"query {query.name!r} is not paginated: it answers in one piece, without pages")
    page = check_page(page)
    check_syntax(query.text, query.path)
    bindings = bind(query, values or {}, store)
    if not bindings and store.listings is not None:
        listed = store.listings.page(query, page)
        if listed is not None:
            return listed
    # One row more than the page holds tells whether another page follows.
    result = store.query(paginate(with_values(query.text, bindings), query.pagination, page, extra=1))
    has_next = len(result.rows) > query.pagination
    del result.rows[query.pagination:]
    return ResultPage(result, page, query.pagination, has_next)
