"""Alembic's environment for qaf: migrations run on the connection (and transaction) qaf hands over.

qaf never runs Alembic from its own command line or an ``alembic.ini``: see
:func:`qaf.store.migrations.upgrade`. On PostgreSQL the connection's
``search_path`` already names the council's schema (``?schema=NAME``), so the
migrations and Alembic's version table land there.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
