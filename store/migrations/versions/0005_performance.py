"""The obligations' version is a counter kept by a trigger, not two scans of the table (issue 16).

See :mod:`qaf.store.versioning`. The counter starts at 0 on an upgraded
store: its first feed probe after the upgrade differs from the old digest,
so feed caches render once more, as after any change.
"""

from alembic import op

from qaf.store import versioning

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    versioning.install(op.get_bind())


def downgrade() -> None:
    versioning.uninstall(op.get_bind())
