"""The pages of the stored queries: a form for the parameters of each (from its ``#+ params``
header) that runs the query anew on ``serve``, the chart where the query has one, the downloads."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from heritage_graph.publish.build import build
from heritage_graph.queries import catalogue as q
from heritage_graph.rdf.load import load
from heritage_graph.serve.app import create_app


class Forms(HTMLParser):
    """The forms of a page: their action and the names of their inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action"), "method": attributes.get("method"), "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(attributes.get("name"))


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["action"] and "queries/" in f["action"]]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("query-forms") / "out"
    build(out, date="2026-12-06", progress=lambda *args, **kwargs: None)
    return out


@pytest.mark.parametrize("name", sorted(q.catalogue()))
def test_each_query_page_has_a_form_for_its_parameters(release, name):
    stored = q.catalogue()[name]
    html = (release / "queries" / f"{name}.html").read_text(encoding="utf-8")
    forms = forms_of(html)
    if not stored.parameters:
        assert forms == []
        return
    assert forms == [{"action": f"../queries/{name}.html", "method": "get",
                      "inputs": [p.name for p in stored.parameters]}]
    for p in stored.parameters:
        assert f'<label for="param-{p.name}">' in html


def test_the_form_runs_the_query_anew_on_serve_with_its_chart(release):
    app = create_app(load(None).store, release=release, workers=1)
    with TestClient(app) as client:
        static = client.get("/queries/prisoner-shares.html")
        assert static.status_code == 200 and static.content == (release / "queries" / "prisoner-shares.html").read_bytes()
        assert "Steplag 1954" in static.text and '<figure class="chart">' in static.text
        live = client.get("/queries/prisoner-shares.html", params={"camp": "Karlag", "group": "", "year": ""})
        assert live.status_code == 200
        assert "(with camp=Karlag)" in live.text
        result = live.text[live.text.index('<table class="result">'):]
        result = result[:result.index("</table>")]
        assert re.findall(r"<tr><td><a href=\"/doc/camp/([a-z-]+)\.html\"", result) == ["karlag"]
        chart = live.text[live.text.index('<figure class="chart">'):live.text.index("</figure>")]
        assert "Karlag 1954" in chart and "Steplag 1954" not in chart
        assert 'value="Karlag"' in live.text  # the form keeps what was asked


@pytest.mark.parametrize("name", ["names", "timeline", "camps"])
def test_a_long_answer_cut_to_its_first_rows_is_described_as_the_whole(name):
    """A release shows a long answer's first rows (its files hold it whole): the table says how many
    rows the whole has and which columns are numbers, as the table of the whole answer does."""
    from heritage_graph.publish.queries import KeptResults
    from heritage_graph.web.data import SiteData
    from heritage_graph.web.queries import query_result, result_table

    store = load(None).store
    stored = q.catalogue()[name]
    whole, error = query_result(store, stored, federated=False)
    assert error is None and len(whole.rows) > 5
    kept = copy.copy(store)
    kept.ox = cut = KeptResults(store.ox, 5)
    first, error = query_result(kept, stored, federated=False)
    assert error is None and cut.shape is not None and len(first.rows) == 5
    assert first.rows == whole.rows[:5]
    data = SiteData(store)
    expected = result_table(data, whole, "/", limit=5)
    assert result_table(data, first, "/", limit=5, shape=cut.shape) == expected
    assert expected["total"] == len(whole.rows) and expected["more"] == len(whole.rows) - 5
