"""A constraint component as the fast engine runs it: one query over all focus nodes finds the
candidates (:meth:`Constraint.where`), then each candidate is decided the way pySHACL decides it
(:meth:`Constraint.check`). A constraint on each value alone (:class:`ValueConstraint`) also says
in SPARQL which values certainly pass or fail, so shapes within shapes can be tested in a query."""

from __future__ import annotations

from typing import Protocol

from rdflib import URIRef

from .data import Data
from .expressions import all_of, any_of, safe
from .focus import Focus, ValueProbe
from .report import Result
from .shapes import Shape
from .terms import ALLOWED, SH, sparql_term


class Runner(Protocol):
    """What a constraint asks of the engine running it (:class:`~.engine.Engine`)."""

    data: Data
    shapes: dict

    def candidates(self, focus: Focus, where) -> list | None: ...

    def all_nodes(self, focus: Focus) -> list: ...

    def evaluate(self, shape: Shape, focus: Focus) -> list[Result]: ...

    def conforms(self, shape: Shape, node) -> bool: ...

    def generic_messages(self, shape: Shape, component_class, focus, value) -> list: ...


class Constraint:
    """One constraint component of a shape, evaluated as pySHACL evaluates it."""

    component: URIRef = SH.ConstraintComponent
    pyshacl_class = None

    def evaluate(self, engine: Runner, shape: Shape, focus: Focus) -> list[Result]:
        candidates = engine.candidates(focus, self.where(engine, shape))
        nodes = engine.all_nodes(focus) if candidates is None else candidates
        results = []
        for f in nodes:
            results.extend(self.check(engine, shape, f))
        return results

    def where(self, engine: Runner, shape: Shape) -> str | None:
        """SPARQL (after the focus group) keeping every focus node that may fail; None: keep all."""
        return None

    def check(self, engine: Runner, shape: Shape, f) -> list[Result]:
        raise NotImplementedError

    def generic(self, engine: Runner, shape: Shape, f, v):
        return lambda: engine.generic_messages(shape, self.pyshacl_class, f, v)


class ValueConstraint(Constraint):
    """A constraint on each value node alone; one result per failing value (and per rule)."""

    def where(self, engine, shape):
        ok = self.ok(engine, "?v")
        if ok is None:
            return None
        if shape.is_property:
            return ValueProbe(sparql_term(shape.path), ok)
        return f"BIND (?this AS ?v) FILTER (!{safe(ok)})"

    def ok(self, engine: Runner, v: str) -> str | None:
        """A SPARQL expression true only for values that certainly pass."""
        return None

    def fails(self, engine: Runner, v: str) -> str | None:
        """A SPARQL expression true only for values that certainly fail."""
        return None

    def check(self, engine, shape, f):
        results = []
        for v in shape.value_nodes(engine.data, f):
            for _ in range(self.failures(engine, v)):
                results.append(shape.result(f, self.component, v, generic=self.generic(engine, shape, f, v)))
        return results

    def failures(self, engine: Runner, v) -> int:
        """How many results the value gives (0 when it passes)."""
        raise NotImplementedError


def certainly_conforms(engine: Runner, shape: Shape, v: str) -> str | None:
    """SPARQL true only for nodes that conform to ``shape`` (None when no such test is known)."""
    if shape.deactivated or shape.severity in ALLOWED:
        return "true"
    if shape.is_property or not all(isinstance(c, ValueConstraint) for c in shape.constraints):
        return None
    return all_of([c.ok(engine, v) for c in shape.constraints])


def certainly_fails(engine: Runner, shape: Shape, v: str) -> str | None:
    """SPARQL true only for nodes that do not conform to ``shape`` (None when no such test is known)."""
    if shape.deactivated or shape.severity in ALLOWED:
        return "false"
    if shape.is_property:
        return None
    return any_of([c.fails(engine, v) for c in shape.constraints if isinstance(c, ValueConstraint)])
