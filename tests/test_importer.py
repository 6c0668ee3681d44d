"""Reading a council's own framework table: ``qaf framework import`` (issue 7).

East Sussex's Appendix 1, as the seed paper prints it, is imported and then
scheduled for the test council: the schedule must equal the one the
hand-written bundled framework gives, row by row, except where the
hand-written file knowingly reads more than the table says
(:data:`KNOWINGLY_DIFFERENT`). The same rows come out of CSV, Excel and Word
tables; and no input, however bad, gives a traceback or a partial file.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import re
import tempfile
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qaf.cli.tables import register
from qaf.engine.schedule import plan
from qaf.rules.frequency import default_names
from qaf.rules.importer import Imported, import_table
from qaf.rules.loader import load_framework, load_text
from qaf.rules.model import Framework
from qaf.rules.problems import QafError, format_problem
from qaf.rules.rolecell import read_role_cell
from qaf.rules.tables import read_table
from tests.council import council

DATA = Path(__file__).parent / "data"
SEED = DATA / "seeds" / "east-sussex-2013-qa-framework-annual-review.txt"
WRAPPED = DATA / "import" / "east-sussex-wrapped.txt"
BUNDLED = Path(__file__).resolve().parents[1] / "rules" / "frameworks" / "east-sussex-2013.yaml"

IDS = [
    "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13",
    "2.1", "2.2", "2.3", "2.4", "2.5",
    "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15", "3.16",
    "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "4.13", "4.14", "4.15", "4.16",
    "4.17", "4.18",
    "5.1", "5.2",
]  # fmt: skip

# Rows whose hand-written meaning knowingly reads more than the table's words, and why.
KNOWINGLY_DIFFERENT = {
    "2.4": "the hand-written file makes the elected members' review and approval of the Statement of Purpose one "
    "piece of work for them together (the frequency cell's 'formally approve it'); the importer makes work "
    "joint only where the role cell names more than one role",
    "4.16": "the hand-written file invites the Heads of Service to the DCS's quarterly performance review, reading the "
    "purpose's 'holding Heads of Service accountable as appropriate'; the importer takes who comes to a meeting "
    "from the task and frequency cells only",
    "3.13": "the hand-written file keeps the peer audit to the teams a Head of Service of Children's Social Care manages "
    "(teams: managed, issue 13 item 7); the importer does not yet read 'Children's Social Care' in the role cell as that "
    "scope, so its peer audits also pick the early help team",
    "3.15": "as 3.13, for the Operations Managers' peer audit",
}


# Every row whose imported meaning (who, cadences but their notes, triggers) is not the hand-written one, and which is
# closer to the paper's words. The schedule test above sees only those the test council shows.
READ_OTHERWISE = {
    "1.7": "bundled: 'every 12 months, this meeting will also include Assistant Directors (ADs) for early help "
    "services' puts the AD Early Help in one of the two meetings; the importer invites the ADs to neither",
    "2.2": "neither: 'Managers at all levels up to CSCMT' and 'Monthly for operational managers' name no post; the "
    "importer adds 'Manager' and 'Operational manager' as new roles for a person to check, the bundled file reads "
    "CSCMT and the Operations Managers, marked '# default'",
    "2.4": KNOWINGLY_DIFFERENT["2.4"],
    "3.3": "bundled: 'summary to be forwarded to Head of Service' is the Operations Manager's own (copy_of: assignee); "
    "the importer copies every Head of Service",
    "3.10": "the importer is closer to the two 'Annually' clauses (two reports), the bundled file to the one 'Private "
    "Fostering Report' of the task; its reading is marked '# default'",
    "3.13": KNOWINGLY_DIFFERENT["3.13"],
    "3.14": KNOWINGLY_DIFFERENT["3.13"] + "; the Head of Service's sample ('a sample of these cases', no size) is a "
    "placeholder of one in the import, three for each Head of Service in the bundled file (marked '# default')",
    "3.15": KNOWINGLY_DIFFERENT["3.15"],
    "4.2": "neither: the role cell 'All managers up to CSCMT ...' names no post; the work's own 'by' (team and unit "
    "managers, the Joint Divisional Meeting and SMT) is the same in both",
    "4.5": "bundled: a 'themed file audit' whose files follow the theme samples no case; the importer samples one",
    "4.11": "bundled: the multi-agency files are not drawn from the chair's line (the importer samples them), and "
    "'feedback to be disseminated to heads of service' copies them in (the importer does not)",
    "4.16": KNOWINGLY_DIFFERENT["4.16"],
    "5.1": "neither: 'Annual meeting with key service leads' names no post; the importer invites 'Key service lead' as a "
    "new role to check, the bundled file invites nobody and says so in the note",
}


def _meaning(row) -> tuple:
    return (frozenset(row.by), tuple(dataclasses.replace(c, note="") for c in row.cadences), row.triggers, row.unschedulable is None)


def imported_from(path: Path) -> Imported:
    table, problems = read_table(path)
    assert table is not None, [format_problem(p) for p in problems]
    return import_table(table, "east-sussex-2013", "Quality Assurance in Children's Social Care and Early Help Services")


@pytest.fixture(scope="module")
def east_sussex() -> Imported:
    return imported_from(SEED)


@pytest.fixture(scope="module")
def loaded(east_sussex: Imported) -> Framework:
    fw, problems = load_text(east_sussex.text, "imported.yaml")
    assert fw is not None and not [p for p in problems if p.is_error], [format_problem(p) for p in problems]
    return fw


# --- East Sussex, Appendix 1 -------------------------------------------------------


def test_the_seed_table_gives_54_rows_numbered_as_the_council_numbers_them(east_sussex: Imported):
    assert [row.id for row in east_sussex.framework.rows] == IDS


def test_the_framework_text_passes_the_loader_and_keeps_every_row(east_sussex: Imported, loaded: Framework):
    assert [row.id for row in loaded.rows] == IDS
    assert loaded.rows == east_sussex.framework.rows  # printed and read back: the same rows


def test_the_summary_counts_rows_schedulable_warnings_and_the_rows_not_schedulable(east_sussex: Imported):
    assert east_sussex.summary == f"54 rows read, 50 schedulable, {len(east_sussex.problems)} warnings, 4 not schedulable"
    assert dict(east_sussex.unschedulable) == {
        "1.1": "statutory responsibility, no frequency ('Statutory responsibility for Children's Services')",
        "1.2": "follows other bodies' meeting calendars, which the table does not give ('As defined by individual meeting frequency')",
        "1.3": "no frequency given (the cell is empty)",
        "1.4": "as required: no frequency ('As required and in line with meeting frequency')",
    }


def test_each_row_keeps_the_council_cells(east_sussex: Imported):
    hand, _ = load_framework(BUNDLED)
    assert hand is not None
    for row in east_sussex.framework.rows:
        written = hand.row(row.id)
        assert (row.role, row.frequency, row.section) == (written.role, written.frequency, written.section.replace("Service Provision: ", ""))
        assert _words(row.task) == _words(written.task) and _words(row.purpose) == _words(written.purpose)


def _words(text: str) -> list[str]:
    return re.sub(r"<[^>]+>", " ", text).replace("•", " ").split()


def test_the_verbatim_frequency_and_every_warning_sit_above_the_row(east_sussex: Imported):
    text = east_sussex.text
    above_3_16 = text[: text.index("- id: '3.16'")].rsplit("rows:", 1)[-1].splitlines()[-3:]
    assert above_3_16[0].startswith("  # frequency as written: One case per month for each worker. If audit reveals")
    assert above_3_16[1] == "  # warning: no deadline for the further 2 files: due within one month of the finding (SPEC §5)"
    assert "  # not schedulable: statutory responsibility, no frequency" in text


def test_every_warning_names_the_table_line(east_sussex: Imported):
    problems = {(p.source.line, p.field) for p in east_sussex.problems}
    assert (286, "row 3.16") in problems  # the seed's line of row 3.16
    assert all(p.source.file == str(SEED) for p in east_sussex.problems)


def _obligations(fw: Framework) -> Counter:
    found = plan(fw, council(), date(2024, 4, 1), date(2025, 3, 31), date(2025, 6, 1))
    return Counter((o.row, o.kind, o.assignee, o.subject, o.period_start, o.due, tuple(sorted(o.attendees))) for o in found.obligations)


def test_the_imported_schedule_equals_the_hand_written_one_row_by_row(loaded: Framework):
    hand, problems = load_framework(BUNDLED)
    assert hand is not None and not problems
    ours, theirs = _obligations(loaded), _obligations(hand)
    differ = {key[0] for key in (ours - theirs) + (theirs - ours)}
    assert differ == set(KNOWINGLY_DIFFERENT), f"rows that differ: {sorted(differ)}"
    same = lambda c: Counter({k: n for k, n in c.items() if k[0] not in KNOWINGLY_DIFFERENT})  # noqa: E731
    assert same(ours) == same(theirs)
    assert sum(theirs.values()) > 300  # the test council is busy enough to mean something


def test_every_row_but_those_listed_means_what_the_hand_written_one_means(loaded: Framework):
    hand, _ = load_framework(BUNDLED)
    assert hand is not None
    differ = [row.id for row in hand.rows if _meaning(row) != _meaning(loaded.row(row.id))]
    assert differ == list(READ_OTHERWISE)


def test_the_follow_ups_of_3_14_and_3_16_are_the_hand_written_ones(loaded: Framework):
    hand, _ = load_framework(BUNDLED)
    assert hand is not None
    for row_id in ("3.3", "3.14", "3.16"):
        assert loaded.row(row_id).triggers == hand.row(row_id).triggers, row_id


def test_3_8_the_file_comes_from_the_cpa_or_iro_s_own_workload_as_the_hand_written_one(loaded: Framework):
    """ "Deep-dive audit of one casefile to be selected from CPA or IRO's workload": each adviser's or reviewing
    officer's own cases (``caseload: own``), not those of the people they line-manage; a team's is not one's own."""
    hand, _ = load_framework(BUNDLED)
    assert hand is not None
    assert [dataclasses.replace(c, note="") for c in loaded.row("3.8").cadences] == [dataclasses.replace(c, note="") for c in hand.row("3.8").cadences]
    (audit,) = loaded.row("3.8").cadences
    assert (audit.per, audit.case, audit.caseload) == ("assignee", True, "own")
    team = import_table(read_table(_table(b"Role\tQA task\tFrequency\tPurpose\n3.8 Practice Managers\tAudit of one casefile "
                                          b"from the team's workload\tOne file per month\tQuality\n"))[0], "t", "T")
    assert [c.caseload for c in team.framework.row("3.8").cadences] == ["line"]


def _table(data: bytes) -> Path:
    path = Path(tempfile.mkdtemp()) / "table.tsv"
    path.write_bytes(data)
    return path


def test_the_purpose_adds_the_quarterly_report_and_the_head_of_service_s_sample(loaded: Framework):
    kinds = [(c.kind, c.every.text if c.every else None, c.to, c.by) for c in loaded.row("3.14").cadences]
    assert kinds == [
        ("audit", "month", (), ()),
        ("report", "quarter", ("Head of Service",), ()),
        ("moderation", "quarter", (), ("Head of Service",)),
    ]


# --- roles --------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "by"), [
    ("Heads of Service, Children's Social Care", ("Head of Service",)),
    ("OMs", ("Operations Manager",)),
    ("OMs, Children’s Social Care", ("Operations Manager",)),
    ("CPAs and IROs", ("Child Protection Adviser", "Independent Reviewing Officer")),
    ("Child Protection Advisors (CPAs) and IROs", ("Child Protection Adviser", "Independent Reviewing Officer")),
    ("Policy Officer, Audit Officer and Head of Safeguarding", ("Policy Officer", "Audit Officer", "Head of Safeguarding")),
    ("Heads of Service and AD, Communication, Planning & Performance", ("Head of Service", "AD Communication, Planning and Performance")),
    ("Team managers", ("Team Manager",)),
])  # fmt: skip
def test_role_cells_map_onto_the_vocabulary(cell, by):
    assert read_role_cell(cell, default_names()).by == by


def test_an_unknown_role_becomes_a_new_vocabulary_entry_flagged(tmp_path: Path):
    path = tmp_path / "table.tsv"
    path.write_text("Role\tQA Task\tFrequency\tPurpose\nLocality Quality Leads\tDip sample of open cases\tMonthly\tAssurance\n", encoding="utf-8")
    imported = imported_from(path)
    (row,) = imported.framework.rows
    assert row.by == ("Locality Quality Lead",)
    assert [r.name for r in imported.framework.roles] == ["Locality Quality Lead"]
    assert [p.message for p in imported.problems] == ["'Locality Quality Lead' is not in the role vocabulary: added as a new role; check it"]
    assert _loads(imported)


def test_a_soft_hyphen_or_zero_width_space_word_left_in_a_cell_is_taken_out_and_said(tmp_path: Path):
    """Word keeps an optional hyphen (U+00AD) and a zero-width space in a cell's text: 'Practice Man\u00adagers' was
    imported as a new role no row's by could name, and the file written could not be loaded (a framework holds no
    invisible character). They are taken out, with a warning at the table's line."""
    path = tmp_path / "table.tsv"
    path.write_text("Role\tQA Task\tFrequency\tPurpose\nPractice Man\u00adagers\tAudit\u200b one case file\tMonthly\tWhy\n", encoding="utf-8")
    imported = imported_from(path)
    (row,) = imported.framework.rows
    assert (row.role, row.task, row.by) == ("Practice Managers", "Audit one case file", ("Practice Manager",))
    assert [format_problem(p) for p in imported.problems] == [
        f"{path}:2: cell: warning: U+00AD SOFT HYPHEN, an invisible character or one that turns text around: taken out of the row's cells"]
    assert _loads(imported)


def _loads(imported: Imported) -> bool:
    fw, problems = load_text(imported.text, "imported.yaml")
    return fw is not None and not [p for p in problems if p.is_error]


# --- the table as text: wrapped cells, furniture, headers in any order -------------


def test_wrapped_cells_page_numbers_and_repeated_headers_give_the_rows_back(east_sussex: Imported):
    wrapped = imported_from(WRAPPED)
    assert [row.id for row in wrapped.framework.rows] == ["3.13", "3.14", "3.15", "3.16"]
    for row in wrapped.framework.rows:
        assert row == east_sussex.framework.row(row.id)  # the same cells, section and meaning
    assert _loads(wrapped)


def test_the_header_is_found_by_its_words_in_any_order_and_case(tmp_path: Path):
    path = tmp_path / "framework.txt"
    path.write_text("QA framework 2024\n\nFREQUENCY\tqa task\tRole\tPurpose\nQuarterly\tThemed file audit\tCSCMT\tLearning\n", encoding="utf-8")
    (row,) = imported_from(path).framework.rows
    assert (row.id, row.role, row.task, row.frequency, row.by) == ("1", "CSCMT", "Themed file audit", "Quarterly", ("CSCMT",))
    assert [c.kind for c in row.cadences] == ["audit"]


TAB = "Role\tQA Task\tFrequency\tPurpose\r\n"


@pytest.mark.parametrize(("name", "data", "row", "warning"), [
    ("unicode.txt", (TAB + "3.1 OMs\tAudit\tMonthly\tWhy\r\n").encode("utf-16"), ("3.1", "OMs", "Audit", "Monthly"), None),
    ("excel.txt", (TAB + '3.2 PMs\t"An audit\nover two lines"\tQuarterly\tWhy\n').encode(), ("3.2", "PMs", "An audit\nover two lines", "Quarterly"), None),
    ("quoted.txt", (TAB + '3.3 PMs\t"Working Together" audit\tQuarterly\tWhy\n').encode(), ("3.3", "PMs", '"Working Together" audit', "Quarterly"), None),
    ("semicolons.csv", 'Role;QA Task;Frequency;Purpose\n"OMs, Children\u2019s Social Care";"Audit; deep dive";Monthly;Why\n'.encode(),
     (None, "OMs, Children\u2019s Social Care", "Audit; deep dive", "Monthly"), None),
    ("windows.txt", (TAB + "3.4 OMs\tAudit \u2013 deep dive\tMonthly\tWhy\n").encode("cp1252"), ("3.4", "OMs", "Audit \u2013 deep dive", "Monthly"),
     "not UTF-8: read as Windows-1252 (check quotes and accents)"),
])  # fmt: skip
def test_text_tables_as_offices_save_them(tmp_path: Path, name: str, data: bytes, row: tuple, warning: str | None):
    path = tmp_path / name
    path.write_bytes(data)
    table, problems = read_table(path)
    assert table is not None and [(r.id, r.role, r.task, r.frequency) for r in table.rows] == [row]
    assert [p.message for p in problems] == ([warning] if warning else [])


def test_excel_row_numbers_keep_their_decimals(tmp_path: Path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["No.", "Role", "QA Task", "Frequency", "Purpose"])
    for number in (3.1, 3.10, 3.11, 4):
        sheet.append([number, "OMs", "Audit", "Monthly", "Why"])
    for row in (3, 4):  # 3.10 and 3.11 are shown with two decimals
        sheet.cell(row=row, column=1).number_format = "0.00"
    path = tmp_path / "numbers.xlsx"
    book.save(path)
    table, _ = read_table(path)
    assert table is not None and [r.id for r in table.rows] == ["3.1", "3.10", "3.11", "4"]


# --- CSV, Excel and Word tables give the same rows ---------------------------------

COLUMNS = ("No.", "Frequency", "Role", "Quality Assurance Task", "Purpose")  # any order


def seed_cells() -> list[tuple[str, ...]]:
    """The seed table's cells as the council wrote them, in :data:`COLUMNS` order."""
    table, _ = read_table(SEED)
    assert table is not None
    return [(r.id or "", r.frequency, r.role, r.task, r.purpose) for r in table.rows]


def _same_rows(a: Framework, b: Framework) -> None:
    strip = lambda r: dataclasses.replace(r, section="", task=" ".join(r.task.split()), purpose=" ".join(r.purpose.split()))  # noqa: E731
    assert [strip(r) for r in a.rows] == [strip(r) for r in b.rows]


def test_a_csv_table_imports_to_the_same_rows(tmp_path: Path, east_sussex: Imported):
    import csv

    path = tmp_path / "framework.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(seed_cells())
    imported = imported_from(path)
    _same_rows(imported.framework, east_sussex.framework)
    assert _loads(imported)


def test_an_excel_table_imports_to_the_same_rows(tmp_path: Path, east_sussex: Imported):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Appendix 1"
    sheet.append(["East Sussex QA framework"])
    sheet.append([])
    sheet.append(list(COLUMNS))
    for cells in seed_cells():
        sheet.append(list(cells))
    path = tmp_path / "framework.xlsx"
    book.save(path)
    imported = imported_from(path)
    _same_rows(imported.framework, east_sussex.framework)
    assert imported.framework.rows[0].source.file == f"{path}[Appendix 1]" and imported.framework.rows[0].source.line == 4


def test_a_word_table_imports_to_the_same_rows(tmp_path: Path, east_sussex: Imported):
    from docx import Document

    doc = Document()
    doc.add_paragraph("Appendix 1")
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    for cell, title in zip(table.rows[0].cells, COLUMNS):
        cell.text = title
    for cells in seed_cells():
        for cell, text in zip(table.add_row().cells, cells):
            cell.text = text
    path = tmp_path / "framework.docx"
    doc.save(path)
    imported = imported_from(path)
    _same_rows(imported.framework, east_sussex.framework)
    assert imported.framework.rows[0].source.file == f"{path}[table 1]"


# --- the command -------------------------------------------------------------------


def qaf(*argv: str) -> tuple[int, str, str]:
    """Run ``qaf framework import`` through a parser built with :func:`register`, at a boundary like cli.main's."""
    parser = argparse.ArgumentParser(prog="qaf")
    framework = parser.add_subparsers(dest="command", required=True).add_parser("framework").add_subparsers(dest="action", required=True)
    register(framework)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        args = parser.parse_args(["framework", "import", *argv])
        try:
            code = args.handler(args)
        except QafError as exc:  # InputError too: the boundary prints every problem
            for problem in getattr(exc, "problems", ()):
                print(format_problem(problem), file=err)
            print(f"qaf: {getattr(exc, 'summary', exc)}", file=err)
            code = exc.exit_code
    return code, out.getvalue(), err.getvalue()


def test_without_o_the_framework_goes_to_stdout_and_the_summary_to_stderr():
    code, out, err = qaf(str(SEED), "--id", "east-sussex-2013", "--title", "Appendix 1")
    assert code == 0 and out.startswith("# Imported by 'qaf framework import'")
    fw, problems = load_text(out, "stdout.yaml")
    assert fw is not None and (fw.id, fw.title, len(fw.rows)) == ("east-sussex-2013", "Appendix 1", 54)
    assert f"{SEED}: 54 rows read, 50 schedulable, " in err
    assert "  not schedulable: row 1.1: statutory responsibility, no frequency ('Statutory responsibility for Children's Services')" in err
    assert f"{SEED}:286: row 3.16: warning: no deadline for the further 2 files" in err


def test_with_o_the_file_is_written_and_the_summary_printed(tmp_path: Path):
    target = tmp_path / "east-sussex.yaml"
    code, out, err = qaf(str(SEED), "-o", str(target))
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == f"wrote {target}: check and finish it, then 'qaf framework check {target}'"
    fw, problems = load_framework(target)
    assert fw is not None and fw.id == "east-sussex-2013-qa-framework-annual-review" and not [p for p in problems if p.is_error]


BAD_INPUTS = {
    "random text": (b"The committee noted the report.\nNo table here.\n", "no table header found"),
    "binary junk": (bytes(range(256)) * 8, "binary data, not a text table"),
    "an empty file": (b"", "the file is empty"),
    "no Frequency column": (b"Role\tQA Task\tPurpose\nOMs\tAudit\tAssurance\n", "the table has no Frequency column"),
    "a very long cell": (b"Role\tQA Task\tFrequency\tPurpose\nOMs\t" + b"audit " * 3000 + b"\tMonthly\tWhy\n", "is too long for a framework table"),
    "a damaged workbook": (b"PK\x03\x04" + b"\x00" * 64, "a damaged zip file"),
    "an old Excel file": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "save it as .xlsx, .docx or CSV"),
    "a header and no rows": (b"Role,QA Task,Frequency,Purpose\n", "the table has a header but no rows under it"),
}  # fmt: skip


@pytest.mark.parametrize("what", BAD_INPUTS)
def test_bad_input_is_refused_with_a_message_naming_the_file_and_nothing_is_written(what: str, tmp_path: Path):
    data, message = BAD_INPUTS[what]
    table = tmp_path / ("table.csv" if b"," in data[:40] else "table.txt")
    table.write_bytes(data)
    target = tmp_path / "framework.yaml"
    code, out, err = qaf(str(table), "-o", str(target))
    assert code == 1 and out == "" and message in err and str(table) in err
    assert err.rstrip().endswith("not imported, nothing written")
    assert not target.exists() and sorted(p.name for p in tmp_path.iterdir()) == [table.name]


def test_the_no_frequency_column_message_names_the_header_line(tmp_path: Path):
    table = tmp_path / "table.tsv"
    table.write_text("Appendix 1\n\nRole\tQA Task\tPurpose\nOMs\tAudit\tAssurance\n", encoding="utf-8")
    _, _, err = qaf(str(table))
    assert err.splitlines()[0] == f"{table}:3: table: the table has no Frequency column (its header names: purpose, role, task): qaf needs Role and Frequency to schedule"


def test_a_missing_file_or_a_bad_output_is_a_clear_message(tmp_path: Path):
    code, _, err = qaf(str(tmp_path / "nowhere.txt"))
    assert code == 1 and "nowhere.txt: file: cannot read: No such file or directory" in err
    code, _, err = qaf(str(SEED), "-o", str(tmp_path / "missing" / "fw.yaml"))
    assert code == 1 and "does not exist" in err and not (tmp_path / "missing").exists()
    code, _, err = qaf(str(SEED), "--id", "east sussex")
    assert code == 2 and "--id 'east sussex': 1 to 64 lower-case letters" in err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=600).map(lambda t: t.encode("utf-8")),
    st.lists(st.sampled_from(["Role", "QA Task", "Frequency", "Purpose", "\t", "\n", "Monthly", "OMs", "3.1 ", "x" * 400, ",", '"']),
             max_size=60).map(lambda parts: "".join(parts).encode("utf-8")),
))  # fmt: skip
def test_any_input_gives_a_framework_or_a_clear_message_never_a_traceback(data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        table, target = Path(tmp) / "table.txt", Path(tmp) / "out.yaml"
        table.write_bytes(data)
        code, out, err = qaf(str(table), "-o", str(target))  # any other exception fails the test
        if code == 0:
            fw, problems = load_framework(target)
            assert fw is not None and not [p for p in problems if p.is_error]
        else:
            assert str(table) in err and not target.exists()


def test_roles_can_start_from_another_framework_s_vocabulary(tmp_path: Path):
    table = tmp_path / "rotherham.tsv"
    table.write_text("Role\tQA Task\tFrequency\tPurpose\nTeam Managers\tMonthly Team Manager Audits\tMonthly\tOversight\n", encoding="utf-8")
    code, out, err = qaf(str(table), "--roles", "rotherham-2016")
    fw, _ = load_text(out, "out.yaml")
    assert code == 0 and fw is not None and fw.rows[0].by == ("Team Manager",) and ", 0 warnings, " in err
    code, _, err = qaf(str(table), "--roles", str(tmp_path / "nowhere.yaml"))
    assert code == 1 and "--roles" in err and "nowhere.yaml" in err


# --- issue 13: the task column read as fully as the frequency column ---------------------------


def imported_rows(*rows: tuple[str, str, str, str]) -> Framework:
    """Table text with a header row; each row is (role, QA task, frequency, purpose)."""
    text = "Ref\tRole\tQA task\tFrequency\tPurpose\n" + "".join(f"{n}\t" + "\t".join(r) + "\n" for n, r in enumerate(rows, 1))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "table.txt"
        path.write_text(text, encoding="utf-8")
        table, problems = read_table(path)
        assert table is not None, problems
        result = import_table(table, "t", "T")
    fw, problems = load_text(result.text, "imported.yaml")
    assert fw is not None and not [p for p in problems if p.is_error], [format_problem(p) for p in problems]
    return fw


def only_cadence(fw: Framework, row: str = "1"):
    (c,) = fw.row(row).cadences
    return c


@pytest.mark.parametrize(
    "task, frequency, expected",
    [
        ("Audit of one case file from each team in their service", "Monthly", {"per": "team", "within": "own_service", "case": True}),
        ("Audit of one case of each worker", "Monthly", {"per": "worker", "case": True}),
        ("Audit of a case from their own caseload", "Quarterly", {"per": "assignee", "case": True, "caseload": "own"}),
        ("Peer case file audit on behalf of another team", "2 case files per month", {"per": "team", "peer": "different_team", "count": 2, "case": True}),
        ("Case file audit for another team", "Monthly", {"per": "team", "peer": "different_team", "case": True}),
        ("Case audit of each team in turn", "Monthly", {"per": "assignee", "rotate": "team", "case": True}),
        ("Case audit of a different team each time", "Monthly", {"per": "assignee", "rotate": "team", "case": True}),
        ("Case audit of every team", "Monthly", {"per": "team", "rotate": None, "case": True}),
        ("Case audit", "3 case audits per 3 months", {"per": "assignee", "count": 3, "case": True, "caseload": "line"}),
    ],
)
def test_issue_13_the_task_column_says_who_and_what(task: str, frequency: str, expected: dict):
    c = only_cadence(imported_rows(("Practice Managers", task, frequency, "Assurance")))
    assert {k: getattr(c, k) for k in expected} == expected


@pytest.mark.parametrize(
    "task, frequency, event",
    [
        ("Case audit before a case is closed", "", "case_closing"),
        ("Case audit on transfer", "As required", "case_transfer"),
        ("Closure audit", "Before a case is closed", "case_closing"),
    ],
)
def test_issue_13_an_event_row_is_scheduled_from_the_event_the_task_or_frequency_names(task: str, frequency: str, event: str):
    fw = imported_rows(("Team Managers", task, frequency, "Assurance"))
    assert fw.row("1").schedulable, fw.row("1").unschedulable
    assert only_cadence(fw).on == event


def test_issue_13_a_manager_s_case_audits_sample_their_line_and_peers_audit_another_team_of_their_kind():
    """"Operations Managers — case audit — 3 case audits per 3 months" and "Practice Managers — peer case
    file audit on behalf of another team — 2 case files per month": none waived for want of a caseload."""
    fw = imported_rows(
        ("Operations Managers", "Case audit", "3 case audits per 3 months", "Assurance"),
        ("Practice Managers", "Peer case file audit on behalf of another team", "2 case files per month", "Assurance"),
    )
    org = council()
    obs = plan(fw, org, date(2024, 4, 1), date(2024, 6, 30), date(2024, 7, 1)).obligations
    om = [o for o in obs if o.row == "1"]
    assert len(om) == 6 and all(o.status == "open" and o.case for o in om), [o.status_reason for o in om]
    team_of = {c.ref: c.team for c in org.cases}
    assert {team_of[o.case] for o in om if o.assignee == "OM1"} <= {"T1", "T2"}  # Olive Ops's line: Hastings and Eastbourne
    assert {team_of[o.case] for o in om if o.assignee == "OM2"} <= {"T3"}
    peer = [o for o in obs if o.row == "2"]
    assert peer and all(o.status == "open" and o.case for o in peer), [o.status_reason for o in peer]
    person_team = {p.id: p.team for p in org.people}
    assert all(team_of[o.case] != person_team[o.assignee] for o in peer)  # always another team's case
    assert {o.team for o in peer} == {"T1", "T2", "T3"}  # social care teams only: no practice manager in early help
    assert len({o.assignee for o in peer if o.team == "T1"}) > 1  # in rotation


@pytest.mark.parametrize("name, text, line", [
    ("appendix.csv", 'Role,QA Task,Frequency,Purpose\n1.1 Team Manager,Audit,"Monthly,Quality\n1.2 Practice Manager,Audit,Quarterly,Q\n'
                     "1.3 OMs,Audit,Annually,Q\n", 2),
    ("appendix.txt", 'Role\tQA Task\tFrequency\tPurpose\n1.1 Team Manager\tAudit\t"Monthly\tQuality\n1.2 Practice Manager\tAudit\tQuarterly\tQ\n'
                     "1.3 OMs\tAudit\tAnnually\tQ\n", 2),
    ("appendix-mac.csv", 'Role,QA Task,Frequency,Purpose\r1.1 Team Manager,Audit,Quarterly,Q\r1.2 Practice Manager,Audit,"Monthly,Quality\r'
                         "1.3 OMs,Audit,Annually,Q\r", 3),  # Excel for Mac's 'CSV (Macintosh)': each line ends in CR alone
])  # fmt: skip
def test_a_quote_never_closed_is_refused_where_it_opens_not_read_to_the_end_of_the_table(tmp_path: Path, name: str, text: str, line: int):
    """'"Monthly' with its quote never closed took the rest of the table into row 1.1's frequency: '1 rows read',
    rows 1.2 and 1.3 lost but for a warning, and a framework written without them. The people's and outcomes'
    files refuse it where it opens (strict reading); so does a council's table now. A quotation inside a cell
    ('"Working Together" audit') is read as before."""
    path = tmp_path / name
    path.write_text(text)
    table, problems = read_table(path)
    assert table is None and [(p.source.line, p.field) for p in problems if p.is_error] == [(line, "table")]
    assert "a cell opened with a double quote on this line is never closed" in problems[0].message
    path.write_text(text.replace('"Monthly', "Monthly").replace("1.2 Practice Manager,Audit", '1.2 Practice Manager,"Working Together" audit'))
    table, problems = read_table(path)
    assert table is not None and [r.id for r in table.rows] == ["1.1", "1.2", "1.3"]


def test_a_condition_naming_the_audit_in_a_row_of_no_audit_fires_on_the_rows_own_work(loaded: Framework):
    """'Moderation of a sample of audits. If the audit identifies inadequate practice, alert the Operations Manager':
    the importer read 'the audit' as 'kinds: [audit]', and a row whose only work is the moderation has no audit, so
    the alert could never be sent, and neither 'framework import' nor 'framework check' said so. Where the row does
    audit, beside a report and a moderation (3.14), only the audit's finding sets the trigger off; in a row of no audit, the
    finding is the row's own work's."""
    from qaf.engine.rules_ref import fires_on

    fw = imported_rows(("Head of Service", "Moderation of a sample of audits. If the audit identifies inadequate practice, "
                        "alert the Operations Manager", "Monthly", "Quality"))  # fmt: skip
    moderations = fw.row("1")
    assert [c.kind for c in moderations.cadences] == ["moderation"]
    assert [fires_on(moderations, t.when)[0] for t in moderations.triggers] == [frozenset({"moderation"})]
    audits = loaded.row("3.14")
    assert {c.kind for c in audits.cadences} == {"audit", "moderation", "report"}
    assert [fires_on(audits, t.when)[0] for t in audits.triggers] == [frozenset({"audit"})]


def test_a_table_without_end_is_refused_at_the_limit_not_read_to_its_end():
    """'qaf framework import /dev/zero' (a device, whose size is nothing to stat) read it to the end of memory and
    ended in a MemoryError traceback, as 'framework check' did before a framework file was read no further than
    its limit. A table is read no further than its 20,000,000 bytes either."""
    table, problems = read_table(Path("/dev/zero"))
    assert table is None and [format_problem(p) for p in problems] == [
        "/dev/zero: file: it goes on past 20,000,000 bytes: too large for a framework table (limit 20,000,000)"]


def test_an_id_or_title_the_framework_could_not_hold_is_refused_before_anything_is_written(tmp_path: Path):
    """'--id East_Sussex!' or a --title of 201 characters wrote a framework that 'qaf framework check' then refused
    (an id is 1 to 64 lower-case letters, digits and . _ -; a title at most 200 characters), and a table saved under
    a long name ('Quality Assurance Framework Appendix 1 ... 2013.txt') gave an id past 64 characters. Each is
    refused by its option, nothing written; the id from a long name is cut to 64."""
    target = tmp_path / "fw.yaml"
    for option, value, said in (("--id", "East_Sussex!", "--id 'East_Sussex!': 1 to 64 lower-case letters"),
                                ("--id", "a" * 65, "--id 'aaaa"), ("--title", "T" * 201, "--title: 201 characters: at most 200"),
                                ("--title", "Appendix\u202e1", "--title: U+202E RIGHT-TO-LEFT OVERRIDE")):  # fmt: skip
        code, _, err = qaf(str(SEED), option, value, "-o", str(target))
        assert code == 2 and said in err and not target.exists(), (option, value, err)
    long = tmp_path / ("Quality Assurance Framework Appendix 1 Children's Services East Sussex County Council 2013" + ".txt")
    long.write_bytes(SEED.read_bytes())
    code, _, err = qaf(str(long), "-o", str(target))
    fw, problems = load_text(target.read_text(), "fw.yaml")
    assert code == 0 and not problems and fw.id == "quality-assurance-framework-appendix-1-children-s-services-east"
