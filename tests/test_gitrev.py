"""Reading a model as it was at a git revision, in a real temporary repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoping_tui.cli.gitrev import GitError, display_name, read_at_revision
from tests.git_support import git, plain_git


@pytest.fixture(autouse=True)
def _plain_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    plain_git(monkeypatch, tmp_path)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two commits of models/tm.yaml and an uncommitted third version."""
    root = tmp_path / "repo"
    (root / "models").mkdir(parents=True)
    git(root, "init", "-q")
    model = root / "models" / "tm.yaml"
    model.write_text("version one\n", encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "one")
    model.write_text("version two\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "two")
    model.write_text("working copy\n", encoding="utf-8")
    return root


def test_reads_the_committed_text_not_the_working_copy(repo: Path) -> None:
    model = repo / "models" / "tm.yaml"
    assert read_at_revision(model, "HEAD") == "version two\n"
    assert model.read_text("utf-8") == "working copy\n"


def test_reads_older_revisions_by_name_and_hash(repo: Path) -> None:
    model = repo / "models" / "tm.yaml"
    first = git(repo, "rev-list", "--max-parents=0", "HEAD")
    assert read_at_revision(model, "HEAD~1") == "version one\n"
    assert read_at_revision(model, first) == "version one\n"
    assert read_at_revision(model, first[:10]) == "version one\n"
    git(repo, "tag", "v1", first)
    assert read_at_revision(model, "v1") == "version one\n"
    assert read_at_revision(model, "main") == "version two\n"


def test_a_relative_path_is_read_from_its_own_folder(repo: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "models")
    assert read_at_revision(Path("tm.yaml"), "HEAD") == "version two\n"
    monkeypatch.chdir(repo)
    assert read_at_revision(Path("models/tm.yaml"), "HEAD~1") == "version one\n"


def test_a_file_added_after_the_revision_is_reported_as_missing(repo: Path) -> None:
    newer = repo / "models" / "other.yaml"
    newer.write_text("new\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "three")
    with pytest.raises(GitError) as caught:
        read_at_revision(newer, "HEAD~1")
    assert caught.value.missing_file
    assert "other.yaml is not in revision HEAD~1" in str(caught.value)
    assert read_at_revision(newer, "HEAD") == "new\n"


def test_an_unknown_revision_is_a_clear_error(repo: Path) -> None:
    with pytest.raises(GitError, match="unknown git revision 'no-such-branch'") as caught:
        read_at_revision(repo / "models" / "tm.yaml", "no-such-branch")
    assert not caught.value.missing_file
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("ref", ["--output={out}", "-p", "--exec=touch {out}", "HEAD foo",
                                 "HEAD\n", "HEAD\t", "a\x1bb", "", "HEAD:../secret",
                                 "main\u202e"])
def test_refs_that_git_could_take_for_options_are_refused(repo: Path, tmp_path: Path,
                                                          ref: str) -> None:
    out = tmp_path / "x"
    with pytest.raises(GitError, match="git revision") as caught:
        read_at_revision(repo / "models" / "tm.yaml", ref.format(out=out))
    assert "\n" not in str(caught.value)
    assert not out.exists()


def test_outside_a_repository(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "tm.yaml").write_text("x\n", encoding="utf-8")
    with pytest.raises(GitError, match="not inside a git repository"):
        read_at_revision(loose / "tm.yaml", "HEAD")


def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="no such directory"):
        read_at_revision(tmp_path / "nowhere" / "tm.yaml", "HEAD")


def test_the_size_limit_applies_to_the_revision(repo: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    model = repo / "models" / "tm.yaml"
    with pytest.raises(GitError, match="larger than the 5-byte limit"):
        read_at_revision(model, "HEAD", max_bytes=5)
    assert read_at_revision(model, "HEAD", max_bytes=len("version two\n")) == "version two\n"
    monkeypatch.setenv("SCOPING_TUI_MAX_BYTES", "4")
    with pytest.raises(GitError, match="4-byte limit"):
        read_at_revision(model, "HEAD")


def test_bytes_that_are_not_utf8_are_reported_with_their_position(repo: Path) -> None:
    model = repo / "models" / "tm.yaml"
    model.write_bytes(b"version: 1\nname: caf\xe9\n")
    git(repo, "commit", "-q", "-am", "latin-1")
    with pytest.raises(GitError) as caught:
        read_at_revision(model, "HEAD")
    assert str(caught.value).startswith(f"{model}@HEAD:2:10: error: file is not valid UTF-8")


def test_a_folder_at_that_path_in_the_revision_is_not_a_file(repo: Path) -> None:
    (repo / "models" / "tm.yaml").unlink()
    (repo / "models" / "tm.yaml").mkdir()
    (repo / "models" / "tm.yaml" / "inner").write_text("x\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "now a folder")
    with pytest.raises(GitError, match="is a tree, not a file"):
        read_at_revision(repo / "models" / "tm.yaml", "HEAD")


def test_without_git_on_the_path(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                 tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(GitError, match="git is not installed"):
        read_at_revision(repo / "models" / "tm.yaml", "HEAD")


def test_display_name() -> None:
    assert display_name("model.yaml", "origin/main") == "model.yaml@origin/main"
    assert display_name(Path("a/b.yaml"), "HEAD~2") == "a/b.yaml@HEAD~2"
