"""Signing in to the web pages: emailed one-time links and browser sessions, both kept only as hashes.

A link is good for 15 minutes and one use (``used_at``); a session ends when
signed out (its row deleted) or after a working day idle (``seen_at``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


class _UTC(sa.TypeDecorator):  # as store/tables.py's UTCDateTime, frozen here
    impl = sa.DateTime(timezone=True)
    cache_ok = True


def upgrade() -> None:
    op.create_table(
        "signin_links",
        sa.Column("link_hash", sa.String(64), primary_key=True, nullable=False),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("created_at", _UTC(), nullable=False),
        sa.Column("expires_at", _UTC(), nullable=False),
        sa.Column("used_at", _UTC(), nullable=True),
    )
    op.create_table(
        "web_sessions",
        sa.Column("session_hash", sa.String(64), primary_key=True, nullable=False),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _UTC(), nullable=False),
        sa.Column("seen_at", _UTC(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_table("signin_links")
