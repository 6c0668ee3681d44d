"""``python -m qaf``: the same as the ``qaf`` command."""

from qaf.cli.main import main

raise SystemExit(main())
