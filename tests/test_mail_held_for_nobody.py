"""An alert nobody in post answers for is held, and goes to whoever holds the post (qaf/usecases/readdress.py).

East Sussex 3.16: "If audit reveals significant concerns ... Alert Operations
Manager at this point." The small council of tests/council.py: Pat Practice
audits Tom Fairley's case and reports to Olive Ops. When both Operations
Managers have gone and nobody is in their post, the alert cannot go to
anyone: it is kept, failed and saying why (``qaf outbox --status failed``),
and when HR's file names a new Operations Manager it goes to her, greeted
by name, within 92 days of being raised (qaf's default). Both databases.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from qaf.clock import utc_now
from qaf.engine.notices import HELD_DAYS
from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.store.sql import SqlStore
from qaf.store.tables import EVENTS, OUTBOX
from qaf.usecases import recording
from tests.council import PEOPLE, council, handed_over, person
from tests.test_mail_after_leaving import HANA, OLIVE, OSCAR, concerns_found_while_mail_is_down, delivered, tick
from tests.test_outcomes import april_audit, find, scheduled

OPERATIONS_MANAGERS = ("OM1", "OM2")


def operations_managers_gone(store: SqlStore, left: date) -> None:
    """HR's file: Olive Ops and Otto Ops left on ``left``; nobody is an Operations Manager."""
    store.save_org(council(people=tuple(replace(p, end=left) if p.id in OPERATIONS_MANAGERS else p for p in PEOPLE)))


def oscar_starts(store: SqlStore, left: date, start: date) -> None:
    """HR's file again: Oscar New has Olive's post (her Practice Managers report to him) from ``start``."""
    gone = tuple(replace(p, end=left) if p.id == "OM2" else p for p in PEOPLE)
    store.save_org(council(people=handed_over(left, {"OM1": person("OM9", "Oscar New", "Operations Manager", "T1", "H1", start)}, gone)))


def the_alert(store: SqlStore):
    o = OUTBOX.c
    with store.read() as conn:
        [row] = conn.execute(select(o.recipient, o.recipient_email, o.status, o.last_error).where(o.key.like("alert/%"), ~o.key.contains("/cc/"))).all()
    return row


def revived(store: SqlStore) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(EVENTS).where(EVENTS.c.kind == "notice.revived")).scalar_one()


def alerts(inbox) -> list[str]:
    return [m["To"] for m in inbox.messages if m["Subject"].startswith("Alert")]


def hal_leaves(store: SqlStore, left: date) -> None:
    """HR's file: Hal Safeguard, the Head of Safeguarding, left on ``left``, and nobody has his post."""
    store.save_org(council(people=tuple(replace(p, end=left) if p.id == "HS1" else p for p in PEOPLE)))


def holly_comes(store: SqlStore, left: date) -> None:
    """HR's file again: Holly Guard has Hal's post (he left on ``left``) from 1 May."""
    store.save_org(council(people=handed_over(left, {"HS1": person("HS9", "Holly Guard", "Head of Safeguarding", None, "AD1", date(2024, 5, 1))})))


def hanas_copy(inbox):
    """The one alert in ``inbox``: Hana Locality's copy, an email of its own."""
    [copy] = [m for m in inbox.messages if m["Subject"].startswith("Alert")]
    assert (copy["To"], copy["Cc"]) == (HANA, None)
    return copy


def concerns_found_with_nobody_in_post(store: SqlStore):
    """Olive and Otto left on 20 April; Pat records significant concerns in Tom's April audit on the 23rd."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 19))
    audit = april_audit(store, "3.16", "SW1")
    operations_managers_gone(store, date(2024, 4, 20))
    return recording.record(store, Recording(audit.id, "requires_improvement", concerns=True, date=date(2024, 4, 23)), date(2024, 4, 23))


def test_an_alert_raised_while_the_operations_managers_post_is_empty_is_held_saying_why(store: SqlStore):
    """Nobody is an Operations Manager on 23 April: the recording says the alert is held (a shortfall, not a notice
    queued), and the outbox keeps it, failed, to nobody, saying why: no mailbox of a leaver gets it."""
    result = concerns_found_with_nobody_in_post(store)
    assert not [n for n in result.queued if n.reason == "alert"]
    assert [s for s in result.shortfalls if "no Operations Manager found for the worker" in s and "held" in s]
    recipient, email, status, why = the_alert(store)
    assert (recipient, email, status) == (None, "", "failed")
    assert why == "not sent: no Operations Manager found for the worker: nobody in post now answers for this work"
    inbox = delivered(store, date(2024, 4, 24))
    assert alerts(inbox) == [] and OLIVE not in [m["To"] for m in inbox.messages]


def test_a_held_alert_goes_to_the_new_operations_manager_on_his_first_day(store: SqlStore):
    """Oscar New is named Operations Manager from 1 May (HR's file comes on the 28th). The tick of 30 April sends
    nothing (he is not in post yet); that of 1 May sends him the alert, greeted by name, and the log says so."""
    concerns_found_with_nobody_in_post(store)
    tick(store, date(2024, 4, 24))
    oscar_starts(store, date(2024, 4, 20), date(2024, 5, 1))
    assert alerts(delivered(store, date(2024, 4, 30))) == []
    inbox = delivered(store, date(2024, 5, 1))
    assert alerts(inbox) == [OSCAR]
    [alert] = [m for m in inbox.messages if m["Subject"].startswith("Alert")]
    text = alert.get_body(("plain",)).get_content()
    assert text.startswith("Dear Oscar New,\n\nThis waited while nobody in post answered for this work; it comes to you now that you do.\n")
    assert "found significant concerns" in text  # the alert itself, as it was written
    assert the_alert(store)[:3] == ("OM9", OSCAR, "sent") and revived(store) == 1
    assert alerts(delivered(store, date(2024, 5, 2))) == []  # once


def test_an_alert_whose_operations_manager_left_with_nobody_in_her_post_goes_to_her_successor_when_one_comes(store: SqlStore):
    """The alert waits for Olive (mail down); Olive and Otto leave on the 24th and nobody has their post: it is failed,
    saying so. Oscar takes Olive's post on 1 May: it goes to him then."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    concerns_found_while_mail_is_down(store, april_audit(store, "3.16", "SW1"))
    operations_managers_gone(store, date(2024, 4, 24))
    assert alerts(delivered(store, date(2024, 4, 26))) == []
    recipient, _, status, why = the_alert(store)
    assert (recipient, status) == ("OM1", "failed") and why.startswith("not sent: Olive Ops left on 2024-04-24, and nobody in post")
    oscar_starts(store, date(2024, 4, 24), date(2024, 5, 1))
    assert alerts(delivered(store, date(2024, 5, 1))) == [OSCAR]
    assert revived(store) == 1


def test_while_the_post_stays_empty_the_held_alert_stays_as_it_is_and_the_log_quiet(store: SqlStore):
    """A week of ticks with nobody in post: the alert stays failed, and no tick writes a line about it."""
    concerns_found_with_nobody_in_post(store)
    before = the_alert(store)
    with store.read() as conn:
        lines = conn.execute(select(func.count()).select_from(EVENTS).where(EVENTS.c.ref.like("%"), EVENTS.c.kind.like("notice.%"))).scalar_one()
    for day in range(24, 31):
        assert alerts(delivered(store, date(2024, 4, day))) == []
    assert the_alert(store) == before and revived(store) == 0
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(EVENTS).where(EVENTS.c.kind.like("notice.%"))).scalar_one() == lines


def test_an_alert_held_longer_than_qafs_default_is_not_sent_when_someone_comes_at_last(store: SqlStore):
    """Raised 93 days ago (qaf holds an alert 92 days, its default) and Oscar comes at last: nothing is sent, and
    it stays failed for someone to send again by hand (``qaf outbox --send-again``)."""
    concerns_found_with_nobody_in_post(store)
    with store.write() as conn:  # the alert raised HELD_DAYS + 1 days before now
        conn.execute(update(OUTBOX).where(OUTBOX.c.key.like("alert/%")).values(created_at=utc_now() - timedelta(days=HELD_DAYS + 1)))
    oscar_starts(store, date(2024, 4, 20), date(2024, 4, 25))
    assert alerts(delivered(store, date(2024, 4, 25))) == []
    assert the_alert(store)[2] == "failed" and revived(store) == 0


def test_those_an_alert_is_copied_to_have_their_copy_now_while_the_alert_waits_for_someone_in_post(store: SqlStore):
    """3.3: concerns in the Operations Manager's audit of Pat's supervision alert the Head of Safeguarding, and
    the work is "forwarded to Head of Service" (Hana Locality). Hal Safeguard left on 20 April and nobody has
    his post: Hana has her copy of the alert on the 24th, saying nobody holds the post; the alert waits. Holly
    Guard is Head of Safeguarding from 1 May: the alert goes to her then, and Hana is not copied twice."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 19))
    audit = next(o for o in find(store, row="3.3", subject="PM1", kind="audit"))
    hal_leaves(store, date(2024, 4, 20))
    recording.record(store, Recording(audit.id, "requires_improvement", concerns=True, date=date(2024, 4, 23)), date(2024, 4, 23))
    copy = hanas_copy(delivered(store, date(2024, 4, 24)))
    assert copy.get_body(("plain",)).get_content().startswith("No Head of Safeguarding is in post for this work: this copy comes to you now")
    holly_comes(store, date(2024, 4, 20))
    inbox = delivered(store, date(2024, 5, 1))
    [alert] = [m for m in inbox.messages if m["Subject"].startswith("Alert")]
    assert (alert["To"], alert["Cc"]) == ("holly.guard@example-council.gov.uk", None)
    assert alert.get_body(("plain",)).get_content().startswith("Dear Holly Guard,")


def test_a_held_alert_is_not_sent_again_by_hand_to_nobody(store: SqlStore, db_url: str, capsys):
    """``qaf outbox --send-again`` puts a failed notice back to be sent; a held alert has nobody to go to, so it
    is refused, saying it goes to whoever holds the post, and the store is as it was."""
    from qaf.cli.main import main
    from tests.conftest import snapshot

    concerns_found_with_nobody_in_post(store)
    with store.read() as conn:
        [rid] = conn.execute(select(OUTBOX.c.id).where(OUTBOX.c.key.like("alert/%"))).scalars().all()
    before = snapshot(store)
    assert main(["--db", db_url, "outbox", "--send-again", str(rid)]) == 1
    assert f"{rid}: is held for nobody in post: it goes to whoever holds the post when someone does" in capsys.readouterr().err
    assert snapshot(store) == before


def test_a_grades_notice_to_an_empty_post_is_held_and_goes_to_whoever_holds_it(store: SqlStore):
    """A council's framework tells its Head of Safeguarding of every inadequate grade (``notify_on_grade``). Hal
    Safeguard left on 20 April and nobody has his post when Tom's audit is graded inadequate on the 23rd: the
    notice is held, saying why; Holly Guard holds the post from 1 May and is told then."""
    import dataclasses

    from qaf.rules.printer import print_framework
    from qaf.usecases import scheduling
    from tests.test_outcomes import FRAMEWORKS, YEAR

    fw = dataclasses.replace(FRAMEWORKS["east-sussex-2013"], notify_on_grade=("Head of Safeguarding",))
    store.save_framework(fw, print_framework(fw))
    hal_gone = tuple(replace(p, end=date(2024, 4, 20)) if p.id == "HS1" else p for p in PEOPLE)
    store.save_org(council(people=hal_gone))
    scheduling.schedule(store, fw, council(people=hal_gone), *YEAR, date(2024, 4, 19))
    told = recording.record(store, Recording(april_audit(store, "3.16", "SW1").id, "inadequate", date=date(2024, 4, 23)), date(2024, 4, 23))
    assert told.queued == () and [s for s in told.shortfalls if "no Head of Safeguarding found for the assignee" in s and "held" in s]
    o = OUTBOX.c
    with store.read() as conn:
        [(status, why)] = conn.execute(select(o.status, o.last_error).where(o.key.like("grade/%"))).all()
    assert status == "failed" and why == "not sent: no Head of Safeguarding found for the assignee: nobody in post now answers for this work"
    holly_comes(store, date(2024, 4, 20))
    inbox = delivered(store, date(2024, 5, 1))
    [notice] = [m for m in inbox.messages if m["To"] == "holly.guard@example-council.gov.uk"]
    assert "grade" in notice["Subject"] and notice.get_body(("plain",)).get_content().startswith("Dear Holly Guard,")


def test_an_alert_held_when_olives_leaving_was_entered_in_error_goes_to_her_once_hr_puts_it_right(store: SqlStore):
    """HR's file says Olive and Otto left on 24 April, and the alert waiting for Olive is held. It was a mistake:
    the file is put right (nobody left) and Olive answers for Tom's work again: the alert goes to her."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    concerns_found_while_mail_is_down(store, april_audit(store, "3.16", "SW1"))
    operations_managers_gone(store, date(2024, 4, 24))
    assert alerts(delivered(store, date(2024, 4, 26))) == [] and the_alert(store)[2] == "failed"
    store.save_org(council())
    assert alerts(delivered(store, date(2024, 4, 29))) == [OLIVE]
    assert the_alert(store)[:3] == ("OM1", OLIVE, "sent") and revived(store) == 1


def test_the_directors_list_of_notices_waiting_for_someone_in_post_leaves_out_a_copy_which_never_waits(store: SqlStore):
    """Hana's copy of the 3.3 alert waits (her mailbox busy); Hana and Hugo leave and nobody is Head of Service:
    the copy is failed, saying nobody in post answers for the work. A copy is not held (the others copied have
    theirs): it never goes to a Head of Service who comes later, so the Director's list of the notices waiting
    for someone in post does not show it, and it is empty when Hope Next comes and nothing is sent."""
    from qaf.usecases.readdress import held_notices
    from tests.test_mail_after_leaving import a_copy_to_hana_turned_away_for_now

    a_copy_to_hana_turned_away_for_now(store)
    both_gone = tuple(replace(p, end=date(2024, 4, 24)) if p.id in ("H1", "H2") else p for p in PEOPLE)
    store.save_org(council(people=both_gone))
    delivered(store, date(2024, 4, 26))
    with store.read() as conn:
        failed = conn.execute(select(OUTBOX.c.key).where(OUTBOX.c.status == "failed", OUTBOX.c.last_error.contains("nobody in post"))).scalars().all()
    assert failed and all(k.startswith("copy/") or "/cc/" in k for k in failed)
    assert held_notices(store, date(2024, 4, 26), utc_now()) == []
    hope = person("H9", "Hope Next", "Head of Service", "T1", "AD1", date(2024, 4, 27))
    store.save_org(council(people=handed_over(date(2024, 4, 24), {"H1": hope}, both_gone)))
    assert delivered(store, date(2024, 4, 28)).messages == []
    assert held_notices(store, date(2024, 4, 28), utc_now()) == []


def test_an_alert_held_when_its_head_of_safeguarding_leaves_is_copied_to_the_head_of_service_at_once(store: SqlStore):
    """3.3's concerns alert Hal Safeguard, copied to Hana Locality ("forwarded to Head of Service"); the alert
    waits (mail down). Hal leaves on the 24th and nobody has his post: the alert is held, and Hana has her copy
    on the 26th, saying so, as she would had Hal gone before the alert was raised. Holly Guard is Head of
    Safeguarding from 1 May: the alert goes to her alone, and Hana is not copied twice."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    concerns_found_while_mail_is_down(store, next(o for o in find(store, row="3.3", subject="PM1", kind="audit")))
    hal_leaves(store, date(2024, 4, 24))
    copy = hanas_copy(delivered(store, date(2024, 4, 26)))
    assert copy.get_body(("plain",)).get_content().startswith("Hal Safeguard left on 2024-04-24, and nobody in post now answers for this work")
    holly_comes(store, date(2024, 4, 24))
    assert alerts(delivered(store, date(2024, 4, 30))) == []
    inbox = delivered(store, date(2024, 5, 1))
    [alert] = [m for m in inbox.messages if m["Subject"].startswith("Alert")]
    assert (alert["To"], alert["Cc"]) == ("holly.guard@example-council.gov.uk", None)


def test_an_alert_held_longer_than_qafs_default_is_sent_by_hand_to_whoever_holds_the_post_now(store: SqlStore, db_url: str, capsys):
    """Raised 93 days ago, the alert is not sent by itself when Oscar comes at last; someone sends it again by
    hand (``qaf outbox --send-again``): it goes to Oscar, greeted by name, and the log says so."""
    from qaf.cli.main import main

    concerns_found_with_nobody_in_post(store)
    with store.write() as conn:
        conn.execute(update(OUTBOX).where(OUTBOX.c.key.like("alert/%")).values(created_at=utc_now() - timedelta(days=HELD_DAYS + 1)))
    oscar_starts(store, date(2024, 4, 20), date(2024, 4, 25))
    assert alerts(delivered(store, date(2024, 4, 25))) == []
    with store.read() as conn:
        [rid] = conn.execute(select(OUTBOX.c.id).where(OUTBOX.c.key.like("alert/%"), ~OUTBOX.c.key.contains("/cc/"))).scalars().all()
    assert main(["--db", db_url, "outbox", "--send-again", str(rid)]) == 0
    assert OSCAR in capsys.readouterr().out
    inbox = delivered(store, date(2024, 4, 26))
    assert alerts(inbox) == [OSCAR]
    assert inbox.messages[0].get_body(("plain",)).get_content().startswith("Dear Oscar New,")
    assert the_alert(store)[:3] == ("OM9", OSCAR, "sent") and revived(store) == 1


def olives_alert_failed_then_she_leaves(store: SqlStore, successor: bool) -> int:
    """The alert to Olive failed as "may have been sent" (mail was down when it was raised on 23 April); she left
    on the 24th, and Oscar New has her post from the 25th (``successor``) or nobody does. Its id."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    concerns_found_while_mail_is_down(store, april_audit(store, "3.16", "SW1"))
    o = OUTBOX.c
    with store.write() as conn:
        conn.execute(update(OUTBOX).where(o.key.like("alert/%")).values(status="failed", last_error="not sent: may have been sent"))
        [rid] = conn.execute(select(o.id).where(o.key.like("alert/%"))).scalars().all()
    if successor:
        oscar_starts(store, date(2024, 4, 24), date(2024, 4, 25))
    else:
        operations_managers_gone(store, date(2024, 4, 24))
    return rid


def test_an_alert_sent_again_by_hand_after_its_reader_left_is_addressed_to_her_successor_as_it_is_put_back(store: SqlStore, db_url: str):
    """Put back by hand after Olive left, the alert waited for her old mailbox until the next pass readdressed it:
    a sender in between would have mailed it there. It is addressed to Oscar in the same transaction."""
    from qaf.cli.main import main

    rid = olives_alert_failed_then_she_leaves(store, successor=True)
    assert main(["--db", db_url, "outbox", "--send-again", str(rid)]) == 0
    o = OUTBOX.c
    with store.read() as conn:
        row = conn.execute(select(o.status, o.recipient, o.recipient_email, o.body_text).where(o.id == rid)).one()
    assert row[:3] == ("pending", "OM9", OSCAR) and row.body_text.startswith("Dear Oscar New,")


def test_sending_again_by_hand_after_its_reader_left_says_it_goes_to_her_successor(store: SqlStore, db_url: str, capsys):
    """What ``qaf outbox --send-again`` prints for Olive's alert, put back after she left, is where it goes now:
    Oscar's address, not Olive's old mailbox (whoever sent it again would think it went there)."""
    from qaf.cli.main import main

    rid = olives_alert_failed_then_she_leaves(store, successor=True)
    assert main(["--db", db_url, "outbox", "--send-again", str(rid)]) == 0
    said = capsys.readouterr().out
    assert OSCAR in said and OLIVE not in said
    assert "was failed after 0 tries" in said


def test_an_alert_sent_again_by_hand_after_its_reader_left_with_nobody_in_her_post_is_refused(store: SqlStore, db_url: str, capsys):
    """Nobody has Olive's post: putting her alert back would only mail a leaver's mailbox. Refused, saying so;
    the store is as it was."""
    from qaf.cli.main import main
    from tests.conftest import snapshot

    rid = olives_alert_failed_then_she_leaves(store, successor=False)
    before = snapshot(store)
    assert main(["--db", db_url, "outbox", "--send-again", str(rid)]) == 1
    assert f"{rid}: is for Olive Ops, who has left, and nobody in post answers for it now" in capsys.readouterr().err
    assert snapshot(store) == before


def test_an_alert_raised_before_the_framework_was_amended_is_still_worked_out_for_its_row(store: SqlStore):
    """An alert's key numbers its trigger across the whole framework as it stood: the council then moves row 3.3
    after 3.16 (every trigger's number shifts). The alert to Olive, waiting when she leaves, still goes to Oscar
    New in her post: 3.16 alerts one post, the worker's Operations Manager, whatever its trigger's number now."""
    import dataclasses

    from qaf.engine.readdress import named_today
    from tests.test_outcomes import FRAMEWORKS

    published = FRAMEWORKS["east-sussex-2013"]
    amended = dataclasses.replace(published, rows=tuple(r for r in published.rows if r.id != "3.3") + (published.row("3.3"),))
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    concerns_found_while_mail_is_down(store, april_audit(store, "3.16", "SW1"))
    with store.read() as conn:
        [(key, cause)] = conn.execute(select(OUTBOX.c.key, OUTBOX.c.cause).where(OUTBOX.c.key.like("alert/%"))).all()
    oscar_starts(store, date(2024, 4, 24), date(2024, 4, 25))
    org, [audit] = store.org(), [o for o in store.obligations(Filters(ids=frozenset({cause}), statuses=None))]
    assert named_today(published, org, audit, key, date(2024, 4, 26)).id == "OM9"
    assert named_today(amended, org, audit, key, date(2024, 4, 26)).id == "OM9"


# --- a row alerting two posts, amended so its triggers move ------------------------------------------------------

HOLLY = "holly.guard@example-council.gov.uk"


def two_posts_alerted(inserted: str):
    """East Sussex as a council might amend it: 3.16's concerns alert the worker's Operations Manager, and a second
    trigger of the row alerts the Head of Safeguarding of an inadequate grade (two posts, each its own trigger);
    and the same framework amended later: a trigger inserted before both (``inserted="first"``: the council tells
    the Head of Service of outstanding work first) or between them (``"between"``). Every trigger's number from
    there on shifts: an alert's key names its trigger by that number as the framework stood."""
    import dataclasses

    from qaf.rules.model import Action, Condition, Trigger
    from tests.test_outcomes import FRAMEWORKS

    published = FRAMEWORKS["east-sussex-2013"]
    row = published.row("3.16")
    hos = Trigger(Condition(grades=frozenset({"inadequate"})), (Action("alert", role="Head of Safeguarding", of="assignee"),), "inadequate")
    told = Trigger(Condition(grades=frozenset({"outstanding"})), (Action("alert", role="Head of Service", of="worker"),), "outstanding")
    triggers = {"first": (told, *row.triggers, hos), "between": (*row.triggers, told, hos)}[inserted]

    def with_triggers(*ts):
        return dataclasses.replace(published, rows=tuple(dataclasses.replace(r, triggers=ts) if r.id == "3.16" else r for r in published.rows))

    return with_triggers(*row.triggers, hos), with_triggers(*triggers)


def inadequate_with_concerns(store: SqlStore, fw, org) -> None:
    """Pat records Tom's April audit on 23 April: inadequate, with significant concerns (both triggers fire)."""
    from qaf.rules.printer import print_framework
    from qaf.usecases import scheduling
    from tests.test_outcomes import YEAR

    store.save_framework(fw, print_framework(fw))
    store.save_org(org)
    scheduling.schedule(store, fw, org, *YEAR, date(2024, 4, 19))
    recording.record(store, Recording(april_audit(store, "3.16", "SW1").id, "inadequate", concerns=True, date=date(2024, 4, 23)), date(2024, 4, 23))


def amended(store: SqlStore, fw) -> None:
    from qaf.rules.printer import print_framework

    store.save_framework(fw, print_framework(fw))


OSCAR_AND_HOLLY = {"OM1": person("OM9", "Oscar New", "Operations Manager", "T1", "H1", date(2024, 4, 25)),
                   "HS1": person("HS9", "Holly Guard", "Head of Safeguarding", None, "AD1", date(2024, 4, 25))}  # fmt: skip


def told(inbox) -> dict[str, str]:
    """Each alert's reader, by the post the alert says it is for."""
    from qaf.engine.notices import post_of

    return {post_of(m.get_body(("plain",)).get_content()): m["To"] for m in inbox.messages if m["Subject"].startswith("Alert")}


@pytest.mark.parametrize("inserted", ["first", "between"])
def test_a_rows_two_alerts_waiting_for_leavers_go_to_their_successors_after_the_rows_triggers_moved(store: SqlStore, inserted: str):
    """Tom's audit is inadequate with concerns: one alert to Olive Ops (Operations Manager), one to Hal Safeguard
    (Head of Safeguarding), both waiting (mail down). The council amends 3.16: a trigger put before them, or
    between them, moves their numbers. Olive and Hal leave; Oscar New and Holly Guard have their posts. Each alert
    goes to the successor in its own post: not to a leaver's mailbox, nor to the Head of Service whose trigger now
    has the number the Head of Safeguarding's had."""
    before, after = two_posts_alerted(inserted)
    inadequate_with_concerns(store, before, council())
    tick(store, date(2024, 4, 23))
    amended(store, after)
    store.save_org(council(people=handed_over(date(2024, 4, 24), OSCAR_AND_HOLLY)))
    assert told(delivered(store, date(2024, 4, 26))) == {"Operations Manager": OSCAR, "Head of Safeguarding": HOLLY}


def test_a_rows_two_alerts_held_for_nobody_go_to_whoever_holds_each_post_after_the_rows_triggers_moved(store: SqlStore):
    """Nobody is an Operations Manager or Head of Safeguarding when Tom's audit is found inadequate with concerns:
    both alerts are held. The council puts a trigger before them in 3.16; Oscar New and Holly Guard come on 25
    April: each held alert goes to the one now in its post."""
    before, after = two_posts_alerted("first")
    gone = tuple(replace(p, end=date(2024, 4, 20)) if p.id in ("OM1", "OM2", "HS1") else p for p in PEOPLE)
    inadequate_with_concerns(store, before, council(people=gone))
    assert told(delivered(store, date(2024, 4, 24))) == {}
    amended(store, after)
    store.save_org(council(people=handed_over(date(2024, 4, 20), OSCAR_AND_HOLLY, gone)))
    assert told(delivered(store, date(2024, 4, 26))) == {"Operations Manager": OSCAR, "Head of Safeguarding": HOLLY}
    assert revived(store) == 2


def one_post_alerted_for_two(inserted: str):
    """East Sussex as a council might amend it: 3.16's concerns alert the worker's Operations Manager, and a second
    trigger of the row alerts the assignee's Operations Manager (the auditor's) of an inadequate grade: one post,
    alerted for two people's work, each alert saying "You are told as the Operations Manager"; then amended, a
    trigger put before both or between them (:func:`two_posts_alerted`)."""
    import dataclasses

    from qaf.rules.model import Action, Condition, Trigger
    from tests.test_outcomes import FRAMEWORKS

    published = FRAMEWORKS["east-sussex-2013"]
    row = published.row("3.16")
    auditors = Trigger(Condition(grades=frozenset({"inadequate"})), (Action("alert", role="Operations Manager", of="assignee"),), "inadequate")
    told = Trigger(Condition(grades=frozenset({"outstanding"})), (Action("alert", role="Head of Service", of="worker"),), "outstanding")
    triggers = {"first": (told, *row.triggers, auditors), "between": (*row.triggers, told, auditors)}[inserted]

    def with_triggers(*ts):
        return dataclasses.replace(published, rows=tuple(dataclasses.replace(r, triggers=ts) if r.id == "3.16" else r for r in published.rows))

    return with_triggers(*row.triggers, auditors), with_triggers(*triggers)


@pytest.mark.parametrize("inserted", ["first", "between"])
def test_a_rows_two_alerts_to_one_post_waiting_for_a_leaver_go_to_her_successor_after_the_rows_triggers_moved(store: SqlStore, inserted: str):
    """Tom's audit is inadequate with concerns: Olive Ops is both Tom's Operations Manager and Pat Practice's, the
    auditor's, and has both alerts, waiting (mail down). The council amends 3.16 (a trigger put before them, or
    between them); Olive leaves and Oscar New has her post. Both alerts go to Oscar, not to Olive's mailbox: whichever
    of the two posts each was for, the same person holds it now."""
    before, after = one_post_alerted_for_two(inserted)
    inadequate_with_concerns(store, before, council())
    tick(store, date(2024, 4, 23))
    amended(store, after)
    store.save_org(council(people=handed_over(date(2024, 4, 24), {"OM1": OSCAR_AND_HOLLY["OM1"]})))
    inbox = delivered(store, date(2024, 4, 26))
    assert alerts(inbox) == [OSCAR, OSCAR]
    assert sorted(ln for m in inbox.messages for ln in m.get_body(("plain",)).get_content().splitlines() if ln.startswith("You are told")) == [
        "You are told as the auditor's Operations Manager for this work.", "You are told as the worker's Operations Manager for this work."]


def test_a_rows_alerts_to_the_workers_and_the_auditors_operations_managers_each_say_whose_and_go_to_theirs():
    """The two alerts of :func:`one_post_alerted_for_two` when the worker's Operations Manager and the auditor's are
    two people: Paul Practice (Otto Ops's line) audits Tom Fairley's case (Olive Ops's line). Each alert says whose
    Operations Manager it is for ("You are told as the worker's Operations Manager for this work."); the council
    amends 3.16, a trigger put before both, and Olive leaves, Oscar New in her post: the worker's alert waiting for
    her goes to Oscar, never to Otto, whose alert is the auditor's."""
    from qaf.engine.model import Obligation
    from qaf.engine.notices import post_of, told_as
    from qaf.engine.readdress import named_today
    from qaf.engine.rules_ref import numbered

    before, after = one_post_alerted_for_two("first")
    audit = Obligation("AUD1", before.id, "3.16", 0, "audit", "Audit case CS-000001 (Tom Fairley) — 3.16", "PM3", "worker", "SW1",
                       date(2024, 4, 1), date(2024, 4, 30), date(2024, 4, 30), "CS-000001", "T1", "done")  # fmt: skip
    keys = {a.of: f"alert/outcome/AUD1/{n}/{i}" for n, row, t in numbered(before) if row == "3.16"
            for i, a in enumerate(t.then) if a.do == "alert"}  # fmt: skip
    worker, auditor = told_as("Operations Manager", "worker"), told_as("Operations Manager", "assignee")
    assert (worker, auditor) == ("You are told as the worker's Operations Manager for this work.",
                                 "You are told as the auditor's Operations Manager for this work.")
    assert post_of(f"Dear Olive Ops,\n\n{worker}\n") == post_of(f"Dear Otto Ops,\n\n{auditor}\n") == "Operations Manager"
    now = council(people=handed_over(date(2024, 4, 24), {"OM1": OSCAR_AND_HOLLY["OM1"]}))
    for fw in (before, after):
        named = {of: named_today(fw, now, audit, keys[of], date(2024, 4, 26), f"Dear X,\n\n{told_as('Operations Manager', of)}\n")
                 for of in ("worker", "assignee")}  # fmt: skip
        assert {of: p.id for of, p in named.items()} == {"worker": "OM9", "assignee": "OM2"}, fw is after


# --- whose Operations Manager: never another service's ----------------------------------------------------------

def olive_gone(left: date, *more: str) -> tuple:
    """HR's file: Olive Ops (Locality Social Work's Operations Manager) left on ``left``, and ``more`` with her."""
    return tuple(replace(p, end=left) if p.id in ("OM1", *more) else p for p in PEOPLE)


def test_an_alert_for_a_service_whose_operations_manager_left_is_held_not_sent_to_another_services(store: SqlStore):
    """3.16: "alert the Operations Manager", the worker's. Olive Ops, Locality Social Work's, left on 20 April and
    nobody has her post; Otto Ops, the Looked After Children service's, is the council's only Operations Manager.
    Concerns in Tom's audit (Locality) on the 23rd do not go to Otto, who answers for none of Tom's work: the alert
    is held, saying why, and goes to Oscar New when he takes Olive's post."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 19))
    audit = april_audit(store, "3.16", "SW1")
    store.save_org(council(people=olive_gone(date(2024, 4, 20))))
    result = recording.record(store, Recording(audit.id, "requires_improvement", concerns=True, date=date(2024, 4, 23)), date(2024, 4, 23))
    assert [s for s in result.shortfalls if "no Operations Manager found for the worker" in s]
    assert the_alert(store)[:3] == (None, "", "failed")
    assert alerts(delivered(store, date(2024, 4, 24))) == []  # not to Otto
    oscar_starts(store, date(2024, 4, 20), date(2024, 5, 1))
    assert alerts(delivered(store, date(2024, 5, 1))) == [OSCAR]


def test_an_alert_waiting_for_an_operations_manager_who_left_is_held_not_readdressed_to_another_services(store: SqlStore):
    """The alert waits for Olive (mail down); she leaves on the 24th and nobody has her post. Otto, the other
    service's Operations Manager, is not told in her place: the alert is held, saying Olive left."""
    scheduled(store, "east-sussex-2013", today=date(2024, 4, 22))
    concerns_found_while_mail_is_down(store, april_audit(store, "3.16", "SW1"))
    store.save_org(council(people=olive_gone(date(2024, 4, 24))))
    assert alerts(delivered(store, date(2024, 4, 26))) == []
    recipient, _, status, why = the_alert(store)
    assert (recipient, status) == ("OM1", "failed") and why.startswith("not sent: Olive Ops left on 2024-04-24, and nobody in post")


def test_a_held_alert_does_not_go_to_a_new_operations_manager_in_another_service(store: SqlStore):
    """Both Operations Managers left on 20 April; the alert about Tom's work is held. Ola Other takes Otto's post (the
    Looked After Children service) on the 25th: the alert is not hers. Oscar New takes Olive's on 1 May: it is his."""
    concerns_found_with_nobody_in_post(store)
    ola = person("OM8", "Ola Other", "Operations Manager", "T3", "H2", date(2024, 4, 25))
    both_gone = olive_gone(date(2024, 4, 20), "OM2")
    store.save_org(council(people=handed_over(date(2024, 4, 20), {"OM2": ola}, both_gone)))
    assert alerts(delivered(store, date(2024, 4, 26))) == [] and revived(store) == 0
    oscar = person("OM9", "Oscar New", "Operations Manager", "T1", "H1", date(2024, 5, 1))
    store.save_org(council(people=handed_over(date(2024, 4, 20), {"OM1": oscar, "OM2": ola}, both_gone)))
    assert alerts(delivered(store, date(2024, 5, 1))) == [OSCAR]


def test_the_councils_one_head_of_safeguarding_is_told_though_his_unit_is_a_service_of_its_own(store: SqlStore):
    """3.3's concerns alert "the Head of Safeguarding": the council has one, Hal Safeguard, in the Safeguarding
    Unit (a service of its own, as in many councils), not up Olive's line. The council has had no Head of
    Safeguarding in any other service: his post answers for the whole council, and the alert goes to him."""
    from qaf.engine.org import Team
    from tests.council import TEAMS

    unit = Team("T5", "Safeguarding Unit", "Safeguarding Unit", "social_care", "East")
    people = tuple(replace(p, team="T5") if p.id == "HS1" else p for p in PEOPLE)
    scheduled(store, "east-sussex-2013", org=council(people=people, teams=TEAMS + (unit,)), today=date(2024, 4, 19))
    audit = next(o for o in find(store, row="3.3", subject="PM1", kind="audit"))
    recording.record(store, Recording(audit.id, "requires_improvement", concerns=True, date=date(2024, 4, 23)), date(2024, 4, 23))
    assert alerts(delivered(store, date(2024, 4, 24))) == ["hal.safeguard@example-council.gov.uk"]


# --- a grade's notice held for a post whose holder reads the daily digest -----------------------------------------


def test_a_held_grades_notice_revived_for_a_head_of_service_joins_her_daily_digest(store: SqlStore):
    """A council's framework tells the Head of Service of every inadequate grade, and Heads of Service read their
    notices in the daily digest (East Sussex's ``digest_roles``). Hana Locality left on 20 April with nobody in
    her post when Tom's audit is graded inadequate on the 23rd: the notice is held. Hope Next has Hana's post from
    the 25th: the notice comes to her in her digest of the 26th, as it would had Hana read it, not an email of
    its own."""
    import dataclasses

    from qaf.rules.printer import print_framework
    from qaf.usecases import scheduling
    from tests.test_mail_after_leaving import HOPE
    from tests.test_outcomes import FRAMEWORKS, YEAR

    fw = dataclasses.replace(FRAMEWORKS["east-sussex-2013"], notify_on_grade=("Head of Service",))
    assert "Head of Service" in fw.digest_roles
    store.save_framework(fw, print_framework(fw))
    hana_gone = tuple(replace(p, end=date(2024, 4, 20)) if p.id == "H1" else p for p in PEOPLE)
    store.save_org(council(people=hana_gone))
    scheduling.schedule(store, fw, council(people=hana_gone), *YEAR, date(2024, 4, 19))
    told = recording.record(store, Recording(april_audit(store, "3.16", "SW1").id, "inadequate", date=date(2024, 4, 23)), date(2024, 4, 23))
    assert [s for s in told.shortfalls if "no Head of Service found for the assignee" in s and "held" in s]
    hope = person("H9", "Hope Next", "Head of Service", "T1", "AD1", date(2024, 4, 25))
    store.save_org(council(people=handed_over(date(2024, 4, 20), {"H1": hope}, hana_gone)))
    to_hope = [m for m in delivered(store, date(2024, 4, 26)).messages if m["To"] == HOPE]
    assert [m["Subject"] for m in to_hope if "grade" in m["Subject"].lower()] == []  # no email of its own
    [digest] = [m for m in to_hope if m["Subject"].startswith("qaf daily digest for 2024-04-26")]
    assert "- Inadequate grade: 3.16 audit of case" in digest.get_body(("plain",)).get_content()
    o = OUTBOX.c
    with store.read() as conn:
        assert conn.execute(select(o.recipient, o.digest, o.status).where(o.key.like("grade/%"))).one() == ("H9", True, "digested")


def test_an_alert_written_while_alerts_said_the_assignees_operations_manager_still_goes_to_her_successor():
    """For a while alerts said "You are told as the assignee's Operations Manager for this work." (the auditor's,
    as they say now). One such alert to Olive Ops, Pat Practice's Operations Manager, waits (mail down); Olive
    leaves and Oscar New has her post: it goes to Oscar, as the framework stood and once amended, never left to
    Olive's mailbox."""
    from qaf.engine.model import Obligation
    from qaf.engine.notices import post_of, whose_of
    from qaf.engine.readdress import named_today
    from qaf.engine.rules_ref import numbered

    before, after = one_post_alerted_for_two("first")
    audit = Obligation("AUD1", before.id, "3.16", 0, "audit", "Audit case CS-000001 (Tom Fairley) — 3.16", "PM1", "worker", "SW1",
                       date(2024, 4, 1), date(2024, 4, 30), date(2024, 4, 30), "CS-000001", "T1", "done")  # fmt: skip
    [key] = [f"alert/outcome/AUD1/{n}/{i}" for n, row, t in numbered(before) if row == "3.16"
             for i, a in enumerate(t.then) if a.do == "alert" and a.of == "assignee"]  # fmt: skip
    body = "Dear Olive Ops,\n\nYou are told as the assignee's Operations Manager for this work.\n"
    assert (post_of(body), whose_of(body)) == ("Operations Manager", "assignee")
    now = council(people=handed_over(date(2024, 4, 24), {"OM1": OSCAR_AND_HOLLY["OM1"]}))
    assert [named_today(fw, now, audit, key, date(2024, 4, 26), body).id for fw in (before, after)] == ["OM9", "OM9"]


def test_an_alert_to_the_workers_operations_manager_waiting_for_a_leaver_goes_to_her_successor_after_3_16_alerts_the_auditors_instead():
    """3.16's concerns alert the worker's Operations Manager: Paul Practice (Otto Ops's line) audits Tom Fairley's case
    (Olive Ops's line), and the alert, "You are told as the worker's Operations Manager for this work.", waits for
    Olive (mail down). The council then amends 3.16 to alert the auditor's Operations Manager instead, and Olive
    leaves, Oscar New in her post. The alert goes to Oscar, in the post it says it is for: not left to Olive's
    mailbox, which nobody reads."""
    import dataclasses

    from qaf.engine.model import Obligation
    from qaf.engine.notices import told_as
    from qaf.engine.readdress import named_today
    from qaf.engine.rules_ref import numbered
    from tests.test_outcomes import FRAMEWORKS

    published = FRAMEWORKS["east-sussex-2013"]

    def auditors(t):
        return dataclasses.replace(t, then=tuple(dataclasses.replace(a, of="assignee") if a.do == "alert" else a for a in t.then))

    amended = dataclasses.replace(published, rows=tuple(
        dataclasses.replace(r, triggers=tuple(map(auditors, r.triggers))) if r.id == "3.16" else r for r in published.rows))
    audit = Obligation("AUD1", published.id, "3.16", 0, "audit", "Audit case CS-000001 (Tom Fairley) — 3.16", "PM3", "worker", "SW1",
                       date(2024, 4, 1), date(2024, 4, 30), date(2024, 4, 30), "CS-000001", "T1", "done")  # fmt: skip
    [key] = [f"alert/outcome/AUD1/{n}/{i}" for n, row, t in numbered(published) if row == "3.16"
             for i, a in enumerate(t.then) if a.do == "alert"]  # fmt: skip
    body = f"Dear Olive Ops,\n\n{told_as('Operations Manager', 'worker')}\n"
    now = council(people=handed_over(date(2024, 4, 24), {"OM1": OSCAR_AND_HOLLY["OM1"]}))
    named = [getattr(named_today(fw, now, audit, key, date(2024, 4, 26), body), "id", "left to Olive") for fw in (published, amended)]
    assert named == ["OM9", "OM9"]
