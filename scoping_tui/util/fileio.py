"""Writing files without ever leaving a half-written one behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path``; see ``atomic_write_bytes``."""
    atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def atomic_write_bytes(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` through a synced temporary file in the same folder.

    The original file (if any) keeps its permissions; with ``overwrite=False`` an existing
    file is never replaced (``FileExistsError``). A symbolic link is written through: the file
    it points to is replaced and the link stays (a link loop raises ``OSError``).
    """
    path = Path(path)
    if not overwrite and os.path.lexists(path):
        raise FileExistsError(str(path))
    path = _through_links(path)
    directory = path.parent if str(path.parent) else Path(".")
    mode: int | None = None
    if path.exists():
        if not overwrite:
            raise FileExistsError(str(path))
        mode = path.stat().st_mode & 0o7777
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp_name, mode)
        if not overwrite:
            # link() fails if the name appeared meanwhile; replace() would clobber it.
            os.link(temp_name, path)
            os.unlink(temp_name)
        else:
            os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _through_links(path: Path) -> Path:
    """The file to replace for ``path``: renaming onto a symlink would replace the link itself
    with a regular file, silently detaching it from the file it pointed to."""
    if not path.is_symlink():
        return path
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        # A dangling link: create the file it names, as writing through it with open() would.
        return Path(os.path.realpath(path))
