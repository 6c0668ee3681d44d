"""Each escalation remembers the due date it was raised against: more time given starts the ladder again.

Escalations were kept one each an obligation and rung. An obligation given
more time after its owner and line manager had been told was then not
reminded before its new date, nor anyone told when that passed, until the
Head of Service's rung twenty working days on. The ``due`` column and the
unique key (obligation, level, due) let the same rung be raised again for a
new due date, once. Rows already held take the obligation's due date as it
stands (what they were raised against, unless more time was given since,
when the ladder for the new date is taken as begun, as before).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "due" in {c["name"] for c in sa.inspect(bind).get_columns("escalations")}:
        return  # a store marked older than it is (as tests of the earlier revisions make one)
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("due", sa.Date(), nullable=True))
    escalations = sa.table("escalations", sa.column("obligation", sa.String), sa.column("due", sa.Date), sa.column("on", sa.Date))
    obligations = sa.table("obligations", sa.column("id", sa.String), sa.column("due", sa.Date))
    held = sa.select(obligations.c.due).where(obligations.c.id == escalations.c.obligation).scalar_subquery()
    bind.execute(sa.update(escalations).values(due=held))
    bind.execute(sa.update(escalations).where(escalations.c.due.is_(None)).values(due=escalations.c.on))  # its work since purged
    with op.batch_alter_table("escalations") as batch:
        batch.alter_column("due", existing_type=sa.Date(), nullable=False)
        batch.drop_constraint("uq_escalation_level", type_="unique")
        batch.create_unique_constraint("uq_escalation_level_due", ["obligation", "level", "due"])


def downgrade() -> None:
    with op.batch_alter_table("escalations") as batch:
        batch.drop_constraint("uq_escalation_level_due", type_="unique")
        batch.create_unique_constraint("uq_escalation_level", ["obligation", "level"])
        batch.drop_column("due")
