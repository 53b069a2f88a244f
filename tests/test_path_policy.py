"""While served, a typed path stays inside the model's folder; the terminal UI takes any path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scoping_tui.util.confine import OutsideFolder, confined_path, inside, typed_path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "models"
    (root / "reports").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    return root


@pytest.mark.parametrize("text", ["report.md", " report.md ", "reports/threats.md",
                                  "not-yet/made/here.svg", "./report.md", "reports/./x.md"])
def test_names_inside_the_folder_are_taken_as_given(folder: Path, text: str) -> None:
    assert confined_path(text, folder) == folder / text.strip()


@pytest.mark.parametrize(("text", "reason"), [
    ("/etc/passwd", "an absolute path"),
    ("~/notes.md", "~ names a home folder"),
    ("~root/x.md", "~ names a home folder"),
    ("../x.md", ".. leads out of the folder"),
    ("reports/../../x.md", ".. leads out of the folder"),
    ("reports/..", ".. leads out of the folder"),
    ("", "no file name given"),
    ("a\x00b", "not a usable file name"),
])
def test_paths_leading_out_are_refused_with_the_reason(folder: Path, text: str,
                                                       reason: str) -> None:
    with pytest.raises(OutsideFolder, match=reason) as refused:
        confined_path(text, folder)
    if "leads out" in reason or "absolute" in reason or "~" in reason:
        assert "--allow-any-path" in str(refused.value)


def test_a_path_given_inside_the_folder_absolutely_is_still_refused(folder: Path) -> None:
    # Served, only names relative to the folder: one rule the page cannot argue with.
    with pytest.raises(OutsideFolder, match="an absolute path"):
        confined_path(str(folder / "report.md"), folder)


def test_links_leading_out_are_refused_and_links_within_taken(folder: Path) -> None:
    outside = folder.parent / "elsewhere"
    (folder / "out").symlink_to(outside, target_is_directory=True)
    (folder / "victim.md").symlink_to(outside / "victim.md")
    (folder / "latest").symlink_to(folder / "reports", target_is_directory=True)
    for text in ("out/x.md", "victim.md"):
        with pytest.raises(OutsideFolder, match="a symbolic link leads out of the folder"):
            confined_path(text, folder)
    assert confined_path("latest/x.md", folder) == folder / "latest" / "x.md"


def test_a_link_loop_is_refused(folder: Path) -> None:
    (folder / "loop").symlink_to(folder / "loop")
    with pytest.raises(OutsideFolder):
        confined_path("loop/x.md", folder)


def test_the_folder_itself_may_be_reached_through_a_link(folder: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(folder, target_is_directory=True)
    assert confined_path("report.md", alias) == alias / "report.md"
    assert inside(alias / "report.md", folder)
    assert not inside(tmp_path / "elsewhere" / "x.md", folder)


def test_unconfined_paths_expand_home_and_follow_the_base(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert typed_path("~/x.md", tmp_path) == tmp_path / "home" / "x.md"
    assert typed_path("../x.md", tmp_path / "a") == tmp_path / "a" / ".." / "x.md"
    assert typed_path("/abs/x.md", tmp_path) == Path("/abs/x.md")
    with pytest.raises(OutsideFolder):
        typed_path("/abs/x.md", tmp_path, confine_to=tmp_path)
    assert os.fspath(typed_path("x.md", tmp_path / "b", confine_to=tmp_path)) == \
        os.fspath(tmp_path / "x.md")
