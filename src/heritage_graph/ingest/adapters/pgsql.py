"""A reader of PostgreSQL ``INSERT`` dumps: the statements, their rows and their values.

Archives are often published as the seed or dump files of their database: ``INSERT INTO t(a, b)
VALUES (1, 'x'), (2, NULL);`` one statement per line or one ``VALUES`` list of many rows, with
other statements (``SELECT setval(...)``, ``SET ...``) between them. :func:`parse_inserts` reads
such a file with a real tokenizer, so a comma, a parenthesis, a semicolon or a quote inside a
string never splits a value:

>>> result = parse_inserts("INSERT INTO t(id, name) VALUES (1, 'a, (b); ''c'''), (2, NULL);")
>>> [row.as_dict() for row in result.rows]
[{'id': 1, 'name': "a, (b); 'c'"}, {'id': 2, 'name': None}]

What it understands (PostgreSQL's lexical rules):

- strings ``'...'`` with ``''`` for a quote (standard-conforming strings: a backslash is an
  ordinary character), ``E'...'`` with backslash escapes, ``N'...'``, dollar-quoted strings
  ``$$...$$`` and ``$tag$...$tag$``, and adjacent strings separated by a newline;
- numbers (``12``, ``-3``, ``4.5``, ``1e3``, ``.5``) as :class:`int` or :class:`~decimal.Decimal`;
- ``NULL`` as ``None``, ``TRUE``/``FALSE`` as booleans, ``DEFAULT`` as :data:`DEFAULT`;
- casts (``'{}'::jsonb``, ``CAST`` is not a literal) are read and dropped;
- ``--`` and (nested) ``/* */`` comments; quoted identifiers ``"Name"``; schema-qualified tables.

Any other expression in a ``VALUES`` list (``now()``, ``1 + 2``) becomes an :class:`Expression`
holding its text, for the caller to report. A file that cannot be tokenized (an unterminated
string or comment, a number of more than :data:`MAX_NUMBER_LENGTH` characters) or an ``INSERT``
that breaks the grammar raises :class:`~heritage_graph.errors.InputError` naming the file and line,
in one line (a token quoted in a message is cut short). Long strings are sliced, not walked
character by character, so a value of 50 MB is read in well under a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator

from ...errors import InputError


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT"


#: The ``DEFAULT`` keyword in a VALUES list: the column's default, which a dump does not state.
DEFAULT = _Default()


@dataclass(frozen=True)
class Expression:
    """A value that is not a literal (a function call, arithmetic): kept as its SQL text."""

    text: str


@dataclass(frozen=True)
class Token:
    kind: str  # "string", "number", "ident", "qident", "op", "punct"
    value: Any
    line: int
    text: str = ""


@dataclass
class SqlRow:
    """One row of a ``VALUES`` list: the table, its columns (if the statement names them), values."""

    table: str
    columns: tuple[str, ...]
    values: tuple[Any, ...]
    line: int
    statement: int

    def as_dict(self) -> dict[str, Any]:
        """The row keyed by column name (only when the statement names its columns and counts match)."""
        if not self.columns or len(self.columns) != len(self.values):
            raise ValueError(f"row at line {self.line} has {len(self.values)} values for {len(self.columns)} columns")
        return dict(zip(self.columns, self.values))


@dataclass
class RowProblem:
    """A row the parser could read but not make sense of (values and columns do not match)."""

    line: int
    table: str
    message: str
    values: tuple[Any, ...] = ()


@dataclass
class ParseResult:
    """The rows of every ``INSERT`` of a file, the row-level problems, and the other statements."""

    rows: list[SqlRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, first words) of other statements
    inserts: int = 0


_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"[0-9]*(\.[0-9]*)?([eE][+-]?[0-9]+)?")
_NAME_REST = re.compile(r"[\w$]*")
_OPERATOR = re.compile(r"[+\-*/<>=~!@#%^&|`?]+")

#: The longest number the reader takes, in characters: a longer one is a damaged file, not a value.
MAX_NUMBER_LENGTH = 1000
_OPERATOR_CHARS = set("+-*/<>=~!@#%^&|`?")


def tokenize(text: str, filename: str = "<sql>") -> Iterator[Token]:
    """The tokens of ``text``; comments and white space are dropped.

    :raises InputError: an unterminated string, quoted identifier or comment, or a NUL byte.
    """
    i = 0
    n = len(text)
    line = 1
    while i < n:
        c = text[i]
        if c.isspace():
            end = _SPACES.match(text, i).end()
            line += text.count("\n", i, end)
            i = end
            continue
        if c == "\x00":
            raise InputError(f"{filename}:{line}: a NUL byte is not SQL text")
        start_line = line
        if c == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end == -1 else end
            continue
        if c == "/" and text.startswith("/*", i):
            depth = 0
            j = i
            while j < n:
                if text.startswith("/*", j):
                    depth += 1
                    j += 2
                elif text.startswith("*/", j):
                    depth -= 1
                    j += 2
                    if depth == 0:
                        break
                else:
                    j += 1
            if depth != 0:
                raise InputError(f"{filename}:{start_line}: a comment /* is never closed")
            line += text.count("\n", i, j)
            i = j
            continue
        # E'...' (escapes), N'...' (national), and plain '...'
        if c in "eEnN" and i + 1 < n and text[i + 1] == "'":
            escapes = c in "eE"
            value, i, line = _string(text, i + 1, line, filename, escapes)
            yield Token("string", value, start_line)
            continue
        if c == "'":
            value, i, line = _string(text, i, line, filename, False)
            yield Token("string", value, start_line)
            continue
        if c == "$":
            tag_end = i + 1
            while tag_end < n and (text[tag_end].isalnum() or text[tag_end] == "_") and not (
                tag_end == i + 1 and text[tag_end].isdigit()
            ):
                tag_end += 1
            if tag_end < n and text[tag_end] == "$":
                tag = text[i : tag_end + 1]
                close = text.find(tag, tag_end + 1)
                if close == -1:
                    raise InputError(f"{filename}:{start_line}: the dollar-quoted string {tag} is never closed")
                value = text[tag_end + 1 : close]
                line += text.count("\n", i, close + len(tag))
                i = close + len(tag)
                yield Token("string", value, start_line)
                continue
            # a positional parameter ($1) or a stray dollar: an operator-like token
            j = i + 1
            while j < n and text[j].isdigit():
                j += 1
            yield Token("op", text[i:j], start_line, text[i:j])
            i = j
            continue
        if c == '"':
            j = i + 1
            parts = []
            while True:
                k = text.find('"', j)
                if k == -1:
                    raise InputError(f'{filename}:{start_line}: a quoted name " is never closed')
                parts.append(text[j:k])
                if k + 1 < n and text[k + 1] == '"':
                    parts.append('"')
                    j = k + 2
                    continue
                break
            line += text.count("\n", i, k + 1)
            i = k + 1
            yield Token("qident", "".join(parts), start_line)
            continue
        if c in "0123456789" or (c == "." and i + 1 < n and text[i + 1] in "0123456789"):
            match = _NUMBER.match(text, i)
            j = match.end()
            is_int = match.group(1) is None and match.group(2) is None
            raw = text[i:j]
            if j < n and (text[j].isalpha() or text[j] == "_"):
                raise InputError(f"{filename}:{start_line}: {_clip(text[i:j + 1])!r} is neither a number nor a name")
            if len(raw) > MAX_NUMBER_LENGTH:
                raise InputError(f"{filename}:{start_line}: a number written with {len(raw)} characters "
                                 f"({_clip(raw)}); no value of an export is that long")
            try:
                value: Any = int(raw) if is_int else Decimal(raw)
            except (ValueError, InvalidOperation) as exc:  # pragma: no cover - the scan admits only numbers
                raise InputError(f"{filename}:{start_line}: {_clip(raw)!r} is not a number") from exc
            yield Token("number", value, start_line, raw)
            i = j
            continue
        if c.isalpha() or c == "_":
            j = _NAME_REST.match(text, i + 1).end()
            yield Token("ident", text[i:j], start_line, text[i:j])
            i = j
            continue
        if c == ":" and text.startswith("::", i):
            yield Token("punct", "::", start_line, "::")
            i += 2
            continue
        if c in "(),;.[]:":
            yield Token("punct", c, start_line, c)
            i += 1
            continue
        if c in _OPERATOR_CHARS:
            j = _OPERATOR.match(text, i).end()
            cuts = [k for k in (text.find("--", i + 1, j), text.find("/*", i + 1, j)) if k != -1]
            j = min(cuts) if cuts else j  # a comment starts inside the run: the operator ends before it
            yield Token("op", text[i:j], start_line, _clip(text[i:j], 40))
            i = j
            continue
        raise InputError(f"{filename}:{line}: unexpected character {c!r}")


def _string(text: str, i: int, line: int, filename: str, escapes: bool) -> tuple[str, int, int]:
    """Read a quoted string starting at the quote ``text[i]``; returns (value, next index, line).

    Two string literals separated only by white space that includes a newline are one string,
    as in PostgreSQL.
    """
    start_line = line
    n = len(text)
    parts: list[str] = []
    while True:
        j = i + 1
        while True:
            # jump to the next quote (or backslash, in an E'' string): long texts are sliced, not walked
            quote = text.find("'", j)
            backslash = text.find("\\", j, quote if quote != -1 else n) if escapes else -1
            stop = backslash if backslash != -1 else quote
            if stop == -1:
                raise InputError(f"{filename}:{start_line}: a string ' is never closed")
            if stop > j:
                parts.append(text[j:stop])
                line += text.count("\n", j, stop)
                j = stop
            if stop == backslash:
                if j + 1 < n:
                    value, j = _escape(text, j + 1)
                    parts.append(value)
                else:
                    parts.append("\\")
                    j += 1
                continue
            if j + 1 < n and text[j + 1] == "'":
                parts.append("'")
                j += 2
                continue
            break
        i = j + 1
        # continuation: whitespace containing a newline, then another quote
        k = i
        newline = False
        while k < n and text[k].isspace():
            newline = newline or text[k] == "\n"
            k += 1
        if newline and k < n and text[k] == "'":
            line += text.count("\n", i, k)
            i = k
            continue
        return "".join(parts), i, line


def _escape(text: str, j: int) -> tuple[str, int]:
    """A backslash escape of an E'' string starting after the backslash; returns (value, next index)."""
    ch = text[j]
    if ch in _ESCAPES:
        return _ESCAPES[ch], j + 1
    if ch in "01234567":
        k = j
        while k < len(text) and k < j + 3 and text[k] in "01234567":
            k += 1
        return chr(int(text[j:k], 8) & 0xFF), k
    for marker, width in (("x", 2), ("u", 4), ("U", 8)):
        if ch == marker:
            k = j + 1
            digits = ""
            while k < len(text) and len(digits) < width and text[k] in "0123456789abcdefABCDEF":
                digits += text[k]
                k += 1
            if digits and (marker == "x" or len(digits) == width):
                code = int(digits, 16)
                if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                    return chr(code), k
            return ch, j + 1
    return ch, j + 1


class _Parser:
    def __init__(self, tokens: list[Token], filename: str):
        self.tokens = tokens
        self.pos = 0
        self.filename = filename

    def peek(self, offset: int = 0) -> Token | None:
        k = self.pos + offset
        return self.tokens[k] if k < len(self.tokens) else None

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            last = self.tokens[-1].line if self.tokens else 1
            raise InputError(f"{self.filename}:{last}: the file ends in the middle of a statement")
        self.pos += 1
        return token

    def is_word(self, token: Token | None, word: str) -> bool:
        return token is not None and token.kind == "ident" and token.value.upper() == word

    def is_punct(self, token: Token | None, mark: str) -> bool:
        return token is not None and token.kind == "punct" and token.value == mark

    def expect_punct(self, mark: str, what: str) -> Token:
        token = self.next()
        if not self.is_punct(token, mark):
            raise InputError(f"{self.filename}:{token.line}: expected {what} but found {_show(token)}")
        return token

    def name(self, what: str) -> str:
        token = self.next()
        if token.kind not in ("ident", "qident"):
            raise InputError(f"{self.filename}:{token.line}: expected {what} but found {_show(token)}")
        parts = [token.value if token.kind == "qident" else token.value.lower()]
        while self.is_punct(self.peek(), "."):
            self.next()
            part = self.next()
            if part.kind not in ("ident", "qident"):
                raise InputError(f"{self.filename}:{part.line}: expected a name after '.' but found {_show(part)}")
            parts.append(part.value if part.kind == "qident" else part.value.lower())
        return ".".join(parts)

    def skip_statement(self) -> None:
        depth = 0
        while self.peek() is not None:
            token = self.next()
            if self.is_punct(token, "("):
                depth += 1
            elif self.is_punct(token, ")"):
                depth = max(0, depth - 1)
            elif self.is_punct(token, ";") and depth == 0:
                return

    def value(self) -> Any:
        """One expression of a VALUES list, up to the ``,`` or ``)`` that ends it."""
        start = self.pos
        depth = 0
        while True:
            token = self.peek()
            if token is None:
                raise InputError(f"{self.filename}:{self.tokens[start].line if start < len(self.tokens) else 1}: "
                                 "the file ends inside a VALUES list")
            if depth == 0 and (self.is_punct(token, ",") or self.is_punct(token, ")")):
                break
            if self.is_punct(token, ";"):
                raise InputError(f"{self.filename}:{token.line}: a ';' inside a VALUES row: a parenthesis is missing")
            if self.is_punct(token, "(") or self.is_punct(token, "["):
                depth += 1
            elif self.is_punct(token, ")") or self.is_punct(token, "]"):
                depth -= 1
            self.next()
        expr = self.tokens[start : self.pos]
        if not expr:
            line = self.peek().line if self.peek() else 1
            raise InputError(f"{self.filename}:{line}: an empty value in a VALUES row")
        return _literal(expr)

    def insert(self, result: ParseResult, statement: int) -> None:
        into = self.next()
        if not self.is_word(into, "INTO"):
            raise InputError(f"{self.filename}:{into.line}: expected INTO after INSERT but found {_show(into)}")
        table = self.name("a table name")
        columns: tuple[str, ...] = ()
        if self.is_punct(self.peek(), "("):
            self.next()
            names = [self.name("a column name")]
            while self.is_punct(self.peek(), ","):
                self.next()
                names.append(self.name("a column name"))
            self.expect_punct(")", "')' after the column names")
            columns = tuple(names)
        token = self.next()
        if self.is_word(token, "OVERRIDING"):
            while not self.is_word(token, "VALUES"):
                token = self.next()
        if not self.is_word(token, "VALUES"):
            # INSERT ... SELECT / DEFAULT VALUES: no literal rows to read
            result.skipped.append((token.line, f"INSERT INTO {table} without a VALUES list"))
            self.pos -= 1
            self.skip_statement()
            return
        result.inserts += 1
        while True:
            open_ = self.expect_punct("(", "'(' to start a row")
            values = [self.value()]
            while self.is_punct(self.peek(), ","):
                self.next()
                values.append(self.value())
            self.expect_punct(")", "')' to end a row")
            row = SqlRow(table, columns, tuple(values), open_.line, statement)
            if columns and len(columns) != len(values):
                result.problems.append(RowProblem(
                    open_.line, table,
                    f"the row has {len(values)} values for the {len(columns)} columns ({', '.join(columns)})",
                    tuple(values)))
            else:
                result.rows.append(row)
            if self.is_punct(self.peek(), ","):
                self.next()
                continue
            break
        following = self.peek()
        if following is None:
            return
        if self.is_punct(following, ";"):
            self.next()
            return
        if self.is_word(following, "ON") or self.is_word(following, "RETURNING"):
            self.skip_statement()
            return
        raise InputError(f"{self.filename}:{following.line}: expected ',' or ';' after a row but found {_show(following)}")


def _show(token: Token) -> str:
    if token.kind == "string":
        return f"the string {_clip(token.value, 30)!r}"
    if token.kind == "qident":
        return '"' + repr(_clip(token.value, 30))[1:-1] + '"'  # escaped: a name may hold a line break
    return repr(_clip(token.text or str(token.value), 30))


def _clip(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters for a message (a damaged file may hold megabytes in one token)."""
    return text if len(text) <= width else text[: width - 3] + "..."


def _literal(tokens: list[Token]) -> Any:
    """The value of an expression's tokens: a literal (casts dropped) or an :class:`Expression`."""
    # drop trailing casts: value :: type [ ( n ) ] [ [] ]
    body = list(tokens)
    for k, token in enumerate(body):
        if token.kind == "punct" and token.value == "::":
            body = body[:k]
            break
    sign = 1
    if len(body) == 2 and body[0].kind == "op" and body[0].value in ("-", "+") and body[1].kind == "number":
        sign = -1 if body[0].value == "-" else 1
        body = body[1:]
    if len(body) == 1:
        token = body[0]
        if token.kind == "string":
            return token.value
        if token.kind == "number":
            return sign * token.value
        if token.kind == "ident":
            word = token.value.upper()
            if word == "NULL":
                return None
            if word == "TRUE":
                return True
            if word == "FALSE":
                return False
            if word == "DEFAULT":
                return DEFAULT
    if len(body) == 2 and body[0].kind == "ident" and body[1].kind == "string" and body[0].value.upper() in (
            "DATE", "TIMESTAMP", "TIMESTAMPTZ", "TIME", "INTERVAL", "JSON", "JSONB", "TEXT", "VARCHAR"):
        return body[1].value  # a typed literal: DATE '2019-01-01'
    return Expression(" ".join(_render(t) for t in tokens))


def _render(token: Token) -> str:
    if token.kind == "string":
        return "'" + token.value.replace("'", "''") + "'"
    if token.kind == "qident":
        return '"' + token.value.replace('"', '""') + '"'
    return token.text or str(token.value)


def parse_inserts(text: str, filename: str = "<sql>") -> ParseResult:
    """Every row of every ``INSERT ... VALUES`` statement of ``text``; other statements are skipped.

    :raises InputError: the text does not tokenize, or an ``INSERT`` breaks the grammar.
    """
    tokens = list(tokenize(text, filename))
    parser = _Parser(tokens, filename)
    result = ParseResult()
    statement = 0
    while parser.peek() is not None:
        token = parser.peek()
        if parser.is_punct(token, ";"):
            parser.next()
            continue
        statement += 1
        if parser.is_word(token, "INSERT"):
            parser.next()
            parser.insert(result, statement)
        else:
            words = []
            k = 0
            while (t := parser.peek(k)) is not None and len(words) < 3 and not parser.is_punct(t, ";"):
                words.append(_clip(t.text or str(t.value), 40))
                k += 1
            result.skipped.append((token.line, " ".join(words)))
            parser.skip_statement()
    return result


def quote_literal(value: Any) -> str:
    """``value`` written as a PostgreSQL literal (the inverse of reading one).

    >>> quote_literal("it's")
    "'it''s'"
    >>> quote_literal(None), quote_literal(-3), quote_literal(True)
    ('NULL', '-3', 'TRUE')
    """
    if value is None:
        return "NULL"
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"cannot write {type(value).__name__} as an SQL literal")


def parse_value(text: str, filename: str = "<sql>") -> Any:
    """The value of one SQL literal written as text (``'it''s'``, ``NULL``, ``-4.5``).

    >>> parse_value("'a, (b)'")
    'a, (b)'

    :raises InputError: the text is not one literal.
    """
    tokens = list(tokenize(text, filename))
    if not tokens:
        raise InputError(f"{filename}:1: no value")
    value = _literal(tokens)
    if isinstance(value, Expression):
        raise InputError(f"{filename}:{tokens[0].line}: {text.strip()[:40]!r} is not a literal value")
    return value
