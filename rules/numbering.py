"""Each cadence of a row keeps its number when the council amends the framework.

An obligation's identity holds the number of the cadence it comes from
(``engine.model.obligation_id``). A framework loaded for the first time
numbers each row's cadences by their place: 0, 1, ... An amended framework
loaded again must not renumber them, or the work already scheduled would be
taken for other work: row 1.6 of East Sussex ("Monthly monitoring Quarterly
review") with its monthly meetings struck out would make the quarterly review
cadence 0, April's monthly one-to-one would become the spring quarter's
review (open, overdue, beside the review already held), and each quarter
would have its review twice.

So the store keeps, for each row, the numbers its cadences have now and every
cadence it has ever numbered (:data:`Known`). The same row loaded again keeps
its numbers. An amended row's cadences are matched to numbers, most alike
first:

1. the very cadence (every setting but its ``note`` and ``hours``, which say
   nothing of what is done when) keeps the number it has now;
2. the very cadence struck out before and put back takes the number it had
   last: an amendment withdrawn brings back the numbers, and so the very
   obligations, it took away;
3. a cadence of the row as it was, changed: the same kind and period
   ("meeting" every "quarter"), else the same kind ("visit": row 1.5 made
   monthly keeps the visit's number, so October's visit begun on the 1st
   stays October's), the most alike first.

A number struck out comes back only for its very cadence: a new meeting is
not the old one because both are meetings. A cadence that matches none is
new and takes the next number never used in its row; a number no cadence has
any more is the work the framework no longer asks for, cancelled from then
on by the schedule with the reason.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from qaf.rules.model import Cadence, Every, Framework

# row id -> {"now": [[number, signature], ...] in the row's order, "ever": [[number, [signature, ...]], ...],
#            "last": {signature: the number it was given last}}
Known = dict[str, dict[str, list]]

_NOT_IDENTITY = ("note", "hours")


def _plain(value: Any) -> Any:
    """A dataclass as the values that say what it means (``compare`` fields only), recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, *(_plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare)]
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def signature(c: Cadence) -> str:
    """What a cadence asks for, as one string: equal for cadences that differ only in their note or hours."""
    fields = {f.name: _plain(getattr(c, f.name)) for f in dataclasses.fields(c) if f.compare and f.name not in _NOT_IDENTITY}
    return json.dumps(fields, sort_keys=True, default=str)


def _kind_every(sig: str) -> tuple:
    fields = json.loads(sig)
    return fields["kind"], json.dumps(fields["every"])


def _kind(sig: str) -> str:
    return json.loads(sig)["kind"]


def _likeness(a: str, b: str) -> int:
    """How many settings two cadences share."""
    x, y = json.loads(a), json.loads(b)
    return sum(1 for k in x if x[k] == y.get(k))


def _match(sigs: list[str], entry: dict) -> list[int]:
    """Numbers for one row's cadences (their signatures ``sigs``), given what the row had (``entry``)."""
    now: list[tuple[int, str]] = [(n, sig) for n, sig in entry["now"]]
    ever: dict[int, list[str]] = {n: seen for n, seen in entry["ever"]}
    last: dict[str, int] = entry.get("last", {})
    got: list[int | None] = [None] * len(sigs)
    taken: set[int] = set()

    def give(i: int, candidates) -> None:
        for n in candidates:
            if n not in taken:
                got[i] = n
                taken.add(n)
                return

    for i, sig in enumerate(sigs):  # 1. the very cadence, with the number it has now
        give(i, [n for n, s in now if s == sig])
    for i, sig in enumerate(sigs):  # 2. the very cadence, with the number it had last, else one it had once
        if got[i] is None:
            give(i, [*([last[sig]] if sig in last else []), *(n for n in sorted(ever) if sig in ever[n])])
    # 3. a cadence of the row as it was, changed: the same kind and period, else the same kind; the most alike
    # first. A number struck out comes back only for its very cadence: a new meeting is not the old one.
    for alike in (_kind_every, _kind):
        for i, sig in enumerate(sigs):
            if got[i] is None:
                want = alike(sig)
                give(i, [n for _, n in sorted((-_likeness(sig, s), n) for n, s in now if alike(s) == want)])
    fresh = max(ever, default=-1) + 1
    for i in range(len(sigs)):
        if got[i] is None:
            got[i] = fresh
            fresh += 1
    return [int(n) for n in got]  # type: ignore[arg-type]


def number(fw: Framework, known: Known | None) -> tuple[Framework, Known]:
    """``fw`` with each row's cadence numbers (``Row.numbers``; left empty where they are the places, as on
    first load), and what the store keeps after saving it."""
    after = {k: {"now": [], "ever": [[n, list(seen)] for n, seen in v["ever"]], "last": dict(v.get("last", {}))}
             for k, v in (known or {}).items()}  # fmt: skip
    rows = []
    for row in fw.rows:
        sigs = [signature(c) for c in row.cadences]
        entry = (known or {}).get(row.id)
        if entry is None:
            numbers = list(range(len(sigs)))
        elif [sig for _, sig in entry["now"]] == sigs:  # the row as it was: its numbers as they were
            numbers = [n for n, _ in entry["now"]]
        else:
            numbers = _match(sigs, entry)
        mine = after.setdefault(row.id, {"now": [], "ever": [], "last": {}})
        mine["now"] = [[n, sig] for n, sig in zip(numbers, sigs)]
        mine["last"].update((sig, n) for n, sig in zip(numbers, sigs))
        ever = {n: seen for n, seen in mine["ever"]}
        for n, sig in zip(numbers, sigs):
            if sig not in ever.setdefault(n, []):
                ever[n].append(sig)
        mine["ever"] = [[n, ever[n]] for n in sorted(ever)]
        positional = numbers == list(range(len(sigs)))
        rows.append(row if positional and not row.numbers else dataclasses.replace(row, numbers=() if positional else tuple(numbers)))
    return dataclasses.replace(fw, rows=tuple(rows)), after


def positional(fw: Framework) -> Known:
    """What the store keeps for a framework numbered by place (one stored before cadence numbers were kept)."""
    return number(fw, None)[1]


def struck(before: Known | None, after: Known) -> tuple[str, ...]:
    """What an amendment struck out, in words: "row 1.8" whole, or "row 1.6: the meeting every month"."""
    out = []
    def in_order(item):  # "1.6" before "1.10"; "T4" and other ids after, by name
        return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in item[0].split(".")]

    for row, entry in sorted((before or {}).items(), key=in_order):
        if not entry["now"]:
            continue
        kept = {n for n, _ in after.get(row, {"now": []})["now"]}
        if not kept:
            out.append(f"row {row}")
            continue
        for n, sig in entry["now"]:
            if n not in kept:
                fields = json.loads(sig)
                every = fields.get("every")
                how = f" every {Every(every[1], every[2]).text}" if isinstance(every, list) else ""
                out.append(f"row {row}: the {fields['kind'].replace('_', ' ')}{how}")
    return tuple(out)
