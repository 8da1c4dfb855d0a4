"""A release: :func:`.build.build` runs the steps (dumps, VoID and DCAT, ontology documentation,
pages, query pages, hosting rules, manifest) into a folder that any static host serves, and that
``serve`` serves as it is (:mod:`.layout` says which file answers which URL)."""
