"""Asking the graph: reading SPARQL (:mod:`.sparql`), the stored queries (:mod:`.catalogue`), their
parameters (:mod:`.params`), running them (:mod:`.run`), their results (:mod:`.results`), and the
pages worked out once for a saved store (:mod:`.listing`, :mod:`.saved`)."""
