"""The table every host of a release is tested with (tests/negotiation_cases.py) is the live server's
negotiation, and the hosting rules offer what the server offers, with the same media types."""

from __future__ import annotations

import re

import pytest

from heritage_graph.publish import hosting, layout
from heritage_graph.serve import negotiation as neg
from heritage_graph.serve import static

from .negotiation_cases import CASES, NGINX_DIFFERS, NGINX_ROUTE_DIFFERS


@pytest.mark.parametrize("case", CASES, ids=[repr(c.accept) for c in CASES])
def test_the_table_is_the_live_server_s_negotiation(case):
    offer = neg.choose(case.accept, neg.RESOURCE_TYPES)
    assert (offer.suffix if offer else None) == case.suffix, case.why


def test_nginx_differs_only_where_the_table_says_why():
    accepts = {c.accept for c in CASES}
    for accept, (answer, why) in NGINX_DIFFERS.items():
        assert accept in accepts and why
        assert answer != next(c.suffix for c in CASES if c.accept == accept)
    for (path, accept), (answer, why) in NGINX_ROUTE_DIFFERS.items():
        assert path in ("/ontology", "/dataset") and accept in accepts and why


def test_the_hosting_rules_offer_what_the_server_offers():
    # one table (publish.layout.RESOURCE_OFFERS): every RDF document the server offers has a writer
    assert [o.suffix for o in neg.RESOURCE_TYPES if o.rdf_format is None] == ["html"]
    assert hosting.ROUTES["id"][1] == tuple(o.suffix for o in neg.RESOURCE_TYPES)
    assert set(hosting.ROUTES["ontology"][1]) == set(static.ONTOLOGY_FILES)
    assert set(hosting.ROUTES["dataset"][1]) == set(static.DATASET_FILES)


def test_one_table_of_media_types_for_every_host():
    """Apache's AddType, nginx's types and serve's answers come from layout.MEDIA; no charset on .gz."""
    added = re.findall(r"^AddType (\S+) (\S+)$", hosting.HTACCESS, re.M)
    assert {suffix: kind for kind, suffix in added} == layout.MEDIA
    types = re.search(r"types \{ (.*) \}", hosting.NGINX).group(1)
    assert {"." + s: k for k, s in re.findall(r"(\S+) (\S+?);", types)} == layout.MEDIA
    charset = re.search(r"^AddCharset utf-8 (.*)$", hosting.HTACCESS, re.M).group(1).split()
    assert set(charset) == layout.CHARSET_SUFFIXES and ".gz" not in charset
    assert "ForceType application/gzip" in hosting.HTACCESS
    assert "application/gzip" not in re.search(r"charset_types (.*);", hosting.NGINX).group(1)
    assert static.media_type(layout.Path("x.ttl.gz")) == "application/gzip"
