"""The store contract, run on SQLite and on PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from qaf.rules.loader import load_framework
from qaf.store import org as org_store
from qaf.store.frameworks import UnknownFrameworkError
from qaf.store.migrations import HEAD
from qaf.store.sql import SqlStore
from qaf.usecases.orgload import load_org
from tests.conftest import snapshot

DATA = Path(__file__).parent / "data"
FRAMEWORK = DATA / "store-framework.yaml"


def framework():
    fw, problems = load_framework(FRAMEWORK)
    assert not problems
    return fw


def test_schema_version_is_recorded(store: SqlStore):
    assert snapshot(store)["alembic_version"] == [(repr(HEAD),)]


def test_framework_loads_once_and_reloading_the_same_text_changes_nothing(store: SqlStore):
    fw = framework()
    text = FRAMEWORK.read_text()
    assert store.save_framework(fw, text).action == "loaded"
    before = snapshot(store)
    assert store.save_framework(fw, text).action == "unchanged"
    assert snapshot(store) == before
    assert store.framework(fw.id) == fw
    [stored] = store.stored_frameworks()
    assert (stored.id, stored.rows, stored.schedulable) == (fw.id, 3, 2)


def test_a_new_version_replaces_the_rows(store: SqlStore):
    fw = framework()
    text = FRAMEWORK.read_text()
    store.save_framework(fw, text)
    newer = dataclasses.replace(fw, version="2", rows=fw.rows[:1])
    change = store.save_framework(newer, text.replace("version: '1'", "version: '2'"))
    assert (change.action, change.previous_version) == ("replaced", "1")
    assert store.stored_frameworks()[0].rows == 1


def test_unknown_framework_names_the_loaded_ones(store: SqlStore):
    store.save_framework(framework(), FRAMEWORK.read_text())
    with pytest.raises(UnknownFrameworkError, match="no framework 'nope' \\(loaded: store-test\\)"):
        store.framework("nope")


def test_vocabulary_merges_loaded_frameworks(store: SqlStore):
    store.save_framework(framework(), FRAMEWORK.read_text())
    assert store.vocabulary().resolve("OMs") == "Operations Manager"


def test_org_snapshot_round_trips_and_reloading_changes_nothing(store: SqlStore):
    org, _ = load_org(DATA / "small-org")
    change = store.save_org(org)
    assert (change.people.new, change.teams.new, change.cases.new, change.bodies.new) == (5, 2, 4, 1)
    assert store.org() == org
    again = store.save_org(org)
    assert (again.people.unchanged, again.people.new, again.people.changed) == (5, 0, 0)


def test_a_person_left_out_of_a_later_snapshot_is_kept_but_out_of_scope(store: SqlStore):
    org, _ = load_org(DATA / "small-org")
    store.save_org(org)
    later = dataclasses.replace(org, people=org.people[:-1], cases=org.cases[:2])
    change = store.save_org(later)
    assert change.people.gone == 1 and change.cases.gone == 2
    assert [p.id for p in store.org().people] == ["P1", "P2", "P3", "P4"]
    assert "P5" in {row[0].strip("'") for row in snapshot(store)["people"]}  # history keeps the leaver


def test_a_failure_part_way_through_an_org_load_leaves_the_store_unchanged(store: SqlStore, monkeypatch):
    org, _ = load_org(DATA / "small-org")
    store.save_org(org)
    before = snapshot(store)
    changed = dataclasses.replace(org, people=tuple(dataclasses.replace(p, name=p.name + " Jr") for p in org.people))

    def boom(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(org_store, "_case", boom)  # fails after people and teams were written
    with pytest.raises(RuntimeError):
        store.save_org(changed)
    assert snapshot(store) == before


def test_a_database_error_never_quotes_what_people_typed(store: SqlStore):
    """SQLAlchemy puts a failed statement's parameters in its message, and the service logs an unhandled error
    whole: a connection ended while an action was closed over the API put its closing note ("the child
    disclosed ...") in the log. The store's engines keep parameters out of every error they raise."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError) as failed:
        with store.write() as conn:
            conn.execute(text("UPDATE no_such_table SET note = :note"), {"note": "SECRET: the child disclosed at school"})
    assert "no_such_table" in str(failed.value)
    assert "SECRET" not in str(failed.value) and "child" not in str(failed.value)
