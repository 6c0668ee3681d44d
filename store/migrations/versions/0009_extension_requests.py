"""Extension requests (issue 15): a person asks for more time, the framework's approver approves or refuses.

``extension_requests``: one row a request. Its reason (and a refusal's) is
free text kept here and shown only on the obligation's page and to whoever
may decide it: never in a feed, an email or a log. Approving also writes the
extension itself (the event log's ``obligation.extended``) in the same
transaction.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


class _UTC(sa.TypeDecorator):  # as store/tables.py's UTCDateTime, frozen here
    impl = sa.DateTime(timezone=True)
    cache_ok = True


def upgrade() -> None:
    op.create_table(
        "extension_requests",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True, nullable=False),
        sa.Column("obligation", sa.String(40), nullable=False),
        sa.Column("asked_by", sa.String(100), nullable=False),
        sa.Column("asked_at", _UTC(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", _UTC(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
    )
    op.create_index("ix_extension_requests_obligation", "extension_requests", ["obligation"])
    op.create_index("ix_extension_requests_status", "extension_requests", ["status"])


def downgrade() -> None:
    op.drop_index("ix_extension_requests_status", "extension_requests")
    op.drop_index("ix_extension_requests_obligation", "extension_requests")
    op.drop_table("extension_requests")
