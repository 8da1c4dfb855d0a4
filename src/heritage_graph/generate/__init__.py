"""A synthetic prisoner register: invented persons, shaped like a real register, for tests and benchmarks.

:func:`generate` writes ``persons`` invented prisoners of the Kazakhstan camps to an N-Triples
(``.nt``) or Turtle (``.ttl``) file. Each person is a register record: a name in its Lithuanian
and Russian forms, the years of birth (and of death, for those who died in the camp), the people
group, the year of arrest, the camp, and the release or the death. Every fact is stated on a
resource that cites the register (``hg:source``) and the person quotes the register's record
(``hg:quote``), as the bundled data does for facts that are not figures (``docs/model.md``)::

    person:synthetic-000001   hg:Person: rdfs:label @en @lt @ru, hg:peopleGroup, hg:startYear (born),
                              hg:endYear (died, if so), hg:source, hg:quote (the record)
    event:synthetic-000001-imprisonment   hg:Imprisonment: hg:victim, hg:location (the camp),
                              hg:startYear (arrested), hg:endYear (released or died), hg:subEventOf
    event:synthetic-000001-release | -death   hg:Release | hg:Death: hg:participant, hg:year, hg:location

The camps, the people group and the imprisonment of Lithuanians in Kazakhstan that the records
point to are the bundled resources (``camp:karlag``, ``group:lithuanians``, ...), so the register
is validated together with ``data/common`` and ``data/kazakhstan`` (:func:`context_paths`). The
register's own source, ``source:synthetic-prisoner-register``, says in its label that it is
generated; no person in it is real, and it links to no external identifier.

A share ``invalid_rate`` of the records is broken on purpose, each in one or two of the ways
listed in :data:`BREAKAGES`, every one of which breaks a rule of ``shapes/`` (a birth year written
as text, a death before the birth, a label without an English form, a misspelt camp, ...). The
summary names the broken records and how each was broken, so that a validator's findings can be
checked record by record.

The same ``persons``, ``seed`` and ``invalid_rate`` give the same bytes. The records are written
as they are made, a thousand at a time, into a temporary file that replaces ``out`` only when
complete. About 22 triples per person: a million triples is some 45,000 persons.

>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     out = pathlib.Path(folder) / "register.nt"
...     summary = generate(100, seed=7, invalid_rate=0.1, out=out)
...     lines = len(out.read_text(encoding="utf-8").splitlines())
>>> summary.persons, summary.broken_persons, summary.triples == lines - HEADER_LINES
(100, 10, True)
"""

from __future__ import annotations

from .breakages import BREAKAGES, SECOND_BREAKAGE_RATE, Breakage
from .records import CAMPS, GROUP, PARENT_EVENT, SOURCE, Record, make_record, surname_forms
from .register import FORMATS, Summary, check_arguments, context_paths, generate, parse_arguments, record_number
from .writing import HEADER_LINES, PREFIXES

__all__ = ["BREAKAGES", "CAMPS", "FORMATS", "GROUP", "HEADER_LINES", "PARENT_EVENT", "PREFIXES", "SECOND_BREAKAGE_RATE",
           "SOURCE", "Breakage", "Record", "Summary", "check_arguments", "context_paths", "generate", "make_record",
           "parse_arguments", "record_number", "surname_forms"]
