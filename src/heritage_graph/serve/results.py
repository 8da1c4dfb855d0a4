"""A query result written in one of the formats the endpoint negotiates: the W3C SPARQL 1.1 results
formats for solutions and booleans, the RDF formats for graphs.
"""

from __future__ import annotations

import json
from typing import Mapping

import pyoxigraph as ox

from . import negotiation as neg
from ..rdf.store import QueryResult


def serialize_result(result: QueryResult, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
    """A query result in one of the negotiated formats (an offer suffix: ``json``, ``xml``, ``csv``,
    ``tsv`` for solutions and booleans; ``ttl``, ``jsonld``, ``nt``, ``rdf`` for graphs)."""
    from ..queries import results

    if result.kind == "graph":
        offer = neg.by_suffix(fmt, neg.GRAPH_TYPES)
        if offer is None:
            raise ValueError(f"no graph format {fmt!r}")
        return ox.serialize(result.triples, format=offer.rdf_format, prefixes=dict(prefixes or {}))
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}).encode()
        if fmt == "xml":
            return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                    f"<head/><boolean>{'true' if result.boolean else 'false'}</boolean></sparql>\n").encode()
        return b"true\n" if result.boolean else b"false\n"
    if fmt == "xml":
        return _results_xml(result).encode("utf-8")
    render = {"json": results.to_json, "csv": results.to_csv, "tsv": results.to_tsv}[fmt]
    return render(result).encode("utf-8")


def _results_xml(result: QueryResult) -> str:
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>\n<results>")
    for row in result.rows:
        out.append("<result>")
        for name, term in zip(result.variables, row):
            if term is None:
                continue
            if isinstance(term, ox.NamedNode):
                value = f"<uri>{escape(term.value)}</uri>"
            elif isinstance(term, ox.BlankNode):
                value = f"<bnode>{escape(term.value)}</bnode>"
            elif isinstance(term, ox.Literal):
                if term.language:
                    value = f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
                elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                    value = f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
                else:
                    value = f"<literal>{escape(term.value)}</literal>"
            else:
                value = f"<literal>{escape(str(term))}</literal>"
            out.append(f"<binding name={quoteattr(name)}>{value}</binding>")
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out)
