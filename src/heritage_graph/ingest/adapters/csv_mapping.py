"""Generic CSV import: a small YAML mapping from a register's columns to the ontology.

Registers that archives keep as tables (the graves of a cemetery, the nationality table of a
camp, a list of deportees) become resources and claims through a mapping file; the format is
documented in ``docs/import.md`` and an example is ``examples/nationality-table.yaml``. In short::

    source:                        # the document the rows come from (hg:source of everything made)
      iri: source:my-register
      label: "My register"         # optional: define the source document in the output
      local_copy: registers/my-register.csv
    quote: "Register row {_row}: {name}, {count}"    # hg:quote of every row's resources
    csv: {delimiter: ",", comment: "#"}
    columns:                       # the columns the file must have, and how cells are checked
      name:  {required: true}
      count: {datatype: integer}
    resources:
      - subject: claim:my-register-{name|slug}       # an IRI template
        type: hg:Claim
        properties:
          - {property: hg:value, column: count, datatype: integer}
          - {property: hg:approximation, constant: hg:Exact}
          - {property: hg:about, template: "camp:{camp|slug}", datatype: iri}

:func:`load_mapping` checks the whole mapping first (every error at once, as
:class:`~heritage_graph.errors.InputError`); :meth:`CsvMappingAdapter.read` checks every row and
collects every error (``file:line: column 'count': 'many' is not an integer``), and raises one
:class:`CsvRowErrors` listing them all if any row fails, so that nothing is written.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ...errors import InputError
from ...rdf.vocab import DCTERMS, HG, PREFIXES, XSD
from .base import (
    COMMENT, LABEL, TITLE, TYPE, Adapter, QuadList, RdfResult, ReadResult, Record, Table, TableCount,
)

DATATYPES = ("string", "langString", "integer", "decimal", "boolean", "date", "iri")

_TEMPLATE_FIELD = re.compile(r"\{([^{}]*)\}")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_PREFIXED = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)?:([^\s/]*)$")
_MAX_ERRORS_SHOWN = 200

#: The most digits an integer cell may have: Python (and so the validator) reads no longer ones.
MAX_INTEGER_DIGITS = 4000


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


#################################################################
# The mapping
#################################################################

@dataclass
class Template:
    """A text with ``{column}``, ``{column|slug}``, ``{_row}`` and ``{_file}`` fields (``{{``/``}}``: braces)."""

    text: str
    parts: list[tuple[str, str | None, str | None]]  # (literal text, column or None, filter or None)

    @property
    def columns(self) -> set[str]:
        return {c for _, c, _ in self.parts if c is not None and not c.startswith("_")}

    @property
    def per_row(self) -> bool:
        return any(c is not None for _, c, _ in self.parts)

    def render(self, cells: dict[str, str], row: int, file: str,
               allow_empty: bool = False) -> tuple[str | None, list[tuple[str, str]]]:
        """The text for one row, or None and the (column, reason) that made it impossible.

        An empty cell makes it impossible, unless ``allow_empty`` (quotes), where it is left out.
        """
        out = []
        for literal, column, filter_ in self.parts:
            out.append(literal)
            if column is None:
                continue
            if column == "_row":
                value = str(row)
            elif column == "_file":
                value = file
            else:
                value = cells.get(column, "")
                if value == "":
                    if allow_empty:
                        continue
                    return None, [(column, "is empty")]
            if filter_ == "slug":
                slugged = slug(value)
                if not slugged:
                    return None, [(column, f"{_clip(value)!r} gives no slug (no letters or digits)")]
                value = slugged
            out.append(value)
        return "".join(out), []


def parse_template(text: Any, where: str, errors: list[str]) -> Template | None:
    if not isinstance(text, str):
        errors.append(f"{where}: a template is text, not {_kind(text)}")
        return None
    parts: list[tuple[str, str | None, str | None]] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if text.startswith("{{", i) or text.startswith("}}", i):
            literal.append(ch)
            i += 2
            continue
        if ch == "}":
            errors.append(f"{where}: a '}}' without its '{{' in {text!r} (write '}}}}' for a brace)")
            return None
        if ch == "{":
            end = text.find("}", i)
            if end == -1:
                errors.append(f"{where}: a '{{' without its '}}' in {text!r}")
                return None
            field_ = text[i + 1 : end].strip()
            name, _, filter_ = field_.partition("|")
            name, filter_ = name.strip(), filter_.strip() or None
            if not name or "{" in field_:
                errors.append(f"{where}: an empty or broken field {{{field_}}} in {text!r}")
                return None
            if filter_ not in (None, "slug"):
                errors.append(f"{where}: unknown filter {filter_!r} in {{{field_}}} (known: slug)")
                return None
            parts.append(("".join(literal), name, filter_))
            literal = []
            i = end + 1
            continue
        literal.append(ch)
        i += 1
    parts.append(("".join(literal), None, None))
    return Template(text, parts)


@dataclass
class Condition:
    column: str
    filled: bool | None = None
    equals: list[str] | None = None
    not_equals: list[str] | None = None

    def holds(self, cells: dict[str, str]) -> bool:
        value = cells.get(self.column, "")
        if self.filled is not None and (value != "") != self.filled:
            return False
        if self.equals is not None and value not in self.equals:
            return False
        if self.not_equals is not None and value in self.not_equals:
            return False
        return True


@dataclass
class PropertyMap:
    predicate: ox.NamedNode
    where: str
    column: str | None = None
    template: Template | None = None
    constant: Any = None
    datatype: str = "string"
    language: str | None = None
    required: bool = False
    values: dict[str, Any] | None = None  # a cell value → the value to write
    when: Condition | None = None

    @property
    def columns(self) -> set[str]:
        found = set()
        if self.column:
            found.add(self.column)
        if self.template is not None:
            found |= self.template.columns
        if self.when is not None:
            found.add(self.when.column)
        return found


@dataclass
class ResourceMap:
    subject: Template
    types: list[ox.NamedNode]
    properties: list[PropertyMap]
    quote: Template | None
    unique: bool
    where: str

    @property
    def columns(self) -> set[str]:
        found = set(self.subject.columns)
        for prop in self.properties:
            found |= prop.columns
        if self.quote is not None:
            found |= self.quote.columns
        return found


@dataclass
class ColumnSpec:
    name: str
    required: bool = False
    datatype: str | None = None
    language: str | None = None


@dataclass
class Mapping:
    """A checked mapping, ready to convert rows."""

    path: Path
    source: ox.NamedNode
    source_definition: dict[str, str]
    columns: dict[str, ColumnSpec]
    resources: list[ResourceMap]
    prefixes: dict[str, str]
    delimiter: str = ","
    comment: str | None = None
    name: str = "csv"


_TOP_KEYS = {"source", "quote", "csv", "columns", "resources", "prefixes", "name"}
_SOURCE_KEYS = {"iri", "label", "title", "local_copy", "citation", "comment"}
_RESOURCE_KEYS = {"subject", "type", "properties", "quote", "unique"}
_PROPERTY_KEYS = {"property", "column", "template", "constant", "datatype", "language", "required", "values", "when"}
_COLUMN_KEYS = {"required", "datatype", "language"}


def load_mapping(path: Path) -> Mapping:
    """Read and check a YAML mapping file.

    :raises InputError: the file is missing or not YAML, or the mapping breaks the format; the
        message lists every fault found.
    """
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such mapping file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the mapping is not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InputError(f"{where}: the mapping is not valid YAML ({getattr(exc, 'problem', None) or exc})") from exc
    return mapping_from_dict(data, path)


def mapping_from_dict(data: Any, path: Path | str = "<mapping>") -> Mapping:
    """Check a mapping given as parsed YAML (a dict) and build it.

    :raises InputError: every fault of the mapping, one per line.
    """
    path = Path(path)
    name = path.name
    errors: list[str] = []
    if not isinstance(data, dict):
        raise InputError(f"{name}: a mapping is a YAML mapping with 'source', 'columns' and 'resources', "
                         f"not {_kind(data)}")
    for key in sorted(set(map(str, data)) - _TOP_KEYS):
        errors.append(f"{name}: unknown key {key!r} (known: {', '.join(sorted(_TOP_KEYS))})")

    prefixes = dict(PREFIXES)
    extra = data.get("prefixes") or {}
    if not isinstance(extra, dict):
        errors.append(f"{name}: prefixes: a mapping of prefix to namespace IRI, not {_kind(extra)}")
        extra = {}
    for prefix, namespace in extra.items():
        if not isinstance(prefix, str) or not re.match(r"^[A-Za-z][A-Za-z0-9_-]*$", prefix) \
                or not isinstance(namespace, str) or not _is_iri(namespace):
            errors.append(f"{name}: prefixes: {prefix!r}: {namespace!r} is not a prefix and a namespace IRI")
        else:
            prefixes[prefix] = namespace

    # csv options
    options = data.get("csv") or {}
    delimiter, comment = ",", None
    if not isinstance(options, dict):
        errors.append(f"{name}: csv: options such as {{delimiter: ',', comment: '#'}}, not {_kind(options)}")
    else:
        for key in sorted(set(map(str, options)) - {"delimiter", "comment"}):
            errors.append(f"{name}: csv: unknown option {key!r} (known: comment, delimiter)")
        delimiter = options.get("delimiter", ",")
        if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\r\n":
            errors.append(f"{name}: csv: delimiter must be one character (not a quote or newline), not {delimiter!r}")
            delimiter = ","
        comment = options.get("comment")
        if comment is not None and (not isinstance(comment, str) or not comment or "\n" in comment):
            errors.append(f"{name}: csv: comment must be a non-empty text such as '#', not {comment!r}")
            comment = None

    # source
    source_node = ox.NamedNode(HG + "MissingSource")
    definition: dict[str, str] = {}
    source = data.get("source")
    if not isinstance(source, dict) or "iri" not in source:
        errors.append(f"{name}: source: required, with at least 'iri' (the hg:SourceDocument the rows come from)")
    else:
        for key in sorted(set(map(str, source)) - _SOURCE_KEYS):
            errors.append(f"{name}: source: unknown key {key!r} (known: {', '.join(sorted(_SOURCE_KEYS))})")
        node = _iri(source.get("iri"), prefixes)
        if node is None:
            errors.append(f"{name}: source: iri: {source.get('iri')!r} is not an IRI or a prefixed name")
        else:
            source_node = node
        for key in sorted(_SOURCE_KEYS - {"iri"}):
            if key in source:
                if not isinstance(source[key], str) or not source[key].strip():
                    errors.append(f"{name}: source: {key}: a non-empty text, not {source[key]!r}")
                else:
                    definition[key] = source[key].strip()
        if definition and "label" not in definition:
            errors.append(f"{name}: source: to define the source document here give its 'label' (English); "
                          "otherwise give only 'iri' of a source described in the data")

    # columns
    columns: dict[str, ColumnSpec] = {}
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        errors.append(f"{name}: columns: required, a mapping of column name to its checks "
                      "({required: true, datatype: integer}, or {} for none)")
        raw_columns = {}
    for column, spec in raw_columns.items():
        where = f"{name}: columns: {column}"
        if not isinstance(column, str) or not column.strip() or column.startswith("_"):
            errors.append(f"{where}: a column name is non-empty text not starting with '_'")
            continue
        spec = {} if spec is None else spec
        if not isinstance(spec, dict):
            errors.append(f"{where}: {{required: true|false, datatype: ...}}, not {_kind(spec)}")
            continue
        for key in sorted(set(map(str, spec)) - _COLUMN_KEYS):
            errors.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(_COLUMN_KEYS))})")
        required = spec.get("required", False)
        if not isinstance(required, bool):
            errors.append(f"{where}: required: true or false, not {required!r}")
            required = False
        datatype = spec.get("datatype")
        if datatype is not None and datatype not in DATATYPES:
            errors.append(f"{where}: datatype: {datatype!r} is not one of {', '.join(DATATYPES)}")
            datatype = None
        language = spec.get("language")
        if datatype == "langString" and not (isinstance(language, str) and _LANGUAGE.match(language)):
            errors.append(f"{where}: a langString column needs a language such as 'en', not {language!r}")
        columns[column] = ColumnSpec(column, required, datatype, language if isinstance(language, str) else None)

    # the quote
    quote = None
    if "quote" in data:
        quote = parse_template(data["quote"], f"{name}: quote", errors)

    # resources
    resources: list[ResourceMap] = []
    raw_resources = data.get("resources")
    if not isinstance(raw_resources, list) or not raw_resources:
        errors.append(f"{name}: resources: required, a list of {{subject, type, properties}}")
        raw_resources = []
    for index, raw in enumerate(raw_resources, start=1):
        where = f"{name}: resources[{index}]"
        resource = _resource(raw, where, prefixes, quote, errors)
        if resource is not None:
            resources.append(resource)
    for resource in resources:
        for column in sorted(resource.columns - set(columns)):
            errors.append(f"{resource.where}: uses the column {column!r}, which 'columns' does not declare")
    if errors:
        raise InputError(f"{name}: the mapping cannot be used:\n  " + "\n  ".join(errors))
    mapping_name = data.get("name") if isinstance(data.get("name"), str) else f"csv:{path.stem}"
    return Mapping(path, source_node, definition, columns, resources, prefixes, delimiter, comment, mapping_name)


def _resource(raw: Any, where: str, prefixes: dict[str, str], quote: Template | None,
              errors: list[str]) -> ResourceMap | None:
    if not isinstance(raw, dict):
        errors.append(f"{where}: {{subject, type, properties}}, not {_kind(raw)}")
        return None
    for key in sorted(set(map(str, raw)) - _RESOURCE_KEYS):
        errors.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(_RESOURCE_KEYS))})")
    count = len(errors)
    subject = parse_template(raw.get("subject"), f"{where}: subject", errors) if "subject" in raw else None
    if subject is None and "subject" not in raw:
        errors.append(f"{where}: subject: required, an IRI template such as 'claim:{{camp|slug}}-{{year}}'")
    if subject is not None:
        probe = subject.render({c: "x" for c in subject.columns}, 1, "f.csv")[0]
        if probe is None or _iri(probe, prefixes) is None:
            errors.append(f"{where}: subject: {subject.text!r} does not make an IRI "
                          "(start it with a declared prefix such as 'claim:' or with 'https://')")
    types_raw = raw.get("type", [])
    types_raw = [types_raw] if isinstance(types_raw, str) else types_raw
    types: list[ox.NamedNode] = []
    if not isinstance(types_raw, list) or not types_raw:
        errors.append(f"{where}: type: required, a class such as hg:Claim (or a list)")
    else:
        for value in types_raw:
            node = _iri(value, prefixes)
            if node is None:
                errors.append(f"{where}: type: {value!r} is not an IRI or a prefixed name")
            else:
                types.append(node)
    unique = raw.get("unique", subject.per_row if subject is not None else True)
    if not isinstance(unique, bool):
        errors.append(f"{where}: unique: true or false, not {unique!r}")
        unique = True
    own_quote = quote if subject is None or subject.per_row else None
    if "quote" in raw:
        if raw["quote"] is False or raw["quote"] is None:
            own_quote = None
        else:
            own_quote = parse_template(raw["quote"], f"{where}: quote", errors)
    properties: list[PropertyMap] = []
    raw_properties = raw.get("properties", [])
    if not isinstance(raw_properties, list):
        errors.append(f"{where}: properties: a list of {{property, column|template|constant, datatype}}")
        raw_properties = []
    for index, prop in enumerate(raw_properties, start=1):
        made = _property(prop, f"{where}: properties[{index}]", prefixes, errors)
        if made is not None:
            properties.append(made)
    if len(errors) > count or subject is None:
        return None
    return ResourceMap(subject, types, properties, own_quote, unique, where)


def _property(raw: Any, where: str, prefixes: dict[str, str], errors: list[str]) -> PropertyMap | None:
    if not isinstance(raw, dict):
        errors.append(f"{where}: {{property, column|template|constant, ...}}, not {_kind(raw)}")
        return None
    count = len(errors)
    for key in sorted(set(map(str, raw)) - _PROPERTY_KEYS):
        errors.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(_PROPERTY_KEYS))})")
    predicate = _iri(raw.get("property"), prefixes)
    if predicate is None:
        errors.append(f"{where}: property: {raw.get('property')!r} is not an IRI or a prefixed name")
    given = [k for k in ("column", "template", "constant") if k in raw]
    if len(given) != 1:
        errors.append(f"{where}: give exactly one of column, template, constant (found {', '.join(given) or 'none'})")
        return None
    kind = given[0]
    prop = PropertyMap(ox.NamedNode(HG + "x") if predicate is None else predicate, where)
    constant_default = "string"
    if kind == "column":
        if not isinstance(raw["column"], str) or not raw["column"]:
            errors.append(f"{where}: column: a column name, not {raw['column']!r}")
        else:
            prop.column = raw["column"]
    elif kind == "template":
        prop.template = parse_template(raw["template"], f"{where}: template", errors)
    else:
        value = raw["constant"]
        if isinstance(value, bool):
            constant_default = "boolean"
        elif isinstance(value, int):
            constant_default = "integer"
        elif isinstance(value, float):
            constant_default = "decimal"
            value = repr(value)
        elif isinstance(value, str):
            constant_default = "iri" if _looks_like_iri(value, prefixes) else "string"
        elif isinstance(value, date):
            constant_default = "date"
            value = value.isoformat()
        else:
            errors.append(f"{where}: constant: a text, number or true/false, not {_kind(value)}")
        prop.constant = value
    datatype = raw.get("datatype", constant_default if kind == "constant" else "string")
    if datatype not in DATATYPES:
        errors.append(f"{where}: datatype: {datatype!r} is not one of {', '.join(DATATYPES)}")
        datatype = "string"
    prop.datatype = datatype
    language = raw.get("language")
    if datatype == "langString":
        if not (isinstance(language, str) and _LANGUAGE.match(language)):
            errors.append(f"{where}: a langString needs a language such as 'en', not {language!r}")
        prop.language = language if isinstance(language, str) else None
    elif language is not None:
        errors.append(f"{where}: language is only for datatype langString")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        errors.append(f"{where}: required: true or false, not {required!r}")
        required = False
    prop.required = required
    values = raw.get("values")
    if values is not None:
        if kind != "column" or not isinstance(values, dict) or not values:
            errors.append(f"{where}: values: a mapping of cell value to value, for a column property")
        else:
            prop.values = {str(k): v for k, v in values.items()}
    when = raw.get("when")
    if when is not None:
        prop.when = _condition(when, f"{where}: when", errors)
    if prop.constant is not None and kind == "constant" and len(errors) == count:
        _, problem = convert(str(prop.constant) if not isinstance(prop.constant, str) else prop.constant,
                             prop.datatype, prop.language, prefixes)
        if problem:
            errors.append(f"{where}: constant: {problem}")
    if prop.values is not None and len(errors) == count:
        for key, value in prop.values.items():
            _, problem = convert(_text_of(value), prop.datatype, prop.language, prefixes)
            if problem:
                errors.append(f"{where}: values: {key!r}: {problem}")
    return None if len(errors) > count else prop


def _condition(raw: Any, where: str, errors: list[str]) -> Condition | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("column"), str):
        errors.append(f"{where}: {{column: NAME, filled: true|false | equals: VALUE | not_equals: VALUE}}")
        return None
    unknown = set(map(str, raw)) - {"column", "filled", "equals", "not_equals"}
    if unknown:
        errors.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        return None
    condition = Condition(raw["column"])
    if "filled" in raw:
        if not isinstance(raw["filled"], bool):
            errors.append(f"{where}: filled: true or false")
            return None
        condition.filled = raw["filled"]
    for key in ("equals", "not_equals"):
        if key in raw:
            value = raw[key]
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in items):
                errors.append(f"{where}: {key}: a value or a list of values")
                return None
            setattr(condition, key, [str(v) for v in items])
    if condition.filled is None and condition.equals is None and condition.not_equals is None:
        errors.append(f"{where}: give filled, equals or not_equals")
        return None
    return condition


#################################################################
# Values
#################################################################

def slug(value: str) -> str:
    """Lower-case ASCII letters and digits joined by hyphens.

    >>> slug("Šiauliai  Region / 1954")
    'siauliai-region-1954'
    """
    ascii_ = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_))


def _is_iri(value: str) -> bool:
    if not isinstance(value, str) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value):
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return not any(ch in value for ch in ' <>"{}|\\^`')


def _looks_like_iri(value: str, prefixes: dict[str, str]) -> bool:
    if re.match(r"^https?://\S+$", value):
        return True
    match = _PREFIXED.match(value)
    return bool(match and (match.group(1) or "") in prefixes and match.group(2))


def _iri(value: Any, prefixes: dict[str, str]) -> ox.NamedNode | None:
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
    return ox.NamedNode(full) if _is_iri(full) else None


def _canonical_integer(value: str) -> str:
    """An integer's canonical lexical form (no plus sign, no leading zeros), without int(): a cell of
    thousands of digits is still an integer, and Python refuses to convert one."""
    sign = "-" if value.startswith("-") else ""
    digits = value.lstrip("+-").lstrip("0") or "0"
    return ("" if digits == "0" else sign) + digits


def _text_of(value: Any) -> str:
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
            return None, f"{_clip(value)!r} is not an integer"
        digits = len(value.lstrip("+-").lstrip("0"))
        if digits > MAX_INTEGER_DIGITS:
            return None, (f"{_clip(value)!r} is an integer of {digits:,} digits; a value may have at most "
                          f"{MAX_INTEGER_DIGITS:,}")
        return ox.Literal(_canonical_integer(value), datatype=ox.NamedNode(XSD + "integer")), None
    if datatype == "decimal":
        if not _DECIMAL.match(value):
            return None, f"{_clip(value)!r} is not a decimal number"
        from .base import decimal

        return decimal(Decimal(value)), None
    if datatype == "boolean":
        low = value.lower()
        if low not in ("true", "false", "1", "0"):
            return None, f"{_clip(value)!r} is not true or false"
        return ox.Literal("true" if low in ("true", "1") else "false", datatype=ox.NamedNode(XSD + "boolean")), None
    if datatype == "date":
        try:
            parsed = date.fromisoformat(value)
            if len(value) != 10:
                raise ValueError
        except ValueError:
            return None, f"{_clip(value)!r} is not a date written as YYYY-MM-DD"
        return ox.Literal(parsed.isoformat(), datatype=ox.NamedNode(XSD + "date")), None
    if datatype == "iri":
        node = _iri(value, prefixes)
        if node is None:
            return None, f"{_clip(value)!r} is not an IRI or a prefixed name with a declared prefix"
        return node, None
    return None, f"unknown datatype {datatype!r}"  # pragma: no cover - checked in the mapping


#################################################################
# The adapter
#################################################################

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
            add(source, ox.NamedNode(HG + "source"), source)
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
                subject = _iri(subject_text, mapping.prefixes)
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
            term, problem = convert(_text_of(prop.constant), prop.datatype, prop.language, self.mapping.prefixes)
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
                value = _text_of(prop.values[cell])
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


def _clip(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters for a message."""
    return text if len(text) <= width else text[: width - 3] + "..."


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


__all__ = ["CsvMappingAdapter", "CsvRowErrors", "Mapping", "load_mapping", "mapping_from_dict", "slug", "convert"]

