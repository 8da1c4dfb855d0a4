"""Growing the graph from other sources: the importer (:mod:`.importer`) and one adapter per kind of
source (:mod:`.adapters`)."""
