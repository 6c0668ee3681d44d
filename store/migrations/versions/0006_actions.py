"""Actions an audit raises, and the moderator's key area judgements (issue 14).

``actions``: what must be done, kept beside the action's obligation.

An action is an obligation of kind ``action`` caused by the audit (it is
in feeds, ``qaf due``, the ladder and the digest like any work); its free
text, whether it is a safeguarding action, the owner's closing note and what
the review found are kept here, so no feed or email ever carries them.

``outcomes.moderated_areas``: Tameside compares the seven areas of practice
primary against moderated, as it does the overall grade.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("obligation", sa.String(40), primary_key=True, nullable=False),
        sa.Column("audit", sa.String(40), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("safeguarding", sa.Boolean(), nullable=False),
        sa.Column("raised_by", sa.String(100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("checked_by", sa.String(40), nullable=True),
        sa.Column("carried_out", sa.Boolean(), nullable=True),
    )
    op.create_index("ix_actions_audit", "actions", ["audit"])
    with op.batch_alter_table("outcomes") as batch:  # the moderator's key area judgements, beside the primary ones
        batch.add_column(sa.Column("moderated_areas", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outcomes") as batch:
        batch.drop_column("moderated_areas")
    op.drop_index("ix_actions_audit", "actions")
    op.drop_table("actions")
