"""Helpers every stage uses: atomic writes (:mod:`.atomic`), progress bars (:mod:`.progress`), and
where the bundled ontology, data, shapes and queries are (:mod:`.resources`)."""
