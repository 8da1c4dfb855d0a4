"""The reference engine: pySHACL on an in-memory rdflib copy of the store (ten times faster for
pySHACL than an Oxigraph-backed graph), its report graph as the results."""

from __future__ import annotations

import pyshacl
from pyshacl.errors import ReportableRuntimeError, ShapeLoadError

from ..errors import InputError
from ..rdf.convert import to_rdflib
from ..rdf.load import Dataset


def run_pyshacl(dataset: Dataset, shapes_graph):
    """pySHACL's report graph for the data of ``dataset`` (copied into an rdflib graph).

    :raises InputError: pySHACL cannot use the shapes.
    """
    data_graph = to_rdflib(dataset.store.quads())
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
