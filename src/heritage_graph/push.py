"""Push a release into a SPARQL store, replacing the previous one without a half-loaded moment.

:func:`push` loads the dataset (one named graph per file, or everything in one graph with
``graph=``), and then, through the SPARQL 1.1 Graph Store HTTP Protocol and SPARQL 1.1 Update:

1. uploads every graph under a staging name (``PUT``, which replaces that graph whole);
2. counts the triples of every staging graph and compares them with the local counts;
3. switches in ONE update request: ``MOVE GRAPH <staging> TO GRAPH <final>`` for every graph, ``DROP``
   for the graphs of the previous release that are not in this one, and a new release manifest
   (the graph ``…/graph/release``, listing the release's graphs and their sizes). Oxigraph, Fuseki
   and GraphDB run one update request as one transaction, so readers see the old release or the
   new one; Virtuoso commits operation by operation (see ``docs/push.md``);
4. counts the triples of every final graph again, and runs a stored query (``prisoner-shares``) on
   the store, comparing its rows with those of the local graph.

A failure before the switch removes the staging graphs and leaves the store as it was; every
failure is one :class:`~heritage_graph.errors.EndpointError` line. Pushing the same release twice
leaves the same store. Store layouts and what each store makes atomic: ``docs/push.md``.
"""

from __future__ import annotations

import http.client
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Iterable, Mapping

import httpx
import pyoxigraph as ox

from . import __version__
from .errors import ConfigError, EndpointError, HeritageGraphError
from .queries import run as qrun
from .rdf.load import Dataset, load
from .rdf.store import EndpointStore, parse_json_results, require_complete
from .rdf.vocab import GRAPH
from .util.progress import progress

#: The graph that lists the graphs of the release in the store (VoID), replaced with each push.
MANIFEST = GRAPH + "release"
#: Staging graphs are named under this prefix; leftovers of an interrupted push are dropped by the next.
STAGING = "urn:x-heritage-graph:staging:"
#: The stored query run on the store after a push, compared with the local rows.
CHECK_QUERY = "prisoner-shares"

STORE_KINDS = ("oxigraph", "virtuoso", "fuseki", "graphdb", "generic")
#: The most triples one Virtuoso update request may move (those it adds and those it removes):
#: Virtuoso aborts a transaction whose log passes its ``TransactionAfterImageLimit`` (50 MB by
#: default; error SR325), which a MOVE of a million triples does. A graph larger than this is
#: staged in parts of this size and added to its emptied final graph part by part, and the other
#: graphs are switched in several requests of at most this many triples. (A single Graph Store PUT
#: of a million triples is not limited, but measured, it once left 836,971 of 999,576 triples.)
VIRTUOSO_MOVE_LIMIT = 100_000
#: Whether a store applies an update request all or nothing (measured for Oxigraph and Virtuoso;
#: documented for Fuseki and GraphDB). Virtuoso commits each operation of a request on its own.
ATOMIC_UPDATES = {"oxigraph": True, "fuseki": True, "graphdb": True, "virtuoso": False}

VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Layout:
    """Where a store answers: the Graph Store Protocol, SPARQL Update and SPARQL query URLs."""

    kind: str
    graph_store: str
    update: str
    query: str
    graph_param: str = "graph"


def layout(endpoint: str, store_kind: str = "oxigraph", *, authenticated: bool = False,
           update_endpoint: str | None = None, query_endpoint: str | None = None) -> Layout:
    """The URLs of a store of ``store_kind`` at ``endpoint`` (see ``docs/push.md``).

    >>> layout("http://127.0.0.1:7878/query").graph_store
    'http://127.0.0.1:7878/store'
    >>> layout("http://127.0.0.1:8890/sparql", "virtuoso", authenticated=True).update
    'http://127.0.0.1:8890/sparql-auth'
    >>> layout("http://h:3030/ds", "fuseki").graph_store
    'http://h:3030/ds/data'
    """
    if store_kind not in STORE_KINDS:
        raise ConfigError(f"unknown store kind {store_kind!r}; one of {', '.join(STORE_KINDS)}")
    if not endpoint.startswith(("http://", "https://")):
        raise ConfigError(f"{endpoint}: an endpoint URL starts with http:// or https://")
    base = endpoint.rstrip("/")

    def strip(*suffixes):
        for suffix in suffixes:
            if base.endswith(suffix):
                return base[: -len(suffix)]
        return base

    if store_kind == "oxigraph":
        root = strip("/query", "/update", "/store")
        found = Layout("oxigraph", root + "/store", root + "/update", root + "/query")
    elif store_kind == "virtuoso":
        root = strip("/sparql-graph-crud-auth", "/sparql-graph-crud", "/sparql-auth", "/sparql")
        found = Layout("virtuoso", root + "/sparql-graph-crud-auth", root + "/sparql-auth",
                       root + ("/sparql-auth" if authenticated else "/sparql"), graph_param="graph-uri")
    elif store_kind == "fuseki":
        root = strip("/data", "/update", "/query", "/sparql", "/get")
        found = Layout("fuseki", root + "/data", root + "/update", root + "/query")
    elif store_kind == "graphdb":
        root = strip("/rdf-graphs/service", "/statements")
        found = Layout("graphdb", root + "/rdf-graphs/service", root + "/statements", root)
    else:
        if not (update_endpoint and query_endpoint):
            raise ConfigError("a generic store needs its update and query URLs as well as its Graph Store URL "
                              "(--update-endpoint, --query-endpoint)")
        found = Layout("generic", base, update_endpoint, query_endpoint)
    if update_endpoint or query_endpoint:
        found = Layout(found.kind, found.graph_store, update_endpoint or found.update, query_endpoint or found.query,
                       found.graph_param)
    return found


@dataclass
class PushResult:
    """What a push did: the graphs now in the store with their triple counts, what it removed, and
    how long each step took."""

    endpoint: str
    store_kind: str
    graphs: dict[str, int]
    removed: list[str] = field(default_factory=list)
    check_query: str = CHECK_QUERY
    check_rows: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    def summary(self) -> str:
        removed = f"; removed {len(self.removed)} graph{'s' if len(self.removed) != 1 else ''} of the previous " \
                  "release" if self.removed else ""
        return (f"Pushed {len(self.graphs)} graph{'s' if len(self.graphs) != 1 else ''}, {self.triples} triples "
                f"to {self.endpoint} ({self.store_kind}){removed}. Triple counts match; {self.check_query} gives "
                f"the same {self.check_rows} row{'s' if self.check_rows != 1 else ''} there as here "
                f"({sum(self.timings.values()):.1f} s).")


def release_graphs(dataset, graph: str | None = None) -> dict[str, list[ox.Triple]]:
    """The release as ``{graph IRI: triples}``: one graph per loaded file, or all in ``graph``."""
    if graph is not None:
        everything = dict.fromkeys(q.triple for q in dataset.store.quads())
        return {graph: list(everything)}
    return {f.graph: [q.triple for q in dataset.store.quads(ox.NamedNode(f.graph))] for f in dataset.files}


def push(endpoint: str, *, graph: str | None = None, user: str | None = None, password: str | None = None,
         auth: str = "basic", data_paths: Iterable[Path | str] | None = None, store_kind: str = "oxigraph",
         timeout: float = 120, base: str | None = None, update_endpoint: str | None = None,
         query_endpoint: str | None = None, check_query: str | None = None, dataset=None,
         check: Callable[[Dataset], object] | None = None) -> PushResult:
    """Upload the release to the store at ``endpoint``, replacing the previous release there.

    ``data_paths`` (default: the bundled data, always with the ontology) are loaded as
    ``heritage-graph load`` does; ``dataset`` passes one already loaded. ``graph`` puts everything
    into that one named graph. ``user``/``password`` authenticate with HTTP ``auth`` (``basic`` or
    ``digest``; Virtuoso needs digest). ``timeout`` bounds each HTTP request (seconds).
    ``check_query`` names the stored query compared after the push (default: :data:`CHECK_QUERY`).
    ``check(dataset)`` is called on the loaded data before the store is contacted, and may refuse
    it by raising (the command passes :func:`heritage_graph.validate.run.require_valid`).

    :raises EndpointError: the store is unreachable, refuses, fails or answers garbage; the counts or
        the check query disagree. Before the switch nothing is left behind.
    :raises ConfigError: an unknown store kind, an endpoint that is no URL, a graph that is no IRI.
    :raises InputError: the data cannot be loaded.
    """
    if auth not in ("basic", "digest"):
        raise ConfigError(f"unknown HTTP authentication {auth!r}; basic or digest")
    if graph is not None:
        _check_iri(graph, "--graph")
    where = layout(endpoint, store_kind, authenticated=user is not None, update_endpoint=update_endpoint,
                   query_endpoint=query_endpoint)
    timings: dict[str, float] = {}
    started = time.monotonic()
    if dataset is None:
        dataset = load(data_paths, base=base)
    if check is not None:
        check(dataset)
    release = release_graphs(dataset, graph)
    counts = {name: len(triples) for name, triples in release.items()}
    timings["load"] = time.monotonic() - started

    with _Client(where, user, password, auth, timeout) as client:
        step = time.monotonic()
        client.ping()
        previous = client.manifest_graphs()
        leftovers = client.graphs_with_prefix(STAGING)
        if leftovers:
            client.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))
        timings["inspect"] = time.monotonic() - step

        token = uuid.uuid4().hex[:12]
        split = _split_graphs(where, counts, previous)
        staging = {name: f"{STAGING}{token}:{i}" for i, name in enumerate(release)
                   if counts[name] > 0 and name not in split}
        # a graph too large for one Virtuoso transaction is staged in parts, each checked, and added
        # to its emptied final graph part by part
        parts = {name: [(f"{STAGING}{token}:{i}:{k}", triples)
                        for k, triples in enumerate(split_triples(release[name], VIRTUOSO_MOVE_LIMIT))]
                 for i, name in enumerate(release) if name in split}
        staged_parts = {stage: len(triples) for name in parts for stage, triples in parts[name]}
        step = time.monotonic()
        switching = False
        in_place = list(parts)  # the split graphs still to be put in place, once the switch has begun
        try:
            with progress(sum(counts[name] for name in [*staging, *parts]), "push", "triples") as bar:
                for name, stage in staging.items():
                    client.put_graph(stage, _ntriples(release[name]))
                    bar.update(counts[name])
                for name in parts:
                    for stage, triples in parts[name]:
                        client.put_graph(stage, _ntriples(triples))
                        bar.update(len(triples))
            timings["upload"] = time.monotonic() - step
            step = time.monotonic()
            staged = client.count_graphs([*staging.values(), *staged_parts])
            wrong = [f"{name}: {staged.get(stage, 0)} of {counts[name]}" for name, stage in staging.items()
                     if staged.get(stage, 0) != counts[name]]
            wrong += [f"{stage}: {staged.get(stage, 0)} of {n}" for stage, n in staged_parts.items()
                      if staged.get(stage, 0) != n]
            if wrong:
                raise EndpointError(f"{where.graph_store} holds a different number of triples than uploaded "
                                    f"({'; '.join(wrong[:3])})")
            timings["verify staging"] = time.monotonic() - step
            step = time.monotonic()
            removed = sorted(set(previous) - set(release))
            switching = True
            if where.kind == "virtuoso" and (parts or _moved(release, staging, previous, counts) > VIRTUOSO_MOVE_LIMIT):
                *requests, last = switch_parts(release, staging, removed, counts, previous, parts)
                for text in requests:
                    client.update(text)
                for name in list(in_place):
                    client.update(f"DROP SILENT GRAPH <{name}>")
                    for stage, _triples in parts[name]:
                        client.update(f"ADD GRAPH <{stage}> TO GRAPH <{name}> ;\nDROP SILENT GRAPH <{stage}>")
                    in_place.remove(name)
                client.update(last)
            else:
                client.update(switch_request(release, staging, removed, counts))
            timings["switch"] = time.monotonic() - step
        except BaseException as exc:
            # a switch whose answer is lost (a timeout, a dropped connection, a proxy's 502) may have
            # been applied all the same: the staging graphs, emptied by MOVE, tell
            applied = _switched(client, staging) if switching and not in_place \
                and isinstance(exc, HeritageGraphError) else False
            try:
                client.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in [*staging.values(), *staged_parts]))
            except HeritageGraphError:
                pass  # the next push drops what is left under the staging prefix
            if not isinstance(exc, HeritageGraphError):
                raise
            if applied:
                raise EndpointError(f"{exc}; the store applied the switch all the same: the new release is in "
                                    "place (push again to have it checked)") from exc
            if switching and not ATOMIC_UPDATES.get(where.kind, True):
                raise EndpointError(f"{exc}; {where.kind} does not roll back a failed update request, so the "
                                    "release may be partly switched: push again to complete it") from exc
            if applied is None:
                raise EndpointError(f"{exc}; whether the store applied the switch cannot be told (it does not "
                                    "answer): push again") from exc
            raise EndpointError(f"{exc}; the release in the store was left as it was") from exc

        step = time.monotonic()
        final = client.count_graphs(list(release))
        wrong = [f"{name}: {final.get(name, 0)} instead of {counts[name]}" for name in release
                 if final.get(name, 0) != counts[name]]
        if wrong:
            if ATOMIC_UPDATES.get(where.kind, True) and _switched(client, staging) is False:
                # the store said yes to the switch but did nothing (something between answered for it)
                client.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in staging.values()))
                raise EndpointError(f"{where.update} accepted the switch but did not apply it "
                                    f"({'; '.join(wrong[:3])}); the release in the store was left as it was")
            raise EndpointError(f"after the switch {where.query} counts other triples than were pushed "
                                f"({'; '.join(wrong[:3])})")
        gone = client.count_graphs(removed)
        if any(gone.values()):
            raise EndpointError(f"after the switch {where.query} still holds graphs of the previous release: "
                                + ", ".join(sorted(g for g, n in gone.items() if n)))
        timings["verify"] = time.monotonic() - step

    step = time.monotonic()
    name = check_query or CHECK_QUERY
    rows = check_remote(name, dataset.store, where, user, password, auth, timeout)
    timings["check query"] = time.monotonic() - step
    return PushResult(endpoint, store_kind, counts, removed, name, rows, timings)


def _switched(client: _Client, staging: Mapping[str, str]) -> bool | None:
    """Whether a switch request whose answer failed was applied: its staging graphs, checked full
    before it, are all empty then (MOVE empties them). None when the store does not answer."""
    if not staging:
        return None
    try:
        left = client.count_graphs(list(staging.values()))
    except HeritageGraphError:
        return None
    return not any(left.values())


def switch_request(release: Mapping[str, list], staging: Mapping[str, str], removed: Iterable[str],
                   counts: Mapping[str, int]) -> str:
    """The one SPARQL Update request that puts the staged release in place."""
    operations = []
    for name in release:
        if name in staging:
            operations.append(f"MOVE GRAPH <{staging[name]}> TO GRAPH <{name}>")
        else:
            operations.append(f"DROP SILENT GRAPH <{name}>")
    operations += [f"DROP SILENT GRAPH <{name}>" for name in removed]
    return " ;\n".join(operations + _manifest_operations(release, counts))


def _moved_size(name: str, counts: Mapping[str, int], previous: Iterable[str]) -> int:
    """About how many triples switching graph ``name`` adds and removes (replaced: its size twice)."""
    return counts[name] * (2 if name in previous else 1)


def _split_graphs(where: Layout, counts: Mapping[str, int], previous: Iterable[str]) -> list[str]:
    """The graphs too large for Virtuoso to move in one transaction (:data:`VIRTUOSO_MOVE_LIMIT`)."""
    if where.kind != "virtuoso":
        return []
    before = set(previous)
    return [name for name in counts if _moved_size(name, counts, before) > VIRTUOSO_MOVE_LIMIT]


def split_triples(triples: list, size: int) -> list[list]:
    """``triples`` in parts of about ``size`` (a larger group alone), the triples that reach one
    blank node, directly or through other blank nodes, always in one part (a blank node is one node
    only within one uploaded document), the other triples of a subject together.

    >>> a, b = ox.BlankNode("a"), ox.BlankNode("b")
    >>> s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    >>> [len(part) for part in split_triples([ox.Triple(s, p, a), ox.Triple(a, p, b), ox.Triple(b, p, s),
    ...                                       ox.Triple(p, p, s)], 2)]
    [3, 1]
    """
    parent: dict = {}

    def find(node):
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while node != root:
            parent[node], node = root, parent.get(node, node)
        return root

    for t in triples:  # blank nodes linked to each other: one group
        if isinstance(t.object, ox.BlankNode) and isinstance(t.subject, ox.BlankNode):
            parent[find(t.object)] = find(t.subject)
    groups: dict = {}
    for t in triples:
        blank = t.subject if isinstance(t.subject, ox.BlankNode) else \
            t.object if isinstance(t.object, ox.BlankNode) else None
        groups.setdefault(find(blank) if blank is not None else t.subject, []).append(t)
    parts: list[list] = [[]]
    for group in groups.values():
        if parts[-1] and len(parts[-1]) + len(group) > size:
            parts.append([])
        parts[-1].extend(group)
    return [part for part in parts if part]


def _moved(release, staging, previous, counts) -> int:
    """About how many triples the switch of the staged graphs adds and removes."""
    before = set(previous)
    return sum(_moved_size(name, counts, before) for name in release if name in staging)


def switch_parts(release: Mapping[str, list], staging: Mapping[str, str], removed: Iterable[str],
                 counts: Mapping[str, int], previous: Iterable[str], split: Iterable[str]) -> list[str]:
    """The switch for Virtuoso as several update requests of at most :data:`VIRTUOSO_MOVE_LIMIT`
    triples each; the last one (the removed graphs and the manifest) is to be sent after the graphs
    of ``split`` (staged in parts) have been put in place."""
    before, skipped = set(previous), set(split)
    parts: list[list[str]] = [[]]
    size = 0
    for name in release:
        if name in skipped:
            continue
        if name in staging:
            operation, n = f"MOVE GRAPH <{staging[name]}> TO GRAPH <{name}>", _moved_size(name, counts, before)
        else:
            operation, n = f"DROP SILENT GRAPH <{name}>", 0
        if parts[-1] and size + n > VIRTUOSO_MOVE_LIMIT:
            parts.append([])
            size = 0
        parts[-1].append(operation)
        size += n
    last = [f"DROP SILENT GRAPH <{name}>" for name in removed] + _manifest_operations(release, counts)
    return [" ;\n".join(part) for part in parts if part] + [" ;\n".join(last)]


def _manifest_operations(release: Mapping[str, list], counts: Mapping[str, int]) -> list[str]:
    """The operations that replace the release manifest."""

    operations = []
    manifest = ox.NamedNode(MANIFEST)
    triples = [
        ox.Triple(manifest, ox.NamedNode(RDF_TYPE), ox.NamedNode(VOID + "Dataset")),
        ox.Triple(manifest, ox.NamedNode(DCTERMS + "hasVersion"), ox.Literal(__version__)),
    ]
    for name in release:
        triples.append(ox.Triple(manifest, ox.NamedNode(DCTERMS + "hasPart"), ox.NamedNode(name)))
        triples.append(ox.Triple(ox.NamedNode(name), ox.NamedNode(VOID + "triples"),
                                 ox.Literal(str(counts[name]), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    operations.append(f"DROP SILENT GRAPH <{MANIFEST}>")
    operations.append(f"INSERT DATA {{ GRAPH <{MANIFEST}> {{\n{_ntriples(triples).decode('utf-8')}}} }}")
    return operations


def check_remote(name: str, local_store, where: Layout, user, password, auth, timeout) -> int:
    """Run the stored query ``name`` on the store and locally; returns its row count.

    Numbers compare by value (``0.150`` = ``0.15``), everything else exactly, rows in order.

    :raises EndpointError: the rows differ.
    """

    local = qrun.run(name, local_store)
    try:
        remote = qrun.run(name, EndpointStore(where.query, timeout=timeout, user=user, password=password, auth=auth))
    except http.client.HTTPException as exc:  # an answer cut short: the connection closed mid-way
        raise EndpointError(f"the release is in place, but {where.query} broke off its answer to {name} "
                            f"({type(exc).__name__})") from exc
    if remote.variables != local.variables:
        raise EndpointError(f"the release is in place, but {name} on {where.query} answers the columns "
                            f"{', '.join(remote.variables)}, not {', '.join(local.variables)}")
    mine = [tuple(_comparable(t) for t in row) for row in local.rows]
    theirs = [tuple(_comparable(t) for t in row) for row in remote.rows]
    if mine != theirs:
        differing = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
        raise EndpointError(f"the release is in place, but {name} gives {len(theirs)} rows on {where.query} "
                            f"where the local graph gives {len(mine)}, the first different at row {differing + 1}")
    return len(mine)


def _comparable(term):
    """A term as compared across engines: numbers by value (``0.150`` = ``0.15``), the rest as is."""
    if isinstance(term, ox.Literal) and term.datatype.value.rsplit("#", 1)[-1] in ("integer", "decimal", "double",
                                                                                   "float", "int", "long"):
        try:
            return ("number", Decimal(term.value).normalize())
        except InvalidOperation:
            return term
    return term


def _ntriples(triples) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""


def _check_iri(iri: str, what: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise ConfigError(f"{what} {iri!r} is not an IRI") from exc
    if ":" not in iri or any(c in iri for c in '<>" {}|\\^`'):
        raise ConfigError(f"{what} {iri!r} is not an absolute IRI")


class _Client:
    """HTTP to one store: Graph Store PUTs, updates and SELECTs, every failure one EndpointError."""

    def __init__(self, where: Layout, user, password, auth, timeout):
        credentials = None
        if user is not None:
            credentials = httpx.DigestAuth(user, password or "") if auth == "digest" else \
                httpx.BasicAuth(user, password or "")
        self.where = where
        self.timeout = timeout
        self.http = httpx.Client(auth=credentials, timeout=timeout, follow_redirects=False,
                                 headers={"User-Agent": f"heritage-graph/{__version__} (push)"})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.http.close()

    def _send(self, method: str, url: str, **kwargs):
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise EndpointError(f"{url} did not answer within {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise EndpointError(f"cannot reach {url}: {_reason(exc)}") from exc
        if response.status_code in (401, 403):
            hint = " (Virtuoso needs --auth digest)" if self.where.kind == "virtuoso" else ""
            raise EndpointError(f"{url} answered HTTP {response.status_code}: wrong or missing user and "
                                f"password{hint}")
        if response.status_code >= 300:
            detail = " ".join(response.text.split())[:200]
            raise EndpointError(f"{url} answered HTTP {response.status_code} {response.reason_phrase}"
                                + (f": {detail}" if detail else ""))
        return response

    def ping(self) -> None:
        self.select("ASK { }", boolean=True)

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace one graph (Graph Store Protocol ``PUT``); N-Triples sent as Turtle, which every store reads."""
        self._send("PUT", self.where.graph_store, params={self.where.graph_param: graph}, content=ntriples,
                   headers={"Content-Type": "text/turtle; charset=utf-8"})

    def update(self, text: str) -> None:
        if not text.strip():
            return
        self._send("POST", self.where.update, data={"update": text},
                   headers={"Accept": "application/sparql-results+json, text/plain;q=0.5, */*;q=0.1"})

    def select(self, text: str, *, boolean: bool = False):
        response = self._send("POST", self.where.query, data={"query": text},
                              headers={"Accept": "application/sparql-results+json"})
        require_complete(response.headers, self.where.query)
        result = parse_json_results(response.content, self.where.query)
        return result.boolean if boolean else result

    def count_graphs(self, graphs: list[str]) -> dict[str, int]:
        """Triples per graph, for the graphs named (absent graphs count 0)."""
        found: dict[str, int] = {g: 0 for g in graphs}
        for chunk in _chunks(graphs, 50):
            values = " ".join(f"<{g}>" for g in chunk)
            result = self.select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                                 "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            for g, n in result.rows:
                if g is not None and n is not None:
                    try:
                        found[g.value] = int(n.value)
                    except ValueError as exc:
                        raise EndpointError(f"{self.where.query} counts {n.value!r} triples in {g.value}") from exc
        return found

    def manifest_graphs(self) -> list[str]:
        """The graphs of the release in place, as its manifest lists them."""
        result = self.select(f"SELECT ?g WHERE {{ GRAPH <{MANIFEST}> {{ <{MANIFEST}> <{DCTERMS}hasPart> ?g }} }}")
        return sorted({row[0].value for row in result.rows if isinstance(row[0], ox.NamedNode)})

    def graphs_with_prefix(self, prefix: str) -> list[str]:
        result = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                             f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}')
        return sorted({row[0].value for row in result.rows if row[0] is not None})


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _reason(exc) -> str:
    cause = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__
    text = str(cause) or str(exc) or type(exc).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    return " ".join(text.split())[:200]
