"""Compiling a shapes graph: every shape read (:mod:`.shapes`) and its constraint parameters turned
into the engine's constraints, as pySHACL maps parameters to components; anything the engine does
not evaluate is gathered into one :class:`~.scope.Unsupported` naming each shape and feature."""

from __future__ import annotations

import re

from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from rdflib import Literal

from .constraints import (CountConstraint, LessThanOrEqualsConstraint, PropertyConstraint,
                          QualifiedConstraint, UniqueLangConstraint)
from .rewrite import lateral_paths, with_prefixes
from .scope import FALLBACKS, Unsupported
from .shapes import Shape, find_shapes, read_prefixes, read_shape, read_targets, services_of, shape_name
from .sparql import SparqlConstraint, SparqlConstraints, tests_this_in_a_group
from .terms import RDF_TYPE, SH
from .values import (ClassConstraint, DatatypeConstraint, InConstraint, LanguageInConstraint, LengthConstraint,
                     LogicalConstraint, NodeKindConstraint, PatternConstraint, RangeConstraint)


def compile_shapes(sg) -> dict[object, Shape]:
    """The shapes of the shapes graph ``sg`` by their nodes, each with its constraints.

    :raises Unsupported: the shapes use a feature the engine does not evaluate.
    """
    shapes: dict = {}
    problems: list[Unsupported] = []

    def fail(node, key, detail=None):
        problems.append(Unsupported(key, detail, where=shape_name(sg, node)))

    # Features that change the data or the machinery: never evaluated here.
    for kind, key in ((SH.ConstraintComponent, "custom-component"), (SH.SPARQLFunction, "function"),
                      (SH.SHACLFunction, "function"), (SH.SPARQLTargetType, "target-type"),
                      (SH.JSTargetType, "javascript"), (SH.JSFunction, "javascript")):
        for node in sg.subjects(RDF_TYPE, kind):
            fail(node, key)
    for p in (SH.validator, SH.nodeValidator, SH.propertyValidator, SH.parameter):
        for node in set(sg.subjects(p, None)):
            fail(node, "custom-component")
    for node in set(sg.subjects(SH.rule, None)):
        fail(node, "rule")
    for node in set(sg.subjects(SH.expression, None)):
        fail(node, "expression")

    node_shapes, property_shapes = find_shapes(sg, fail)
    advanced_params = set(ALL_CONSTRAINT_PARAMETERS)
    for node, path in list(node_shapes.items()) + list(property_shapes.items()):
        is_property = node in property_shapes
        shape = read_shape(sg, node, is_property, path, fail)
        if shape is None:
            continue
        shapes[node] = shape

    for node, shape in shapes.items():
        read_targets(sg, shape, fail)
        params = [p for p, _o in sg.predicate_objects(node) if p in advanced_params]
        done = set()
        for p in params:
            cls = CONSTRAINT_PARAMETERS_MAP[p]
            if cls in done:
                continue
            done.add(cls)
            try:
                constraint = _read_constraint(sg, shape, cls, fail)
            except Unsupported as exc:
                fail(node, exc.keys[0], exc.detail)
                continue
            if constraint is not None:
                shape.constraints.append(constraint)

    _check_references(shapes, fail)
    if problems:
        raise Unsupported.gathered(problems)
    return shapes


def _read_constraint(sg, shape: Shape, cls, fail):
    node = shape.node
    name = cls.__name__
    objects = lambda p: list(sg.objects(node, p))
    if name == "ClassConstraintComponent":
        return _with(ClassConstraint(objects(SH["class"])), cls)
    if name == "DatatypeConstraintComponent":
        values = objects(SH.datatype)
        if len(values) != 1:
            raise Unsupported("ill-formed", "sh:datatype")
        return _with(DatatypeConstraint(values[0]), cls)
    if name == "NodeKindConstraintComponent":
        values = objects(SH.nodeKind)
        if len(values) != 1:
            raise Unsupported("ill-formed", "sh:nodeKind")
        return _with(NodeKindConstraint(values[0]), cls)
    if name == "InConstraintComponent":
        lists = objects(SH["in"])
        if len(lists) != 1:
            raise Unsupported("ill-formed", "sh:in")
        return _with(InConstraint(list(sg.items(lists[0]))), cls)
    if name == "PatternConstraintComponent":
        patterns = objects(SH.pattern)
        if any(not isinstance(p, Literal) for p in patterns):
            raise Unsupported("ill-formed", "sh:pattern")
        flags = set(objects(SH.flags))
        if len(flags) > 1:
            raise Unsupported("ill-formed", "sh:flags")
        return _with(PatternConstraint(patterns, next(iter(flags)) if flags else None), cls)
    if name == "LanguageInConstraintComponent":
        lists = []
        for lst in objects(SH.languageIn):
            tags = set()
            for item in sg.items(lst):
                if not isinstance(item, Literal) or not isinstance(item.value, str):
                    raise Unsupported("ill-formed", "sh:languageIn")
                tags.add(str(item.value).lower())
            lists.append(tags)
        return _with(LanguageInConstraint(lists), cls)
    if name == "UniqueLangConstraintComponent":
        values = objects(SH.uniqueLang)
        if len(values) != 1 or not shape.is_property:
            raise Unsupported("ill-formed", "sh:uniqueLang")
        return UniqueLangConstraint(values[0], cls)
    if name in ("MinInclusiveConstraintComponent", "MaxInclusiveConstraintComponent",
                "MinExclusiveConstraintComponent", "MaxExclusiveConstraintComponent"):
        parameter = cls.constraint_parameters()[0]
        return RangeConstraint(parameter, objects(parameter), cls)
    if name in ("MinLengthConstraintComponent", "MaxLengthConstraintComponent"):
        parameter = cls.constraint_parameters()[0]
        values = objects(parameter)
        if len(values) != 1:
            raise Unsupported("ill-formed", _short(parameter))
        return LengthConstraint(parameter, values[0], cls)
    if name in ("MinCountConstraintComponent", "MaxCountConstraintComponent"):
        parameter = cls.constraint_parameters()[0]
        values = objects(parameter)
        if len(values) != 1 or not shape.is_property:
            raise Unsupported("ill-formed", _short(parameter))
        return CountConstraint(name.startswith("Min"), values[0], cls)
    if name == "LessThanOrEqualsConstraintComponent":
        return LessThanOrEqualsConstraint(objects(SH.lessThanOrEquals), cls)
    if name in ("AndConstraintComponent", "OrConstraintComponent", "XoneConstraintComponent"):
        kind = name[: -len("ConstraintComponent")].lower()
        members = []
        for lst in objects(SH[kind]):
            items = list(sg.items(lst))
            if not items:
                raise Unsupported("ill-formed", f"sh:{kind}")
            members.append(items)
        return LogicalConstraint(kind, members, cls)
    if name == "NotConstraintComponent":
        return LogicalConstraint("not", [[n] for n in objects(SH["not"])], cls)
    if name == "PropertyConstraintComponent":
        return PropertyConstraint(objects(SH.property))
    if name == "QualifiedValueShapeConstraintComponent":
        if not shape.is_property:
            return None  # pySHACL ignores it on a node shape
        value_shapes = list(set(objects(SH.qualifiedValueShape)))
        mins = set(objects(SH.qualifiedMinCount))
        maxs = set(objects(SH.qualifiedMaxCount))
        for values in (mins, maxs):
            if len(values) > 1 or any(not isinstance(v, Literal) or not isinstance(v.value, int) for v in values):
                raise Unsupported("ill-formed", "sh:qualifiedMinCount, sh:qualifiedMaxCount")
        if not value_shapes or (not mins and not maxs):
            raise Unsupported("ill-formed", "sh:qualifiedValueShape")
        disjoint = any(isinstance(d, Literal) and isinstance(d.value, bool) and d.value
                       for d in objects(SH.qualifiedValueShapesDisjoint))
        siblings = {}
        if disjoint:
            for v_shape in value_shapes:
                found = set()
                for parent in set(sg.subjects(SH.property, node)):
                    for sibling_property in set(sg.objects(parent, SH.property)):
                        for sibling in set(sg.objects(sibling_property, SH.qualifiedValueShape)):
                            if sibling != v_shape:
                                found.add(sibling)
                siblings[v_shape] = sorted(found, key=str)
        return QualifiedConstraint(value_shapes, next(iter(mins)).value if mins else None,
                                   next(iter(maxs)).value if maxs else None, disjoint, siblings, cls)
    if name == "SPARQLBasedConstraint":
        return _read_sparql(sg, shape, fail)
    key = _short(cls.constraint_parameters()[0])
    raise Unsupported(key) if key in FALLBACKS else Unsupported("custom-component", key)


def _short(iri) -> str:
    return "sh:" + str(iri)[len(str(SH)):] if str(iri).startswith(str(SH)) else f"<{iri}>"


def _with(constraint, cls):
    constraint.pyshacl_class = cls
    return constraint


def _read_sparql(sg, shape, fail):
    constraints = []
    for s in set(sg.objects(shape.node, SH.sparql)):
        selects = list(sg.objects(s, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal) or not isinstance(selects[0].value, str):
            raise Unsupported("ill-formed", "sh:sparql needs one sh:select")
        text = str(selects[0].value)
        deactivated = list(sg.objects(s, SH.deactivated))
        if deactivated and isinstance(deactivated[0], Literal) and bool(deactivated[0].value):
            continue
        helper = SPARQLQueryHelper
        for regex, what in ((helper.has_minus_regex, "MINUS"), (helper.has_values_regex, "VALUES"),
                            (helper.has_service_regex, "SERVICE"), (helper.has_nested_select_regex, "a nested SELECT"),
                            (helper.has_as_var_regex, "AS")):
            found = regex.search(text)
            if found and (what != "AS" or found.group(1) in ("this", "shapesGraph", "currentShape")):
                raise Unsupported("service") if what == "SERVICE" else Unsupported("sparql-form", what)
        if re.search(r"\b(LIMIT|OFFSET|COUNT|SUM|AVG|MIN|MAX|GROUP_CONCAT|SAMPLE)\b", text, flags=re.IGNORECASE):
            # the store repeats a triple found in two files; these would count it twice
            raise Unsupported("sparql-counting")
        prefixes = read_prefixes(sg, s, fail)
        if tests_this_in_a_group(with_prefixes(prefixes, text)):
            raise Unsupported("pre-binding")
        endpoints = services_of(with_prefixes(prefixes, text))
        if endpoints is None or endpoints:
            raise Unsupported("service" if endpoints else "sparql-unreadable", "a SPARQL constraint")
        messages = set(sg.objects(s, SH.message))
        constraints.append(SparqlConstraint(s, lateral_paths(text), prefixes, messages, text))
    return SparqlConstraints(constraints)


def _check_references(shapes: dict, fail) -> None:
    """Every shape a constraint points to exists, property shapes where needed, and no cycles."""
    edges: dict = {}
    for node, shape in shapes.items():
        refs = []
        for c in shape.constraints:
            if isinstance(c, PropertyConstraint):
                for n in c.nodes:
                    if n not in shapes or not shapes[n].is_property:
                        fail(node, "ill-formed", "sh:property")
                refs.extend(c.nodes)
            elif isinstance(c, LogicalConstraint):
                for nodes in c.members:
                    for n in nodes:
                        if n not in shapes:
                            fail(node, "ill-formed", f"sh:{c.kind}")
                    refs.extend(nodes)
            elif isinstance(c, QualifiedConstraint):
                for n in list(c.value_shapes) + [s for ss in c.siblings.values() for s in ss]:
                    if n not in shapes:
                        fail(node, "ill-formed", "sh:qualifiedValueShape")
                refs.extend(c.value_shapes)
        edges[node] = [r for r in refs if r in shapes]
    state: dict = {}

    def visit(n):
        state[n] = 1
        for m in edges.get(n, ()):
            if state.get(m) == 1:
                fail(n, "recursion")
            elif m not in state:
                visit(m)
        state[n] = 2

    for n in edges:
        if n not in state:
            visit(n)
