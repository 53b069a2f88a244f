"""Data safety of scoping_tui.util.fileio: a save either happens whole or not at all.

The writer is killed (SIGKILL: no handler, no cleanup) at the worst moments — while writing
the temporary file, after writing it but before it is synced and renamed, and at a random
moment of a huge write — and the file being replaced must hold exactly its old bytes (or, for
the random moment, exactly the old or exactly the new bytes, never a mix).

Documented behaviour after a kill: the temporary file (``.<name>.<random>.tmp``, hidden, in the
same folder) may remain — nothing can run on SIGKILL to remove it. Nothing ever reads it: the
next save uses a fresh temporary name, succeeds, and leaves the stray file alone.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scoping_tui.util.fileio import atomic_write_bytes, atomic_write_text

ORIGINAL = "version: 1\n# the user's precious model\n" + "x: 1\n" * 1000

# The child's own scenario: it patches its os module so that the save stops at a known point
# and says so on stdout; the parent then kills it there.
CHILD = r"""
import os, sys, time
from pathlib import Path
from scoping_tui.util import fileio

path, stage, size = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])

def announce_and_hang():
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    time.sleep(600)

if stage == "before-rename":
    # The data is all in the temporary file; the kill comes before fsync and rename.
    def fsync(fd):
        announce_and_hang()
    os.fsync = fsync
elif stage == "mid-write":
    # Half the data is in the temporary file when the kill comes.
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return self.handle.__exit__(*exc)
        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            announce_and_hang()
        def __getattr__(self, name):
            return getattr(self.handle, name)

    os.fdopen = lambda fd, *a, **k: HalfWriter(real_fdopen(fd, *a, **k))
elif stage == "huge":
    sys.stdout.write("ready\n")
    sys.stdout.flush()

fileio.atomic_write_text(path, "N" * size)
sys.stdout.write("done\n")
sys.stdout.flush()
"""


def _temps(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.name.startswith(f".{name}.") and p.name.endswith(".tmp"))


def _start(path: Path, stage: str, size: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(path), stage, str(size)],
                            stdout=subprocess.PIPE, text=True)


def _wait_for_temp(folder: Path, name: str, child: subprocess.Popen[str],
                   timeout: float = 30.0) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _temps(folder, name)
        if found or child.poll() is not None:
            return found
        time.sleep(0.001)
    return []


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "model.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    path.chmod(0o640)
    return path


@pytest.mark.parametrize("stage", ["mid-write", "before-rename"])
def test_killing_the_writer_leaves_the_original_intact(model: Path, stage: str) -> None:
    before = model.read_bytes()
    child = _start(model, stage, 10_000_000)
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n", "the child did not reach the kill point"
        temps = _wait_for_temp(model.parent, model.name, child)
        assert temps, "the save writes through a temporary file in the same folder"
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert model.read_bytes() == before
    assert stat.S_IMODE(model.stat().st_mode) == 0o640
    # The stray temporary file stays (documented above); it is hidden and never read.
    stray = _temps(model.parent, model.name)
    assert stray == temps
    if stage == "mid-write":
        assert 0 < stray[0].stat().st_size < 10_000_000

    # The next save is unaffected by the stray file and completes normally.
    atomic_write_text(model, "version: 1\n# saved again\n")
    assert model.read_text(encoding="utf-8") == "version: 1\n# saved again\n"
    assert stat.S_IMODE(model.stat().st_mode) == 0o640
    assert _temps(model.parent, model.name) == stray


def test_killing_a_huge_write_at_a_random_moment_never_mixes_old_and_new(model: Path) -> None:
    """No patching: 200 MB written for real, killed as soon as its temporary file appears."""
    before = model.read_bytes()
    size = 200 * 1024 * 1024
    child = _start(model, "huge", size)
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        _wait_for_temp(model.parent, model.name, child, timeout=60)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    after_size = model.stat().st_size
    if after_size == len(before):
        assert model.read_bytes() == before
    else:
        # The kill came after the rename: then the new content is there, whole.
        assert after_size == size
        with model.open("rb") as handle:
            assert handle.read(16) == b"N" * 16
    atomic_write_text(model, "version: 1\n")
    assert model.read_text(encoding="utf-8") == "version: 1\n"


def test_permissions_of_the_replaced_file_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("old\n", encoding="utf-8")
    for mode in (0o640, 0o600, 0o664, 0o444):
        path.chmod(mode)
        atomic_write_text(path, f"mode {mode:o}\n")
        assert stat.S_IMODE(path.stat().st_mode) == mode
        assert path.read_text(encoding="utf-8") == f"mode {mode:o}\n"
    assert not _temps(tmp_path, path.name)


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask")
def test_a_new_file_gets_the_umask_default_not_the_temp_files_0600(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    atomic_write_text(path, "new\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # 0o666 & ~0o027
    atomic_write_bytes(tmp_path / "new.bin", b"\x00\x01")
    assert stat.S_IMODE((tmp_path / "new.bin").stat().st_mode) == 0o640
    assert os.umask(0o027) == 0o027, "the umask itself is left as it was"


def test_text_is_written_as_utf8_with_newlines_as_given(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    atomic_write_text(path, "a: é\r\nb: 中\n")
    assert path.read_bytes() == "a: é\r\nb: 中\n".encode()


def test_overwrite_false_refuses_an_existing_file_and_leaves_it_untouched(model: Path) -> None:
    before = model.read_bytes()
    mtime = model.stat().st_mtime_ns
    with pytest.raises(FileExistsError):
        atomic_write_text(model, "clobbered\n", overwrite=False)
    assert model.read_bytes() == before
    assert model.stat().st_mtime_ns == mtime
    assert not _temps(model.parent, model.name)


def test_overwrite_false_creates_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "fresh.yaml"
    atomic_write_text(path, "fresh\n", overwrite=False)
    assert path.read_text(encoding="utf-8") == "fresh\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.yaml"]


def test_a_missing_folder_raises_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "model.yaml"
    with pytest.raises(OSError):
        atomic_write_text(path, "x\n")
    assert not (tmp_path / "no").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_directory_in_the_way_raises_and_leaves_no_temp(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").mkdir()
    with pytest.raises(OSError):
        atomic_write_text(tmp_path / "model.yaml", "x\n")
    assert (tmp_path / "model.yaml").is_dir()
    assert not _temps(tmp_path, "model.yaml")


def test_a_failed_write_removes_its_temp_and_keeps_the_original(
        model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = model.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        atomic_write_text(model, "new\n")
    assert model.read_bytes() == before
    assert not _temps(model.parent, model.name)


# --- symbolic links ----------------------------------------------------------------------------
# Decision: a save through a symlink writes the file the link points to (as an editor's save or
# `open(path, "w")` would) and keeps the link. Renaming onto the link itself used to replace it
# with a regular file, silently detaching it: the real file kept the old content.

def test_writing_through_a_symlink_updates_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real_dir = tmp_path / "repo"
    real_dir.mkdir()
    target = real_dir / "model.yaml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(Path("repo") / "model.yaml")  # relative, as links in repositories are

    atomic_write_text(link, "new\n")

    assert link.is_symlink()
    assert os.readlink(link) == str(Path("repo") / "model.yaml")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    # The temporary file went next to the real file (same filesystem, so rename is atomic).
    assert not _temps(tmp_path, "link.yaml") and not _temps(real_dir, "model.yaml")


def test_a_chain_of_symlinks_is_followed_to_the_end(tmp_path: Path) -> None:
    target = tmp_path / "model.yaml"
    target.write_text("old\n", encoding="utf-8")
    (tmp_path / "one").symlink_to("model.yaml")
    (tmp_path / "two").symlink_to("one")
    atomic_write_text(tmp_path / "two", "new\n")
    assert (tmp_path / "two").is_symlink() and (tmp_path / "one").is_symlink()
    assert target.read_text(encoding="utf-8") == "new\n"


def test_a_dangling_symlink_creates_the_file_it_names(tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to("model.yaml")
    atomic_write_text(link, "new\n")
    assert link.is_symlink()
    assert (tmp_path / "model.yaml").read_text(encoding="utf-8") == "new\n"


def test_overwrite_false_refuses_any_existing_name_even_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "model.yaml"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to("model.yaml")
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to("nowhere.yaml")
    for path in (link, dangling):
        with pytest.raises(FileExistsError):
            atomic_write_text(path, "new\n", overwrite=False)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert link.is_symlink() and dangling.is_symlink()
    assert not (tmp_path / "nowhere.yaml").exists()


def test_a_symlink_loop_raises_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OSError):
        atomic_write_text(tmp_path / "a", "x\n")
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]
