"""Where a typed path may lead when the UI is confined to the model's folder.

`scoping-tui serve` hands the UI to a web page, and whoever drives that page types the paths
the UI writes to. Served, a typed path must therefore name a place inside the model's folder:
relative to it, without ``~`` or ``..``, and not leading out of it through a symbolic link
(files are written through links). The terminal UI, run by the user, takes any path.
"""

from __future__ import annotations

from pathlib import Path, PurePath

LIFT = "or serve with --allow-any-path"


class OutsideFolder(ValueError):
    """The path leads out of the folder; the message says why, to show as it is."""


def confined_path(text: str, root: Path) -> Path:
    """``text`` as a path inside ``root`` (``root / text``), or OutsideFolder with the reason."""
    typed = text.strip()
    where = f"while served, the UI reads and writes only inside the model's folder ({root})"
    if not typed:
        raise OutsideFolder("no file name given")
    if typed.startswith("~"):
        raise OutsideFolder(f"{typed}: ~ names a home folder; {where}. Give a name relative "
                            f"to it, {LIFT}.")
    typed_path = PurePath(typed)
    if typed_path.is_absolute() or typed_path.anchor:
        raise OutsideFolder(f"{typed}: an absolute path; {where}. Give a name relative to it, "
                            f"{LIFT}.")
    if ".." in typed_path.parts:
        raise OutsideFolder(f"{typed}: .. leads out of the folder; {where}. Give a name "
                            f"relative to it, {LIFT}.")
    try:
        real_root = root.resolve()
        real = (real_root / typed_path).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a link loop, a NUL in the name
        raise OutsideFolder(f"{typed!r}: not a usable file name ({exc})") from exc
    if not real.is_relative_to(real_root):
        raise OutsideFolder(f"{typed}: a symbolic link leads out of the folder, to {real}; "
                            f"{where}. {LIFT.capitalize()}.")
    return root / typed_path


def typed_path(text: str, base: Path, confine_to: Path | None = None) -> Path:
    """A path the user typed: with ``confine_to``, see ``confined_path``; otherwise ``~``
    expanded and relative to ``base``."""
    if confine_to is not None:
        return confined_path(text, confine_to)
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else base / path


def inside(path: Path, root: Path) -> bool:
    """``path`` is ``root`` or below it once links are followed."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False
