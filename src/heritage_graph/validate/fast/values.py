"""The constraints on each value node alone: sh:class, sh:datatype, sh:nodeKind, sh:in,
sh:pattern, sh:languageIn, the numeric ranges, the lengths, and sh:and/sh:or/sh:xone/sh:not; each
decided for a value as pySHACL decides it, and written as a SPARQL test where that is exact."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import ClassVar

import rdflib
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Literal, URIRef

from .components import ValueConstraint, certainly_conforms, certainly_fails
from .expressions import all_of, any_of, datatype_fails, datatype_ok, pattern_support, string_literal
from .scope import Unsupported
from .terms import RDF_LANGSTRING, RDFS_SUBCLASSOF, SH, XSD, XSD_STRING, sparql_term


class ClassConstraint(ValueConstraint):
    component = SH.ClassConstraintComponent

    def __init__(self, classes):
        self.classes = classes

    def ok(self, engine, v):
        return all_of([self._has(engine, c, v) for c in self.classes])

    def fails(self, engine, v):
        return any_of([f"!{self._has(engine, c, v)}" for c in self.classes])

    def _has(self, engine, cls, v):
        classes = engine.data.subclasses(cls)
        if any(isinstance(c, BNode) for c in classes):
            return f"EXISTS {{ {v} a/<{RDFS_SUBCLASSOF}>* {sparql_term(cls)} }}" if not isinstance(cls, BNode) else "false"
        listed = " ".join(sparql_term(c) for c in sorted(classes, key=str))
        return f"EXISTS {{ {v} a ?class_{id(self)} . VALUES ?class_{id(self)} {{ {listed} }} }}"

    def failures(self, engine, v):
        return sum(1 for c in self.classes if not engine.data.is_instance(v, c))


class DatatypeConstraint(ValueConstraint):
    component = SH.DatatypeConstraintComponent

    def __init__(self, datatype):
        self.datatype = datatype

    def ok(self, engine, v):
        return datatype_ok(self.datatype, v)

    def fails(self, engine, v):
        return datatype_fails(self.datatype, v)

    def failures(self, engine, v):
        return 0 if _datatype_matches(v, self.datatype) else 1


def _datatype_matches(v, dtype_rule) -> bool:
    """pySHACL's DatatypeConstraintComponent test."""
    if not isinstance(v, Literal):
        return False
    datatype = v.datatype
    lang = v.language
    if datatype == dtype_rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _actual_datatype(v, dtype_rule)
    if dtype_rule == rdflib.RDFS.Literal:
        return True
    if dtype_rule == rdflib.RDFS.Datatype and datatype:
        return True
    if datatype is None and lang is None and dtype_rule == XSD_STRING:
        return _actual_datatype(v, dtype_rule)
    if dtype_rule == RDF_LANGSTRING and lang:
        return _actual_datatype(v, dtype_rule)
    return False


def _actual_datatype(value_node, datatype_rule) -> bool:
    value = value_node.value
    if datatype_rule in (XSD_STRING, RDF_LANGSTRING):
        return isinstance(value, (str, bytes))
    if datatype_rule == XSD.integer:
        return isinstance(value, int)
    if datatype_rule == XSD.float:
        return isinstance(value, float)
    if datatype_rule == XSD.decimal:
        return isinstance(value, Decimal)
    if datatype_rule == XSD.boolean:
        return isinstance(value, bool)
    if datatype_rule == XSD.date:
        return isinstance(value, date)
    if datatype_rule == XSD.time:
        return isinstance(value, time)
    if datatype_rule == XSD.dateTime:
        return isinstance(value, datetime)
    return True


_NODE_KINDS = {
    SH.IRI: ("isIRI", (URIRef,)),
    SH.BlankNode: ("isBlank", (BNode,)),
    SH.Literal: ("isLiteral", (Literal,)),
    SH.BlankNodeOrIRI: ("!isLiteral", (URIRef, BNode)),
    SH.BlankNodeOrLiteral: ("!isIRI", (BNode, Literal)),
    SH.IRIOrLiteral: ("!isBlank", (URIRef, Literal)),
}


class NodeKindConstraint(ValueConstraint):
    component = SH.NodeKindConstraintComponent

    def __init__(self, kind):
        if kind not in _NODE_KINDS:
            raise Unsupported("ill-formed", f"sh:nodeKind {kind}")
        self.kind = kind

    def ok(self, engine, v):
        return f"{_NODE_KINDS[self.kind][0]}({v})"

    def fails(self, engine, v):
        return f"!{_NODE_KINDS[self.kind][0]}({v})"

    def failures(self, engine, v):
        return 0 if isinstance(v, _NODE_KINDS[self.kind][1]) else 1


class InConstraint(ValueConstraint):
    component = SH.InConstraintComponent

    def __init__(self, values):
        self.values = set(values)

    def ok(self, engine, v):
        if not self.values:
            return "false"
        return "(" + " || ".join(f"sameTerm({v}, {sparql_term(x)})" for x in sorted(self.values, key=str)) + ")"

    def fails(self, engine, v):
        # literals can be equal in rdflib and distinct in the store; only IRIs and blank nodes are sure
        return f"(!isLiteral({v}) && !{self.ok(engine, v)})"

    def failures(self, engine, v):
        return 0 if v in self.values else 1


class PatternConstraint(ValueConstraint):
    component = SH.PatternConstraintComponent

    def __init__(self, patterns, flags):
        self.patterns = patterns
        re_flags = 0
        sparql_flags = ""
        if flags:
            text = str(flags.value).lower()
            if "i" in text:
                re_flags |= re.IGNORECASE
                sparql_flags += "i"
            if "m" in text:
                re_flags |= re.MULTILINE
                sparql_flags += "m"
        self.compiled = []
        for p in patterns:
            re_pattern = str(p.value) if p.value is not None and len(p.value) > 1 else str(p)
            try:
                self.compiled.append(re.compile(re_pattern, re_flags))
            except re.error as exc:
                raise Unsupported("ill-formed", f"sh:pattern {re_pattern!r}: {exc}") from exc
        self.sparql_flags = sparql_flags

    def ok(self, engine, v):
        tests = []
        for matcher in self.compiled:
            kind = pattern_support(matcher.pattern)
            if kind is None:
                return None
            if kind == "ascii" or "i" in self.sparql_flags:
                safe = "^[ -~]*$"
            else:
                safe = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"
            flags = f", {string_literal(self.sparql_flags)}" if self.sparql_flags else ""
            tests.append(f"REGEX(STR({v}), {string_literal(matcher.pattern)}{flags})")
            tests.append(f"REGEX(STR({v}), {string_literal(safe)})")
        return (f'((isIRI({v}) || (isLiteral({v}) && (LANG({v}) != "" || DATATYPE({v}) = <{XSD_STRING}>))) && '
                + " && ".join(tests) + ")")

    def failures(self, engine, v):
        if isinstance(v, BNode):
            return len(self.compiled)
        text = _value_string(v)
        return sum(1 for m in self.compiled if not (m.match(text) or m.search(text)))


def _value_string(v) -> str:
    if isinstance(v, Literal):
        if v.value is not None and v.datatype in (None, RDF_LANGSTRING, XSD_STRING):
            return str(v.value)
        return str(v)
    return str(v)


class LanguageInConstraint(ValueConstraint):
    component = SH.LanguageInConstraintComponent

    def __init__(self, lists):
        self.lists = lists  # one set of lower-case tags per sh:languageIn

    def ok(self, engine, v):
        return all_of([self._ok(tags, v) for tags in self.lists])

    def _ok(self, tags, v):
        if "*" in tags:
            return f'(isLiteral({v}) && LANG({v}) != "")'
        listed = ", ".join(string_literal(t) for t in sorted(tags))
        return (f'(isLiteral({v}) && LANG({v}) != "" && (LCASE(LANG({v})) IN ({listed}) '
                f'|| LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-")) IN ({listed})))')

    def fails(self, engine, v):
        return any_of([f"!{self._ok(tags, v)}" for tags in self.lists])

    def failures(self, engine, v):
        return sum(1 for tags in self.lists if not _language_in(v, tags))


def _language_in(v, languages_need) -> bool:
    if not isinstance(v, Literal) or not v.language:
        return False
    lang = v.language
    if "*" in languages_need or str(lang).lower() in languages_need:
        return True
    return str(lang).split("-")[0].lower() in languages_need


class RangeConstraint(ValueConstraint):
    """sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive."""

    OPERATORS: ClassVar[dict] = {
        SH.minInclusive: (SH.MinInclusiveConstraintComponent, ">=", lambda c: c >= 0),
        SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, "<=", lambda c: c <= 0),
        SH.minExclusive: (SH.MinExclusiveConstraintComponent, ">", lambda c: c > 0),
        SH.maxExclusive: (SH.MaxExclusiveConstraintComponent, "<", lambda c: c < 0),
    }

    def __init__(self, parameter, bounds, pyshacl_class):
        self.component, self.operator, self.passes = self.OPERATORS[parameter]
        for b in bounds:
            if not isinstance(b, Literal):
                raise Unsupported("ill-formed", str(parameter))
        self.bounds = bounds
        self.pyshacl_class = pyshacl_class

    def ok(self, engine, v):
        tests = []
        for b in self.bounds:
            if b.datatype not in (XSD.integer, XSD.decimal) or getattr(b, "ill_typed", False):
                return None
            tests.append(f"{v} {self.operator} {sparql_term(b)}")
        return (f"(isLiteral({v}) && DATATYPE({v}) IN (<{XSD.integer}>, <{XSD.decimal}>) && isNumeric({v}) && "
                + " && ".join(tests) + ")")

    def failures(self, engine, v):
        count = 0
        for bound in self.bounds:
            bound_is_string = isinstance(bound.value, str)
            flag = False
            if isinstance(v, Literal):
                v_is_string = isinstance(v.value, str)
                if bound_is_string == v_is_string:
                    try:
                        flag = self.passes(compare_literal(v, bound))
                    except (TypeError, NotImplementedError):
                        flag = False
            if not flag:
                count += 1
        return count


class LengthConstraint(ValueConstraint):
    """sh:minLength and sh:maxLength."""

    def __init__(self, parameter, bound, pyshacl_class):
        if not isinstance(bound, Literal) or not isinstance(bound.value, int) or bound.value < 0:
            raise Unsupported("ill-formed", str(parameter))
        self.minimum = parameter == SH.minLength
        self.component = SH.MinLengthConstraintComponent if self.minimum else SH.MaxLengthConstraintComponent
        self.bound = bound.value
        self.pyshacl_class = pyshacl_class

    def ok(self, engine, v):
        op = ">=" if self.minimum else "<="
        return (f'((isIRI({v}) || (isLiteral({v}) && (LANG({v}) != "" || DATATYPE({v}) = <{XSD_STRING}>))) '
                f"&& STRLEN(STR({v})) {op} {self.bound})")

    def failures(self, engine, v):
        if self.minimum and self.bound == 0:
            return 0
        if isinstance(v, BNode):
            return 1
        length = len(_value_string(v))
        return 0 if (length >= self.bound if self.minimum else length <= self.bound) else 1


class LogicalConstraint(ValueConstraint):
    """sh:and, sh:or, sh:xone (one per list) and sh:not (one per shape)."""

    def __init__(self, kind, members, pyshacl_class):
        self.kind = kind  # "and" | "or" | "xone" | "not"
        self.members = members  # list of lists of shape nodes ("not": lists of one)
        self.component = {"and": SH.AndConstraintComponent, "or": SH.OrConstraintComponent,
                          "xone": SH.XoneConstraintComponent, "not": SH.NotConstraintComponent}[kind]
        self.pyshacl_class = pyshacl_class

    def _shapes(self, engine, nodes):
        # every member counts, a shape listed twice twice: sh:xone (ex:s ex:s) never holds
        return [engine.shapes[n] for n in nodes]

    def ok(self, engine, v):
        tests = []
        for nodes in self.members:
            shapes = self._shapes(engine, nodes)
            if self.kind == "and":
                tests.append(all_of([certainly_conforms(engine, s, v) for s in shapes]))
            elif self.kind == "or":
                tests.append(any_of([certainly_conforms(engine, s, v) for s in shapes]))
            elif self.kind == "not":
                tests.append(certainly_fails(engine, shapes[0], v))
            else:
                return None
        return all_of(tests)

    def fails(self, engine, v):
        tests = []
        for nodes in self.members:
            shapes = self._shapes(engine, nodes)
            if self.kind == "and":
                tests.append(any_of([certainly_fails(engine, s, v) for s in shapes]))
            elif self.kind == "or":
                tests.append(all_of([certainly_fails(engine, s, v) for s in shapes]))
            elif self.kind == "not":
                tests.append(certainly_conforms(engine, shapes[0], v))
        return any_of(tests)

    def failures(self, engine, v):
        count = 0
        for nodes in self.members:
            verdicts = [engine.conforms(s, v) for s in self._shapes(engine, nodes)]
            if self.kind == "and":
                failed = not all(verdicts)
            elif self.kind == "or":
                failed = not any(verdicts)
            elif self.kind == "xone":
                failed = sum(verdicts) != 1
            else:
                failed = verdicts[0]
            count += failed
        return count
