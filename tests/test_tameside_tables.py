"""Tameside's tables in full (issue 14, item 3): the moderator's key area judgements, the triple lock, the look-back.

"The audit tool provides judgements across 7 key areas of practice"; "all
completed moderated audits are quality assured by the Head of QA"; "All
audits consider outcomes for children which is based upon the previous 6
months of practice." (Tameside 2023)
"""

from __future__ import annotations

import json
from datetime import date

from qaf.cli.main import main
from qaf.store.sql import SqlStore
from qaf.usecases import queries
from tests.conftest import snapshot
from tests.test_actions import _feed
from tests.test_outcomes import april_audit, find, scheduled

TODAY = ["--today", "2024-06-10"]


def test_qaf_moderate_takes_areas_like_qaf_record_and_the_report_sets_them_side_by_side(store: SqlStore, db_url: str, capsys):
    scheduled(store, "tameside-2023")
    audit = april_audit(store, "T1", "SW1")
    assert main(["--db", db_url, "record", audit.id, "--grade", "requires_improvement", "--areas", "Chronology=inadequate,Summary=good",
                 "--date", "2024-04-22", *TODAY]) == 0  # fmt: skip
    [moderation] = capsys.readouterr().out.split()
    before = snapshot(store)
    assert main(["--db", db_url, "moderate", moderation, "--grade", "inadequate", "--areas", "Chronology=brilliant", *TODAY]) != 0
    assert "grade 'brilliant' for Chronology is not on the scale" in capsys.readouterr().err
    assert snapshot(store) == before
    assert main(["--db", db_url, "moderate", moderation, "--grade", "inadequate", "--areas", "Chronology=inadequate,Summary=requires_improvement",
                 "--date", "2024-05-02", *TODAY]) == 0  # fmt: skip
    [signoff] = capsys.readouterr().out.split()
    [done] = find(store, id=audit.id)
    assert dict(done.outcome.moderated_areas) == {"Chronology": "inadequate", "Summary": "requires_improvement"}
    assert main(["--db", db_url, "due", "--status", "done", "--kind", "audit", "--format", "json", *TODAY]) == 0
    [shown] = [o for o in json.loads(capsys.readouterr().out) if o["id"] == audit.id]
    assert shown["outcome"]["moderated_areas"] == {"Chronology": "inadequate", "Summary": "requires_improvement"}
    assert main(["--db", db_url, "report", "--month", "2024-04", "--format", "md", *TODAY]) == 0
    text = capsys.readouterr().out
    assert "Moderated audits QA-signed: 0 of 1." in text
    assert "| Summary | 100% / 0% | 0% / 100% | 0% / 0% |" in text
    assert main(["--db", db_url, "record", signoff, "--date", "2024-05-10", *TODAY]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "report", "--month", "2024-04", "--format", "md", *TODAY]) == 0
    assert "Moderated audits QA-signed: 1 of 1." in capsys.readouterr().out


def test_each_audit_says_which_months_of_practice_to_read_in_its_feed_entry_and_on_its_page(store: SqlStore):
    scheduled(store, "tameside-2023")
    audit = april_audit(store, "T1", "SW1")
    feed = _feed(store, "person", audit.assignee, date(2024, 4, 2))
    assert "Practice to read: November 2023 to April 2024 (the previous 6 months)." in feed.replace("\\,", ",")
    page = queries.page(store, audit, store.org(), date(2024, 4, 2))
    assert page["practice_to_read"] == {"from": "2023-11-01", "to": "2024-04-30", "months": 6}


def test_a_framework_that_says_no_look_back_shows_none(store: SqlStore):
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    assert "Practice to read" not in _feed(store, "person", "PM1", date(2024, 4, 2))
    assert "practice_to_read" not in queries.page(store, audit, store.org(), date(2024, 4, 2))
