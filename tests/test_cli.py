"""The qaf command as a user meets it: exit codes, messages, and an untouched store on bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from qaf.cli.main import main
from qaf.store.sql import SqlStore
from tests.conftest import snapshot

DATA = Path(__file__).parent / "data"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``qaf ARGV``: its exit code (argparse's refusal, exit 2, too), and what it printed."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # an argument argparse refuses
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_version_names_the_rules_backend():
    done = subprocess.run([sys.executable, "-m", "qaf.cli.main", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("qaf ") and "rules backend: " in done.stdout
    assert ("durable-rules" in done.stdout) or ("reference evaluator" in done.stdout)


def test_check_prints_every_problem_then_the_summary_and_exits_1(capsys):
    code, out, _ = run(capsys, "framework", "check", str(DATA / "broken-framework.yaml"))
    lines = out.splitlines()
    assert code == 1
    assert lines[-1] == f"{DATA / 'broken-framework.yaml'}: 3 rows, 3 schedulable, 0 not schedulable"
    assert len(lines) == 6 and all(line.startswith(str(DATA / "broken-framework.yaml") + ":") for line in lines)


def test_check_a_good_framework_exits_0(capsys):
    code, out, _ = run(capsys, "framework", "check", str(DATA / "store-framework.yaml"))
    assert (code, out) == (0, f"{DATA / 'store-framework.yaml'}: 3 rows, 2 schedulable, 1 not schedulable\n")


def test_check_json_reuses_the_problem_records(capsys):
    import json

    code, out, _ = run(capsys, "framework", "check", "--format", "json", str(DATA / "broken-framework.yaml"))
    report = json.loads(out)
    assert code == 1 and report["rows"] == 3 and len(report["problems"]) == 5
    assert {"file", "line", "field", "message", "severity"} <= set(report["problems"][0])


def test_loading_a_broken_framework_leaves_the_store_unchanged(capsys, db_url):
    assert run(capsys, "--db", db_url, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    store = SqlStore.open(db_url)
    before = snapshot(store)
    code, out, err = run(capsys, "--db", db_url, "framework", "load", str(DATA / "broken-framework.yaml"))
    assert code == 1 and out == ""
    assert "unknown action 'summon_the_inspector'" in err
    assert err.rstrip().endswith("not loaded, the store is unchanged")
    assert snapshot(store) == before
    store.close()


def test_loading_a_broken_organisation_leaves_the_store_unchanged(capsys, db_url):
    assert run(capsys, "--db", db_url, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    assert run(capsys, "--db", db_url, "org", "load", str(DATA / "small-org"))[0] == 0
    store = SqlStore.open(db_url)
    before = snapshot(store)
    code, _, err = run(capsys, "--db", db_url, "org", "load", str(DATA / "broken-org"))
    assert code == 1
    assert "people.csv:3: manager: unknown manager id 'P99'" in err
    assert snapshot(store) == before
    store.close()


def test_a_cases_file_with_no_case_in_it_is_refused_while_the_store_lists_cases(capsys, db_url, tmp_path):
    """cases.csv exported empty (its header only) loaded: every case 'no longer listed', so from the next month no
    case could be sampled and every case audit was waived. A council whose store lists cases lists them again; one
    loading its first organisation, with no case yet (its frameworks sample none), may load a header only."""
    assert run(capsys, "--db", db_url, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    folder = tmp_path / "org"
    shutil.copytree(DATA / "small-org", folder)
    cases = (folder / "cases.csv").read_text()
    (folder / "cases.csv").write_text(cases.splitlines(keepends=True)[0])
    assert run(capsys, "--db", db_url, "org", "load", str(folder))[0] == 0  # the first load: no case yet
    (folder / "cases.csv").write_text(cases)
    assert run(capsys, "--db", db_url, "org", "load", str(folder))[0] == 0
    listed = len(cases.strip().splitlines()) - 1
    (folder / "cases.csv").write_text(cases.splitlines(keepends=True)[0])
    store = SqlStore.open(db_url)
    before = snapshot(store)
    code, out, err = run(capsys, "--db", db_url, "org", "load", str(folder))
    assert code == 1 and out == "" and "Traceback" not in err
    assert [line for line in err.splitlines() if ": warning: " not in line] == [
        f"{folder}/cases.csv:1: file: lists no case (its header only), where the store lists {listed}: loading it would take "
        "every case out of scope, and no case could be sampled for an audit",
        f"qaf: {folder}: not loaded, the store is unchanged"]
    assert snapshot(store) == before
    store.close()


def test_a_text_too_long_for_the_store_is_refused_at_its_line_on_both_databases(capsys, db_url, tmp_path):
    """PostgreSQL's columns are bounded: the loader refuses what they would, on SQLite too, before any write."""
    assert run(capsys, "--db", db_url, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    assert run(capsys, "--db", db_url, "org", "load", str(DATA / "small-org"))[0] == 0
    folder = tmp_path / "org"
    shutil.copytree(DATA / "small-org", folder)
    teams = (folder / "teams.csv").read_text().replace("Early Help,early_help", "E" * 201 + ",early_help")
    (folder / "teams.csv").write_text(teams)
    store = SqlStore.open(db_url)
    before = snapshot(store)
    code, _, err = run(capsys, "--db", db_url, "org", "load", str(folder))
    assert code == 1 and "Traceback" not in err
    assert f"{folder}/teams.csv:3: service: at most 200 characters, got 201" in err
    assert snapshot(store) == before
    store.close()


def test_a_row_id_too_wide_for_the_store_is_refused_at_its_line_on_both_databases(capsys, db_url, tmp_path):
    framework = (DATA / "store-framework.yaml").read_text()
    row_id = next(line for line in framework.splitlines() if line.strip().startswith("- id:"))
    wide = tmp_path / "wide.yaml"
    wide.write_text(framework.replace(row_id, row_id.split("- id:")[0] + '- id: "3.' + "1" * 49 + '"', 1))
    store = SqlStore.open(db_url)
    before = snapshot(store)
    code, _, err = run(capsys, "--db", db_url, "framework", "load", str(wide))
    assert code == 1 and "Traceback" not in err
    assert "row.id: a row id is one line of at most 50 characters" in err and f"{wide}:" in err
    assert snapshot(store) == before
    store.close()


def test_org_load_reports_what_changed(capsys, db_url):
    run(capsys, "--db", db_url, "framework", "load", str(DATA / "store-framework.yaml"))
    code, out, err = run(capsys, "--db", db_url, "org", "load", str(DATA / "small-org"))
    assert code == 0
    assert out.splitlines()[0] == "people: 5 (5 new, 0 changed, 0 unchanged)"
    assert "role 'DCS' is not in any loaded framework's vocabulary (kept)" in err
    code, out, _ = run(capsys, "--db", db_url, "org", "load", str(DATA / "small-org"))
    assert out.splitlines()[0] == "people: 5 (0 new, 0 changed, 5 unchanged)"


def test_an_unreachable_database_is_a_message_not_a_traceback(capsys):
    code, _, err = run(capsys, "--db", "postgresql://nobody@127.0.0.1:1/none", "framework", "list")
    assert code == 3 and err.startswith("qaf: cannot use the database postgresql+psycopg://nobody@127.0.0.1:1/none")


def test_a_database_password_given_in_the_query_is_never_printed(capsys):
    """libpq takes the password as a query parameter too ('postgresql://u@host/db?password=...'): 'qaf status',
    'qaf db status' and every message saying the database cannot be used printed it in full."""
    for url, shown in (("postgresql://nobody@127.0.0.1:1/none?password=s3cret", "postgresql+psycopg://nobody@127.0.0.1:1/none?password=***"),
                       ("postgresql://nobody:s3cret@127.0.0.1:1/none?sslmode=require&sslpassword=s3cret",
                        "postgresql+psycopg://nobody:***@127.0.0.1:1/none?sslmode=require&sslpassword=***")):
        for argv in (["status"], ["db", "status"]):
            code, out, err = run(capsys, "--db", url, *argv)
            assert code == 3 and "s3cret" not in out + err and err.startswith(f"qaf: cannot use the database {shown}: "), (argv, err)


def test_a_database_url_qaf_cannot_use_is_a_message_naming_only_its_scheme(capsys, tmp_path, monkeypatch):
    """'--db postgresq://...' or 'mysql://...' (a typo, another product's URL), 'sqlite://qaf.db' (two slashes) and a
    port that is not a number ended in a traceback from SQLAlchemy (the last with the URL's password in it)."""
    monkeypatch.chdir(tmp_path)
    for url, said in (("postgresq://127.0.0.1/test", "starts 'postgresq', a database qaf does not use"),
                      ("mysql://h/db", "starts 'mysql', a database qaf does not use"),
                      ("sqlite://qaf.db", "is not a SQLite file's (sqlite:/// takes three slashes)"),
                      ("postgresql://u:s3cret@h:abc/db", "cannot be read (its host or port?)")):
        code, out, err = run(capsys, "--db", url, "status")
        assert code == 1 and err.startswith(f"qaf: the database URL (--db or QAF_DB) {said}: give postgresql://"), (url, err)
        assert "s3cret" not in err
        monkeypatch.setenv("QAF_DB", url)
        assert run(capsys, "status")[:1] == (1,)
        monkeypatch.delenv("QAF_DB")
    assert list(tmp_path.iterdir()) == []


def test_a_database_url_missing_its_slashes_or_a_libpq_string_makes_no_sqlite_file_of_that_name(capsys, tmp_path, monkeypatch):
    """'--db sqlite:qaf.db' and '--db "host=db dbname=qaf user=qaf"' were taken as SQLite file names: a new empty
    store made beside the council's, and every command answered from it ("no framework loaded")."""
    monkeypatch.chdir(tmp_path)
    for url in ("sqlite:qaf.db", "postgresql:/qaf@db/qaf", "host=db dbname=qaf user=qaf"):
        code, _, err = run(capsys, "--db", url, "status")
        assert code == 1 and err.startswith("qaf: the database URL (--db or QAF_DB) is not a URL ('://' is missing)"), (url, err)
    assert list(tmp_path.iterdir()) == []
    assert run(capsys, "--db", "my store.db", "status")[0] == 0 and (tmp_path / "my store.db").exists()  # a name is a file


def test_a_libpq_string_of_one_keyword_makes_no_sqlite_file_of_that_name(capsys, tmp_path, monkeypatch):
    """'--db dbname=qaf' (libpq's string, one keyword, as psycopg takes it) made a new empty SQLite store named
    'dbname=qaf' beside the council's: refused as the longer libpq strings are, naming the option."""
    monkeypatch.chdir(tmp_path)
    for url in ("dbname=qaf", "host=db", "service = qaf"):
        code, _, err = run(capsys, "--db", url, "status")
        assert code == 1 and err.startswith("qaf: the database URL (--db or QAF_DB) is not a URL ('://' is missing)"), (url, err)
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments_exit_2(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        main(["framework", "frobnicate"])
    assert exc.value.code == 2


def test_a_date_outside_the_century_qaf_works_with_is_refused_where_it_is_typed(capsys, tmp_path):
    """0001-01-01 or 9999-12-31 typed by mistake overflowed a horizon's or a year's arithmetic with a traceback."""
    db = f"sqlite:///{tmp_path / 'qaf.db'}"
    assert run(capsys, "--db", db, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    assert run(capsys, "--db", db, "org", "load", str(DATA / "small-org"))[0] == 0
    for argv in (["tick", "--today", "9999-12-31"], ["tick", "--today", "0001-01-01"], ["schedule", "--through", "9999-12-31"],
                 ["due", "--today", "1999-12-31"], ["forecast", "--from", "2100-01-01", "--through", "2100-12-31"]):  # fmt: skip
        code, _, err = run(capsys, "--db", db, *argv)
        assert code == 2 and "is outside the dates qaf works with (2000-01-01 to 2099-12-31)" in err and "Traceback" not in err, (argv, err)
    code, _, err = run(capsys, "--db", db, "schedule", "--from", "2024-04-01", "--through", "2099-12-31")
    assert code == 2 and "is more than 5 years: plan at most 5 years at a time" in err
    code, out, _ = run(capsys, "--db", db, "schedule", "--from", "2024-04-01", "--through", "2025-03-31", "--today", "2024-04-01")
    assert code == 0 and "created" in out


def test_every_number_a_command_takes_has_a_range_and_says_it(capsys, tmp_path):
    """Each of these took the number and failed later: a traceback (an overflow, nan), or a server on a port it
    was not given, or a leader checking every -1 seconds."""
    db = f"sqlite:///{tmp_path / 'qaf.db'}"
    for argv, said in (
        (["feed", "--all", "-o", str(tmp_path / "f.ics"), "--done-days", "99999999999"], "a whole number of days from 0 to 366"),
        (["serve", "--port", "99999"], "a port from 1 to 65535"),
        (["serve", "--port", "-1"], "a port from 1 to 65535"),
        (["serve", "--leader-check", "-1"], "seconds from 0.1 to 3600"),
        (["serve", "--leader-check", "nan"], "seconds from 0.1 to 3600"),
        (["serve", "--leader-check", "inf"], "seconds from 0.1 to 3600"),
        (["demo", "--out", str(tmp_path / "d"), "--days", "99999999"], "a number of days from 1 to 730"),
        (["outbox", "--send-again", "99999999999999999999999"], "a notice's id from 1 to 2147483647"),  # SQLite: OverflowError
        (["outbox", "--send-again", "2147483648"], "a notice's id from 1 to 2147483647"),  # PostgreSQL: integer out of range
        (["outbox", "--send-again", "0"], "a notice's id from 1 to 2147483647"),
    ):
        code, _, err = run(capsys, "--db", db, *argv)
        assert code == 2 and said in err and "Traceback" not in err, (argv, err)
    assert not (tmp_path / "qaf.db").exists() and not (tmp_path / "d").exists()


def test_an_output_that_is_a_folder_or_cannot_be_written_is_a_message_not_a_traceback(capsys, tmp_path):
    """'qaf feed --all -o /tmp' and 'qaf report -o reports' (a folder) ended in IsADirectoryError; 'qaf demo --out'
    naming a file, FileExistsError. Each now says what is wrong with the path, exit 1, and writes nothing."""
    db = f"sqlite:///{tmp_path / 'qaf.db'}"
    assert run(capsys, "--db", db, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    assert run(capsys, "--db", db, "org", "load", str(DATA / "small-org"))[0] == 0
    folder = tmp_path / "out"
    folder.mkdir()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("kept\n")
    for argv, said in ((["feed", "--all", "-o", str(folder)], f"qaf: -o {folder}: is a folder; give a file name such as feed.ics"),
                       (["report", "--month", "2024-05", "-o", str(folder)], f"qaf: -o {folder}: is a folder; give a file name such as report.md"),
                       (["demo", "--out", str(a_file), "--days", "1"], f"qaf: --out {a_file}: is a file; give a folder for the demo")):
        code, _, err = run(capsys, "--db", db, *argv)
        assert (code, err.strip().splitlines()[-1]) == (1, said), argv
    assert sorted(p.name for p in folder.iterdir()) == [] and a_file.read_text() == "kept\n"
    code, _, err = run(capsys, "--db", db, "demo", "--out", str(a_file / "demo"), "--days", "1")
    assert (code, err.strip().splitlines()[-1]) == (1, f"qaf: --out {a_file / 'demo'}: cannot make the folder: Not a directory")


def test_retiring_a_framework_that_is_not_loaded_is_a_bad_argument_as_due_framework_is(capsys, tmp_path):
    """'qaf framework retire east-sussex-2031' (a typo) exited 1, a refusal of bad input, where 'qaf due --framework'
    exits 2, as the README says of a framework that is not there; the message did not name the argument."""
    db = f"sqlite:///{tmp_path / 'qaf.db'}"
    assert run(capsys, "--db", db, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    opened = SqlStore.open(db)
    kept = snapshot(opened)
    loaded = [f.id for f in opened.stored_frameworks()]
    code, out, err = run(capsys, "--db", db, "framework", "retire", "east-sussex-2031")
    assert (code, out, err.strip()) == (2, "", f"qaf: ID: no framework 'east-sussex-2031' (loaded: {', '.join(loaded)})")
    assert snapshot(opened) == kept
    opened.close()


def test_an_argument_that_is_not_utf8_is_refused_by_name_never_a_traceback(capsys, tmp_path):
    """A terminal not set to UTF-8 (or a script) sent the byte 0xff: Python reads it as half a character, and
    'qaf due --row', 'qaf framework retire' and 'qaf schedule --framework' ended in a UnicodeEncodeError from
    the database driver. Refused now, naming the argument and the byte, never quoting the text (a note)."""
    db = f"sqlite:///{tmp_path / 'qaf.db'}"
    assert run(capsys, "--db", db, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    assert run(capsys, "--db", db, "org", "load", str(DATA / "small-org"))[0] == 0
    opened = SqlStore.open(db)
    kept = snapshot(opened)
    half = b"Fix\xffplan".decode("utf-8", "surrogateescape")  # as Python reads it from the command line
    for argv, said in ((["due", "--row", half], "row"), (["framework", "retire", half], "id"),
                       (["schedule", "--through", "2024-12-31", "--framework", half], "framework"),
                       (["record", "0123456789abcdef", "--grade", "good", "--notes", half], "notes")):
        code, out, err = run(capsys, "--db", db, *argv)
        assert (code, err.strip()) == (2, f"qaf: {said}: not UTF-8 text (byte 0xff is not UTF-8; set the terminal to UTF-8): "
                                          "nothing was done"), (argv, err)  # fmt: skip
    assert snapshot(opened) == kept
    opened.close()
    done = subprocess.run([sys.executable, "-m", "qaf", "--db", db.encode(), "due", "--row", b"3.1\xff"], capture_output=True)
    assert done.returncode == 2 and b"Traceback" not in done.stderr and b"row: not UTF-8 text" in done.stderr, done.stderr


def test_an_output_naming_the_store_itself_is_refused_and_the_store_kept(capsys, tmp_path, monkeypatch):
    """'qaf feed --all -o qaf.db' replaced the council's store with a calendar and said "wrote qaf.db" (the
    next command: "file is not a database"); a report written to it or to its -wal, or a table imported
    to it, did the same. It is a bad argument, refused as any other: exit 2, led by the option (it was 1)."""
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "qaf.db"
    db = f"sqlite:///{store}"
    assert run(capsys, "--db", db, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    assert run(capsys, "--db", db, "org", "load", str(DATA / "small-org"))[0] == 0
    (tmp_path / "table.tsv").write_text("Role\tQA task\tFrequency\tPurpose\n1.1 Team Manager\tAudit one case\tMonthly\tQuality\n")
    opened = SqlStore.open(db)
    kept = snapshot(opened)
    for argv in (["feed", "--all", "-o", str(store)], ["feed", "--all", "-o", "qaf.db"], ["feed", "--all", "-o", "./sub/../qaf.db"],
                 ["report", "--month", "2024-05", "-o", str(store)], ["report", "--month", "2024-05", "--out", f"{store}-wal"],
                 ["framework", "import", "table.tsv", "-o", "qaf.db"]):
        (tmp_path / "sub").mkdir(exist_ok=True)
        code, out, err = run(capsys, "--db", db, *argv)
        assert code == 2 and err.startswith("qaf: -o: ") and "is the store qaf is reading" in err and "wrote" not in out, (argv, out, err)
        assert store.read_bytes().startswith(b"SQLite format 3"), argv
        assert snapshot(opened) == kept, argv
    code, out, _ = run(capsys, "--db", db, "feed", "--all", "-o", "feed.ics", "--today", "2024-05-01")
    assert code == 0 and (tmp_path / "feed.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    opened.close()


def test_a_framework_saved_with_a_bom_is_the_same_framework_and_its_file_is_read_once(capsys, tmp_path, monkeypatch):
    """Notepad saves UTF-8 with a BOM: the same framework loaded again from such a file said 'replaced' (its
    stored text was compared with the BOM), and 'framework load' read the file twice, checking one text and
    storing another (an editor saving between the two reads stored what was never checked)."""
    db = f"sqlite:///{tmp_path}/qaf.db"
    plain = (DATA / "store-framework.yaml").read_bytes()
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + plain)
    (tmp_path / "plain.yaml").write_bytes(plain)
    reads: list[str] = []
    for method in ("read_bytes", "read_text"):
        real = getattr(Path, method)
        monkeypatch.setattr(Path, method, lambda self, *a, _real=real, _m=method, **k: (reads.append(_m) if self == bom else None,
                                                                                        _real(self, *a, **k))[1])  # fmt: skip
    import builtins

    opened = builtins.open  # the framework read as a stream, no further than its limit
    monkeypatch.setattr(builtins, "open", lambda file, *a, **k: (reads.append("open") if file == bom else None, opened(file, *a, **k))[1])
    said = []
    for path in (bom, bom, tmp_path / "plain.yaml", bom):
        code, out, err = run(capsys, "--db", db, "framework", "load", str(path))
        assert code == 0, err
        said.append(out.split(" ", 1)[0])
    assert said == ["loaded", "unchanged", "unchanged", "unchanged"]
    assert len(reads) == 3  # once a load
    # a store an older qaf wrote the BOM into: the same file is still the same framework
    from qaf.rules.loader import load_framework

    older = f"sqlite:///{tmp_path}/older.db"
    assert run(capsys, "--db", older, "framework", "load", str(tmp_path / "plain.yaml"))[0] == 0
    SqlStore.open(older).save_framework(load_framework(tmp_path / "plain.yaml")[0], "\ufeff" + plain.decode())
    assert run(capsys, "--db", older, "framework", "load", str(tmp_path / "plain.yaml"))[1].startswith("unchanged ")


def test_a_note_typed_without_its_quotes_is_refused_without_its_words(capsys, tmp_path):
    """'qaf record ID --notes Mother anxious about Emily' (the quotes forgotten) was refused with "unrecognized
    arguments: anxious about Emily": the note's words on the terminal, in a scheduled job's log. The words left over
    are counted, never said; an option the command does not know is named, without what follows its '='."""
    db = f"sqlite:///{tmp_path}/qaf.db"
    code, _, err = run(capsys, "--db", db, "record", "0a1b2c", "--notes", "Mother", "anxious", "about", "Emily")
    assert code == 2 and "Emily" not in err and "anxious" not in err, err
    assert "3 words the command does not take" in err and "quotes" in err, err
    code, _, err = run(capsys, "--db", db, "record", "0a1b2c", "--grade", "good", "--nots=Emily is at risk", "--worried")
    assert code == 2 and "Emily" not in err and "--nots" in err and "--worried" in err, err
    assert not (tmp_path / "qaf.db").exists()


def test_an_option_given_twice_is_refused_naming_it_never_the_last_taken_silently(capsys, tmp_path):
    """'qaf record ID --grade good --grade inadequate' recorded 'inadequate', and '--notes A --notes B' kept B alone:
    argparse takes the last and drops the others without a word. An option given twice is an error (exit 2,
    nothing done, no value said: it may be a note); --action, meant to repeat, repeats."""
    db = f"sqlite:///{tmp_path}/qaf.db"
    for argv, option in ((["record", "0a1b2c", "--grade", "good", "--grade=inadequate"], "--grade"),
                         (["record", "0a1b2c", "--notes", "private words", "--notes", "other words"], "--notes"),
                         (["due", "--status", "open", "--status", "done"], "--status"), (["due", "--from", "2024-01-01", "--fro", "2024-02-01"], "--from"),
                         (["--db", db, "--db", db, "status"], "--db")):
        code, _, err = run(capsys, *(["--db", db, *argv] if argv[0] != "--db" else argv))
        assert code == 2 and f"argument {option}: given twice: give it once" in err, (argv, err)
        assert "words" not in err
    assert not (tmp_path / "qaf.db").exists()
    code = main(["--db", db, "record", "0a1b2c", "--grade", "good", "--action", "Plan | due: 2024-07-01", "--action", "Visit"])
    assert code == 1 and "given twice" not in capsys.readouterr().err  # refused for the unknown id, not for --action twice


def test_a_path_the_system_cannot_take_is_a_message_never_a_traceback(capsys, tmp_path):
    """A file name past the system's limit ended 'qaf framework check', 'framework load', 'org load' and 'framework
    import -o' in an OSError traceback (Path.exists raises ENAMETOOLONG, where a missing file is only False)."""
    long = "x" * 300
    db = f"sqlite:///{tmp_path}/qaf.db"
    for argv in (["framework", "check", long], ["framework", "load", long], ["org", "load", long],
                 ["framework", "import", str(DATA / "import" / "east-sussex-wrapped.txt"), "-o", f"{long}/out.yaml"]):
        code, _, err = run(capsys, "--db", db, *argv)
        assert code == 1 and err.startswith(f"qaf: {long}") and err.endswith(": File name too long\n"), (argv[:2], err[-300:])


def test_an_output_that_is_a_link_or_a_pipe_is_written_through_never_replaced(tmp_path):
    """'-o' is written whole by renaming a temporary file over it: a symbolic link (a web server's feed linked to
    where qaf writes) was replaced by a plain file, and a pipe or a device ('-o /dev/stdout'; as root, /dev/full,
    which said 'wrote /dev/full' and left a plain file in place of the device) was replaced the same way."""
    import os
    import stat
    import threading

    from qaf.cli.common import write_whole

    target = tmp_path / "feeds" / "council.ics"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "council.ics"
    link.symlink_to(target)
    write_whole(link, b"BEGIN:VCALENDAR")
    assert link.is_symlink() and target.read_bytes() == b"BEGIN:VCALENDAR"
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()), daemon=True)  # opens when the writer does
    reader.start()
    write_whole(pipe, b"BEGIN:VCALENDAR")
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode) and got == [b"BEGIN:VCALENDAR"]


def test_framework_import_o_writes_a_links_file_and_keeps_the_link(capsys, tmp_path):
    """'qaf framework import -o' had its own copy of the rename: a link was replaced by a plain file."""
    target = tmp_path / "frameworks" / "council.yaml"
    target.parent.mkdir()
    link = tmp_path / "council.yaml"
    link.symlink_to(target)
    code, out, _ = run(capsys, "framework", "import", str(DATA / "import" / "east-sussex-wrapped.txt"), "-o", str(link))
    assert code == 0 and link.is_symlink() and "\nrows:" in target.read_text(), out


def test_an_output_that_is_stdout_gets_no_wrote_line_inside_it(capsys, tmp_path, monkeypatch):
    """'qaf feed -o /dev/stdout' printed "wrote /dev/stdout: ..." after END:VCALENDAR, into the feed (a report and
    an imported framework, with its summary, alike); '-o -' wrote a file named '-'. Now '-o -' is stdout, and
    what is said of an output that is stdout's own file goes to stderr."""
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'qaf.db'}"
    assert run(capsys, "--db", db, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    assert run(capsys, "--db", db, "org", "load", str(DATA / "small-org"))[0] == 0
    for argv, last in ((["feed", "--all", "--today", "2024-05-01"], "END:VCALENDAR"),
                       (["report", "--month", "2024-05", "--today", "2024-06-01"], "|"),
                       (["framework", "import", str(DATA / "import" / "east-sussex-wrapped.txt")], "")):
        code, out, err = run(capsys, "--db", db, *argv, "-o", "-")
        assert code == 0 and "wrote" not in out + err and out.rstrip().splitlines()[-1].startswith(last), (argv, out[-200:])
        done = subprocess.run([sys.executable, "-m", "qaf", "--db", db, *argv, "-o", "/dev/stdout"], capture_output=True, text=True)
        assert done.returncode == 0 and "wrote" not in done.stdout and "not schedulable" not in done.stdout, (argv, done.stdout[-200:])
        assert done.stdout.rstrip().splitlines()[-1].startswith(last) and "wrote /dev/stdout" in done.stderr, (argv, done.stderr)
    assert not (tmp_path / "-").exists()


def test_a_date_range_the_wrong_way_round_is_a_bad_argument_alike_in_every_command(capsys, tmp_path):
    """'--through' before '--from' exited 1 in schedule and forecast, and qaf due's '--to' before '--from' said it
    in other words, exit 1: as if the store had refused, where any other mistyped option exits 2. Each command that
    takes a range refuses it the same way, by one check: exit 2, led by the option, nothing written."""
    db = tmp_path / "qaf.db"
    assert run(capsys, "--db", f"sqlite:///{db}", "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    assert run(capsys, "--db", f"sqlite:///{db}", "org", "load", str(DATA / "small-org"))[0] == 0
    store = SqlStore.open(f"sqlite:///{db}")
    before = snapshot(store)
    for argv, said in [
        (["schedule", "--from", "2024-06-01", "--through", "2024-05-31"], "qaf: --through: 2024-05-31 is before --from 2024-06-01"),
        (["forecast", "--from", "2024-06-01", "--through", "2024-05-31"], "qaf: --through: 2024-05-31 is before --from 2024-06-01"),
        (["due", "--from", "2024-06-01", "--to", "2024-05-31"], "qaf: --to: 2024-05-31 is before --from 2024-06-01"),
        (["schedule", "--through", "2024-05-31", "--today", "2024-06-01"], "qaf: --through: 2024-05-31 is before today, 2024-06-01 (the default for --from)"),
        (["forecast", "--through", "2024-05-31", "--today", "2024-06-01"], "qaf: --through: 2024-05-31 is before today, 2024-06-01 (the default for --from)"),
    ]:  # fmt: skip
        code, out, err = run(capsys, "--db", f"sqlite:///{db}", *argv)
        assert (code, out, err.strip()) == (2, "", said), argv
    code, out, err = run(capsys, "--db", f"sqlite:///{db}", "schedule", "--from", "2024-04-01", "--through", "2099-12-31")
    assert (code, out) == (2, "") and err.startswith("qaf: --through: ") and "is more than 5 years" in err
    assert snapshot(store) == before


def test_an_impossible_month_is_a_bad_argument(capsys, tmp_path):
    """'qaf report --month 2024-13' exited 1, as if the store had refused, where '--today 2024-13-01' exits 2: a
    month that is no month, or one outside the century qaf works with, is refused where it is typed, naming --month."""
    db = f"sqlite:///{tmp_path / 'qaf.db'}"
    assert run(capsys, "--db", db, "framework", "load", str(DATA / "store-framework.yaml"))[0] == 0
    store = SqlStore.open(db)
    before = snapshot(store)
    for month, said in [("2024-13", "not a month: '2024-13' (expected YYYY-MM, e.g. 2026-02)"), ("2024-00", "not a month"),
                        ("2024-1", "not a month"), ("2024-02-01", "not a month"), ("", "not a month"),
                        ("0001-01", "0001-01 is outside the months qaf works with (2000-01 to 2099-12)")]:  # fmt: skip
        code, out, err = run(capsys, "--db", db, "report", "--month", month)
        assert (code, out) == (2, "") and f"argument --month: {said}" in err and "Traceback" not in err, (month, err)
    assert snapshot(store) == before


def test_a_pdf_report_with_nowhere_to_write_it_is_a_bad_argument(capsys, tmp_path):
    """'qaf report --format pdf' without --out (or with '-o -', the terminal) exited 1, as if the store had refused;
    it is a bad argument, said before anything is read or printed: exit 2, led by the option."""
    db = f"sqlite:///{tmp_path / 'qaf.db'}"
    for argv in (["report", "--month", "2024-05", "--format", "pdf"], ["report", "--month", "2024-05", "--format", "pdf", "-o", "-"]):
        code, out, err = run(capsys, "--db", db, *argv)
        assert (code, out) == (2, "") and err.startswith("qaf: --format: pdf is written to a file: give --out FILE"), (argv, err)
    assert not (tmp_path / "qaf.db").exists()


def test_a_database_file_that_is_no_store_is_a_message_not_a_traceback(capsys, tmp_path):
    """'--db people.csv' or QAF_DB naming the framework file (any file that is not SQLite's) ended in a
    DatabaseError traceback, 'file is not a database', exit 1. It is a store that cannot be used: exit 3, and the
    file is left as it was."""
    for name, data in (("people.csv", b"id,name,email,roles\nP1,Alice,a@example-council.gov.uk,DCS\n"), ("noise.db", bytes(range(256)) * 8)):
        path = tmp_path / name
        path.write_bytes(data)
        for argv in (["status"], ["due"], ["db", "status"]):
            code, out, err = run(capsys, "--db", f"sqlite:///{path}", *argv)
            assert (code, out) == (3, "") and err == f"qaf: cannot use the database sqlite:///{path}: file is not a database\n", (argv, err)
        assert path.read_bytes() == data


def test_a_search_path_naming_no_schema_is_a_message_not_a_traceback(capsys):
    """'--db postgresql://.../test?options=-csearch_path%3Dqaf_council' (libpq's own way to name a schema) with the
    schema not yet made ended in a ProgrammingError traceback, 'no schema has been selected to create in', exit 1.
    It is a database that cannot be used as given: exit 3, saying how to name the schema."""
    from tests.conftest import PG_URL, _postgres_or_skip

    _postgres_or_skip()
    url = f"{PG_URL}?options=-csearch_path%3Dqaf_no_such_schema"
    for argv in (["status"], ["due"], ["framework", "load", "east-sussex-2013"]):
        code, out, err = run(capsys, "--db", url, *argv)
        assert (code, out) == (3, "") and err.startswith("qaf: cannot use the database postgresql+psycopg://") and (
            "no schema has been selected to create in" in err and "?schema=NAME" in err and "Traceback" not in err), (argv, err)


def _stdin(monkeypatch, data: bytes) -> None:
    """Standard input holding ``data``, as a pipe or a file redirected gives it."""
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _kept(store: SqlStore, text: str) -> bool:
    """Whether some row of the store holds ``text`` (as a value, or in the event log's JSON)."""
    return any(repr(text) in row or any(repr(text) in cell for cell in row) for rows in snapshot(store).values() for row in rows)


def test_notes_actions_a_closing_note_and_a_reason_are_read_from_standard_input_out_of_the_process_list(store, db_url, capsys, monkeypatch):
    """'qaf record ID --notes "Mother anxious about Emily"' put the note in argv, where ps, /proc/PID/cmdline and the
    shell's history show it to anyone on the host. '-' reads the text from standard input instead: UTF-8, a BOM
    and the line breaks that end it dropped, the lines within kept; '--action -' reads one action a line."""
    from tests.test_outcomes import april_audit, scheduled

    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    _stdin(monkeypatch, "\ufeffMother anxious about Emily\nplan updated\r\n".encode())
    code, out, err = run(capsys, "--db", db_url, "record", audit.id, "--grade", "good", "--today", "2024-06-10", "--notes", "-")
    assert code == 0 and "Emily" not in err + out, err
    assert _kept(store, "Mother anxious about Emily\nplan updated")
    other = april_audit(store, "3.16", "SW2")
    _stdin(monkeypatch, b"Update the safety plan | within 10 working days\n\nSee the child alone | safeguarding\n")
    code, out, err = run(capsys, "--db", db_url, "record", other.id, "--grade", "inadequate", "--today", "2024-06-10",
                         "--action", "Visit the school", "--action", "-")  # fmt: skip
    assert code == 0, err
    raised = [o for o in store.obligations(None) if o.kind == "action"]
    assert len(raised) == 3 and len(out.split()) >= 3 and all(_kept(store, what) for what in
                                                              ("Visit the school", "Update the safety plan", "See the child alone"))  # fmt: skip
    _stdin(monkeypatch, "School asked to share the plan with Emily’s aunt\n".encode())
    code, out, err = run(capsys, "--db", db_url, "action", "done", raised[0].id, "--note", "-", "--today", "2024-06-11")
    assert code == 0 and "aunt" not in err, err
    assert _kept(store, "School asked to share the plan with Emily’s aunt")
    may = next(o for o in store.obligations(None) if (o.row, o.subject, o.kind, str(o.period_start)) == ("3.16", "SW1", "audit", "2024-05-01"))
    _stdin(monkeypatch, b"Worker on leave until the 5th\n")
    code, out, err = run(capsys, "--db", db_url, "extend", may.id, "--to", "2024-06-07", "--by", "OM1", "--reason", "-", "--today", "2024-05-20")
    assert code == 0 and "leave" not in err, err
    assert _kept(store, "Worker on leave until the 5th")


def test_text_from_standard_input_that_is_empty_too_long_not_utf8_or_asked_twice_is_refused_naming_the_option(store, db_url, capsys, monkeypatch):
    """'--notes -' with nothing piped in, more than the option's limit, bytes that are not UTF-8, or '-' given to two
    options of one command (standard input is read once): a usage error naming the option, never the text, and
    nothing recorded."""
    from tests.test_outcomes import april_audit, scheduled

    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    kept = snapshot(store)
    record = ["--db", db_url, "record", audit.id, "--grade", "good", "--today", "2024-06-10"]
    for data, argv, said in (
        (b"", [*record, "--notes", "-"], "qaf: --notes: standard input is empty: pipe the text in, e.g. --notes - < file.txt"),
        (b" \n\r\n", [*record, "--action", "-"], "qaf: --action: standard input is empty: pipe the text in, e.g. --action - < file.txt"),
        (b"Emily " * 1667, [*record, "--notes", "-"], "qaf: --notes: standard input holds more than 10,000 characters: keep it to 10,000"),
        ("Emily’s ".encode() * 5000, [*record, "--notes", "-"], "qaf: --notes: standard input holds more than 10,000 characters: keep it to 10,000"),
        (b"Emily\xff", [*record, "--notes", "-"], "qaf: --notes: standard input is not UTF-8 text (byte 6, 0xff): save it as UTF-8"),
        (b"Emily", [*record, "--notes", "-", "--action", "-"], "qaf: --action: standard input is read once: give '-' to one of --notes and --action, once"),
        (b"Emily", [*record, "--action", "-", "--action", "-"], "qaf: --action: standard input is read once: give '-' to one of --action, once"),
        (b"Emily " * 400, ["--db", db_url, "extend", audit.id, "--to", "2024-06-07", "--by", "OM1", "--reason", "-"],
         "qaf: --reason: standard input holds more than 2,000 characters: keep it to 2,000"),
        (b"", ["--db", db_url, "action", "done", audit.id, "--note", "-"], "qaf: --note: standard input is empty: pipe the text in, e.g. --note - < file.txt"),
    ):  # fmt: skip
        _stdin(monkeypatch, data)
        code, out, err = run(capsys, *argv)
        assert (code, out, err.strip()) == (2, "", said), (argv, err)
    assert snapshot(store) == kept
    _stdin(monkeypatch, "Emily’s ".encode() * 1250)  # 10,000 characters, 12,500 bytes: within the limit
    assert run(capsys, *record, "--notes", "-")[0] == 0


def test_a_database_written_in_the_settings_file_stops_a_command_before_it_opens_another_store(capsys, tmp_path, monkeypatch):
    """QAF_DB written in the QAF_SETTINGS file (beside email's settings) was not read: 'qaf tick' and 'qaf schedule'
    from a scheduled job made the SQLite file qaf.db in their folder and worked there, the council's own database
    untouched. Refused by name and line, before any store is opened; the environment holding the same, it runs."""
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'council.db'}"
    (tmp_path / "qaf.env").write_text(f"QAF_SMTP_HOST=smtp.example-council.gov.uk\nQAF_DB={db}\n")
    monkeypatch.setenv("QAF_SETTINGS", str(tmp_path / "qaf.env"))
    monkeypatch.delenv("QAF_DB", raising=False)
    served = []
    monkeypatch.setattr("qaf.service.serve_app", lambda app, scheduler, leadership, store, *_: served.append(store.close()))
    for argv in (["status"], ["tick", "--today", "2024-06-10"], ["schedule", "--through", "2024-12-31"], ["framework", "load", "east-sussex-2013"],
                 ["serve"], ["db", "upgrade"], ["db", "status"]):
        code, out, err = run(capsys, *argv)
        assert code == 1 and "qaf.env:2: QAF_DB is read from the environment only" in err, (argv, err)
        assert list(tmp_path.iterdir()) == [tmp_path / "qaf.env"] and not served, argv  # no qaf.db made, no council.db either
    monkeypatch.setenv("QAF_DB", db)
    code, out, err = run(capsys, "framework", "load", "east-sussex-2013")
    assert code == 0 and (tmp_path / "council.db").exists() and not (tmp_path / "qaf.db").exists(), err


def test_words_given_on_the_command_line_by_a_script_are_warned_of_once_never_quoted(store, db_url, capsys, monkeypatch):
    """A script or a scheduled job running 'qaf record ID --notes "$NOTES"' puts the notes in its argv for anyone on
    the host to read, every time, with nobody at a terminal to learn of '--notes -'. Its stderr (the job's log) says
    so, once a command, naming the options and never their words; a person at a terminal, or '-', is not told."""
    import io

    from tests.test_outcomes import april_audit, scheduled

    scheduled(store, "east-sussex-2013")
    record = ["--db", db_url, "record", "--grade", "good", "--today", "2024-06-10"]
    _stdin(monkeypatch, b"")  # a job's standard input: not a terminal
    code, _, err = run(capsys, *record, april_audit(store, "3.16", "SW1").id, "--notes", "Mother anxious about Emily", "--action", "Visit the school")
    warned = [line for line in err.splitlines() if "warning" in line]
    assert code == 0 and "Emily" not in err and "school" not in err, err
    assert warned == ["qaf: warning: --notes and --action were given on the command line, where ps and /proc show them to anyone on "
                      "this host: give '-' and the text on standard input (--notes - < file.txt)"], err  # fmt: skip

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(""))
    code, _, err = run(capsys, *record, april_audit(store, "3.16", "SW2").id, "--notes", "Mother anxious about Emily")
    assert code == 0 and "warning" not in err, err
    _stdin(monkeypatch, b"Mother anxious about Emily\n")
    code, _, err = run(capsys, *record, april_audit(store, "3.16", "SW4").id, "--notes", "-")
    assert code == 0 and "warning" not in err, err
    monkeypatch.setattr(sys, "stdin", None)  # 'qaf ... <&-': none at all
    code, _, err = run(capsys, *record, april_audit(store, "3.16", "SW5").id, "--notes", "-")
    assert (code, err.strip()) == (2, "qaf: --notes: standard input is closed: pipe the text in, e.g. --notes - < file.txt")
