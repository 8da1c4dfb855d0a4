"""The constraints on a focus node's values taken together: sh:minCount and sh:maxCount,
sh:uniqueLang, sh:lessThanOrEquals, sh:property and sh:qualifiedValueShape."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef

from .components import Constraint, certainly_conforms, certainly_fails
from .expressions import safe
from .focus import Focus
from .scope import Fallback, Unsupported
from .terms import SH, XSD, XSD_STRING, sparql_term


class CountConstraint(Constraint):
    """sh:minCount and sh:maxCount: one result per focus node, without a value."""

    def __init__(self, minimum: bool, bound, pyshacl_class):
        if not isinstance(bound, Literal) or not isinstance(bound.value, int):
            raise Unsupported("ill-formed", "sh:minCount, sh:maxCount")
        self.minimum = minimum
        self.bound = int(bound.value)
        self.component = SH.MinCountConstraintComponent if minimum else SH.MaxCountConstraintComponent
        self.pyshacl_class = pyshacl_class

    def evaluate(self, engine, shape, focus):
        if self.minimum and self.bound == 0:
            return []
        return super().evaluate(engine, shape, focus)

    def where(self, engine, shape):
        if not shape.is_property:
            return None
        p = sparql_term(shape.path)
        if self.minimum and self.bound == 1:
            return f"FILTER NOT EXISTS {{ ?this {p} ?any }}"
        if self.minimum:
            # two typed literals may be one value once read by rdflib: keep those focus nodes too
            typed = f'BOUND(?v) && isLiteral(?v) && LANG(?v) = "" && DATATYPE(?v) != <{XSD_STRING}>'
            return lambda group: (
                f"SELECT ?this WHERE {{ {group} OPTIONAL {{ ?this {p} ?v }} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?v) < {self.bound} || SUM(IF({typed}, 1, 0)) > 1)")
        if self.bound == 1:
            return f"?this {p} ?a . ?this {p} ?b . FILTER (!sameTerm(?a, ?b))"
        return lambda group: (f"SELECT ?this WHERE {{ {group} ?this {p} ?v }} GROUP BY ?this "
                              f"HAVING (COUNT(DISTINCT ?v) > {self.bound})")

    def check(self, engine, shape, f):
        n = len(shape.value_nodes(engine.data, f))
        failed = n < self.bound if self.minimum else n > self.bound
        return [shape.result(f, self.component, generic=self.generic(engine, shape, f, None))] if failed else []


class UniqueLangConstraint(Constraint):
    component = SH.UniqueLangConstraintComponent

    def __init__(self, flag, pyshacl_class):
        # only the literal true activates it: "1"^^xsd:boolean is another term, and is ignored
        self.active = flag == Literal("true", datatype=XSD.boolean)
        self.pyshacl_class = pyshacl_class

    def evaluate(self, engine, shape, focus):
        return super().evaluate(engine, shape, focus) if self.active else []

    def where(self, engine, shape):
        if not shape.is_property:
            return None
        p = sparql_term(shape.path)
        return (f'?this {p} ?a . ?this {p} ?b . FILTER (!sameTerm(?a, ?b) && LANG(?a) != "" '
                f"&& LCASE(LANG(?a)) = LCASE(LANG(?b)))")

    def check(self, engine, shape, f):
        found_langs = {}
        duplicates = set()
        for v in shape.value_nodes(engine.data, f):
            if isinstance(v, Literal) and v.language:
                low = str(v.language).lower()
                if low in found_langs:
                    duplicates.add(low)
                else:
                    found_langs[low] = v.language
        return [shape.result(f, self.component, generic=self.generic(engine, shape, f, None)) for _ in duplicates]


class LessThanOrEqualsConstraint(Constraint):
    component = SH.LessThanOrEqualsConstraintComponent

    def __init__(self, properties, pyshacl_class):
        for p in properties:
            if not isinstance(p, URIRef):
                raise Unsupported("ill-formed", "sh:lessThanOrEquals")
        self.properties = properties
        self.pyshacl_class = pyshacl_class

    def evaluate(self, engine, shape, focus):
        results = []
        for prop in self.properties:
            where = self.where_for(shape, prop)
            candidates = engine.candidates(focus, where)
            for f in engine.all_nodes(focus) if candidates is None else candidates:
                results.extend(self.check_one(engine, shape, f, prop))
        return results

    def where_for(self, shape, prop):
        value = f"?this {sparql_term(shape.path)} ?a ." if shape.is_property else "BIND (?this AS ?a)"
        numeric = f"DATATYPE({{0}}) IN (<{XSD.integer}>, <{XSD.decimal}>) && isNumeric({{0}})"
        # a blank node on either side is kept too: pySHACL refuses to compare one
        return (f"{value} OPTIONAL {{ ?this {sparql_term(prop)} ?b }} FILTER (isBlank(?a) || isBlank(?b) || "
                f"(BOUND(?b) && !COALESCE(isLiteral(?a) && isLiteral(?b) && "
                f"{numeric.format('?a')} && {numeric.format('?b')} && ?a <= ?b, false)))")

    def check_one(self, engine, shape, f, prop):
        results = []
        compare_values = engine.data.objects(f, prop)
        for value_node in shape.value_nodes(engine.data, f):
            if isinstance(value_node, BNode):
                raise Fallback("blank-less-than-or-equals")
            original = value_node
            value_is_string = False
            if isinstance(value_node, URIRef):
                value_node, value_is_string = str(value_node), True
            elif isinstance(value_node, Literal) and isinstance(value_node.value, str):
                value_node, value_is_string = value_node.value, True
            for compare in compare_values:
                if isinstance(compare, BNode):
                    raise Fallback("blank-less-than-or-equals")
                compare_is_string = False
                if isinstance(compare, URIRef):
                    compare, compare_is_string = str(compare), True
                elif isinstance(compare, Literal) and isinstance(compare.value, str):
                    compare, compare_is_string = compare.value, True
                if value_is_string != compare_is_string or not value_node <= compare:
                    results.append(shape.result(f, self.component, original,
                                                generic=self.generic(engine, shape, f, original)))
        return results


class PropertyConstraint(Constraint):
    """sh:property: the property shapes' own results, on the same focus nodes (or the value nodes)."""

    component = SH.PropertyConstraintComponent

    def __init__(self, nodes):
        self.nodes = nodes

    def evaluate(self, engine, shape, focus):
        if shape.is_property:
            values = []
            for f in engine.all_nodes(focus):
                values.extend(shape.value_nodes(engine.data, f))
            focus = Focus(nodes=values)
        results = []
        for node in self.nodes:
            results.extend(engine.evaluate(engine.shapes[node], focus))
        return results


class QualifiedConstraint(Constraint):
    """sh:qualifiedValueShape with sh:qualifiedMinCount and/or sh:qualifiedMaxCount."""

    def __init__(self, value_shapes, minimum, maximum, disjoint, siblings, pyshacl_class):
        self.value_shapes = value_shapes
        self.minimum = minimum
        self.maximum = maximum
        self.disjoint = disjoint
        self.siblings = siblings  # value shape -> sibling shape nodes
        self.pyshacl_class = pyshacl_class

    def evaluate(self, engine, shape, focus):
        results = []
        for node in self.value_shapes:
            value_shape = engine.shapes[node]
            candidates = engine.candidates(focus, self.where_for(engine, shape, value_shape))
            for f in engine.all_nodes(focus) if candidates is None else candidates:
                results.extend(self.check_one(engine, shape, f, node))
        return results

    def where_for(self, engine, shape, value_shape):
        if self.disjoint or not shape.is_property:
            return None
        p = sparql_term(shape.path)
        if self.minimum is not None and self.maximum is None:
            ok = certainly_conforms(engine, value_shape, "?v")
            if ok is None or self.minimum > 1:
                return None
            if self.minimum <= 0:
                return "FILTER (false)"
            return f"FILTER NOT EXISTS {{ ?this {p} ?v . FILTER ({safe(ok)}) }}"
        if self.maximum is not None and self.minimum is None:
            fails = certainly_fails(engine, value_shape, "?v")
            keep = f"FILTER (!{safe(fails)})" if fails is not None else ""
            return lambda group: (f"SELECT ?this WHERE {{ {group} ?this {p} ?v . {keep} }} GROUP BY ?this "
                                  f"HAVING (COUNT(DISTINCT ?v) > {self.maximum})")
        return None

    def check_one(self, engine, shape, f, node):
        value_shape = engine.shapes[node]
        siblings = [engine.shapes[s] for s in self.siblings.get(node, ())]
        number = 0
        for v in shape.value_nodes(engine.data, f):
            if engine.conforms(value_shape, v) and not any(engine.conforms(s, v) for s in siblings):
                number += 1
        results = []
        if self.maximum is not None and number > self.maximum:
            results.append(shape.result(f, SH.QualifiedMaxCountConstraintComponent,
                                        generic=self.generic(engine, shape, f, None)))
        if self.minimum is not None and number < self.minimum:
            results.append(shape.result(f, SH.QualifiedMinCountConstraintComponent,
                                        generic=self.generic(engine, shape, f, None)))
        return results
