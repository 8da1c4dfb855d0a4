"""The text of the shapes' SPARQL, rewritten to run on the store: prefixes declared, ``$PATH``
replaced by the property, the focus nodes joined at the start of the WHERE clause, and paths that
may be zero-length joined LATERAL to what binds their subject (:func:`lateral_paths`).

These are rewrites of text, not decisions about a query: what a query is (whether it calls a
``SERVICE``, whether it can be read) is answered by the one SPARQL inspection
(:func:`.shapes.services_of`), and whether it is a SELECT and which variables it answers with by
the store that runs it (:meth:`.data.Data.select`). The rewrites place their text by a small lexer
of their own (strings, IRIs, comments and variable names skipped), not by the parser: the parse
tree the inspection reads gives no positions in the text."""

from __future__ import annotations

import re

from .scope import Fallback, Unsupported

_BIND_PATH = re.compile(r"([\s{}()])[\$\?]PATH", flags=re.MULTILINE)


def names_path(sparql: str) -> bool:
    """Whether the query names ``$PATH`` (the property of the shape it belongs to)."""
    return _BIND_PATH.search(sparql) is not None


def substitute_path(sparql: str, path: str) -> str:
    """The query with ``$PATH`` replaced by ``path`` (a term written for SPARQL)."""
    return _BIND_PATH.sub(lambda m: m.group(1) + path, sparql)


def with_prefixes(prefixes: dict, sparql: str) -> str:
    """The query with ``PREFIX`` declarations for ``prefixes`` (prefix to namespace) before it,
    sorted by prefix: the same query is the same text whatever order the prefixes were found in,
    and is parsed once (:mod:`.sparql`)."""
    declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
    return f"{declared}\n{sparql}"


_LEXICAL = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
                      r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*")


def inject_focus(select: str, group: str) -> str:
    """The query with ``group`` added at the start of its WHERE clause."""
    position = 0
    where_seen = False
    while position < len(select):
        skip = _LEXICAL.match(select, position)
        if skip:
            position = skip.end()
            continue
        if select[position] == "?" or select[position] == "$":
            # a variable: skip its name (a variable called ?where is not the keyword)
            end = position + 1
            while end < len(select) and (select[end].isalnum() or select[end] == "_"):
                end += 1
            position = end
            continue
        if select[position:position + 5].upper() == "WHERE" and not _word(select, position - 1) \
                and not _word(select, position + 5):
            where_seen = True
            position += 5
            continue
        if select[position] == "{":
            if not where_seen and re.search(r"\bEXISTS\s*$", select[:position], flags=re.IGNORECASE):
                raise Fallback("exists-in-select")
            return select[: position + 1] + " " + group + " " + select[position + 1:]
        position += 1
    raise Unsupported("no-where")


def project(select: str, names: list[str]) -> str:
    """The query with the variables ``names`` added to its SELECT clause (unchanged for
    ``SELECT *``): Oxigraph substitutes only variables the query answers with."""
    position = 0
    while position < len(select):
        skip = _LEXICAL.match(select, position)
        if skip:
            position = skip.end()
            continue
        if select[position] in "?$":
            position += 1
            while position < len(select) and (select[position].isalnum() or select[position] == "_"):
                position += 1
            continue
        if select[position:position + 6].upper() == "SELECT" and not _word(select, position - 1) \
                and not _word(select, position + 6):
            found = re.compile(r"\s*(?:(?:DISTINCT|REDUCED)\b\s*)?", flags=re.IGNORECASE).match(select, position + 6)
            end = found.end()
            if select[end:end + 1] == "*":
                return select
            return select[:end] + " ".join("?" + n for n in names) + " " + select[end:]
        position += 1
    raise Unsupported("not-select")


_MASK = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
                   r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r"|#[^\n]*")
_PATH_STEP = r"\^?(?:<[^<>\s]*>|[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*|a)[*?+]?"
_ZERO_PATH = re.compile(
    r"\.\s*"
    r"(?P<triple>(?P<s>[?$][A-Za-z_]\w*)\s+"
    r"(?P<path>" + _PATH_STEP + r"(?:\s*/\s*" + _PATH_STEP + r")*)"
    r"\s+[?$][A-Za-z_]\w*)"
    r"(?=\s*(?:\.|\}|FILTER\b|OPTIONAL\b|BIND\b))", flags=re.IGNORECASE)


def lateral_paths(sparql: str) -> str:
    """The query with each zero-length-capable path joined with LATERAL to what binds its subject.

    Oxigraph evaluates ``?t rdfs:subClassOf* ?c`` on its own before joining it, and with both ends
    free a zero-length path first lists every node of the graph: inside ``FILTER NOT EXISTS`` that
    costs the size of the graph per row. Written ``LATERAL { ... }`` after the pattern that binds
    ``?t``, the path starts from each bound value instead. The results are the same whenever
    ``?t`` is bound by triple patterns only (so to nodes of the graph) or not at all, so the query
    is left as it is otherwise (``?t`` given by VALUES, BIND or AS, or ``?this``).
    """
    masked = _MASK.sub(lambda m: " " * len(m.group(0)), sparql)
    if re.search(r"\bVALUES\b", masked, flags=re.IGNORECASE):
        return sparql
    spans = []
    for m in _ZERO_PATH.finditer(masked):
        steps = re.sub(r"<[^<>\s]*>", "<>", m.group("path"))
        if not re.search(r"[*?]", steps):
            continue
        subject = m.group("s")[1:]
        if subject == "this" or re.search(r"\bAS\s+[?$]" + re.escape(subject) + r"\b", masked, flags=re.IGNORECASE):
            continue
        if not re.search(r"[?$]" + re.escape(subject) + r"\b", masked[: m.start("triple")]):
            continue
        spans.append((m.start("triple"), m.end("triple")))
    # A plain triple pattern right after a sub-SELECT: joined to each of the sub-SELECT's rows
    # (few) by index look-ups, rather than read whole and hash-joined. A join and a LATERAL join
    # with a triple pattern are the same.
    for m in _AFTER_GROUP.finditer(masked):
        if _group_before(masked, m.start()).upper().find("SELECT") >= 0:
            spans.append((m.start("triple"), m.end("triple")))
    out = []
    last = 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(sparql[last:start])
        out.append("LATERAL { " + sparql[start:end] + " }")
        last = end
    out.append(sparql[last:])
    return "".join(out)


_TERM = r"(?:[?$][A-Za-z_]\w*|<[^<>\s]*>|[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*)"
_AFTER_GROUP = re.compile(
    r"\}\s*(?P<triple>" + _TERM + r"\s+(?:" + _TERM + r"|a)\s+" + _TERM + r")(?=\s*(?:\.|\}|FILTER\b|OPTIONAL\b|BIND\b))")


def _group_before(masked: str, close: int) -> str:
    """The text of the group that the brace at ``close`` ends."""
    depth = 0
    for k in range(close, -1, -1):
        if masked[k] == "}":
            depth += 1
        elif masked[k] == "{":
            depth -= 1
            if depth == 0:
                return masked[k:close + 1]
    return ""


def _word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")
