"""A council's own regular expression, refused when matching could take hours.

The framework setting ``case_reference`` is a regular expression every case
reference in ``cases.csv`` must match whole. Python's ``re`` backtracks: a
pattern that repeats a part which itself repeats or chooses
(``([0-9]+)+-[0-9]+``, ``(?:CS|C|S)*[0-9]``) tries exponentially many ways
to split a reference it does not match (3.6 s at 26 digits, doubling with
each one), and a pattern with many parts of open length
(``[0-9]*[0-9]*[0-9]*[0-9]*[0-9]*[0-9]*-``) tries polynomially many (0.6 s
at 64 characters with six, about ten times longer with each more), so one
wrong line of ``cases.csv`` hangs ``qaf org load``. Such a pattern is refused
when the framework is loaded, with the reason; the patterns councils write
(``ESCC[0-9]{7}``, ``(CS|LCS)-[0-9]{6,8}``, ``[A-Z]{2,4}/[0-9]+/[0-9]+``)
pass.

The rule, over the pattern's parse (the standard library's own parser):

1. no repeated part (``*``, ``+``, ``{m,n}`` with n > 1) holds anything
   that could match in more than one way: an optional or repeated part
   (``(?:1?1?)+`` too) or a choice (``|``), unless that is possessive
   (``*+``, ``++``, ``?+``), which never gives back what it took;
2. the ways a reference of 64 characters (the most qaf allows) can be split
   among the pattern's parts of open length, multiplied along the pattern and
   added across its choices, are at most ``MAX_WAYS`` (65³: three open-ended
   parts such as ``+`` or ``*`` in a row, or more with shorter ranges).

>>> why_slow("ESCC[0-9]{7}"), why_slow("(CS|LCS)-[0-9]{6,8}"), why_slow("[A-Z]{2,4}/[0-9]+/[0-9]+")
(None, None, None)
>>> why_slow("([0-9]+)+-[0-9]+") == why_slow("(?:CS|C|S)*[0-9]") == why_slow("(?:1?1?)+-") == NESTED
True
>>> why_slow("[0-9]*" * 4 + "-") == TOO_MANY, why_slow("[0-9]*+" * 8 + "-")
(True, None)
"""

from __future__ import annotations

try:  # the standard library's regular-expression parser (private, stable since 3.11)
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover - Python before 3.11
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

LONGEST = 64  # a case reference's most characters (engine/caserefs.py)
MAX_WAYS = (LONGEST + 1) ** 3

_BACKTRACKING = (C.MAX_REPEAT, C.MIN_REPEAT)  # a repeat that may give back what it took
_ATOMIC = tuple(getattr(C, name) for name in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP") if hasattr(C, name))
NESTED = ("it repeats a part that itself repeats or chooses, so a reference that does not match could take hours "
          "to refuse: repeat single characters or classes only, e.g. [0-9]+ rather than ([0-9]+)+")
TOO_MANY = ("it has too many parts of open length (+, * or {m,n}) in a row, so a reference that does not match "
            "could take hours to refuse: at most three such as + or *")


class _Slow(Exception):
    pass


def _inside(op, av) -> list:
    """The parsed parts directly inside one part."""
    if op in _BACKTRACKING or (op in _ATOMIC and isinstance(av, tuple)):
        return [av[2]]
    if op is C.BRANCH:
        return list(av[1])
    if op is C.SUBPATTERN:
        return [av[-1]]
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [av[1]]
    if op in _ATOMIC:  # an atomic group: av is its parts
        return [av]
    if op is C.GROUPREF_EXISTS:
        return [av[1]] + ([av[2]] if av[2] is not None else [])
    return []


def _ways(items) -> int:
    """The ways a reference of LONGEST characters can be split among these parts (1: one way only)."""
    ways = 1
    for op, av in items:
        if op in _BACKTRACKING:
            low, high, body = av
            inner = _ways(body)
            if high > 1 and inner > 1:  # each time round it could match in more than one way
                raise _Slow(NESTED)
            ways *= (min(high, LONGEST) - min(low, LONGEST) + 1) * inner
        elif op is C.BRANCH:
            ways *= sum(_ways(branch) for branch in av[1])
        elif op is C.GROUPREF_EXISTS:
            ways *= sum(_ways(inner) for inner in _inside(op, av)) + (av[2] is None)
        else:  # a group, a look-around, a possessive repeat or an atomic group: the parts inside it
            for inner in _inside(op, av):
                ways *= _ways(inner)
        if ways > MAX_WAYS:
            raise _Slow(TOO_MANY)
    return ways


def why_slow(pattern: str) -> str | None:
    """Why matching ``pattern`` against a wrong reference could take hours (None: it cannot)."""
    try:
        _ways(list(P.parse(pattern)))
    except _Slow as slow:
        return str(slow)
    return None
