"""The live server: the release that ``build`` writes (:mod:`.static`), plus what only a live
process can do: the SPARQL endpoint (:mod:`.sparql`, :mod:`.policy`, :mod:`.pool`), the query API
(:mod:`.api`, :mod:`.openapi`) and query pages with parameters (:mod:`.querypages`)."""
