"""Running the compiled shapes on a store: the focus nodes of each shape, the candidate queries
of each constraint, the checks of each candidate, and pySHACL's own messages where a shape gives
none."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import rdflib
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, URIRef

from .compile import compile_shapes
from .data import Data
from .expressions import safe
from .literals import check_overlay
from .focus import PROBE_VALUES, SMALL, Focus, ValueProbe, member_test, sort_key
from .report import Result
from .scope import Fallback
from .shapes import Shape
from .sparql import SHAPES_GRAPH, SparqlConstraints
from .terms import ALLOWED, XSD, note_term, sparql_term

#: The datatypes rdflib's SPARQL takes for numbers whatever their lexical form.
_RDFLIB_NUMERIC = ("float", "double", "decimal", "integer", "nonPositiveInteger", "negativeInteger",
                   "nonNegativeInteger", "positiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
                   "unsignedByte", "long", "int", "short", "byte")


class Engine:
    """The shapes of one shapes graph, ready to validate any store.

    :raises Unsupported: the shapes use a feature this engine does not evaluate.
    """

    def __init__(self, shapes_graph: rdflib.Graph):
        self.sg = shapes_graph
        self._generic_sg = None
        self._beside: tuple | None = None
        self.shapes: dict = compile_shapes(shapes_graph)

    # -- running --------------------------------------------------------------------------------

    @property
    def active_shapes(self) -> list[Shape]:
        """The shapes that apply to data: not deactivated, with targets."""
        return [shape for shape in self.shapes.values() if not shape.deactivated and shape.has_targets]

    def validate(self, store: ox.Store, done: Callable[[], object] | None = None,
                 overlay: dict | None = None, stored_forms: frozenset = frozenset()) -> list[Result]:
        """Every result of every shape on the data in ``store`` (all its graphs as one); ``done`` is
        called after each of the :attr:`active_shapes`. ``overlay`` gives the values as written
        where the store rewrote a literal (:class:`~.data.Data`); the focus nodes holding one are
        checked whatever the candidate queries find, and SPARQL that could read one differently
        is left to pySHACL (:func:`.literals.check_overlay`); ``stored_forms`` are the store's
        forms of those literals."""
        self.data = Data(store, overlay, stored_forms)
        if overlay:
            check_overlay(self, overlay)
        if self.uses_sparql:
            self._check_sparql_literals()
        results: list[Result] = []
        for shape in self.active_shapes:
            focus = self.targets(shape)
            results.extend(self.evaluate(shape, focus))
            if done is not None:
                done()
        return results

    @property
    def uses_sparql(self) -> bool:
        return any(shape.sparql_targets or any(isinstance(c, SparqlConstraints) for c in shape.constraints)
                   for shape in self.shapes.values())

    def _check_sparql_literals(self) -> None:
        """Leave to pySHACL the data holding a number that is not valid for its datatype.

        rdflib's SPARQL takes ``"abc"^^xsd:integer`` for a number (``isNumeric`` is true, and it
        compares with other numbers), where Oxigraph, like the SPARQL standard, does not; the
        SHACL-SPARQL rules would then find different things.
        """
        numeric = {URIRef(f"{XSD}{t}") for t in _RDFLIB_NUMERIC}
        # the datatypes of the literals the store does not hold as numbers (a short list)
        datatypes = self.data.column(
            "SELECT DISTINCT ?d WHERE { ?s ?p ?o . FILTER (isLiteral(?o) && !isNumeric(?o)) BIND (DATATYPE(?o) AS ?d) }")
        invalid = sorted(numeric.intersection(datatypes))
        if invalid:
            found = self.data.column(
                f"SELECT ?o WHERE {{ ?s ?p ?o . FILTER (isLiteral(?o) && DATATYPE(?o) = <{invalid[0]}> "
                f"&& !isNumeric(?o)) }} LIMIT 1")
            raise Fallback("invalid-number", note_term(found[0]))

    def targets(self, shape: Shape) -> Focus:
        data = self.data
        parts = []
        classes = set()
        for cls in shape.target_classes:
            classes.update(data.subclasses(cls))
        if any(isinstance(c, BNode) for c in classes):
            raise Fallback("blank-subclass")
        if classes:
            listed = " ".join(sparql_term(c) for c in sorted(classes, key=str))
            parts.append(f"{{ VALUES ?targetClass {{ {listed} }} ?this a ?targetClass }}")
        for p in shape.target_subjects_of:
            parts.append(f"{{ ?this {sparql_term(p)} ?targetObject }}")
        for p in shape.target_objects_of:
            parts.append(f"{{ ?targetSubject {sparql_term(p)} ?this }}")
        explicit = list(shape.target_nodes)
        for query in shape.sparql_targets:
            names, rows = data.select(query)
            data.check_rows(rows)
            if "this" in names:
                k = names.index("this")
                explicit.extend(data.terms.rdf(row[k]) for row in rows if row[k] is not None)
        if not parts:
            return Focus(nodes=list(dict.fromkeys(explicit)))
        if explicit:
            if any(isinstance(n, BNode) for n in explicit):
                nodes = set(explicit)
                for part in parts:
                    nodes.update(data.column(f"SELECT DISTINCT ?this WHERE {part}"))
                return Focus(nodes=list(nodes))
            parts.append("{ VALUES ?this { " + " ".join(sparql_term(n) for n in dict.fromkeys(explicit)) + " } }")
        return Focus(pattern="{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }",
                     member=" UNION ".join(parts))

    def evaluate(self, shape: Shape, focus: Focus) -> list[Result]:
        """The results of ``shape`` on ``focus`` (pySHACL's ``Shape.validate`` with those focus nodes)."""
        if shape.deactivated:
            return []
        results = []
        for constraint in shape.constraints:
            results.extend(constraint.evaluate(self, shape, focus))
        return results

    def conforms(self, shape: Shape, node) -> bool:
        """Whether ``node`` conforms to ``shape`` as a shape within a shape (sh:and, sh:or, ...)."""
        if shape.deactivated or shape.severity in ALLOWED:
            return True
        return not any(r.severity not in ALLOWED for r in self.evaluate(shape, Focus(nodes=[node])))

    def candidates(self, focus: Focus, where: str | None) -> list | None:
        """The focus nodes kept by the filter ``where`` (SPARQL after the focus group), or None if all."""
        if where is None:
            return None
        if focus.nodes is not None and len(focus.nodes) <= SMALL:
            return None
        group = focus.group(self.data)
        if group is None:
            return None
        if isinstance(where, ValueProbe):
            if focus.member is not None:
                found = self._probe_values(focus, where)
                if found is not None:
                    return self._with_rewritten(focus, found)
            where = where.fragment()
        if callable(where):
            query = where(group)
        elif focus.member is not None and where.startswith("?this "):
            # the constraint's own pattern binds ?this: find the few rows it keeps, then ask
            # whether each is a focus node, instead of listing every focus node first
            query = f"SELECT DISTINCT ?this WHERE {{ {{ {where} }} {member_test(focus, where)} }}"
        else:
            query = f"SELECT DISTINCT ?this WHERE {{ {group} {where} }}"
        found = set(self.data.column(query))
        return self._with_rewritten(focus, found)

    def _with_rewritten(self, focus: Focus, found: set) -> list:
        """The candidates ``found``, with the focus nodes holding a literal the store rewrote."""
        rewritten = self.data.rewritten_subjects
        if focus.nodes is not None:
            return [n for n in focus.nodes if n in found or n in rewritten]
        extra = rewritten - found
        if extra:
            listed = " ".join(sparql_term(self.data.terms.ox(n)) for n in extra)
            found |= set(self.data.column(f"SELECT ?this WHERE {{ VALUES ?this {{ {listed} }} {{ {focus.member} }} }}"))
        return sorted(found, key=sort_key)

    def _probe_values(self, focus: Focus, probe: ValueProbe) -> set | None:
        """The focus nodes with a value that may fail, found through the property's distinct values.

        A property often takes few distinct values (a camp, a source, a year): each is tested once,
        then the focus nodes holding a failing one are looked up. None when the values are too many
        (or include blank nodes, which a query cannot name).
        """
        data = self.data
        _names, rows = data.select(f"SELECT DISTINCT ?v WHERE {{ ?s {probe.path} ?v }} LIMIT {PROBE_VALUES + 1}")
        values = [row[0] for row in rows]
        if len(values) > PROBE_VALUES or any(isinstance(v, ox.BlankNode) for v in values):
            return None
        if not values:
            return set()
        listed = " ".join(str(v) for v in values)
        _names, bad = data.select(f"SELECT ?v WHERE {{ VALUES ?v {{ {listed} }} FILTER (!{safe(probe.ok)}) }}")
        if not bad:
            return set()
        fragment = f"?this {probe.path} ?v ."
        listed = " ".join(str(row[0]) for row in bad)
        return set(data.column(f"SELECT DISTINCT ?this WHERE {{ {{ VALUES ?v {{ {listed} }} {fragment} }} "
                               f"{member_test(focus, fragment)} }}"))

    def beside_shapes(self) -> tuple[ox.Store, dict]:
        """A copy of the data with the shapes graph as the named graph :data:`.sparql.SHAPES_GRAPH`,
        and the dataset a query reads there (the data's graphs as its default graph; by name, the
        data's named graphs and the shapes graph). Built once per validation, and only for a
        constraint naming ``$shapesGraph`` or ``$currentShape``."""
        if self._beside is None or self._beside[0] is not self.data:
            source = self.data.store
            graphs = list(source.named_graphs())
            store = ox.Store()
            store.extend(source.quads_for_pattern(None, None, None, None))
            ox_term = self.data.terms.ox
            store.extend(ox.Quad(ox_term(s), ox_term(p), ox_term(o), SHAPES_GRAPH) for s, p, o in self.sg)
            dataset = {"default_graph": [ox.DefaultGraph(), *graphs], "named_graphs": [*graphs, SHAPES_GRAPH]}
            self._beside = (self.data, store, dataset)
        return self._beside[1], self._beside[2]

    def all_nodes(self, focus: Focus) -> list:
        if focus.nodes is not None:
            return focus.nodes
        return self.data.column(f"SELECT ?this WHERE {{ {focus.pattern} }}")

    # -- generic messages, for shapes without sh:message ------------------------------------------

    def generic_messages(self, shape: Shape, component_class, focus, value) -> list:
        """pySHACL's own default message for a component, for a shape that gives none."""
        if self._generic_sg is None:
            self._generic_sg = ShapesGraph(self.sg)
            self._generic_sg.shapes  # noqa: B018 - builds pySHACL's shape cache
        pshape = self._generic_sg.lookup_shape_from_node(shape.node)
        datagraph = rdflib.Graph()
        seen: set = set()
        for node in (focus, value):
            if isinstance(node, BNode):
                for s, p, o in self.data.describe(node, seen):
                    datagraph.add((s, p, o))
        return component_class(pshape).make_generic_messages(datagraph, focus, value)


def validate_store(store: ox.Store, shapes_graph: rdflib.Graph) -> list[Result]:
    """Validate the data in ``store`` against ``shapes_graph``.

    :raises Unsupported: the shapes use a feature this engine does not evaluate.
    :raises Fallback: the data hold a case this engine leaves to pySHACL.
    """
    return Engine(shapes_graph).validate(store)
