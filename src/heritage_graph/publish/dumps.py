"""The dumps of a release: the whole graph in six formats, each gzipped too, and SHA256SUMS."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pyoxigraph as ox

from ..rdf.jsonld import json_bytes
from .layout import CHECKSUMS, CONTEXT, DUMPS, NAME, dump_path
from .release import Release


#: How hard the gzipped dumps are compressed: a fast level (the dumps of a register are hundreds of MB).
GZIP_LEVEL = 3


class Hashed:
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, path: Path):
        self.file = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        self.file.write(data)
        self.sha.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()


class Dump:
    """One dump file being written, with its gzipped copy beside it, both hashed as they go.

    Serializers write to it in small pieces; they are gathered into pieces of a few MB first.
    """

    PIECE = 4 << 20

    def __init__(self, ctx: Release, suffix: str):
        self.ctx, self.suffix = ctx, suffix
        self.name = f"{NAME}{suffix}"
        self.plain = Hashed(ctx.path(dump_path(suffix)))
        self.packed = Hashed(ctx.path(dump_path(suffix, gz=True)))
        self.gzip = gzip.GzipFile(filename="", mode="wb", fileobj=self.packed, mtime=0, compresslevel=GZIP_LEVEL)
        self._pending: list = []
        self._pending_size = 0

    def write(self, data) -> int:
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size >= self.PIECE:
            self._drain()
        return len(data)

    def flush(self) -> None:
        pass

    def _drain(self) -> None:
        if self._pending:
            piece = b"".join(self._pending)
            self._pending.clear()
            self._pending_size = 0
            self.plain.write(piece)
            self.gzip.write(piece)

    def close(self) -> dict:
        self._drain()
        self.gzip.close()
        self.plain.close()
        self.packed.close()
        digest, gz_digest = self.plain.sha.digest(), self.packed.sha.digest()
        self.ctx.record(dump_path(self.suffix), self.plain.size, digest)
        self.ctx.record(dump_path(self.suffix, gz=True), self.packed.size, gz_digest)
        fmt, media, w3c, graphs = DUMPS[self.suffix]
        return {"name": self.name, "suffix": self.suffix, "format": fmt, "media_type": media, "w3c": w3c,
                "graphs": graphs, "bytes": self.plain.size, "sha256": digest.hex(),
                "gz_name": f"{self.name}.gz", "gz_bytes": self.packed.size, "gz_sha256": gz_digest.hex()}


def graph_lines(store: ox.Store) -> list[tuple[object, list[bytes]]]:
    """Each graph (the default graph first, if it holds anything, then the named graphs by IRI)
    with its statements as N-Triples lines, sorted."""
    graphs = sorted(store.named_graphs(), key=lambda g: g.value)
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.insert(0, ox.DefaultGraph())
    found = []
    for graph in graphs:
        lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).split(b"\n")
        lines.pop()  # what follows the last line's newline
        lines.sort()
        found.append((graph, lines))
    return found


def _write_lines(lines: list[bytes], out: Dump, suffix: bytes = b"") -> None:
    step = 50_000
    for start in range(0, len(lines), step):
        piece = lines[start:start + step]
        if suffix:
            piece = [line[:-1] + suffix for line in piece]
        out.write(b"\n".join(piece) + b"\n")


def write_dumps(ctx: Release) -> None:
    """The whole graph in six formats, each gzipped too, with SHA256SUMS.

    The N-Quads and N-Triples dumps are the store's own N-Triples output, graph by graph, with
    the lines sorted (by graph, then subject, predicate and object); the Turtle, TriG and RDF/XML
    dumps are those two read back in order through pyoxigraph's serializers, and the JSON-LD one
    is written by the package. Every dump goes to disk as it is written, gzipped and hashed on
    the way.
    """
    total = len(DUMPS)
    ctx.progress("dumps", 0, total)
    ctx.write(CONTEXT, json_bytes(ctx.context.document()))
    made: dict[str, dict] = {}
    graphs = graph_lines(ctx.store.ox)
    out = Dump(ctx, ".nq")
    for graph, lines in graphs:
        _write_lines(lines, out, b"" if isinstance(graph, ox.DefaultGraph) else str(graph).encode("utf-8") + b" .")
    made[".nq"] = out.close()
    out = Dump(ctx, ".jsonld")
    ctx.context.write_dataset(graphs, out.write)
    made[".jsonld"] = out.close()
    ctx.progress("dumps", 2, total)
    lines = [line for _graph, graph_lines in graphs for line in graph_lines]
    del graphs
    lines.sort()
    lines = [line for i, line in enumerate(lines) if not i or line != lines[i - 1]]
    out = Dump(ctx, ".nt")
    _write_lines(lines, out)
    made[".nt"] = out.close()
    del lines
    ctx.progress("dumps", 3, total)
    nq, nt = str(ctx.staging / dump_path(".nq")), str(ctx.staging / dump_path(".nt"))
    for suffix, source, source_format, fmt in (
        (".ttl", nt, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE),
        (".trig", nq, ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG),
        (".rdf", nt, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML),
    ):
        out = Dump(ctx, suffix)
        ox.serialize(ox.parse(path=source, format=source_format), out, format=fmt, prefixes=ctx.prefixes)
        made[suffix] = out.close()
        ctx.progress("dumps", len(made), total)
    ctx.dumps = [made[suffix] for suffix in DUMPS]
    sums = []
    for d in ctx.dumps:
        sums += [f"{d['sha256']}  {d['name']}", f"{d['gz_sha256']}  {d['gz_name']}"]
    ctx.progress("dumps", total, total)
    ctx.write(CHECKSUMS, "\n".join(sums) + "\n")
