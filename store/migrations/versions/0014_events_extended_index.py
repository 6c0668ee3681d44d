"""The event log indexes only the lines read back by their kind: more time given.

Every event line (an outcome recorded, a trigger fired, a follow-up created,
a notice queued) wrote an entry in ``ix_events_kind``, a page more at each
commit, for an index two queries read, both for ``obligation.extended``
lines (an extension's first "from", the report's list of extensions). A
partial index on those lines alone (kind and obligation: both databases
choose it for either read, without statistics) answers both; an outcome
with concerns writes about four pages fewer at its commit, one without one
fewer. No row changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

EXTENDED = "kind = 'obligation.extended'"


def upgrade() -> None:
    names = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("events")}
    if "ix_events_kind" in names:
        op.drop_index("ix_events_kind", table_name="events")
    if "ix_events_extended" not in names:  # a store marked older than it is (as tests of the earlier revisions make one)
        op.create_index("ix_events_extended", "events", ["kind", "ref"], sqlite_where=sa.text(EXTENDED), postgresql_where=sa.text(EXTENDED))


def downgrade() -> None:
    op.drop_index("ix_events_extended", table_name="events")
    op.create_index("ix_events_kind", "events", ["kind"])
