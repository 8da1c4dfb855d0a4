"""Archive adapters: one module per archive, found by name.

Each module of this package may define adapters: subclasses of
:class:`~heritage_graph.ingest.adapters.base.Adapter` decorated with :func:`register`. The registry
imports every module of the package the first time an adapter is looked up, so adding an archive
is adding a module here; no other file changes.

>>> "gulag-map" in names()
True
>>> get("gulag-map").name
'gulag-map'
"""

from __future__ import annotations

import importlib
import pkgutil

from ...errors import InputError
from .base import Adapter

_REGISTRY: dict[str, type[Adapter]] = {}
_DISCOVERED = False

#: Modules of the package that hold helpers, not adapters.
_HELPERS = {"base", "pgsql"}


def register(cls: type[Adapter]) -> type[Adapter]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise TypeError(f"{cls.__name__}: an adapter needs a 'name'")
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls and existing.__qualname__ != cls.__qualname__:
        raise TypeError(f"two adapters are named {name!r}: {existing.__qualname__} and {cls.__qualname__}")
    _REGISTRY[name] = cls
    return cls


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _HELPERS and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    _DISCOVERED = True


def names() -> list[str]:
    """The names of the registered archive adapters, sorted."""
    _discover()
    return sorted(_REGISTRY)


def get(name: str) -> Adapter:
    """A new instance of the adapter called ``name``.

    :raises InputError: no adapter has that name.
    """
    _discover()
    cls = _REGISTRY.get(name)
    if cls is None:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise InputError(f"no archive adapter is called {name!r} (known: {known})")
    return cls()
