"""heritage-graph: a linked-data knowledge graph of Lithuanian communities and heritage worldwide.

The package is organised one module per verb: :mod:`load`, :mod:`validate`, :mod:`query`, and so
on, behind the thin command line in :mod:`cli`. The graph lives behind the store interface of
:mod:`store` (an embedded Oxigraph store by default, or any SPARQL 1.1 endpoint).
"""

__version__ = "0.1.0"
