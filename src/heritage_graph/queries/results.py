"""Query results as people and programs read them: the one writer of SPARQL results.

``table`` and ``md`` are for people (IRIs shortened to prefixed names); ``csv``, ``tsv``, ``json``
and ``xml`` follow the W3C SPARQL 1.1 Query Results CSV/TSV, JSON and XML formats, so any SPARQL
tool reads them; :func:`serialize` gives them as the bytes the server sends. Graph results
(CONSTRUCT, DESCRIBE) are written by pyoxigraph's own serialisers.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..rdf.store import QueryResult, Term
from ..rdf.vocab import XSD, shorten

FORMATS = ("table", "csv", "tsv", "json", "md")

_NUMERIC = {XSD + "integer", XSD + "decimal", XSD + "double", XSD + "boolean"}


def render(result: QueryResult, fmt: str = "table") -> str:
    """The result in ``fmt`` (one of :data:`FORMATS`)."""
    if result.kind == "graph":
        return _graph(result, fmt)
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean})
        return "true" if result.boolean else "false"
    return {"table": table, "csv": to_csv, "tsv": to_tsv, "json": to_json, "md": markdown}[fmt](result)


def display(term: Term | None) -> str:
    """A term as a person reads it: a prefixed name, or a literal's text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        short = shorten(term.value)
        return term.value if short.startswith("<") else short
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def table(result: QueryResult) -> str:
    """An aligned text table; a column ``x`` is left out where ``x_label`` names the same thing."""
    keep = [i for i, v in enumerate(result.variables) if f"{v}_label" not in result.variables]
    header = [result.variables[i] for i in keep]
    body = [[display(row[i]) for i in keep] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    numeric = [all(_is_number(row[i]) for row in result.rows if row[i] is not None) for i in keep]

    def line(cells):
        return "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in body)
    out.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(out)


def markdown(result: QueryResult) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(result.variables) + " |", "|" + "|".join(" --- " for _ in result.variables) + "|"]
    for row in result.rows:
        out.append("| " + " | ".join(cell(display(t)) for t in row) + " |")
    return "\n".join(out)


def to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value) for t in row])
    return buffer.getvalue()


def to_tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else _tsv_term(t) for t in row))
    return "\n".join(lines) + "\n"


def to_json(result: QueryResult, links: Sequence[str] = ()) -> str:
    """Solutions in the SPARQL Query Results JSON format; ``links`` (IRIs) go in ``head.link``."""
    bindings = []
    for row in result.rows:
        bindings.append({v: _json_term(t) for v, t in zip(result.variables, row) if t is not None})
    head: dict = {"vars": result.variables}
    if links:
        head["link"] = list(links)
    return json.dumps({"head": head, "results": {"bindings": bindings}}, indent=2, ensure_ascii=False)


def to_xml(result: QueryResult, links: Sequence[str] = ()) -> str:
    """Solutions in the SPARQL Query Results XML format.

    >>> print(to_xml(QueryResult("select", ["x"], [(ox.Literal("a<b", language="en"),)])))
    <?xml version="1.0"?>
    <sparql xmlns="http://www.w3.org/2005/sparql-results#">
    <head>
    <variable name="x"/>
    </head>
    <results>
    <result>
    <binding name="x"><literal xml:lang="en">a&lt;b</literal></binding>
    </result>
    </results>
    </sparql>
    <BLANKLINE>
    """
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out += [f"<link href={quoteattr(link)}/>" for link in links]
    out.append("</head>\n<results>")
    for row in result.rows:
        out.append("<result>")
        for name, term in zip(result.variables, row):
            if term is not None:
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out)


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD + "string":
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def serialize(result: QueryResult, fmt: str, links: Sequence[str] = ()) -> bytes:
    """Solutions or a boolean as the bytes of a SPARQL results document: ``fmt`` is ``json``,
    ``xml``, ``csv`` or ``tsv``. ``links`` (IRIs of documents about the result) are written in the
    head of the JSON and XML formats; CSV and TSV have no place for them.

    >>> serialize(QueryResult("ask", boolean=True), "json")
    b'{"head": {}, "boolean": true}'
    """
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}).encode()
        if fmt == "xml":
            return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                    f"<head/><boolean>{'true' if result.boolean else 'false'}</boolean></sparql>\n").encode()
        return b"true\n" if result.boolean else b"false\n"
    if fmt == "json":
        return to_json(result, links).encode("utf-8")
    if fmt == "xml":
        return to_xml(result, links).encode("utf-8")
    writer = {"csv": to_csv, "tsv": to_tsv}[fmt]
    return writer(result).encode("utf-8")


def _json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def _tsv_term(term: Term) -> str:
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC and not term.language:
        return term.value
    return str(term).replace("\t", "\\t")


def _is_number(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC - {XSD + "boolean"}


def _graph(result: QueryResult, fmt: str) -> str:
    rdf_format = ox.RdfFormat.N_TRIPLES if fmt in ("csv", "tsv") else ox.RdfFormat.TURTLE
    if fmt == "json":
        rdf_format = ox.RdfFormat.JSON_LD
    data = ox.serialize(result.triples, format=rdf_format) if result.triples else b""
    return data.decode("utf-8")
