"""Each cadence of a row, and each rung of the escalation ladder, keeps its number when the council
amends the framework.

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

The escalation ladder is numbered the same way: a rung's escalations are
recorded at its number, one each an obligation. By place, striking out the
line manager's rung made the Director's rung the Head of Service's number,
already reached, and the Director was never told; putting an Operations
Manager's rung in made the Head of Service's rung a new number, and she was
told again. A rung is the same rung while it tells the same person (its
days or its digest may change); the very rung keeps its number, as a
cadence does.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from typing import Any, Callable

from qaf.rules.model import WAS_NEW, Cadence, Every, Framework, Step
from qaf.rules.problems import Problem
from qaf.rules.validate import LONGEST_ROW_ID

# {"rows": {row id: Entry}, "ladder": Entry}; an Entry is {"now": [[number, signature], ...] in order,
# "ever": [[number, [signature, ...]], ...], "last": {signature: the number it was given last}}
Known = dict[str, Any]

_NOT_IDENTITY = ("note", "hours")


def _plain(value: Any) -> Any:
    """A dataclass as the values that say what it means (``compare`` fields only), recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, *(_plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare)]
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def signature(item: Cadence | Step) -> str:
    """What a cadence (or a rung) asks for, as one string: equal for cadences that differ only in their note or hours."""
    fields = {f.name: _plain(getattr(item, f.name)) for f in dataclasses.fields(item) if f.compare and f.name not in _NOT_IDENTITY}
    return json.dumps(fields, sort_keys=True, default=str)


def _kind_every(sig: str) -> tuple:
    fields = json.loads(sig)
    return fields["kind"], json.dumps(fields["every"])


def _kind(sig: str) -> str:
    return json.loads(sig)["kind"]


def _told(sig: str) -> str:
    return json.loads(sig)["to"]


CADENCES_ALIKE: tuple[Callable[[str], Any], ...] = (_kind_every, _kind)
RUNGS_ALIKE: tuple[Callable[[str], Any], ...] = (_told,)


def _likeness(a: str, b: str) -> int:
    """How many settings two items share."""
    x, y = json.loads(a), json.loads(b)
    return sum(1 for k in x if x[k] == y.get(k))


def _match(sigs: list[str], entry: dict, looser: tuple[Callable[[str], Any], ...]) -> list[int]:
    """Numbers for one list's items (their signatures ``sigs``), given what the list had (``entry``)."""
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

    for i, sig in enumerate(sigs):  # 1. the very item, with the number it has now
        give(i, [n for n, s in now if s == sig])
    for i, sig in enumerate(sigs):  # 2. the very item, with the number it had last, else one it had once
        if got[i] is None:
            give(i, [*([last[sig]] if sig in last else []), *(n for n in sorted(ever) if sig in ever[n])])
    # 3. an item of the list as it was, changed (for a cadence the same kind and period, else the same kind;
    # for a rung the same person told), the most alike first. A number struck out comes back only for its
    # very item: a new meeting is not the old one because both are meetings.
    for alike in looser:
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


def _numbers(items, entry: dict | None, looser) -> tuple[list[int], list[str]]:
    sigs = [signature(x) for x in items]
    if entry is None:
        return list(range(len(sigs))), sigs
    if [sig for _, sig in entry["now"]] == sigs:  # as it was: its numbers as they were
        return [n for n, _ in entry["now"]], sigs
    return _match(sigs, entry, looser), sigs


def _kept(entry: dict | None, numbers: list[int], sigs: list[str]) -> dict:
    """What the store keeps for a list after giving ``numbers``."""
    entry = entry or {"now": [], "ever": [], "last": {}}
    ever = {n: list(seen) for n, seen in entry["ever"]}
    for n, sig in zip(numbers, sigs):
        if sig not in ever.setdefault(n, []):
            ever[n].append(sig)
    last = {**entry.get("last", {}), **{sig: n for n, sig in zip(numbers, sigs)}}
    return {"now": [[n, sig] for n, sig in zip(numbers, sigs)], "ever": [[n, ever[n]] for n in sorted(ever)], "last": last}


def _stored(numbers: list[int]) -> tuple[int, ...]:
    """Numbers as the record holds them: empty where they are the places."""
    return () if numbers == list(range(len(numbers))) else tuple(numbers)


def number(fw: Framework, known: Known | None, before: Framework | None = None) -> tuple[Framework, Known]:
    """``fw`` with each row's cadence numbers (``Row.numbers``), each row's identity (``Row.key``) and its rungs'
    numbers (``Framework.ladder_numbers``), left empty where they are the places and ids, as on a first load;
    and what the store keeps after saving it. ``before``: the version loaded before, for a store that kept
    no row's words (:func:`moves`)."""
    numbered, after, _ = number_moves(fw, known, before)
    return numbered, after


def number_moves(fw: Framework, known: Known | None, before: Framework | None = None) -> tuple[Framework, Known, dict[str, str]]:
    """:func:`number`, and the numbers the store's work must change to, {old id: new id}: each row the
    council renumbered, and a row struck out whose number a renumbered row takes ("1.7 (struck out)")."""
    rows_known: dict[str, dict] = (known or {}).get("rows", {})
    moved_in = moves(fw, rows_known, before)  # new id -> old id
    moved_away = set(moved_in.values())
    new_work = set(replaced(fw, rows_known, before, moved_in))
    keys = {_key(rid, e) for rid, e in rows_known.items()}
    # a row struck out keeps its history (put back under its number, it is the same row); a row renumbered
    # takes its own along
    after_rows = {k: {**v, "now": [], "in": False} for k, v in rows_known.items() if k not in moved_away}
    # a row struck out whose number a renumbered row takes: its work keeps its old number, marked struck out
    parked = {}
    for rid in sorted((moved_in.keys() - moved_away) | new_work):
        if rid in rows_known and _present(rows_known[rid]):
            parked[rid] = _parked(rid, rows_known.keys() | after_rows.keys() | {r.id for r in fw.rows})
            after_rows[parked[rid]] = {**after_rows.pop(rid), "key": _key(rid, rows_known[rid])}
    rows = []
    for row in fw.rows:
        if row.id in moved_in:
            was = moved_in[row.id]
            entry, key = rows_known.get(was), _key(was, rows_known.get(was))
        elif row.id in moved_away or row.id in new_work or (row.id not in rows_known and row.id in keys):
            entry, key = None, _fresh(row.id, keys)  # a new row given a number another row had: new work
        else:
            entry = rows_known.get(row.id)
            key = _key(row.id, entry)
        numbers, sigs = _numbers(row.cadences, entry, CADENCES_ALIKE)
        task = _task(row)
        # the roles and tasks this row had before, each once: said again (an amendment withdrawn), it is the same row
        tasks = list(dict.fromkeys(t for t in [*(entry or {}).get("tasks", []), (entry or {}).get("task")] if t and t != task))
        after_rows[row.id] = {**_kept(entry, numbers, sigs), "in": True, "words": _words(row), "task": task,
                              **({"tasks": tasks} if tasks else {}), **({"key": key} if key != row.id else {}),
                              **({"was": WAS_NEW} if row.was == WAS_NEW else {})}  # fmt: skip
        stored = _stored(numbers)
        kept_key = key if key != row.id else ""
        if stored != row.numbers or kept_key != row.key:
            row = dataclasses.replace(row, numbers=stored, key=kept_key)
        rows.append(row)
    ladder = (known or {}).get("ladder")
    rung_numbers, rung_sigs = _numbers(fw.ladder, ladder, RUNGS_ALIKE)
    numbered = dataclasses.replace(fw, rows=tuple(rows), ladder_numbers=_stored(rung_numbers))
    renamed = {**{was: new for new, was in moved_in.items()}, **parked}
    return numbered, {"rows": after_rows, "ladder": _kept(ladder, rung_numbers, rung_sigs)}, renamed


def _key(row_id: str, entry: dict | None) -> str:
    """The row's identity, the ``row`` its obligations' ids are made of: its first number, unless that was
    another row's."""
    return (entry or {}).get("key", row_id)


def _parked(row_id: str, taken) -> str:
    """The number a row struck out keeps its work under when a renumbered row takes its own: "1.7 (struck
    out)", "1.7 (struck out 2)" if that is taken; within the store's row column."""
    n = 1
    while True:
        mark = " (struck out)" if n == 1 else f" (struck out {n})"
        name = row_id[: LONGEST_ROW_ID - len(mark)] + mark
        if name not in taken:
            return name
        n += 1


_PARKED = re.compile(r"^(.+) \(struck out(?: \d+)?\)$")


def parked_from(name: str) -> str | None:
    """The number a row struck out had, where its work is kept under ``name`` ("1.7 (struck out)"); else None."""
    m = _PARKED.match(name)
    return m.group(1) if m else None


def _fresh(row_id: str, keys: set[str]) -> str:
    n = 2
    while f"{row_id}#{n}" in keys:
        n += 1
    keys.add(f"{row_id}#{n}")
    return f"{row_id}#{n}"


def _present(entry: dict) -> bool:
    """Whether the row was in the version loaded last (a store from before rows were followed kept only
    the numbers: a row with cadences was)."""
    return entry.get("in", bool(entry["now"]))


def moves(fw: Framework, rows_known: dict[str, dict], before: Framework | None = None) -> dict[str, str]:
    """The rows the council renumbered, {new id: old id}: a row that reads as another number's did in the
    version before, where that number now holds another row (or none). Reads as: the same role, task and
    frequency, word for word; else the same role and task (a row renumbered and made monthly in one
    amendment). Such a row is the same row: its work, done and to do, goes with it. A row whose number
    holds the same role and task, or the same words, stays where it is; words two rows share say nothing
    of which is which: those rows keep their numbers."""
    was: dict[str, tuple[str, str]] = {rid: (e["words"], e["task"]) for rid, e in rows_known.items() if _present(e) and e.get("task")}
    if before is not None:
        for r in before.rows:
            was.setdefault(r.id, (_words(r), _task(r)))
    # a row struck out before, put back under another number (its own is another row's now)
    gone = {rid: (e["words"], e["task"]) for rid, e in rows_known.items() if rid not in was and e.get("task")}
    now = {r.id: (_words(r), _task(r)) for r in fw.rows}
    pinned = {r.id for r in fw.rows if r.was == r.id}  # the file says: the row this number held, whatever its words
    out: dict[str, str] = {}
    for r in fw.rows:  # the council says so ("was: 1.6"): a row renumbered and reworded at once
        if r.was and r.was not in (r.id, WAS_NEW) and not _alike(was.get(r.id), now[r.id]) and r.was not in out.values():
            if (r.was in was and not _alike(was[r.was], now.get(r.was))) or r.was in gone:
                out[r.id] = r.was
    for tier, earlier in ((0, was), (1, was), (0, gone), (1, gone)):  # the words, then the role and task
        olds: dict[str, list[str]] = {}
        for rid, w in earlier.items():
            if rid not in out.values() and rid not in pinned:
                olds.setdefault(w[tier], []).append(rid)
        news: dict[str, list[str]] = {}
        for rid, w in now.items():
            if rid not in out:
                news.setdefault(w[tier], []).append(rid)
        for rid, w in now.items():
            if rid in out or rid in pinned or _alike(was.get(rid), w) or len(olds.get(w[tier], ())) != 1 or len(news[w[tier]]) != 1:
                continue
            old = olds[w[tier]][0]
            if not _alike(earlier[old], now.get(old)):  # its number does not hold it still
                out[rid] = old
    return out


def unknown_was(fw: Framework, known: Known | None, before: Framework | None = None) -> list[Problem]:
    """Rows whose ``was`` names a number no version of the framework loaded before had (a typo: "3.61" for
    "3.16"), where the file's ``was`` would be read: one problem each, at the row.

    Loaded as it stands, such a row would be new work and the row it meant struck out, its open work
    cancelled by the next schedule. A ``was`` is fine when it names the row's own number or ``new``; a
    row of the version before, or one struck out earlier (put back, it has its work again), even one
    that still holds its number (then it is not read); and on a first load, with nothing to compare.
    Left in the file once read, it is not read again while the row's number holds the row (the same
    file loaded again): then it names a number that has moved on, and is not checked either.
    """
    if known is None and before is None:
        return []
    rows_known: dict[str, dict] = (known or {}).get("rows", {})
    ever = set(rows_known) | {p for k in rows_known if (p := parked_from(k))} | {r.id for r in (before.rows if before else ())}
    was = {rid: (e["words"], e["task"]) for rid, e in rows_known.items() if _present(e) and e.get("task")}
    if before is not None:
        for r in before.rows:
            was.setdefault(r.id, (_words(r), _task(r)))
    listed = [r.id for r in before.rows] if before is not None else sorted((rid for rid, e in rows_known.items() if _present(e)), key=row_order)
    out = []
    for r in fw.rows:
        if not r.was or r.was in (r.id, WAS_NEW) or r.was in ever or _alike(was.get(r.id), (_words(r), _task(r))):
            continue
        out.append(Problem(r.source, "row.was", f"no row '{r.was}' in the framework loaded before (rows: {', '.join(listed)}); "
                                                 "write the number this row had there, or leave out was"))  # fmt: skip
    return out


def replaced(fw: Framework, rows_known: dict[str, dict], before: Framework | None, moved: dict[str, str]) -> tuple[str, ...]:
    """The rows that are new work under a number another row had in the version before (which neither
    moved nor was struck out for it): the council replaced that row. A row is taken for its number's row
    as it was, amended, while the two say much the same (:func:`same_task`); else it is new work, and the
    row it replaced is struck out, its work kept as that row's. The file decides where qaf cannot: ``was``
    the row's own number keeps it the same row whatever its words; ``was: new`` makes it new work (read
    once: the version that brings it, not every load after while it stays in the file)."""
    if before is None:
        return ()
    old = {r.id: r for r in before.rows}
    taken = set(moved.values())
    out = []
    for row in fw.rows:
        entry = rows_known.get(row.id)
        if row.id in moved or row.id in taken or row.id not in old or entry is None or not _present(entry) or row.was == row.id:
            continue
        was = old[row.id]
        if _alike((_words(was), _task(was)), (_words(row), _task(row))) or (row.was != WAS_NEW and _task(row) in entry.get("tasks", ())):
            continue  # the same row, its frequency or its settings amended; or as it was before an amendment withdrawn
        if (row.was == WAS_NEW and entry.get("was") != WAS_NEW) or (row.was != WAS_NEW and not same_task(was, row)):
            out.append(row.id)
    return tuple(out)


# the small words of a council's sentences, which say nothing of which task a row is
_FILLER = frozenset(
    "a an and any are as at be by each every for from has have in is it its of on or per should that the their this "
    "to via was will with within".split()
)


def said(task: str) -> frozenset[str]:
    """The words of a row's task that say what it asks: small words left out, a plural as one."""
    words = (w.removesuffix("'s") for w in re.findall(r"[a-z0-9]+(?:['-][a-z0-9]+)*", task.lower()))
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words if w not in _FILLER)


def same_task(a, b) -> bool:
    """Whether two rows (the version before's and this one's, under one number) ask much the same: at least
    half the words of the shorter task are the other's too, whoever the role ("one case per month for each
    worker" made "two cases a month for each worker" is; "one-to-one meetings with the DCS" made "a monthly
    meeting with the Lead Member" is not)."""
    x, y = said(a.task), said(b.task)
    return not x or not y or 2 * len(x & y) >= min(len(x), len(y))


def _alike(a: tuple[str, str] | None, b: tuple[str, str] | None) -> bool:
    """Whether two rows are one: the same words, or the same role and task."""
    return a is not None and b is not None and (a[0] == b[0] or a[1] == b[1])


def positional(fw: Framework) -> Known:
    """What the store keeps for a framework numbered by place (one stored before numbers were kept)."""
    return number(fw, None)[1]


def row_order(row_id: str) -> list[tuple[int, int, str]]:  # "1.6" before "1.10"; "T4" and other ids after, by name
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in row_id.split(".")]


def struck(before: Known | None, after: Known) -> tuple[str, ...]:
    """What an amendment struck out, in words: "row 1.8" whole, "row 1.6: the meeting every month" ("row 1.6
    (now 1.7): ..." where the row was renumbered too), "the escalation rung: line manager after 5 working days"."""
    out = []
    rows_after = {_key(rid, e): (rid, e) for rid, e in after.get("rows", {}).items() if e.get("in", True)}  # by identity
    for row in sorted((before or {}).get("rows", {}), key=row_order):
        entry = before["rows"][row]  # type: ignore[index]
        if not entry["now"] or not _present(entry):
            continue
        now_id, now = rows_after.get(_key(row, entry), (row, {"now": []}))
        kept = {n for n, _ in now["now"]}
        if not kept:  # the whole row; "as it was" where its number holds another row now
            out.append(f"row {row}" + (" as the version before had it" if any(i == row for i, _ in rows_after.values()) else ""))
            continue
        if now_id != row:
            row = f"{row} (now {now_id})"
        for n, sig in entry["now"]:
            if n not in kept:
                fields = json.loads(sig)
                every = fields.get("every")
                how = f" every {Every(every[1], every[2]).text}" if isinstance(every, list) else ""
                out.append(f"row {row}: the {fields['kind'].replace('_', ' ')}{how}")
    kept_rungs = {n for n, _ in after.get("ladder", {"now": []})["now"]}
    for n, sig in ((before or {}).get("ladder") or {"now": []})["now"]:
        if n not in kept_rungs:
            fields = json.loads(sig)
            out.append(f"the escalation rung: {fields['to'].replace('_', ' ')} after {fields['after']} working days")
    return tuple(out)


def _words(row) -> str:
    """A row's role, task and frequency, what says which row it is, as a short digest."""
    return _digest(row.role, row.task, row.frequency)


def _task(row) -> str:
    """A row's role and task, as a short digest."""
    return _digest(row.role, row.task)


def _digest(*texts: str) -> str:
    text = "\x1f".join(" ".join(t.split()) for t in texts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
