"""${message}

Revision ${up_revision}, after ${down_revision | comma,n}. Add its id to
``REVISIONS`` in ``store/migrations/__init__.py`` and change ``store/tables.py``
to match; ``tests/test_migrations.py`` checks the two agree.
"""

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}
