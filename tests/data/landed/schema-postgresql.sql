-- The PostgreSQL schema qaf created as landed before migrations (commit 5009ce4), from its SQLModel tables.

CREATE TABLE bodies (
	id VARCHAR(100) NOT NULL, 
	name TEXT NOT NULL, 
	chair VARCHAR(100), 
	present BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE cases (
	ref VARCHAR(64) NOT NULL, 
	worker VARCHAR(100), 
	team VARCHAR(100) NOT NULL, 
	opened DATE NOT NULL, 
	closed DATE, 
	present BOOLEAN NOT NULL, 
	PRIMARY KEY (ref)
);

CREATE INDEX ix_cases_team ON cases (team);

CREATE INDEX ix_cases_worker ON cases (worker);

CREATE TABLE escalations (
	id SERIAL NOT NULL, 
	obligation VARCHAR(40) NOT NULL, 
	level INTEGER NOT NULL, 
	to_person VARCHAR(100), 
	"on" DATE NOT NULL, 
	reason TEXT NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_escalation_level UNIQUE (obligation, level)
);

CREATE TABLE events (
	id SERIAL NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	ref VARCHAR(200) NOT NULL, 
	payload JSON NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_events_kind ON events (kind);

CREATE TABLE feed_tokens (
	token_hash VARCHAR(64) NOT NULL, 
	person VARCHAR(100) NOT NULL, 
	scope VARCHAR(20) NOT NULL, 
	purpose VARCHAR(20) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	revoked_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (token_hash)
);

CREATE TABLE frameworks (
	id VARCHAR(100) NOT NULL, 
	version VARCHAR(100) NOT NULL, 
	title TEXT NOT NULL, 
	council TEXT NOT NULL, 
	content_hash VARCHAR(64) NOT NULL, 
	filename TEXT NOT NULL, 
	text TEXT NOT NULL, 
	loaded_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE meta (
	key VARCHAR(100) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (key)
);

CREATE TABLE obligations (
	id VARCHAR(40) NOT NULL, 
	framework VARCHAR(100) NOT NULL, 
	row VARCHAR(50) NOT NULL, 
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
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_obligations_assignee_due ON obligations (assignee, due);

CREATE INDEX ix_obligations_case_ref ON obligations (case_ref);

CREATE INDEX ix_obligations_cause ON obligations (cause);

CREATE INDEX ix_obligations_ladder ON obligations (escalated, due);

CREATE INDEX ix_obligations_rule ON obligations (framework, row);

CREATE INDEX ix_obligations_status_due ON obligations (status, due);

CREATE TABLE outbox (
	id SERIAL NOT NULL, 
	key VARCHAR(200) NOT NULL, 
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
	next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	claimed_by VARCHAR(100), 
	claimed_until TIMESTAMP WITH TIME ZONE, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	sent_at TIMESTAMP WITH TIME ZONE, 
	last_error TEXT, 
	PRIMARY KEY (id), 
	UNIQUE (key)
);

CREATE INDEX ix_outbox_digest_key ON outbox (digest_key);

CREATE INDEX ix_outbox_status_next ON outbox (status, next_attempt_at);

CREATE TABLE outcomes (
	obligation VARCHAR(40) NOT NULL, 
	grade VARCHAR(40), 
	concerns BOOLEAN NOT NULL, 
	areas JSON NOT NULL, 
	by VARCHAR(100), 
	audit_date DATE NOT NULL, 
	notes TEXT, 
	contested BOOLEAN NOT NULL, 
	moderated_grade VARCHAR(40), 
	moderated_by VARCHAR(100), 
	moderated_on DATE, 
	signoff_by VARCHAR(100), 
	signoff_on DATE, 
	recorded_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (obligation)
);

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

CREATE INDEX ix_people_manager ON people (manager);

CREATE TABLE rules (
	framework VARCHAR(100) NOT NULL, 
	row VARCHAR(50) NOT NULL, 
	position INTEGER NOT NULL, 
	role TEXT NOT NULL, 
	task TEXT NOT NULL, 
	frequency TEXT NOT NULL, 
	purpose TEXT NOT NULL, 
	schedulable BOOLEAN NOT NULL, 
	reason TEXT, 
	cadences INTEGER NOT NULL, 
	triggers INTEGER NOT NULL, 
	PRIMARY KEY (framework, row)
);

CREATE TABLE schedule_runs (
	framework VARCHAR(100) NOT NULL, 
	first DATE NOT NULL, 
	last DATE NOT NULL, 
	part VARCHAR(20) NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	planned INTEGER NOT NULL, 
	notes JSON NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (framework, first, last, part)
);

CREATE TABLE schema_version (
	version SERIAL NOT NULL, 
	applied_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (version)
);

CREATE TABLE teams (
	id VARCHAR(100) NOT NULL, 
	name TEXT NOT NULL, 
	service VARCHAR(200) NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	area VARCHAR(200) NOT NULL, 
	present BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE tick_runs (
	business_date DATE NOT NULL, 
	started_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	finished_at TIMESTAMP WITH TIME ZONE, 
	runner VARCHAR(100) NOT NULL, 
	claimed_until TIMESTAMP WITH TIME ZONE, 
	summary JSON NOT NULL, 
	PRIMARY KEY (business_date)
);
