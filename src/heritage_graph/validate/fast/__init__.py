"""A SHACL engine that runs on the embedded Oxigraph store and reports exactly what pySHACL reports.

pySHACL, the reference, needs the data in an rdflib graph and checks one resource at a time in
Python: some 20 s for the bundled 40,000 triples, minutes for a million. This engine checks the
same shapes where the data already are, in two steps for every constraint of every shape:

1. **Find the candidates** with one SPARQL query over the whole store: the focus nodes whose
   values are not *certainly* fine (for ``sh:datatype xsd:integer``, every value that is not a
   valid ``xsd:integer``; for ``sh:minCount 1``, every focus node without the property). The
   query may let through nodes that are fine, never hold back one that is not.
2. **Decide** for each candidate the way pySHACL does, in Python on rdflib terms (datatypes,
   comparisons, regular expressions, language tags, counts, shapes within shapes, severities),
   and build the same result: focus node, path, value, source shape, constraint component,
   severity and messages.

Data in the thousands therefore cost one query per constraint, not one Python check per value.
SHACL-SPARQL targets and constraints (``sh:target``/``sh:sparql`` with ``$this``) run as they are
written, once for all their focus nodes, with one rewrite that gives the same answers faster
(:func:`lateral_paths`). Two things can make their answers differ from rdflib's SPARQL, and
both are handled:

- the store lists a triple once per file that holds it, rdflib once: every query of the engine
  asks for DISTINCT values, pySHACL drops repeated rows of a SPARQL constraint, and a SPARQL
  constraint that counts (aggregates, LIMIT) is left to pySHACL;
- rdflib takes a number that is not valid for its datatype (``"abc"^^xsd:integer``) for a number,
  Oxigraph does not: data holding one are left to pySHACL (:class:`Fallback`).

The engine knows the subset of SHACL the project's shapes use (and a little more, listed in
:data:`SUPPORTED`): targets ``sh:targetClass``, ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``, SPARQL targets; property shapes whose ``sh:path`` is an IRI; the
constraint components below. A shapes graph using anything else raises :class:`Unsupported`
before any data are read, naming the shape and the feature; the caller then validates with
pySHACL instead. Never a silently different answer.

Literals are compared as rdflib compares them: every term leaving the store is converted once,
the same way the pySHACL path converts the data (``"x"^^xsd:string`` becomes a plain ``"x"``),
so a value equals a shape's ``sh:in`` member exactly when it does under pySHACL.

The package, one job a module: :mod:`.scope` (what is evaluated), :mod:`.terms`, :mod:`.data` (the
store through rdflib terms), :mod:`.shapes` (reading shapes), :mod:`.compile` (shapes into
constraints), :mod:`.rewrite` (the shapes' SPARQL made to run on the store), :mod:`.expressions`
and :mod:`.focus` (the candidate queries), :mod:`.components`, :mod:`.values`, :mod:`.constraints`
and :mod:`.sparql` (the constraint components), :mod:`.engine` (running them), :mod:`.report`
(results and the report graph).
"""

from .engine import Engine, validate_store
from .report import Result, report_graph, results_from_graph
from .rewrite import lateral_paths, with_prefixes
from .scope import FALLBACKS, SUPPORTED, Fallback, Unsupported

__all__ = ["FALLBACKS", "SUPPORTED", "Engine", "Fallback", "Result", "Unsupported", "lateral_paths", "report_graph",
           "results_from_graph", "validate_store", "with_prefixes"]
