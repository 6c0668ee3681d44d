"""A framework can be retired: its open work cancelled, scheduled no more, its done work kept.

A council that publishes its amended framework as a new edition under a new
id (east-sussex-2026 beside east-sussex-2013) had both scheduled: every
row's work twice. ``qaf framework retire ID`` retires the old edition; the
``retired_on`` column keeps the business date it was retired on (NULL: in
use). Loading it again brings it back. Frameworks already stored are all in
use.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "retired_on" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("frameworks")}:
        return  # a store marked older than it is (as tests of the earlier revisions make one)
    with op.batch_alter_table("frameworks") as batch:
        batch.add_column(sa.Column("retired_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("frameworks") as batch:
        batch.drop_column("retired_on")
