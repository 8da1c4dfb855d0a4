"""The SPARQL expressions of the candidate queries: tests that a value *certainly* passes (or fails)
a constraint, written so that the store's answer never holds back a value pySHACL would flag.

>>> all_of(["isIRI(?v)", "true"])
'(isIRI(?v) && true)'
>>> any_of([None, "isBlank(?v)"])
'(isBlank(?v))'
>>> pattern_support("^[0-9]{4}$"), pattern_support("[[:alpha:]]")
('any', None)
"""

from __future__ import annotations

import re

import rdflib

from .terms import RDF_LANGSTRING, XSD, XSD_STRING


def safe(expr: str | None) -> str | None:
    return None if expr is None else f"COALESCE(({expr}), false)"


def all_of(exprs: list) -> str | None:
    if any(e is None for e in exprs):
        return None
    return "(" + " && ".join(exprs) + ")" if exprs else "true"


def any_of(exprs: list) -> str | None:
    known = [e for e in exprs if e is not None]
    return "(" + " || ".join(known) + ")" if known else None


def string_literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


_XSD = str(XSD)
#: A value of one of these datatypes that Oxigraph holds as valid is also valid for rdflib, with
#: a Python value of the type pySHACL checks for.
_DATE = ("^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")


def datatype_ok(datatype, v: str) -> str | None:
    d = str(datatype)
    if datatype == XSD_STRING:
        return f'(isLiteral({v}) && LANG({v}) = "" && DATATYPE({v}) = <{d}>)'
    if datatype == RDF_LANGSTRING:
        return f'(isLiteral({v}) && LANG({v}) != "")'
    if d in (_XSD + "integer", _XSD + "decimal"):
        return f"(isLiteral({v}) && DATATYPE({v}) = <{d}> && isNumeric({v}))"
    if d == _XSD + "boolean":
        return f'(isLiteral({v}) && DATATYPE({v}) = <{d}> && STR({v}) IN ("true", "false"))'
    if d == _XSD + "date":
        return (f"(isLiteral({v}) && DATATYPE({v}) = <{d}> && REGEX(STR({v}), {string_literal(_DATE)}) "
                f"&& <{d}>(STR({v})) = {v})")
    return None


def datatype_fails(datatype, v: str) -> str | None:
    if datatype in (rdflib.RDFS.Literal, rdflib.RDFS.Datatype):
        return None
    return f"(!isLiteral({v}) || DATATYPE({v}) != <{datatype}>)"


#: Python and the regular expressions of Oxigraph (Rust) agree on patterns made of these parts,
#: on strings without control characters (and, for the parts marked ASCII, on ASCII strings).
_PATTERN_TOKEN = re.compile(
    r"\\[.\\/\-^$|?*+()\[\]{}]"      # escaped punctuation
    r"|\\[sSdD]"                       # whitespace and digit classes
    r"|(?P<ascii>\\[wW])"              # word classes: ASCII only
    r"|\(\?:|[()|^$.*+?]"              # groups, alternation, anchors, any, quantifiers
    r"|\{[0-9]+(,[0-9]*)?\}"           # counted repetition
    r"|[ -#%-'\-/-Z\]_-z~,:;<=>@`!\"]"  # ordinary printable characters
)
_CLASS_TOKEN = re.compile(r"\\[.\\/\-^$|?*+()\[\]{}sSdD]|(?P<ascii>\\[wW])|[ -Z^-~]")


def pattern_support(pattern: str) -> str | None:
    """``None`` when Python and Oxigraph may disagree on ``pattern``; else "any" or "ascii"."""
    kind = "any"
    i = 0
    while i < len(pattern):
        if pattern[i] == "[":
            end = i + 1
            if end < len(pattern) and pattern[end] == "^":
                end += 1
            if end < len(pattern) and pattern[end] == "]":
                end += 1
            body_start = end
            while end < len(pattern) and pattern[end] != "]":
                token = _CLASS_TOKEN.match(pattern, end)
                if not token:
                    return None
                if token.group("ascii"):
                    kind = "ascii"
                end = token.end()
            if end >= len(pattern):
                return None
            body = pattern[body_start:end]
            if "[" in body or "&&" in body or "--" in body or "~~" in body:
                return None
            i = end + 1
            continue
        token = _PATTERN_TOKEN.match(pattern, i)
        if not token:
            return None
        if token.group("ascii"):
            kind = "ascii"
        i = token.end()
    return kind

