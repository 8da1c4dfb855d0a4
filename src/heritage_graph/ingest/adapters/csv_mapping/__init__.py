"""Generic CSV import: a small YAML mapping from a register's columns to the ontology.

Registers that archives keep as tables (the graves of a cemetery, the nationality table of a
camp, a list of deportees) become resources and claims through a mapping file; the format is
documented in ``docs/import.md`` and an example is ``examples/nationality-table.yaml``. In short::

    source:                        # the document the rows come from (hg:source of everything made)
      iri: source:my-register
      label: "My register"         # optional: define the source document in the output
      local_copy: registers/my-register.csv
    quote: "Register row {_row}: {name}, {count}"    # hg:quote of every row's resources
    csv: {delimiter: ",", comment: "#"}
    columns:                       # the columns the file must have, and how cells are checked
      name:  {required: true}
      count: {datatype: integer}
    resources:
      - subject: claim:my-register-{name|slug}       # an IRI template
        type: hg:Claim
        properties:
          - {property: hg:value, column: count, datatype: integer}
          - {property: hg:approximation, constant: hg:Exact}
          - {property: hg:about, template: "camp:{camp|slug}", datatype: iri}

:func:`load_mapping` checks the whole mapping first (every error at once, as
:class:`~heritage_graph.errors.InputError`); :meth:`CsvMappingAdapter.read` checks every row and
collects every error (``file:line: column 'count': 'many' is not an integer``), and raises one
:class:`CsvRowErrors` listing them all if any row fails, so that nothing is written.
"""

from __future__ import annotations

from ....rdf.vocab import PREFIXES
from .adapter import CsvMappingAdapter, CsvRowErrors
from .mapping import Mapping, load_mapping, mapping_from_dict
from .values import DATATYPES, MAX_INTEGER_DIGITS, convert, slug

__all__ = ["CsvMappingAdapter", "CsvRowErrors", "DATATYPES", "MAX_INTEGER_DIGITS", "Mapping", "PREFIXES",
           "convert", "load_mapping", "mapping_from_dict", "slug"]
