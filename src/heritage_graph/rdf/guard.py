"""What a file may ask of the RDF parsers: entities bounded, none read from elsewhere, nesting bounded.

Oxigraph's parsers read every RDF file the project loads, and two of them can be made to work
without bound by a small file: the RDF/XML parser expands the internal entities of a document
type declaration as it meets them (nine levels of ten references each, a file of a kilobyte,
make a gigabyte of text: "billion laughs"), and the RDF/XML and JSON-LD parsers take time growing
with the square of the nesting depth (the JSON-LD one overflows its stack a few thousand levels
down). :func:`guard` reads such a file first, with parsers that answer in time linear in its size,
and either refuses it with one line naming the file and line, or hands back bytes Oxigraph can
read at no risk:

- RDF/XML is read by expat (the standard library's XML parser). An entity declared as another
  file or address (``<!ENTITY x SYSTEM "file:///etc/passwd">``) is refused, never read; the
  internal entities are expanded by expat, counting what they add, and a document whose
  entities would make it larger than :data:`MAX_EXPANSION` plus four times its size is refused.
  A document with a document type declaration is then written anew from what expat read, with
  the entities expanded and no declaration left, so Oxigraph expands nothing itself. Elements
  nested deeper than :data:`MAX_DEPTH` are refused.
- JSON-LD nested deeper than :data:`MAX_DEPTH` (objects and arrays) is refused.
- Turtle, TriG, N-Triples, N-Quads and N3 are read in linear time however deep their blank nodes
  and collections nest, and pass as they are.

>>> guard(b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "a.rdf")[:8]
b'<rdf:RDF'
>>> guard(b'[' * 600 + b']' * 600, "deep.jsonld")
Traceback (most recent call last):
 ...
heritage_graph.errors.InputError: deep.jsonld: nested more than 500 levels deep (objects and arrays); no RDF needs that many, and the parser would take time growing with the square of the depth
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.parsers import expat

from ..errors import InputError, RdfSyntaxError

#: The deepest nesting taken: XML elements in RDF/XML, objects and arrays in JSON-LD.
MAX_DEPTH = 500

#: What the entities of an RDF/XML document may add to it, beyond four times its own size.
MAX_EXPANSION = 1 << 20

_XML = {".rdf", ".owl"}
_JSON = {".jsonld"}


def guard(content: bytes, path: Path | str) -> bytes:
    """The bytes of the file at ``path`` to hand to Oxigraph, once checked; see the module's text.

    :raises InputError: the file declares an external entity, its entities expand too far, or it
        nests too deep.
    :raises RdfSyntaxError: an RDF/XML file that is not well-formed XML (expat's reason and place).
    """
    suffix = Path(path).suffix
    if suffix in _XML:
        return _XmlReader(content, path).read()
    if suffix in _JSON:
        _check_json_depth(content, path)
    return content


def _too_deep(path, line: int | None, what: str) -> InputError:
    where = f"{path}:{line}" if line else str(path)
    return InputError(f"{where}: nested more than {MAX_DEPTH} levels deep ({what}); no RDF needs that many, "
                      "and the parser would take time growing with the square of the depth")


def _check_json_depth(content: bytes, path) -> None:
    """Refuse JSON nested deeper than :data:`MAX_DEPTH`; text that is not JSON is left to Oxigraph,
    which names the fault."""
    try:
        document = json.loads(content)
    except RecursionError as exc:  # deeper than the reader's own recursion allows (about 1,000 levels)
        raise _too_deep(path, None, "objects and arrays") from exc
    except ValueError:
        return
    level = [document]
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise _too_deep(path, None, "objects and arrays")
        below = []
        for value in level:
            if isinstance(value, dict):
                below.extend(v for v in value.values() if isinstance(v, (dict, list)))
            elif isinstance(value, list):
                below.extend(v for v in value if isinstance(v, (dict, list)))
        level = below


class _Refused(Exception):
    """Raised inside expat's handlers to stop reading; carries the error to raise."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


class _XmlReader:
    """One RDF/XML document read by expat: checked, and written anew when it declares a DTD."""

    def __init__(self, content: bytes, path):
        self.content = content
        self.path = path
        self.limit = 4 * len(content) + MAX_EXPANSION
        self.read_chars = 0
        self.depth = 0
        self.doctype = False
        self.out: list[str] | None = None
        self.lines = 1
        parser = self.parser = expat.ParserCreate()
        parser.ordered_attributes = True
        parser.specified_attributes = True  # defaults declared in the DTD are not Oxigraph's
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.UnparsedEntityDeclHandler = self._unparsed
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text

    def read(self) -> bytes:
        try:
            self.parser.Parse(self.content, True)
        except _Refused as exc:
            raise exc.error from None
        except expat.ExpatError as exc:
            reason = expat.errors.messages.get(exc.code, str(exc))
            raise RdfSyntaxError(self.path, exc.lineno, exc.offset + 1, f"not well-formed XML ({reason})") from None
        if self.out is None:
            return self.content
        return "".join(self.out).encode("utf-8")

    def _refuse(self, message: str):
        raise _Refused(InputError(f"{self.path}:{self.parser.CurrentLineNumber}: {message}"))

    def _count(self, n: int) -> None:
        self.read_chars += n
        if self.read_chars > self.limit:
            self._refuse(f"its entities expand the document past {self.limit:,} characters (more than "
                         f"four times its size and {MAX_EXPANSION // 1024} KiB); expand them in the file "
                         "or declare fewer levels")

    def _doctype(self, name, system_id, public_id, has_internal_subset):
        self.doctype = True

    def _entity(self, name, is_parameter, value, base, system_id, public_id, notation):
        if value is None:
            self._refuse(f"the entity {name!r} is declared as another file or address "
                         f"({_short(system_id or public_id)}), which is never read; write its text into "
                         "the file instead")

    def _unparsed(self, name, base, system_id, public_id, notation):
        self._refuse(f"the entity {name!r} is declared as another file or address ({_short(system_id)}), "
                     "which is never read; write its text into the file instead")

    def _start(self, name, attributes):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(_too_deep(self.path, self.parser.CurrentLineNumber, "XML elements"))
        self._count(len(name) + sum(len(a) for a in attributes))
        if self.depth == 1 and self.doctype:
            self.out = []
        if self.out is None:
            return
        # blank lines inside the tag keep each element on its line in the file, for Oxigraph's messages
        padding = "\n" * max(self.parser.CurrentLineNumber - self.lines, 0)
        self.lines += len(padding)
        pairs = "".join(f" {attributes[k]}={_attribute(attributes[k + 1])}" for k in range(0, len(attributes), 2))
        self.out.append(f"<{name}{padding}{pairs}>" if padding else f"<{name}{pairs}>")

    def _end(self, name):
        self.depth -= 1
        if self.out is not None:
            self.out.append(f"</{name}>")

    def _text(self, text):
        self._count(len(text))
        if self.out is not None:
            self.lines += text.count("\n")
            self.out.append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                            .replace("\r", "&#13;"))


def _attribute(value: str) -> str:
    """An attribute value, quoted, that reads back as ``value`` (white space included)."""
    escaped = (value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
               .replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;"))
    return f'"{escaped}"'


def _short(text: str | None, width: int = 80) -> str:
    text = repr(text or "")
    return text if len(text) <= width else text[: width - 4] + "...'"
