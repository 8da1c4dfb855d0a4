"""The graph itself: the vocabulary (:mod:`.vocab`), the store interface (:mod:`.store`), loading
files (:mod:`.load`, :mod:`.lines`), and the one place for each job on RDF: describing a resource
(:mod:`.describe`), labels and classes (:mod:`.labels`), writing Turtle (:mod:`.turtle`) and
JSON-LD (:mod:`.jsonld`), converting to rdflib (:mod:`.convert`)."""
