"""What the fast engine evaluates, and the two ways it declines: :class:`Unsupported` shapes and
data that raise a :class:`Fallback`; either way the caller validates with pySHACL instead."""

#: The constraint parameters this engine evaluates; any other SHACL constraint parameter in a
#: shape makes the shapes graph unsupported.
SUPPORTED = (
    "sh:class", "sh:datatype", "sh:nodeKind", "sh:in", "sh:pattern (with sh:flags)", "sh:languageIn",
    "sh:uniqueLang", "sh:minInclusive", "sh:maxInclusive", "sh:minExclusive", "sh:maxExclusive",
    "sh:minLength", "sh:maxLength", "sh:minCount", "sh:maxCount", "sh:lessThanOrEquals",
    "sh:and", "sh:or", "sh:not", "sh:xone", "sh:property", "sh:qualifiedValueShape",
    "sh:sparql (SELECT, $this, $PATH)",
)


class Unsupported(Exception):
    """The shapes use a feature this engine does not evaluate (or use it in a way pySHACL rejects)."""


class Fallback(Exception):
    """The data raised a case this engine leaves to pySHACL (for example a query Oxigraph rejects)."""

