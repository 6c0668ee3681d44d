"""Loading an organisation from CSV: every problem named by file, line and column."""

from __future__ import annotations

import unicodedata

import pytest

from datetime import date
from pathlib import Path

from qaf.rules.model import Role
from qaf.rules.problems import errors, format_problem
from qaf.rules.roles import Vocabulary
from qaf.usecases.orgload import load_org

DATA = Path(__file__).parent / "data"
VOCAB = Vocabulary([
    Role("Director of Children's Services", ("DCS",)),
    Role("Operations Manager", ("OM",)),
    Role("Practice Manager", ("PM",)),
    Role("Social Worker"),
    Role("Moderator"),
])  # fmt: skip


def copy_small_org(folder: Path, *names: str) -> None:
    """The small organisation's files ``names`` copied into ``folder`` (a test writes the others its own way)."""
    for name in names:
        (folder / name).write_text((DATA / "small-org" / name).read_text())


def test_broken_organisation_reports_every_mistake():
    org, problems = load_org(DATA / "broken-org", VOCAB)
    d = DATA / "broken-org"
    found = [format_problem(p) for p in problems]
    assert found == [
        f"{d}/cases.csv:3: worker: unknown worker 'P42' (not in people.csv)",
        f"{d}/cases.csv:4: closed: closed date 2025-03-01 is before opened date 2025-03-12",
        f"{d}/people.csv:3: manager: unknown manager id 'P99' (not in people.csv)",
        f"{d}/people.csv:4: team: unknown team 'T7' (not in teams.csv)",
        f"{d}/people.csv:5: end: end date 2020-01-31 is before start date 2021-09-01",
        f"{d}/people.csv:6: start: malformed date '2022-02-30' (expected YYYY-MM-DD)",
    ]


@pytest.mark.parametrize("written", ["20250110", "2025-W02-5", "2025W02", "2025-01-10T00:00", " 2025-01-10x"])
def test_a_date_is_written_yyyy_mm_dd_and_nothing_else(tmp_path, written: str):
    """Python reads 20250110 and the week date 2025-W02-5 as days: a file holding one meant something else."""
    copy_small_org(tmp_path, "teams.csv", "people.csv")
    (tmp_path / "cases.csv").write_text(f"ref,worker,team,opened,closed\nCS-000123,P4,T1,{written},\n")
    org, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [
        f"{tmp_path}/cases.csv:2: opened: malformed date {written.strip()!r} (expected YYYY-MM-DD)"]


def test_small_organisation_loads_with_aliases_and_extra_columns_ignored():
    org, problems = load_org(DATA / "small-org", VOCAB)
    assert not errors(problems), [format_problem(p) for p in problems]
    ben = org.person("P2")
    assert org.roles_of(ben, VOCAB) == {"Operations Manager", "Moderator"}
    assert [p.id for p in org.line("P4")] == ["P3", "P2", "P1"]
    assert [p.id for p in org.reports("P3")] == ["P4", "P5"]
    assert org.bodies[0].chair == "P1"


def test_a_leaver_is_active_until_their_end_date_and_a_closed_case_until_it_closes():
    org, _ = load_org(DATA / "small-org", VOCAB)
    ella = org.person("P5")
    assert ella.active_on(date(2026, 6, 30)) and not ella.active_on(date(2026, 7, 1))
    case = next(c for c in org.cases if c.ref == "CS-000003")
    assert case.open_on(date(2025, 9, 1)) and not case.open_on(date(2025, 9, 2))


def test_unknown_role_is_a_warning_not_an_error(tmp_path):
    copy_small_org(tmp_path, "teams.csv", "cases.csv")
    people = (DATA / "small-org" / "people.csv").read_text().replace("Practice Manager", "Practice Manager;Young Inspector")
    (tmp_path / "people.csv").write_text(people)
    org, problems = load_org(tmp_path, VOCAB)
    assert not errors(problems)
    assert [format_problem(p) for p in problems] == [
        f"{tmp_path}/people.csv:4: roles: warning: role 'Young Inspector' is not in any loaded framework's vocabulary (kept)"
    ]
    assert "Young Inspector" in org.person("P3").roles


def test_a_childs_name_is_refused_as_a_case_reference(tmp_path):
    copy_small_org(tmp_path, "teams.csv", "people.csv")
    (tmp_path / "cases.csv").write_text("ref,worker,team,opened,closed,child_name\nJohn Smith,P4,T1,2025-01-10,,John Smith\n")
    _, problems = load_org(tmp_path, VOCAB)
    found = [format_problem(p) for p in problems]
    assert f"{tmp_path}/cases.csv:2: ref: a case reference is letters, digits and - / _ . only (never a child's name)" in found
    assert f"{tmp_path}/cases.csv:1: child_name: warning: column ignored: qaf keeps case references only, never a child's details" in found


def test_missing_files_and_columns(tmp_path):
    (tmp_path / "teams.csv").write_text("id,name,service\nT1,A,B\n")
    _, problems = load_org(tmp_path, VOCAB)
    found = [format_problem(p) for p in problems]
    assert f"{tmp_path}/people.csv: file: missing: an organisation needs people.csv" in found
    assert f"{tmp_path}/cases.csv: file: missing: an organisation needs cases.csv" in found
    assert f"{tmp_path}/teams.csv:1: kind: missing column 'kind' (expected id, name, service, kind, area)" in found


def test_duplicate_ids_and_line_manager_circles(tmp_path):
    (tmp_path / "teams.csv").write_text("id,name,service,kind,area\nT1,A,S,social_care,\n")
    (tmp_path / "cases.csv").write_text("ref,worker,team,opened,closed\n")
    (tmp_path / "people.csv").write_text(
        "id,name,email,roles,team,manager,start,end\n"
        "P1,A B,a@x.org,OM,T1,P2,,\nP2,C D,c@x.org,OM,T1,P1,,\nP2,E F,e@x.org,OM,T1,,,\n"
    )
    _, problems = load_org(tmp_path, VOCAB)
    found = [format_problem(p) for p in problems]
    assert f"{tmp_path}/people.csv:4: id: duplicate id 'P2' (first on line 3)" in found
    assert f"{tmp_path}/people.csv:2: manager: line managers go round in a circle: P1 -> P2 -> P1" in found


def test_a_bodys_members_are_person_ids_joined_by_semicolons_and_an_unknown_one_is_located(tmp_path):
    copy_small_org(tmp_path, "teams.csv", "people.csv", "cases.csv")
    (tmp_path / "bodies.csv").write_text("id,name,chair,members\nFAP,Fostering and Adoption Panels,P1,P2; P3;P2\nCPP,Corporate Parenting Panel,,\n")
    org, problems = load_org(tmp_path, VOCAB)
    assert not errors(problems), [format_problem(p) for p in problems]
    assert [(b.id, b.chair, b.members) for b in org.bodies] == [("FAP", "P1", ("P2", "P3")), ("CPP", None, ())]
    (tmp_path / "bodies.csv").write_text("id,name,chair,members\nFAP,Fostering and Adoption Panels,P1,P2;Cllr Smith\n")
    _, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [
        f"{tmp_path}/bodies.csv:2: members: unknown person 'Cllr Smith' (not in people.csv); members are person ids joined by ';'"
    ]


def test_a_cases_transferred_date_is_optional_and_must_lie_between_opened_and_closed(tmp_path):
    copy_small_org(tmp_path, "teams.csv", "people.csv")
    (tmp_path / "cases.csv").write_text(
        "ref,worker,team,opened,closed,transferred\nCS-1,P4,T1,2025-01-10,,2025-03-03\nCS-2,P4,T1,2025-01-10,2025-02-01,2025-03-03\n"
    )
    org, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [
        f"{tmp_path}/cases.csv:3: transferred: transferred date 2025-03-03 is after closed date 2025-02-01"
    ]


@pytest.mark.parametrize("written, said", [
    ("0202-01-10", "0202-01-10 is outside the dates an organisation's file may hold (1900-01-01 to 2099-12-31)"),
    ("1899-12-31", "1899-12-31 is outside the dates an organisation's file may hold (1900-01-01 to 2099-12-31)"),
    ("2100-01-01", "2100-01-01 is outside the dates an organisation's file may hold (1900-01-01 to 2099-12-31)"),
])
def test_a_date_a_slip_of_the_keyboard_put_centuries_out_is_refused_at_its_cell(tmp_path, written: str, said: str):
    """'0202-01-10' for 2020 loaded: a case opened in the third century, a person in post since then. An
    organisation's dates run from 1900 (long-serving staff, long-open cases) to qaf's last day, 2099-12-31."""
    copy_small_org(tmp_path, "teams.csv", "people.csv")
    (tmp_path / "cases.csv").write_text(f"ref,worker,team,opened,closed\nCS-000123,P4,T1,{written},\n")
    _, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [f"{tmp_path}/cases.csv:2: opened: {said}"]
    for edge in ("1900-01-01", "2099-12-31"):
        (tmp_path / "cases.csv").write_text(f"ref,worker,team,opened,closed\nCS-000123,P4,T1,{edge},\n")
        assert not errors(load_org(tmp_path, VOCAB)[1]), edge


def test_rows_an_export_cut_short_are_read_with_one_warning_naming_the_columns_read_as_empty(tmp_path):
    """A people.csv row with fewer cells than the header was read with the missing cells empty, without a
    word: a leaver's 'end' cut off kept her in post. The rows still load (an export may leave off empty cells
    at a row's end), and one warning, at the first such row, says which columns were read as empty and where
    else it happened."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv", "people.csv")
    people = (tmp_path / "people.csv").read_text().splitlines()
    cells = {2: 6, 3: 6, 4: 6, 5: 8}  # line 5 lacks only the payroll number, a column qaf never reads: no word of it
    cut = [",".join(line.split(",")[:cells[n]]) if n in cells else line for n, line in enumerate(people, start=1)]
    (tmp_path / "people.csv").write_text("\n".join(cut) + "\n")
    org, problems = load_org(tmp_path, VOCAB)
    assert org is not None and not errors(problems)
    assert [format_problem(p) for p in problems if p.field == "row"] == [
        f"{tmp_path}/people.csv:2: row: warning: 6 cells but the header has 9 columns: start, end read as empty (so do 2 more rows, lines 3, 4)"]


def _small_org_with(tmp_path, name: str, line: int, column: str, value: str) -> Path:
    """The small organisation with one cell changed (``line`` counts the header as 1)."""
    import csv

    copy_small_org(tmp_path, "teams.csv", "people.csv", "cases.csv", "bodies.csv")
    with open(tmp_path / name, newline="") as f:
        rows = list(csv.reader(f))
    rows[line - 1][rows[0].index(column)] = value
    with open(tmp_path / name, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    return tmp_path


def test_every_text_an_organisation_holds_has_a_range_and_one_outside_it_is_refused_at_its_line(tmp_path):
    cases = [
        ("teams.csv", 3, "service", "x" * 201, "service: at most 200 characters, got 201"),
        ("teams.csv", 3, "area", "East\nWest", "area: a line break or another control character: one line of plain text only"),
        ("teams.csv", 3, "name", "Early Help\x1b[31m", "name: a line break or another control character"),
        ("people.csv", 6, "id", "P" * 101, "id: at most 100 characters, got 101"),
        ("people.csv", 6, "id", "P5;P6", "id: an id never holds ';' (lists of ids are joined by it): 'P5;P6'"),
        ("people.csv", 6, "name", "Ella\x00Ford", "name: a line break or another control character"),
        ("people.csv", 6, "email", "e" * 250 + "@x.org", "email: at most 254 characters, got 256"),
        ("people.csv", 6, "roles", "Social Worker;" + "R" * 201, "roles: at most 200 characters, got 201"),
        ("cases.csv", 2, "ref", "CS-" + "1" * 62, "ref: at most 64 characters, got 65"),
        ("bodies.csv", 2, "name", "x" * 201, "name: at most 200 characters, got 201"),
    ]
    for n, (name, line, column, value, expected) in enumerate(cases):
        (tmp_path / str(n)).mkdir()
        folder = _small_org_with(tmp_path / str(n), name, line, column, value)
        _, problems = load_org(folder, VOCAB)
        found = [format_problem(p) for p in errors(problems)]
        assert any(f.startswith(f"{folder}/{name}:{line}: {expected}") for f in found), (name, column, found)
    # at the edge of each range, accepted
    folder = tmp_path / "edges"
    folder.mkdir()
    _small_org_with(folder, "teams.csv", 3, "service", "x" * 200)
    _, problems = load_org(folder, VOCAB)
    assert not errors(problems), [format_problem(p) for p in errors(problems)]


def test_a_council_pattern_cannot_let_a_case_reference_past_64_characters(tmp_path):
    folder = _small_org_with(tmp_path, "cases.csv", 2, "ref", "CS-" + "1" * 62)
    _, problems = load_org(folder, VOCAB, case_pattern=r"[A-Z]+-\d+")
    assert [format_problem(p) for p in errors(problems)] == [f"{folder}/cases.csv:2: ref: at most 64 characters, got 65"]


def _write_council(folder: Path, people) -> Path:
    from tests.council import TEAMS, cases

    folder.mkdir(exist_ok=True)
    (folder / "teams.csv").write_text("id,name,service,kind,area\n" + "".join(f"{t.id},{t.name},{t.service},{t.kind},{t.area}\n" for t in TEAMS))
    (folder / "people.csv").write_text("id,name,email,roles,team,manager,start,end\n" + "".join(
        f"{p.id},{p.name},{p.email},{';'.join(p.roles)},{p.team or ''},{p.manager or ''},{p.start or ''},{p.end or ''}\n" for p in people
    ))  # fmt: skip
    (folder / "cases.csv").write_text("ref,worker,team,opened,closed\n" + "".join(f"{c.ref},{c.worker or ''},{c.team},{c.opened},\n" for c in cases()))
    return folder


def test_a_practice_manager_promoted_with_her_workers_still_hers_is_a_warning_naming_them(db_url, tmp_path, capsys):
    """3.16: "Practice Managers: one case per month for each worker". Pat Practice becomes an Operations
    Manager and HR leaves Tom, Ruth, Sam and Lee reporting to her: nobody holds the role over them, and
    their monthly audits would just stop. Loading says so, naming them, the row and what to do."""
    import dataclasses

    from qaf.cli.main import main
    from tests.council import PEOPLE

    assert main(["--db", db_url, "framework", "load", "east-sussex-2013"]) == 0
    assert main(["--db", db_url, "org", "load", str(_write_council(tmp_path / "before", PEOPLE)), "--today", "2024-06-12"]) == 0
    assert "no Practice Manager manages" not in capsys.readouterr().err
    promoted = tuple(dataclasses.replace(p, roles=("Operations Manager",)) if p.id == "PM1" else p for p in PEOPLE)
    assert main(["--db", db_url, "org", "load", str(_write_council(tmp_path / "after", promoted)), "--today", "2024-06-12"]) == 0
    err = capsys.readouterr().err
    assert ("people.csv:12: manager: warning: from 12 June 2024 no Practice Manager manages Tom Fairley (SW1), Ruth Steady (SW2), "
            "Lee Leaver (SW4) (line manager: Pat Practice): row 3.16 of east-sussex-2013 (One case per month for each worker. "
            "If audit reveals…) no longer schedules "
            "their work; name a Practice Manager as their manager, or give their manager the role") in err, err  # fmt: skip
    assert "from 1 August 2024 no Practice Manager manages Sam Starter (SW3)" in err, "Sam starts on 15 July: he is named from August"
    assert "manages Pat Practice" not in err, "Pat left row 3.3 (Operations Managers' audits of Practice Managers) by her own promotion"
    assert "Eve East" not in err, "Priya's workers are still hers"


def test_a_practice_manager_leaving_with_her_workers_still_hers_is_a_warning_from_the_day_after(db_url, tmp_path, capsys):
    import dataclasses

    from qaf.cli.main import main
    from tests.council import PEOPLE

    assert main(["--db", db_url, "framework", "load", "east-sussex-2013"]) == 0
    assert main(["--db", db_url, "org", "load", str(_write_council(tmp_path / "before", PEOPLE)), "--today", "2024-06-12"]) == 0
    capsys.readouterr()
    leaving = tuple(dataclasses.replace(p, end=date(2024, 6, 30)) if p.id == "PM2" else p for p in PEOPLE)
    assert main(["--db", db_url, "org", "load", str(_write_council(tmp_path / "after", leaving)), "--today", "2024-06-12"]) == 0
    err = capsys.readouterr().err
    assert "from 1 July 2024 no Practice Manager manages Eve East (SW5) (line manager: Priya Practice): row 3.16" in err, err
    assert err.count("no Practice Manager manages") == 1


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c", "\x1e"], ids=["LS", "PS", "NEL", "FF", "RS"])
def test_a_line_separator_pasted_into_a_name_is_refused_at_its_own_line_and_the_lines_after_keep_their_numbers(tmp_path, separator):
    """Word and Excel paste U+2028 (and NEL, form feed) where a cell wrapped. Read as line breaks, they split
    line 4 into two records: 'not an email address' on line 4, a manager '2019-04-01' on line 5, and every
    later line's number one out. Only CR and LF end a CSV record; the rest are control characters in a cell."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv")
    people = (DATA / "small-org" / "people.csv").read_text().replace("Cara Dunn", f"Cara{separator}Dunn")
    people = people.replace("P5,Ella Ford,ella.ford@example-council.gov.uk", "P5,Ella Ford,not-an-address")
    (tmp_path / "people.csv").write_text(people, newline="")
    _, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [
        f"{tmp_path}/people.csv:4: name: a line break or another control character: one line of plain text only",
        f"{tmp_path}/people.csv:6: email: not an email address: 'not-an-address'",
    ]


def test_a_line_separator_inside_a_quoted_name_is_refused_too(tmp_path):
    """Quoted, the cell reads whole, and U+2028 would be kept: a line break in a name, which no cell holds."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv")
    people = (DATA / "small-org" / "people.csv").read_text().replace("Cara Dunn", '"Cara\u2028Dunn"')
    (tmp_path / "people.csv").write_text(people, newline="")
    _, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [
        f"{tmp_path}/people.csv:4: name: a line break or another control character: one line of plain text only"]


def test_a_column_named_twice_is_refused_at_the_header_naming_both_places(tmp_path):
    """A 'team' column added again at the end (empty) was read in place of the first: every person lost their team,
    and the load said '68 changed'."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv")
    lines = (DATA / "small-org" / "people.csv").read_text().splitlines()
    (tmp_path / "people.csv").write_text("\n".join([lines[0] + ",Team", *(line + "," for line in lines[1:])]) + "\n")
    org, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [
        f"{tmp_path}/people.csv:1: team: the column 'team' is named twice (columns 5 and 10): which one holds it?"]


def test_an_ignored_column_named_twice_is_still_ignored(tmp_path):
    copy_small_org(tmp_path, "teams.csv", "cases.csv")
    lines = (DATA / "small-org" / "people.csv").read_text().splitlines()
    (tmp_path / "people.csv").write_text("\n".join([lines[0] + ",payroll_number", *(line + ",9" for line in lines[1:])]) + "\n")
    org, problems = load_org(tmp_path, VOCAB)
    assert not errors(problems), [format_problem(p) for p in problems]
    assert org.person("P3").team == "T1"


@pytest.mark.parametrize("pattern", [".+", "[^,]{1,64}", "[A-Za-z0-9 ]+"])
def test_a_councils_own_case_reference_pattern_never_lets_a_name_or_a_sentence_in(tmp_path, pattern):
    """A council's pattern replaced qaf's rule whole: '.+' let 'Emily Smith 2016' and 'Emily Smith' in as cases, to
    reach feeds, email subjects and reports. The pattern now narrows qaf's shape (letters, digits and - / _ .,
    with a digit), never widens it."""
    copy_small_org(tmp_path, "teams.csv", "people.csv")
    (tmp_path / "cases.csv").write_text("ref,worker,team,opened,closed\nEmily Smith 2016,P4,T1,2025-01-10,\n"
                                        "Emily Smith,P4,T1,2025-01-10,\nESCC0000123,P4,T1,2025-01-10,\n")
    _, problems = load_org(tmp_path, VOCAB, case_pattern=pattern)
    assert [(p.source.line, p.field) for p in errors(problems)] == [(2, "ref"), (3, "ref")]
    assert all("whatever the council's pattern" in p.message for p in errors(problems))


def test_a_file_saved_in_windows_1252_is_refused_at_its_line_alone(tmp_path):
    """Excel's plain 'CSV' is Windows-1252: 'Zoë' on line 4 was refused as "'utf-8' codec can't decode byte 0xeb in
    position 153", with no line, and every case and body naming a person followed, each its own error ('unknown
    worker'): 509 lines for the example council. Now one line, at the line, saying what to do."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv", "bodies.csv")
    people = (DATA / "small-org" / "people.csv").read_text().replace("Cara Dunn", "Cara Zoë Dunn")
    (tmp_path / "people.csv").write_bytes(people.encode("cp1252"))
    _, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in problems] == [
        f"{tmp_path}/people.csv:4: file: not UTF-8 text: byte 0xeb, character 11 of line 4, is not UTF-8 "
        "(save the file as UTF-8: in Excel, 'CSV UTF-8')"]


@pytest.mark.parametrize("email", ["cara.dunn@example-council.gov.uk.", "cara.dunn@example-council.gov.uk/x",
                                   "cara(dunn)@example-council.gov.uk", "cara.dunn@example-council.gov.uk:25"])
def test_an_email_address_the_mailer_would_refuse_is_refused_at_load(tmp_path, email):
    """'cara.dunn@example-council.gov.uk.' (a trailing dot) loaded, and every email to her then failed for good
    when sent ('not a single email address'): her escalations lost, with nothing said at the load."""
    from qaf.usecases.mail import ADDRESS

    assert not ADDRESS.fullmatch(email)
    folder = _small_org_with(tmp_path, "people.csv", 4, "email", email)
    _, problems = load_org(folder, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [f"{folder}/people.csv:4: email: not an email address: {email!r}"]


@pytest.mark.parametrize("email, odd", [("zo\u00eb.dunn@example-council.gov.uk", "U+00EB '\u00eb'"),
                                        ("cara.dunn\u200b@example-council.gov.uk", "U+200B '\\u200b'"),
                                        ("cara.dunn@ex\u00e4mple-council.gov.uk", "U+00E4 '\u00e4'")])
def test_an_email_address_that_is_not_ascii_is_refused_at_load(tmp_path, email, odd):
    """'zoë.dunn@...' (or an address with an invisible U+200B pasted from a web page) loaded; the first email
    to her made Python's mail library raise TypeError (the address needs SMTPUTF8) and the tick's whole send
    stopped with a traceback: 66 emails left claimed, nobody's sent."""
    folder = _small_org_with(tmp_path, "people.csv", 4, "email", email)
    _, problems = load_org(folder, VOCAB)
    said = f"not an email address: {email!r} ({odd}: an address qaf sends to is in ASCII)"
    if "\u200b" in email:  # refused as any cell holding an invisible character is
        said = "U+200B ZERO WIDTH SPACE, an invisible character or one that turns text around: one line of plain text only"
    assert [format_problem(p) for p in errors(problems)] == [f"{folder}/people.csv:4: email: {said}"]


def test_two_people_in_post_at_once_with_one_email_address_are_refused(tmp_path):
    """The DCS's address pasted onto the Chief Executive's row loaded, and signing in with it (a link or the council's
    identity provider) opened the Chief Executive's session, whoever asked: the DCS could never sign in as herself.
    A person rehired under a new id, the old row ended before the new one starts, may keep her address."""
    folder = _small_org_with(tmp_path, "people.csv", 6, "email", "ALICE.harper@example-council.gov.uk")
    _, problems = load_org(folder, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [
        f"{folder}/people.csv:6: email: 'ALICE.harper@example-council.gov.uk' is also P1's (line 2), both in post at once: "
        "each person has an address of their own (sign-in and every email find a person by it)"]
    rehired = tmp_path / "rehired"
    rehired.mkdir()
    _small_org_with(rehired, "people.csv", 6, "email", "dev.patel@example-council.gov.uk")  # Ella (P5) left 2026-06-30
    people = (rehired / "people.csv").read_text().replace("P4,Dev Patel,dev.patel@example-council.gov.uk,Social Worker,T1,P3,2021-09-01,,",
                                                          "P4,Dev Patel,dev.patel@example-council.gov.uk,Social Worker,T1,P3,2026-07-01,,")
    (rehired / "people.csv").write_text(people)
    _, problems = load_org(rehired, VOCAB)
    assert not errors(problems), [format_problem(p) for p in problems]


def test_a_people_or_teams_file_with_nobody_in_it_is_refused(tmp_path):
    """An export that came out empty (its header only) loaded: 87 people, 10 teams and 500 cases 'no longer listed',
    and the next tick cancelled every one of the council's 413 open obligations, as if everyone had left."""
    for name in ("teams.csv", "people.csv", "cases.csv", "bodies.csv"):
        text = (DATA / "small-org" / name).read_text()
        (tmp_path / name).write_text(text.splitlines(keepends=True)[0])
    _, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [
        f"{tmp_path}/people.csv:1: file: lists nobody (its header only): an organisation has people, and loading none would take "
        "everyone out of scope",
        f"{tmp_path}/teams.csv:1: file: lists no team (its header only): an organisation has teams, and loading none would take "
        "every team out of scope",
    ]


@pytest.mark.parametrize("hidden", ["\u202e", "\u2067", "\u200f", "\u061c", "\u200b", "\u2060", "\ufeff", "\u00ad"])
def test_a_bidi_control_or_an_invisible_character_in_an_id_or_a_name_is_refused_at_its_line(tmp_path, hidden):
    """U+202E in a name turned the rest of a feed's SUMMARY around ("Chris Chief's meeting" read backwards), and
    U+200B made 'P5' and 'P5' two people; both were kept. Unicode's format characters are refused where people,
    teams and their names come in, each named; ZWNJ and ZWJ, which names in Persian or Hindi need, are text."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv")
    people = (DATA / "small-org" / "people.csv").read_text().replace("Cara Dunn", f"Cara{hidden}Dunn").replace("P5,", f"P5{hidden},", 1)
    (tmp_path / "people.csv").write_text(people)
    _, problems = load_org(tmp_path, VOCAB)
    code = f"U+{ord(hidden):04X}"
    found = [format_problem(p) for p in errors(problems)]
    assert [f for f in found if code in f] == [f"{tmp_path}/people.csv:4: name: {code} {unicodedata.name(hidden)}, an invisible character "
                                               "or one that turns text around: one line of plain text only",
                                               f"{tmp_path}/people.csv:6: id: {code} {unicodedata.name(hidden)}, an invisible character "
                                               "or one that turns text around: one line of plain text only"], found  # fmt: skip
    joined = (DATA / "small-org" / "people.csv").read_text().replace("Cara Dunn", "Cara Dunn\u200c\u200d")
    (tmp_path / "people.csv").write_text(joined)
    assert not errors(load_org(tmp_path, VOCAB)[1])


def test_a_quote_never_closed_is_refused_where_it_opens_not_read_to_the_end_of_the_file(tmp_path):
    """'"Cara Dunn' with no closing quote took the rest of people.csv into her name: the people on the lines after
    were never read, and the message spoke of a line break in a name."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv")
    (tmp_path / "people.csv").write_text((DATA / "small-org" / "people.csv").read_text().replace("Cara Dunn", '"Cara Dunn'))
    _, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems) if "people.csv" in p.source.file] == [
        f"{tmp_path}/people.csv:4: row: not valid CSV: a cell opened with a double quote on this line is never closed "
        "(the rest of the file would be its text)"]


def test_a_people_file_cut_short_by_a_stray_quote_is_the_one_problem_not_every_case_of_the_people_after_it(tmp_path):
    """A QA officer's people.csv with '"Cara Dunn' on line 4: the people after it were never read, so every case of
    Dev Patel (P4) and Eve (P5) was refused as 'unknown worker', hundreds of lines in a real council, the cause last."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv", "bodies.csv")
    (tmp_path / "people.csv").write_text((DATA / "small-org" / "people.csv").read_text().replace("Cara Dunn", '"Cara Dunn'))
    _, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems)] == [
        f"{tmp_path}/people.csv:4: row: not valid CSV: a cell opened with a double quote on this line is never closed "
        "(the rest of the file would be its text)"]


def test_a_header_that_is_not_csv_is_refused_at_line_1_never_a_traceback(tmp_path):
    """A header cell past the csv module's limit (131,072 characters) ended 'qaf org load' in UnboundLocalError."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv")
    (tmp_path / "people.csv").write_text("id,name,email,roles," + "x" * 140_000 + "\nP1,Alice Harper,a@example.org,Social Worker,\n")
    _, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems) if "people.csv" in p.source.file] == [
        f"{tmp_path}/people.csv:1: row: not valid CSV: field larger than field limit (131072)"]


def test_an_invisible_character_in_a_header_is_said_as_itself_not_as_a_missing_column(tmp_path):
    """A second file pasted below the first brings its BOM into a cell: 'id' with a U+FEFF (or a U+200B) was
    "missing column 'id'" in a header that shows one."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv")
    (tmp_path / "people.csv").write_text("\u200b" + (DATA / "small-org" / "people.csv").read_text())
    _, problems = load_org(tmp_path, VOCAB)
    assert [format_problem(p) for p in errors(problems) if "people.csv" in p.source.file] == [
        f"{tmp_path}/people.csv:1: id: U+200B ZERO WIDTH SPACE, an invisible character or one that turns text around in the "
        "column's name: type it again as plain text"]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_file_separated_by_semicolons_or_tabs_is_said_so_once_not_as_every_column_missing(tmp_path, separator):
    """Excel in much of Europe saves 'CSV' with ';', and 'Text' with tabs: people.csv so saved was four "missing
    column" problems, then an 'unknown person' for every case's worker and every body's chair (512 lines for
    the example council), the cause buried at the end."""
    copy_small_org(tmp_path, "teams.csv", "cases.csv")
    (tmp_path / "people.csv").write_text((DATA / "small-org" / "people.csv").read_text().replace(",", separator))
    _, problems = load_org(tmp_path, VOCAB)
    said = "';'" if separator == ";" else "tabs"
    assert [format_problem(p) for p in errors(problems)] == [
        f"{tmp_path}/people.csv:1: header: the columns are separated by {said}, not commas: save the file as 'CSV UTF-8 "
        "(Comma delimited)'"]


def test_a_childs_name_in_cases_csv_is_refused_without_being_quoted_back_on_any_line(tmp_path):
    """A council's export with names where the references go (one child on two lines, a name slipped into a date's
    column): the first line was refused without the name, but the second said "duplicate ref 'Emily Smith'" and the
    date columns "malformed date 'Emily Smith'", a child's name in the loader's output (a scheduled load's log). Every
    problem still names its file, line and column; a reference and a mistyped date are still quoted, being no words."""
    copy_small_org(tmp_path, "teams.csv", "people.csv")
    (tmp_path / "cases.csv").write_text(
        "ref,worker,team,opened,closed,transferred\n"
        "Emily Smith,P4,T1,2025-01-10,,\nEmily Smith,P4,T1,2025-01-10,,\nCS-3,P4,T1,Emily Smith,,\n"
        "CS-4,P4,T1,2025-01-10,Emily Smith,\nCS-5,P4,T1,2025-01-10,,Smith 12/3\nCS-6,P4,T1,2025-02-30,,\n"
        "CS-7,P4,T1,2025-01-10,,\nCS-7,P4,T1,2025-01-10,,\n"
    )
    _, problems = load_org(tmp_path, VOCAB)
    found = [format_problem(p).split(f"{tmp_path}/", 1)[1] for p in problems]
    assert not [line for line in found if "Emily" in line or "Smith" in line], found
    assert [line.split(":")[1:3] for line in found] == [
        ["2", " ref"], ["3", " ref"], ["4", " opened"], ["5", " closed"], ["6", " transferred"], ["7", " opened"], ["9", " ref"]]
    assert "cases.csv:7: opened: malformed date '2025-02-30' (expected YYYY-MM-DD)" in found
    assert "cases.csv:9: ref: duplicate ref 'CS-7' (first on line 8)" in found


def test_a_reference_made_of_a_childs_name_is_refused_without_saying_the_name_back(tmp_path):
    """"Smith.Emily.2016" has the shape of a reference (letters, dots, a digit) but its letters are a name: the
    problem said "'Smith' reads as a name", the child's surname on the loader's output. It says why, and where."""
    copy_small_org(tmp_path, "teams.csv", "people.csv")
    (tmp_path / "cases.csv").write_text("ref,worker,team,opened,closed,transferred\nSmith.Emily.2016,P4,T1,2025-01-10,,\n")
    _, problems = load_org(tmp_path, VOCAB)
    found = [format_problem(p).split(f"{tmp_path}/", 1)[1] for p in problems]
    assert not [line for line in found if "Emily" in line or "Smith" in line], found
    assert [line for line in found if line.startswith("cases.csv:2: ref: ") and "reads as a name" in line], found
