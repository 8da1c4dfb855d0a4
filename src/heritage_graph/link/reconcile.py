"""A reconciliation: every hand-curated resource of a class with its scored candidates.

:func:`reconcile` reads the two sides (:mod:`.candidates`), scores the candidates (:mod:`.scoring`)
and returns a :class:`Reconciliation`, which tells each resource's best candidate and writes the
review table.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Sequence

from ..rdf.load import load
from ..rdf.store import EndpointStore, Store
from .candidates import (
    Entity, archive_names, check_class, class_closure, class_iri_of, local_resources, register_resources,
    remote_candidates, shorten_iri, target_name, wikidata_classes,
)
from .linkset import Link
from .scoring import Candidate, NameIndex, rank

REVIEW_COLUMNS = ["local", "local_label", "candidate", "candidate_label", "score", "label_score", "type_score",
                  "distance_km", "method", "accept"]


@dataclass
class Reconciliation:
    """The outcome of :func:`reconcile`: the local resources and their scored candidates."""

    type_iri: str
    target: str
    target_name: str
    locals: list[Entity]
    candidates: list[Candidate]
    #: The command (or call) that made it, for the method of the links.
    command: str = "heritage-graph reconcile"

    def for_local(self, iri: str) -> list[Candidate]:
        return [c for c in self.candidates if c.local == iri]

    def best(self) -> dict[str, Candidate | None]:
        """Each local resource's best candidate (None when it has none)."""
        out: dict[str, Candidate | None] = {e.iri: None for e in self.locals}
        for c in self.candidates:
            if out.get(c.local) is None:
                out[c.local] = c
        return out

    def review_csv(self) -> str:
        """The review table: one row per candidate, by local resource, best first; ``accept`` empty."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(REVIEW_COLUMNS)
        for c in self.candidates:
            writer.writerow([c.local, c.local_label, c.candidate, c.candidate_label, f"{c.score:.3f}",
                             f"{c.label_score:.3f}", f"{c.type_score:.2f}",
                             "" if c.distance_km is None else f"{c.distance_km:.1f}", c.method, ""])
        return buffer.getvalue()

    def summary(self, links: Sequence[Link] | None = None, threshold: float | None = None) -> str:
        """One line per local resource: its best candidate with the score, and whether it was linked."""
        linked = {(l.subject, l.object) for l in links or []}
        width = max([len(e.label) for e in self.locals] + [5])
        lines = [f"reconcile {shorten_iri(self.type_iri)} with {self.target}: "
                 f"{len(self.locals)} local resources, {len(self.candidates)} candidates"]
        for entity, best in self.best().items():
            label = next(e.label for e in self.locals if e.iri == entity)
            if best is None:
                lines.append(f"  {label:<{width}}  (no candidate)")
                continue
            mark = "linked" if (entity, best.candidate) in linked else (
                "below threshold" if threshold is not None and best.score < threshold else "")
            distance = "" if best.distance_km is None else f", {best.distance_km:.0f} km"
            lines.append(f"  {label:<{width}}  -> {best.candidate_label} <{best.candidate}> "
                         f"score {best.score:.3f} (label {best.label_score:.2f}, type {best.type_score:.1f}{distance})"
                         + (f"  [{mark}]" if mark else ""))
        return "\n".join(lines)


def reconcile(type_: str = "Camp", *, store: Store | None = None, endpoint: Store | str | None = None,
              limit: int = 5, min_label: float = 0.5, timeout: float = 60) -> Reconciliation:
    """Score candidates for every hand-curated resource of class ``type_``.

    ``store`` holds the local data (default: the bundled graph, loaded now) and, unless
    ``endpoint`` is given, the imported registers the candidates come from. ``endpoint`` is a
    Wikidata-shaped SPARQL endpoint (a URL or a :class:`~heritage_graph.rdf.store.Store`).

    :raises ConfigError: ``type_`` is not a class of the ontology.
    :raises EndpointError: the endpoint cannot be queried.
    """
    if store is None:
        store = load().store
    class_iri = class_iri_of(type_)
    check_class(store, class_iri)
    local = local_resources(store, class_iri)
    if endpoint is None:
        candidates = register_resources(store, class_iri)
        target = "the imported registers (" + ", ".join(archive_names(store)) + ")"
        name = target_name(store)
        names = NameIndex.of(candidates)
        closures: dict[frozenset, set[str]] = {}

        def type_of(candidate: Entity) -> float:
            key = frozenset(candidate.types)
            if key not in closures:
                closures[key] = class_closure(store, key)
            return 1.0 if class_iri in closures[key] else 0.0

        rows: list[Candidate] = []
        for entity in local:
            rows += rank(entity, candidates, type_of, limit=limit, min_label=min_label, names=names)
    else:
        if isinstance(endpoint, str):
            endpoint = EndpointStore(endpoint, timeout=timeout)
        found, described = remote_candidates(endpoint, local)
        by_iri = {e.iri: e for e in described}
        target = getattr(endpoint, "url", "the endpoint")
        name = "wikidata"
        rows = []
        for entity in local:
            # The Wikidata classes aligned with the resource's classes, their superclasses and
            # their subclasses: a place typed only hg:Settlement agrees with a city or a village.
            wanted = wikidata_classes(store, class_closure(store, entity.types, down=True))
            pool = [by_iri[i] for i in sorted(found.get(entity.iri, ()))]

            def type_of(candidate: Entity, wanted=wanted) -> float:
                if not wanted or not candidate.types:
                    return 0.5
                return 1.0 if candidate.types & wanted else 0.0

            rows += rank(entity, pool, type_of, limit=limit, min_label=min_label)
    rows.sort(key=lambda c: (c.local, -c.score, -c.label_score, c.candidate))
    return Reconciliation(class_iri, target, name, local, rows)
