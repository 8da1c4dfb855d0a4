"""The HTML site of the graph: a page per resource, per class and per stored query, and a home page.

The static release (:mod:`heritage_graph.publish`) and the live server (:mod:`heritage_graph.serve`)
render the same pages with the functions named here. The package's modules, one job each:

=================  ==========================================================================
``paths``          resource IRIs ↔ the paths of their pages (``doc/camp/karlag.html``)
``data``           :class:`SiteData`: what the pages read from the store, cached
``values``         the values and claims a page shows, with links relative to the page
``formats``        how numbers, shares, times and degrees are written
``maps``           what a resource's map shows, and the GeoJSON of every place (the map page)
``basemap``        the maps' offline base (Natural Earth's borders) and their libraries (Leaflet)
``charts``         the SVG chart of the prisoner shares
``queries``        the pages of the stored queries and their result tables
``render``         the pages of resources, classes, the home page and the ontology reference
``facets``         the facets of the browse pages (the files of ``facets/``), with their counts
``timeline``       the timeline page, from the answer of the stored query ``timeline``
``templating``     the Jinja environment: the templates of ``templates/``, compiled once
``sanitise``       markup the site did not write (pyLODE's page), parsed and cleaned
=================  ==========================================================================

>>> doc_path("https://w3id.org/heritage-graph/id/camp/karlag", base="https://w3id.org/heritage-graph/")
'doc/camp/karlag.html'
"""

from .charts import CHART_QUERY, chart_svg, query_chart
from .data import LABEL, SAME_AS, TYPE, SiteData, ontology_graphs
from .paths import class_path, doc_path, iri_for_class_page, iri_for_doc, split_iri
from .queries import (NUMERIC_DATATYPES, RESULT_LIMIT, ResultShape, is_federated, query_result, render_queries,
                      render_query)
from .render import render_class, render_classes, render_home, render_ontology_reference, render_resource, resource_html
from .sanitise import clean_fragment
from .templating import ASSETS, CONTENT_SECURITY_POLICY
from .timeline import TIMELINE_QUERY, render_timeline

__all__ = [
    "ASSETS", "CHART_QUERY", "CONTENT_SECURITY_POLICY", "LABEL", "NUMERIC_DATATYPES", "RESULT_LIMIT", "SAME_AS", "TIMELINE_QUERY", "TYPE", "ResultShape", "SiteData",
    "chart_svg", "class_path", "clean_fragment", "doc_path", "iri_for_class_page", "iri_for_doc", "is_federated",
    "ontology_graphs", "query_chart", "query_result", "render_class", "render_classes", "render_home",
    "render_ontology_reference", "render_queries", "render_query", "render_resource", "render_timeline", "resource_html",
    "split_iri",
]
