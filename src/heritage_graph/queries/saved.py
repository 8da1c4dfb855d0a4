"""Saved stores with their listings, and the store a query reads.

A saved Oxigraph store (``heritage-graph load --store DIR``) keeps the listings of the paginated
stored queries inside it (:mod:`.listing`): :func:`save_store` writes the store with them
(:func:`heritage_graph.rdf.load.save_store` writes the store, this module adds the listings) and
:func:`open_store` opens it with them. :func:`open_source` is the store a command reads: a remote
endpoint, a saved store, or the data files loaded now.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..rdf import load as loader
from ..rdf.load import Dataset
from ..rdf.store import EndpointStore, OxigraphStore, Store
from . import listing


def _build_listings(store: OxigraphStore, staging: Path) -> None:
    listing.build(store, staging / listing.FOLDER)


def save_store(paths: Iterable[Path | str] | None, target: Path | str, *, base: str | None = None,
               check: Callable[[Dataset], object] | None = None) -> Dataset:
    """Load files into a new on-disk Oxigraph store at ``target``, replacing any store there whole,
    with the listings of the paginated stored queries inside it; ``check(dataset)`` may refuse the
    data in memory by raising, before anything is written.

    The listings are worked out on the data in memory, before the store is written, and stamped
    with the store's files once it is closed (:func:`heritage_graph.rdf.load.save_store`).
    """
    return loader.save_store(paths, target, base=base, before_write=_build_listings,
                             after_write=listing.stamp_store, check=check)


def open_store(path: Path | str) -> OxigraphStore:
    """Open a saved store (read-only), with its listings if they were made from it as it is."""
    store = loader.open_store(path)
    store.listings = listing.Listings.for_saved_store(path)
    return store


def open_source(
    endpoint: str | None = None,
    data: Iterable[Path | str] | None = None,
    store_dir: Path | str | None = None,
    *,
    timeout: float = 60,
    user: str | None = None,
    password: str | None = None,
    auth: str = "basic",
) -> Store:
    """The store a command reads: a remote endpoint, a saved Oxigraph store, or the data loaded now
    (the bundled data when ``data`` is empty)."""
    if endpoint:
        return EndpointStore(endpoint, timeout=timeout, user=user, password=password, auth=auth)
    if store_dir:
        return open_store(store_dir)
    return loader.load(list(data or []) or None).store
