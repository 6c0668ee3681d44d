"""Which rules backend is active: durable-rules where it imports, else the reference evaluator.

durable-rules 2.0.28 does not import on Python 3.13+ (``PyEval_CallObject``
was removed); qaf then evaluates the same trigger rules with its own
pure-Python reference evaluator and says so in ``qaf --version``.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def durable_available() -> tuple[bool, str]:
    """(True, version) when durable-rules imports; (False, why) otherwise."""
    try:
        import durable.lang  # noqa: F401
    except Exception as exc:  # ImportError, or the undefined-symbol OSError/ImportError on 3.13
        return False, f"{type(exc).__name__}: {exc}"
    try:
        from importlib.metadata import version

        return True, version("durable_rules")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return True, "unknown version"


def describe() -> str:
    ok, detail = durable_available()
    if ok:
        return f"durable-rules {detail}"
    return f"reference evaluator (durable-rules unavailable: {detail})"
