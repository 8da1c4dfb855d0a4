"""heritage-graph: a linked-data knowledge graph of Lithuanian communities and heritage worldwide.

The package is organised by stage, each a subpackage: :mod:`.util`, :mod:`.rdf` (store, loading,
the RDF writers), :mod:`.queries`, :mod:`.validate`, :mod:`.ingest`, :mod:`.web` (pages and their
templates), :mod:`.publish` (a release), :mod:`.serve` (the release, live), and the commands of
their own :mod:`.link`, :mod:`.export`, :mod:`.generate`, :mod:`.push`; behind the thin command line
of :mod:`.cli`. ``docs/architecture.md`` draws the layout and says which module holds which job.
"""

__version__ = "0.1.0"
