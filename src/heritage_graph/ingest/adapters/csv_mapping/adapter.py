"""The CSV adapter: read the rows of one file, check every cell, and make the quads the mapping says.

:meth:`CsvMappingAdapter.read` checks the header and every row and collects every error
(``file:line: column 'count': 'many' is not an integer``); if any row fails, one
:class:`CsvRowErrors` lists them all, so that nothing is written. The rows are mapped to quads as
they are read, so that mapping errors are reported with the column errors.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ....errors import InputError
from ....rdf.vocab import DCTERMS, HG, PREFIXES, XSD
from ..base import COMMENT, LABEL, TITLE, TYPE, Adapter, QuadList, RdfResult, ReadResult, Record, Table, TableCount
from .mapping import Mapping, PropertyMap
from .values import convert, iri_of, text_of

_MAX_ERRORS_SHOWN = 200


class CsvRowErrors(InputError):
    """Rows of a CSV file that cannot be imported; ``errors`` holds one line per error."""

    def __init__(self, path: Path | str, errors: list[str], rows: int):
        self.errors = errors
        self.rows = rows
        shown = errors[:_MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        if len(errors) == 1:  # one fault, one line
            super().__init__(f"{errors[0]}; nothing was written")
            return
        super().__init__(
            f"{path}: {len(errors)} error{'s' if len(errors) != 1 else ''} in {rows} "
            f"row{'s' if rows != 1 else ''}; nothing was written:\n  " + "\n  ".join(shown)
            + (f"\n  ... and {more} more" if more > 0 else ""))



@dataclass
class _Made:
    quads: QuadList
    made_by: dict[str, list[int]] = field(default_factory=dict)


class CsvMappingAdapter(Adapter):
    """Rows of one CSV file, mapped by a :class:`Mapping`. Not in the archive registry: it needs a mapping."""

    name = "csv"
    title = "a CSV file with a YAML mapping"

    def __init__(self, mapping: Mapping):
        self.mapping = mapping
        self.file = "<csv>"
        self.made_by: dict[str, list[int]] = {}
        self.prefixes = {p: ns for p, ns in mapping.prefixes.items() if p not in PREFIXES}

    def header(self, result: RdfResult) -> list[str]:
        return [f"Imported by 'heritage-graph import csv' from {self.file} with the mapping "
                f"{self.mapping.path.name}; do not edit by hand: change the CSV or the mapping and import again."]

    def where_made(self, iri: str) -> str | None:
        """``file:line`` of the row(s) that made the resource ``iri``, for validation messages."""
        lines = self.made_by.get(iri)
        if not lines:
            return None
        return f"{self.file}:{','.join(str(n) for n in lines[:5])}{'...' if len(lines) > 5 else ''}"

    # ------------------------------------------------------------------ reading

    def read(self, source: Path) -> ReadResult:
        path = Path(source)
        self.file = path.name
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise InputError(f"{path}: no such file") from exc
        except IsADirectoryError as exc:
            raise InputError(f"{path}: is a folder, not a CSV file") from exc
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        return self.read_text(raw, path)

    def read_text(self, raw: bytes | str, path: Path | str = "<csv>") -> ReadResult:
        """Read CSV content (bytes or text) as if from ``path``; every row error is collected."""
        path = Path(path)
        self.file = path.name
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                raise InputError(f"{self.file}:{line}: the file is not UTF-8 text; save it as UTF-8") from exc
        else:
            text = raw[1:] if raw.startswith("\ufeff") else raw
        if "\x00" in text:
            raise InputError(f"{self.file}:{text[: text.index(chr(0))].count(chr(10)) + 1}: a NUL byte: not a text file")
        mapping = self.mapping
        lines = _Lines(text, mapping.comment)
        reader = csv.reader(lines, delimiter=mapping.delimiter, strict=True)
        errors: list[str] = []
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise InputError(f"{self.file}:{lines.first}: the header line is not CSV ({_csv_reason(exc)})") from exc
        if header is None:
            raise InputError(f"{self.file}: the file holds no header line and no rows")
        header_line = lines.first
        header = [h.strip() for h in header]
        seen: set[str] = set()
        for name in header:
            if name == "":
                errors.append(f"{self.file}:{header_line}: an empty column name in the header")
            elif name in seen:
                errors.append(f"{self.file}:{header_line}: the column {name!r} twice in the header")
            seen.add(name)
        missing = [c for c in mapping.columns if c not in seen]
        if missing:
            errors.append(f"{self.file}:{header_line}: the header lacks the column(s) "
                          f"{', '.join(repr(c) for c in missing)} that the mapping {mapping.path.name} declares")
        if errors:
            raise CsvRowErrors(self.file, errors, 0)
        table = Table(self.file, self.file)
        failed_rows: set[int] = set()
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                errors.append(f"{self.file}:{lines.first}: not CSV ({_csv_reason(exc)})")
                failed_rows.add(lines.first)
                break
            line = lines.first
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                errors.append(f"{self.file}:{line}: {len(cells)} cells for the {len(header)} columns of the header")
                failed_rows.add(line)
                continue
            values = {name: cell.strip() for name, cell in zip(header, cells)}
            row_errors = self._check_columns(values, line)
            if row_errors:
                errors.extend(row_errors)
                failed_rows.add(line)
            table.records.append(Record(values, self.file, line))
        if not table.records and not errors:
            raise InputError(f"{self.file}: the file holds a header but no rows")
        # map every row now, so that mapping errors are collected with the column errors
        checked = {key for key in map(self._error_key, errors) if key is not None}
        mapping_errors: list[str] = []
        self._made = self._convert(table, mapping_errors, failed_rows, checked)
        # a cell already reported by the column checks is not reported again by the mapping
        errors.extend(e for e in mapping_errors if self._error_key(e) not in checked)
        if errors:
            ordered = sorted(_dedupe(errors), key=lambda e: (self._error_line(e), ))
            raise CsvRowErrors(self.file, ordered, len(failed_rows))
        result = ReadResult(source=path)
        result.tables[self.file] = table
        return result

    def _error_key(self, error: str) -> tuple[int, str] | None:
        match = re.match(rf"^{re.escape(self.file)}:(\d+): column '([^']*)':", error)
        return (int(match.group(1)), match.group(2)) if match else None

    def _error_line(self, error: str) -> int:
        match = re.match(rf"^{re.escape(self.file)}:(\d+):", error)
        return int(match.group(1)) if match else 0

    def _check_columns(self, values: dict[str, str], line: int) -> list[str]:
        errors = []
        for spec in self.mapping.columns.values():
            cell = values.get(spec.name, "")
            if cell == "":
                if spec.required:
                    errors.append(f"{self.file}:{line}: column {spec.name!r}: required, but empty")
                continue
            if spec.datatype is not None:
                _, problem = convert(cell, spec.datatype, spec.language, self.mapping.prefixes)
                if problem:
                    errors.append(f"{self.file}:{line}: column {spec.name!r}: {problem}")
        return errors

    def _convert(self, table: Table, errors: list[str], failed_rows: set[int],
                 checked: set[tuple[int, str]] = frozenset()) -> _Made:
        mapping = self.mapping
        made = _Made(QuadList())
        add = made.quads.add
        source = mapping.source
        if mapping.source_definition:
            d = mapping.source_definition
            add(source, TYPE, ox.NamedNode(HG + "SourceDocument"))
            add(source, LABEL, ox.Literal(d["label"], language="en"))
            if "title" in d:
                add(source, TITLE, ox.Literal(d["title"], language="en"))
            if "citation" in d:
                add(source, ox.NamedNode(DCTERMS + "bibliographicCitation"), ox.Literal(d["citation"]))
            if "comment" in d:
                add(source, COMMENT, ox.Literal(d["comment"], language="en"))
            for key, term in (("creator", "creator"), ("publisher", "publisher"), ("language", "language")):
                if key in d:
                    add(source, ox.NamedNode(DCTERMS + term), ox.Literal(d[key]))
            for key, term in (("date", DCTERMS + "date"), ("accessed", HG + "accessed")):
                if key in d:  # YYYY-MM-DD, checked with the mapping
                    add(source, ox.NamedNode(term), convert(d[key], "date", None, {})[0])
            if "url" in d:  # a web address, checked with the mapping
                add(source, ox.NamedNode("http://xmlns.com/foaf/0.1/page"), ox.NamedNode(d["url"]))
            if "undated" in d:
                add(source, ox.NamedNode(HG + "undated"), ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")))
            if "local_copy" in d:
                add(source, ox.NamedNode(HG + "localCopy"), ox.Literal(d["local_copy"]))
        first_maker: dict[str, int] = {}
        for record in table.records:
            line = record.line
            row_errors: list[str] = []
            for resource in mapping.resources:
                subject_text, why = resource.subject.render(record.values, line, self.file)
                if subject_text is None:
                    column, reason = why[0]
                    row_errors.append(f"{self.file}:{line}: column {column!r}: {reason}, but the subject "
                                      f"{resource.subject.text!r} needs it")
                    continue
                subject = iri_of(subject_text, mapping.prefixes)
                if subject is None and any((line, c) in checked for c in resource.subject.columns):
                    continue  # made of a cell already reported as wrong: one fault, one message
                if subject is None:
                    row_errors.append(f"{self.file}:{line}: the subject {subject_text!r} is not a valid IRI "
                                      f"(from {resource.subject.text!r}; use {{column|slug}} for free text)")
                    continue
                if resource.unique:
                    earlier = first_maker.get(subject.value)
                    if earlier is not None and earlier != line:
                        row_errors.append(f"{self.file}:{line}: the subject {subject_text} is already made by "
                                          f"line {earlier}; make the subject template unique per row "
                                          f"(or set 'unique: false' to merge rows into one resource)")
                        continue
                first_maker.setdefault(subject.value, line)
                self.made_by.setdefault(subject.value, []).append(line)
                pending: list[tuple[ox.NamedNode, Any]] = [(TYPE, t) for t in resource.types]
                for prop in resource.properties:
                    term, problem = self._value(prop, record.values, line)
                    if problem and not any((line, c) in checked for c in prop.columns):
                        row_errors.append(problem)
                    elif term is not None:
                        pending.append((prop.predicate, term))
                pending.append((ox.NamedNode(HG + "source"), source))
                if resource.quote is not None:
                    quote, why = resource.quote.render(record.values, line, self.file, allow_empty=True)
                    if quote is None:
                        column, reason = why[0]
                        row_errors.append(f"{self.file}:{line}: column {column!r}: {reason}, but the quote "
                                          f"{resource.quote.text!r} needs it")
                    elif quote.strip():
                        pending.append((ox.NamedNode(HG + "quote"), ox.Literal(quote)))
                if not row_errors:
                    for predicate, term in pending:
                        add(subject, predicate, term)
            if row_errors:
                errors.extend(row_errors)
                failed_rows.add(line)
        self.made_by = {k: sorted(set(v)) for k, v in self.made_by.items()}
        return made

    def _value(self, prop: PropertyMap, cells: dict[str, str], line: int):
        """(term or None, error text or None) of one property for one row."""
        if prop.when is not None and not prop.when.holds(cells):
            return None, None
        if prop.constant is not None:
            term, problem = convert(text_of(prop.constant), prop.datatype, prop.language, self.mapping.prefixes)
            return term, (f"{self.file}:{line}: {prop.where}: {problem}" if problem else None)
        if prop.column is not None:
            cell = cells.get(prop.column, "")
            if cell == "":
                if prop.required:
                    return None, f"{self.file}:{line}: column {prop.column!r}: required, but empty"
                return None, None
            if prop.values is not None:
                if cell not in prop.values:
                    known = ", ".join(repr(k) for k in prop.values)
                    return None, f"{self.file}:{line}: column {prop.column!r}: {cell!r} is not one of {known}"
                value = text_of(prop.values[cell])
            else:
                value = cell
            term, problem = convert(value, prop.datatype, prop.language, self.mapping.prefixes)
            if problem:
                return None, f"{self.file}:{line}: column {prop.column!r}: {problem}"
            return term, None
        text, why = prop.template.render(cells, line, self.file)  # type: ignore[union-attr]
        if text is None:
            column, reason = why[0]
            if prop.required:
                return None, f"{self.file}:{line}: column {column!r}: {reason}, but {prop.where} requires it"
            return None, None
        term, problem = convert(text, prop.datatype, prop.language, self.mapping.prefixes)
        if problem:
            return None, f"{self.file}:{line}: {prop.where}: the template {prop.template.text!r} gives {problem}"  # type: ignore[union-attr]
        return term, None

    # ------------------------------------------------------------------ mapping

    def to_rdf(self, read: ReadResult) -> RdfResult:
        table = read.tables[self.file]
        quads = self._made.quads.quads()
        count = TableCount(read=table.read, imported=table.read, reported=0)
        return RdfResult(quads, [], {self.file: count})


class _Lines:
    """The lines of a text for :mod:`csv`, skipping comment lines, remembering where each record starts."""

    def __init__(self, text: str, comment: str | None):
        self.lines = io.StringIO(text, newline="")
        self.comment = comment
        self.number = 0
        self.first = 1
        self._starting = True

    def __iter__(self):
        return self

    def __next__(self) -> str:
        while True:
            line = self.lines.readline()
            if line == "":
                self._starting = True
                raise StopIteration
            self.number += 1
            if self._starting and self.comment and line.lstrip().startswith(self.comment):
                continue
            if self._starting:
                self.first = self.number
            self._starting = self._complete(line)
            return line

    _quotes_open = False

    def _complete(self, line: str) -> bool:
        """Whether the record ends with this line (no quoted cell left open)."""
        self._quotes_open ^= line.count('"') % 2 == 1
        return not self._quotes_open


def _csv_reason(exc: csv.Error) -> str:
    """The csv module's reason, in the words of the rest of the messages."""
    reason = str(exc)
    match = re.match(r"field larger than field limit \((\d+)\)", reason)
    if match:
        return f"a cell longer than {int(match.group(1)):,} characters, the most a cell may hold"
    return reason


def _dedupe(errors: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for error in errors:
        if error not in seen:
            seen.add(error)
            out.append(error)
    return out
