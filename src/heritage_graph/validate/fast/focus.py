"""The focus nodes of a shape (a SPARQL group binding ``?this``, or a list of nodes) and the
fragments that narrow them to the candidates a constraint must look at."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import BNode

from .data import Data
from .expressions import safe
from .terms import sparql_term


@dataclass
class Focus:
    """The focus nodes a shape is checked on: ``pattern`` binds ``?this`` once per node; or ``nodes``."""

    pattern: str | None = None
    nodes: list | None = None
    #: With ``pattern``: a group that holds when a bound ``?this`` is a focus node.
    member: str | None = None

    def group(self, data: Data) -> str | None:
        """A SPARQL group binding ``?this`` to every focus node once; None if it cannot be written."""
        if self.pattern is not None:
            return self.pattern
        unique = list(dict.fromkeys(self.nodes))
        if any(isinstance(n, BNode) for n in unique):
            return None  # blank nodes cannot be named in a query
        return "VALUES ?this { " + " ".join(sparql_term(data.terms.ox(n)) for n in unique) + " }"

    def group_with_blank_nodes(self, data: Data) -> str:
        """A SPARQL group binding ``?this`` to every focus node, and to every other blank node of
        the data: a query cannot name a blank node, so the caller keeps the rows of focus nodes.

        Each blank node of the data is checked once, in one query, where pySHACL would be given
        the whole validation (in time growing with the square of the nesting of blank nodes).
        """
        named = [n for n in dict.fromkeys(self.nodes or []) if not isinstance(n, BNode)]
        blank = ("{ SELECT DISTINCT ?this WHERE { { ?this ?focusP ?focusO } UNION { ?focusS ?focusP ?this } "
                 "FILTER (isBlank(?this)) } }")
        if not named:
            return blank
        listed = " ".join(sparql_term(data.terms.ox(n)) for n in named)
        return f"{{ {blank} UNION {{ VALUES ?this {{ {listed} }} }} }}"


@dataclass
class ValueProbe:
    """The values of a property (``path``) that are not certainly fine (``ok`` false)."""

    path: str
    ok: str

    def fragment(self) -> str:
        return f"?this {self.path} ?v . FILTER (!{safe(self.ok)})"


def member_test(focus: Focus, fragment: str) -> str:
    """A filter keeping the rows whose ``?this`` is a focus node (none when the fragment says so)."""
    for part in focus.member.split(" UNION "):
        # a target sh:targetSubjectsOf p: a row of "?this p ?v" is a focus node already
        match = re.fullmatch(r"\{ \?this (\S+) \?targetObject \}", part.strip())
        if match and fragment.startswith(f"?this {match.group(1)} "):
            return ""
    return f"FILTER EXISTS {{ {focus.member} }}"


#: Up to this many distinct values of a property are tested one by one (see Engine._probe_values).
PROBE_VALUES = 5000

#: Below this many explicit focus nodes, every node is checked in Python without a query.
SMALL = 32


def sort_key(term):
    """The order of nodes found by a query: by kind, then by text."""
    return (type(term).__name__, str(term))
