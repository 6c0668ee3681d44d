"""The frameworks qaf ships: East Sussex 2013, Rotherham 2016, Tameside 2023."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent / "frameworks"


def names() -> list[str]:
    return sorted(p.stem for p in FOLDER.glob("*.yaml"))


def path(name_or_path: str) -> Path:
    """A file path as given, or the bundled framework of that name (``east-sussex-2013``)."""
    given = Path(name_or_path)
    if given.exists() or given.suffix:
        return given
    bundled = FOLDER / f"{name_or_path}.yaml"
    return bundled if bundled.exists() else given
