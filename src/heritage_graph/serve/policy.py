"""The endpoint's query policy: what a SPARQL text is (its form, SERVICE targets, FROM graphs), read
without running it, and what the endpoint refuses (updates, SERVICE to hosts not allowed, ``file:``
graphs), as :class:`Refused` with the HTTP status and a one-line reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


# Reading a query without running it -----------------------------------------------------------


class Refused(Exception):
    """A request the endpoint will not run; carries the HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


_STRING = "|".join([
    "'''(?:[^\\\\]|\\\\.)*?'''",
    '"""(?:[^\\\\]|\\\\.)*?"""',
    "'(?:[^'\\\\\\n\\r]|\\\\.)*'",
    '"(?:[^"\\\\\\n\\r]|\\\\.)*"',
])


#: What a prefixed name's local part may hold besides name characters: a reserved character escaped
#: with a backslash (``x:a\\#b``) or a percent-encoded byte (SPARQL's PN_LOCAL_ESC and PERCENT).
_LOCAL_ESCAPE = r"\\[_~.\-!$&'()*+,;=/?#@%]|%[0-9A-Fa-f]{2}"


def _token_pattern():
    import re

    return re.compile(
        r"(?P<skip>\s+|#[^\n\r]*)"
        rf"|(?P<string>{_STRING})"
        r'|(?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)'
        rf"|(?P<word>[?$]?[A-Za-z_\u00C0-\uFFFF](?:[\w.:\-\u00B7\u00C0-\uFFFF]|{_LOCAL_ESCAPE})*"
        rf"|:(?:[\w.:\-\u00B7\u00C0-\uFFFF]|{_LOCAL_ESCAPE})*)"
        r"|(?P<other>.)",
        re.DOTALL,
    )


_TOKENS = _token_pattern()


def _unescape(text: str) -> str:
    r"""The text with SPARQL's ``\uXXXX`` and ``\UXXXXXXXX`` codepoint escapes decoded."""
    import re

    def decode(match):
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group(0)

    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", decode, text)


def tokens(text: str) -> list[tuple[str, str]]:
    """The query's tokens as ``(kind, text)``; strings, IRIs and comments are kept whole.

    The tokens are those of the SPARQL grammar: codepoint escapes are read inside strings and IRIs
    only (as Oxigraph reads them), a prefixed name keeps its escaped characters (``x:a\\#b``).
    """
    out = []
    for match in _TOKENS.finditer(text):
        if match.lastgroup != "skip":
            out.append((match.lastgroup, match.group(0)))
    return out


@dataclass
class QueryInfo:
    """What a query text is: its form, the SERVICE endpoints it calls, and the graphs its ``FROM``
    and ``FROM NAMED`` clauses name."""

    form: str | None
    services: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)


def inspect_query(text: str) -> QueryInfo:
    """The form of a SPARQL text (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, or an update keyword),
    the IRIs of its ``SERVICE`` clauses (``?var`` for a variable endpoint) and of its ``FROM`` clauses,
    read without running it.

    The text is read twice, as SPARQL reads it and with every ``\\u`` escape decoded first (as some
    engines do), and what either reading finds counts: a clause hidden from one reading by an escape
    is seen by the other.

    >>> inspect_query("PREFIX e: <http://e/> # SERVICE\\nSELECT * { SERVICE SILENT e:x { ?s ?p 'SERVICE' } }")
    QueryInfo(form='SELECT', services=['http://e/x'], datasets=[])
    >>> inspect_query("prefix x: <http://e/> insert data { x:a x:b x:c }").form
    'INSERT'
    >>> inspect_query('SELECT * { BIND("\\\\u0022 # " AS ?x) SERVICE <http://h/> { ?s ?p ?o } }').services
    ['http://h/']
    """
    info = _inspect(tokens(text))
    decoded = _unescape(text)
    if decoded != text:
        other = _inspect(tokens(decoded))
        info.form = info.form or other.form
        if other.form in UPDATE_KEYWORDS:
            info.form = other.form
        info.services += [iri for iri in other.services if iri not in info.services]
        info.datasets += [iri for iri in other.datasets if iri not in info.datasets]
    return info


def _inspect(toks: list[tuple[str, str]]) -> QueryInfo:
    prefixes: dict[str, str] = {}
    base = ""
    form = None
    services: list[str] = []
    datasets: list[str] = []
    i = 0
    while i < len(toks):
        kind, value = toks[i]
        upper = value.upper()
        if kind == "word" and upper == "PREFIX" and i + 2 < len(toks):
            name, iri = toks[i + 1][1], toks[i + 2]
            if iri[0] == "iri":
                prefixes[name.removesuffix(":")] = _resolve(base, _iri_text(iri[1]))
            i += 3
            continue
        if kind == "word" and upper == "BASE" and i + 1 < len(toks) and toks[i + 1][0] == "iri":
            base = _resolve(base, _iri_text(toks[i + 1][1]))
            i += 2
            continue
        if kind == "word" and form is None and (upper in QUERY_FORMS or upper in UPDATE_KEYWORDS):
            form = upper
        if kind == "word" and upper in ("SERVICE", "FROM"):
            j = i + 1
            if j < len(toks) and toks[j][1].upper() == ("SILENT" if upper == "SERVICE" else "NAMED"):
                j += 1
            target = toks[j] if j < len(toks) else ("other", "")
            (services if upper == "SERVICE" else datasets).append(_target_iri(target, prefixes, base))
            i = j + 1
            continue
        i += 1
    return QueryInfo(form, services, datasets)


def _iri_text(token: str) -> str:
    """The IRI of an ``<…>`` token, its codepoint escapes decoded."""
    return _unescape(token[1:-1])


def _resolve(base: str, reference: str) -> str:
    """``reference`` resolved against ``base`` as RFC 3986 says: a reference with a scheme is absolute
    (``http:127.0.0.1/`` stays as written; Python's ``urljoin`` would put it under the base's host)."""
    import re

    if not base or re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", reference):
        return reference
    return urljoin(base, reference)


def _target_iri(token: tuple[str, str], prefixes: Mapping[str, str], base: str) -> str:
    import re

    kind, value = token
    if kind == "iri":
        return _resolve(base, _iri_text(value))
    if kind == "word" and value.startswith(("?", "$")):
        return "?" + value[1:]
    if kind == "word" and ":" in value:
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return value or "(nothing)"


def service_allowed(iri: str, allow: Iterable[str]) -> bool:
    """Whether a SERVICE endpoint is allowed: an ``http(s)`` IRI whose host, or the endpoint IRI
    itself, is listed.

    >>> service_allowed("https://query.wikidata.org/sparql", ["query.wikidata.org"])
    True
    >>> service_allowed("https://evil.example/sparql", ["https://query.wikidata.org/sparql"])
    False
    >>> service_allowed("file:///etc/passwd", ["file:///etc/passwd"])
    False
    """
    if iri.startswith("?"):
        return False
    try:
        parts = urlsplit(iri)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host or parts.username is not None:
        return False
    for entry in allow:
        entry = entry.strip()
        if "://" in entry:
            if iri == entry:
                return True
        elif host == entry.lower():
            return True
    return False


def check_query(text: str, allow_service: Iterable[str] = ()) -> QueryInfo:
    """Refuse what the endpoint does not run: updates (403), SERVICE to hosts not allowed (403), and
    ``FROM <file:…>`` (403: the server reads no files a query names).

    :raises Refused: with the status and a one-line reason.
    """
    info = inspect_query(text)
    if info.form in UPDATE_KEYWORDS:
        raise Refused(403, f"this endpoint is read-only: SPARQL Update ({info.form}) is refused"
                      + (" (LOAD would make the server fetch a URL)" if info.form == "LOAD" else ""))
    allowed = list(allow_service)
    for iri in info.services:
        if iri.startswith("?"):
            raise Refused(403, f"SERVICE with a variable endpoint ({iri}) is refused: the server calls only "
                               "endpoints it allows")
        if not service_allowed(iri, allowed):
            listed = ", ".join(allowed) if allowed else "none"
            raise Refused(403, f"SERVICE <{iri}> is refused: this endpoint calls only allowed hosts ({listed})")
    check_graphs(info.datasets, "FROM")
    return info


def check_graphs(iris: Iterable[str], what: str) -> None:
    """Refuse graph names a query may not use: ``file:`` IRIs (403), and what is no IRI (400).

    :raises Refused: with the status and a one-line reason.
    """
    for iri in iris:
        if iri.lower().startswith("file:"):
            raise Refused(403, f"{what} <{iri}> is refused: this endpoint reads no files")
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise Refused(400, f"{what} {iri!r} is not an IRI") from None
