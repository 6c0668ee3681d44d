"""The role vocabulary an import starts from: East Sussex's, then the other bundled frameworks', then common posts.

A council's table names its roles in its own words; most are posts every
children's services department has. Starting from the bundled vocabularies
means "OMs", "Heads of Service, Children's Social Care" or "CPAs and IROs"
resolve at once; what is still unknown becomes a new entry, flagged.
"""

from __future__ import annotations

from functools import lru_cache

from qaf.rules import bundled
from qaf.rules.loader import load_framework
from qaf.rules.model import Role
from qaf.rules.roles import normalise, singular

FIRST = "east-sussex-2013"

# posts most frameworks name that the bundled frameworks do not
COMMON = (
    Role("Team Manager", ("TM", "team leader")),
    Role("Senior Practitioner"),
    Role("Service Manager"),
    Role("Assistant Director", ("AD",)),
    Role("Head of Quality Assurance", ("Head of QA and Safeguarding",)),
    Role("Quality Assurance Officer", ("QA Officer", "QAO")),
    Role("Quality Assurance Manager", ("QA Manager",)),
    Role("Independent Chair"),
    Role("Family Support Worker"),
    Role("Personal Adviser"),
    Role("Designated Officer", ("LADO", "Local Authority Designated Officer")),
    Role("Workforce Development Manager"),
    Role("Safeguarding Partnership", ("Local Safeguarding Children Partnership", "LSCP"), body=True),
)


@lru_cache(maxsize=1)
def default_roles() -> tuple[Role, ...]:
    """East Sussex's roles, then roles of the other bundled frameworks and :data:`COMMON` that add no clash."""
    out: list[Role] = []
    for name in [FIRST, *(n for n in bundled.names() if n != FIRST)]:
        fw, _ = load_framework(bundled.path(name))
        if fw is not None:
            out = merge(out, fw.roles)
    return tuple(merge(out, COMMON))


def merge(base: list[Role] | tuple[Role, ...], more: tuple[Role, ...]) -> list[Role]:
    """``base`` plus each role of ``more`` whose name and aliases name nothing in ``base`` already."""
    out = list(base)
    taken = {form for r in out for w in (r.name, *r.aliases) for form in _forms(w)}
    by_name = {r.name: i for i, r in enumerate(out)}
    for role in more:
        if role.name in by_name:  # the same post: keep the aliases that name nothing else
            i = by_name[role.name]
            extra = tuple(a for a in role.aliases if not _forms(a) & taken)
            out[i] = Role(out[i].name, out[i].aliases + extra, out[i].body)
            taken |= {form for a in extra for form in _forms(a)}
            continue
        forms = {form for w in (role.name, *role.aliases) for form in _forms(w)}
        if forms & taken:
            continue
        by_name[role.name] = len(out)
        out.append(Role(role.name, role.aliases, role.body))
        taken |= forms
    return out


def _forms(written: str) -> set[str]:
    key = normalise(written)
    return {key, singular(key)}
