"""The command line, ``qaf``: argument parsing, the clock default, and the one error boundary (problems -> exit codes)."""
