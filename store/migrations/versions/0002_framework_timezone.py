"""Each framework's timezone kept beside it, so the business date is read in it; the old version table goes.

The framework's ``timezone`` setting (default Europe/London) decides the
business date ("today") of every command and of the service's daily tick.
Reading it from a column costs one query, where parsing every framework's
text cost tens of milliseconds at every start. Existing frameworks get the
timezone their text says (or the default). The ``schema_version`` table is
replaced by Alembic's own ``alembic_version``.
"""

import sqlalchemy as sa
import yaml
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DEFAULT = "Europe/London"


def _timezone_of(text: str) -> str:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return DEFAULT
    found = doc.get("timezone") if isinstance(doc, dict) else None
    return found.strip() if isinstance(found, str) and found.strip() else DEFAULT


def upgrade() -> None:
    with op.batch_alter_table("frameworks") as batch:
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=False, server_default=DEFAULT))
    bind = op.get_bind()
    frameworks = sa.table("frameworks", sa.column("id", sa.String), sa.column("text", sa.Text), sa.column("timezone", sa.String))
    for row in bind.execute(sa.select(frameworks.c.id, frameworks.c.text)).all():
        zone = _timezone_of(row.text)
        if zone != DEFAULT:
            bind.execute(sa.update(frameworks).where(frameworks.c.id == row.id).values(timezone=zone))
    op.drop_table("schema_version")
