"""The register: the arguments checked, the records made, broken and written, and the summary."""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..util import resources
from ..util.atomic import open_atomic
from ..util.progress import progress
from .breakages import Breaker
from .records import make_record
from .writing import NTriples, RecordWriter, Turtle, header

FORMATS = {".nt": "N-Triples", ".ttl": "Turtle"}
CHUNK = 1000

@dataclass
class Summary:
    """What :func:`generate` wrote: how many persons and triples, and which records are broken how."""

    out: Path
    persons: int
    triples: int
    #: The broken records: record number -> the names of the breakages (keys of :data:`BREAKAGES`).
    broken: dict[int, tuple[str, ...]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def broken_persons(self) -> int:
        """How many persons have a broken record (each breaks at least one rule of the shapes)."""
        return len(self.broken)

    @property
    def triples_per_person(self) -> float:
        return self.triples / self.persons if self.persons else 0.0

    def breakages(self) -> Counter:
        """How often each breakage was used."""
        return Counter(name for names in self.broken.values() for name in names)

    def text(self) -> str:
        return (f"Wrote {self.persons:,} persons ({self.broken_persons:,} broken), {self.triples:,} triples "
                f"({self.triples_per_person:.1f} per person) to {self.out} in {self.seconds:.1f} s")


def record_number(iri: str) -> int | None:
    """The register record that a person or event IRI of the register belongs to, else ``None``.

    >>> record_number("https://w3id.org/heritage-graph/id/event/synthetic-000042-release")
    42
    >>> record_number("https://w3id.org/heritage-graph/id/person/Synthetic_000042")
    42
    >>> record_number("https://w3id.org/heritage-graph/id/camp/karlag") is None
    True
    """
    for kind in ("person/", "event/"):
        start = iri.find("/id/" + kind)
        if start == -1:
            continue
        local = iri[start + 4 + len(kind):]
        if local[:10].lower() == "synthetic-" or local[:10].lower() == "synthetic_":
            digits = local[10:].split("-", 1)[0]
            if digits.isdigit():
                return int(digits)
    return None


def context_paths() -> list[Path]:
    """The bundled data folders that define what the register points to (camps, group, parent event)."""
    data = resources.folder("data")
    return [data / "common", data / "kazakhstan"]


def check_arguments(persons, seed, invalid_rate, out) -> Path:
    """Refuse arguments :func:`generate` cannot use, with a sentence naming the bad value.

    :raises ConfigError: a negative or fractional number of persons, a seed that is not a whole
        number, a rate outside 0 to 1, or an output that is not a ``.nt`` or ``.ttl`` file.
    """
    if isinstance(persons, bool) or not isinstance(persons, int) or persons < 0:
        raise ConfigError(f"the number of persons (--persons) must be a whole number, 0 or more, not {persons!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ConfigError(f"the seed (--seed) must be a whole number, not {seed!r}")
    if (isinstance(invalid_rate, bool) or not isinstance(invalid_rate, (int, float))
            or not math.isfinite(invalid_rate) or not 0 <= invalid_rate <= 1):
        raise ConfigError(f"the share of broken records (--invalid-rate) must be a number from 0 to 1, "
                          f"not {invalid_rate!r}")
    out = Path(out)
    if out.suffix not in FORMATS:
        raise ConfigError(f"{out}: write the register to a .nt (N-Triples) or .ttl (Turtle) file")
    if out.is_dir():
        raise ConfigError(f"{out}: is a folder; name the file to write")
    return out


def parse_arguments(persons: str, seed: str, invalid_rate: str) -> tuple[int, int, float]:
    """The command line's text for ``--persons``, ``--seed`` and ``--invalid-rate``, as numbers.

    >>> parse_arguments("1000", "7", "0.05")
    (1000, 7, 0.05)

    :raises ConfigError: a value that is not a number of the right kind.
    """
    def number(text: str, option: str, kind: type, what: str):
        try:
            return kind(text.strip().replace("_", ""))
        except ValueError:
            raise ConfigError(f"{option} must be {what}, not {text!r}") from None

    return (number(persons, "the number of persons (--persons)", int, "a whole number, 0 or more"),
            number(seed, "the seed (--seed)", int, "a whole number"),
            number(invalid_rate, "the share of broken records (--invalid-rate)", float, "a number from 0 to 1"))


def generate(persons: int, seed: int, invalid_rate: float, out: Path | str, *,
             show_progress: bool | None = None) -> Summary:
    """Write a synthetic register of ``persons`` prisoners to ``out`` (``.nt`` or ``.ttl``), atomically.

    ``round(persons * invalid_rate)`` records, chosen by the seed, are broken (see
    :data:`BREAKAGES`); the others conform to the shapes when validated with
    :func:`context_paths`. The same arguments give the same bytes.

    :param show_progress: draw a progress bar on standard error; ``None`` (the default) draws it
        when the terminal is watching and the work takes more than a second.
    :raises ConfigError: an argument that cannot be used (:func:`check_arguments`) or an output
        that cannot be written.
    """
    out = check_arguments(persons, seed, invalid_rate, out)
    started = time.monotonic()
    writer = RecordWriter(Turtle() if out.suffix == ".ttl" else NTriples())
    rng = random.Random(seed)
    breaker_rng = random.Random(f"heritage-graph generate: broken records, seed {seed}")
    broken_count = round(persons * invalid_rate)
    to_break = set(breaker_rng.sample(range(1, persons + 1), broken_count))
    breaker = Breaker(breaker_rng)
    width = max(6, len(str(persons)))
    broken: dict[int, tuple[str, ...]] = {}
    try:
        with open_atomic(out) as handle, progress(persons, "generate", "persons",
                                                   enabled=show_progress) as bar:
            handle.write(header(persons, seed, invalid_rate, writer.s))
            handle.write(writer.source_block(persons, seed, invalid_rate))
            for first in range(1, persons + 1, CHUNK):
                last = min(first + CHUNK, persons + 1)
                parts = []
                for number in range(first, last):
                    record = make_record(rng, number, width)
                    if number in to_break:
                        broken[number] = breaker.break_record(record)
                    parts.append(writer.record(record))
                handle.write("".join(parts))
                bar.update(last - first)
    except OSError as exc:
        raise ConfigError(f"{out}: cannot be written ({exc.strerror or exc})") from exc
    return Summary(out=out, persons=persons, triples=writer.triples, broken=broken,
                   seconds=time.monotonic() - started)
