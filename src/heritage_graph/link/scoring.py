"""Scoring a candidate: how alike the names are, whether the kinds agree, how far apart they are.

::

    score = 0.50 × label_score + 0.25 × type_score + 0.25 × distance_score

:func:`rank` scores the candidates of one local resource, best first (see ``docs/link.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from .candidates import Entity
from .linkset import link_predicate
from .names import normalise

#: The Earth's mean radius, for distances between points.
EARTH_RADIUS_KM = 6371.0088
#: The distance at which the distance score falls to 1/e (about 0.37).
DISTANCE_SCALE_KM = 400.0
#: The weights of the score's three parts.
WEIGHTS = {"label": 0.50, "type": 0.25, "distance": 0.25}


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance in km between two (latitude, longitude) points in degrees.

    >>> round(haversine_km((49.67055, 72.68055), (49.83333, 73.1658)))
    39
    """
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class Candidate:
    """One row of the review: a local resource, a candidate for it, and how well they match."""

    local: str
    local_label: str
    candidate: str
    candidate_label: str
    score: float
    label_score: float
    type_score: float
    distance_km: float | None
    method: str

    @property
    def predicate(self) -> str:
        return link_predicate(self.candidate)


@dataclass
class NameIndex:
    """The normalised names of a set of entities, flat, with their owners, for one rapidfuzz call."""

    owners: list[int]
    texts: list[str]
    originals: list[ox.Literal]

    @classmethod
    def of(cls, entities: Sequence[Entity]) -> "NameIndex":
        owners, texts, originals = [], [], []
        for index, entity in enumerate(entities):
            seen = set()
            for name in entity.names:
                text = normalise(name.value)
                if text and (text, name.value) not in seen:
                    seen.add((text, name.value))
                    owners.append(index)
                    texts.append(text)
                    originals.append(name)
        return cls(owners, texts, originals)


def _best_label_pairs(local: Entity, candidates: Sequence[Entity], names: NameIndex):
    """For each candidate: (best similarity, the local name, the candidate name)."""
    best = [(0.0, None, None)] * len(candidates)
    local_names = NameIndex.of([local])
    if not local_names.texts or not names.texts:
        return best
    ratio = process.cdist(local_names.texts, names.texts, scorer=fuzz.ratio, workers=1)
    token = process.cdist(local_names.texts, names.texts, scorer=fuzz.token_sort_ratio, workers=1)
    for i, local_name in enumerate(local_names.originals):
        for j, owner in enumerate(names.owners):
            value = max(float(ratio[i][j]), float(token[i][j])) / 100.0
            if value > best[owner][0]:
                best[owner] = (value, local_name, names.originals[j])
    return best


def _describe_name(name: ox.Literal | None) -> str:
    if name is None:
        return "?"
    return f'"{name.value}"' + (f"@{name.language}" if name.language else "")


def score(label: float, type_: float, distance_km: float | None) -> float:
    """The combined score, 0–1 (see the module's docstring and docs/link.md).

    >>> score(1.0, 1.0, 0.0)
    1.0
    >>> score(1.0, 0.0, None)
    0.625
    """
    distance = 0.5 if distance_km is None else math.exp(-distance_km / DISTANCE_SCALE_KM)
    total = WEIGHTS["label"] * label + WEIGHTS["type"] * type_ + WEIGHTS["distance"] * distance
    return round(min(1.0, max(0.0, total)), 3)


def _min_distance(a: Entity, b: Entity) -> float | None:
    if not a.points or not b.points:
        return None
    return min(haversine_km(p, q) for p in a.points for q in b.points)


def rank(local: Entity, candidates: Sequence[Entity], type_of, *, limit: int = 5, min_label: float = 0.5,
         names: NameIndex | None = None, keep: set[str] | None = None) -> list[Candidate]:
    """The candidates for ``local`` scored, best first: at most ``limit``, plus any in ``keep``.

    ``type_of(candidate)`` gives the type score. Candidates whose label score is below
    ``min_label`` are left out (unless kept), so that the review lists plausible names only.
    """
    names = names or NameIndex.of(candidates)
    pairs = _best_label_pairs(local, candidates, names)
    rows = []
    for candidate, (label_score, local_name, candidate_name) in zip(candidates, pairs):
        kept = keep is not None and candidate.iri in keep
        if label_score < min_label and not kept:
            continue
        type_score = type_of(candidate)
        distance = _min_distance(local, candidate)
        parts = [f"label {_describe_name(local_name)} ~ {_describe_name(candidate_name)}",
                 f"type {'agrees' if type_score == 1 else 'differs' if type_score == 0 else 'unknown'}",
                 "distance" if distance is not None else "no distance"]
        if candidate.iri in local.links:
            parts.append("already linked")
        rows.append(Candidate(local.iri, local.label, candidate.iri, candidate.label,
                              score(label_score, type_score, distance), round(label_score, 3), type_score,
                              None if distance is None else round(distance, 1), "; ".join(parts)))
    rows.sort(key=lambda c: (-c.score, -c.label_score, c.candidate))
    return rows[:limit] + [c for c in rows[limit:] if keep is not None and c.candidate in keep]
