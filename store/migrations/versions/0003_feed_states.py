"""What each feed URL last served, and since when: Last-Modified is when a feed's bytes last changed.

A feed's Last-Modified was the latest change among the events it holds, so
an event leaving the feed (done long ago, cancelled, given to someone else)
never moved it, and a client revalidating with If-Modified-Since kept the
stale event. Each served feed's ETag is now kept with the moment it last
differed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


class _UTC(sa.TypeDecorator):  # as store/tables.py's UTCDateTime, frozen here
    impl = sa.DateTime(timezone=True)
    cache_ok = True


def upgrade() -> None:
    op.create_table(
        "feed_states",
        sa.Column("feed", sa.String(64), primary_key=True, nullable=False),
        sa.Column("etag", sa.String(80), nullable=False),
        sa.Column("changed_at", _UTC(), nullable=False),
    )
