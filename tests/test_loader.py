"""Loading a framework file: every problem reported, each at its own line."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from qaf.rules.loader import load_framework, load_text
from qaf.rules.problems import errors, format_problem

DATA = Path(__file__).parent / "data"
EAST_SUSSEX = (Path(__file__).parents[1] / "rules" / "frameworks" / "east-sussex-2013.yaml").read_text()  # the bundled text
DCS_TASK = "task: Monitoring via one-to-one meetings with the DCS and quarterly performance reviews"  # a row's task in it


def line_of(text: str, found: str) -> int:
    """The line of ``text`` that ``found`` starts on."""
    return text[: text.index(found)].count("\n") + 1


def messages(problems):
    return [format_problem(p) for p in problems]


def head(roles: str) -> str:
    """A framework file's first lines, up to its rows, ``roles`` as its list says them."""
    return f"qaf: 1\nid: x\ntitle: T\nroles: [{roles}]\nrows:\n"


def row(rid: str, role: str) -> str:
    """A monthly row of ``role``'s, up to its cadences (given after it)."""
    return f"  - id: '{rid}'\n    role: {role}\n    task: t\n    frequency: Monthly\n    purpose: p\n    by: [{role}]\n"


def test_broken_framework_reports_every_mistake_with_its_line():
    fw, problems = load_framework(DATA / "broken-framework.yaml")
    f = str(DATA / "broken-framework.yaml")
    found = messages(problems)
    expected = [
        f"{f}:22: row 3.16.trigger.when.grades: unknown grade 'terrible' (scale: outstanding, good, requires_improvement, inadequate)",
        f"{f}:25: row 3.16.trigger.summon_the_inspector: unknown action 'summon_the_inspector' (one of: follow_up_audits, review, alert, moderation, qa_signoff)",
        f"{f}:26: row.id: duplicate row id '3.16' (first on line 10)",
        f"{f}:31: row 3.16.by: unknown role 'Wizard of Audit' (not in the framework's role vocabulary)",  # at 'by:', not the row's id
        f"{f}:34: row 3.16.cadence.every: a period: unknown period 'fortnightly-ish' (one of: week, fortnight, month, "
        "two months, quarter, four months, half-year, year; or N weeks, N months)",
    ]
    for line in expected:
        assert line in found
    assert len(errors(problems)) == len(expected), found
    assert fw is not None and len(fw.rows) == 3


def test_row_ids_stay_as_written():
    """YAML 1.1 would read 3.10 as the number 3.1: qaf keeps the text."""
    fw, _ = load_framework(DATA / "broken-framework.yaml")
    assert [r.id for r in fw.rows] == ["3.16", "3.16", "3.10"]


def test_yaml_syntax_error_names_its_line():
    fw, problems = load_text("qaf: 1\nid: x\nrows:\n  - id: '1'\n    role: [unclosed\n", "bad.yaml")
    assert fw is None
    assert len(problems) == 1 and problems[0].source.file == "bad.yaml"
    assert problems[0].source.line >= 5
    assert "not valid YAML" in problems[0].message


def test_misspelt_field_is_reported_with_a_hint():
    text = (
        head("Auditor") +
        row("1", "Auditor") +
        "    cadences:\n      - kind: audit\n        evry: month\n"
    )
    _, problems = load_text(text, "typo.yaml")
    found = messages(problems)
    assert "typo.yaml:14: row 1.cadence.evry: unknown field 'evry' (did you mean 'every'?)" in found
    assert "typo.yaml:13: row 1.cadence.every: how often? give 'every' (month, quarter, ...) or an event ('on' / 'anniversary')" in found


def test_duplicate_yaml_key_is_a_problem():
    text = "qaf: 1\nid: x\nid: y\ntitle: T\nrows: []\n"
    _, problems = load_text(text, "dup.yaml")
    assert "dup.yaml:3: id: duplicate key (first given on line 2)" in messages(problems)


def test_a_row_must_be_scheduled_or_say_why_not():
    text = (
        head("DCS") +
        "  - id: '1.1'\n    role: DCS\n    task: t\n    frequency: Statutory responsibility\n    purpose: p\n"
        "  - id: '1.2'\n    role: DCS\n    task: t\n    frequency: As required\n    purpose: p\n"
        "    unschedulable: as required, no frequency\n"
    )
    fw, problems = load_text(text, "x.yaml")
    assert messages(problems) == [
        "x.yaml:6: row 1.1.cadences: no cadences: give at least one, or say why the row is 'unschedulable'"
    ]
    assert fw.rows[1].unschedulable == "as required, no frequency" and not fw.rows[1].schedulable


def test_roles_resolve_through_aliases_plurals_and_qualifiers():
    text = (
        "qaf: 1\nid: x\ntitle: T\nroles:\n  - {name: Operations Manager, aliases: [OM]}\n  - {name: CSCMT, body: true}\n"
        "rows:\n  - id: '3.14'\n    role: OMs\n    task: t\n    frequency: Monthly\n    purpose: p\n"
        "    by: [\"Operations Managers, Children's Social Care\"]\n"
        "    cadences:\n      - {kind: report, every: quarter, to: [cscmt]}\n"
    )
    fw, problems = load_text(text, "x.yaml")
    assert not problems
    row = fw.rows[0]
    assert row.by == ("Operations Manager",)
    assert row.cadences[0].to == ("CSCMT",)


def test_escalation_ladder_must_go_up_and_name_known_roles():
    text = (
        "qaf: 1\nid: x\ntitle: T\nroles: [Head of Service]\n"
        "escalation:\n  - {after: 5, to: line_manager}\n  - {after: 2, to: Director}\nrows: []\n"
    )
    _, problems = load_text(text, "x.yaml")
    assert set(messages(problems)) == {
        "x.yaml:7: escalation.after: steps must go up: 2 comes after 5",
        "x.yaml:7: escalation.to: unknown role 'Director' (not in the framework's role vocabulary)",
    }


def test_a_step_or_target_given_a_bad_number_is_told_what_is_wrong_with_it_not_that_it_is_missing():
    text = (
        "qaf: 1\nid: x\ntitle: T\nroles: [Head of Service]\n"
        "escalation:\n  - {after: -5, to: line_manager}\n  - {after: soon, to: Head of Service}\n  - {after: [5], to: Head of Service}\n"
        "  - {to: Head of Service}\n"
        "targets:\n  - {grade: inadequate, max_percent: lots}\n  - {grade: good}\nrows: []\n"
    )
    _, problems = load_text(text, "x.yaml")
    assert sorted(messages(problems)) == [  # each once
        "x.yaml:11: targets.max_percent: expected a number, got 'lots'",
        "x.yaml:12: targets: 'max_percent' is required",
        "x.yaml:6: escalation.after: a whole number from 0 to 520, got -5",
        "x.yaml:7: escalation.after: a whole number from 0 to 520, got soon",
        "x.yaml:8: escalation.after: expected text",
        "x.yaml:9: escalation: 'after' (working days overdue) is required",
    ]


def test_settings_are_checked():
    text = "qaf: 1\nid: x\ntitle: T\ntimezone: Mars/Olympus\nyear_start: 31 February\nhorizon_months: none\nrows: []\n"
    _, problems = load_text(text, "x.yaml")
    found = " | ".join(messages(problems))
    assert "x.yaml:4: timezone: not valid: 'Mars/Olympus'" in found
    assert "x.yaml:5: year_start: not valid: '31 February'" in found
    assert "x.yaml:6: horizon_months: a whole number from 1 to 24, got none" in found


@pytest.mark.parametrize("zone", ["Europe", "America", "localtime"])
def test_a_timezone_that_is_a_region_or_the_machines_own_is_a_problem_at_its_line(zone):
    """'timezone: Europe' (a region: a folder of the time zone database) ended 'qaf framework check' and 'load'
    in IsADirectoryError; 'localtime' was taken, and is whatever zone the server running qaf is set to."""
    text = f"qaf: 1\nid: x\ntitle: T\ntimezone: {zone}\nrows: []\n"
    _, problems = load_text(text, "x.yaml")
    assert any(m.startswith(f"x.yaml:4: timezone: not valid: '{zone}'") for m in messages(problems)), messages(problems)


def test_missing_file_is_a_problem_not_a_crash(tmp_path):
    fw, problems = load_framework(tmp_path / "nope.yaml")
    assert fw is None and messages(problems) == [f"{tmp_path}/nope.yaml: file: not found: no such file"]


def test_a_bundled_name_mistyped_is_said_with_the_names_qaf_ships():
    """'qaf framework load east-sussex-2031' said "cannot read: [Errno 2] No such file or directory": a QA officer
    could not tell a mistyped name from a file that had gone."""
    from qaf.rules.bundled import path

    fw, problems = load_framework(path("east-sussex-2031"))
    assert fw is None and messages(problems) == [
        "east-sussex-2031: file: not found: no such file, nor a framework qaf ships of that name "
        "(east-sussex-2013, rotherham-2016, tameside-2023)"]


def test_issue_13_an_unknown_moderator_is_reported_at_its_line():
    text = (
        head("Auditor, Moderator") +
        row("1", "Auditor") +
        "    cadences:\n      - kind: audit\n        every: month\n"
        "    triggers:\n      - then:\n          - moderation: {role: Moderator, within: 1 month, moderator: the_boss}\n" +
        row("2", "Moderator") +
        "    cadences:\n      - kind: moderation\n        every: month\n        sample: {row: '1', count: 2, moderator: nearest}\n"
    )
    _, problems = load_text(text, "mod.yaml")
    found = messages(problems)
    assert "mod.yaml:17: row 1.trigger.moderation.moderator: unknown moderator 'the_boss' (one of: pool, up_the_line)" in found
    assert "mod.yaml:27: row 2.cadence.sample.moderator: unknown moderator 'nearest' (one of: pool, up_the_line)" in found


def test_issue_13_caseload_own_is_for_an_assignee_s_own_case_audits():
    text = (
        head("Auditor") +
        row("1", "Auditor") +
        "    cadences:\n      - {kind: audit, every: month, per: team, case: true, caseload: own}\n"
        "      - {kind: audit, every: month, case: true, caseload: mine}\n"
    )
    _, problems = load_text(text, "own.yaml")
    found = messages(problems)
    assert "own.yaml:13: row 1.cadence.caseload: 'caseload: own' is for an assignee's own case audits (per assignee, case or share)" in found
    assert "own.yaml:14: row 1.cadence.caseload: unknown caseload 'mine' (one of: line, own)" in found


def _audits_and_their_moderation(audits: tuple[str, str], moderation: tuple[str, str], sample: str) -> str:
    """A framework of two rows, (id, role) each: monthly audits, and their monthly moderation drawing ``sample``."""
    return (
        head(f"{audits[1]}, {moderation[1]}") +
        row(audits[0], audits[1]) +
        "    cadences:\n      - kind: audit\n        every: month\n" +
        row(*moderation) +
        f"    cadences:\n      - kind: moderation\n        every: month\n        sample: {sample}\n"
    )


def test_a_sample_for_each_moderator_needs_moderators_up_the_auditors_lines():
    text = _audits_and_their_moderation(("1", "Auditor"), ("2", "Moderator"), "{row: '1', count: 2, each: true}")
    _, problems = load_text(text, "each.yaml")
    assert messages(problems) == [
        "each.yaml:24: row 2.cadence.sample.each: 'each: true' draws a sample for each moderator up the auditors' lines: "
        "give 'moderator: up_the_line'"]
    fw, problems = load_text(text.replace("each: true}", "each: true, moderator: up_the_line}"), "each.yaml")
    assert not problems and fw.row("2").cadences[0].sample.each


def test_copy_of_names_whose_line_a_copy_goes_up_and_needs_the_roles_copied():
    text = (
        head("Auditor, Head of Service") +
        row("1", "Auditor") +
        "    cadences:\n      - {kind: audit, every: month, copy: [Head of Service], copy_of: manager}\n"
        "      - {kind: audit, every: year, copy_of: assignee}\n"
        "      - {kind: report, every: year, copy: [Head of Service], copy_of: assignee}\n"
    )
    fw, problems = load_text(text, "copy.yaml")
    found = messages(problems)
    assert "copy.yaml:13: row 1.cadence.copy_of: unknown copy_of 'manager' (one of: assignee)" in found
    assert "copy.yaml:14: row 1.cadence.copy_of: 'copy_of' says whose line a copy goes up: give the roles copied in 'copy'" in found
    assert len(found) == 2, found


def test_an_action_given_a_length_or_role_it_cannot_read_is_told_so_once_not_also_that_it_is_missing():
    given = "          - review: {within: 3 months}\n"
    line = line_of(EAST_SUSSEX, given)
    for wrong, expected in (
        ("{within: three-ish months}", "row 3.16.trigger.review.within: a length: expected a length such as"),
        ("{within: [3 months]}", "row 3.16.trigger.review.within: expected text"),
        ("{}", "row 3.16.trigger.review: 'within' is required"),
    ):
        text = EAST_SUSSEX.replace(given, f"          - review: {wrong}\n")
        found = messages(errors(load_text(text, "es.yaml")[1]))
        assert len(found) == 1 and found[0].startswith(f"es.yaml:{line}: {expected}"), (wrong, found)


def test_a_row_id_and_a_grade_have_the_width_the_store_gives_them():
    text = (
        "qaf: 1\nid: x\ntitle: T\nroles: [Head of Service]\n"
        f"grades: [good, {'g' * 40}, {'h' * 41}]\nescalate_grades: [good]\n"
        "rows:\n"
        f"  - {{id: \"3.{'1' * 48}\", role: HoS, task: T, frequency: F, purpose: P, unschedulable: none given}}\n"
        f"  - {{id: \"3.{'1' * 49}\", role: HoS, task: T, frequency: F, purpose: P, unschedulable: none given}}\n"
    )
    _, problems = load_text(text, "x.yaml")
    found = messages(errors(problems))
    assert len(found) == 2, found
    assert found[0].startswith("x.yaml:5: grades: not valid: '" + "h" * 41 + "'") and "at most 40" in found[0], found
    assert found[1] == 'x.yaml:9: row.id: a row id is one line of at most 50 characters, as the council numbers its rows ("3.16"): got 51 characters'


def test_a_control_character_escaped_into_a_value_is_refused_at_its_line():
    """YAML refuses a raw NUL but writes one as "\\0" or "\\u0000": taken, it crashed PostgreSQL (which stores no NUL)
    and would have reached calendar feeds, which hold no control character."""
    line = line_of(EAST_SUSSEX, DCS_TASK)
    for escaped, code in (("\\0", "0000"), ("\\u0000", "0000"), ("\\a", "0007"), ("\\x1b", "001B")):
        fw, problems = load_text(EAST_SUSSEX.replace(DCS_TASK, f'task: "Monitoring{escaped}via meetings"'), "es.yaml")
        assert messages(errors(problems)) == [f"es.yaml:{line}: yaml: a control character (U+{code}) in a value: "
                                              "text holds none but tab and line breaks"], escaped  # fmt: skip
    _, problems = load_text(EAST_SUSSEX.replace(DCS_TASK, 'task: "Monitoring\\tvia meetings,\\nmonthly"'), "es.yaml")
    assert not errors(problems)  # a tab and a line break are text


def test_a_rows_number_before_is_checked():
    """``was``: the number a row renumbered and reworded had before (its own: the same row, however reworded),
    never two rows', one line; ``new`` as often as rows are new work."""
    from qaf.rules import bundled

    text = bundled.path("east-sussex-2013").read_text()
    text = text.replace('  - id: "1.6"\n', '  - id: "1.6"\n    was: "1.6"\n', 1).replace('  - id: "1.7"\n', '  - id: "1.7"\n    was: "1.6"\n', 1)
    text = text.replace('  - id: "1.8"\n', '  - id: "1.8"\n    was: new\n', 1).replace('  - id: "1.9"\n', f'  - id: "1.9"\n    was: "{"9" * 51}"\n', 1)
    text = text.replace('  - id: "1.10"\n', '  - id: "1.10"\n    was: new\n', 1)
    _, problems = load_text(text, "es.yaml")
    found = [m.split(": ", 1)[1] for m in messages(problems)]
    assert found == [
        "row.was: two rows say they were row '1.6' (the other on line 164)",
        'row.was: the row\'s number before is one line of at most 50 characters, as the council numbered it ("1.6"): got 51 characters',
    ], found


def test_a_rows_own_words_have_a_range_and_longer_is_refused_at_the_row():
    """A row's cells are the council's words verbatim, but not without end: a 100,000-character role or section
    loaded, and the monthly report printed it whole, one word of 100,000 characters. The bundled frameworks'
    longest are 102 (role), 91 (section), 589 (task) and 288 (a note)."""
    from qaf.rules import bundled

    text = bundled.path("east-sussex-2013").read_text()
    start = text.index('  - id: "3.16"')
    end = text.index("  - id:", start + 1)
    before, row316, after = text[:start], text[start:end], text[end:]
    role = "    role: Practice Managers, Children's Social Care\n"
    section = "    section: A.4 Managers' File Audits\n"
    task = "      Practice Managers will complete supervision case file audit using the CareFirst audit record\n"
    note = '        note: "Supervision case file audit'
    for old in (role, section, task, note):
        assert row316.count(old) == 1
    long = before + (row316.replace(role, "    role: " + "R" * 501 + "\n").replace(section, "    section: " + "S" * 501 + "\n")
                     .replace(task, "      " + "T" * 5_001 + "\n").replace(note, '        note: "' + "N" * 2_001)) + after
    _, problems = load_text(long, "es.yaml")
    assert [format_problem(p) for p in problems] == [
        "es.yaml:763: row 3.16.role: the council's words hold at most 500 characters here, got 501",
        "es.yaml:763: row 3.16.section: the council's words hold at most 500 characters here, got 501",
        "es.yaml:763: row 3.16.task: the council's words hold at most 5,000 characters here, got 5,001",
        f"es.yaml:{line_of(long, 'N' * 2_001)}: row 3.16.cadence.note: a note holds at most 2,000 characters, got 2,073",  # at the note
    ]
    edge = before + row316.replace(role, "    role: " + "R" * 500 + "\n").replace(task, "      " + "T" * 5_000 + "\n") + after
    fw, problems = load_text(edge, "es.yaml")
    assert not errors(problems), [format_problem(p) for p in problems]


def test_a_framework_file_not_in_utf_8_is_refused_at_its_line(tmp_path):
    """A line pasted in from Windows-1252, 'café' in a comment on line 300, was "'utf-8' codec can't decode byte
    0xe9 in position 14868", at no line."""
    from qaf.rules import bundled

    lines = bundled.path("east-sussex-2013").read_text().splitlines()
    lines[299] += "  # café"
    path = tmp_path / "es.yaml"
    path.write_bytes("".join(line + "\n" for line in lines[:299]).encode() + (lines[299] + "\n").encode("cp1252")
                     + "".join(line + "\n" for line in lines[300:]).encode())  # the rest is UTF-8: one line pasted in
    fw, problems = load_framework(path)
    assert fw is None and [format_problem(p) for p in problems] == [
        f"{path}:300: file: not UTF-8 text: byte 0xe9, character {len(lines[299])} of line 300, is not UTF-8 (save the file as UTF-8)"]


def test_a_frameworks_names_have_a_range_a_role_an_alias_a_key_area_and_a_trigger_id():
    """A role's alias of 100,000 characters, a key area as long and a trigger id as long loaded. A person's role in
    people.csv is at most 200 characters, so a longer name or alias could never be held; a key area is typed in
    'qaf record --areas' and heads the report's tables; a trigger id, like a row id, is a label."""
    from qaf.rules import bundled

    text = bundled.path("east-sussex-2013").read_text()
    olds = ("  - {name: Operations Manager, aliases: [OM]}", '  - id: "3.16"', "council: East Sussex County Council\n")
    for old in olds:
        assert text.count(old) == 1, old
    start = text.index(olds[1])
    text = text[:start] + text[start:].replace("      - id: concerns\n", "      - id: " + "c" * 51 + "\n", 1)
    long = (text.replace(olds[0], "  - {name: Operations Manager, aliases: [OM, " + "O" * 201 + "]}")
            .replace(olds[2], olds[2] + "areas: [Chronology, " + "A" * 201 + "]\n"))
    _, problems = load_text(long, "es.yaml")
    assert [(p.source.line, p.field, p.message) for p in problems] == [
        (15, "areas", f"not valid: '{'A' * 60}...': 201 characters: at most 200"),
        (48, "roles.aliases", "a role's name or alias is at most 200 characters (a person's role in people.csv is), got 201"),
        (789, "row 3.16.trigger.id", "a trigger id is one line of at most 50 characters, got 51 characters"),
    ]


def test_a_bidi_control_or_an_invisible_character_in_a_frameworks_words_is_refused_at_its_own_line():
    """A role's alias, a row's title or task holding U+202E (raw, or escaped "\\u202e") turned the words around in
    every feed and email that shows them, and a U+200B in an alias made a second role no one could name. Each is
    refused at the line it is on, named; ZWNJ and ZWJ are text."""
    line = line_of(EAST_SUSSEX, DCS_TASK)
    alias = "aliases: [DCS]"
    alias_line = line_of(EAST_SUSSEX, alias)
    for written, hidden in (("\u202e", "\u202e"), ("\u2066", "\u2066"), ("\u200b", "\u200b"), ("\\u202e", "\u202e")):
        said = f"U+{ord(hidden):04X} {unicodedata.name(hidden)}, an invisible character or one that turns text around"
        quoted = f'"Monitoring{written}via meetings"' if "\\" in written else f"Monitoring{written}via meetings"
        _, problems = load_text(EAST_SUSSEX.replace(DCS_TASK, f"task: {quoted}"), "es.yaml")
        assert messages(errors(problems)) == [f"es.yaml:{line}: yaml: {said} in a value: type it again as plain text"], written
        _, problems = load_text(EAST_SUSSEX.replace(alias, f'aliases: ["D{written}CS"]'), "es.yaml")
        assert messages(errors(problems)) == [f"es.yaml:{alias_line}: yaml: {said} in a value: type it again as plain text"], written
    # in a block of several lines, the line the character is on
    block = EAST_SUSSEX.replace(DCS_TASK, "task: |\n      Monitoring via meetings\n      with the DCS\u202e quarterly")
    assert messages(errors(load_text(block, "es.yaml")[1])) == [
        f"es.yaml:{line + 2}: yaml: U+202E RIGHT-TO-LEFT OVERRIDE, an invisible character or one that turns text around in a value: "
        "type it again as plain text"]
    assert not errors(load_text(EAST_SUSSEX.replace(DCS_TASK, "task: Monitoring\u200c via\u200d meetings"), "es.yaml")[1])


def test_the_invisible_characters_are_unicodes_format_characters_but_zwnj_and_zwj():
    """rules.plain lists them (a class built at import would cost every command's start): the list is this Python's."""
    from qaf.rules.plain import INVISIBLE

    every = "".join(map(chr, range(0x110000)))
    shown = {ch for ch in every if unicodedata.category(ch) == "Cf"} - {"\u200c", "\u200d"}
    assert set(INVISIBLE.findall(every)) >= shown
    assert all(unicodedata.category(ch) in ("Cf", "Cn") for ch in INVISIBLE.findall(every))  # Cn: Unicode 15's newer ones


def test_a_raw_control_character_is_refused_at_its_line_and_character():
    """Word's line break pasted as U+000B (or an ESC from a terminal) was said at line 0, as 'position 1558' in
    '<unicode string>', over two lines: no line anyone could find."""
    line = line_of(EAST_SUSSEX, DCS_TASK)
    for raw in ("\x0b", "\x1b", "\ufffe"):
        _, problems = load_text(EAST_SUSSEX.replace(DCS_TASK, f"task: Monitoring{raw} via meetings"), "es.yaml")
        assert messages(errors(problems)) == [f"es.yaml:{line}: yaml: U+{ord(raw):04X} at character {len('    task: Monitoring') + 1} "
                                              "of the line is not text: a framework holds no control character but tab and line "
                                              "breaks"], raw  # fmt: skip


def test_an_invisible_character_in_a_key_is_said_as_itself_not_as_an_unknown_field():
    """'coun\\u200bcil:' was 'unknown field 'council' (did you mean 'council'?)' as a terminal shows it, and a title
    key holding one added "'title' is required" two lines above it."""
    line = line_of(EAST_SUSSEX, "\ntitle: Quality") + 1
    _, problems = load_text(EAST_SUSSEX.replace("\ntitle: Quality", "\nti\u200btle: Quality"), "es.yaml")
    assert messages(errors(problems)) == [f"es.yaml:{line}: yaml: U+200B ZERO WIDTH SPACE, an invisible character or one that turns "
                                          "text around in a key: type it again as plain text"]  # fmt: skip


def test_an_id_holding_a_hidden_character_past_the_quoted_sixty_is_one_problem_not_two():
    """The field's problem quotes its value cut to 60 characters: a framework id of 62 holding U+200B at the end was
    said twice (the two problems were matched by finding the character in the field's words, cut off). Now they
    are matched by what each is about: one problem, the field's, naming the character."""
    text = EAST_SUSSEX.replace("id: east-sussex-2013\n", 'id: "' + "e" * 61 + '\\u200b"\n', 1)
    line = line_of(text, 'id: "eee')
    _, problems = load_text(text, "es.yaml")
    assert messages(errors(problems)) == [f"es.yaml:{line}: id: U+200B ZERO WIDTH SPACE, an invisible character or one that "
                                          "turns text around in a value: type it again as plain text"]  # fmt: skip


def test_a_setting_or_row_id_holding_a_hidden_or_control_character_is_one_problem_not_two():
    """A framework's id, title, council, version or timezone, or a row id, holding U+200B or U+202E (or an escaped
    "\\a") got two problems on one line: the field's ("not valid: 'east\\u200b-sussex-2013': 1 to 64 lower-case
    letters...", or a row id of 4 characters "at most 50 characters") and the YAML check's. Now one: the field's,
    naming the character."""
    hidden = "U+200B ZERO WIDTH SPACE, an invisible character or one that turns text around in a value: type it again as plain text"
    turned = "U+202E RIGHT-TO-LEFT OVERRIDE, an invisible character or one that turns text around in a value: type it again as plain text"
    control = "a control character (U+0007) in a value: text holds none but tab and line breaks"
    for old, new, field, said in (("id: east-sussex-2013\n", 'id: "east\\u200b-sussex-2013"\n', "id", hidden),
                                  ("id: east-sussex-2013\n", 'id: "east\\a-sussex-2013"\n', "id", control),
                                  ("title: Quality", "title: Qua\u202elity", "title", turned),
                                  ("council: East Sussex", "council: East\u200b Sussex", "council", hidden),
                                  ('version: "2012/13"', 'version: "2012/13\\a"', "version", control),
                                  ("qaf: 1\n", "qaf: 1\ntimezone: Europe/Lon\u200bdon\n", "timezone", hidden),
                                  ('  - id: "1.1"', '  - id: "1.1\u200b"', "row.id", hidden),
                                  ('  - id: "1.1"', '  - id: "1.1\\a"', "row.id", control)):
        assert old in EAST_SUSSEX
        text = EAST_SUSSEX.replace(old, new, 1)
        line = line_of(text, new) + (new.startswith("qaf: 1"))
        _, problems = load_text(text, "es.yaml")
        assert messages(errors(problems)) == [f"es.yaml:{line}: {field}: {said}"], new


def test_a_sample_is_a_count_or_a_percent_never_both():
    """'sample: {row: R1, count: 2, percent: 10}' loaded, and the 10% was dropped without a word (the count wins):
    the council's 'a sample' is one size or the other, so both given is refused at the sample's line."""
    text = _audits_and_their_moderation(("R1", "Team Manager"), ("R2", "Senior Manager"), "{row: 'R1', count: 2, percent: 10}")
    _, problems = load_text(text, "both.yaml")
    assert messages(problems) == [
        "both.yaml:24: row R2.cadence.sample: give a 'count' or a 'percent' of audits to sample, not both (2 audits or 10% of them?)"]
    for one in ("count: 2", "percent: 10"):
        fw, problems = load_text(text.replace("count: 2, percent: 10", one), "both.yaml")
        assert not problems and fw is not None


def test_a_settings_problem_is_said_at_the_settings_own_line():
    """'grades: [good, Good]', 'escalate_grades: [terrible]' or 'notify_on_grade: [Wizard]' written halfway down the
    file were reported at line 1, the file's first line, where nothing of them is written. Each is said at the line
    its setting is on; a default that the file's own scale leaves without its grade says that it is the default."""
    text = ("qaf: 1\nid: x\ntitle: T\nroles: [Auditor]\n"
            "grades: [good, Good, poor]\n"          # line 5
            "notify_on_grade: [Wizard]\n"           # line 6
            "digest_roles: [Auditor]\n"
            "extension_roles: [Wizard]\n"           # line 8
            "contest_moderator: Auditor\n"
            "rows:\n" + row("1", "Auditor") + "    cadences:\n      - kind: audit\n        every: month\n")  # fmt: skip
    _, problems = load_text(text, "settings.yaml")
    assert [(p.source.line, p.field, p.message) for p in problems] == [
        (5, "escalate_grades", "unknown grade 'inadequate' (scale: good, good, poor): escalate_grades is not written, and its "
                               "default names it: write escalate_grades with grades of this scale"),
        (5, "grades", "grade 'good' is listed 2 times"),
        (6, "notify_on_grade", "unknown role 'Wizard' (not in the framework's role vocabulary)"),
        (8, "extension_roles", "unknown role 'Wizard' (not in the framework's role vocabulary)"),
    ]
    _, problems = load_text(text.replace("contest_moderator: Auditor\n", "contest_moderator: Auditor\nescalate_grades: [terrible]\n"),
                            "settings.yaml")  # fmt: skip
    assert (10, "escalate_grades", "unknown grade 'terrible' (scale: good, good, poor)") in [(p.source.line, p.field, p.message) for p in problems]


def test_a_key_area_listed_twice_is_refused_at_its_line():
    """'areas: [Chronology, chronology]' loaded: 'qaf record --areas Chronology=inadequate' (read without regard to
    case) was kept as the second, so a trigger on 'Chronology' never fired, and the report showed two Chronology
    rows. A key area is named once, whatever its case, as a grade is."""
    text = "qaf: 1\nid: x\ntitle: T\nroles: [Auditor]\nareas: [Chronology, Plan, chronology]\nrows:\n" + row("1", "Auditor") + (
        "    cadences:\n      - kind: audit\n        every: month\n")
    _, problems = load_text(text, "areas.yaml")
    assert messages(problems) == ["areas.yaml:5: areas: key area 'chronology' is listed 2 times"]
    fw, problems = load_text(text.replace(", chronology]", "]"), "areas.yaml")
    assert not problems and fw.areas == ("Chronology", "Plan")


def test_a_key_area_or_grade_that_cannot_be_typed_is_refused_at_its_line():
    """'areas: ["Assessment, planning and review", ...]' loaded, and no judgement of it could ever be recorded:
    'qaf record --areas "Assessment, planning and review=good"' read 'Assessment' and 'planning and review' (a
    comma parts two judgements there, and in the outcomes CSV a ';' does), the page's form went through the same
    reader, and the API refuses an area with ',' or '='. A key area's name is some text holding none of ',', ';' or
    '=', and a grade holds none of them either."""
    text = "qaf: 1\nid: x\ntitle: T\nroles: [Auditor]\nareas: [Chronology, Plan]\nrows:\n" + row("1", "Auditor") + (
        "    cadences:\n      - kind: audit\n        every: month\n")
    for areas, said in (
        ('"Assessment, planning and review", Plan', "key area 'Assessment, planning and review' holds ','"),
        ('"Voice=child", Plan', "key area 'Voice=child' holds '='"),
        ('"Chronology; genogram", Plan', "key area 'Chronology; genogram' holds ';'"),
        ('Chronology, "  "', "a key area is named: '  ' is no name"),
        ('Chronology, " chronology "', "key area 'chronology' is listed 2 times"),
    ):
        _, problems = load_text(text.replace("[Chronology, Plan]", f"[{areas}]"), "areas.yaml")
        assert [m.split(": a judgement")[0] for m in messages(problems)] == [f"areas.yaml:5: areas: {said}"], areas
    assert messages(load_text(text.replace("[Chronology, Plan]", '["Voice=child"]'), "areas.yaml")[1]) == [
        "areas.yaml:5: areas: key area 'Voice=child' holds '=': a judgement is typed 'AREA=GRADE', judgements parted by "
        "',' or ';', so a key area or grade holds none of them"]
    _, problems = load_text(text.replace("areas: [Chronology, Plan]", 'grades: [good, "poor, improving"]'), "grades.yaml")
    assert "grades.yaml:5: grades: grade 'poor,_improving' holds ','" in [m.split(": a judgement")[0] for m in messages(problems)]
    fw, problems = load_text(text.replace("[Chronology, Plan]", '["Assessment and planning", "Voice of the child"]'), "areas.yaml")
    assert not problems and fw.areas == ("Assessment and planning", "Voice of the child")


ES_ALERT = ("      - id: concerns\n        when: {concerns: true}\n        then:\n"
            "          - alert: {role: Head of Safeguarding, of: assignee}\n")  # row 3.3's one trigger


def test_two_triggers_of_a_row_with_one_id_are_refused_at_the_second():
    """Row 3.3 given a second trigger 'concerns' (an alert on an inadequate grade) loaded, and both fired under one
    name: the log's 'trigger.fired' (row 3.3, concerns) could not say which. A trigger's id is its row's own; other
    rows may use it (East Sussex's rows each have a trigger 'concerns')."""
    second = "      - id: concerns\n        when: {grades: [inadequate]}\n        then:\n          - alert: {role: Head of Safeguarding, of: assignee}\n"
    assert EAST_SUSSEX.count(ES_ALERT) == 1 and EAST_SUSSEX.count("- id: concerns") > 1
    text = EAST_SUSSEX.replace(ES_ALERT, ES_ALERT + second)
    _, problems = load_text(text, "es.yaml")
    first, twice = line_of(text, ES_ALERT), line_of(text, ES_ALERT + second) + ES_ALERT.count("\n")
    assert messages(errors(problems)) == [f"es.yaml:{twice}: row 3.3.trigger.id: trigger id 'concerns' is given twice in row 3.3 "
                                          f"(first on line {first}): give each trigger of a row its own id"]  # fmt: skip
    fw, problems = load_text(text.replace(second, second.replace("id: concerns", "id: inadequate")), "es.yaml")
    assert fw is not None and not errors(problems)


@pytest.mark.parametrize("title", ["''", "'   '"])
def test_a_framework_needs_a_title_not_an_empty_one(title):
    """'title' is required, but "title: ''" loaded: every calendar subscribed to was named nothing, and the report
    and the web pages headed by nothing. A title of nothing, or of spaces, is refused at its line."""
    _, problems = load_text(f"qaf: 1\nid: x\ntitle: {title}\nrows: []\n", "x.yaml")
    assert [(p.source.line, p.field) for p in problems] == [(3, "title")] and "a title is needed" in problems[0].message


RANGED = """qaf: 1
id: x
title: T
roles: [Auditor, Moderator]
escalation:
  - {after: AFTER, to: line_manager}
targets:
  - {grade: inadequate, max_percent: PERCENT}
rows:
  - id: '1'
    role: Auditor
    task: t
    frequency: Monthly
    purpose: p
    by: [Auditor]
    cadences:
      - {kind: audit, every: EVERY, per: team, count: COUNT, share: SHARE, variations: [{team_kind: early_help, every: year, count: VARIED}]}
    triggers:
      - id: TRIGGER
        when: {concerns: true}
        then:
          - follow_up_audits: {count: FURTHER, cases: same_team, within: WITHIN}
  - id: '2'
    role: Moderator
    task: t
    frequency: Monthly
    purpose: p
    by: [Moderator]
    cadences:
      - {kind: moderation, every: month, sample: {row: '1', count: SAMPLED}}
"""
FITTING = {"AFTER": "5", "PERCENT": "10", "EVERY": "month", "COUNT": "1", "SHARE": "10", "VARIED": "1", "TRIGGER": "concerns",
           "FURTHER": "2", "WITHIN": "1 month", "SAMPLED": "2"}


@pytest.mark.parametrize("marker, field, said, fits, refused", [
    ("COUNT", "row 1.cadence.count", "obligations per period per subject, 1 to 1,000", ("1", "1000"), ("0", "1001")),
    ("VARIED", "row 1.cadence.variation.count", "(and `count`, 1 to 1,000)", ("1", "1000"), ("0", "1001")),
    ("SHARE", "row 1.cadence.share", "above 0 and at most 100", ("0.5", "100"), ("0", "100.5")),
    ("EVERY", "row 1.cadence.every", "N from 1 to 52", ("1 weeks", "52 weeks"), ("0 weeks", "53 weeks")),
    ("SAMPLED", "row 2.cadence.sample.count", "a `count`, 1 to 1,000", ("1", "1000"), ("0", "1001")),
    ("FURTHER", "row 1.trigger.follow_up_audits.count", "`count` (1 to 1,000)", ("1", "1000"), ("0", "1001")),
    ("WITHIN", "row 1.trigger.follow_up_audits.within", "1 to 730 days, 1 to 520 working days, 1 to 104 weeks, 1 to 24 months",
     ("1 days", "730 days", "520 working days", "104 weeks", "24 months"), ("0 days", "731 days", "521 working days", "105 weeks", "25 months")),
    ("AFTER", "escalation.after", "`after` (0 to 520 working\n  days)", ("0", "520"), ("-1", "521")),
    ("PERCENT", "targets.max_percent", "`max_percent` 0 to 100", ("0", "100"), ("-1", "100.5")),
    ("TRIGGER", "row 1.trigger.id", "one line of at most 50 characters", ("c" * 50,), ("c" * 51,)),
])  # fmt: skip
def test_every_number_a_framework_holds_has_the_range_its_docs_say(marker, field, said, fits, refused):
    """A framework's numbers each had a range the loader kept (a count up to 1,000, 'after' up to 520 working days,
    a length up to two years), but rules/docs.md said none of them: a council could not tell what it may write
    until the loader refused it. The docs say each range, and the loader keeps the range they say."""
    docs = " ".join((Path(__file__).parents[1] / "rules" / "docs.md").read_text().split())
    assert " ".join(said.split()) in docs

    def text(value: str) -> str:
        out = RANGED
        for key, fitting in FITTING.items():
            out = out.replace(key, value if key == marker else fitting)
        return out

    for value in fits:
        _, problems = load_text(text(value), "ranged.yaml")
        assert not [p for p in problems if p.is_error], (value, messages(problems))
    for value in refused:
        _, problems = load_text(text(value), "ranged.yaml")
        assert field in [p.field for p in problems if p.is_error], (value, messages(problems))


# --- a cadence's field, at its own line ------------------------------------------------------------------------

WRITTEN_OVER_LINES = """      - kind: meeting
        every: fortnight
        except:
          - August
          - Augst
        with:
          - Head of Service
          - Head of Servise
        per: nobody
        note: "{note}"
        hours: 0
        due_within: 5 days
        copy_of: assignee
        sample:
          row: "9"
          percent: 150
          moderator: nobody
        variations:
          - every: month
            team_kind: nowhere
      - every: month
        share: 200
        per: team
        kind: wander
        teams: some
"""


def test_each_field_of_a_cadence_written_over_many_lines_is_reported_at_its_own_line():
    """A cadence of the council's written a field a line: a mistake in its 'with', 'except', 'note', 'kind' or
    its sample's 'percent' is said at that field's line (a bad name in a list at the name's), not at the cadence's
    first line, fifteen lines up, where a person looking for it would read 'kind: meeting'."""
    cadences = WRITTEN_OVER_LINES.format(note="n" * 2_001)
    text = head("Practice Manager, Head of Service") + row("1", "Practice Manager") + "    cadences:\n" + cadences
    _, problems = load_text(text, "lines.yaml")
    at = {(p.field.removeprefix("row 1.cadence."), p.message.split(" (")[0].split(":")[0]): p.source.line for p in problems}

    def line(written: str) -> int:
        return line_of(text, written)

    assert at == {
        ("except", "not a month"): line("          - Augst"),
        ("except", "months can be left out of monthly-based cadences only"): line("        except:"),
        ("with", "unknown role 'Head of Servise'"): line("          - Head of Servise"),
        ("per", "unknown per 'nobody'"): line("        per: nobody"),
        ("note", "a note holds at most 2,000 characters, got 2,001"): line("        note:"),
        ("hours", "the time a task takes is a number of hours above 0 and at most 1,000, got 0"): line("        hours: 0"),
        ("due_within", "due_within is for event-driven cadences"): line("        due_within:"),
        ("copy_of", "'copy_of' says whose line a copy goes up"): line("        copy_of:"),
        ("sample.row", "unknown row '9'"): line('          row: "9"'),
        ("sample.percent", "must be above 0 and at most 100, got 150"): line("          percent: 150"),
        ("sample.moderator", "unknown moderator 'nobody'"): line("          moderator: nobody"),
        ("variation.team_kind", "unknown team_kind 'nowhere'"): line("            team_kind: nowhere"),
        ("variations", "variations by team kind need per 'team'"): line("        variations:"),
        ("kind", "unknown kind 'wander'"): line("        kind: wander"),
        ("share", "a share of cases is a percent above 0 and at most 100, got 200"): line("        share: 200"),
        ("teams", "unknown teams 'some'"): line("        teams: some"),
    }


TRIGGER_WRITTEN_OVER_LINES = """    cadences:
      - kind: audit
        every: month
        per: worker
        case: true
    triggers:
      - when: {{concerns: true, kinds: [audit]}}
        then:
          - follow_up_audits:
              count: 2
              cases: same_wrker
              within: 1 month
          - alert:
              role: Operations Managr
              of: nobody
          - moderation:
              role: Operations Manager
              within: 1 month
              moderator: nobody
          - review:
              within: 3 months
              note: "{note}"
"""


def test_each_parameter_of_a_trigger_action_written_over_many_lines_is_reported_at_its_own_line():
    """3.16's "Alert Operations Manager at this point", its further two files and its review, each action's
    parameters written a line each: a mistyped post ('Operations Managr'), whose it is ('of'), which files or
    which moderator, a note too long, is said at that parameter's line, not at the '- alert:' above it."""
    text = (head("Practice Manager, Operations Manager") + row("3.16", "Practice Manager")
            + TRIGGER_WRITTEN_OVER_LINES.format(note="n" * 2_001))
    _, problems = load_text(text, "triggers.yaml")
    at = {(p.field.removeprefix("row 3.16.trigger."), p.message.split(" (")[0]): p.source.line for p in problems}
    assert at == {
        ("follow_up_audits.cases", "unknown cases 'same_wrker'"): line_of(text, "              cases: same_wrker"),
        ("alert.role", "unknown role 'Operations Managr'"): line_of(text, "              role: Operations Managr"),
        ("alert.of", "unknown 'of' 'nobody'"): line_of(text, "              of: nobody"),
        ("moderation.moderator", "unknown moderator 'nobody'"): line_of(text, "              moderator: nobody"),
        ("review.note", "a note holds at most 2,000 characters, got 2,001"): line_of(text, "              note:"),
    }


def test_a_triggers_when_written_over_many_lines_says_each_unknown_grade_kind_and_event_at_its_own_line():
    """3.16's "If audit reveals significant concerns", its 'when' written a line a value: an event, a kind of work
    and a grade mistyped are each said at the line that mistypes it, not at the 'when's first line."""
    text = head("Practice Manager, Operations Manager") + row("3.16", "Practice Manager") + """    cadences:
      - {kind: audit, every: month, per: worker, case: true}
    triggers:
      - when:
          on: outcom
          kinds:
            - audit
            - audt
          grades:
            - inadequate
            - terible
        then:
          - review: {within: 3 months}
"""
    _, problems = load_text(text, "when.yaml")
    assert {(p.field, p.message.split(" (")[0]): p.source.line for p in problems} == {
        ("row 3.16.trigger.when.on", "unknown event 'outcom'"): line_of(text, "          on: outcom"),
        ("row 3.16.trigger.when.kinds", "unknown kind 'audt'"): line_of(text, "            - audt"),
        ("row 3.16.trigger.when.grades", "unknown grade 'terible'"): line_of(text, "            - terible"),
    }


def test_a_cadences_one_name_written_on_the_line_below_its_field_is_said_at_the_names_line():
    """'with:' and the one post it names on the next line (a list of one, as YAML lets it be written): a name not in
    the vocabulary is said at the line it is mistyped on."""
    text = head("Practice Manager, Head of Service") + row("1", "Practice Manager") + """    cadences:
      - kind: meeting
        every: month
        with:
          Head of Servise
"""
    _, problems = load_text(text, "one.yaml")
    assert [(p.field, p.source.line) for p in problems] == [("row 1.cadence.with", line_of(text, "          Head of Servise"))]


def test_a_cadence_written_once_under_an_anchor_and_used_again_by_its_alias_has_its_mistake_said_once():
    """A row of two meetings a month written as one meeting ('&monthly') and its alias ('- *monthly'): its mistyped
    'per' is one mistake, mended by one edit at the anchor, and said once there, not twice at one line."""
    text = head("Practice Manager") + row("1", "Practice Manager") + """    cadences:
      - &monthly
        kind: meeting
        every: month
        per: nobody
      - *monthly
"""
    _, problems = load_text(text, "alias.yaml")
    assert [(p.source.line, p.message.split(" (")[0]) for p in problems if p.field.endswith(".per")] == [
        (line_of(text, "        per: nobody"), "unknown per 'nobody'")]


def test_a_framework_read_again_is_the_same_and_one_readers_list_of_problems_is_its_own():
    """A text read twice in a process (loaded, then read back from the store to be scheduled) is read once: the
    same frozen framework, the same problems; each reader gets a list of its own to add to or sort, and what one
    reader does to it is not what the next is told."""
    from qaf.rules import bundled

    text = bundled.path("east-sussex-2013").read_text() + "title: Twice\n"  # a setting given twice: one problem to keep
    first, said = load_text(text, "east-sussex.yaml")
    assert said and first is not None
    said.append("a reader's own note")
    said.clear()
    again, told = load_text(text, "east-sussex.yaml")
    assert again is first and told and "a reader's own note" not in told
    elsewhere = load_text(text, "copy.yaml")[1]  # another file's problems name that file
    assert {p.source.file for p in elsewhere} == {"copy.yaml"}


def test_a_number_just_past_its_top_is_said_as_written_and_a_percent_sign_only_on_a_percent():
    """'hours: 1000.0001' was refused as "at most 1,000, got 1000", which reads as the top itself refused; and
    'hours: 2%' loaded as two hours (the '%' a percent may carry was taken off any number). A number past its range
    is said as it was written, and '%' is taken only where the field is a percent ('share', 'max_percent', a sample's
    'percent')."""
    text = head("Auditor") + row("1", "Auditor") + "    cadences:\n      - {kind: audit, every: month, hours: 2}\n"
    for written, said in (("1000.0001", "the time a task takes is a number of hours above 0 and at most 1,000, got 1000.0001"),
                          ("2%", "expected a number, got '2%'")):
        _, problems = load_text(text.replace("hours: 2", f"hours: {written}"), "h.yaml")
        assert [(p.field, p.message) for p in problems] == [("row 1.cadence.hours", said)], written
    _, problems = load_text(text.replace("hours: 2", "hours: 2, case: true, share: 100.00001"), "h.yaml")
    assert [p.message for p in problems] == ["a share of cases is a percent above 0 and at most 100, got 100.00001"]
    fw, problems = load_text(text.replace("hours: 2", "hours: 2, case: true, share: 10%"), "h.yaml")
    assert not problems and fw.rows[0].cadences[0].share == 10


def test_a_whole_number_written_as_a_fraction_or_out_of_its_range_says_the_range_at_its_line():
    """'horizon_months: 3.0' was refused as "not valid: '3.0': invalid literal for int() with base 10: '3.0'" (Python's
    words, the setting's help after them), and a cadence's 'count: 2.0' as "expected a whole number, got '2.0'" (no
    range), '0' as "must be at least 1". Every whole-number field says one thing: its range and what was written."""
    text = ("qaf: 1\nid: x\ntitle: T\nroles: [Auditor]\n"
            "horizon_months: 3.0\n"              # line 5
            "reminder_days: 99\n"                # line 6
            "recent_audit_months: 2.5\n"         # line 7
            "extension_days: ten\n"              # line 8
            "lookback_months: 6\n"
            "escalation:\n  - {after: 5.5, to: Auditor}\n"     # line 11
            "rows:\n" + row("1", "Auditor") + "    cadences:\n"
            "      - {kind: audit, every: month, count: 2.0}\n"  # line 20
            "      - {kind: audit, every: month, count: 0, count_max: 100000000000000000000}\n")  # fmt: skip
    _, problems = load_text(text, "x.yaml")
    assert sorted(messages(problems)) == [
        "x.yaml:11: escalation.after: a whole number from 0 to 520, got 5.5",
        "x.yaml:20: row 1.cadence.count: a whole number from 1 to 1,000, got 2.0",
        "x.yaml:21: row 1.cadence.count: a whole number from 1 to 1,000, got 0",
        "x.yaml:21: row 1.cadence.count_max: a whole number from 1 to 1,000, got 100000000000000000000",
        "x.yaml:5: horizon_months: a whole number from 1 to 24, got 3.0",
        "x.yaml:6: reminder_days: a whole number from 0 to 60, got 99",
        "x.yaml:7: recent_audit_months: a whole number from 0 to 36, got 2.5",
        "x.yaml:8: extension_days: a whole number from 0 to 260, got ten",
    ], messages(problems)
    fw, problems = load_text(text.replace("3.0", "3").replace(": 99", ": 9").replace("2.5", "2").replace(": ten", ": 10").replace("5.5", "5")
                             .replace("2.0", "2").replace("count: 0, count_max: 100000000000000000000", "count: 1"), "x.yaml")  # fmt: skip
    assert not problems and (fw.horizon_months, fw.reminder_days, fw.recent_audit_months, fw.extension_days) == (3, 9, 2, 10)


def test_a_yaml_tag_is_refused_at_its_line_never_read_without_a_word():
    """'title: !custom T' loaded as if the tag were not there, and 'id: !!str 3' too: a tag says how a value is to be
    read, and qaf reads every value its own way, so the tag was ignored without a word. Each is refused at its line
    (on a list or a map as on a value), and the rest of the file is still checked."""
    text = ("qaf: 1\nid: !!str x\ntitle: !custom T\nroles: !!seq [Auditor]\nhorizon_months: 3.0\n"
            "rows:\n" + row("1", "Auditor") + "    cadences:\n      - ! {kind: audit, every: month}\n")  # fmt: skip
    _, problems = load_text(text, "t.yaml")
    assert messages(problems) == [
        "t.yaml:2: yaml: !!str: tags such as !!str are not read: write the value without it",
        "t.yaml:3: yaml: !custom: tags such as !!str are not read: write the value without it",
        "t.yaml:4: yaml: !!seq: tags such as !!str are not read: write the value without it",
        "t.yaml:5: horizon_months: a whole number from 1 to 24, got 3.0",
        "t.yaml:14: yaml: !: tags such as !!str are not read: write the value without it",
    ], messages(problems)
    assert not load_text(text.replace("!!str ", "").replace("!custom ", "").replace("!!seq ", "").replace("! {", "{")
                         .replace("3.0", "3"), "t.yaml")[1]  # fmt: skip
