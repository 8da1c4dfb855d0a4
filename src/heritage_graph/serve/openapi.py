"""The OpenAPI 3 description of the query API (``/api/openapi.json``): one operation per stored query,
with its parameters, columns, formats and pages.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

from .. import __version__
from ..queries import catalogue as q
from .api import API_FORMATS, required
from .responses import TRUNCATED_HEADER, root


def openapi(request):
    """``/api/openapi.json``: an OpenAPI 3 document of every stored query endpoint."""
    return JSONResponse(openapi_document(root(request)))


_SCHEMAS = {
    "iri": {"type": "string"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "boolean": {"type": "boolean"},
}


def _typed_default(kind: str, raw: str):
    try:
        if kind == "integer":
            return int(raw)
        if kind == "decimal":
            return float(raw)
        if kind == "boolean":
            return raw.strip().lower() in ("true", "1")
    except ValueError:
        return raw
    return raw


def openapi_document(root: str = "/") -> dict:
    """The OpenAPI 3.0 description of ``/api/queries/{name}`` for every stored query."""
    error_response = {"description": "", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
        "text/plain": {"schema": {"type": "string"}}}}

    def failure(text):
        return dict(error_response, description=text)

    paths = {
        "/api/queries": {"get": {
            "operationId": "listQueries", "summary": "Every stored query, with its parameters and columns",
            "tags": ["catalogue"],
            "responses": {"200": {"description": "The catalogue", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"queries": {"type": "array", "items": {"type": "object"}}}}}}}},
        }},
    }
    format_parameter = {
        "name": "format", "in": "query", "required": False,
        "description": "The results format (else chosen by the Accept header): the W3C SPARQL 1.1 results formats.",
        "schema": {"type": "string", "enum": [o.suffix for o in API_FORMATS], "default": "json"},
    }
    for name, stored in q.catalogue().items():
        parameters = []
        for p in stored.parameters:
            schema = dict(_SCHEMAS[p.type])
            if p.default is not None:
                schema["default"] = _typed_default(p.type, p.default)
            description = p.description or p.name
            if p.type == "iri":
                description += " (a label, a prefixed name such as camp:karlag, or a full IRI)"
            parameters.append({"name": p.name, "in": "query", "required": required(p),
                               "description": description, "schema": schema})
        columns = "".join(f"\n- `{c}`: {d}" for c, d in stored.columns.items())
        paths[f"/api/queries/{name}"] = {"get": {
            "operationId": "query_" + name.replace("-", "_"),
            "summary": stored.summary,
            "description": (stored.description + "\n\nColumns:" + columns) if columns else stored.description,
            "tags": stored.tags or ["queries"],
            "parameters": parameters + [format_parameter] + ([{
                "name": "page", "in": "query", "required": False,
                "description": f"The page of {stored.pagination} rows to answer; the Link header gives the "
                               "first, previous and next pages.",
                "schema": {"type": "integer", "minimum": 1, "default": 1}}] if stored.pagination else []),
            "responses": {
                "200": {"description": "The rows, in the SPARQL 1.1 results format asked for. Cut at the server's "
                                       f"row cap, in which case the {TRUNCATED_HEADER} header gives the cap.",
                        "headers": {TRUNCATED_HEADER: {"description": "present when the rows were cut at this cap",
                                                       "schema": {"type": "integer"}},
                                    **({"Link": {"description": "the first, previous and next pages (RFC 8288)",
                                                 "schema": {"type": "string"}}} if stored.pagination else {})},
                        "content": {
                            "application/sparql-results+json": {
                                "schema": {"$ref": "#/components/schemas/SparqlResults"}},
                            "application/sparql-results+xml": {"schema": {"type": "string"}},
                            "text/csv": {"schema": {"type": "string"}},
                            "text/tab-separated-values": {"schema": {"type": "string"}}}},
                "400": failure("A parameter that cannot be used (unknown, not of its type, or naming nothing)"),
                "406": {"description": "None of the accepted media types can be served",
                        "content": {"text/plain": {"schema": {"type": "string"}}}},
                "503": failure("The query ran out of time, or the server is busy"),
            },
        }}
    term = {"type": "object", "required": ["type", "value"], "properties": {
        "type": {"type": "string", "enum": ["uri", "literal", "bnode", "typed-literal"]},
        "value": {"type": "string"}, "datatype": {"type": "string"}, "xml:lang": {"type": "string"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "heritage-graph stored queries", "version": __version__,
                 "description": "Every stored SPARQL query of heritage-graph as a web API. Parameters are bound "
                                "as RDF terms, never pasted into the query text.",
                 "license": {"name": "Code MIT; data CC BY 4.0"}},
        "servers": [{"url": root.rstrip("/") or "/"}],
        "paths": paths,
        "components": {"schemas": {
            "SparqlResults": {"type": "object", "required": ["head"], "properties": {
                "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
                "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": {
                    "type": "object", "additionalProperties": term}}}},
                "boolean": {"type": "boolean"}}},
            "Error": {"type": "object", "required": ["status", "error"], "properties": {
                "status": {"type": "integer"}, "error": {"type": "string"}}},
        }},
    }


# Running ----------------------------------------------------------------------------------------
