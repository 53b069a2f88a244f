"""Read a file as it was at a git revision, for `scoping-tui diff FILE --git-ref REF`.

Only local objects are read: git is run with list arguments (no shell), without a terminal
prompt, with every transport protocol refused and lazy fetching of a partial clone's missing
objects turned off, so nothing here reaches the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from scoping_tui.model.load import LoadFailure, decode, max_bytes_from_env

TIMEOUT_SECONDS = 30.0


class GitError(Exception):
    """Why a revision of a file could not be read, in one line."""

    def __init__(self, message: str, *, missing_file: bool = False) -> None:
        super().__init__(message)
        self.missing_file = missing_file
        """The revision exists but has no such file (say, the model was added after it)."""


def display_name(path: Path | str, ref: str) -> str:
    """The name the old side goes by in messages and reports: ``model.yaml@origin/main``."""
    return f"{path}@{ref}"


def check_ref(ref: str) -> None:
    """Refuse what git could read as an option, or that is not one revision name."""
    if not ref:
        raise GitError("the git revision is empty")
    if ref.startswith("-"):
        raise GitError(f"refusing the git revision {ref!r}: it starts with '-' and git would "
                       "read it as an option")
    bad = next((c for c in ref if c.isspace() or not c.isprintable()), None)
    if bad is not None:
        raise GitError(f"refusing the git revision {ref!r}: it contains {bad!r} (whitespace or "
                       "a control character)")
    if ":" in ref:
        raise GitError(f"refusing the git revision {ref!r}: it contains ':'; give a branch, "
                       "tag or commit (the file is named separately)")


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1", "GIT_OPTIONAL_LOCKS": "0",
                "GIT_PAGER": "cat", "PAGER": "cat"})
    return env


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise GitError("git is not installed (or not on PATH); it is needed for --git-ref")
    command = [git, "-c", "protocol.allow=never", "-C", str(directory), *args]
    try:
        return subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS,
                              env=_environment(), stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); it is needed for --git-ref") \
            from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git did not answer within {TIMEOUT_SECONDS:.0f} seconds") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None


def _said(result: subprocess.CompletedProcess[bytes]) -> str:
    """git's first line of complaint, printable."""
    text = result.stderr.decode("utf-8", "replace").strip().splitlines()
    first = text[0] if text else f"git exited with status {result.returncode}"
    return "".join(c if c.isprintable() else "?" for c in first)


def read_bytes_at_revision(path: Path, ref: str, max_bytes: int | None = None) -> bytes:
    """The bytes of ``path`` as committed at ``ref``; GitError says why they cannot be read."""
    check_ref(ref)
    limit = max_bytes if max_bytes is not None else max_bytes_from_env()
    directory = path.parent if str(path.parent) else Path(".")
    name = path.name
    if not directory.is_dir():
        raise GitError(f"{directory}: no such directory")
    inside = _git(directory, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        said = _said(inside)
        if inside.returncode != 0 and "not a git repository" not in said:
            raise GitError(f"{directory}: cannot use git here: {said}")
        raise GitError(f"{directory}: not inside a git repository (a working tree), so "
                       "--git-ref has nothing to read from")
    commit = _git(directory, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit.returncode != 0:
        raise GitError(f"unknown git revision {ref!r} (no branch, tag or commit has that name "
                       "in this repository)")
    spec = f"{ref}:./{name}"
    kind = _git(directory, "cat-file", "-t", spec)
    if kind.returncode != 0:
        raise GitError(f"{name} is not in revision {ref} (was it added after it, or renamed?)",
                       missing_file=True)
    if kind.stdout.strip() != b"blob":
        raise GitError(f"{name} at revision {ref} is a {kind.stdout.strip().decode()}, not a "
                       "file")
    size = _git(directory, "cat-file", "-s", spec)
    if size.returncode != 0 or not size.stdout.strip().isdigit():
        raise GitError(f"cannot read {name} at revision {ref}: {_said(size)}")
    if int(size.stdout) > limit:
        raise GitError(f"{name} at revision {ref} is larger than the {limit:,}-byte limit; "
                       "raise it with --max-size or SCOPING_TUI_MAX_BYTES if the model really "
                       "is this big")
    shown = _git(directory, "show", "--no-textconv", spec)
    if shown.returncode != 0:
        raise GitError(f"cannot read {name} at revision {ref}: {_said(shown)}")
    if len(shown.stdout) > limit:  # a filter or a racing ref update; the limit still holds
        raise GitError(f"{name} at revision {ref} is larger than the {limit:,}-byte limit")
    return shown.stdout


def read_at_revision(path: Path, ref: str, max_bytes: int | None = None) -> str:
    """The text of ``path`` as committed at ``ref`` (git show REF:./NAME, run in its folder).

    Raises GitError, one line, when git is missing, the folder is not in a repository, the
    revision is unknown or looks like an option, the file is not in it, the file is too big,
    or its bytes are not UTF-8 text.
    """
    raw = read_bytes_at_revision(path, ref, max_bytes)
    text = decode(raw, display_name(path, ref))
    if isinstance(text, LoadFailure):
        raise GitError(text.diagnostics[0].format())
    return text
