"""Email waiting when its person leaves goes to whoever takes their place (qaf/usecases/readdress.py).

The small council of tests/council.py under East Sussex. The mail server is
down for a few days (the tick leaves everything pending); meanwhile HR's
file says a manager has left and a successor has her post. When mail works
again the notices waiting for the leaver go to the successor, greeted by
name; her mailbox, which nobody reads now, gets nothing. Both databases.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select, text

from qaf.clock import utc_now
from qaf.engine.businesstime import business_now
from qaf.engine.outcomes import Recording
from qaf.store.sql import SqlStore
from qaf.store.tables import ESCALATIONS, OUTBOX
from qaf.usecases import recording
from qaf.usecases.mail import MailSettings
from qaf.usecases.tick import run_tick
from tests.council import PEOPLE, council, handed_over, person
from tests.smtp import Inbox, free_port, smtp_server
from tests.test_outcomes import april_audit, find, scheduled
from tests.test_tick import check_told_is_queued

DOWN = MailSettings()  # no mail server: everything waits in the outbox
OLIVE, OSCAR = "olive.ops@example-council.gov.uk", "oscar.new@example-council.gov.uk"
PAT, NINA = "pat.practice@example-council.gov.uk", "nina.new@example-council.gov.uk"
HAL, HANA, HOPE = "hal.safeguard@example-council.gov.uk", "hana.locality@example-council.gov.uk", "hope.next@example-council.gov.uk"
HUGO, HETTY = "hugo.looked@example-council.gov.uk", "hetty.head@example-council.gov.uk"


def tick(store: SqlStore, day: date, settings: MailSettings = DOWN) -> None:
    run_tick(store, day, settings, "test", now=business_now(day), wall=utc_now)


def reorganised(store: SqlStore, left: date, successors: dict) -> None:
    """HR's file: each leaver in ``successors`` left on ``left``, and their successor has their post (their reports)."""
    store.save_org(council(people=handed_over(left, successors)))


def concerns_found_while_mail_is_down(store: SqlStore, audit) -> None:
    """Concerns found in ``audit`` on 23 April 2024; that day's tick runs with the mail server down."""
    recording.record(store, Recording(audit.id, "requires_improvement", concerns=True, date=date(2024, 4, 23)), date(2024, 4, 23))
    tick(store, date(2024, 4, 23))


def late_work_told_while_mail_is_down(store: SqlStore) -> None:
    """The year from 1 May 2024 ticked on 1 May and 12 June, the mail server down: May's late work on the ladder."""
    scheduled(store, "east-sussex-2013", today=date(2024, 5, 1))
    tick(store, date(2024, 5, 1))
    tick(store, date(2024, 6, 12))


def delivered(store: SqlStore, day: date) -> Inbox:
    inbox, port = Inbox(), free_port()
    with smtp_server(inbox, port):
        tick(store, day, MailSettings(host="127.0.0.1", port=port, sender="qaf@example-council.gov.uk"))
    return inbox


def test_an_alert_waiting_when_the_operations_manager_leaves_goes_to_her_successor(store: SqlStore):
    """3.16: "Alert Operations Manager at this point". Concerns found on 23 April alert Olive Ops; the mail
    server is down; Olive leaves on the 24th and Oscar New is the Operations Manager from the 25th. On the
    26th the alert reaches Oscar, who answers for Tom's work now, not Olive's old mailbox."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    audit = april_audit(store, "3.16", "SW1")
    concerns_found_while_mail_is_down(store, audit)
    reorganised(store, date(2024, 4, 24), {"OM1": person("OM9", "Oscar New", "Operations Manager", "T1", "H1", date(2024, 4, 25))})
    inbox = delivered(store, date(2024, 4, 26))
    alerts = [m for m in inbox.messages if m["Subject"].startswith("Alert")]
    assert [m["To"] for m in alerts] == [OSCAR]
    assert alerts[0].get_body(("plain",)).get_content().startswith("Dear Oscar New,")
    assert OLIVE not in [m["To"] for m in inbox.messages]


def test_an_overdue_rung_waiting_when_the_line_manager_leaves_tells_her_successor(store: SqlStore):
    """Pat Practice's May audits are late; the ladder tells her line manager, Olive Ops, while mail is down.
    Olive leaves; Oscar New takes her post. When mail works, Oscar is told (and recorded as told), not Olive."""
    late_work_told_while_mail_is_down(store)
    o = OUTBOX.c
    with store.read() as conn:  # rungs raised for Olive, not yet sent (one at once, or in her digest)
        waiting = conn.execute(select(o.key).where(o.recipient == "OM1", o.status.in_(("pending", "digested")), o.key.like("esc/%"),
                                                   o.sent_at.is_(None))).scalars().all()  # fmt: skip
    assert waiting
    reorganised(store, date(2024, 6, 12), {"OM1": person("OM9", "Oscar New", "Operations Manager", "T1", "H1", date(2024, 6, 13))})
    inbox = delivered(store, date(2024, 6, 13))
    to = [m["To"] for m in inbox.messages]
    assert OLIVE not in to and OSCAR in to
    with store.read() as conn:
        rows = conn.execute(select(o.key, o.recipient, o.reason, o.status, o.last_error).where(o.key.in_(waiting))).all()
        ladder = {(e.obligation, e.level): e.to_person for e in conn.execute(select(ESCALATIONS))}
    above = [r for r in rows if r.reason == "escalation"]  # her Practice Managers' late work
    assert above and {r.recipient for r in above} == {"OM9"}
    own = [r for r in rows if r.reason != "escalation"]  # Olive's own late work, if any: nobody takes it up
    assert all(r.status == "failed" and "Olive Ops left on 2024-06-12" in r.last_error for r in own)
    assert {ladder[r.key.split("/")[1], int(r.key.split("/")[2])] for r in above} == {"OM9"}  # the ladder says who was told
    check_told_is_queued(store)


def test_hr_news_of_a_leaver_after_the_days_tick_still_keeps_her_alert_from_her_old_mailbox(store: SqlStore):
    """The day's tick has run (mail down); HR's file arrives later that day: Olive left yesterday, Oscar has
    her post. The sender that runs between ticks (``qaf serve``'s, or ``qaf tick`` again) sends the alert
    to Oscar, not to Olive."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    audit = april_audit(store, "3.16", "SW1")
    concerns_found_while_mail_is_down(store, audit)
    reorganised(store, date(2024, 4, 22), {"OM1": person("OM9", "Oscar New", "Operations Manager", "T1", "H1", date(2024, 4, 23))})
    inbox = delivered(store, date(2024, 4, 23))  # the day done before: only its email is sent
    assert [m["To"] for m in inbox.messages if m["Subject"].startswith("Alert")] == [OSCAR]


def test_an_alert_copied_to_a_head_of_service_who_leaves_is_copied_to_her_successor(store: SqlStore):
    """3.3: the Operations Manager's audit of Pat's supervision is "forwarded to Head of Service" (Hana
    Locality) and concerns alert the Head of Safeguarding. The alert waits (mail down); Hana leaves and Hope
    Next is Head of Service. The Head of Safeguarding's alert is copied to Hope, and the copy of the finished
    audit goes to Hope: Hana's old mailbox gets nothing."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    audit = next(o for o in find(store, row="3.3", subject="PM1", kind="audit"))
    concerns_found_while_mail_is_down(store, audit)
    reorganised(store, date(2024, 4, 24), {"H1": person("H9", "Hope Next", "Head of Service", "T1", "AD1", date(2024, 4, 25))})
    inbox = delivered(store, date(2024, 4, 26))
    [alert] = [m for m in inbox.messages if m["Subject"].startswith("Alert")]
    assert (alert["To"], alert["Cc"]) == (HAL, HOPE)
    assert [m["To"] for m in inbox.messages if m["Subject"].startswith("Copy: 3.3")] == [HOPE]
    assert HANA not in str([(m["To"], m["Cc"]) for m in inbox.messages])


def test_a_rung_waiting_when_the_owner_and_her_manager_both_leave_names_the_new_owner(store: SqlStore):
    """Pat Practice's May audits are late, and the ladder tells Olive Ops while mail is down. Both leave;
    Nina New has Pat's post (and her audits), Oscar New has Olive's. Oscar is told the work is Nina's, in
    the subject as in the text: "Overdue (Nina New)", never the leaver's name."""
    late_work_told_while_mail_is_down(store)
    oscar = person("OM9", "Oscar New", "Operations Manager", "T1", "H1", date(2024, 6, 13))
    reorganised(store, date(2024, 6, 12), {"OM1": oscar, "PM1": person("PM9", "Nina New", "Practice Manager;Team Manager", "T1", "OM9",
                                                                        date(2024, 6, 13))})  # fmt: skip
    inbox = delivered(store, date(2024, 6, 13))
    told = [m for m in inbox.messages if m["To"] == OSCAR and "Assigned to: Nina New" in m.get_body(("plain",)).get_content()]
    assert told and all(m["Subject"].startswith("Overdue (Nina New): ") for m in told)
    assert not [m["Subject"] for m in inbox.messages if "Pat Practice" in m["Subject"] and m["To"] in (OSCAR, NINA)]


def a_copy_to_hana_turned_away_for_now(store: SqlStore) -> None:
    """3.3's concerns alert the Head of Safeguarding, copied to Hana Locality (Head of Service, "forwarded to
    Head of Service"). On 24 April the alert goes to Hal but Hana's mailbox is busy (450): her copy waits as
    an email of its own."""
    from tests.test_tick import Refusing

    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    audit = next(o for o in find(store, row="3.3", subject="PM1", kind="audit"))
    concerns_found_while_mail_is_down(store, audit)
    inbox, port = Refusing(set(), {HANA}), free_port()
    with smtp_server(inbox, port):
        tick(store, date(2024, 4, 24), MailSettings(host="127.0.0.1", port=port, sender="qaf@example-council.gov.uk"))
    assert [m["To"] for m in inbox.messages if m["Subject"].startswith("Alert")] == [HAL]


def test_a_copy_refused_for_now_and_waiting_when_its_head_of_service_leaves_goes_to_her_successor(store: SqlStore):
    """Hana's copy of the alert waits; she leaves on the 24th and Hope Next has her post. On the 26th the copy
    goes to Hope, not Hana's old mailbox."""
    a_copy_to_hana_turned_away_for_now(store)
    reorganised(store, date(2024, 4, 24), {"H1": person("H9", "Hope Next", "Head of Service", "T1", "AD1", date(2024, 4, 25))})
    inbox = delivered(store, date(2024, 4, 26))
    assert [m["To"] for m in inbox.messages if m["Subject"].startswith("Alert")] == [HOPE]
    assert HANA not in str([(m["To"], m["Cc"]) for m in inbox.messages])


def test_a_copy_refused_for_now_whose_head_of_service_leaves_with_nobody_in_her_line_goes_to_each_head_of_service(store: SqlStore):
    """Hana leaves and nobody has her post: no Head of Service is up Olive's line, so the work is copied to
    every Head of Service, as the schedule copies it (Hugo Looked, and Hetty Head, new): each has the copy once."""
    a_copy_to_hana_turned_away_for_now(store)
    hetty = person("H8", "Hetty Head", "Head of Service", "T2", "AD1", date(2024, 4, 25))
    store.save_org(council(people=tuple(replace(p, end=date(2024, 4, 24)) if p.id == "H1" else p for p in PEOPLE) + (hetty,)))
    inbox = delivered(store, date(2024, 4, 26))
    assert sorted(m["To"] for m in inbox.messages if m["Subject"].startswith("Alert")) == [HETTY, HUGO]
    assert HANA not in str([(m["To"], m["Cc"]) for m in inbox.messages])


def test_a_copy_refused_for_now_whose_head_of_service_leaves_with_nobody_in_her_post_is_failed_saying_why(store: SqlStore):
    """Hana and Hugo leave and nobody is Head of Service: Hana's copy of the alert is not sent to her old
    mailbox; it is failed, saying she left and nobody in post answers for the work."""
    a_copy_to_hana_turned_away_for_now(store)
    store.save_org(council(people=tuple(replace(p, end=date(2024, 4, 24)) if p.id in ("H1", "H2") else p for p in PEOPLE)))
    inbox = delivered(store, date(2024, 4, 26))
    assert not [m for m in inbox.messages if m["Subject"].startswith("Alert")]
    o = OUTBOX.c
    with store.read() as conn:
        [(status, why)] = conn.execute(select(o.status, o.last_error).where(o.key.like("alert/%/cc/%"))).all()
    assert status == "failed" and why.startswith("not sent: Hana Locality left on 2024-04-24, and nobody in post")


def olives_report_done_while_mail_is_down(store: SqlStore, org=None):
    """3.14: Olive's quarterly report for April to June, "to be copied to Head of Safeguarding", done on 28 June
    while the mail server is down: each Head of Safeguarding's copy waits. The report."""
    scheduled(store, "east-sussex-2013", org=org, today=date(2024, 6, 10))
    report = next(o for o in find(store, row="3.14", kind="report", assignee="OM1") if o.period_start == date(2024, 4, 1))
    assert "HS1" in report.copies
    recording.record(store, Recording(report.id, None, date=date(2024, 6, 28)), date(2024, 6, 28))
    tick(store, date(2024, 6, 28))
    return report


def test_a_copy_waiting_when_the_head_of_safeguarding_leaves_goes_to_each_head_of_safeguarding_now(store: SqlStore):
    """3.14: the Operations Manager's quarterly report is "to be copied to Head of Safeguarding". Olive's
    report for April to June is done on 28 June while mail is down: Hal Safeguard's copy waits. Hal leaves on
    1 July and two Heads of Safeguarding share his post from the 2nd: the schedule copies the work to every
    holder of the role, so each of them has the copy once, and Hal's old mailbox nothing."""
    olives_report_done_while_mail_is_down(store)
    sharing = (person("HS8", "Hari Safe", "Head of Safeguarding", None, "AD1", date(2024, 7, 2)),
               person("HS9", "Holly Safe", "Head of Safeguarding", None, "AD1", date(2024, 7, 2)))  # fmt: skip
    store.save_org(council(people=handed_over(date(2024, 7, 1), {"HS1": sharing[0]}) + sharing[1:]))
    inbox = delivered(store, date(2024, 7, 3))
    copies = sorted(m["To"] for m in inbox.messages if m["Subject"].startswith("Copy: 3.14 report done"))
    assert copies == ["hari.safe@example-council.gov.uk", "holly.safe@example-council.gov.uk"]
    assert HAL not in str([(m["To"], m["Cc"]) for m in inbox.messages])


def test_two_copies_waiting_when_both_heads_of_safeguarding_leave_and_one_comes_are_one_copy_for_her(store: SqlStore):
    """Two Heads of Safeguarding, Hal and Hayley, each have a copy of Olive's 3.14 report waiting (mail down).
    Both leave on 1 July and Hari Safe alone has the post from the 2nd: he has one copy, not one for each
    leaver; the other is failed, saying who has it in her place."""
    hayley = person("HS2", "Hayley Safe", "Head of Safeguarding", None, "AD1")
    report = olives_report_done_while_mail_is_down(store, council(people=PEOPLE + (hayley,)))
    assert "HS2" in report.copies
    hari = person("HS8", "Hari Safe", "Head of Safeguarding", None, "AD1", date(2024, 7, 2))
    store.save_org(council(people=tuple(replace(p, end=date(2024, 7, 1)) if p.id == "HS1" else p for p in PEOPLE)
                           + (replace(hayley, end=date(2024, 7, 1)), hari)))  # fmt: skip
    inbox = delivered(store, date(2024, 7, 3))
    assert [m["To"] for m in inbox.messages if m["Subject"].startswith("Copy: 3.14 report done")] == ["hari.safe@example-council.gov.uk"]
    o = OUTBOX.c
    with store.read() as conn:
        failed = conn.execute(select(o.last_error).where(o.key.like(f"copy/{report.id}/%"), o.status == "failed")).scalars().all()
    assert [why.endswith("has left; it goes to Hari Safe in their place") for why in failed] == [True]


def test_a_copy_waiting_for_a_head_of_safeguarding_who_leaves_reaches_the_role_mailbox_his_successor_reads(store: SqlStore):
    """Hal Safeguard's copy of Olive's 3.14 report waits (mail down). Hal leaves on 1 July and Hari Safe has his
    post from the 2nd, reading the role's own mailbox, Hal's address. The copy is Hari's, greeted by name: it was
    failed as if nobody in post answered for the work, since the address it waited for counted as one that had it."""
    olives_report_done_while_mail_is_down(store)
    hari = replace(person("HS8", "Hari Safe", "Head of Safeguarding", None, "AD1", date(2024, 7, 2)), email=HAL)
    store.save_org(council(people=handed_over(date(2024, 7, 1), {"HS1": hari})))
    inbox = delivered(store, date(2024, 7, 3))
    [copy] = [m for m in inbox.messages if m["Subject"].startswith("Copy: 3.14 report done")]
    assert copy["To"] == HAL and copy.get_body(("plain",)).get_content().startswith("Dear Hari Safe,")


def test_an_alert_a_dead_sender_left_claimed_when_the_operations_manager_leaves_goes_to_her_successor(store: SqlStore):
    """3.16's alert to Olive Ops was claimed by a sender that then died (its lease run out), and Olive left
    before the next sender came. A claimed row is not waiting, so readdressing passed it by, and the next
    sender took it back and sent it to Olive's old mailbox. What a dead sender left claimed now waits again
    first, and the alert reaches Oscar New, her successor."""
    from datetime import timedelta

    from sqlalchemy import update

    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    audit = april_audit(store, "3.16", "SW1")
    concerns_found_while_mail_is_down(store, audit)
    with store.write() as conn:  # a sender on another host claimed it, and died: its lease ran out an hour ago
        claimed = conn.execute(update(OUTBOX).where(OUTBOX.c.recipient_email == OLIVE, OUTBOX.c.status == "pending").values(
            status="sending", claimed_by="elsewhere:4242:dead.beef", claimed_until=utc_now() - timedelta(hours=1))).rowcount  # fmt: skip
    assert claimed >= 1
    reorganised(store, date(2024, 4, 24), {"OM1": person("OM9", "Oscar New", "Operations Manager", "T1", "H1", date(2024, 4, 25))})
    inbox = delivered(store, date(2024, 4, 26))
    assert [m["To"] for m in inbox.messages if m["Subject"].startswith("Alert")] == [OSCAR]
    assert OLIVE not in [m["To"] for m in inbox.messages]


def safeguarding_action_raised_while_mail_is_down(store: SqlStore) -> None:
    """3.16: concerns in Tom's April audit on 23 April raise an action marked safeguarding, which alerts Olive Ops
    at once; that day's tick runs with the mail server down."""
    from qaf.engine.actions import parse_action

    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    audit = april_audit(store, "3.16", "SW1")
    visit = parse_action("Visit the child at school with the new worker | due: 2024-05-31 | safeguarding")[0]
    recording.record(store, Recording(audit.id, "requires_improvement", concerns=True, date=date(2024, 4, 23), actions=(visit,)),
                     date(2024, 4, 23))  # fmt: skip
    tick(store, date(2024, 4, 23))


def test_a_safeguarding_actions_alert_waiting_when_the_operations_manager_leaves_goes_to_her_successor(store: SqlStore):
    """3.16 audit with concerns and an action marked safeguarding: it alerts Olive Ops at once, but the mail server
    is down. Olive leaves on the 24th and Oscar New is the Operations Manager from the 25th: the alert reaches
    Oscar, greeted by name, not Olive's old mailbox (it was left as it was: its key was not one readdressing read)."""
    safeguarding_action_raised_while_mail_is_down(store)
    reorganised(store, date(2024, 4, 24), {"OM1": person("OM9", "Oscar New", "Operations Manager", "T1", "H1", date(2024, 4, 25))})
    inbox = delivered(store, date(2024, 4, 26))
    [alert] = [m for m in inbox.messages if m["Subject"].startswith("Safeguarding action")]
    assert alert["To"] == OSCAR and alert.get_body(("plain",)).get_content().startswith("Dear Oscar New,")
    assert OLIVE not in [m["To"] for m in inbox.messages]


def test_a_safeguarding_actions_alert_whose_row_the_council_struck_since_is_left_as_it_is_and_mail_still_goes(store: SqlStore, tmp_path):
    """3.16's safeguarding action alerts Olive Ops while mail is down. The council then strikes row 3.16 from its
    framework, and Olive leaves with Oscar New in her post: nothing now says whom 3.16's alerts go to, so the alert
    is left as it was (as any key the framework no longer explains); readdressing never stops on it, and the
    minute's send still sends what waits."""
    from qaf.usecases.readdress import readdress
    from tests.test_reconcile import amended

    def without_3_16(text: str) -> str:
        start = text.index('  - id: "3.16"')
        return text[:start] + text[text.index('  - id: "4.1"', start):]

    safeguarding_action_raised_while_mail_is_down(store)
    store.save_framework(*amended(tmp_path, "struck", without_3_16))
    reorganised(store, date(2024, 4, 24), {"OM1": person("OM9", "Oscar New", "Operations Manager", "T1", "H1", date(2024, 4, 25))})
    readdress(store, date(2024, 4, 26), "test", utc_now())
    o = OUTBOX.c
    with store.read() as conn:
        [(to, status)] = conn.execute(select(o.recipient, o.status).where(o.key.like("action/%/safeguarding"))).all()
    assert (to, status) == ("OM1", "pending")


def test_late_work_told_while_mail_is_down_is_not_told_as_late_once_done_or_given_more_time(store: SqlStore):
    """Pat Practice's May audits are late and the ladder tells her, and above her, while the mail server is down.
    On 12 June she records one, and Hana Locality gives her more time for another. When mail works again on the 13th
    nobody is told those two are late: their waiting emails are withdrawn, saying why, and recorded so; the rest of
    her late work is told, once."""
    from qaf.engine.query import Filters
    from qaf.usecases.mail import message_id
    from qaf.usecases.readdress import MOVED_ON

    late_work_told_while_mail_is_down(store)
    o = OUTBOX.c
    with store.read() as conn:
        waiting = conn.execute(select(o.key, o.cause).where(o.status == "pending", o.digest.is_(False), o.key.like("esc/%"))).all()
    audits = sorted(ob.id for ob in store.obligations(Filters(ids=frozenset(r.cause for r in waiting), statuses=None)) if ob.kind == "audit")
    assert len(audits) >= 3, waiting
    done, extended = audits[:2]
    recording.record(store, Recording(done, "good", date=date(2024, 6, 12)), date(2024, 6, 12))
    recording.extend(store, extended, date(2024, 6, 14), "H1", "", date(2024, 6, 12))  # the Head of Service: weeks more
    inbox = delivered(store, date(2024, 6, 13))
    sent = {m["Message-ID"] for m in inbox.messages}
    with store.read() as conn:
        rows = {r.key: r for r in conn.execute(select(o.key, o.cause, o.status, o.last_error).where(o.key.in_([w.key for w in waiting])))}
        withdrawn = conn.execute(text("select ref from events where kind = 'notice.withdrawn'")).scalars().all()
    moved = [w.key for w in waiting if w.cause in (done, extended)]
    assert moved and all(rows[k].status == "withdrawn" and rows[k].last_error == MOVED_ON for k in moved)
    assert not sent & {message_id(k) for k in moved}
    assert sorted(withdrawn) == sorted(rows[k].cause for k in moved)
    still = [w.key for w in waiting if w.cause not in (done, extended)]
    assert still and all(rows[k].status == "sent" for k in still) and {message_id(k) for k in still} <= sent
    assert len(inbox.messages) == len(sent)  # each once
