"""The commands of the command line, one module each, loaded when asked for (:mod:`heritage_graph.cli`)."""
