"""Answering a stored query as the ``query`` command shows it: the rows, or one page of them, rendered.

:func:`answer` runs a stored query (or an ad-hoc ``.rq`` file) on a store, whole or one page at a
time, and returns the rendered rows with a note on which page they are (for standard error).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..rdf.store import Store
from . import catalogue as q
from .catalogue import StoredQuery
from .run import run, run_page
from .results import render


@dataclass
class Answer:
    """The rendered rows (for standard output) and, for a query in pages, which page they are."""

    text: str
    note: str | None = None


def stored_query(name: str | None, query_file: Path | None) -> StoredQuery:
    """The query to run: an ad-hoc ``.rq`` file when one is given, else the stored query ``name``."""
    return q.adhoc(query_file) if query_file else q.find(name)


def answer(stored: StoredQuery, store: Store, params: Mapping[str, str], fmt: str = "table", *,
           page: int | None = None, all_pages: bool = False) -> Answer:
    """Run ``stored`` on ``store`` with ``params`` and render its rows as ``fmt``.

    A query that answers in pages gives its ``page`` (default: the first) unless ``all_pages``;
    the note then says which page it is and the option that shows the next.
    """
    if stored.pagination is None or all_pages:
        return Answer(render(run(stored, store, params), fmt).rstrip("\n"))
    found = run_page(stored, store, params, page or 1)
    shown = f"Page {found.page} of {stored.name} ({found.size} rows a page)"
    if found.has_next:
        note = f"{shown}; the next: --page {found.page + 1}"
    elif found.result.rows or found.page == 1:
        note = f"{shown}, the last."
    else:
        note = f"{shown} is past the last page."
    return Answer(render(found.result, fmt).rstrip("\n"), note)
