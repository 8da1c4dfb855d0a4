"""Where a resource is written in a Turtle or TriG file: the line of the first statement that has
it as subject, for one resource (:func:`subject_line`) or for many (:class:`Locator`).

A report names the file and line of every resource it flags; the loader names them for a resource
defined in two files.

>>> ends_term("ex:a ;", 4), ends_term("ex:ab", 4), ends_term("ex:a.", 4)
(True, False, True)
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .vocab import RDF

#: A reserved character escaped with a backslash in a prefixed name (Turtle's PN_LOCAL_ESC).
LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")

_PREFIX = re.compile(r"prefix\s+([\w.-]*):\s*<([^>]*)>", flags=re.IGNORECASE)


def ends_term(text: str, end: int) -> bool:
    """Whether a term written at ``text[:end]`` ends there (and is not the start of a longer name)."""
    if end >= len(text):
        return True
    following = text[end]
    if following == ".":
        return end + 1 >= len(text) or text[end + 1].isspace()
    return following.isspace() or following in ";,)]"


def contains_term(line: str, form: str) -> bool:
    """Whether ``form`` (a term as written) stands in ``line`` as a whole term."""
    start = line.find(form)
    while start != -1:
        before_ok = start == 0 or not (line[start - 1].isalnum() or line[start - 1] in "_-:")
        if before_ok and ends_term(line, start + len(form)):
            return True
        start = line.find(form, start + 1)
    return False


def lines_and_prefixes(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """A file's lines and prefix declarations (prefix, namespace).

    The declarations are searched only in a file that has the word "prefix" at all: the search
    itself takes a second on a file of a million triples.

    :raises OSError: the file cannot be read.
    :raises UnicodeDecodeError: the file is not UTF-8.
    """
    raw = path.read_bytes()
    # (a dotted or dotless i may match "i" when the case is ignored)
    declares = b"prefix" in raw.lower() or "\u0130".encode() in raw or "\u0131".encode() in raw
    text = raw.decode("utf-8")
    del raw
    prefixes = _PREFIX.findall(text) if declares else []
    return text.splitlines(), prefixes


@lru_cache(maxsize=32)
def _cached_lines(path: Path, _mtime_ns: int, _size: int) -> tuple[list[str], list[tuple[str, str]]]:
    """:func:`lines_and_prefixes`, read once per version of the file: without this, each finding of a
    report would read and split the whole file again."""
    return lines_and_prefixes(path)


def _forms(iri: str, prefixes: list[tuple[str, str]]) -> list[str]:
    """The ways ``iri`` may be written: in full, and with each prefix whose namespace it extends."""
    forms = [f"<{iri}>"]
    for prefix, namespace in prefixes:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            forms.append(f"{prefix}:{iri[len(namespace):]}")
    return forms


def subject_line(path: Path, iri: str) -> int | None:
    """The first line of a Turtle/TriG file where ``iri`` stands as the subject of a statement
    (else the first line that names it; None when none does or the file cannot be read)."""
    try:
        stat = path.stat()
        lines, prefixes = _cached_lines(path, stat.st_mtime_ns, stat.st_size)
    except (OSError, UnicodeDecodeError):
        return None
    forms = _forms(iri, prefixes)
    first_use = None
    for number, line in enumerate(lines, start=1):
        if "\\" in line:  # a local name written with escapes, such as hgid:claim\/karlag
            line = LOCAL_ESCAPE.sub(r"\1", line)
        stripped = line.lstrip()
        for form in forms:
            if stripped.startswith(form) and ends_term(stripped, len(form)):
                return number
            if first_use is None and contains_term(line, form):
                first_use = number
    return first_use


class LineIndex:
    """The lines of a file by their first term (up to the first space), sorted for prefix search:
    :func:`subject_line` for many resources, each found without reading the file from the top."""

    def __init__(self, lines: list[str], prefixes: list[tuple[str, str]]):
        self.prefixes = prefixes
        first: dict[str, int] = {}
        self.stripped: dict[int, str] = {}
        for number, line in enumerate(lines, start=1):
            if "\\" in line:
                line = LOCAL_ESCAPE.sub(r"\1", line)
            stripped = line.lstrip()
            if not stripped or stripped[0] in "#@":
                continue
            head = stripped.split(None, 1)[0]
            if head not in first:
                first[head] = number
                self.stripped[number] = stripped
        self.keys = sorted(first)
        self.lines = [first[k] for k in self.keys]

    def subject_line(self, iri: str) -> int | None:
        """The first line whose statement has ``iri`` as subject, or None."""
        best = None
        for form in _forms(iri, self.prefixes):
            k = bisect_left(self.keys, form)
            while k < len(self.keys) and self.keys[k].startswith(form):
                number = self.lines[k]
                if (best is None or number < best) and ends_term(self.stripped[number], len(form)):
                    best = number
                k += 1
        return best


class Locator:
    """:meth:`~heritage_graph.rdf.load.Dataset.where_defined` for many resources of a dataset: each
    file is indexed once by the first term of its lines, instead of searched from the top once per
    resource. Called with an IRI, gives (file, line), or (None, None)."""

    def __init__(self, dataset):
        self.dataset = dataset
        self.order = {f.graph: k for k, f in enumerate(dataset.files)}
        self.paths = {f.graph: f.path for f in dataset.files}
        self.indexes: dict = {}
        self.cache: dict = {}

    def __call__(self, iri: str):
        found = self.cache.get(iri)
        if found is None:
            found = self.cache[iri] = self._where(iri)
        return found

    def _where(self, iri: str):
        store = self.dataset.store.ox
        node = ox.NamedNode(iri)
        graphs = {getattr(q.graph_name, "value", "") for q in store.quads_for_pattern(node, ox.NamedNode(RDF + "type"), None, None)}
        if not graphs:
            graphs = {getattr(q.graph_name, "value", "") for q in store.quads_for_pattern(node, None, None, None)}
        known = sorted(graphs & self.order.keys(), key=self.order.__getitem__)
        if not known:
            return None, None
        path = self.paths[known[0]]
        return path, self._indexed_line(path, iri)

    def _indexed_line(self, path: Path, iri: str):
        try:
            index = self.indexes.get(path)
            if index is None:
                index = self.indexes[path] = LineIndex(*lines_and_prefixes(path))
        except (OSError, UnicodeDecodeError):
            return subject_line(path, iri)
        line = index.subject_line(iri)
        return line if line is not None else subject_line(path, iri)
