-- A store written by qaf as landed before migrations (commit 5009ce4): east-sussex-2013 on
-- tests/data/small-org, two months scheduled, one outcome, one tick, one token. Made with sqlite3's iterdump.
BEGIN TRANSACTION;
CREATE TABLE bodies (
	id VARCHAR(100) NOT NULL, 
	name TEXT NOT NULL, 
	chair VARCHAR(100), 
	present BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "bodies" VALUES('CSCMT','Children''s Social Care Management Team','P1',1);
CREATE TABLE cases (
	ref VARCHAR(64) NOT NULL, 
	worker VARCHAR(100), 
	team VARCHAR(100) NOT NULL, 
	opened DATE NOT NULL, 
	closed DATE, 
	present BOOLEAN NOT NULL, 
	PRIMARY KEY (ref)
);
INSERT INTO "cases" VALUES('CS-000001','P4','T1','2025-01-10',NULL,1);
INSERT INTO "cases" VALUES('CS-000002','P4','T1','2025-02-11',NULL,1);
INSERT INTO "cases" VALUES('CS-000003','P5','T1','2025-03-12','2025-09-01',1);
INSERT INTO "cases" VALUES('EH-000001',NULL,'T2','2025-05-01',NULL,1);
CREATE TABLE escalations (
	id INTEGER NOT NULL, 
	obligation VARCHAR(40) NOT NULL, 
	level INTEGER NOT NULL, 
	to_person VARCHAR(100), 
	"on" DATE NOT NULL, 
	reason TEXT NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_escalation_level UNIQUE (obligation, level)
);
INSERT INTO "escalations" VALUES(1,'fbf81c225b8374c8',0,'P1','2024-05-13','overdue by 8 working days (due 2024-04-30)');
INSERT INTO "escalations" VALUES(2,'fbf81c225b8374c8',1,NULL,'2024-05-13','overdue by 8 working days (due 2024-04-30)');
CREATE TABLE events (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	ref VARCHAR(200) NOT NULL, 
	payload JSON NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "events" VALUES(1,'2026-12-02 08:07:19.209960','framework.loaded','east-sussex-2013','{"version": "2012/13", "rows": 54, "file": "/tmp/landed/rules/frameworks/east-sussex-2013.yaml"}');
INSERT INTO "events" VALUES(2,'2026-12-02 08:07:23.528579','org.loaded','','{"people": {"new": 5, "changed": 0, "unchanged": 0, "gone": 0}, "teams": {"new": 2, "changed": 0, "unchanged": 0, "gone": 0}, "cases": {"new": 4, "changed": 0, "unchanged": 0, "gone": 0}, "bodies": {"new": 1, "changed": 0, "unchanged": 0, "gone": 0}}');
INSERT INTO "events" VALUES(3,'2026-12-02 08:07:24.310236','schedule','east-sussex-2013','{"part": "calendar", "first": "2024-04-01", "last": "2024-05-31", "created": 26, "updated": 0, "reassigned": 0, "cancelled": 0, "reopened": 0}');
INSERT INTO "events" VALUES(4,'2026-12-02 08:07:29.539436','schedule','east-sussex-2013','{"part": "calendar", "first": "2024-05-01", "last": "2024-08-31", "created": 20, "updated": 3, "reassigned": 0, "cancelled": 0, "reopened": 0}');
INSERT INTO "events" VALUES(5,'2026-12-02 08:07:43.077806','outcome.recorded','1e14b3fbc5de64b8','{"grade": "good", "concerns": false, "by": "P1", "date": "2024-05-10"}');
INSERT INTO "events" VALUES(6,'2026-12-02 08:07:44.035832','schedule','east-sussex-2013','{"part": "calendar", "first": "2024-04-01", "last": "2024-06-30", "created": 0, "updated": 3, "reassigned": 0, "cancelled": 0, "reopened": 0}');
CREATE TABLE feed_tokens (
	token_hash VARCHAR(64) NOT NULL, 
	person VARCHAR(100) NOT NULL, 
	scope VARCHAR(20) NOT NULL, 
	purpose VARCHAR(20) NOT NULL, 
	created_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	PRIMARY KEY (token_hash)
);
INSERT INTO "feed_tokens" VALUES('80fa7ca8102ce3ecb5f27dde8c6929a8e3aa5ff4c8976b5f055583c5009a8614','P3','person','feed','2026-12-02 08:07:28.630350',NULL);
CREATE TABLE frameworks (
	id VARCHAR(100) NOT NULL, 
	version VARCHAR(100) NOT NULL, 
	title TEXT NOT NULL, 
	council TEXT NOT NULL, 
	content_hash VARCHAR(64) NOT NULL, 
	filename TEXT NOT NULL, 
	text TEXT NOT NULL, 
	loaded_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "frameworks" VALUES('east-sussex-2013','2012/13','Quality Assurance in Children''s Social Care and Early Help Services','East Sussex County Council','c7af9bf64118a63a','/tmp/landed/rules/frameworks/east-sussex-2013.yaml','# East Sussex County Council: Quality Assurance in Children''s Social Care and
# Early Help Services, the framework of Appendix 1 to the annual review 2012/13
# (Children''s Services Scrutiny Committee, 11 November 2013).
#
# Each row keeps the council''s four cells verbatim (role, task, frequency,
# purpose; the list markup of the task and purpose cells is taken out, the
# words are kept, one list item a line) and adds its meaning by hand: `by`,
# `cadences`, `triggers`, or `unschedulable` with the reason. What the meaning
# leaves out is in `notes`. The format is described in rules/docs.md.
qaf: 1
id: east-sussex-2013
title: Quality Assurance in Children''s Social Care and Early Help Services
version: "2012/13"
council: East Sussex County Council
notify_on_grade: [Head of Safeguarding]
digest_roles: [Director of Children''s Services, Head of Service]

escalation:
  - {after: 0, to: assignee}
  - {after: 5, to: line_manager}
  - {after: 20, to: Head of Service, digest: true}
  - {after: 40, to: Director of Children''s Services, digest: true}

roles:
  # posts
  - {name: Director of Children''s Services, aliases: [DCS]}
  - {name: Lead Member, aliases: [LM, Lead Member for Children''s Services]}
  - Chief Executive
  - Elected Member
  - name: AD Safeguarding
    aliases:
      - "AD, Safeguarding, Looked After Children and Special Educational Needs"
      - "Assistant Director, Safeguarding, Looked After Children and Special Educational Needs"
  - name: AD Early Help
    aliases:
      - "AD, Early Help & Commissioning"
      - "Early Help and AD, Early Help & Commissioning"
      - ADs for early help services
      - Assistant Directors for early help services
      - early help ADs
  - name: "AD Communication, Planning and Performance"
    aliases: ["AD, Communication, Planning & Performance"]
  - {name: Head of Service, aliases: [HoS]}
  - "Head of Service, Locality Social Work and Family Assessment"
  - {name: Operations Manager, aliases: [OM]}
  - {name: Practice Manager, aliases: [PM]}
  - Social Worker
  - {name: Senior Manager, aliases: [senior manager for children''s social care]}
  - {name: Head of Safeguarding, aliases: [Head of Children''s Safeguards & Quality Assurance]}
  - Safeguarding Manager
  - {name: Child Protection Adviser, aliases: [CPA, Child Protection Advisor]}
  - {name: Independent Reviewing Officer, aliases: [IRO]}
  - {name: Chair of Panel, aliases: [Panel Chair, chair of the Fostering and Adoption Panels]}
  - {name: LSCB Chair, aliases: [Chair of the LSCB, Chair of LSCB]}
  - name: LSCB QA Sub-Group Chair
    aliases: [Chair of the LSCB Quality Assurance Sub-Group, Chair of the LSCB QA Sub-Group]
  - name: Planning and Performance Manager
    aliases: ["Manager, Planning and Performance Team"]
  - Complaints Manager
  - {name: Principal Social Worker, aliases: [PSW]}
  - Policy Officer
  - Audit Officer
  - {name: Early Help Manager, aliases: [EH managers, early help managers]}
  - {name: Early Help Commissioning Support, aliases: [Early help commissioning support team]}
  - Agency Decision Maker
  # governance bodies
  - {name: CSCMT, aliases: [Children''s Social Care Management Team], body: true}
  - {name: SMT, aliases: [Children''s Services Senior Management Team, Senior Management Team], body: true}
  - {name: CMT, aliases: [Corporate Management Team], body: true}
  - {name: LSCB, aliases: [Local Safeguarding Children Board, East Sussex Local Safeguarding Children Board], body: true}
  - {name: LSCB QA Sub-Group, aliases: [LSCB Quality Assurance Sub-Group], body: true}
  - {name: CPP, aliases: [Corporate Parenting Panel], body: true}
  - {name: Cabinet, body: true}
  - {name: Scrutiny Committee, aliases: [Children''s Services Scrutiny Committee], body: true}
  - {name: Joint Divisional Meeting, body: true}
  - {name: CYPTeg, aliases: [Children and Young People''s Trust Executive Group], body: true}
  - {name: Fostering and Adoption Panels, body: true}
  - {name: Ofsted, body: true}
  - {name: Team and Unit Managers, aliases: [team/unit managers], body: true}

rows:

  - id: "1.1"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Responsibilities of the Lead Member (LM) and the Director of Children''s Services (DCS)
    task: |-
      The Children Act 2004 requires every upper tier local authority to appoint a DCS and designate an LM
      The DCS and LM should both have an integrated Children''s Services brief, ensuring that the safety and educational, social and emotional needs of children and young people are central to the local vision. Between them, the DCS and LM provide a clear and unambiguous line of local accountability.
    frequency: Statutory responsibility for Children''s Services
    purpose: >-
      The DCS and LM are appointed for the purposes of discharging the education and children''s
      social care functions of the local authority. This includes, but is not limited to,
      responsibility for children and young people receiving education or children''s social care
      services in their area and all children looked after by the local authority or in custody
      (regardless of where they are placed).
    by: [Lead Member, Director of Children''s Services]
    unschedulable: "statutory responsibility, no frequency (''Statutory responsibility for Children''s Services'')"

  - id: "1.2"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Responsibilities of the LM and DCS
    task: |-
      The LM has political responsibility for Children''s Services; the DCS has professional responsibility for Children''s Services, including operational matters
      Reporting through the Corporate Management Team (CMT), Cabinet, Scrutiny Committee, Children''s Services Senior Management Team (SMT), Children and Young People''s Trust Executive Group (CYPTeg), Corporate Parenting Panel(CPP) and the LSCB
    frequency: As defined by individual meeting frequency
    purpose: |-
      Together with the Chief Executive and the Leader of the Council, the LM and DCS have a key leadership role, both within the local authority and working with other local agencies, to improve outcomes for children and young people.
      Responsibility to ensure critical information is shared within East Sussex County Council and with external partners.
    by: [Lead Member, Director of Children''s Services]
    unschedulable: "reporting follows each body''s own meeting calendar (''As defined by individual meeting frequency''), which the framework does not give"
    notes:
      - "Reports through CMT, Cabinet, Scrutiny Committee, SMT, CYPTeg, CPP and the LSCB: schedule with those bodies'' meetings."

  - id: "1.3"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Responsibilities of the LM and DCS
    task: >-
      Given the breadth and importance of Children''s Services functions that the LM and DCS cover,
      local authorities should give due consideration to protecting the discrete roles and
      responsibilities of the LM and DCS before allocating to them any additional functions other
      than Children''s Services.
    frequency: ""
    purpose: >-
      Department of Education guidance: To achieve clear senior leadership understanding and focus
      of purpose on accountabilities and outcomes for children in need and safeguarding.
    by: [Lead Member, Director of Children''s Services]
    unschedulable: "no frequency: guidance on protecting the LM and DCS roles, not a recurring task"

  - id: "1.4"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Responsibilities of the DCS
    task: >-
      The DCS is accountable and responsible for ensuring the Chief Executive and lead members are
      briefed on the quality of the services and any potential vulnerability.
    frequency: As required and in line with meeting frequency
    purpose: |-
      To achieve clear senior leadership understanding and focus of purpose on accountabilities and outcomes for children in need and safeguarding.
      To monitor performance, practice, decision-making and outcomes
    by: [Director of Children''s Services]
    unschedulable: "as required, in line with the meeting frequency of the bodies briefed, which the framework does not give"
    notes:
      - "The DCS briefs the Chief Executive and lead members on service quality and potential vulnerability."

  - id: "1.5"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Responsibilities of the DCS
    task: >-
      The DCS should have direct experience of front-line practice by practice observation and
      meeting with front-line social care staff and managers.
    frequency: Quarterly
    purpose: To gain insight of the experience of front-line practitioners
    by: [Director of Children''s Services]
    cadences:
      - kind: visit
        every: quarter
        note: "Practice observation and meeting with front-line social care staff and managers."

  - id: "1.6"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Chief Executive
    task: Monitoring via one-to-one meetings with the DCS and quarterly performance reviews
    frequency: Monthly monitoring Quarterly review
    purpose: To maintain an overview of service and performance issues
    by: [Chief Executive]
    cadences:
      - kind: meeting
        every: month
        with: [Director of Children''s Services]
        note: "Monthly monitoring: one-to-one meeting with the DCS."
      - kind: meeting
        every: quarter
        with: [Director of Children''s Services]
        note: "Quarterly performance review with the DCS."

  - id: "1.7"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Chief Executive
    task: >-
      Six-monthly meeting with the DCS and senior manager for children''s social care to focus on
      service outcomes, pressures, quality issues; every 12 months, this meeting will also include
      Assistant Directors (ADs) for early help services and will review data in relation to early
      help as well as social care.
    frequency: Twice a year
    purpose: >-
      Detailed discussion to reflect accountabilities for outcomes for children in need of
      protection and safeguarding
    by: [Chief Executive]
    cadences:
      - kind: meeting
        every: half-year
        with: [Director of Children''s Services, Senior Manager]
        note: "Six-monthly, with the DCS and the senior manager for children''s social care. Every 12 months (one of the two meetings) it also includes the ADs for early help services and reviews early help data as well as social care."
    notes:
      - "The yearly inclusion of the ADs for early help services (AD Early Help) in one of the two meetings is not scheduled separately: invite them to one meeting a year."

  - id: "1.8"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Chief Executive
    task: >-
      Annual focus group with front-line social care and early help workers and managers to review
      service issues, pressures, outcomes and good practice examples
    frequency: Annual
    purpose: To hear from front-line staff about what works and where improvement is needed, etc.
    by: [Chief Executive]
    cadences:
      - kind: meeting
        every: year
        note: "Focus group with front-line social care and early help workers and managers."

  - id: "1.9"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Elected Members
    task: Monitor performance via the Cabinet, CPP and the Scrutiny Committee
    frequency: Quarterly to cabinet and CPP Annually to Scrutiny Committee
    purpose: To monitor performance, practice, decision-making and outcomes
    by: [Elected Member]
    cadences:
      - kind: meeting
        every: quarter
        per: body
        to: [Cabinet, CPP]
        note: "Performance comes to Cabinet and to CPP each quarter, where members monitor it."
      - kind: meeting
        every: year
        to: [Scrutiny Committee]
        note: "Performance comes to the Scrutiny Committee once a year."

  - id: "1.10"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Elected Members
    task: Quality assurance via Fostering and Adoption Panels
    frequency: Monthly Panel meetings
    purpose: To monitor performance, practice, decision-making and outcomes
    by: [Elected Member]
    cadences:
      - kind: meeting
        every: month
        to: [Fostering and Adoption Panels]
        note: "Monthly Fostering and Adoption Panel meetings."

  - id: "1.11"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Elected Members
    task: Visits to children''s homes
    frequency: Monthly visiting rota
    purpose: To meet young people and discuss and monitor the care they receive
    by: [Elected Member]
    cadences:
      - kind: visit
        every: month
        rota: true
        note: "Visits to children''s homes on a monthly visiting rota: one member a month, in turn."
    notes:
      - "''Monthly visiting rota'': members take turns, so a visit is due each month but not from every member; the rota (which member visits which home) is the council''s and is not in the framework."

  - id: "1.12"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Elected Members
    task: Visits to social work and early help teams
    frequency: Quarterly (twice a year for early help teams)
    purpose: To meet and review practice pressures and issues with front-line staff
    by: [Elected Member]
    cadences:
      - kind: visit
        every: quarter
        per: team
        variations:
          - {team_kind: early_help, every: half-year}
        note: "Social work teams quarterly; early help teams twice a year."

  - id: "1.13"
    section: Key Chief Executive and Elected Member Responsibilities
    role: LSCB Chair
    task: Meeting with the Chief Executive and the DCS
    frequency: Twice a year
    purpose: To maintain overview of LSCB priorities and local authority accountability
    by: [LSCB Chair]
    cadences:
      - kind: meeting
        every: half-year
        with: [Chief Executive, Director of Children''s Services]

  - id: "2.1"
    section: "Service Provision: A. Children’s Social Care"
    role: CSCMT DCS and for information to SMT
    task: |-
      Family support services
      Monitoring effectiveness of contracts to provide family support services to children in need
    frequency: >-
      Quarterly monitoring to SMT via contract monitoring process or service level agreements
    purpose: |-
      Whether services commissioned:
      are impacting on priority outcomes
      are meeting quality standards, e.g. safer workforce)
      provide value for money
    by: [CSCMT, Director of Children''s Services]
    cadences:
      - kind: report
        every: quarter
        to: [SMT]
        note: "Quarterly monitoring via the contract monitoring process or service level agreements."

  - id: "2.2"
    section: "Service Provision: A. Children’s Social Care"
    role: Managers at all levels up to CSCMT SMT CPP LM
    task: |-
      Looked after children placements
      Capacity/usage of internal and external placements for looked after children
    frequency: >-
      Monthly for operational managers Quarterly to CPP Bi-annually for SMT At least annually to
      LM with more frequent monitoring and reporting through the budget monitoring process
    purpose: |-
      Informs:
      strategic planning for looked after children and children in need
      placement strategy
      recruitment, commissioning and joint commissioning of fostering and residential placements.
      re trends of placements being made outside local authority boundaries
    by: [CSCMT]
    cadences:
      - kind: report
        every: month
        to: [Operations Manager]
        note: "''Monthly for operational managers'': read as the Operations Managers."
      - kind: report
        every: quarter
        to: [CPP]
      - kind: report
        every: half-year
        to: [SMT]
        note: "''Bi-annually'' read as twice a year."
      - kind: report
        every: year
        to: [Lead Member]
        note: "At least annually."
    notes:
      - "The role cell names managers at all levels up to CSCMT; CSCMT is given as the owner."
      - "More frequent monitoring and reporting goes through the budget monitoring process (row 4.2)."

  - id: "2.3"
    section: "Service Provision: A. Children’s Social Care"
    role: CSCMT
    task: |-
      Contract monitoring information (residential placements including short breaks and adoption)
      Qualitative and financial information
    frequency: Bi-annual monitoring at minimum Annual report to CPP
    purpose: |-
      To monitor:
      usage
      organisational standards including standing orders and contracting rules
      value for money
      trends
    by: [CSCMT]
    cadences:
      - kind: task
        every: half-year
        note: "''Bi-annual monitoring at minimum'': contract monitoring at least twice a year."
      - kind: report
        every: year
        to: [CPP]

  - id: "2.4"
    section: "Service Provision: A. Children’s Social Care"
    role: CSCMT, DCS and for information to SMT, CPP and LM
    task: Fostering Service report
    frequency: >-
      Requirement for elected members to review updates and modify the Statement of Purpose at
      least annually and to formally approve it. Annual report and Statement of Purpose to CPP and
      LM
    purpose: |-
      To ensure;
      compliance with standards and regulations
      that recommendations from previous inspections are being acted on
      that service users’ views are heard and are affecting service improvement
    by: [CSCMT, Director of Children''s Services]
    cadences:
      - kind: report
        every: year
        to: [CPP, Lead Member]
        copy: [SMT]
        note: "Annual report and Statement of Purpose; for information to SMT."
      - kind: task
        every: year
        by: [Elected Member]
        note: "Elected members review updates, modify the Statement of Purpose (at least annually) and formally approve it."

  - id: "2.5"
    section: "Service Provision: A. Children’s Social Care"
    role: CSCMT, DCS and for information to SMT, CPP, LM
    task: Adoption Service and Adoption Support Services information
    frequency: Annually to include modifications to statement of purpose To CPP and LM
    purpose: |-
      To ensure:
      • compliance with standards and regulations
      • that recommendations from previous inspections are being acted upon
      • that service users'' views are heard and are affecting service improvement
    by: [CSCMT, Director of Children''s Services]
    cadences:
      - kind: report
        every: year
        to: [CPP, Lead Member]
        copy: [SMT]
        note: "Annually, including modifications to the statement of purpose; for information to SMT."

  - id: "3.1"
    section: A.1 Supervision
    role: AD, Safeguarding, Looked After Children and Special Educational Needs
    task: Audit of Head of Service supervision records
    frequency: Annually
    purpose: Quality assurance of supervision
    by: [AD Safeguarding]
    cadences:
      - kind: audit
        every: year
        per: worker
        roles: [Head of Service]
        note: "The supervision records of each Head of Service the AD line-manages."

  - id: "3.2"
    section: A.1 Supervision
    role: Heads of Service, Children’s Social Care
    task: >-
      Audit of Operations Manager supervision records using the supervision audit tool; summary to
      be forwarded to the Head of Safeguarding
    frequency: Annually
    purpose: >-
      To quality assure supervision standards against the supervision policy. Focusing on
      frequency, whether decisions made are recorded with a rationale, and whether supervision
      develops staff and improves practice by providing challenge and support to deliver
      organisational priorities.
    by: [Head of Service]
    cadences:
      - kind: audit
        every: year
        per: worker
        roles: [Operations Manager]
        copy: [Head of Safeguarding]
        note: "Supervision audit tool; summary forwarded to the Head of Safeguarding."

  - id: "3.3"
    section: A.1 Supervision
    role: OMs, Children’s Social Care
    task: >-
      Audit of Practice Manager supervision records using the supervision audit tool; summary to
      be forwarded to Head of Service. If concerns are identified then this to be copied to the
      Head of Safeguarding
    frequency: Annually
    purpose: >-
      To quality assure supervision standards, e.g. whether supervision is happening at the right
      frequency, whether decisions made are recorded and rationale provided. Considers whether
      supervision develops staff and improves practice by providing challenge and support to
      deliver organisational priorities.
    by: [Operations Manager]
    cadences:
      - kind: audit
        every: year
        per: worker
        roles: [Practice Manager]
        copy: [Head of Service]
        note: "Supervision audit tool; summary forwarded to the Head of Service."
    triggers:
      - id: concerns
        when: {concerns: true}
        then:
          - alert: {role: Head of Safeguarding, of: assignee}

  - id: "3.4"
    section: A.1 Supervision
    role: Operations Managers, Children’s Social Care and CSCMT
    task: Quantitative and qualitative audits of staff supervision
    frequency: Annually to CSCMT To LSCB as appropriate
    purpose: >-
      To quality assure supervision standards, e.g. whether supervision is happening at the right
      frequency, whether decisions made are recorded, etc, and that it develops staff and improves
      practice by providing challenge and support to deliver to organisational priorities.
    by: [Operations Manager, CSCMT]
    cadences:
      - kind: report
        every: year
        by: [Operations Manager]
        to: [CSCMT]
        note: "Quantitative and qualitative audits of staff supervision, reported to CSCMT."
    notes:
      - "''To LSCB as appropriate'': no frequency."

  - id: "3.5"
    section: A.2 The Safeguarding Unit
    role: Safeguarding Manager
    task: >-
      Messages from reviews of looked after children (Independent Reviewing Officers (IRO)
      reports), including feedback from children and young people
    frequency: Bi-annually to CSCMT, and onwards as appropriate CPP Annually to LM and DCS
    purpose: |-
      To:
      confirm compliance with standards.
      identify emerging themes, both positive and negative
      improve performance and outcomes for looked after children
      hear views of children and young people and evidence where action is taken in response to those views
    by: [Safeguarding Manager]
    cadences:
      - kind: report
        every: half-year
        to: [CSCMT]
        note: "''Bi-annually'' read as twice a year."
      - kind: report
        every: year
        to: [Lead Member, Director of Children''s Services]
    notes:
      - "''and onwards as appropriate CPP'': onward reporting to CPP has no frequency."

  - id: "3.6"
    section: A.2 The Safeguarding Unit
    role: Safeguarding Manager
    task: Child protection chairs'' quality assurance feedback
    frequency: Biannually to CSCMT Annually to Lead Member and DCS
    purpose: >-
      Qualitative and quantitative information about activity, adherence to quality standards and
      timescales, quality of planning, preparation and reporting. Emerging practice issues
      requiring attention
    by: [Safeguarding Manager]
    cadences:
      - kind: report
        every: half-year
        to: [CSCMT]
        note: "''Biannually'' read as twice a year."
      - kind: report
        every: year
        to: [Lead Member, Director of Children''s Services]

  - id: "3.7"
    section: A.2 The Safeguarding Unit
    role: Safeguarding Manager
    task: Quarterly monitoring reports on child protection and looked after children
    frequency: Quarterly to CSCMT and LSCB
    purpose: >-
      Set out the extent to which practice standards and statutory requirements have been adhered
      to
    by: [Safeguarding Manager]
    cadences:
      - kind: report
        every: quarter
        to: [CSCMT, LSCB]

  - id: "3.8"
    section: A.2 The Safeguarding Unit
    role: Child Protection Advisors (CPAs) and IROs
    task: Deep-dive audit of one casefile to be selected from CPA or IRO''s workload
    frequency: One file per month
    purpose: To ensure quality of practice and compliance with statutory requirements
    by: [Child Protection Adviser, Independent Reviewing Officer]
    cadences:
      - kind: audit
        every: month
        per: assignee
        case: true
        note: "One file a month from the CPA''s or IRO''s own workload."

  - id: "3.9"
    section: A.2 The Safeguarding Unit
    role: Safeguarding Manager
    task: Deep-dive audit of one case for each IRO and CPA
    frequency: Quarterly to Head of Service Action plan to CSCMT
    purpose: To ensure quality of practice and consistency of decision making
    by: [Safeguarding Manager]
    cadences:
      - kind: audit
        every: quarter
        per: case_holder
        roles: [Independent Reviewing Officer, Child Protection Adviser]
        case: true
        note: "Deep-dive audit of one case for each IRO and CPA."
      - kind: report
        every: quarter
        to: [Head of Service]
    notes:
      - "''Action plan to CSCMT'': no frequency; the action plan follows the audits."

  - id: "3.10"
    section: A.3 Fostering and Adoption Panels
    role: Head of Service, Locality Social Work and Family Assessment
    task: Private Fostering Report
    frequency: Annually for consideration by the DCS. Annually to the Chair of the LSCB and CSCMT
    purpose: |-
      To ensure compliance with standards and regulations
      To evaluate the outcomes of the local authority''s work in relation to privately fostered children within its area
      To monitor progress in responding to any recommendations following Inspection
      The LSCB satisfies itself that the welfare of privately fostered children in its area is satisfactorily safeguarded and promoted, including how it co-operates with other agencies in this connection.
    by: ["Head of Service, Locality Social Work and Family Assessment"]
    cadences:
      - kind: report
        every: year
        to: [Director of Children''s Services, LSCB Chair, CSCMT]
        note: "One annual Private Fostering Report: for consideration by the DCS, and to the Chair of the LSCB and CSCMT."

  - id: "3.11"
    section: A.3 Fostering and Adoption Panels
    role: Chair of Panel
    task: Feedback from chairs of the Fostering and Adoption Panels
    frequency: Annually to CSCMT Three times a year to agency decision maker.
    purpose: >-
      Qualitative and quantitative information about activity, adherence to quality standards and
      timescales, quality of planning, preparation and reporting. Emerging practice issues
      requiring attention
    by: [Chair of Panel]
    cadences:
      - kind: report
        every: year
        to: [CSCMT]
      - kind: report
        every: 4 months
        to: [Agency Decision Maker]
        note: "Three times a year."

  - id: "3.12"
    section: A.4 Managers'' File Audits
    role: Heads of Service, Children''s Social Care
    task: Results, recommendations and action plans arising from routine, regular case record checks
    frequency: >-
      Quarterly to CSCMT Annually to DCS & for information to SMT and Lead Member To CSCMT and, in
      some cases, to the LSCB where audits have relevance to safeguarding or child protection
      practice.
    purpose: |-
      To identify:
      whether quality standards relating to practice are being met
      shortfalls/inconsistencies in practice, both in the organisation and in partner agencies
      whether appropriate action is taken to correct or improve practice
      to influence change to policy or procedures where this is required
      to ensure that any identified training needs are responded to
      to ensure that any workforce issues are identified and responded to
    by: [Head of Service]
    cadences:
      - kind: report
        every: quarter
        to: [CSCMT]
      - kind: report
        every: year
        to: [Director of Children''s Services]
        copy: [SMT, Lead Member]
        note: "For information to SMT and the Lead Member."
    notes:
      - "''in some cases, to the LSCB where audits have relevance to safeguarding or child protection practice'': no frequency; send when an audit is relevant."

  - id: "3.13"
    section: A.4 Managers'' File Audits
    role: Heads of Service, Children''s Social Care
    task: Off-line (peer) deep dive audit using case file audit tool
    frequency: One case file quarterly for each team in a different service.
    purpose: |-
      • Report to CSCMT to influence change to policy or procedures where this is required
      • To ensure appropriate response to any identified training needs.
      • To ensure appropriate response to any identified workforce issues.
    by: [Head of Service]
    cadences:
      - kind: audit
        every: quarter
        per: team
        peer: different_service
        case: true
        note: "Off-line (peer) deep dive: one case file a quarter for each team, by a Head of Service from a different service."
      - kind: report
        every: quarter
        to: [CSCMT]
        note: "The purpose''s ''Report to CSCMT'' gives no frequency: read as after each quarter''s peer audits."

  - id: "3.14"
    section: A.4 Managers'' File Audits
    role: Operations Managers, Children''s Social Care
    task: >-
      Deep-dive audit using CareFirst audit record. Document summary of each team''s findings on
      Operations Manager feedback tool and present to Head of Service
    frequency: >-
      One case file for each team per month within their service. If the audit identifies
      significant concerns then a further two files to be audited from that particular team.
    purpose: >-
      Report quarterly to the Head of Service on key themes and action to be taken to reinforce
      and share good practice and address poor performance. Head of Service should randomly
      scrutinise a sample of these cases to ensure audit standards. (To be copied to Head of
      Safeguarding)
    by: [Operations Manager]
    cadences:
      - kind: audit
        every: month
        per: team
        within: own_service
        case: true
        note: "Deep-dive audit using the CareFirst audit record: one case file for each team in their service, each month."
      - kind: report
        every: quarter
        to: [Head of Service]
        copy: [Head of Safeguarding]
        note: "Key themes and action to reinforce and share good practice and address poor performance, on the Operations Manager feedback tool."
      - kind: moderation
        every: quarter
        by: [Head of Service]
        sample: {row: "3.14", count: 3}
        note: "''Head of Service should randomly scrutinise a sample of these cases'': the framework gives no size; three of the quarter''s 3.14 audits (about one a month) is our reading."
    triggers:
      - id: concerns
        when: {concerns: true}
        then:
          - follow_up_audits: {count: 2, cases: same_team, within: 1 month}
    notes:
      - "The further two files have no deadline in the text: one month is our reading."

  - id: "3.15"
    section: A.4 Managers'' File Audits
    role: Operations Managers, Children''s Social Care
    task: >-
      Off-line (peer) deep-dive audit using CareFirst audit record. Document summary of each
      team''s findings on Operations Manager Feedback Summary which is to be shared with relevant
      Head of Service.
    frequency: One case file quarterly for each team in a different service.
    purpose: >-
      Report to the Head of Service responsible for the team on key themes and action to be taken
      to reinforce and share good practice and address poor performance. (To be copied to Head of
      Safeguarding)
    by: [Operations Manager]
    cadences:
      - kind: audit
        every: quarter
        per: team
        peer: different_service
        case: true
        note: "Off-line (peer) deep dive: one case file a quarter for each team, by an Operations Manager from a different service."
      - kind: report
        every: quarter
        to: [Head of Service]
        copy: [Head of Safeguarding]
        note: "Feedback summary to the Head of Service responsible for the audited team, after each quarter''s peer audits."

  - id: "3.16"
    section: A.4 Managers'' File Audits
    role: Practice Managers, Children''s Social Care
    task: >-
      Practice Managers will complete supervision case file audit using the CareFirst audit record
    frequency: >-
      One case per month for each worker. If audit reveals significant concerns then a further two
      files from the same worker should be reviewed. Alert Operations Manager at this point. In
      addition, the file of concern must be reviewed within three months ensuring that the
      recommendations regarding safe care planning have been actioned.
    purpose: >-
      Review the management of the case in line with practice standards. This includes focusing on
      quality of assessment, planning, analysis, decision-making, evidence of multi-disciplinary
      activity and working in partnership with families and consideration of children''s wishes and
      feelings. In particular, consideration should be given to compliance with statutory
      requirements. Feedback to worker with recommendations regarding case planning and
      performance improvement if required.
    by: [Practice Manager]
    cadences:
      - kind: audit
        every: month
        per: worker
        case: true
        note: "Supervision case file audit using the CareFirst audit record: one case for each worker, each month."
    triggers:
      - id: concerns
        when: {concerns: true}
        then:
          - follow_up_audits: {count: 2, cases: same_worker, within: 1 month}
          - alert: {role: Operations Manager, of: worker}
          - review: {within: 3 months}
    notes:
      - "The follow-up audits have no deadline in the text: one month is our reading. The review checks that the safe care planning recommendations were actioned."

  - id: "4.1"
    section: A. Performance Management Information
    role: Manager, Planning and Performance Team
    task: National and locally-agreed performance data set
    frequency: >-
      Monthly to team/unit managers and CSCMT Bi-annually to Joint Divisional Meeting, SMT and LM
      Biannually to Chair of LSCB
    purpose: |-
      Current performance in order to:
      • identify performance issues in specific teams
      • support improvement or facilitate change in practice
      • set targets and identify priorities for performance improvement
      • inform strategy
    by: [Planning and Performance Manager]
    cadences:
      - kind: report
        every: month
        to: [Team and Unit Managers, CSCMT]
      - kind: report
        every: half-year
        to: [Joint Divisional Meeting, SMT, Lead Member]
        note: "''Bi-annually'' read as twice a year."
      - kind: report
        every: half-year
        to: [LSCB Chair]
        note: "''Biannually'' read as twice a year."

  - id: "4.2"
    section: A. Performance Management Information
    role: All managers up to CSCMT Early Help, Heads of Service SMT CMT LM
    task: Budget monitoring
    frequency: Monthly by team and unit managers, Joint Divisional Meeting and SMT
    purpose: |-
      • To ensure performance is achieved within budget or that budget realignment can take place to reflect changing demand or reprioritising
      • To inform decision-making on resource allocation
      • To inform decision-making on income policies, grant applications, contracting and commissioning etc
    by: [Team and Unit Managers, CSCMT, Head of Service, SMT, CMT, Lead Member]
    cadences:
      - kind: task
        every: month
        by: [Team and Unit Managers, Joint Divisional Meeting, SMT]
        note: "Budget monitoring."
    notes:
      - "The role cell reads ''All managers up to CSCMT Early Help, Heads of Service SMT CMT LM''."

  - id: "4.3"
    section: B. Central File and Practice Audits
    role: Head of Safeguarding
    task: >-
      Results, recommendations and action plans arising from specifically commissioned or themed
      case records or practice audits of children within or on the edge of the child protection
      system.
    frequency: >-
      Quarterly to CSCMT after audit (with reports to early help ADs as appropriate) Annually to
      SMT and LM via Scrutiny Committee
    purpose: |-
      To identify:
      • whether child protection standards are being met
      • shortfalls or inconsistencies in practice
      • what action needs to be or has been taken correct or improve practice.
      • where changes to policy or procedures may be required
      • any training needs are responded to
      • whether there are workforce issues which need to be responded to
      • to assure SMT of the ability of departmental child protection services to respond to new requirements or standards in a timely manner
    by: [Head of Safeguarding]
    cadences:
      - kind: report
        every: quarter
        to: [CSCMT]
        note: "After audit, with reports to early help ADs as appropriate."
      - kind: report
        every: year
        to: [SMT, Lead Member, Scrutiny Committee]
        note: "To SMT and LM via the Scrutiny Committee."
    notes:
      - "The audits themselves are specifically commissioned or themed and have no frequency of their own."
      - "Reports to early help ADs ''as appropriate'': no frequency."

  - id: "4.4"
    section: B. Central File and Practice Audits
    role: Head of Safeguarding
    task: >-
      Regulation 33 (Children’s Home Regulations 2001) monthly visit findings and recommendations
    frequency: Quarterly to CPP and LM Monthly reports sent to Ofsted
    purpose: |-
      To determine whether:
      • looked after children are receiving good quality care from in-house provision
      • the organisation is compliant with Regulations and standards
    by: [Head of Safeguarding]
    cadences:
      - kind: report
        every: quarter
        to: [CPP, Lead Member]
      - kind: report
        every: month
        to: [Ofsted]
        note: "Monthly Regulation 33 visit reports sent to Ofsted."

  - id: "4.5"
    section: B. Central File and Practice Audits
    role: CSCMT
    task: |-
      Themed file audit
      Each audit to be developed in accordance with the area being focused on by Head of Safeguarding
    frequency: Quarterly
    purpose: |-
      • To understand quality of practice and look at shortfalls or inconsistencies in practice
      • To consider what action needs to be or has been taken to correct or improve practice
      • To consider what changes to policy or procedures may be required
      • To consider what training needs have to be addressed as well as wider workforce issues
    by: [CSCMT]
    cadences:
      - kind: audit
        every: quarter
        note: "Themed file audit, each developed around the area the Head of Safeguarding is focusing on."

  - id: "4.6"
    section: B. Central File and Practice Audits
    role: Early Help and AD, Early Help & Commissioning
    task: Each audit to be developed in accordance with the area being focused on by the AD
    frequency: Quarterly
    purpose: |-
      • To understand quality of practice and look at shortfalls or inconsistencies in practice
      • To consider what action needs to be or has been taken to correct or improve practice
      • To consider what changes to policy or procedures may be required
      • To consider what training needs have to be addressed as well as wider workforce issues
    by: [AD Early Help]
    cadences:
      - kind: audit
        every: quarter
        note: "Themed audit, each developed around the area the AD is focusing on."
    notes:
      - "The role cell reads ''Early Help and AD, Early Help & Commissioning''."

  - id: "4.7"
    section: C. Complaints
    role: Complaints Manager
    task: Complaints reports (numbers and nature)
    frequency: >-
      Quarterly up to CSCMT level and to Joint Divisional Meeting Annually to SMT, LM and the
      Scrutiny Committee
    purpose: |-
      • Service users'' views of the services they have received
      • Information about how effectively the Complaints procedure is being implemented by managers
      • To improve services and the experience of service users
    by: [Complaints Manager]
    cadences:
      - kind: report
        every: quarter
        to: [CSCMT, Joint Divisional Meeting]
        note: "Up to CSCMT level and to the Joint Divisional Meeting."
      - kind: report
        every: year
        to: [SMT, Lead Member, Scrutiny Committee]

  - id: "4.8"
    section: D. Human Resources Data
    role: AD, Communication, Planning & Performance
    task: >-
      Social care workforce information (recruitment, retention, vacancy, sickness levels,
      disciplinary activity, etc)
    frequency: Monthly to CSCMT Summary Report annually to SMT and lead member as appropriate.
    purpose: |-
      Enables organisation to have early information about and monitor trends in:
      • staff turnover
      • recruitment and retention
      • sickness/absence
      • use of capability/disciplinary measures
      • in order to determine recruitment and retention priorities, realign resources, revisit policies and procedures, if required.
    by: ["AD Communication, Planning and Performance"]
    cadences:
      - kind: report
        every: month
        to: [CSCMT]
      - kind: report
        every: year
        to: [SMT, Lead Member]
        note: "Summary report, as appropriate."

  - id: "4.9"
    section: E. Staff and User Feedback Surveys
    role: AD, Communication, Planning & Performance
    task: >-
      Staff surveys, exit interviews, MORI surveys, etc and semi formal face-to-face events with
      staff
    frequency: Quarterly to CSCMT Annually to SMT and LM
    purpose: |-
      • To hear indirectly and directly from staff qualitative information affecting performance, morale and service quality to determine recruitment and retention priorities
      • To be available and visible
      • To demonstrate what has changed as a result of staff feedback
    by: ["AD Communication, Planning and Performance"]
    cadences:
      - kind: report
        every: quarter
        to: [CSCMT]
      - kind: report
        every: year
        to: [SMT, Lead Member]
    notes:
      - "The surveys, exit interviews and face-to-face events with staff have no frequency of their own."

  - id: "4.10"
    section: E. Staff and User Feedback Surveys
    role: Heads of Service and AD, Communication, Planning & Performance
    task: |-
      User feedback from children and young people or on their behalf:
      • parents
      • carers
      • advocacy services
      • independent visitors
      • IRO service
      • Adoption Service
      • Fostering Service
      • Regulation 33 visits re residential services
    frequency: Annually to CSCMT and Joint Divisional Meetings Annual report to CPP
    purpose: |-
      • To indicate how effectively services are being delivered and are meeting the needs of service users
      • To inform change and improvement to experience of and outcome for the service user
    by: [Head of Service, "AD Communication, Planning and Performance"]
    cadences:
      - kind: report
        every: year
        to: [CSCMT, Joint Divisional Meeting]
      - kind: report
        every: year
        to: [CPP]
        note: "Annual report to CPP."

  - id: "4.11"
    section: F. Inter-Agency Audits via the LSCB
    role: Chair of the LSCB Quality Assurance Sub-Group
    task: |-
      The LSCB will discharge their role in monitoring the quality of the work being undertaken with vulnerable children across agencies:
      • Audit or compliance with requirements of section 11 of the Children Act 2004
      • Quarterly multi-agency audits of five files focusing on the referral and assessment process
      • Quarterly audit of one child with a child protection plan. Audit tool to be used and feedback to be disseminated to heads of service.
      • Multi agency themed audits to be commissioned by steering group and annual programme to be agreed by the LSCB business plan
      • Serious case reviews
    frequency: Quarterly to the LSCB Quality Assurance Sub-Group Annually to SMT and LM
    purpose: ""
    by: [LSCB QA Sub-Group Chair]
    cadences:
      - kind: audit
        every: quarter
        count: 5
        note: "Multi-agency audits of five files focusing on the referral and assessment process."
      - kind: audit
        every: quarter
        copy: [Head of Service]
        note: "Audit of one child with a child protection plan, using the audit tool; feedback disseminated to heads of service."
      - kind: report
        every: quarter
        to: [LSCB QA Sub-Group]
      - kind: report
        every: year
        to: [SMT, Lead Member]
    notes:
      - "The section 11 (Children Act 2004) compliance audit has no frequency."
      - "Multi-agency themed audits are commissioned by the steering group, in an annual programme agreed by the LSCB business plan: not scheduled here."
      - "Serious case reviews happen as cases require: not scheduled."
      - "The multi-agency files are not drawn from one auditor''s caseload, so the audits sample no case here."

  - id: "4.12"
    section: G. Ofsted Inspections, Peer Reviews and Senior Management Responsibilities
    role: Head of Safeguarding
    task: >-
      Action plans arising from serious case reviews, management reviews and inspections of
      services
    frequency: >-
      Updates on action plans to CSCMT and Joint Divisional Meeting as appropriate Reflective
      learning events Annually to SMT and the LSCB
    purpose: >-
      To improve practice in response to child deaths or serious incidents relating to children
    by: [Head of Safeguarding]
    cadences:
      - kind: report
        every: year
        to: [SMT, LSCB]
    notes:
      - "Updates on action plans to CSCMT and the Joint Divisional Meeting ''as appropriate'': no frequency."
      - "Reflective learning events: no frequency."

  - id: "4.13"
    section: G. Ofsted Inspections, Peer Reviews and Senior Management Responsibilities
    role: AD, Safeguarding, Looked After Children and Special Educational Needs
    task: |-
      Peer review: a team led by the AD, and supported by early help ADs as appropriate, conducts a two-day review of both safeguarding and looked after children''s services
      • Case file audit
      • Practitioner discussion
      • Observation
      • User feedback
    frequency: One review per area per annum
    purpose: >-
      Detailed deep-dive peer review, mimicking the Ofsted model to gather assurance about service
      standards and quality from a range of sources
    by: [AD Safeguarding]
    cadences:
      - kind: review
        every: year
        per: area
        note: "Two-day peer review of safeguarding and looked after children''s services (case file audit, practitioner discussion, observation, user feedback), led by the AD and supported by early help ADs as appropriate."

  - id: "4.14"
    section: G. Ofsted Inspections, Peer Reviews and Senior Management Responsibilities
    role: DCS
    task: |-
      Lead focus group discussion with front-line social care and early help managers, with a focus on:
      • capacity
      • demand for services
      • recruitment
      • training
      • locality safeguarding solutions or service developments
      • management and supervision
      • strengths and challenges
    frequency: Annual
    purpose: To gather assurance about service standards
    by: [Director of Children''s Services]
    cadences:
      - kind: meeting
        every: year
        note: "Focus group with front-line social care and early help managers."

  - id: "4.15"
    section: G. Ofsted Inspections, Peer Reviews and Senior Management Responsibilities
    role: DCS
    task: Lead focus group discussion with newly qualified social workers
    frequency: Twice a year
    purpose: >-
      To establish the experiences of newly qualified social workers joining East Sussex County
      Council
    by: [Director of Children''s Services]
    cadences:
      - kind: meeting
        every: half-year
        note: "Focus group with newly qualified social workers."

  - id: "4.16"
    section: G. Ofsted Inspections, Peer Reviews and Senior Management Responsibilities
    role: DCS
    task: >-
      Quarterly performance review to establish the experiences of newly qualified social workers
      joining
    frequency: Quarterly
    purpose: >-
      To gather assurance on performance and outcomes, holding Heads of Service accountable as
      appropriate
    by: [Director of Children''s Services]
    cadences:
      - kind: meeting
        every: quarter
        with: [Head of Service]
        note: "Quarterly performance review, holding Heads of Service accountable as appropriate."

  - id: "4.17"
    section: G. Ofsted Inspections, Peer Reviews and Senior Management Responsibilities
    role: >-
      AD, Safeguarding, Looked After Children and Special Educational Needs and ADs for early help
      services
    task: Lead focus group discussion with front-line social care and early help staff
    frequency: Two focus groups per annum
    purpose: >-
      To gather assurance about practice and service standards and provide opportunities for
      front-line staff to air concerns
    by: [AD Safeguarding, AD Early Help]
    cadences:
      - kind: meeting
        every: half-year
        note: "''Two focus groups per annum'' read as one each half-year: focus group with front-line social care and early help staff."

  - id: "4.18"
    section: G. Ofsted Inspections, Peer Reviews and Senior Management Responsibilities
    role: Principal Social Worker
    task: |-
      Bi-monthly meeting with AD, Safeguarding, Looked After Children and Special Educational Needs
      Twice yearly meeting with DCS
    frequency: 6 times a year with AD Twice a year with DCS
    purpose: To triangulate practice standards and development with strategic management
    by: [Principal Social Worker]
    cadences:
      - kind: meeting
        every: 2 months
        with: [AD Safeguarding]
        note: "Six times a year (bi-monthly) with the AD, Safeguarding, Looked After Children and Special Educational Needs."
      - kind: meeting
        every: half-year
        with: [Director of Children''s Services]

  - id: "5.1"
    section: >-
      Part 5: Identifying and Implementing Changes Required for Improving the Quality of Services
    role: Policy Officer, Audit Officer and Head of Safeguarding
    task: >-
      Review and collate all findings and emerging themes from all social care quality assurance
      activities and produce summary report
    frequency: >-
      Annually to CSCMT, Joint Divisional Meeting, SMT and LM via Scrutiny Committee Annual
      meeting with key service leads to agree issues and targets
    purpose: >-
      To identify and implement changes required in policy, procedures, training and service
      provision
    by: [Policy Officer, Audit Officer, Head of Safeguarding]
    cadences:
      - kind: report
        every: year
        to: [CSCMT, Joint Divisional Meeting, SMT, Lead Member, Scrutiny Committee]
        note: "Summary report of all social care QA findings and themes; to LM via the Scrutiny Committee."
      - kind: meeting
        every: year
        note: "Meeting with key service leads to agree issues and targets."

  - id: "5.2"
    section: >-
      Part 5: Identifying and Implementing Changes Required for Improving the Quality of Services
    role: Early help commissioning support team; other EH managers as required
    task: Review and collate findings from early help quality assurance activities
    frequency: Annual review to Joint Divisional Meeting and SMT
    purpose: ""
    by: [Early Help Commissioning Support]
    cadences:
      - kind: report
        every: year
        to: [Joint Divisional Meeting, SMT]
        note: "Annual review of early help QA findings."
    notes:
      - "Other EH managers join ''as required'': not scheduled."
','2026-12-02 08:07:19.207333');
CREATE TABLE meta (
	"key" VARCHAR(100) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "meta" VALUES('org_version','1');
CREATE TABLE obligations (
	id VARCHAR(40) NOT NULL, 
	framework VARCHAR(100) NOT NULL, 
	"row" VARCHAR(50) NOT NULL, 
	cadence INTEGER NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	title TEXT NOT NULL, 
	assignee VARCHAR(100), 
	subject_kind VARCHAR(20) NOT NULL, 
	subject VARCHAR(200) NOT NULL, 
	case_ref VARCHAR(64), 
	team VARCHAR(100), 
	period_start DATE NOT NULL, 
	period_end DATE NOT NULL, 
	due DATE NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	status_reason TEXT, 
	cause VARCHAR(40), 
	seq INTEGER NOT NULL, 
	sequence INTEGER NOT NULL, 
	escalated INTEGER NOT NULL, 
	sample_reason TEXT, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "obligations" VALUES('fbf81c225b8374c8','east-sussex-2013','2.2',0,'report','Report to Operations Manager — 2.2 Looked after children placements','P1','assignee','P1',NULL,NULL,'2024-04-01','2024-04-30','2024-04-30','open',NULL,NULL,0,0,1,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('3d4844634f4a7e93','east-sussex-2013','3.14',0,'audit','Audit a case of team Hastings Child in Need — 3.14 Deep-dive audit using CareFirst audit record. Document summary of…','P2','team','T1',NULL,'T1','2024-04-01','2024-04-30','2024-04-30','waived','no open case for team Hastings Child in Need on 2024-04-01',NULL,0,0,-2,'no open case for team Hastings Child in Need on 2024-04-01','2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('0707caacb3e0a47e','east-sussex-2013','3.16',0,'audit','Audit a case of Dev Patel — 3.16 Practice Managers will complete supervision case file audit using the…','P3','worker','P4',NULL,'T1','2024-04-01','2024-04-30','2024-04-30','waived','no open case for worker Dev Patel on 2024-04-01',NULL,0,0,-2,'no open case for worker Dev Patel on 2024-04-01','2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('43c3413bb3ef3a09','east-sussex-2013','3.16',0,'audit','Audit a case of Ella Ford — 3.16 Practice Managers will complete supervision case file audit using the…','P3','worker','P5',NULL,'T1','2024-04-01','2024-04-30','2024-04-30','waived','no open case for worker Ella Ford on 2024-04-01',NULL,0,0,-2,'no open case for worker Ella Ford on 2024-04-01','2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('ba2c71b67296b683','east-sussex-2013','2.2',0,'report','Report to Operations Manager — 2.2 Looked after children placements','P1','assignee','P1',NULL,NULL,'2024-05-01','2024-05-31','2024-05-31','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('2bde31e1f9d12c42','east-sussex-2013','3.14',0,'audit','Audit a case of team Hastings Child in Need — 3.14 Deep-dive audit using CareFirst audit record. Document summary of…','P2','team','T1',NULL,'T1','2024-05-01','2024-05-31','2024-05-31','waived','no open case for team Hastings Child in Need on 2024-05-01',NULL,0,1,-2,'no open case for team Hastings Child in Need on 2024-05-01','2026-12-02 08:07:24.308445','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('b4df4a0d147cbbbf','east-sussex-2013','3.16',0,'audit','Audit a case of Ella Ford — 3.16 Practice Managers will complete supervision case file audit using the…','P3','worker','P5',NULL,'T1','2024-05-01','2024-05-31','2024-05-31','waived','no open case for worker Ella Ford on 2024-05-01',NULL,0,1,-2,'no open case for worker Ella Ford on 2024-05-01','2026-12-02 08:07:24.308445','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('b689d4179cda9b95','east-sussex-2013','3.16',0,'audit','Audit a case of Dev Patel — 3.16 Practice Managers will complete supervision case file audit using the…','P3','worker','P4',NULL,'T1','2024-05-01','2024-05-31','2024-05-31','waived','no open case for worker Dev Patel on 2024-05-01',NULL,0,1,-2,'no open case for worker Dev Patel on 2024-05-01','2026-12-02 08:07:24.308445','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('75e40d6c6876f2e6','east-sussex-2013','1.5',0,'visit','Visit — 1.5 The DCS should have direct experience of front-line practice by…','P1','assignee','P1',NULL,NULL,'2024-04-01','2024-06-30','2024-06-28','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('872e11136daad440','east-sussex-2013','2.1',0,'report','Report to SMT — 2.1 Family support services','P1','assignee','P1',NULL,NULL,'2024-04-01','2024-06-30','2024-06-28','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('0f7239fbd6533f27','east-sussex-2013','2.2',1,'report','Report to CPP — 2.2 Looked after children placements','P1','assignee','P1',NULL,NULL,'2024-04-01','2024-06-30','2024-06-28','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('39356227ea7e1a2b','east-sussex-2013','3.14',1,'report','Report to Head of Service — 3.14 Deep-dive audit using CareFirst audit record. Document summary of…','P2','assignee','P2',NULL,'T1','2024-04-01','2024-06-30','2024-06-28','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('1af3757f71cc7dae','east-sussex-2013','3.15',1,'report','Report to Head of Service — 3.15 Off-line (peer) deep-dive audit using CareFirst audit record.…','P2','assignee','P2',NULL,'T1','2024-04-01','2024-06-30','2024-06-28','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('ff051c611d6491c5','east-sussex-2013','3.15',0,'audit','Audit a case of team Bexhill Early Help — 3.15 Off-line (peer) deep-dive audit using CareFirst audit record.…','P2','team','T2',NULL,'T2','2024-04-01','2024-06-30','2024-06-28','waived','no open case for team Bexhill Early Help on 2024-04-01',NULL,0,0,-2,'no open case for team Bexhill Early Help on 2024-04-01','2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('7bb6d3576bad434a','east-sussex-2013','4.16',0,'meeting','Meeting with Head of Service — 4.16 Quarterly performance review to establish the experiences of newly…','P1','assignee','P1',NULL,NULL,'2024-04-01','2024-06-30','2024-06-28','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('1e14b3fbc5de64b8','east-sussex-2013','4.5',0,'audit','Audit — 4.5 Themed file audit','P1','assignee','P1',NULL,NULL,'2024-04-01','2024-06-30','2024-06-28','done',NULL,NULL,0,1,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:43.068651');
INSERT INTO "obligations" VALUES('69f9f8e79b5cce44','east-sussex-2013','2.2',2,'report','Report to SMT — 2.2 Looked after children placements','P1','assignee','P1',NULL,NULL,'2024-04-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('e2dc69e6a0acbc02','east-sussex-2013','2.3',0,'task','Task — 2.3 Contract monitoring information (residential placements including…','P1','assignee','P1',NULL,NULL,'2024-04-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('4638a60a74743e44','east-sussex-2013','4.15',0,'meeting','Meeting — 4.15 Lead focus group discussion with newly qualified social workers','P1','assignee','P1',NULL,NULL,'2024-04-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('fe216b3ae83db97b','east-sussex-2013','2.2',3,'report','Report to Lead Member — 2.2 Looked after children placements','P1','assignee','P1',NULL,NULL,'2024-04-01','2025-03-31','2025-03-31','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('ed2687a98f4b23a5','east-sussex-2013','2.3',1,'report','Report to CPP — 2.3 Contract monitoring information (residential placements including…','P1','assignee','P1',NULL,NULL,'2024-04-01','2025-03-31','2025-03-31','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('5100f21353c0e497','east-sussex-2013','2.4',0,'report','Report to CPP, Lead Member — 2.4 Fostering Service report','P1','assignee','P1',NULL,NULL,'2024-04-01','2025-03-31','2025-03-31','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('27c17420a0216a3c','east-sussex-2013','2.5',0,'report','Report to CPP, Lead Member — 2.5 Adoption Service and Adoption Support Services information','P1','assignee','P1',NULL,NULL,'2024-04-01','2025-03-31','2025-03-31','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('26352adb54da64b9','east-sussex-2013','3.3',0,'audit','Audit — 3.3 Audit of Practice Manager supervision records using the supervision…','P2','worker','P3',NULL,'T1','2024-04-01','2025-03-31','2025-03-31','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('5350f83363f0742f','east-sussex-2013','3.4',0,'report','Report to CSCMT — 3.4 Quantitative and qualitative audits of staff supervision','P2','assignee','P2',NULL,'T1','2024-04-01','2025-03-31','2025-03-31','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('216e1ee7534f1124','east-sussex-2013','4.14',0,'meeting','Meeting — 4.14 Lead focus group discussion with front-line social care and early…','P1','assignee','P1',NULL,NULL,'2024-04-01','2025-03-31','2025-03-31','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:24.308445','2026-12-02 08:07:24.308445');
INSERT INTO "obligations" VALUES('2d1515147be0eb14','east-sussex-2013','2.2',0,'report','Report to Operations Manager — 2.2 Looked after children placements','P1','assignee','P1',NULL,NULL,'2024-06-01','2024-06-30','2024-06-28','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('766523ba0cf87a95','east-sussex-2013','3.14',0,'audit','Audit a case of team Hastings Child in Need — 3.14 Deep-dive audit using CareFirst audit record. Document summary of…','P2','team','T1',NULL,'T1','2024-06-01','2024-06-30','2024-06-28','waived','no open case for team Hastings Child in Need on 2024-06-01',NULL,0,1,-2,'no open case for team Hastings Child in Need on 2024-06-01','2026-12-02 08:07:29.536741','2026-12-02 08:07:44.034151');
INSERT INTO "obligations" VALUES('1988c5af1b319338','east-sussex-2013','3.16',0,'audit','Audit a case of Dev Patel — 3.16 Practice Managers will complete supervision case file audit using the…','P3','worker','P4',NULL,'T1','2024-06-01','2024-06-30','2024-06-28','waived','no open case for worker Dev Patel on 2024-06-01',NULL,0,1,-2,'no open case for worker Dev Patel on 2024-06-01','2026-12-02 08:07:29.536741','2026-12-02 08:07:44.034151');
INSERT INTO "obligations" VALUES('37b5ac8535077586','east-sussex-2013','3.16',0,'audit','Audit a case of Ella Ford — 3.16 Practice Managers will complete supervision case file audit using the…','P3','worker','P5',NULL,'T1','2024-06-01','2024-06-30','2024-06-28','waived','no open case for worker Ella Ford on 2024-06-01',NULL,0,1,-2,'no open case for worker Ella Ford on 2024-06-01','2026-12-02 08:07:29.536741','2026-12-02 08:07:44.034151');
INSERT INTO "obligations" VALUES('f19c304015da6285','east-sussex-2013','2.2',0,'report','Report to Operations Manager — 2.2 Looked after children placements','P1','assignee','P1',NULL,NULL,'2024-07-01','2024-07-31','2024-07-31','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('ff2c731fd11f38c7','east-sussex-2013','3.14',0,'audit','Audit a case of team Hastings Child in Need — 3.14 Deep-dive audit using CareFirst audit record. Document summary of…','P2','team','T1',NULL,'T1','2024-07-01','2024-07-31','2024-07-31','open',NULL,NULL,0,0,-2,'a case is chosen when the period starts on 2024-07-01','2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('305113d230fe8eea','east-sussex-2013','3.16',0,'audit','Audit a case of Ella Ford — 3.16 Practice Managers will complete supervision case file audit using the…','P3','worker','P5',NULL,'T1','2024-07-01','2024-07-31','2024-07-31','open',NULL,NULL,0,0,-2,'a case is chosen when the period starts on 2024-07-01','2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('819beb9204855649','east-sussex-2013','3.16',0,'audit','Audit a case of Dev Patel — 3.16 Practice Managers will complete supervision case file audit using the…','P3','worker','P4',NULL,'T1','2024-07-01','2024-07-31','2024-07-31','open',NULL,NULL,0,0,-2,'a case is chosen when the period starts on 2024-07-01','2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('1b4486d8c09ccdc7','east-sussex-2013','2.2',0,'report','Report to Operations Manager — 2.2 Looked after children placements','P1','assignee','P1',NULL,NULL,'2024-08-01','2024-08-31','2024-08-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('bc8dcd2124631f43','east-sussex-2013','3.14',0,'audit','Audit a case of team Hastings Child in Need — 3.14 Deep-dive audit using CareFirst audit record. Document summary of…','P2','team','T1',NULL,'T1','2024-08-01','2024-08-31','2024-08-30','open',NULL,NULL,0,0,-2,'a case is chosen when the period starts on 2024-08-01','2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('43379638c777656c','east-sussex-2013','3.16',0,'audit','Audit a case of Ella Ford — 3.16 Practice Managers will complete supervision case file audit using the…','P3','worker','P5',NULL,'T1','2024-08-01','2024-08-31','2024-08-30','open',NULL,NULL,0,0,-2,'a case is chosen when the period starts on 2024-08-01','2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('8d0027e778db227f','east-sussex-2013','3.16',0,'audit','Audit a case of Dev Patel — 3.16 Practice Managers will complete supervision case file audit using the…','P3','worker','P4',NULL,'T1','2024-08-01','2024-08-31','2024-08-30','open',NULL,NULL,0,0,-2,'a case is chosen when the period starts on 2024-08-01','2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('bcfbc1935263d339','east-sussex-2013','1.5',0,'visit','Visit — 1.5 The DCS should have direct experience of front-line practice by…','P1','assignee','P1',NULL,NULL,'2024-07-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('093e31ae616670a4','east-sussex-2013','2.1',0,'report','Report to SMT — 2.1 Family support services','P1','assignee','P1',NULL,NULL,'2024-07-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('1cc1e87639c80650','east-sussex-2013','2.2',1,'report','Report to CPP — 2.2 Looked after children placements','P1','assignee','P1',NULL,NULL,'2024-07-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('237a6ab0a85d75f0','east-sussex-2013','3.14',1,'report','Report to Head of Service — 3.14 Deep-dive audit using CareFirst audit record. Document summary of…','P2','assignee','P2',NULL,'T1','2024-07-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('08475dec3dc48c4c','east-sussex-2013','3.15',1,'report','Report to Head of Service — 3.15 Off-line (peer) deep-dive audit using CareFirst audit record.…','P2','assignee','P2',NULL,'T1','2024-07-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('594f68ee2674bc5e','east-sussex-2013','3.15',0,'audit','Audit a case of team Bexhill Early Help — 3.15 Off-line (peer) deep-dive audit using CareFirst audit record.…','P2','team','T2',NULL,'T2','2024-07-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,'a case is chosen when the period starts on 2024-07-01','2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('2d6c194090deb5bb','east-sussex-2013','4.16',0,'meeting','Meeting with Head of Service — 4.16 Quarterly performance review to establish the experiences of newly…','P1','assignee','P1',NULL,NULL,'2024-07-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
INSERT INTO "obligations" VALUES('3e5400e939aaa517','east-sussex-2013','4.5',0,'audit','Audit — 4.5 Themed file audit','P1','assignee','P1',NULL,NULL,'2024-07-01','2024-09-30','2024-09-30','open',NULL,NULL,0,0,-2,NULL,'2026-12-02 08:07:29.536741','2026-12-02 08:07:29.536741');
CREATE TABLE outbox (
	id INTEGER NOT NULL, 
	"key" VARCHAR(200) NOT NULL, 
	recipient VARCHAR(100), 
	recipient_email TEXT NOT NULL, 
	subject TEXT NOT NULL, 
	body_text TEXT NOT NULL, 
	body_html TEXT NOT NULL, 
	reason VARCHAR(40) NOT NULL, 
	cause VARCHAR(40), 
	digest BOOLEAN NOT NULL, 
	digest_key VARCHAR(200), 
	status VARCHAR(20) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	claimed_by VARCHAR(100), 
	claimed_until DATETIME, 
	created_at DATETIME NOT NULL, 
	sent_at DATETIME, 
	last_error TEXT, 
	PRIMARY KEY (id), 
	UNIQUE ("key")
);
INSERT INTO "outbox" VALUES(1,'esc/fbf81c225b8374c8/0','P1','alice.harper@example-council.gov.uk','Overdue: Report to Operations Manager — 2.2 Looked after children placements','Dear Alice Harper,

This is overdue by 8 working days (due 2024-04-30).
Work: Report to Operations Manager — 2.2 Looked after children placements
Assigned to: Alice Harper
Framework row: 2.2 (Quality Assurance in Children''s Social Care and Early Help Services)
Obligation: fbf81c225b8374c8

qaf — quality assurance schedule','','overdue','fbf81c225b8374c8',1,'digest/P1/2024-05-13','digested',0,'1970-01-01 00:00:00.000000',NULL,NULL,'2024-05-13 05:00:00.000000',NULL,NULL);
INSERT INTO "outbox" VALUES(2,'digest/P1/2024-05-13','P1','alice.harper@example-council.gov.uk','qaf daily digest for 2024-05-13: 1 item','Dear Alice Harper,

1 item for your attention: overdue 1

- Overdue: Report to Operations Manager — 2.2 Looked after children placements

In full:

* Overdue: Report to Operations Manager — 2.2 Looked after children placements
  This is overdue by 8 working days (due 2024-04-30).
  Work: Report to Operations Manager — 2.2 Looked after children placements
  Assigned to: Alice Harper
  Framework row: 2.2 (Quality Assurance in Children''s Social Care and Early Help Services)
  Obligation: fbf81c225b8374c8


qaf — quality assurance schedule','','digest',NULL,0,NULL,'pending',0,'1970-01-01 00:00:00.000000',NULL,NULL,'2024-05-13 05:00:00.000000',NULL,NULL);
CREATE TABLE outcomes (
	obligation VARCHAR(40) NOT NULL, 
	grade VARCHAR(40), 
	concerns BOOLEAN NOT NULL, 
	areas JSON NOT NULL, 
	"by" VARCHAR(100), 
	audit_date DATE NOT NULL, 
	notes TEXT, 
	contested BOOLEAN NOT NULL, 
	moderated_grade VARCHAR(40), 
	moderated_by VARCHAR(100), 
	moderated_on DATE, 
	signoff_by VARCHAR(100), 
	signoff_on DATE, 
	recorded_at DATETIME NOT NULL, 
	PRIMARY KEY (obligation)
);
INSERT INTO "outcomes" VALUES('1e14b3fbc5de64b8','good',0,'{}','P1','2024-05-10',NULL,0,NULL,NULL,NULL,NULL,NULL,'2026-12-02 08:07:43.067307');
CREATE TABLE people (
	id VARCHAR(100) NOT NULL, 
	name TEXT NOT NULL, 
	email TEXT NOT NULL, 
	roles TEXT NOT NULL, 
	team VARCHAR(100), 
	manager VARCHAR(100), 
	start DATE, 
	"end" DATE, 
	present BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "people" VALUES('P1','Alice Harper','alice.harper@example-council.gov.uk','DCS',NULL,NULL,'2015-01-05',NULL,1);
INSERT INTO "people" VALUES('P2','Ben Cole','ben.cole@example-council.gov.uk','OMs;Moderator','T1','P1','2018-03-01',NULL,1);
INSERT INTO "people" VALUES('P3','Cara Dunn','cara.dunn@example-council.gov.uk','Practice Manager','T1','P2','2019-04-01',NULL,1);
INSERT INTO "people" VALUES('P4','Dev Patel','dev.patel@example-council.gov.uk','Social Worker','T1','P3','2021-09-01',NULL,1);
INSERT INTO "people" VALUES('P5','Ella Ford','ella.ford@example-council.gov.uk','Social Worker','T1','P3','2022-02-01','2026-06-30',1);
CREATE TABLE rules (
	framework VARCHAR(100) NOT NULL, 
	"row" VARCHAR(50) NOT NULL, 
	position INTEGER NOT NULL, 
	role TEXT NOT NULL, 
	task TEXT NOT NULL, 
	frequency TEXT NOT NULL, 
	purpose TEXT NOT NULL, 
	schedulable BOOLEAN NOT NULL, 
	reason TEXT, 
	cadences INTEGER NOT NULL, 
	triggers INTEGER NOT NULL, 
	PRIMARY KEY (framework, "row")
);
INSERT INTO "rules" VALUES('east-sussex-2013','1.1',0,'Responsibilities of the Lead Member (LM) and the Director of Children''s Services (DCS)','The Children Act 2004 requires every upper tier local authority to appoint a DCS and designate an LM
The DCS and LM should both have an integrated Children''s Services brief, ensuring that the safety and educational, social and emotional needs of children and young people are central to the local vision. Between them, the DCS and LM provide a clear and unambiguous line of local accountability.','Statutory responsibility for Children''s Services','The DCS and LM are appointed for the purposes of discharging the education and children''s social care functions of the local authority. This includes, but is not limited to, responsibility for children and young people receiving education or children''s social care services in their area and all children looked after by the local authority or in custody (regardless of where they are placed).',0,'statutory responsibility, no frequency (''Statutory responsibility for Children''s Services'')',0,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.2',1,'Responsibilities of the LM and DCS','The LM has political responsibility for Children''s Services; the DCS has professional responsibility for Children''s Services, including operational matters
Reporting through the Corporate Management Team (CMT), Cabinet, Scrutiny Committee, Children''s Services Senior Management Team (SMT), Children and Young People''s Trust Executive Group (CYPTeg), Corporate Parenting Panel(CPP) and the LSCB','As defined by individual meeting frequency','Together with the Chief Executive and the Leader of the Council, the LM and DCS have a key leadership role, both within the local authority and working with other local agencies, to improve outcomes for children and young people.
Responsibility to ensure critical information is shared within East Sussex County Council and with external partners.',0,'reporting follows each body''s own meeting calendar (''As defined by individual meeting frequency''), which the framework does not give',0,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.3',2,'Responsibilities of the LM and DCS','Given the breadth and importance of Children''s Services functions that the LM and DCS cover, local authorities should give due consideration to protecting the discrete roles and responsibilities of the LM and DCS before allocating to them any additional functions other than Children''s Services.','','Department of Education guidance: To achieve clear senior leadership understanding and focus of purpose on accountabilities and outcomes for children in need and safeguarding.',0,'no frequency: guidance on protecting the LM and DCS roles, not a recurring task',0,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.4',3,'Responsibilities of the DCS','The DCS is accountable and responsible for ensuring the Chief Executive and lead members are briefed on the quality of the services and any potential vulnerability.','As required and in line with meeting frequency','To achieve clear senior leadership understanding and focus of purpose on accountabilities and outcomes for children in need and safeguarding.
To monitor performance, practice, decision-making and outcomes',0,'as required, in line with the meeting frequency of the bodies briefed, which the framework does not give',0,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.5',4,'Responsibilities of the DCS','The DCS should have direct experience of front-line practice by practice observation and meeting with front-line social care staff and managers.','Quarterly','To gain insight of the experience of front-line practitioners',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.6',5,'Chief Executive','Monitoring via one-to-one meetings with the DCS and quarterly performance reviews','Monthly monitoring Quarterly review','To maintain an overview of service and performance issues',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.7',6,'Chief Executive','Six-monthly meeting with the DCS and senior manager for children''s social care to focus on service outcomes, pressures, quality issues; every 12 months, this meeting will also include Assistant Directors (ADs) for early help services and will review data in relation to early help as well as social care.','Twice a year','Detailed discussion to reflect accountabilities for outcomes for children in need of protection and safeguarding',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.8',7,'Chief Executive','Annual focus group with front-line social care and early help workers and managers to review service issues, pressures, outcomes and good practice examples','Annual','To hear from front-line staff about what works and where improvement is needed, etc.',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.9',8,'Elected Members','Monitor performance via the Cabinet, CPP and the Scrutiny Committee','Quarterly to cabinet and CPP Annually to Scrutiny Committee','To monitor performance, practice, decision-making and outcomes',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.10',9,'Elected Members','Quality assurance via Fostering and Adoption Panels','Monthly Panel meetings','To monitor performance, practice, decision-making and outcomes',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.11',10,'Elected Members','Visits to children''s homes','Monthly visiting rota','To meet young people and discuss and monitor the care they receive',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.12',11,'Elected Members','Visits to social work and early help teams','Quarterly (twice a year for early help teams)','To meet and review practice pressures and issues with front-line staff',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','1.13',12,'LSCB Chair','Meeting with the Chief Executive and the DCS','Twice a year','To maintain overview of LSCB priorities and local authority accountability',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','2.1',13,'CSCMT DCS and for information to SMT','Family support services
Monitoring effectiveness of contracts to provide family support services to children in need','Quarterly monitoring to SMT via contract monitoring process or service level agreements','Whether services commissioned:
are impacting on priority outcomes
are meeting quality standards, e.g. safer workforce)
provide value for money',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','2.2',14,'Managers at all levels up to CSCMT SMT CPP LM','Looked after children placements
Capacity/usage of internal and external placements for looked after children','Monthly for operational managers Quarterly to CPP Bi-annually for SMT At least annually to LM with more frequent monitoring and reporting through the budget monitoring process','Informs:
strategic planning for looked after children and children in need
placement strategy
recruitment, commissioning and joint commissioning of fostering and residential placements.
re trends of placements being made outside local authority boundaries',1,NULL,4,0);
INSERT INTO "rules" VALUES('east-sussex-2013','2.3',15,'CSCMT','Contract monitoring information (residential placements including short breaks and adoption)
Qualitative and financial information','Bi-annual monitoring at minimum Annual report to CPP','To monitor:
usage
organisational standards including standing orders and contracting rules
value for money
trends',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','2.4',16,'CSCMT, DCS and for information to SMT, CPP and LM','Fostering Service report','Requirement for elected members to review updates and modify the Statement of Purpose at least annually and to formally approve it. Annual report and Statement of Purpose to CPP and LM','To ensure;
compliance with standards and regulations
that recommendations from previous inspections are being acted on
that service users’ views are heard and are affecting service improvement',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','2.5',17,'CSCMT, DCS and for information to SMT, CPP, LM','Adoption Service and Adoption Support Services information','Annually to include modifications to statement of purpose To CPP and LM','To ensure:
• compliance with standards and regulations
• that recommendations from previous inspections are being acted upon
• that service users'' views are heard and are affecting service improvement',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.1',18,'AD, Safeguarding, Looked After Children and Special Educational Needs','Audit of Head of Service supervision records','Annually','Quality assurance of supervision',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.2',19,'Heads of Service, Children’s Social Care','Audit of Operations Manager supervision records using the supervision audit tool; summary to be forwarded to the Head of Safeguarding','Annually','To quality assure supervision standards against the supervision policy. Focusing on frequency, whether decisions made are recorded with a rationale, and whether supervision develops staff and improves practice by providing challenge and support to deliver organisational priorities.',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.3',20,'OMs, Children’s Social Care','Audit of Practice Manager supervision records using the supervision audit tool; summary to be forwarded to Head of Service. If concerns are identified then this to be copied to the Head of Safeguarding','Annually','To quality assure supervision standards, e.g. whether supervision is happening at the right frequency, whether decisions made are recorded and rationale provided. Considers whether supervision develops staff and improves practice by providing challenge and support to deliver organisational priorities.',1,NULL,1,1);
INSERT INTO "rules" VALUES('east-sussex-2013','3.4',21,'Operations Managers, Children’s Social Care and CSCMT','Quantitative and qualitative audits of staff supervision','Annually to CSCMT To LSCB as appropriate','To quality assure supervision standards, e.g. whether supervision is happening at the right frequency, whether decisions made are recorded, etc, and that it develops staff and improves practice by providing challenge and support to deliver to organisational priorities.',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.5',22,'Safeguarding Manager','Messages from reviews of looked after children (Independent Reviewing Officers (IRO) reports), including feedback from children and young people','Bi-annually to CSCMT, and onwards as appropriate CPP Annually to LM and DCS','To:
confirm compliance with standards.
identify emerging themes, both positive and negative
improve performance and outcomes for looked after children
hear views of children and young people and evidence where action is taken in response to those views',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.6',23,'Safeguarding Manager','Child protection chairs'' quality assurance feedback','Biannually to CSCMT Annually to Lead Member and DCS','Qualitative and quantitative information about activity, adherence to quality standards and timescales, quality of planning, preparation and reporting. Emerging practice issues requiring attention',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.7',24,'Safeguarding Manager','Quarterly monitoring reports on child protection and looked after children','Quarterly to CSCMT and LSCB','Set out the extent to which practice standards and statutory requirements have been adhered to',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.8',25,'Child Protection Advisors (CPAs) and IROs','Deep-dive audit of one casefile to be selected from CPA or IRO''s workload','One file per month','To ensure quality of practice and compliance with statutory requirements',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.9',26,'Safeguarding Manager','Deep-dive audit of one case for each IRO and CPA','Quarterly to Head of Service Action plan to CSCMT','To ensure quality of practice and consistency of decision making',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.10',27,'Head of Service, Locality Social Work and Family Assessment','Private Fostering Report','Annually for consideration by the DCS. Annually to the Chair of the LSCB and CSCMT','To ensure compliance with standards and regulations
To evaluate the outcomes of the local authority''s work in relation to privately fostered children within its area
To monitor progress in responding to any recommendations following Inspection
The LSCB satisfies itself that the welfare of privately fostered children in its area is satisfactorily safeguarded and promoted, including how it co-operates with other agencies in this connection.',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.11',28,'Chair of Panel','Feedback from chairs of the Fostering and Adoption Panels','Annually to CSCMT Three times a year to agency decision maker.','Qualitative and quantitative information about activity, adherence to quality standards and timescales, quality of planning, preparation and reporting. Emerging practice issues requiring attention',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.12',29,'Heads of Service, Children''s Social Care','Results, recommendations and action plans arising from routine, regular case record checks','Quarterly to CSCMT Annually to DCS & for information to SMT and Lead Member To CSCMT and, in some cases, to the LSCB where audits have relevance to safeguarding or child protection practice.','To identify:
whether quality standards relating to practice are being met
shortfalls/inconsistencies in practice, both in the organisation and in partner agencies
whether appropriate action is taken to correct or improve practice
to influence change to policy or procedures where this is required
to ensure that any identified training needs are responded to
to ensure that any workforce issues are identified and responded to',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.13',30,'Heads of Service, Children''s Social Care','Off-line (peer) deep dive audit using case file audit tool','One case file quarterly for each team in a different service.','• Report to CSCMT to influence change to policy or procedures where this is required
• To ensure appropriate response to any identified training needs.
• To ensure appropriate response to any identified workforce issues.',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.14',31,'Operations Managers, Children''s Social Care','Deep-dive audit using CareFirst audit record. Document summary of each team''s findings on Operations Manager feedback tool and present to Head of Service','One case file for each team per month within their service. If the audit identifies significant concerns then a further two files to be audited from that particular team.','Report quarterly to the Head of Service on key themes and action to be taken to reinforce and share good practice and address poor performance. Head of Service should randomly scrutinise a sample of these cases to ensure audit standards. (To be copied to Head of Safeguarding)',1,NULL,3,1);
INSERT INTO "rules" VALUES('east-sussex-2013','3.15',32,'Operations Managers, Children''s Social Care','Off-line (peer) deep-dive audit using CareFirst audit record. Document summary of each team''s findings on Operations Manager Feedback Summary which is to be shared with relevant Head of Service.','One case file quarterly for each team in a different service.','Report to the Head of Service responsible for the team on key themes and action to be taken to reinforce and share good practice and address poor performance. (To be copied to Head of Safeguarding)',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','3.16',33,'Practice Managers, Children''s Social Care','Practice Managers will complete supervision case file audit using the CareFirst audit record','One case per month for each worker. If audit reveals significant concerns then a further two files from the same worker should be reviewed. Alert Operations Manager at this point. In addition, the file of concern must be reviewed within three months ensuring that the recommendations regarding safe care planning have been actioned.','Review the management of the case in line with practice standards. This includes focusing on quality of assessment, planning, analysis, decision-making, evidence of multi-disciplinary activity and working in partnership with families and consideration of children''s wishes and feelings. In particular, consideration should be given to compliance with statutory requirements. Feedback to worker with recommendations regarding case planning and performance improvement if required.',1,NULL,1,1);
INSERT INTO "rules" VALUES('east-sussex-2013','4.1',34,'Manager, Planning and Performance Team','National and locally-agreed performance data set','Monthly to team/unit managers and CSCMT Bi-annually to Joint Divisional Meeting, SMT and LM Biannually to Chair of LSCB','Current performance in order to:
• identify performance issues in specific teams
• support improvement or facilitate change in practice
• set targets and identify priorities for performance improvement
• inform strategy',1,NULL,3,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.2',35,'All managers up to CSCMT Early Help, Heads of Service SMT CMT LM','Budget monitoring','Monthly by team and unit managers, Joint Divisional Meeting and SMT','• To ensure performance is achieved within budget or that budget realignment can take place to reflect changing demand or reprioritising
• To inform decision-making on resource allocation
• To inform decision-making on income policies, grant applications, contracting and commissioning etc',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.3',36,'Head of Safeguarding','Results, recommendations and action plans arising from specifically commissioned or themed case records or practice audits of children within or on the edge of the child protection system.','Quarterly to CSCMT after audit (with reports to early help ADs as appropriate) Annually to SMT and LM via Scrutiny Committee','To identify:
• whether child protection standards are being met
• shortfalls or inconsistencies in practice
• what action needs to be or has been taken correct or improve practice.
• where changes to policy or procedures may be required
• any training needs are responded to
• whether there are workforce issues which need to be responded to
• to assure SMT of the ability of departmental child protection services to respond to new requirements or standards in a timely manner',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.4',37,'Head of Safeguarding','Regulation 33 (Children’s Home Regulations 2001) monthly visit findings and recommendations','Quarterly to CPP and LM Monthly reports sent to Ofsted','To determine whether:
• looked after children are receiving good quality care from in-house provision
• the organisation is compliant with Regulations and standards',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.5',38,'CSCMT','Themed file audit
Each audit to be developed in accordance with the area being focused on by Head of Safeguarding','Quarterly','• To understand quality of practice and look at shortfalls or inconsistencies in practice
• To consider what action needs to be or has been taken to correct or improve practice
• To consider what changes to policy or procedures may be required
• To consider what training needs have to be addressed as well as wider workforce issues',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.6',39,'Early Help and AD, Early Help & Commissioning','Each audit to be developed in accordance with the area being focused on by the AD','Quarterly','• To understand quality of practice and look at shortfalls or inconsistencies in practice
• To consider what action needs to be or has been taken to correct or improve practice
• To consider what changes to policy or procedures may be required
• To consider what training needs have to be addressed as well as wider workforce issues',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.7',40,'Complaints Manager','Complaints reports (numbers and nature)','Quarterly up to CSCMT level and to Joint Divisional Meeting Annually to SMT, LM and the Scrutiny Committee','• Service users'' views of the services they have received
• Information about how effectively the Complaints procedure is being implemented by managers
• To improve services and the experience of service users',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.8',41,'AD, Communication, Planning & Performance','Social care workforce information (recruitment, retention, vacancy, sickness levels, disciplinary activity, etc)','Monthly to CSCMT Summary Report annually to SMT and lead member as appropriate.','Enables organisation to have early information about and monitor trends in:
• staff turnover
• recruitment and retention
• sickness/absence
• use of capability/disciplinary measures
• in order to determine recruitment and retention priorities, realign resources, revisit policies and procedures, if required.',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.9',42,'AD, Communication, Planning & Performance','Staff surveys, exit interviews, MORI surveys, etc and semi formal face-to-face events with staff','Quarterly to CSCMT Annually to SMT and LM','• To hear indirectly and directly from staff qualitative information affecting performance, morale and service quality to determine recruitment and retention priorities
• To be available and visible
• To demonstrate what has changed as a result of staff feedback',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.10',43,'Heads of Service and AD, Communication, Planning & Performance','User feedback from children and young people or on their behalf:
• parents
• carers
• advocacy services
• independent visitors
• IRO service
• Adoption Service
• Fostering Service
• Regulation 33 visits re residential services','Annually to CSCMT and Joint Divisional Meetings Annual report to CPP','• To indicate how effectively services are being delivered and are meeting the needs of service users
• To inform change and improvement to experience of and outcome for the service user',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.11',44,'Chair of the LSCB Quality Assurance Sub-Group','The LSCB will discharge their role in monitoring the quality of the work being undertaken with vulnerable children across agencies:
• Audit or compliance with requirements of section 11 of the Children Act 2004
• Quarterly multi-agency audits of five files focusing on the referral and assessment process
• Quarterly audit of one child with a child protection plan. Audit tool to be used and feedback to be disseminated to heads of service.
• Multi agency themed audits to be commissioned by steering group and annual programme to be agreed by the LSCB business plan
• Serious case reviews','Quarterly to the LSCB Quality Assurance Sub-Group Annually to SMT and LM','',1,NULL,4,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.12',45,'Head of Safeguarding','Action plans arising from serious case reviews, management reviews and inspections of services','Updates on action plans to CSCMT and Joint Divisional Meeting as appropriate Reflective learning events Annually to SMT and the LSCB','To improve practice in response to child deaths or serious incidents relating to children',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.13',46,'AD, Safeguarding, Looked After Children and Special Educational Needs','Peer review: a team led by the AD, and supported by early help ADs as appropriate, conducts a two-day review of both safeguarding and looked after children''s services
• Case file audit
• Practitioner discussion
• Observation
• User feedback','One review per area per annum','Detailed deep-dive peer review, mimicking the Ofsted model to gather assurance about service standards and quality from a range of sources',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.14',47,'DCS','Lead focus group discussion with front-line social care and early help managers, with a focus on:
• capacity
• demand for services
• recruitment
• training
• locality safeguarding solutions or service developments
• management and supervision
• strengths and challenges','Annual','To gather assurance about service standards',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.15',48,'DCS','Lead focus group discussion with newly qualified social workers','Twice a year','To establish the experiences of newly qualified social workers joining East Sussex County Council',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.16',49,'DCS','Quarterly performance review to establish the experiences of newly qualified social workers joining','Quarterly','To gather assurance on performance and outcomes, holding Heads of Service accountable as appropriate',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.17',50,'AD, Safeguarding, Looked After Children and Special Educational Needs and ADs for early help services','Lead focus group discussion with front-line social care and early help staff','Two focus groups per annum','To gather assurance about practice and service standards and provide opportunities for front-line staff to air concerns',1,NULL,1,0);
INSERT INTO "rules" VALUES('east-sussex-2013','4.18',51,'Principal Social Worker','Bi-monthly meeting with AD, Safeguarding, Looked After Children and Special Educational Needs
Twice yearly meeting with DCS','6 times a year with AD Twice a year with DCS','To triangulate practice standards and development with strategic management',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','5.1',52,'Policy Officer, Audit Officer and Head of Safeguarding','Review and collate all findings and emerging themes from all social care quality assurance activities and produce summary report','Annually to CSCMT, Joint Divisional Meeting, SMT and LM via Scrutiny Committee Annual meeting with key service leads to agree issues and targets','To identify and implement changes required in policy, procedures, training and service provision',1,NULL,2,0);
INSERT INTO "rules" VALUES('east-sussex-2013','5.2',53,'Early help commissioning support team; other EH managers as required','Review and collate findings from early help quality assurance activities','Annual review to Joint Divisional Meeting and SMT','',1,NULL,1,0);
CREATE TABLE schedule_runs (
	framework VARCHAR(100) NOT NULL, 
	first DATE NOT NULL, 
	last DATE NOT NULL, 
	part VARCHAR(20) NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	planned INTEGER NOT NULL, 
	notes JSON NOT NULL, 
	at DATETIME NOT NULL, 
	PRIMARY KEY (framework, first, last, part)
);
INSERT INTO "schedule_runs" VALUES('east-sussex-2013','2024-04-01','2024-05-31','calendar','b8ba371089e1a69224e1b39647c05de23fc48323b4bdeac2c4de43d4fa99899f',26,'["3.14: no Operations Manager answers for team T2; not scheduled for it", "3.15: no Operations Manager answers for team T1; not scheduled for it"]','2026-12-02 08:07:24.310850');
INSERT INTO "schedule_runs" VALUES('east-sussex-2013','2024-04-01','2024-05-31','samples','4bdb0990b0179bccb6ea7d004788ae601283ecbd8ddc2b252f476863160354d9',0,'[]','2026-12-02 08:07:24.315855');
INSERT INTO "schedule_runs" VALUES('east-sussex-2013','2024-05-01','2024-08-31','calendar','3bd62eb60beb43e701ae51d18d3c54b83fb68c42cd30c4028d5152e9889590f4',42,'["3.14: no Operations Manager answers for team T2; not scheduled for it", "3.15: no Operations Manager answers for team T1; not scheduled for it"]','2026-12-02 08:07:29.541270');
INSERT INTO "schedule_runs" VALUES('east-sussex-2013','2024-05-01','2024-08-31','samples','4c36da9d692c9f463b27e074cb8e54c58021c9760ffed5bb17d567b9abc8883f',0,'[]','2026-12-02 08:07:29.546877');
INSERT INTO "schedule_runs" VALUES('east-sussex-2013','2024-04-01','2024-06-30','calendar','78fa12c8ab427f0057087fce837c60655a5485c37ebbecec793b17cbe7787f73',30,'["3.14: no Operations Manager answers for team T2; not scheduled for it", "3.15: no Operations Manager answers for team T1; not scheduled for it"]','2026-12-02 08:07:44.036462');
INSERT INTO "schedule_runs" VALUES('east-sussex-2013','2024-04-01','2024-06-30','samples','86cd818deb879f5e5277d699d7473d5c839bac2645ad2e4064e9ed1e73bb2994',0,'[]','2026-12-02 08:07:44.041809');
CREATE TABLE schema_version (
	version INTEGER NOT NULL, 
	applied_at DATETIME NOT NULL, 
	PRIMARY KEY (version)
);
INSERT INTO "schema_version" VALUES(1,'2026-12-02 08:07:19.204410');
CREATE TABLE teams (
	id VARCHAR(100) NOT NULL, 
	name TEXT NOT NULL, 
	service VARCHAR(200) NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	area VARCHAR(200) NOT NULL, 
	present BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "teams" VALUES('T1','Hastings Child in Need','Locality Social Work','social_care','East',1);
INSERT INTO "teams" VALUES('T2','Bexhill Early Help','Early Help','early_help','East',1);
CREATE TABLE tick_runs (
	business_date DATE NOT NULL, 
	started_at DATETIME NOT NULL, 
	finished_at DATETIME, 
	runner VARCHAR(100) NOT NULL, 
	claimed_until DATETIME, 
	summary JSON NOT NULL, 
	PRIMARY KEY (business_date)
);
INSERT INTO "tick_runs" VALUES('2024-05-13','2026-12-02 08:07:29.364041','2026-12-02 08:07:29.554782','vm:25320',NULL,'{"scheduled": {"east-sussex-2013": "20 created, 3 updated, 0 cancelled"}, "escalated": 2, "digests": 1, "sent": 0, "failed": 0, "retrying": 0, "pending": 1}');
CREATE INDEX ix_people_manager ON people (manager);
CREATE INDEX ix_cases_worker ON cases (worker);
CREATE INDEX ix_cases_team ON cases (team);
CREATE INDEX ix_obligations_status_due ON obligations (status, due);
CREATE INDEX ix_obligations_rule ON obligations (framework, "row");
CREATE INDEX ix_obligations_assignee_due ON obligations (assignee, due);
CREATE INDEX ix_obligations_ladder ON obligations (escalated, due);
CREATE INDEX ix_obligations_cause ON obligations (cause);
CREATE INDEX ix_obligations_case_ref ON obligations (case_ref);
CREATE INDEX ix_outbox_digest_key ON outbox (digest_key);
CREATE INDEX ix_outbox_status_next ON outbox (status, next_attempt_at);
CREATE INDEX ix_events_kind ON events (kind);
COMMIT;
