"""Parameters of a stored query bound as RDF terms: the user's text made into terms, and the
terms written into the query as a ``VALUES`` block at the top of its ``WHERE`` group.

Which variables are parameters, and where the ``WHERE`` group opens, are read from the parsed
query (:mod:`.sparql`); a value is written in its canonical RDF syntax, so no value can change the
query's structure, the same way on the embedded store and on a remote endpoint.
"""

from __future__ import annotations

import re
from typing import Mapping

import pyoxigraph as ox

from ..errors import QueryError
from ..rdf.store import Store, Term
from ..rdf.vocab import PREFIXES, RDFS
from .catalogue import TYPES, Parameter, StoredQuery
from .memo import inspected

#: What the text of a typed parameter must look like.
_CHECKS = {
    "integer": r"[+-]?\d+",
    "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    "date": r"-?\d{4,}-\d\d-\d\d",
    "boolean": r"true|false|1|0",
}


def bind(query: StoredQuery, values: Mapping[str, str], store: Store) -> dict[str, Term]:
    """Turn the user's parameter values (and the header's defaults) into RDF terms.

    An IRI parameter takes a full IRI, a prefixed name (``group:lithuanians``) or a label
    (``Lithuanians``), looked up in the store: a resource whose main label it is comes before
    resources that have it as an alternative name.
    """
    for name in values:
        query.parameter(name)
    bound: dict[str, Term] = {}
    for p in query.parameters:
        raw = values.get(p.name, p.default)
        if raw is None:
            if not p.optional:
                raise QueryError(f"query {query.name!r} needs --param {p.name}=VALUE ({p.type})")
            continue
        bound[p.variable] = to_term(p, raw, store)
    return bound


def to_term(p: Parameter, raw: str, store: Store) -> Term:
    """The RDF term for one parameter value."""
    if p.type == "iri":
        return resolve_iri(p.name, raw, store)
    if p.type == "string":
        return ox.Literal(raw)
    literal = ox.Literal(raw, datatype=ox.NamedNode(TYPES[p.type]))
    if not re.fullmatch(_CHECKS[p.type], raw.strip()):
        raise QueryError(f"parameter {p.name}: {raw!r} is not a valid {p.type}")
    return literal


_LABEL_LOOKUP = f"""PREFIX rdfs: <{RDFS}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?resource (MIN(?rank) AS ?best) WHERE {{
  {{ ?resource rdfs:label ?label . BIND(0 AS ?rank) }}
  UNION
  {{ ?resource skos:altLabel ?label . BIND(1 AS ?rank) }}
  FILTER(LCASE(STR(?label)) = LCASE(STR(?text)))
}} GROUP BY ?resource ORDER BY ?best ?resource"""


def resolve_iri(name: str, raw: str, store: Store) -> ox.NamedNode:
    """The IRI an IRI parameter's text names: a full IRI, a prefixed name, or a label in the store."""
    text = raw.strip()
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and local and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:(//|[^\s]*$)", text):
        try:
            return ox.NamedNode(text)
        except ValueError as exc:
            raise QueryError(f"parameter {name}: {raw!r} is not a valid IRI") from exc
    found = store.query(with_values(_LABEL_LOOKUP, {"text": ox.Literal(text)})).rows
    # A name that is one resource's main label wins over the same name as another's variant.
    best = min((int(rank.value) for _, rank in found), default=None)
    matches = [row for row in found if int(row[1].value) == best]
    if len(matches) == 1:
        return matches[0][0]
    if not matches:
        raise QueryError(f"parameter {name}: nothing is labelled {raw!r}; give a label from the data or an IRI")
    listed = ", ".join(m[0].value for m in matches[:5])
    raise QueryError(f"parameter {name}: {raw!r} names {len(matches)} resources ({listed}); give the IRI")


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """``text`` with a ``VALUES`` block binding ``bindings`` at the top of its ``WHERE`` group.

    The values are written as RDF terms in their canonical syntax, so no value can change the
    query's structure.

    >>> with_values("SELECT ?x WHERE { ?x ?p ?_v }", {"_v": ox.Literal('a"} #')})
    'SELECT ?x WHERE { VALUES (?_v) { ("a\\\\"} #") }\\n ?x ?p ?_v }'

    :raises QueryError: the query does not parse, or has no ``WHERE`` group.
    """
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(_term_syntax(term) for term in bindings.values())
    block = f" VALUES ({names}) {{ ({terms}) }}\n"
    at = inspected(text).where_at
    if at is None:
        raise QueryError("the query has no WHERE group to bind parameters in")
    return text[: at + 1] + block + text[at + 1 :]


def _term_syntax(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        raise QueryError("a parameter cannot be a blank node")
    return str(term)
