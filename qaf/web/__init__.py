"""HTTP: the auditors' JSON API and the calendar feeds (and, to come, the web pages), served by ``qaf serve``."""
