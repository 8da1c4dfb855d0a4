"""The cells of a CSV register as RDF terms: a value converted to the datatype the mapping gives.

:func:`convert` turns a cell (or a constant of the mapping) into a literal of ``string``,
``langString``, ``integer``, ``decimal``, ``boolean``, ``date``, or an IRI (a prefixed name with
a declared prefix, or an absolute IRI), or says what is wrong with it; :func:`slug` makes the
IRI-safe form of free text for subject templates.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from ....rdf.vocab import XSD
from ..base import decimal

DATATYPES = ("string", "langString", "integer", "decimal", "boolean", "date", "iri")

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_PREFIXED = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)?:([^\s/]*)$")

#: The most digits an integer cell may have: Python (and so the validator) reads no longer ones.
MAX_INTEGER_DIGITS = 4000


def slug(value: str) -> str:
    """Lower-case ASCII letters and digits joined by hyphens.

    >>> slug("Šiauliai  Region / 1954")
    'siauliai-region-1954'
    """
    ascii_ = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_))


def is_iri(value: str) -> bool:
    """Whether ``value`` is an absolute IRI that can be written in Turtle."""
    if not isinstance(value, str) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value):
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return not any(ch in value for ch in ' <>"{}|\\^`')


def looks_like_iri(value: str, prefixes: dict[str, str]) -> bool:
    """Whether a constant of the mapping is meant as an IRI: a web address or a declared prefixed name."""
    if re.match(r"^https?://\S+$", value):
        return True
    match = _PREFIXED.match(value)
    return bool(match and (match.group(1) or "") in prefixes and match.group(2))


def iri_of(value: Any, prefixes: dict[str, str]) -> ox.NamedNode | None:
    """An IRI from a prefixed name with a declared prefix or an absolute IRI, else None."""
    if not isinstance(value, str) or not value:
        return None
    match = _PREFIXED.match(value)
    if match and (match.group(1) or "") in prefixes:
        full = prefixes[match.group(1) or ""] + match.group(2)
    elif re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value) or value.startswith("urn:"):
        full = value
    else:
        return None
    return ox.NamedNode(full) if is_iri(full) else None


def _canonical_integer(value: str) -> str:
    """An integer's canonical lexical form (no plus sign, no leading zeros), without int(): a cell of
    thousands of digits is still an integer, and Python refuses to convert one."""
    sign = "-" if value.startswith("-") else ""
    digits = value.lstrip("+-").lstrip("0") or "0"
    return ("" if digits == "0" else sign) + digits


def text_of(value: Any) -> str:
    """A YAML value as the text of a cell (``true``/``false`` for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def convert(value: str, datatype: str, language: str | None, prefixes: dict[str, str]):
    """(term, None) for a cell converted to ``datatype``, or (None, what is wrong)."""
    if datatype == "string":
        return ox.Literal(value), None
    if datatype == "langString":
        return ox.Literal(value, language=language or "en"), None
    if datatype == "integer":
        if not _INTEGER.match(value):
            return None, f"{clip(value)!r} is not an integer"
        digits = len(value.lstrip("+-").lstrip("0"))
        if digits > MAX_INTEGER_DIGITS:
            return None, (f"{clip(value)!r} is an integer of {digits:,} digits; a value may have at most "
                          f"{MAX_INTEGER_DIGITS:,}")
        return ox.Literal(_canonical_integer(value), datatype=ox.NamedNode(XSD + "integer")), None
    if datatype == "decimal":
        if not _DECIMAL.match(value):
            return None, f"{clip(value)!r} is not a decimal number"
        return decimal(Decimal(value)), None
    if datatype == "boolean":
        low = value.lower()
        if low not in ("true", "false", "1", "0"):
            return None, f"{clip(value)!r} is not true or false"
        return ox.Literal("true" if low in ("true", "1") else "false", datatype=ox.NamedNode(XSD + "boolean")), None
    if datatype == "date":
        try:
            parsed = date.fromisoformat(value)
            if len(value) != 10:
                raise ValueError
        except ValueError:
            return None, f"{clip(value)!r} is not a date written as YYYY-MM-DD"
        return ox.Literal(parsed.isoformat(), datatype=ox.NamedNode(XSD + "date")), None
    if datatype == "iri":
        node = iri_of(value, prefixes)
        if node is None:
            return None, f"{clip(value)!r} is not an IRI or a prefixed name with a declared prefix"
        return node, None
    return None, f"unknown datatype {datatype!r}"  # pragma: no cover - checked in the mapping



def clip(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters for a message."""
    return text if len(text) <= width else text[: width - 3] + "..."

