"""qaf: a children's services Quality Assurance Framework, made a living schedule.

The package is in layers, each using only those below it (README,
"Architecture"; the import-linter contract in ``.importlinter``)::

    interfaces  qaf.cli, qaf.web, qaf.service, qaf.demo, qaf.render
    use cases   qaf.usecases
    store       qaf.store
    calendars   qaf.calendars
    engine      qaf.engine
    rules       qaf.rules

Importing ``qaf`` imports nothing else: each command loads only what it uses.
"""

__version__ = "0.1.0"
