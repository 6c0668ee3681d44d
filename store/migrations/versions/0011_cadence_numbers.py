"""Each framework keeps its rows' cadence numbers, so an amendment does not renumber them.

An obligation's identity holds the number of the cadence it comes from.
Numbers were the cadences' places in their row, so striking out a row's
first cadence (East Sussex 1.6's monthly meetings, keeping the quarterly
review) made the review cadence 0, and the work already scheduled was taken
for other work. The new ``cadences`` column keeps what
:mod:`qaf.rules.numbering` needs (each number and the cadences it was given
to). It starts empty (NULL): a framework stored before it was numbered by
place, which is what the next amendment starts from.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "cadences" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("frameworks")}:
        return  # a store marked older than it is (as tests of the earlier revisions make one)
    with op.batch_alter_table("frameworks") as batch:
        batch.add_column(sa.Column("cadences", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("frameworks") as batch:
        batch.drop_column("cadences")
