"""Outbox indexes for what the tick reads, and for the retention purge (issue 16, item 3).

``ix_outbox_digest_pending`` serves the daily gather (pending digest items
by recipient, in order) without walking every pending notice;
``ix_outbox_status_sent`` lets the tick find what was sent (or digested)
before the retention cut-off, a batch at a time, without scanning the
outbox's history.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_digest_pending", "outbox", ["digest", "status", "recipient", "id"])
    op.create_index("ix_outbox_status_sent", "outbox", ["status", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_sent", "outbox")
    op.drop_index("ix_outbox_digest_pending", "outbox")
