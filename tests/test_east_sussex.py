"""East Sussex 2013: Appendix 1 of the QA annual review, as a framework file.

The file keeps the council's 54 rows verbatim and adds their meaning by hand.
These tests read the framework as the council wrote it: the rows and their
order, the cells against the seed document, and what each frequency becomes.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from qaf.rules.loader import load_framework, load_text
from qaf.rules.model import Action, Cadence, Condition, Every, Framework, Row, Sample, Span, Variation
from qaf.rules.printer import print_framework
from qaf.rules.roles import Vocabulary

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "rules" / "frameworks" / "east-sussex-2013.yaml"
# the council papers qaf comes from, kept with the tests so they cannot drift apart
SEED = ROOT / "tests" / "data" / "seeds" / "east-sussex-2013-qa-framework-annual-review.txt"

DCS = "Director of Children's Services"

IDS = [
    "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13",
    "2.1", "2.2", "2.3", "2.4", "2.5",
    "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12",
    "3.13", "3.14", "3.15", "3.16",
    "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12",
    "4.13", "4.14", "4.15", "4.16", "4.17", "4.18",
    "5.1", "5.2",
]  # fmt: skip

UNSCHEDULABLE = {
    "1.1": "Statutory responsibility for Children's Services",
    "1.2": "As defined by individual meeting frequency",
    "1.3": "",
    "1.4": "As required and in line with meeting frequency",
}


@pytest.fixture(scope="module")
def fw() -> Framework:
    framework, problems = load_framework(FRAMEWORK)
    assert not problems, "\n".join(f"{p.source}: {p.field}: {p.message}" for p in problems)
    assert framework is not None
    return framework


def cadences(row: Row, **fields: object) -> list[Cadence]:
    """The row's cadences whose fields have these values (notes aside)."""
    return [c for c in row.cadences if all(getattr(c, k) == v for k, v in fields.items())]


def without_note(c: Cadence) -> Cadence:
    return dataclasses.replace(c, note="")


# --- the seed's table ------------------------------------------------------------


def seed_rows() -> dict[str, list[str]]:
    """Row id -> [role, task, frequency, purpose], from the seed's tab-separated lines."""
    rows: dict[str, list[str]] = {}
    last = None
    for line in SEED.read_text(encoding="utf-8").split("\n"):
        m = re.match(r"(\d\.\d+) (.*)$", line)
        if m and "\t" in line:
            last = m.group(1)
            rows[last] = m.group(2).split("\t")
        elif line.startswith("\t\t\t") and last:  # 4.3's purpose runs on over a page break
            rows[last][3] += " " + line.strip()
    return rows


def words(text: str) -> list[str]:
    """The words of a cell, without list markup (tags and bullets)."""
    return re.sub(r"<[^>]+>", " ", text).replace("•", " ").split()


def test_the_table_has_54_rows_in_the_council_order(fw: Framework) -> None:
    assert [row.id for row in fw.rows] == IDS
    assert len(fw.rows) == 54


def test_the_seed_has_the_same_rows() -> None:
    assert list(seed_rows()) == IDS


@pytest.mark.parametrize("row_id", IDS)
def test_cells_are_the_council_words(fw: Framework, row_id: str) -> None:
    role, task, frequency, purpose = seed_rows()[row_id]
    row = fw.row(row_id)
    assert row.frequency == frequency  # exactly as written
    assert row.role == role
    assert words(row.task) == words(task)
    assert words(row.purpose) == words(purpose)
    assert "<" not in row.task + row.purpose


def test_settings(fw: Framework) -> None:
    assert (fw.id, fw.title, fw.version, fw.council) == (
        "east-sussex-2013",
        "Quality Assurance in Children's Social Care and Early Help Services",
        "2012/13",
        "East Sussex County Council",
    )
    assert fw.grades == ("outstanding", "good", "requires_improvement", "inadequate")
    assert [(s.after, s.to, s.digest) for s in fw.escalation] == [
        (0, "assignee", False),
        (5, "line_manager", False),
        (20, "Head of Service", True),
        (40, DCS, True),
    ]
    assert fw.digest_roles == (DCS, "Head of Service")
    assert fw.notify_on_grade == ()  # the framework tells no one of a grade (issue 13, item 12)


def test_round_trip_through_the_printer(fw: Framework) -> None:
    again, problems = load_text(print_framework(fw), "printed.yaml")
    assert not problems
    assert again == fw


# --- what cannot be scheduled -----------------------------------------------------


@pytest.mark.parametrize("row_id, frequency", UNSCHEDULABLE.items())
def test_rows_without_a_schedulable_frequency_say_why(fw: Framework, row_id: str, frequency: str) -> None:
    row = fw.row(row_id)
    assert row.frequency == frequency
    assert row.unschedulable and row.unschedulable.strip()
    assert not row.cadences
    assert not row.schedulable


def test_every_other_row_is_schedulable(fw: Framework) -> None:
    assert [r.id for r in fw.rows if not r.schedulable] == list(UNSCHEDULABLE)
    assert fw.schedulable_count == 50


# --- the rows with conditional follow-ups ------------------------------------------


def test_3_16_practice_managers_one_case_a_month_for_each_worker(fw: Framework) -> None:
    """One case per month for each worker. If audit reveals significant concerns then a
    further two files from the same worker should be reviewed. Alert Operations Manager at
    this point. In addition, the file of concern must be reviewed within three months."""
    row = fw.row("3.16")
    assert row.by == ("Practice Manager",)
    assert [without_note(c) for c in row.cadences] == [
        Cadence(kind="audit", every=Every(months=1), per="worker", case=True)
    ]
    (trigger,) = row.triggers
    assert trigger.when == Condition(concerns=True, kinds=frozenset({"audit"}))  # "If audit reveals"
    assert [dataclasses.replace(a, note="") for a in trigger.then] == [
        Action("follow_up_audits", count=2, cases="same_worker", within=Span(1, "months")),
        Action("alert", role="Operations Manager", of="worker"),
        Action("review", within=Span(3, "months")),
    ]


def test_3_14_operations_managers_one_case_a_month_for_each_team_in_their_service(fw: Framework) -> None:
    """One case file for each team per month within their service. If the audit identifies
    significant concerns then a further two files to be audited from that particular team.
    Report quarterly to the Head of Service ... Head of Service should randomly scrutinise a
    sample of these cases ... (To be copied to Head of Safeguarding)"""
    row = fw.row("3.14")
    assert row.by == ("Operations Manager",)
    (audit,) = cadences(row, kind="audit")
    assert without_note(audit) == Cadence(
        kind="audit", every=Every(months=1), per="team", within="own_service", case=True, teams="managed"
    )
    (trigger,) = row.triggers
    assert trigger.when == Condition(concerns=True, kinds=frozenset({"audit"}))  # "If the audit identifies", not the report
    assert [dataclasses.replace(a, note="") for a in trigger.then] == [
        Action("follow_up_audits", count=2, cases="same_team", within=Span(1, "months")),
    ]
    (report,) = cadences(row, kind="report")
    assert (report.every, report.to, report.copy) == (
        Every(months=3), ("Head of Service",), ("Head of Safeguarding",)
    )
    (moderation,) = cadences(row, kind="moderation")
    assert moderation.every == Every(months=3)
    assert moderation.by == ("Head of Service",)
    # the reports go to her: her line's audits, a sample for each Head of Service
    assert moderation.sample == Sample(row="3.14", count=3, moderator="up_the_line", each=True)
    assert "sample" in moderation.note  # the chosen size is explained


def test_3_3_concerns_about_supervision_are_copied_to_the_head_of_safeguarding(fw: Framework) -> None:
    row = fw.row("3.3")
    (audit,) = row.cadences
    assert (audit.kind, audit.every, audit.per, audit.roles) == (
        "audit", Every(months=12), "worker", ("Practice Manager",)
    )
    (trigger,) = row.triggers
    assert trigger.when == Condition(concerns=True)
    assert trigger.then == (Action("alert", role="Head of Safeguarding", of="assignee"),)


# --- frequencies with several cadences, audiences and variations -------------------


def test_1_12_quarterly_visits_twice_a_year_for_early_help_teams(fw: Framework) -> None:
    row = fw.row("1.12")
    assert row.frequency == "Quarterly (twice a year for early help teams)"
    (visit,) = row.cadences
    assert (visit.kind, visit.every, visit.per) == ("visit", Every(months=3), "team")
    assert visit.variations == (Variation("early_help", Every(months=6)),)


def test_4_18_six_times_a_year_with_the_ad_twice_a_year_with_the_dcs(fw: Framework) -> None:
    row = fw.row("4.18")
    assert [(c.kind, c.every, c.with_) for c in row.cadences] == [
        ("meeting", Every(months=2), ("AD Safeguarding",)),
        ("meeting", Every(months=6), (DCS,)),
    ]
    assert sum(12 // c.every.months for c in row.cadences) == 8


def test_1_7_twice_a_year_and_every_12_months_with_the_ads_for_early_help_too(fw: Framework) -> None:
    """ "Six-monthly meeting with the DCS and senior manager for children's social care to focus on service
    outcomes, pressures, quality issues; every 12 months, this meeting will also include Assistant Directors (ADs)
    for early help services and will review data in relation to early help as well as social care." Twice a year:
    examples/council's Chief Executive meets the DCS and the senior managers each half-year, and the AD Early Help
    comes to one of the two, the second half's (which one is qaf's choice, marked '# default')."""
    from tests.council import example_year

    row = fw.row("1.7")
    assert row.frequency == "Twice a year"
    first, second = row.cadences
    assert (first.every, second.every) == (Every(months=6), Every(months=6))
    assert "AD Early Help" not in first.with_ and second.with_ == (DCS, "Senior Manager", "AD Early Help")
    assert "except" in dict(second.defaults) and not first.defaults
    org, obligations = example_year(fw)
    meetings = sorted((o for o in obligations if o.row == "1.7"), key=lambda o: o.due)
    chief = next(p.id for p in org.people if "Chief Executive" in p.roles)
    ad_early_help = {p.id for p in org.people if "AD Early Help" in p.roles}
    assert [(o.assignee, o.due.isoformat()) for o in meetings] == [(chief, "2026-09-30"), (chief, "2027-03-31")]
    assert ad_early_help and not ad_early_help & set(meetings[0].attendees)
    assert ad_early_help <= set(meetings[1].attendees)


def test_2_2_the_monthly_report_for_operational_managers_names_them_as_qafs_reading(fw: Framework) -> None:
    """ "Managers at all levels up to CSCMT SMT CPP LM" ... "Monthly for operational managers Quarterly to CPP
    Bi-annually for SMT At least annually to LM": the paper names the audiences of the quarterly, half-yearly and
    yearly reports (CPP, SMT, the Lead Member), but 'operational managers' is no post and nobody is named to report.
    The Operations Managers as the monthly audience, and CSCMT as the owner, are qaf's reading, marked '# default'."""
    row = fw.row("2.2")
    assert [(c.every, c.to) for c in row.cadences] == [
        (Every(months=1), ("Operations Manager",)), (Every(months=3), ("CPP",)),
        (Every(months=6), ("SMT",)), (Every(months=12), ("Lead Member",)),
    ]  # fmt: skip
    assert "by" in dict(row.defaults) and row.by == ("CSCMT",)
    assert "to" in dict(row.cadences[0].defaults)
    assert not any("to" in dict(c.defaults) for c in row.cadences[1:])  # the paper's own audiences


def test_3_10_one_private_fostering_report_a_year_to_the_dcs_the_lscb_chair_and_cscmt(fw: Framework) -> None:
    """ "Private Fostering Report" ... "Annually for consideration by the DCS. Annually to the Chair of the LSCB and
    CSCMT": one report a year, to all three; that the two clauses are one report, not two (as the importer reads
    them), is qaf's reading, marked '# default'."""
    (report,) = fw.row("3.10").cadences
    assert (report.kind, report.every, report.to) == ("report", Every(months=12), (DCS, "LSCB Chair", "CSCMT"))
    assert "to" in dict(report.defaults)


def test_3_12_quarterly_to_cscmt_annually_to_the_dcs_for_information_to_smt_and_lm(fw: Framework) -> None:
    row = fw.row("3.12")
    assert [(c.kind, c.every, c.to, c.copy) for c in row.cadences] == [
        ("report", Every(months=3), ("CSCMT",), ()),
        ("report", Every(months=12), (DCS,), ("SMT", "Lead Member")),
    ]
    assert any("LSCB" in note for note in row.notes)  # "in some cases, to the LSCB"


@pytest.mark.parametrize("row_id", ["3.13", "3.15"])
def test_peer_audits_one_case_a_quarter_for_each_team_in_a_different_service(fw: Framework, row_id: str) -> None:
    row = fw.row(row_id)
    assert row.frequency == "One case file quarterly for each team in a different service."
    (audit,) = cadences(row, kind="audit")
    assert without_note(audit) == Cadence(
        kind="audit", every=Every(months=3), per="team", peer="different_service", case=True, teams="managed"
    )


def test_3_9_one_case_for_each_iro_and_cpa(fw: Framework) -> None:
    (audit,) = cadences(fw.row("3.9"), kind="audit")
    assert (audit.every, audit.per, audit.roles, audit.case) == (
        Every(months=3), "case_holder", ("Independent Reviewing Officer", "Child Protection Adviser"), True
    )


def describe(c: Cadence) -> str:
    """A cadence in words: 'report every quarter to CSCMT copy SMT'."""
    parts = [c.kind]
    if c.every:
        parts.append(f"every {c.every.text}")
    if c.count != 1:
        parts.append(f"x{c.count}")
    if c.per != "assignee":
        parts.append(f"per {c.per}")
    if c.roles:
        parts.append("of " + ", ".join(c.roles))
    if c.within != "all":
        parts.append(f"within {c.within}")
    if c.peer:
        parts.append(f"peer {c.peer}")
    if c.case:
        parts.append("one case")
    parts += [f"({v.team_kind} every {v.every.text})" for v in c.variations]
    for word, names in (("by", c.by), ("to", c.to), ("with", c.with_), ("copy", c.copy)):
        if names:
            parts.append(f"{word} " + ", ".join(names))
    if c.sample:
        parts.append(f"sample {c.sample.count} of {c.sample.row}")
    return " ".join(parts)


# every schedulable row: what its frequency (and task, where it schedules) becomes
MEANING = {
    "1.5": ["visit every quarter"],
    "1.6": [f"meeting every month with {DCS}", f"meeting every quarter with {DCS}"],
    "1.7": [f"meeting every half-year with {DCS}, Senior Manager", f"meeting every half-year with {DCS}, Senior Manager, AD Early Help"],
    "1.8": ["meeting every year"],
    "1.9": ["meeting every quarter per body to Cabinet, CPP", "meeting every year to Scrutiny Committee"],
    "1.10": ["meeting every month to Fostering and Adoption Panels"],
    "1.11": ["visit every month"],
    "1.12": ["visit every quarter per team (early_help every half-year)"],
    "1.13": [f"meeting every half-year with Chief Executive, {DCS}"],
    "2.1": ["report every quarter to SMT"],
    "2.2": [
        "report every month to Operations Manager",
        "report every quarter to CPP",
        "report every half-year to SMT",
        "report every year to Lead Member",
    ],
    "2.3": ["task every half-year", "report every year to CPP"],
    "2.4": ["report every year to CPP, Lead Member copy SMT", "task every year by Elected Member"],
    "2.5": ["report every year to CPP, Lead Member copy SMT"],
    "3.1": ["audit every year per worker of Head of Service"],
    "3.2": ["audit every year per worker of Operations Manager copy Head of Safeguarding"],
    "3.3": ["audit every year per worker of Practice Manager copy Head of Service"],
    "3.4": ["report every year by Operations Manager to CSCMT"],
    "3.5": ["report every half-year to CSCMT", f"report every year to Lead Member, {DCS}"],
    "3.6": ["report every half-year to CSCMT", f"report every year to Lead Member, {DCS}"],
    "3.7": ["report every quarter to CSCMT, LSCB"],
    "3.8": ["audit every month one case"],
    "3.9": [
        "audit every quarter per case_holder of Independent Reviewing Officer, Child Protection Adviser one case",
        "report every quarter to Head of Service",
    ],
    "3.10": [f"report every year to {DCS}, LSCB Chair, CSCMT"],
    "3.11": ["report every year to CSCMT", "report every 4 months to Agency Decision Maker"],
    "3.12": ["report every quarter to CSCMT", f"report every year to {DCS} copy SMT, Lead Member"],
    "3.13": ["audit every quarter per team peer different_service one case", "report every quarter to CSCMT"],
    "3.14": [
        "audit every month per team within own_service one case",
        "report every quarter to Head of Service copy Head of Safeguarding",
        "moderation every quarter by Head of Service sample 3 of 3.14",
    ],
    "3.15": [
        "audit every quarter per team peer different_service one case",
        "report every quarter to Head of Service copy Head of Safeguarding",
    ],
    "3.16": ["audit every month per worker one case"],
    "4.1": [
        "report every month to Team Manager, CSCMT",
        "report every half-year to Joint Divisional Meeting, SMT, Lead Member",
        "report every half-year to LSCB Chair",
    ],
    "4.2": ["task every month by Team Manager, Joint Divisional Meeting, SMT"],
    "4.3": ["report every quarter to CSCMT", "report every year to SMT, Lead Member, Scrutiny Committee"],
    "4.4": ["report every quarter to CPP, Lead Member", "report every month to Ofsted"],
    "4.5": ["audit every quarter"],
    "4.6": ["audit every quarter"],
    "4.7": [
        "report every quarter to CSCMT, Joint Divisional Meeting",
        "report every year to SMT, Lead Member, Scrutiny Committee",
    ],
    "4.8": ["report every month to CSCMT", "report every year to SMT, Lead Member"],
    "4.9": ["report every quarter to CSCMT", "report every year to SMT, Lead Member"],
    "4.10": ["report every year to CSCMT, Joint Divisional Meeting", "report every year to CPP"],
    "4.11": [
        "audit every quarter x5",
        "audit every quarter copy Head of Service",
        "report every quarter to LSCB QA Sub-Group",
        "report every year to SMT, Lead Member",
    ],
    "4.12": ["report every year to SMT, LSCB"],
    "4.13": ["review every year per area"],
    "4.14": ["meeting every year"],
    "4.15": ["meeting every half-year"],
    "4.16": ["meeting every quarter with Head of Service"],
    "4.17": ["meeting every half-year"],
    "4.18": ["meeting every 2 months with AD Safeguarding", f"meeting every half-year with {DCS}"],
    "5.1": [
        "report every year to CSCMT, Joint Divisional Meeting, SMT, Lead Member, Scrutiny Committee",
        "meeting every year",
    ],
    "5.2": ["report every year to Joint Divisional Meeting, SMT"],
}


def test_the_meaning_covers_every_schedulable_row(fw: Framework) -> None:
    assert list(MEANING) == [r.id for r in fw.rows if r.schedulable]


@pytest.mark.parametrize("row_id", list(MEANING))
def test_what_each_frequency_becomes(fw: Framework, row_id: str) -> None:
    row = fw.row(row_id)
    assert [describe(c) for c in row.cadences] == MEANING[row_id], row.frequency


def test_frequencies_with_parts_that_cannot_be_scheduled_keep_them_in_notes(fw: Framework) -> None:
    for row_id in ["1.7", "2.2", "3.4", "3.5", "3.9", "3.12", "4.3", "4.11", "4.12", "5.2"]:
        assert fw.row(row_id).notes, row_id


# --- roles as the table writes them ----------------------------------------------


@pytest.mark.parametrize(
    "written, role",
    [
        ("OMs, Children’s Social Care", "Operations Manager"),
        ("Heads of Service, Children's Social Care", "Head of Service"),
        ("Head of Service, Locality Social Work and Family Assessment", "Head of Service, Locality Social Work and Family Assessment"),
        ("AD, Safeguarding, Looked After Children and Special Educational Needs", "AD Safeguarding"),
        ("AD, Early Help & Commissioning", "AD Early Help"),
        ("ADs for early help services", "AD Early Help"),
        ("AD, Communication, Planning & Performance", "AD Communication, Planning and Performance"),
        ("Practice Managers, Children's Social Care", "Practice Manager"),
        ("Child Protection Advisors", "Child Protection Adviser"),
        ("IROs", "Independent Reviewing Officer"),
        ("Chair of the LSCB", "LSCB Chair"),
        ("Chair of the LSCB Quality Assurance Sub-Group", "LSCB QA Sub-Group Chair"),
        ("Manager, Planning and Performance Team", "Planning and Performance Manager"),
        ("Head of Children's Safeguards & Quality Assurance", "Head of Safeguarding"),
        ("Early help commissioning support team", "Early Help Commissioning Support"),
        ("team/unit managers", "Team Manager"),  # each a post, not a body (4.2: "Monthly by team and unit managers")
        ("Joint Divisional Meetings", "Joint Divisional Meeting"),
        ("Children's Social Care Management Team", "CSCMT"),
        ("Elected Members", "Elected Member"),
        ("DCS", DCS),
        ("LM", "Lead Member"),
        ("AD", None),  # "AD" alone is ambiguous
    ],
)
def test_the_table_names_for_roles(fw: Framework, written: str, role: str | None) -> None:
    assert Vocabulary(fw.roles).resolve(written) == role


def test_governance_bodies_are_bodies(fw: Framework) -> None:
    vocab = Vocabulary(fw.roles)
    for name in ["CSCMT", "SMT", "CMT", "LSCB", "LSCB QA Sub-Group", "CPP", "Cabinet", "Scrutiny Committee",
                 "Joint Divisional Meeting", "Ofsted", "Fostering and Adoption Panels"]:  # fmt: skip
        assert vocab.is_body(name), name
    assert not vocab.is_body("Head of Service")
    assert not vocab.is_body("Team Manager")  # "team/unit managers" are posts


def test_3_3_the_summary_is_forwarded_to_the_operations_manager_s_own_head_of_service(fw: Framework) -> None:
    """3.3: "Audit of Practice Manager supervision records using the supervision audit tool; summary to be
    forwarded to Head of Service." On the example council each Operations Manager's summary goes to the Head of
    Service she reports to, not to the Heads of Service of the other services (probe S1)."""
    from datetime import date

    from qaf.engine.schedule import plan
    from qaf.usecases.orgload import load_org

    org, _ = load_org(ROOT / "examples" / "council", Vocabulary(fw.roles))
    assert org is not None
    audits = [o for o in plan(fw, org, date(2026, 4, 1), date(2027, 3, 31), date(2026, 4, 1)).obligations if o.row == "3.3"]
    assert len(audits) == 6  # each Practice Manager's supervision records, once a year
    for audit in audits:
        head_of_service = org.person(audit.assignee).manager  # every Operations Manager here reports to her Head of Service
        assert audit.copies == (head_of_service,), (audit.assignee, audit.copies)


def test_3_14_each_head_of_service_randomly_scrutinises_a_sample_of_her_operations_managers_cases(fw: Framework) -> None:
    """3.14: "Report quarterly to the Head of Service ... Head of Service should randomly scrutinise a sample of
    these cases to ensure audit standards." With every April-June audit done, each of the example council's three
    Heads of Service is given a sample of the audits her own Operations Manager did (qaf's default: three a quarter
    each), none of another line's; a council-wide three left Sarah Butler none (probe S3)."""
    from collections import Counter
    from datetime import date

    from qaf.engine.model import Completed
    from qaf.engine.schedule import plan
    from qaf.usecases.orgload import load_org

    org, _ = load_org(ROOT / "examples" / "council", Vocabulary(fw.roles))
    assert org is not None
    spring = [o for o in plan(fw, org, date(2026, 4, 1), date(2026, 6, 30), date(2026, 4, 1)).obligations
              if o.row == "3.14" and o.kind == "audit"]  # fmt: skip
    done = [Completed(o.id, o.row, date(2026, 6, 15), o.assignee, o.case, o.team) for o in spring]
    summer = plan(fw, org, date(2026, 7, 1), date(2026, 9, 30), date(2026, 7, 1), completed=done).obligations
    sample = [o for o in summer if o.row == "3.14" and o.kind == "moderation"]
    heads = {org.person(o.assignee).manager for o in spring}  # each Operations Manager's Head of Service
    assert len(heads) == 3
    assert Counter(o.assignee for o in sample) == {h: 3 for h in heads}
    audited_by = {o.id: o.assignee for o in spring}
    assert all(org.person(audited_by[o.cause]).manager == o.assignee for o in sample)  # her own line's audits
