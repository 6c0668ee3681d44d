"""A council's year, played at random, on SQLite and PostgreSQL side by side.

Days pass and the tick runs; audits are recorded, some with significant
concerns, a month's at a time from a CSV (some with one wrong line), some
raising actions that are later closed, some twice (refused); grades are
contested; sampled audits are moderated; owners ask for more time and their
managers give it or refuse it; workers join, leave (some with the news
coming late, some given in error and taken back), move to another Practice Manager, and a Practice Manager or a
manager above leaves for a successor; a team closes; cases are reallocated
and close; the council amends its framework (a row's frequency changed, a
cadence or a whole row struck out and put back, a rung of its escalation
ladder struck out or put in, a row put in and the rest numbered on) and
loads it again; the mail
server is down for a few days. After every step the two stores must hold
the same work, and nothing may be lost or done twice:

- work that was done stays done, with its outcome, whatever happens later,
  and so do closed actions and moderated grades; more time once given is not
  taken back; recording done work again is refused and changes nothing;
- nobody is chased up the ladder for work that is not overdue, and nobody
  is emailed a rung who is not in post that day;
- every obligation an outcome set off names an audit that is done;
- every cancelled or waived obligation says why;
- live work comes only from rows and cadences the framework has, and a
  cadence an amendment kept keeps its very work, its row renumbered or not
  (rules/numbering.py);
- live work of a worker who is out of scope for it (left before it was due,
  or not yet started when its period began) has been cancelled;
- live work is owned by someone who is still in the council, or by nobody;
- every worker in post all month under a Practice Manager has the month's
  audit, however often managers came and went, and her live audits (overdue
  ones too) are her line manager's;
- a tick run twice on one day changes nothing the second time (but send
  what was queued since the first), and days passing with nobody coming or
  going cancel nothing; what a tick cancels, its period's own plan, made
  afresh, does not hold;
- every email arrives once; what is marked sent was received; once the
  server is back nothing due is left unsent;
- what people type (notes, reasons, actions, refusals) is never in a feed,
  an email, the API's list, or any table but the four kept beside the work;
- a contested grade has a moderation settling it, or is settled; no live
  work is for a team that has closed; nobody moderates an audit they did;
- this month's and last month's work cancelled as out of scope, that its
  period's own plan holds again (a leaving date taken back), is live again.

``QAF_LIFECYCLE_EXAMPLES`` plays more councils' years (the suite plays a few).
"""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from collections import Counter
from itertools import groupby
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import JSON, MetaData, String, Text, select

from qaf.clock import utc_now
from qaf.engine.businesstime import business_now
from qaf.engine.escalation import REMINDER
from qaf.engine.model import CANCELLED, DONE, LIVE, WAIVED
from qaf.engine.org import Case
from qaf.engine.scope import OUT_OF_SCOPE
from qaf.engine.schedule import plan
from qaf.engine.outcomes import Recording
from qaf.rules import bundled
from qaf.rules.loader import load_framework
from qaf.rules.numbering import signature
from qaf.rules.problems import QafError, Source
from qaf.store.db import temporary_schema
from qaf.store.sql import SqlStore
from qaf.store.tables import ESCALATIONS, OUTBOX
from qaf.engine.actions import ActionSpec, parse_action
from qaf.calendars.feed import EVENT, TODO
from qaf.calendars.selection import Selection
from qaf.usecases import extensions, feeds, queries, recording
from qaf.usecases.mail import MailSettings
from qaf.usecases.tick import run_tick
from tests.conftest import PG_URL, _postgres_or_skip, snapshot
from tests.council import council, handed_over, person
from tests.smtp import Inbox, free_port, smtp_server

FRAMEWORK = os.environ.get("QAF_LIFECYCLE_FRAMEWORK", "east-sussex-2013")  # the invariants of 3.16 hold for East Sussex


def another_1_8(text: str) -> str:
    """Row 1.8 (the Chief Executive's annual focus group) replaced, under its number, by another annual meeting."""
    start, end = text.index('  - id: "1.8"\n'), text.index('  - id: "1.9"\n')
    return text[:start] + (
        '  - id: "1.8"\n    section: Key Chief Executive and Elected Member Responsibilities\n    role: Chief Executive\n'
        "    task: Annual meeting with the Lead Member on the sufficiency of placements\n    frequency: Annual\n"
        "    purpose: To agree the year's priorities for placements\n    by: [Chief Executive]\n"
        "    cadences:\n      - kind: meeting\n        every: year\n        with: [Lead Member]\n\n"
    ) + text[end:]
FW = load_framework(bundled.path(FRAMEWORK))[0]
FIRST_DAY = date(2024, 4, 1)
PRACTICE_MANAGERS = ("PM1", "PM2", "PM3")
RECORDED = ("audit", "follow_up_audit", "review")
NO_MAIL = MailSettings()
NOTE, ASKED, ACTION, CLOSING, REFUSAL = ("Mother anxious about the move", "Waiting for the family's GP", "Update the safety plan",
                                         "Plan updated with the family", "The deadline stands: the visit is booked")  # fmt: skip
FREE_TEXT = (NOTE, ASKED, ACTION, CLOSING, REFUSAL)  # what people type: kept only beside the work it is about
KEPT_WITH_THE_WORK = {"outcomes", "actions", "extension_requests", "events"}  # the tables that may hold it


def _period(ob) -> tuple[date, date]:
    return ob.period_start, ob.period_end


def _tick(store: SqlStore, day: date, mail: MailSettings = NO_MAIL):
    return run_tick(store, day, mail, "lifecycle", now=business_now(day), wall=utc_now)


def _queued(store: SqlStore) -> dict[str, str]:
    """Each email in the outbox (by its key) and its status."""
    with store.read() as conn:
        return dict(conn.execute(select(OUTBOX.c.key, OUTBOX.c.status)).all())


class MailServer(Inbox):
    """The council's mail server: keeps what it accepts; while ``down``, refuses it for now (451)."""

    down = False

    async def handle_DATA(self, server, session, envelope):
        if self.down:
            return "451 4.3.0 Mail server busy, try again later"
        return await super().handle_DATA(server, session, envelope)


def _rows(store: SqlStore) -> dict:
    """What a council would compare: each obligation, its outcome, and who was told what."""
    obs = sorted((o.id, o.status, o.status_reason, o.assignee, o.due, o.case, o.cause, o.attendees, o.copies,
                  (o.outcome.grade, o.outcome.concerns, o.outcome.by, o.outcome.date) if o.outcome else None)
                 for o in store.obligations())  # fmt: skip
    notices = sorted((n.key, n.recipient, n.cause, n.status, n.digest) for n in store.outbox())
    return {"obligations": obs, "outbox": notices}


class CouncilYear(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._exits = ExitStack()
        self.folder = folder = Path(self._exits.enter_context(tempfile.TemporaryDirectory()))
        urls = {"sqlite": f"sqlite:///{folder / 'qaf.db'}"}
        urls["postgresql"] = self._exits.enter_context(temporary_schema(PG_URL, "qaf_test"))
        self.stores = {name: SqlStore.open(url) for name, url in urls.items()}
        for store in self.stores.values():
            self._exits.callback(store.close)
        self.received: dict[str, Counter] = {name: Counter() for name in self.stores}  # each email's key, as often as it came
        self.inboxes, self.mail = {}, {}  # each store emails through its own server, so each one's mail can be counted
        for name, store in self.stores.items():
            inbox, port = MailServer(), free_port()
            self._exits.enter_context(smtp_server(inbox, port))
            self.inboxes[name], self.mail[id(store)] = inbox, MailSettings(host="127.0.0.1", port=port)
        self.today = FIRST_DAY
        self.org = council()
        self.joined = 0
        self.done: dict[str, tuple] = {}  # obligation id -> its outcome, as recorded
        self.planned = True  # the tick has run since the organisation last changed
        self.extended: dict[str, date] = {}  # obligation id -> the due date an approved extension gave it
        self.closed: set[str] = set()  # actions closed by their owner, moderations done
        self.moderated: dict[str, str] = {}  # audit id -> its moderated grade
        self.chased = 0  # escalations seen so far
        self.contested: set[str] = set()  # audits whose grade a service contested
        self.fw, self.fw_text = FW, bundled.path(FRAMEWORK).read_text()
        self.tables = None  # the store's tables that may not hold what people type
        self.since_tick: set[str] = set()  # work given more time since the last tick
        self.published_as: dict[str, str] = {}  # a row renumbered: the number it was published under
        self.kept: dict[tuple, str] = {}  # planned work by what its cadence asks for (rules/numbering.py): one obligation each

    def teardown(self) -> None:
        self._exits.close()

    # -- what the council does ------------------------------------------------------------

    def _each(self, act):
        """``act(store)`` on both stores: both must answer alike (a result, or the same refusal)."""
        answers = {}
        for name, store in self.stores.items():
            try:
                answers[name] = ("ok", act(store))
            except QafError as exc:  # refused alike: bad input, or not theirs to do
                answers[name] = ("refused", f"{type(exc).__name__}: {exc}")
        assert answers["sqlite"][0] == answers["postgresql"][0], answers
        if answers["sqlite"][0] == "refused":
            assert answers["sqlite"] == answers["postgresql"]
            quoted = [text for text in FREE_TEXT if text in answers["sqlite"][1]]  # what it says reaches a terminal, a log, a 422
            assert not quoted, f"a refusal quotes what someone typed: {answers['sqlite'][1]!r}"
        return answers["sqlite"]

    def _tick_both(self):
        """The day's tick on both stores: (ok, its status); it has seen all the more time given so far."""
        status = self._each(lambda store: _tick(store, self.today, self.mail[id(store)]).status)
        self.since_tick.clear()
        return status

    def _save_org(self, org) -> None:
        self.org, self.planned = org, False
        for store in self.stores.values():
            store.save_org(org)

    @initialize()
    def first_tick(self) -> None:
        for store in self.stores.values():
            store.save_framework(self.fw, self.fw_text)
        self._save_org(self.org)
        self._tick_both()
        self.planned = True

    @rule(days=st.one_of(st.integers(1, 7), st.integers(8, 40)))  # often a day or a week: news and ticks within one month
    def days_pass(self, days: int) -> None:
        self.today += timedelta(days=days)
        live = {o.id for o in self.stores["sqlite"].obligations() if o.status in LIVE}
        status = self._tick_both()
        assert status == ("ok", "ran")
        gone = [o for o in self.stores["sqlite"].obligations() if o.id in live and o.status == CANCELLED]
        if self.planned:  # nobody came or went: the days passing take no work away
            assert not gone, f"the tick on {self.today} cancelled work with the organisation unchanged: {gone[:3]}"
        if not any(inbox.down for inbox in self.inboxes.values()):  # the server up: everything due went out
            c = OUTBOX.c
            with self.stores["sqlite"].read() as conn:
                waiting = conn.execute(select(c.key, c.status).where(c.status.in_(("pending", "sending", "failed")), c.digest.is_(False),
                                                                      c.next_attempt_at <= business_now(self.today))).all()  # fmt: skip
            assert not waiting, f"the tick on {self.today} left email due and unsent: {waiting[:3]}"
        for (start, end), obs in groupby(sorted((o for o in gone if o.cadence >= 0), key=_period), key=_period):
            still = {(o.id, o.period_end) for o in plan(self.fw, self.org, start, end, self.today).obligations}  # its period afresh
            wrong = [(o.id, o.status_reason) for o in obs if (o.id, o.period_end) in still]
            assert not wrong, f"the tick on {self.today} cancelled work its period's own plan still holds: {wrong[:3]}"
        self.planned = True

    @rule(days=st.integers(1, 5))
    def the_mail_server_refuses_mail_for_a_few_days(self, days: int) -> None:
        """Every email of those days' ticks is refused for now; the next day's tick sends them, once."""
        for inbox in self.inboxes.values():
            inbox.down = True
        try:
            for _ in range(days):
                self.today += timedelta(days=1)
                assert self._tick_both() == ("ok", "ran")
        finally:
            for inbox in self.inboxes.values():
                inbox.down = False
        self.planned = True

    @rule()
    def the_tick_runs_again_the_same_day(self) -> None:
        before = {name: snapshot(store) for name, store in self.stores.items()}
        queued = {name: _queued(store) for name, store in self.stores.items()}
        status = self._each(lambda store: _tick(store, self.today, self.mail[id(store)]).status)  # done before: nothing seen
        assert status == ("ok", "done before")
        for name, store in self.stores.items():
            after = snapshot(store)
            changed = {table for table in after if after[table] != before[name][table]}
            assert changed <= {"ticks", "outbox"}, f"{name}: a second tick on {self.today} changed {sorted(changed)}"
            was, now = (queued[name], _queued(store))
            assert was.keys() == now.keys(), f"{name}: a second tick on {self.today} queued or dropped email"
            moved = {key: (was[key], now[key]) for key in was if was[key] != now[key]}
            assert all(a == "pending" and b == "sent" for a, b in moved.values()), \
                f"{name}: a second tick on {self.today} did more than send what was queued since the first: {list(moved.items())[:3]}"

    @rule(pick=st.integers(0, 10**6), concerns=st.booleans(), grade=st.sampled_from(FW.grades), late=st.integers(0, 5),
          covered=st.booleans())  # fmt: skip
    def an_audit_is_recorded(self, pick: int, concerns: bool, grade: str, late: int, covered: bool) -> None:
        """By its owner, or (``covered``) by her manager, who did it for her."""
        live = [o for o in self._live(RECORDED) if o.period_start <= self.today]
        if not live:
            return
        ob = live[pick % len(live)]
        day = max(ob.period_start, self.today - timedelta(days=late))
        above = next((p.id for p in self.org.line(ob.assignee or "") if p.active_on(day)), None) if covered else None
        rec = Recording(ob.id, grade, concerns, date=day, notes=NOTE, by=above)
        answer = self._each(lambda store: recording.record(store, rec, self.today).created)
        if answer[0] == "ok":
            self.done[ob.id] = (grade, concerns, above or ob.assignee, day)

    def _live(self, kinds: tuple[str, ...]) -> list:
        return sorted((o for o in self.stores["sqlite"].obligations() if o.kind in kinds and o.status in LIVE and o.assignee),
                      key=lambda o: o.id)  # fmt: skip

    @rule(pick=st.integers(0, 10**6), days=st.integers(1, 9), given=st.booleans())
    def more_time_is_asked_for(self, pick: int, days: int, given: bool) -> None:
        """The owner asks; the nearest manager who may gives it, or refuses it saying why (and the due date stands)."""
        live = self._live((*RECORDED, "action"))
        if not live:
            return
        ob = live[pick % len(live)]
        to, now = ob.due + timedelta(days=days), business_now(self.today)
        asked = self._each(lambda store: extensions.ask(store, ob.id, ob.assignee, to, ASKED, now, self.today).id)
        if asked[0] != "ok":
            return
        with self.stores["sqlite"].read() as conn:
            who = extensions.approvers(conn, self.stores["sqlite"], ob, to, self.today)[0]
        if not given:
            answer = self._each(lambda store: extensions.refuse(store, asked[1], who[0], REFUSAL, now, self.today).status)
            assert answer == ("ok", "refused"), answer
            for store in self.stores.values():
                after = {o.id: o for o in store.obligations()}[ob.id]
                assert (after.due, after.status) == (ob.due, ob.status), f"refusing more time moved {ob.id}"
            return
        answer = self._each(lambda store: extensions.approve(store, asked[1], who[0], self.today, now).due)
        if answer[0] == "ok":
            assert answer[1] == to
            self.extended[ob.id] = to
            self.since_tick.add(ob.id)  # its new date may have passed already: the next tick tells its owner

    @rule(concerns=st.sets(st.integers(0, 30), max_size=3), grade=st.sampled_from(FW.grades))
    def the_months_outcomes_arrive_as_a_csv(self, concerns: set[int], grade: str) -> None:
        """Every audit whose period has begun, in one file: all recorded or none."""
        live = [o for o in self._live(RECORDED) if o.period_start <= self.today][:30]
        if not live:
            return
        batch = [(Source("outcomes.csv", n + 2), Recording(o.id, grade, n in concerns, date=self.today)) for n, o in enumerate(live)]
        if self._each(lambda store: len(recording.record_many(store, batch, self.today)))[0] == "ok":
            for (_, rec), ob in zip(batch, live):
                self.done[ob.id] = (grade, rec.concerns, ob.assignee, self.today)

    @rule(pick=st.integers(0, 10**6), safeguarding=st.booleans())
    def an_audit_raises_an_action(self, pick: int, safeguarding: bool) -> None:
        live = [o for o in self._live(RECORDED) if o.period_start <= self.today and o.case]
        if not live:
            return
        ob = live[pick % len(live)]
        spec, wrong = parse_action(f"{ACTION} | within 10 working days" + (" | safeguarding" if safeguarding else ""))
        assert spec is not None and not wrong
        rec = Recording(ob.id, "requires_improvement", False, date=self.today, actions=(spec,))
        if self._each(lambda store: len(recording.record(store, rec, self.today).created))[0] == "ok":
            self.done[ob.id] = ("requires_improvement", False, ob.assignee, self.today)

    @rule(pick=st.integers(0, 10**6))
    def an_action_is_closed(self, pick: int) -> None:
        live = self._live(("action",))
        if not live:
            return
        ob = live[pick % len(live)]
        if self._each(lambda store: recording.close_action(store, ob.id, None, CLOSING, self.today).status)[0] == "ok":
            self.closed.add(ob.id)

    @rule(pick=st.integers(0, 10**6), grade=st.sampled_from(FW.grades))
    def a_sampled_audit_is_moderated(self, pick: int, grade: str) -> None:
        live = [o for o in self._live(("moderation",)) if o.period_start <= self.today]
        if not live:
            return
        ob = live[pick % len(live)]
        if self._each(lambda store: recording.moderate(store, ob.id, grade, None, self.today, self.today).obligation)[0] == "ok":
            self.moderated[ob.cause] = grade
            self.closed.add(ob.id)

    @rule(pick=st.integers(0, 10**6))
    def a_service_contests_a_grade(self, pick: int) -> None:
        """Settled by moderation: a moderation of the audit is set off, unless one is already open."""
        graded = sorted(oid for oid, (grade, *_) in self.done.items() if grade)
        if not graded:
            return
        oid = graded[pick % len(graded)]
        if self._each(lambda store: recording.contest(store, oid, None, self.today, self.today).obligation)[0] == "ok":
            self.contested.add(oid)

    @rule(pick=st.integers(0, 10**6), wrong=st.sampled_from(("done", "unknown", "grade", "future", "who")))
    def a_csv_with_one_wrong_line_changes_nothing(self, pick: int, wrong: str) -> None:
        """All or nothing: one wrong line (done work, no such obligation, no such grade, a day to come, an action for
        whom the manager's words name) keeps the rest out."""
        live = [o for o in self._live(RECORDED) if o.period_start <= self.today][:5]
        batch = [(Source("outcomes.csv", n + 2), Recording(o.id, self.fw.grades[0], False, date=self.today, notes=NOTE))
                 for n, o in enumerate(live)]  # fmt: skip
        bad = {"done": Recording(sorted(self.done)[pick % len(self.done)] if self.done else "QAF-NOPE", "good", False),
               "unknown": Recording("QAF-NO-SUCH-WORK", "good", False),
               "grade": Recording(live[0].id if live else "QAF-NOPE", "splendid", False),
               "future": Recording(live[0].id if live else "QAF-NOPE", "good", False, date=self.today + timedelta(days=3)),
               "who": Recording(live[0].id if live else "QAF-NOPE", "good", False, date=self.today,
                                actions=(ActionSpec(ACTION, who=NOTE),))}[wrong]  # fmt: skip
        batch.insert(pick % (len(batch) + 1), (Source("outcomes.csv", 99), bad))
        before = {name: snapshot(store) for name, store in self.stores.items()}
        answer = self._each(lambda store: len(recording.record_many(store, batch, self.today)))
        assert answer[0] == "refused" and "outcomes.csv:99" in answer[1], answer
        assert all(snapshot(store) == before[name] for name, store in self.stores.items()), "a refused CSV changed the store"

    @rule(monthly=st.booleans(), struck=st.sampled_from(("", "1.6 monthly", "1.8", "1.8 replaced")),
          ladder=st.sampled_from(("", "no line manager", "an Operations Manager")), put_in=st.booleans())  # fmt: skip
    def the_framework_is_amended(self, monthly: bool, struck: str = "", ladder: str = "", put_in: bool = False) -> None:
        """The council amends a row (1.5: the DCS's front-line visits, quarterly or monthly), maybe strikes out
        1.6's monthly one-to-ones (its quarterly reviews kept) or row 1.8 whole (or puts another task under its
        number: the Chief Executive's annual meeting with the Lead Member), maybe strikes the line
        manager's rung out of its escalation ladder or puts an Operations Manager's in, maybe puts a new row
        in before 1.6 and numbers the rest on, and loads it again."""
        from tests.test_reconcile import with_a_row_put_in, without_monthly_1_6, without_row

        quarterly = "    frequency: Quarterly\n    purpose: To gain insight of the experience of front-line practitioners"
        text = bundled.path(FRAMEWORK).read_text()
        if quarterly not in text:
            return  # another framework: its rows are not East Sussex's
        if monthly:
            start = text.index(quarterly)
            cut = text.index("every: quarter", start)
            text = text[:start] + text[start:cut].replace("Quarterly", "Monthly") + "every: month" + text[cut + len("every: quarter"):]
        text = {"": str, "1.6 monthly": without_monthly_1_6, "1.8": without_row("1.8", "1.9"), "1.8 replaced": another_1_8}[struck](text)
        rung = "  - {after: 5, to: line_manager}\n"
        text = {"": text, "no line manager": text.replace(rung, ""),
                "an Operations Manager": text.replace(rung, rung + "  - {after: 10, to: Operations Manager}\n")}[ladder]  # fmt: skip
        text = with_a_row_put_in(text) if put_in else text
        if text == self.fw_text:
            return
        (amended := self.folder / f"{FRAMEWORK}.yaml").write_text(text)
        fw, problems = load_framework(amended)
        assert fw is not None and not problems, problems
        self.kept.update(self._work_by_cadence())
        # each row by the number it was published under, as this test knows it (not as qaf follows it)
        self.published_as = {**{f"1.{n + 1}": f"1.{n}" for n in range(6, 14)}, "1.6": "the row put in"} if put_in else {}
        if struck == "1.8 replaced":  # new work under 1.8's number (1.9's once the row put in numbers it on)
            self.published_as["1.9" if put_in else "1.8"] = "the row that replaced 1.8"
        self.fw_text, self.planned = text, False
        for store in self.stores.values():
            store.save_framework(fw, text)
        self.fw = self.stores["sqlite"].framework(fw.id)  # with each cadence's number as the store keeps it
        assert self.stores["postgresql"].framework(fw.id) == self.fw, "both stores number the cadences alike"

    @rule(pick=st.integers(0, 10**6), concerns=st.booleans())
    def done_work_is_recorded_again(self, pick: int, concerns: bool) -> None:
        """Twice, by a second tab or an old email's link: refused, and nothing changes."""
        if not self.done:
            return
        oid = sorted(self.done)[pick % len(self.done)]
        before = {name: snapshot(store) for name, store in self.stores.items()}
        answer = self._each(lambda store: recording.record(store, Recording(oid, "good", concerns, date=self.today), self.today))
        assert answer[0] == "refused" and "is done: nothing to record" in answer[1], answer
        assert all(snapshot(store) == before[name] for name, store in self.stores.items())

    @rule(pick=st.integers(0, 10**6), notice=st.integers(-20, 30))
    def a_worker_leaves(self, pick: int, notice: int) -> None:
        """HR says a worker leaves: ahead of time, on the day, or weeks after they went."""
        staying = [p for p in self.org.people if "Social Worker" in p.roles and p.end is None]
        if len(staying) <= 1:
            return
        leaver = staying[pick % len(staying)]
        end = max(self.today + timedelta(days=notice), leaver.start or FIRST_DAY)
        people = tuple(replace(p, end=end) if p.id == leaver.id else p for p in self.org.people)
        self._save_org(replace(self.org, people=people))

    @rule(pick=st.integers(0, 10**6))
    def hr_withdraws_a_leaving_date_given_in_error(self, pick: int) -> None:
        """The worker is staying after all (the leaving date was another person's): her work comes back."""
        leaving = [p for p in self.org.people if "Social Worker" in p.roles and p.end is not None and p.end >= self.today - timedelta(days=40)]
        if not leaving:
            return
        staying = leaving[pick % len(leaving)]
        people = tuple(replace(p, end=None) if p.id == staying.id else p for p in self.org.people)
        self._save_org(replace(self.org, people=people))

    @rule(pick=st.sampled_from(PRACTICE_MANAGERS), notice=st.integers(-20, 30))
    def a_practice_manager_leaves_and_another_takes_their_workers(self, pick: str, notice: int) -> None:
        self._post_changes_hands(pick, notice, "PMNEW", "New Manager")

    @rule(pick=st.sampled_from(("OM1", "OM2", "H1", "H2", "MOD1", "AD1", "HQA", "HS1", "EH1")), notice=st.integers(-20, 30))
    def a_manager_above_leaves_and_a_successor_takes_the_post(self, pick: str, notice: int) -> None:
        self._post_changes_hands(pick, notice, "NEWM", "New Senior")

    def _post_changes_hands(self, pick: str, notice: int, prefix: str, name: str) -> None:
        """``pick`` leaves ``notice`` days from today; the post, its team and its people pass to a successor the day after."""
        leaving = next((p for p in self.org.people if p.id == pick and p.end is None), None)
        if leaving is None:
            return
        self.joined += 1
        end = self.today + timedelta(days=notice)
        successor = replace(leaving, id=f"{prefix}{self.joined}", name=f"{name}{self.joined}",
                            email=f"{name.lower().replace(' ', '.')}{self.joined}@example-council.gov.uk", start=end + timedelta(days=1), end=None)  # fmt: skip
        people = tuple(replace(p, end=end) if p.id == pick else replace(p, manager=successor.id) if p.manager == pick else p
                       for p in self.org.people) + (successor,)  # fmt: skip
        self._save_org(replace(self.org, people=people))

    def _practice_manager(self, pick: int):
        staying = [p for p in self.org.people if "Practice Manager" in p.roles and p.end is None]
        return staying[pick % len(staying)] if staying else None

    @rule(pick=st.integers(0, 10**6), notice=st.integers(0, 30))
    def a_worker_joins(self, pick: int, notice: int) -> None:
        manager = self._practice_manager(pick)
        if manager is None:
            return
        self.joined += 1
        pid = f"NEW{self.joined}"
        team, manager = manager.team, manager.id
        newcomer = person(pid, f"New Worker{self.joined}", "Social Worker", team, manager, start=self.today + timedelta(days=notice))
        caseload = tuple(Case(f"CN-{self.joined:03d}{n:03d}", team or "", self.today, pid) for n in range(2))
        self._save_org(replace(self.org, people=self.org.people + (newcomer,), cases=self.org.cases + caseload))

    @rule(pick=st.integers(0, 10**6), to=st.integers(0, 10**6))
    def a_worker_moves_to_another_practice_manager(self, pick: int, to: int) -> None:
        workers = [p for p in self.org.people if "Social Worker" in p.roles and p.end is None]
        manager = self._practice_manager(to)
        if not workers or manager is None:
            return
        mover = workers[pick % len(workers)]
        team, manager = manager.team, manager.id
        people = tuple(replace(p, manager=manager, team=team) if p.id == mover.id else p for p in self.org.people)
        cases = tuple(replace(c, team=team or "", transferred=self.today) if c.worker == mover.id and c.closed is None else c
                      for c in self.org.cases)  # fmt: skip
        self._save_org(replace(self.org, people=people, cases=cases))

    @rule(pick=st.integers(0, 10**6), to=st.integers(0, 10**6))
    def a_case_is_reallocated_to_another_worker(self, pick: int, to: int) -> None:
        """A case moves to another worker, perhaps in another team: the rows that say "on transfer" fire."""
        open_cases = [c for c in self.org.cases if c.closed is None]
        workers = [p for p in self.org.people if "Social Worker" in p.roles and p.end is None]
        if not open_cases or not workers:
            return
        moving, worker = open_cases[pick % len(open_cases)], workers[to % len(workers)]
        if moving.worker == worker.id:
            return
        cases = tuple(replace(c, worker=worker.id, team=worker.team or c.team, transferred=self.today) if c.ref == moving.ref else c
                      for c in self.org.cases)  # fmt: skip
        self._save_org(replace(self.org, cases=cases))

    @rule(closing=st.sampled_from(("T1", "T2", "T3")), into=st.sampled_from(("T1", "T2", "T3")))
    def a_team_closes_and_its_people_join_another(self, closing: str, into: str) -> None:
        """A restructure: the team's people and open cases move to another team, and the team is gone."""
        teams = {t.id for t in self.org.teams}
        if closing == into or not {closing, into} <= teams:
            return
        people = tuple(replace(p, team=into) if p.team == closing else p for p in self.org.people)
        cases = tuple(replace(c, team=into, transferred=self.today) if c.team == closing and c.closed is None else
                      replace(c, team=into) if c.team == closing else c for c in self.org.cases)  # fmt: skip
        self._save_org(replace(self.org, people=people, cases=cases, teams=tuple(t for t in self.org.teams if t.id != closing)))

    @rule(pick=st.integers(0, 10**6))
    def a_case_closes(self, pick: int) -> None:
        open_cases = [c for c in self.org.cases if c.closed is None]
        if not open_cases:
            return
        closing = open_cases[pick % len(open_cases)]
        cases = tuple(replace(c, closed=self.today) if c.ref == closing.ref else c for c in self.org.cases)
        self._save_org(replace(self.org, cases=cases))

    # -- what must always hold --------------------------------------------------------------

    @invariant()
    def both_databases_hold_the_same_work(self) -> None:
        sqlite, postgresql = (_rows(self.stores[name]) for name in ("sqlite", "postgresql"))
        for part in sqlite:
            if sqlite[part] != postgresql[part]:  # the rows one holds and the other does not (or holds twice)
                differ = sorted(set(sqlite[part]) ^ set(postgresql[part]), key=repr) or "the same rows, counted differently"
                raise AssertionError(f"{part} differ on {self.today}: {differ[:6]}")

    @invariant()
    def done_work_stays_done_with_its_outcome(self) -> None:
        obs = {o.id: o for o in self.stores["sqlite"].obligations()}
        for oid, (grade, concerns, by, day) in self.done.items():
            ob = obs.get(oid)
            assert ob is not None, f"{oid} was done and is gone"
            assert ob.status == DONE, f"{oid} was done on {day} and is now {ob.status} ({ob.status_reason})"
            assert ob.outcome and (ob.outcome.grade, ob.outcome.concerns, ob.outcome.by, ob.outcome.date) == (grade, concerns, by, day)

    @invariant()
    def closed_actions_stay_closed_and_extensions_hold(self) -> None:
        obs = {o.id: o for o in self.stores["sqlite"].obligations()}
        for oid in self.closed:
            assert obs[oid].status == DONE, f"{oid} was closed and is now {obs[oid].status}"
        for oid, grade in self.moderated.items():
            assert obs[oid].outcome is not None and obs[oid].outcome.moderated_grade == grade, f"{oid}'s moderated grade was lost"
        for oid, due in self.extended.items():
            assert obs[oid].due == due or obs[oid].due > due, f"{oid} was given until {due} and is now due {obs[oid].due}"

    @invariant()
    def nobody_is_chased_for_work_that_is_not_overdue(self) -> None:
        obs = {o.id: o for o in self.stores["sqlite"].obligations()}
        with self.stores["sqlite"].read() as conn:
            rows = conn.execute(select(ESCALATIONS).where(ESCALATIONS.c.id > self.chased).order_by(ESCALATIONS.c.id)).all()
        for r in rows:
            ob = obs[r.obligation]
            if r.level == REMINDER:  # the reminder before the due date
                assert r.on <= ob.due, f"{ob.id} was reminded on {r.on}, after it was due ({ob.due})"
            else:
                assert ob.due < r.on, f"{ob.id} was escalated to level {r.level} on {r.on}, before it was due ({ob.due})"
            told = self.org.person(r.to_person) if r.to_person else None
            assert r.to_person is None or (told is not None and told.active_on(r.on)), \
                f"{ob.id}'s level {r.level} went on {r.on} to {r.to_person}, who is not in post then"
            self.chased = r.id

    @invariant()
    def what_people_type_stays_beside_the_work(self) -> None:
        """Notes, reasons and actions: never in a feed, an email, the work's title or status, or the API's list."""
        store = self.stores["sqlite"]
        if self.tables is None:  # every table the store has, read once: one added later is checked too
            meta = MetaData()
            meta.reflect(store.engine)
            self.tables = [t for name, t in sorted(meta.tables.items()) if name not in KEPT_WITH_THE_WORK]
        with store.read() as conn:
            for table in self.tables:
                words = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
                rows = conn.execute(select(*words)).all() if words else []
                cells = ((row, "\0".join(map(str, row))) for row in rows)  # no typed text holds a NUL: none spans two cells
                leaked = [(text, row) for row, joined in cells for text in FREE_TEXT if text in joined]
                assert not leaked, f"{table.name} holds what someone typed: {leaked[:2]}"
        shown = [feeds.build(store, Selection("all"), self.today, kind).body.decode() for kind in (EVENT, TODO)]
        shown.append(queries.render(store.obligations(), self.org, self.today, "json"))
        shown.append(queries.render(store.obligations(), self.org, self.today, "csv"))
        for text in FREE_TEXT:
            assert not any(text in out for out in shown), f"'{text}' is in a feed or the API's list"

    @invariant()
    def every_email_is_sent_once_and_what_was_sent_was_received(self) -> None:
        for name, store in self.stores.items():
            received, messages = self.received[name], self.inboxes[name].messages
            for message in messages[sum(received.values()):]:  # what arrived since the last look
                received[message["X-Qaf-Key"]] += 1
                body = message.as_string()
                assert not any(text in body for text in FREE_TEXT), f"{message['Subject']!r} holds what someone typed"
            twice = [key for key, n in received.items() if n > 1]
            assert not twice, f"{name}: emailed more than once: {twice[:3]}"
            queued = _queued(store)  # what was sent more than the retention ago is purged from it
            sent = {key for key, status in queued.items() if status == "sent"}
            unmarked = {key for key in received if key in queued} - sent
            assert sent <= set(received) and not unmarked, f"{name}: marked sent, never received: {sorted(sent - set(received))[:3]}; " \
                                                           f"received, not marked sent: {sorted(unmarked)[:3]}"

    @invariant()
    def nobody_moderates_an_audit_they_did(self) -> None:
        obs = {o.id: o for o in self.stores["sqlite"].obligations()}
        for o in obs.values():
            if o.outcome is not None and o.outcome.moderated_by:  # an audit, moderated
                assert o.outcome.moderated_by not in (o.assignee, o.outcome.by), f"{o.id} was moderated by its own author"
            audit = obs.get(o.cause or "")
            if o.kind == "moderation" and o.status != CANCELLED and audit is not None and audit.outcome is not None:
                assert o.assignee not in (audit.assignee, audit.outcome.by), f"{o.id} moderates {audit.id}, which {o.assignee} did"

    @invariant()
    def a_contested_grade_is_being_settled_or_settled(self) -> None:
        obs = {o.id: o for o in self.stores["sqlite"].obligations()}
        for oid in self.contested:
            outcome = obs[oid].outcome
            assert outcome is not None and outcome.contested, f"{oid}'s contest was lost"
            settling = [o for o in obs.values() if o.kind == "moderation" and o.cause == oid and o.status in LIVE]
            assert outcome.moderated_grade is not None or settling, f"{oid}'s contested grade has no moderation to settle it"

    @invariant()
    def what_an_outcome_set_off_names_a_done_audit(self) -> None:
        obs = {o.id: o for o in self.stores["sqlite"].obligations()}
        for ob in obs.values():
            if ob.cause is not None:
                assert ob.cause in obs and obs[ob.cause].status == DONE, f"{ob.id} was set off by {ob.cause}, which is not done"

    @invariant()
    def cancelled_and_waived_work_says_why(self) -> None:
        for ob in self.stores["sqlite"].obligations():
            if ob.status in (CANCELLED, WAIVED):
                assert ob.status_reason, f"{ob.id} is {ob.status} with no reason"

    @invariant()
    def live_work_is_in_scope(self) -> None:
        """Once the tick has run: the organisation's news reaches the work the next morning."""
        people = self._people_once_planned()
        for ob in self.stores["sqlite"].obligations() if people else ():
            if ob.status not in LIVE:
                continue
            if ob.assignee is not None:
                owner = people.get(ob.assignee)
                assert owner is not None, f"{ob.id} is owned by {ob.assignee}, who is not in the council"
                if ob.cadence >= 0:  # planned work: with whoever is there when it is due
                    assert owner.end is None or owner.end >= ob.due, \
                        f"{ob.id} ({ob.period_start} to {ob.due}) is owned by {owner.id}, who left on {owner.end} (today {self.today})"
                else:  # what an outcome or a contest set off passes on as its owner goes
                    assert owner.active_on(self.today), f"{ob.kind} {ob.id} is with {ob.assignee}, gone by {self.today}"
            if ob.subject_kind == "team":
                assert self.org.team(ob.subject) is not None, f"{ob.id} is for team {ob.subject}, which has closed"
            if ob.subject_kind == "worker" and ob.cause is None:
                worker = people[ob.subject]
                assert worker.start is None or worker.start <= ob.period_start, \
                    f"{ob.id} audits {worker.id} from {ob.period_start}, before they started on {worker.start}"
                assert worker.end is None or worker.end >= ob.due, \
                    f"{ob.id} audits {worker.id}, due {ob.due}, after they left on {worker.end} (today {self.today})"

    def _work_by_cadence(self) -> dict[tuple, str]:
        """Planned work, live or done, by what its cadence asks for as the framework stands (not its number)."""
        out = {}
        for o in self.stores["sqlite"].obligations():
            if o.cadence < 0 or o.status not in (*LIVE, DONE) or o.row not in self.rows():
                continue
            cadence = self.fw.row(o.row).cadence_of(o.cadence)
            if cadence is not None:
                out[(self.published_as.get(o.row, o.row), signature(cadence), o.subject_kind, o.subject, o.kind, o.period_start, o.seq)] = o.id
        return out

    def rows(self) -> set[str]:
        return {r.id for r in self.fw.rows}

    @invariant()
    def live_work_is_work_the_framework_asks_for(self) -> None:
        """A row or a cadence the council struck out leaves no live work behind once the tick has run; and a
        cadence an amendment kept keeps its work: the same period's work of it is the same obligation."""
        if not self.planned:
            return
        kept = {(r.id, n) for r in self.fw.rows if r.schedulable for n, _ in r.numbered()}
        planned = [o for o in self.stores["sqlite"].obligations() if o.cadence >= 0]
        struck = [(o.id, o.row, o.cadence) for o in planned if o.status in LIVE and (o.row, o.cadence) not in kept]
        assert not struck, f"on {self.today}, live work of a cadence the framework no longer has: {struck[:3]}"
        now = self._work_by_cadence()
        taken = [(key[0], key[5], self.kept[key], oid) for key, oid in now.items() if self.kept.get(key, oid) != oid]
        assert not taken, f"on {self.today}, work of a cadence the amendment kept was taken for other work: {taken[:3]}"
        was = {oid: key[0] for key, oid in self.kept.items()}
        turned = [(oid, was[oid], key[0]) for key, oid in now.items() if was.get(oid, key[0]) != key[0]]
        assert not turned, f"on {self.today}, work became another row's (by the number it was published under): {turned[:3]}"
        self.kept.update(now)

    @invariant()
    def late_work_has_its_owner_told_for_the_date_it_is_due_now(self) -> None:
        """The ladder's first rung ("the assignee, when it becomes overdue") is raised for every live piece of
        work past its due date at the last tick, against the date it is due now or a later one: more time
        given and missed starts the ladder again; a due date the framework brought forward does not."""
        first = next(((n, s) for n, s in self.fw.rungs() if s.after == 0), None)
        if not self.planned or first is None:
            return
        store = self.stores["sqlite"]
        late = {o.id: o.due for o in store.obligations() if o.status in LIVE and o.assignee and o.due < self.today
                and o.id not in self.since_tick}  # fmt: skip
        raised: dict[str, date] = {}
        with store.read() as conn:
            for r in conn.execute(select(ESCALATIONS.c.obligation, ESCALATIONS.c.due).where(ESCALATIONS.c.level == first[0])):
                raised[r.obligation] = max(r.due, raised.get(r.obligation, r.due))
        missing = sorted(oid for oid, due in late.items() if raised.get(oid, date.min) < due)
        assert not missing, f"on {self.today}, late work whose owner was not told for its date: {missing[:3]}"

    @invariant()
    def work_back_in_scope_is_back(self) -> None:
        """News withdrawn (a leaving date given in error): this month's and last month's work that left scope,
        and that its period's own plan holds again, is live again once the tick has run."""
        if not self.planned:
            return
        since = (self.today.replace(day=1) - timedelta(days=1)).replace(day=1)
        gone = sorted((o for o in self.stores["sqlite"].obligations() if o.status == CANCELLED and o.cadence >= 0
                       and o.period_end >= since and (o.status_reason or "").startswith(OUT_OF_SCOPE)), key=_period)  # fmt: skip
        for (start, end), obs in groupby(gone, key=_period):
            held = {(o.id, o.period_end) for o in plan(self.fw, self.org, start, end, self.today).obligations}
            back = [(o.id, o.status_reason) for o in obs if (o.id, o.period_end) in held]
            assert not back, f"on {self.today}, work its period's plan holds again is still cancelled: {back[:3]}"

    def _people_once_planned(self) -> dict:
        """The council's people by id, once the tick has run since it last changed (else empty: nothing to check yet)."""
        return {p.id: p for p in self.org.people} if self.planned else {}

    @invariant()
    def every_worker_in_post_has_this_months_audit(self) -> None:
        """3.16: "one case per month for each worker", whoever their Practice Manager is by the month's end."""
        if not self.planned:
            return
        month = self.today.replace(day=1)
        audits = [o for o in self.stores["sqlite"].obligations() if o.row == "3.16" and o.cadence == 0 and o.period_start == month]
        if not audits:
            return
        due, people = audits[0].due, {p.id: p for p in self.org.people}
        owed = {o.subject for o in audits if o.status != CANCELLED}
        for w in self.org.people:
            boss = people.get(w.manager or "")
            if "Social Worker" not in w.roles or boss is None or "Practice Manager" not in boss.roles:
                continue
            if all(p.start is None or p.start <= day for p, day in ((w, month), (boss, due))) and \
                    all(p.end is None or p.end >= due for p in (w, boss)):  # fmt: skip
                assert w.id in owed, f"{w.name} is in post all {month:%B %Y} under {boss.name}, and has no audit that month"

    @invariant()
    def a_workers_live_audits_are_her_line_managers(self) -> None:
        """"A new line manager inherits open ones": overdue ones too, once the tick has run."""
        people = self._people_once_planned()
        for o in self.stores["sqlite"].obligations() if people else ():
            if o.row != "3.16" or o.cadence != 0 or o.status not in LIVE:
                continue
            boss = people.get(people[o.subject].manager or "")
            if boss is not None and "Practice Manager" in boss.roles and (boss.end is None or boss.end >= o.due):
                assert o.assignee == boss.id, f"{o.id} ({o.period_start:%B %Y}) of {o.subject} is with {o.assignee}, not {boss.id}"

EXAMPLES = int(os.environ.get("QAF_LIFECYCLE_EXAMPLES", "3"))
STEPS = int(os.environ.get("QAF_LIFECYCLE_STEPS", "12"))  # steps a year: more reach moderation and closed actions
SHRINK = os.environ.get("QAF_LIFECYCLE_SHRINK") == "1"  # shrinking a failure takes minutes: ask for it when chasing one


def test_a_councils_year_played_at_random_loses_and_duplicates_nothing_on_either_database() -> None:
    _postgres_or_skip()
    CouncilYear.TestCase.settings = settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
        suppress_health_check=list(HealthCheck), derandomize=EXAMPLES <= 3,
        phases=(Phase.explicit, Phase.reuse, Phase.generate) + ((Phase.shrink,) if SHRINK else ()),
    )  # fmt: skip
    CouncilYear.TestCase().runTest()


def _leaves(org, pid: str, end: date):
    return replace(org, people=tuple(replace(p, end=end) if p.id == pid else p for p in org.people))


def test_a_leaver_reported_weeks_late_has_their_overdue_audit_cancelled_and_nobody_chased_for_it(store: SqlStore) -> None:
    """Practice Managers: one case per month for each worker (3.16). Ruth Steady leaves on 2 April
    2024; the people list that says so is loaded on 4 May. Her April audit, overdue by then, is
    cancelled with the reason, and it climbs no further up the escalation ladder."""
    store.save_framework(FW, bundled.path(FRAMEWORK).read_text())
    store.save_org(council())
    for day in (date(2024, 4, 1), date(2024, 5, 3)):
        _tick(store, day)
    april = [o for o in store.obligations() if o.row == "3.16" and o.subject == "SW2" and o.period_start == date(2024, 4, 1)]
    assert april and {o.status for o in april} == {"open"}, "before the news: her April audit is overdue"

    store.save_org(_leaves(council(), "SW2", date(2024, 4, 2)))
    for day in (date(2024, 5, 4), date(2024, 6, 14)):
        _tick(store, day)

    after = {o.id: o for o in store.obligations()}
    for ob in april:
        assert after[ob.id].status == CANCELLED
        assert after[ob.id].status_reason == "out of scope: Ruth Steady left on 2024-04-02"
    with store.read() as conn:
        chased = conn.execute(select(ESCALATIONS.c.level, ESCALATIONS.c.to_person, ESCALATIONS.c.on)
                              .where(ESCALATIONS.c.obligation.in_([o.id for o in april]))).all()  # fmt: skip
    assert [tuple(r) for r in chased] == [(0, "PM1", date(2024, 5, 3))], "reminded once while it was hers to do; never after"
    others = [o for o in after.values() if o.row == "3.16" and o.period_start == date(2024, 4, 1) and o.subject != "SW2"]
    assert others and all(o.status != CANCELLED for o in others), "the other workers' April audits are untouched"


def test_a_leaving_date_given_in_error_and_taken_back_brings_back_last_months_audit(store: SqlStore) -> None:
    """HR's list loaded on 10 June says Ruth Steady left on 20 April: her April, May and June audits are
    cancelled. It was another Ruth; the list loaded on 12 June takes the date back. June's audit (this
    month's) and May's (last month's, overdue) are hers to do again, with Pat Practice; April's, older,
    stays cancelled with its reason: a record re-opened long after must not bring back months gone by."""
    store.save_framework(FW, bundled.path(FRAMEWORK).read_text())
    store.save_org(council())
    for day in (date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)):
        _tick(store, day)

    def audits():
        return {o.period_start.month: o for o in store.obligations() if o.row == "3.16" and o.subject == "SW2" and o.cadence == 0}

    assert {m: o.status for m, o in audits().items() if m in (4, 5, 6)} == {4: "open", 5: "open", 6: "open"}
    store.save_org(_leaves(council(), "SW2", date(2024, 4, 20)))
    _tick(store, date(2024, 6, 10))
    assert {m: o.status for m, o in audits().items() if m in (4, 5, 6)} == {4: CANCELLED, 5: CANCELLED, 6: CANCELLED}

    store.save_org(council())
    _tick(store, date(2024, 6, 12))
    back = audits()
    assert (back[5].status, back[5].assignee, back[5].status_reason) == ("open", "PM1", None)
    assert (back[6].status, back[6].assignee) == ("open", "PM1")
    assert (back[4].status, back[4].status_reason) == (CANCELLED, "out of scope: Ruth Steady left on 2024-04-20")


def test_work_done_before_the_news_of_a_leaver_stays_done(store: SqlStore) -> None:
    """Tom Fairley's April audit was recorded; the news that he left on 2 April comes in May.
    Done work is history: it stays done, with its outcome."""
    store.save_framework(FW, bundled.path(FRAMEWORK).read_text())
    store.save_org(council())
    _tick(store, date(2024, 4, 1))
    april = next(o for o in store.obligations() if o.row == "3.16" and o.subject == "SW1" and o.period_start == date(2024, 4, 1))
    recording.record(store, Recording(april.id, "good", date=date(2024, 4, 20)), date(2024, 4, 22))
    store.save_org(_leaves(council(), "SW1", date(2024, 4, 2)))
    _tick(store, date(2024, 5, 6))
    kept = next(o for o in store.obligations() if o.id == april.id)
    assert kept.status == DONE and kept.outcome and kept.outcome.grade == "good"


def test_a_practice_managers_successor_inherits_her_workers_overdue_audits_of_months_gone_by(store: SqlStore) -> None:
    """Pat Practice leaves on 10 July 2024, Nia New starts on the 11th with Pat's workers. The June
    audits still open (overdue) are Nia's now: the workers are still owed them."""
    store.save_framework(FW, bundled.path(FRAMEWORK).read_text())
    store.save_org(council())
    for day in (date(2024, 6, 3), date(2024, 7, 1)):
        _tick(store, day)
    nia = person("PM9", "Nia New", "Practice Manager;Team Manager", "T1", "OM1", start=date(2024, 7, 11))
    people = handed_over(date(2024, 7, 10), {"PM1": nia})
    store.save_org(replace(council(), people=people))
    _tick(store, date(2024, 7, 11))
    june = [o for o in store.obligations() if o.row == "3.16" and o.period_start == date(2024, 6, 1) and o.subject in ("SW1", "SW2")]
    assert len(june) == 2 and {(o.assignee, o.status) for o in june} == {("PM9", "open")}


def test_a_month_of_outcomes_with_an_action_for_whom_the_managers_words_name_is_refused_without_them() -> None:
    """The CSV rule's wrong line 'who' played at once: the refusal named the action's who as typed ("who: 'Mother
    anxious about the move' is neither a person id nor a role"), the manager's words in a terminal, a log or a 422."""
    _postgres_or_skip()
    year = CouncilYear()
    try:
        year.first_tick()
        year.a_csv_with_one_wrong_line_changes_nothing(pick=0, wrong="who")
    finally:
        year.teardown()
