"""The pages of a release: a page per resource with its description in four RDF formats, and the
class pages.

The resource pages are most of a build's work: :class:`Pages` shares them, in chunks, between
the build's process and, where the system can fork, a worker process that starts as soon as the
graph is read. Each resource's RDF is its description (:func:`heritage_graph.rdf.describe.describe`),
the same the server gives.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import select
import signal
import sys
import traceback

import pyoxigraph as ox

from ..rdf.describe import describe, description_triples
from ..rdf.vocab import RDF, XSD
from .. import web
from .release import PublishError, Release, write_fd


class PrefixFinder:
    """The prefixes a small description uses, so that its Turtle and RDF/XML declare only those."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = prefixes
        self.by_namespace = {namespace: name for name, namespace in prefixes.items()}
        self.cache: dict = {}
        self.plain = {XSD + "string", RDF + "langString"}

    def of_iri(self, iri: str) -> str | None:
        return self.by_namespace.get(iri[: max(iri.rfind("/"), iri.rfind("#")) + 1])

    def of(self, term) -> str | None:
        found = self.cache.get(term, False)
        if found is False:
            kind = type(term)
            if kind is ox.NamedNode:
                found = self.of_iri(term.value)
            elif kind is ox.Literal:
                datatype = term.datatype.value
                found = None if datatype in self.plain else self.of_iri(datatype)
            else:
                found = None
            if len(self.cache) < 100_000:
                self.cache[term] = found
        return found

    def used(self, groups: dict) -> dict[str, str]:
        names = set()
        of = self.of
        for subject, pairs in groups.items():
            if type(subject) is ox.NamedNode:
                names.add(self.of_iri(subject.value))
            for p, o in pairs:
                names.add(of(p))
                names.add(of(o))
        names.discard(None)
        return {name: self.prefixes[name] for name in sorted(names)}


def write_resource(ctx: Release, node, finder: PrefixFinder) -> bool:
    """One resource's page and its description as Turtle, N-Triples, RDF/XML and JSON-LD."""
    html = web.resource_html(ctx.data, node, "../../")
    if html is None:
        return False
    stem = ctx.data.doc_path(node.value)[: -len(".html")]
    ctx.write(stem + ".html", html)
    groups = describe(ctx.data, node, ctx.data.hgn("about"))
    triples = description_triples(groups)
    prefixes = finder.used(groups)
    ctx.write(stem + ".ttl", ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes))
    ctx.write(stem + ".nt", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    ctx.write(stem + ".rdf", ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes))
    ctx.write(stem + ".jsonld", ctx.context.description_text(groups))
    return True


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def _die_with_parent(parent: int) -> None:
    """Have the system end this (forked) process when the build's process ends, however it ends."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


class Pages:
    """The resource pages, in chunks taken by the build's process and, where the system can fork,
    by one worker process that starts as soon as the graph is read (it writes pages while the
    build writes the dumps and runs the queries). The worker takes chunks from the start of the
    list, the build from the end, so that the two mostly write into different folders. Each
    process writes its own files and notes their sizes and digests; the worker sends its notes
    back when there is nothing left.
    """

    CHUNK = 64

    def __init__(self, ctx: Release):
        self.ctx = ctx
        self.nodes = ctx.data.data_typed
        self.chunks = -(-len(self.nodes) // self.CHUNK)
        self.front = multiprocessing.Value("q", 0)  # the next chunk from the start
        self.back = multiprocessing.RawValue("q", self.chunks)  # one past the next chunk from the end
        self.done = multiprocessing.Value("q", 0)
        self.finder = PrefixFinder(ctx.prefixes)
        self.pid: int | None = None
        self.pipe: int | None = None

    def take(self, from_end: bool = False) -> int | None:
        with self.front.get_lock():
            if self.front.value >= self.back.value:
                return None
            if from_end:
                self.back.value -= 1
                return self.back.value
            self.front.value += 1
            return self.front.value - 1

    def render(self, chunk: int) -> None:
        ctx, finder = self.ctx, self.finder
        nodes = self.nodes[chunk * self.CHUNK:(chunk + 1) * self.CHUNK]
        for node in nodes:
            if write_resource(ctx, node, finder):
                ctx.pages += 1
        with self.done.get_lock():
            self.done.value += len(nodes)

    def start(self) -> bool:
        """Start the worker; True if it runs."""
        if not _can_fork() or self.chunks < 8:
            return False
        for kind in sorted({self.ctx.data.doc_path(n.value).split("/")[1] for n in self.nodes}):
            self.ctx.open_folder(f"doc/{kind}")  # the folders, made once, before two processes write into them
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # what the worker shares with the build: garbage collection would copy it
        parent = os.getpid()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            os.close(read)
            code, payload = 1, b""
            try:
                _die_with_parent(parent)
                ctx = self.ctx
                ctx.files, ctx.pages = [], 0
                while (chunk := self.take()) is not None:
                    self.render(chunk)
                payload = pickle.dumps({"files": ctx.files, "pages": ctx.pages}, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            except BaseException:  # noqa: BLE001 - reported to the build's process, which raises it
                payload = pickle.dumps({"error": traceback.format_exc()})
            try:
                write_fd(write, payload)
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.pipe = pid, read
        return True

    def finish(self) -> None:
        """Take chunks until there are none, then wait for the worker and merge what it wrote."""
        ctx = self.ctx
        total = len(self.nodes)
        ctx.progress("resource pages", self.done.value, total)
        while (chunk := self.take(from_end=self.pid is not None)) is not None:
            self.render(chunk)
            ctx.progress("resource pages", self.done.value, total)
        if self.pid is not None:
            answer = self._wait(total)
            if "error" in answer:
                raise PublishError("the process writing resource pages failed:\n" + answer["error"])
            ctx.files.extend(answer["files"])
            ctx.pages += answer["pages"]
        ctx.progress("resource pages", total, total)

    def _wait(self, total: int) -> dict:
        pieces = []
        while True:
            ready, _, _ = select.select([self.pipe], [], [], 0.25)
            if ready:
                piece = os.read(self.pipe, 1 << 20)
                if not piece:
                    break
                pieces.append(piece)
            else:
                self.ctx.progress("resource pages", self.done.value, total)
        os.close(self.pipe)
        self.pipe = None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        try:
            answer = pickle.loads(b"".join(pieces))
        except Exception:  # noqa: BLE001 - killed before it could answer
            answer = {}
        if status != 0 and "error" not in answer:
            answer = {"error": f"it ended with status {status} before it was done"}
        return answer

    def stop(self) -> None:
        """End the worker if it still runs (the build failed)."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None
        if self.pipe is not None:
            os.close(self.pipe)
            self.pipe = None


def write_resources(ctx: Release, pages: Pages | None = None) -> None:
    """doc/{kind}/{slug}.html, .ttl, .jsonld, .nt, .rdf for every resource typed in the data."""
    (pages or Pages(ctx)).finish()
    for relative, source in web.ASSETS.items():
        ctx.write(relative, source.read_bytes())


def write_classes(ctx: Release) -> None:
    """class/index.html and class/{Class}.html for every class with resources."""
    ctx.write("class/index.html", web.render_classes(ctx.store, root="../", data=ctx.data))
    classes = sorted(ctx.data.class_counts, key=lambda c: c.value)
    for i, cls in enumerate(classes):
        ctx.progress("class pages", i, len(classes))
        html = web.render_class(ctx.store, cls.value, root="../", data=ctx.data)
        if html is not None:
            ctx.write(web.class_path(cls.value, base=ctx.base), html)
    ctx.progress("class pages", len(classes), len(classes))
