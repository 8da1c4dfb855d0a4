"""The mapping file of a CSV import: read the YAML, check all of it, and build a :class:`Mapping`.

:func:`load_mapping` reads a file and :func:`mapping_from_dict` checks parsed YAML; every fault of
the mapping is collected and raised at once as one :class:`~heritage_graph.errors.InputError`.
A :class:`Mapping` holds the columns and their checks, the resources each row makes (an IRI
template for the subject, its classes, its properties) and the source document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from ....errors import InputError
from ....rdf.vocab import HG, PREFIXES
from .values import DATATYPES, clip, convert, iri_of, is_iri, looks_like_iri, slug, text_of

_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")


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
                    return None, [(column, f"{clip(value)!r} gives no slug (no letters or digits)")]
                value = slugged
            out.append(value)
        return "".join(out), []


def parse_template(text: Any, where: str, errors: list[str]) -> Template | None:
    if not isinstance(text, str):
        errors.append(f"{where}: a template is text, not {kind_of(text)}")
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
_SOURCE_KEYS = {"iri", "label", "title", "local_copy", "citation", "comment", "creator", "publisher", "language",
               "date", "accessed", "url", "undated"}
_RESOURCE_KEYS = {"subject", "type", "properties", "quote", "unique"}
_PROPERTY_KEYS = {"property", "column", "template", "constant", "datatype", "language", "required", "values", "when"}
_COLUMN_KEYS = {"required", "datatype", "language"}


def load_mapping(path: Path) -> Mapping:
    """Read and check a YAML mapping file.

    :raises InputError: the file is missing or not YAML, or the mapping breaks the format; the
        message lists every fault found.
    """
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
                         f"not {kind_of(data)}")
    for key in sorted(set(map(str, data)) - _TOP_KEYS):
        errors.append(f"{name}: unknown key {key!r} (known: {', '.join(sorted(_TOP_KEYS))})")

    prefixes = dict(PREFIXES)
    extra = data.get("prefixes") or {}
    if not isinstance(extra, dict):
        errors.append(f"{name}: prefixes: a mapping of prefix to namespace IRI, not {kind_of(extra)}")
        extra = {}
    for prefix, namespace in extra.items():
        if not isinstance(prefix, str) or not re.match(r"^[A-Za-z][A-Za-z0-9_-]*$", prefix) \
                or not isinstance(namespace, str) or not is_iri(namespace):
            errors.append(f"{name}: prefixes: {prefix!r}: {namespace!r} is not a prefix and a namespace IRI")
        else:
            prefixes[prefix] = namespace

    # csv options
    options = data.get("csv") or {}
    delimiter, comment = ",", None
    if not isinstance(options, dict):
        errors.append(f"{name}: csv: options such as {{delimiter: ',', comment: '#'}}, not {kind_of(options)}")
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
        node = iri_of(source.get("iri"), prefixes)
        if node is None:
            errors.append(f"{name}: source: iri: {source.get('iri')!r} is not an IRI or a prefixed name")
        else:
            source_node = node
        for key in sorted(_SOURCE_KEYS - {"iri"}):
            if key == "undated" and key in source:
                if source[key] is not True:
                    errors.append(f"{name}: source: undated: true (the source gives no date and no day of "
                                  f"reading is known) or left out, not {source[key]!r}")
                else:
                    definition[key] = "true"
            elif key in source:
                if not isinstance(source[key], str) or not source[key].strip():
                    errors.append(f"{name}: source: {key}: a non-empty text, not {source[key]!r}")
                else:
                    definition[key] = source[key].strip()
        for key in ("date", "accessed"):
            if key in definition and convert(definition[key], "date", None, {})[1]:
                errors.append(f"{name}: source: {key}: {convert(definition[key], 'date', None, {})[1]}")
        url = definition.get("url")
        if url is not None and (not url.lower().startswith(("http://", "https://")) or iri_of(url, {}) is None):
            errors.append(f"{name}: source: url: {definition['url']!r} is not a web address (http:// or https://)")
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
            errors.append(f"{where}: {{required: true|false, datatype: ...}}, not {kind_of(spec)}")
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
        errors.append(f"{where}: {{subject, type, properties}}, not {kind_of(raw)}")
        return None
    for key in sorted(set(map(str, raw)) - _RESOURCE_KEYS):
        errors.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(_RESOURCE_KEYS))})")
    count = len(errors)
    subject = parse_template(raw.get("subject"), f"{where}: subject", errors) if "subject" in raw else None
    if subject is None and "subject" not in raw:
        errors.append(f"{where}: subject: required, an IRI template such as 'claim:{{camp|slug}}-{{year}}'")
    if subject is not None:
        probe = subject.render({c: "x" for c in subject.columns}, 1, "f.csv")[0]
        if probe is None or iri_of(probe, prefixes) is None:
            errors.append(f"{where}: subject: {subject.text!r} does not make an IRI "
                          "(start it with a declared prefix such as 'claim:' or with 'https://')")
    types_raw = raw.get("type", [])
    types_raw = [types_raw] if isinstance(types_raw, str) else types_raw
    types: list[ox.NamedNode] = []
    if not isinstance(types_raw, list) or not types_raw:
        errors.append(f"{where}: type: required, a class such as hg:Claim (or a list)")
    else:
        for value in types_raw:
            node = iri_of(value, prefixes)
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
        errors.append(f"{where}: {{property, column|template|constant, ...}}, not {kind_of(raw)}")
        return None
    count = len(errors)
    for key in sorted(set(map(str, raw)) - _PROPERTY_KEYS):
        errors.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(_PROPERTY_KEYS))})")
    predicate = iri_of(raw.get("property"), prefixes)
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
            constant_default = "iri" if looks_like_iri(value, prefixes) else "string"
        elif isinstance(value, date):
            constant_default = "date"
            value = value.isoformat()
        else:
            errors.append(f"{where}: constant: a text, number or true/false, not {kind_of(value)}")
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
            _, problem = convert(text_of(value), prop.datatype, prop.language, prefixes)
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



def kind_of(value: Any) -> str:
    """What a YAML value is, in words, for a message about the mapping."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):  # a short excerpt: the file named as a mapping may be any file
        return f"the text {clip(value)!r}" if len(value) <= 40 else f"a text of {len(value):,} characters, {clip(value)!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__

