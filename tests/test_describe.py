"""The one description of a resource (``heritage_graph.rdf.describe``)."""

from __future__ import annotations

import pyoxigraph as ox

from heritage_graph.rdf.describe import ABOUT, StoreGraph, describe, describe_iri

ID = "https://w3id.org/heritage-graph/id/"
HG = "https://w3id.org/heritage-graph/ontology#"


def store_with(turtle: str) -> ox.Store:
    store = ox.Store()
    store.load(("@prefix hg: <%s> . @prefix id: <%s> .\n" % (HG, ID) + turtle).encode("utf-8"),
               format=ox.RdfFormat.TURTLE)
    return store


def test_the_links_into_a_resource_are_named_up_to_the_limit_in_iri_order():
    links = "".join(f"id:person\\/p{k:02d} hg:imprisonedAt id:camp\\/c .\n" for k in range(30))
    store = store_with("id:camp\\/c hg:label 'C' .\n" + links)
    found = describe(StoreGraph(store), ox.NamedNode(ID + "camp/c"), incoming_limit=5)
    linking = [s.value.rsplit("/", 1)[-1] for s in found if s.value != ID + "camp/c"]
    assert linking == ["p00", "p01", "p02", "p03", "p04"]
    everything = describe(StoreGraph(store), ox.NamedNode(ID + "camp/c"))
    assert len(everything) == 31


def test_claims_about_a_resource_are_never_cut():
    claims = "".join(f"id:claim\\/k{k:02d} hg:about id:camp\\/c ; hg:value {k} .\n" for k in range(12))
    store = store_with("id:camp\\/c hg:label 'C' .\n" + claims)
    found = describe(StoreGraph(store), ox.NamedNode(ID + "camp/c"), ABOUT, incoming_limit=3)
    assert sum(1 for s in found if "/claim/" in s.value) == 12
    assert all(len(pairs) == 2 for s, pairs in found.items() if "/claim/" in s.value)


def test_an_iri_nothing_is_said_of_has_no_description():
    store = store_with("id:camp\\/c hg:label 'C' .\n")
    assert describe_iri(store, ID + "camp/none") == []
    assert describe_iri(store, "not an iri") == []
