"""Shared work counts once: an obligation has one owner and may have attendees and copies; bodies have members.

Before, a meeting made one obligation per participant (East Sussex 1.6: 32 a
year for 16 meetings), each of which could go overdue and escalate on its
own. Now the owner's obligation carries who attends (``attendees``) and who
is copied (``copies``), person ids joined by ";", and ``attendance`` indexes
them by person for "my feed" and ``qaf due --person``. A body's ``members``
attend its meetings. A notice carries the addresses it is copied to
(``outbox.cc``), and a case the date it was transferred (``cases.transferred``:
rows "on transfer" are scheduled from it). The attendees' old copies are cancelled by the next
``qaf schedule`` (done ones keep their history), which fills in attendance.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("obligations") as batch:
        batch.add_column(sa.Column("attendees", sa.Text(), nullable=True))
        batch.add_column(sa.Column("copies", sa.Text(), nullable=True))
    with op.batch_alter_table("bodies") as batch:
        batch.add_column(sa.Column("members", sa.Text(), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("cc", sa.Text(), nullable=True))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("transferred", sa.Date(), nullable=True))
    op.create_table(
        "attendance",
        sa.Column("obligation", sa.String(40), primary_key=True, nullable=False),
        sa.Column("person", sa.String(100), primary_key=True, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
    )
    op.create_index("ix_attendance_person", "attendance", ["person"])


def downgrade() -> None:
    op.drop_index("ix_attendance_person", "attendance")
    op.drop_table("attendance")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("transferred")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("cc")
    with op.batch_alter_table("bodies") as batch:
        batch.drop_column("members")
    with op.batch_alter_table("obligations") as batch:
        batch.drop_column("copies")
        batch.drop_column("attendees")
