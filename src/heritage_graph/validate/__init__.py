"""Checking the graph against the SHACL shapes: :func:`.run.validate`, the fast engine
(:mod:`.fast`), the reference engine (:mod:`.pyshacl_engine`), and the report in a curator's words
(:mod:`.findings`, :mod:`.report`)."""
