"""The claim model: the source's words land in the right qualifier, and survive a round trip."""

from __future__ import annotations

import pytest

from heritage_graph.queries.run import run_text
from heritage_graph.validate.run import to_rdflib

CLAIMS = """
PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
SELECT ?claim ?kind ?approximation ?value ?lower ?upper ?numerator ?denominator WHERE {
  ?claim a hg:Claim ; hg:statedAs ?words ; hg:quantityKind ?kind ; hg:approximation ?approximation .
  OPTIONAL { ?claim hg:value ?value }
  OPTIONAL { ?claim hg:lowerBound ?lower }
  OPTIONAL { ?claim hg:upperBound ?upper }
  OPTIONAL { ?claim hg:numerator ?numerator }
  OPTIONAL { ?claim hg:denominator ?denominator }
}
"""

HG = "https://w3id.org/heritage-graph/ontology#"


def claims_stated_as(store, words: str, kind: str) -> list[dict]:
    import pyoxigraph as ox

    rows = run_text(CLAIMS, store, {"words": ox.Literal(words)}).dicts()
    return [r for r in rows if r["kind"].value == HG + kind]


@pytest.mark.parametrize(
    "words, kind, approximation, value, lower",
    [
        ("Some 5000", "BurialCount", "Circa", 5000, None),
        ("at least 253", "GraveCount", "AtLeast", 253, 253),
        ("an unknown number", "DeathCount", None, None, None),
        ("some 20500", "PrisonerCount", "Circa", 20500, None),
        ("~3000", "PrisonerCount", "Circa", 3000, None),
    ],
)
def test_source_words_map_to_qualifier(bundled_dataset, words, kind, approximation, value, lower):
    rows = claims_stated_as(bundled_dataset.store, words, kind)
    assert rows, f"no {kind} claim is stated as {words!r}"
    if approximation is None:  # "an unknown number": one claim is unknown and has no value
        unknown = [r for r in rows if r["approximation"].value == HG + "Unknown"]
        assert len(unknown) == 1 and unknown[0]["value"] is None
        return
    match = [r for r in rows if r["approximation"].value == HG + approximation]
    assert len(match) == 1, rows
    assert float(match[0]["value"].value) == value
    if lower is None:
        assert match[0]["lower"] is None
    else:
        assert float(match[0]["lower"].value) == lower


def test_stated_share_is_its_own_claim_linked_to_its_counts(bundled_dataset):
    rows = claims_stated_as(bundled_dataset.store, "15%", "ShareOfPrisoners")
    assert len(rows) == 1
    share = rows[0]
    assert share["approximation"].value == HG + "Exact"
    assert float(share["value"].value) == 0.15
    numerator = run_text(
        "PREFIX hg: <%s> SELECT ?v ?g WHERE { ?c hg:value ?v . OPTIONAL { ?c hg:peopleGroup ?g } }" % HG,
        bundled_dataset.store,
        {"c": share["numerator"]},
    ).rows
    denominator = run_text(
        "PREFIX hg: <%s> SELECT ?v ?g WHERE { ?c hg:value ?v . OPTIONAL { ?c hg:peopleGroup ?g } }" % HG,
        bundled_dataset.store,
        {"c": share["denominator"]},
    ).rows
    assert float(numerator[0][0].value) == 3000 and numerator[0][1].value.endswith("/lithuanians")
    assert float(denominator[0][0].value) == 20500 and denominator[0][1] is None
    # the stated 15% is kept, not replaced by the ratio 3000/20500 = 14.6%
    assert round(3000 / 20500, 3) != 0.15


def test_claims_round_trip_through_ntriples(bundled_dataset):
    import rdflib
    from rdflib.compare import isomorphic

    original = to_rdflib(bundled_dataset.store.quads())
    text = original.serialize(format="nt")
    again = rdflib.Graph().parse(data=text, format="nt")
    assert isomorphic(original, again)


def test_every_claim_cites_a_source_and_a_quote(bundled_dataset):
    rows = bundled_dataset.store.query(
        """PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        SELECT ?claim WHERE { ?claim a hg:Claim .
          FILTER NOT EXISTS { ?claim hg:source ?s ; hg:quote ?q } }"""
    ).rows
    assert rows == []


def test_article_quotes_are_word_for_word(bundled_dataset):
    """Every quote cited to the article appears in the article's text (whitespace folded)."""
    import re
    from pathlib import Path

    article = Path(__file__).resolve().parents[2] / "shared/sources/global-true-lithuania-kazakhstan.txt"
    if not article.exists():
        pytest.skip("the shared source folder is not beside the project")
    text = re.sub(r"\s+", " ", article.read_text(encoding="utf-8"))
    rows = bundled_dataset.store.query(
        """PREFIX hg: <https://w3id.org/heritage-graph/ontology#>
        SELECT DISTINCT ?quote WHERE { ?x hg:quote ?quote ;
            hg:source <https://w3id.org/heritage-graph/id/source/global-true-lithuania-kazakhstan> }"""
    ).rows
    assert rows
    missing = [r[0].value for r in rows if re.sub(r"\s+", " ", r[0].value) not in text]
    assert missing == []
