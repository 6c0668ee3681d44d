"""The obligations' counter moves when an outcome alone is written too (issue 16).

Moderating an audit, or contesting its grade while a moderation is already
open, writes the outcome and no obligation. The API's answers, kept by the
counter, show the moderated grade and that a grade is contested: without
these triggers a kept answer would not show them. See :mod:`qaf.store.versioning`.
"""

from alembic import op

from qaf.store import versioning

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    versioning.install_outcomes(op.get_bind())


def downgrade() -> None:
    versioning.uninstall_outcomes(op.get_bind())
