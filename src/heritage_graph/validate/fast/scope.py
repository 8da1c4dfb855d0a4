"""What the fast engine evaluates, and the one list of what it leaves to pySHACL.

The engine declines in two ways: :class:`Unsupported` shapes (found before any data are read) and
a :class:`Fallback` met while validating; either way the caller validates with pySHACL instead, and
says why in a note. Both name a case of :data:`FALLBACKS` by its key, never a reason of their own;
``docs/validate.md`` lists the same cases (a test holds the two together).

>>> str(Fallback("invalid-number", '"abc"^^xsd:integer'))
'a number that is not valid for its datatype ("abc"^^xsd:integer)'
>>> str(Unsupported.gathered([Unsupported("sh:node", where="ex:S"), Unsupported("path", where="ex:T")]))
'ex:S: sh:node; ex:T: a property path other than one IRI'
"""

from __future__ import annotations

from dataclasses import dataclass

#: The constraint parameters this engine evaluates; any other SHACL constraint parameter in a
#: shape makes the shapes graph unsupported.
SUPPORTED = (
    "sh:class", "sh:datatype", "sh:nodeKind", "sh:in", "sh:pattern (with sh:flags)", "sh:languageIn",
    "sh:uniqueLang", "sh:minInclusive", "sh:maxInclusive", "sh:minExclusive", "sh:maxExclusive",
    "sh:minLength", "sh:maxLength", "sh:minCount", "sh:maxCount", "sh:lessThanOrEquals",
    "sh:and", "sh:or", "sh:not", "sh:xone", "sh:property", "sh:qualifiedValueShape",
    "sh:sparql (SELECT, $this, $PATH, $shapesGraph, $currentShape)",
)


@dataclass(frozen=True)
class Case:
    """A case the fast engine leaves to pySHACL: ``what`` it is, in the words of the note and of
    the docs; whether the ``shapes`` or the ``data`` raise it; and ``why``."""

    what: str
    kind: str
    why: str


_NOT_EVALUATED = "not evaluated by the fast engine"
_REWRITTEN = "the store holds such a literal in another form than the file"

#: Every case the fast engine leaves to pySHACL, by key.
FALLBACKS: dict[str, Case] = {
    # SHACL core features
    "sh:closed": Case("sh:closed", "shapes", _NOT_EVALUATED),
    "sh:disjoint": Case("sh:disjoint", "shapes", _NOT_EVALUATED),
    "sh:equals": Case("sh:equals", "shapes", _NOT_EVALUATED),
    "sh:hasValue": Case("sh:hasValue", "shapes", _NOT_EVALUATED),
    "sh:lessThan": Case("sh:lessThan", "shapes", _NOT_EVALUATED),
    "sh:node": Case("sh:node", "shapes", _NOT_EVALUATED),
    "path": Case("a property path other than one IRI", "shapes", _NOT_EVALUATED),
    "recursion": Case("shapes that refer to themselves", "shapes",
                      "SHACL leaves recursive shapes undefined; pySHACL has its own reading"),
    "ill-formed": Case("a parameter written in a form the engine does not read", "shapes",
                       "more than one value where one is expected, a value of the wrong kind, a reference to "
                       "no shape: pySHACL decides what such shapes mean, or refuses them"),
    # SHACL advanced features and extensions
    "custom-component": Case("a custom constraint component", "shapes", _NOT_EVALUATED),
    "function": Case("a SHACL function", "shapes", _NOT_EVALUATED),
    "target-type": Case("a SPARQL target type, or an sh:target other than a SPARQL target with one sh:select",
                        "shapes", _NOT_EVALUATED),
    "javascript": Case("SHACL-JS (JavaScript targets and functions)", "shapes", _NOT_EVALUATED),
    "rule": Case("SHACL rules (sh:rule)", "shapes", _NOT_EVALUATED),
    "expression": Case("node expressions (sh:expression)", "shapes", _NOT_EVALUATED),
    # SHACL-SPARQL
    "sparql-form": Case("a SPARQL constraint with MINUS, VALUES, a nested SELECT, AS binding a pre-bound "
                        "variable, or SELECT * naming $shapesGraph or $currentShape", "shapes",
                        "pySHACL refuses these or reads them its own way"),
    "sparql-counting": Case("a SPARQL constraint with aggregates, LIMIT or OFFSET", "shapes",
                            "the store lists a triple once per file that holds it: a count would count it twice"),
    "pre-binding": Case("a SPARQL constraint that tests a pre-bound variable inside a group", "shapes",
                        "the engine joins the focus nodes at the start of the WHERE clause, unbound in a group"),
    "sparql-unreadable": Case("SPARQL that cannot be read", "shapes", "pySHACL says what is wrong with it"),
    "service": Case("SPARQL calling SERVICE", "shapes", "refused by both engines before anything runs"),
    "no-where": Case("a SPARQL query without a WHERE clause", "shapes", "the focus nodes are joined in its WHERE clause"),
    "not-select": Case("a SPARQL query of the shapes that is not a SELECT", "shapes", "pySHACL refuses it"),
    "exists-in-select": Case("EXISTS in a SELECT clause", "shapes",
                             "the focus nodes cannot be joined where the expression is"),
    "path-in-node-shape": Case("$PATH in a node shape's SPARQL constraint", "shapes",
                               "pySHACL refuses it, or reads it its own way"),
    # The data
    "invalid-number": Case("a number that is not valid for its datatype", "data",
                           "rdflib's SPARQL, which pySHACL runs, takes it for a number; the store does not"),
    "store-query": Case("a query of the shapes the store cannot run", "data", "pySHACL may run it"),
    "blank-subclass": Case("a target class with a blank-node subclass", "data", "a query cannot name a blank node"),
    "blank-less-than-or-equals": Case("sh:lessThanOrEquals on a blank node", "data",
                                      "a query cannot name a blank node"),
    "blank-sparql-focus": Case("a SPARQL constraint on a blank-node focus node it cannot reach", "data",
                               "a query cannot name a blank node"),
    "rewritten-blank": Case("a blank node holding a literal the store keeps in another form", "data",
                            f"{_REWRITTEN}, and blank nodes are named differently in both"),
    "rewritten-target-objects": Case("literal focus nodes (sh:targetObjectsOf) the store keeps in another form",
                                     "data", _REWRITTEN),
    "rewritten-sparql": Case("SPARQL of the shapes whose answer a literal the store keeps in another form may change",
                             "data", f"{_REWRITTEN}; each query is read to tell (validate/fast/tells.py)"),
    "rewritten-answer": Case("a SPARQL answer holding a literal the store keeps in another form", "data",
                             f"{_REWRITTEN}; the answer would name a value that is not in the files"),
}


class _Declined(Exception):
    """The engine leaves the validation to pySHACL, for the case ``key`` of :data:`FALLBACKS`
    (``detail`` says which parameter, value or shape; ``where`` names the shape)."""

    def __init__(self, key: str, detail: str | None = None, *, where: str | None = None):
        case = FALLBACKS[key]  # a case not in the list is an error of the engine, not a fall-back
        self.keys = (key,)
        self.detail = detail
        text = f"{case.what} ({detail})" if detail else case.what
        super().__init__(f"{where}: {text}" if where else text)


class Unsupported(_Declined):
    """The shapes use a feature this engine does not evaluate (or use it in a way pySHACL rejects)."""

    @classmethod
    def gathered(cls, problems: list[Unsupported]) -> Unsupported:
        """One exception for several shapes' problems, each said once."""
        first = problems[0]
        found = cls(first.keys[0])
        found.keys = tuple(dict.fromkeys(k for p in problems for k in p.keys))
        found.args = ("; ".join(sorted({str(p) for p in problems})),)
        return found


class Fallback(_Declined):
    """The data raised a case this engine leaves to pySHACL (for example a query Oxigraph rejects)."""
