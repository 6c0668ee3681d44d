"""Events -> clauses -> cadences: one clause per schedule the text describes.

A frequency cell is often a flattened list ("Quarterly to CSCMT Annually to
DCS"): a capitalised period word mid-sentence starts a new item, as does a
capitalised "To" ("... Lead Member To CSCMT and, in some cases, ...") or a
capitalised word straight after a list of names ("Quarterly to Head of
Service Action plan to CSCMT"). A lower-case period word inside an item
starts a new clause too, and takes the words just before it ("Summary Report
annually to SMT"). A clause with no period is a *fragment*: merged into the
clause before when it only adds an audience ("Annually to include
modifications to statement of purpose To CPP and LM"), otherwise kept as a
note or a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from qaf.rules.model import Cadence, Every, Sample, Variation
from qaf.rules.phrases import FILLER, STRONG_KINDS, number_text
from qaf.rules.scan import Event, Named, Period, Scanner

PREFIX = frozenset({"count", "noun", "leftover", "case", "note", "together"})
_NOUN_KIND = (
    ("follow", "follow_up_audit"), ("re-audit", "moderation"), ("reaudit", "moderation"), ("moderation", "moderation"),
    ("qa", "qa_signoff"), ("audit", "audit"), ("dip", "audit"), ("review", "review"), ("visit", "visit"),
    ("observation", "visit"), ("meeting", "meeting"), ("focus", "meeting"), ("session", "meeting"),
    ("report", "report"), ("task", "task"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Clause:
    """What one clause says: a cadence, or why it gives none."""

    text: str
    cadence: Cadence | None = None
    reason: str = ""  # no period: why ("as required: no frequency"), or "" when nothing says
    names_only: tuple[tuple[str, tuple[str, ...]], ...] = ()  # a fragment that only names an audience
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()
    new_roles: tuple[str, ...] = ()


def group(events: list[Event]) -> list[list[Event]]:
    """Split one sentence's events into clauses (see the module docstring)."""
    out: list[list[Event]] = [[]]
    for idx, e in enumerate(events):
        cur = out[-1]
        timed = any(x.kind in ("period", "on", "anniversary") for x in cur)
        if e.kind in ("period", "on", "anniversary") and timed:
            if e.cap:
                out.append([e])
            else:
                k = len(cur)
                while k > 0 and cur[k - 1].kind in PREFIX and not (k > 1 and cur[k - 2].kind == "period" and cur[k - 1].kind == "noun"):
                    k -= 1  # "Summary Report annually ...": the words before a period word are its own
                out.append([*cur[k:], e])
                del cur[k:]
        elif e.kind == "period" and e.cap and idx > 0 and any(x.kind not in PREFIX for x in cur):
            out.append([e])
        elif e.kind == "names" and isinstance(e.value, Named) and e.value.role == "to" and e.cap and idx > 0 and cur:
            out.append([e])
        elif e.kind in ("noun", "count", "leftover") and e.cap and cur and _listed(cur[-1]) and timed:
            out.append([e])
        else:
            cur.append(e)
    return [c for c in out if c]


def _listed(e: Event) -> bool:
    """A list of names with a marker ("to CSCMT", "with the DCS"), after which a capital starts a new item."""
    return e.kind == "names" and isinstance(e.value, Named) and e.value.role != "bare"


def expand_parens(events: list[Event], scanner: Scanner) -> list[Event]:
    """A bracketed aside becomes a variation ("(twice a year for early help teams)"), a note, or leftovers."""
    out: list[Event] = []
    for e in events:
        if e.kind != "paren":
            out.append(e)
            continue
        first, last = e.value  # type: ignore[misc]
        inner = scanner.scan(first, last)
        periods = [x.value for x in inner if x.kind == "period"]
        kinds = [x.value for x in inner if x.kind == "team_kind"] + [x.value[1] for x in inner if x.kind == "per" and x.value[1]]
        nofreq = [x.value for x in inner if x.kind == "nofreq"]
        text = scanner.text[scanner.toks[e.first].start : scanner.toks[e.last - 1].end]
        if len(periods) == 1 and periods[0].every is not None and kinds:
            p = periods[0]
            every, count = _spread(p.every, p.times or 1, p.spread)
            out.append(Event("variation", e.first, e.last, Variation(kinds[0], every, count)))
        elif nofreq:
            out.append(Event("note", e.first, e.last, f"{text}: {nofreq[0][0]}, not scheduled"))
        elif not periods:  # "(not in August)": the words inside count as the clause's own
            out += [Event("leftover", e.first, e.first + 1), *inner, Event("leftover", e.last - 1, e.last)]
        else:
            out.extend(Event("leftover", i, i + 1) for i in range(e.first, e.last))
    return out


def _spread(every: Every, n: int, spread: bool) -> tuple[Every, int]:
    if spread and n > 1 and 12 % n == 0:
        return Every(months=12 // n), 1
    return every, n


@dataclass
class _Draft:
    """The fields of a clause as its events are read (a builder, local to :func:`build`)."""

    period: Period | None = None
    count: int | None = None
    count_max: int | None = None
    nouns: list[str] = field(default_factory=list)
    names: dict[str, list[str]] = field(default_factory=dict)
    fields: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    nofreq: str = ""
    phrase: str = ""
    doers: bool = False
    together: bool = False

    def add_names(self, role: str, names: tuple[str, ...]) -> None:
        bucket = self.names.setdefault(role, [])
        bucket.extend(n for n in names if n not in bucket)


def build(clause: list[Event], scanner: Scanner, row_kind: str | None, row_id: str, is_body) -> Clause:
    d = _Draft()
    leftover: list[Event] = []
    for k, e in enumerate(clause):
        nxt = clause[k + 1] if k + 1 < len(clause) else None
        _read(d, e, nxt, leftover)
    text = scanner.text[scanner.toks[clause[0].first].start : scanner.toks[clause[-1].last - 1].end]
    unread = _unread(leftover, scanner)
    new = tuple(dict.fromkeys(d.new))
    if d.period is None and "on" not in d.fields and "anniversary" not in d.fields:
        names_only = not unread and not d.nouns and not d.fields and d.count is None and set(d.names) <= {"to", "copy"}
        return Clause(text, None, d.nofreq, tuple((k, tuple(v)) for k, v in d.names.items()) if names_only else (),
                      tuple(d.warnings), tuple(d.notes), unread, new)  # fmt: skip
    if d.period is not None and d.period.every is None:
        return Clause(text, None, d.period.unsupported, (), tuple(d.warnings), tuple(d.notes), unread, new)
    if d.count == 0 or (d.period is not None and d.period.times == 0):  # "0 times a year", "0 files per month": read as once
        return Clause(text, None, "a count of 0 asks for nothing: nothing to schedule", (), tuple(d.warnings), tuple(d.notes), unread, new)
    if d.nofreq:
        d.notes.append(f"'{d.phrase}' ({d.nofreq.split(':')[0]}): only the stated frequency is scheduled")
    cadence = _cadence(d, row_kind, row_id, is_body)
    return Clause(text, cadence, "", (), tuple(d.warnings), tuple(d.notes), unread, new)


def _read(d: _Draft, e: Event, nxt: Event | None, leftover: list[Event]) -> None:
    v = e.value
    if e.kind == "period" and d.period is None:
        d.period = v  # type: ignore[assignment]
        note = v.note  # type: ignore[union-attr]
        if note.startswith("warn:"):
            d.warnings.append(note[5:])
        elif note.startswith("note:"):
            d.notes.append(note[5:])
    elif e.kind == "count":
        n, hi, noun = v  # type: ignore[misc]
        if d.count is None or n != 1:
            d.count, d.count_max = n, hi
        kind = next((kind for word, kind in _NOUN_KIND if noun.replace(" ", "").startswith(word)), None)
        if kind:
            d.nouns.append(kind)
        if any(w in noun for w in ("case", "file", "record")):
            d.fields["case"] = True
    elif e.kind == "noun":
        d.nouns.append(v)  # type: ignore[arg-type]
    elif e.kind == "names":
        _read_names(d, v, nxt, leftover, e)  # type: ignore[arg-type]
    elif e.kind == "per":
        per, team_kind = v  # type: ignore[misc]
        if per == "assignee":
            d.fields.setdefault("per", "assignee")
        elif per == "own":
            d.fields.setdefault("per", "assignee")
            d.fields["case"] = True
            d.fields["caseload"] = "own"
        else:
            d.fields["per"] = per
            if team_kind:
                d.fields["team_kind"] = team_kind
    elif e.kind in ("within", "peer", "rotate", "rota", "team_kind", "share", "except", "sample", "case", "anniversary"):
        d.fields[e.kind] = v
    elif e.kind == "on":
        d.fields["on"], d.fields["due_within"] = v  # type: ignore[misc]
    elif e.kind == "variation":
        d.fields.setdefault("variations", []).append(v)  # type: ignore[union-attr]
    elif e.kind == "nofreq":
        reason, phrase = v  # type: ignore[misc]
        d.nofreq = d.nofreq or reason
        d.phrase = d.phrase or phrase
    elif e.kind == "note":
        d.notes.append(str(v))
    elif e.kind == "together":
        d.together = True
    elif e.kind != "period":
        leftover.append(e)


def _read_names(d: _Draft, v: Named, nxt: Event | None, leftover: list[Event], e: Event) -> None:
    role = {"via": "to", "for": "to", "each_body": "to"}.get(v.role, v.role)
    if v.role == "bare":
        if nxt is not None and nxt.kind in ("noun", "count"):
            d.add_names("by", v.names)
        else:
            leftover.append(e)
        return
    if v.role == "doers":
        d.doers, role = True, "by"
    if v.role == "each":
        d.fields["per"], d.fields["roles"] = "case_holder", v.names
        return
    if v.role == "each_managed":
        d.fields["per"], d.fields["roles"] = "worker", v.names
        return
    if v.role == "each_body":
        d.fields["per"] = "body"
    d.add_names(role, v.names)
    d.new.extend(v.new)


def _unread(leftover: list[Event], scanner: Scanner) -> tuple[str, ...]:
    runs: list[list[Event]] = []
    for e in leftover:
        if runs and runs[-1][-1].last >= e.first - 1:
            runs[-1].append(e)
        else:
            runs.append([e])
    out = []
    for run in runs:
        words = [scanner.toks[i].low for e in run for i in range(e.first, e.last)]
        if all(w in FILLER or w in ("&", "/") for w in words):
            continue
        out.append(scanner.text[scanner.toks[run[0].first].start : scanner.toks[run[-1].last - 1].end])
    return tuple(out)


def _kind(d: _Draft, row_kind: str | None) -> str:
    strong = [n for n in d.nouns if n in STRONG_KINDS]
    weak = [n for n in d.nouns if n not in STRONG_KINDS]
    if "sample" in d.fields:
        return "moderation"
    if d.doers:  # "for elected members to review ... and approve it": their own task
        return "task"
    if strong:
        return strong[0]
    if d.names.get("to"):
        return "meeting" if row_kind == "meeting" and not weak else "report"
    if weak and weak[0] in ("review", "monitoring"):
        if row_kind in ("meeting", "visit", "audit"):
            return row_kind
        return "review" if weak[0] == "review" else "task"
    if row_kind:
        return row_kind
    if d.fields.get("case") or "share" in d.fields or "on" in d.fields:
        return "audit"
    return "review" if "anniversary" in d.fields else "task"


def _cadence(d: _Draft, row_kind: str | None, row_id: str, is_body) -> Cadence:
    f = d.fields
    p = d.period
    every = p.every if p else None
    count, count_max = (p.times or d.count or 1) if p else (d.count or 1), (p.count_max if p and p.count_max else d.count_max)
    if count_max is not None:
        if count_max < count:
            count, count_max = count_max, count
        if count_max == count:
            count_max = None
        else:
            d.notes.append(f"{number_text(count)} to {number_text(count_max)} a period: {number_text(count)} scheduled")
    elif p is not None and every is not None and p.spread and count > 1:
        spread_every, spread_count = _spread(every, count, True)
        if spread_count == count:
            d.warnings.append(f"{count} a year do not divide the year into equal periods: all {count} are due at the year end")
        every, count = spread_every, spread_count
    kind = _kind(d, row_kind)
    names = {k: tuple(v) for k, v in d.names.items()}
    c = Cadence(
        kind=kind, every=every, count=count, count_max=count_max,
        per=str(f.get("per", "assignee")), roles=tuple(f.get("roles", ())),  # type: ignore[arg-type]
        within=str(f.get("within", "all")), peer=f.get("peer"), rotate=f.get("rotate"),  # type: ignore[arg-type]
        rota=bool(f.get("rota", False)), team_kind=f.get("team_kind"),  # type: ignore[arg-type]
        case=bool(f.get("case", False)) and "share" not in f, share=f.get("share"),  # type: ignore[arg-type]
        caseload=str(f.get("caseload", "line")),
        by=names.get("by", ()), to=names.get("to", ()), with_=names.get("with", ()), copy=names.get("copy", ()),
        except_months=tuple(f.get("except", ())), variations=tuple(f.get("variations", ())),  # type: ignore[arg-type]
        sample=f.get("sample"), on=f.get("on"), due_within=f.get("due_within"), anniversary=f.get("anniversary"),  # type: ignore[arg-type]
    )  # fmt: skip
    if c.per == "assignee" and kind in ("meeting", "visit") and len(c.to) > 1 and not d.together and all(is_body(n) for n in c.to):
        c = replace(c, per="body")
    if kind == "moderation" and c.sample is None and not c.event_driven:
        c = replace(c, sample=Sample(row_id, count=1))
        d.warnings.append("no sample size given: one audit a period is a placeholder (set sample.count or sample.percent)")
    c = tidy(c, d.warnings)
    return replace(c, note="; ".join(dict.fromkeys(d.notes)))


def tidy(c: Cadence, warnings: list[str]) -> Cadence:
    """Settle combinations the format does not allow, saying what was changed."""
    if c.peer and c.per not in ("team", "service", "area"):
        c = replace(c, per="team")
    if (c.rotate or c.rota) and c.per != "assignee":
        warnings.append("a rotation is one target a period: 'for each ...' and a rotation do not go together; the rotation is dropped")
        c = replace(c, rotate=None, rota=False)
    if c.variations and c.per != "team":
        c = replace(c, per="team") if c.per == "assignee" else replace(c, variations=())
    if c.team_kind and c.per == "assignee" and not c.rotate and not c.rota:
        c = replace(c, per="team")  # "monthly for social care teams": each of those teams
    if c.per == "body" and not c.to:
        c = replace(c, per="assignee")
    if c.per == "body" and (c.case or c.share is not None):
        c = replace(c, case=False, share=None)
    if c.per == "case_holder" and not c.roles:
        c = replace(c, per="assignee")
    if c.caseload != "line" and (c.per != "assignee" or not (c.case or c.share is not None)):
        c = replace(c, caseload="line")
    if c.except_months and (len(c.except_months) >= 12 or (c.every is not None and c.every.weeks)):
        warnings.append("months can be left out of monthly, quarterly or yearly cadences only, and not every month; 'except' is dropped")
        c = replace(c, except_months=())
    if c.share is not None and not 0 < c.share <= 100:
        warnings.append(f"{c.share:g}% is not a share of cases between 0 and 100: dropped")
        c = replace(c, share=None)
    if c.due_within is not None and c.on is None:
        c = replace(c, due_within=None)
    if c.every is not None and c.event_driven:
        c = replace(c, every=None)
    return c
