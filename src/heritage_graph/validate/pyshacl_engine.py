"""The reference engine: pySHACL on an in-memory rdflib graph of the data as written in the files
(ten times faster for pySHACL than an Oxigraph-backed graph), its report graph as the results."""

from __future__ import annotations

import pyshacl
from pyshacl.errors import ReportableRuntimeError, ShapeLoadError

from ..errors import InputError


def run_pyshacl(data_graph, shapes_graph):
    """pySHACL's report graph for ``data_graph`` (an rdflib graph, see :mod:`.written`).

    :raises InputError: pySHACL cannot use the shapes.
    """
    try:
        _conforms, results_graph, _text = pyshacl.validate(
            data_graph,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
        )
    except (ShapeLoadError, ReportableRuntimeError) as exc:
        raise InputError(f"the shapes cannot be used: {exc}") from exc
    if not hasattr(results_graph, "subjects"):
        raise InputError(f"the shapes cannot be used: {_text or results_graph}")
    return results_graph
