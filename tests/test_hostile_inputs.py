"""Hostile input at the command level: every command answers every file of the hostile corpus.

``tests/data/hostile/`` holds one small file per kind of hostile model (its README says what
each is); a few that cannot be committed (a file above the size limit, hostile file names, a
valid model too big to lay out quickly) are generated into a temporary folder. Each file is run
through the commands as a user would (every file through both ways a model is loaded, every
command and format through the valid files and a representative set of invalid ones; see
EVERY_FILE), ``python -m scoping_tui ...`` in a subprocess with a time limit and a 1 GiB
address-space limit, and must get a clear answer naming the file: exit 2 for
the unusable ones, a normal result for the ones that must simply work, never a traceback,
never an escape sequence on the terminal, never a file written for an invalid model, and
nothing executed (the object-constructing tags would create ``hostile-marker*`` files in the
working folder).

The loader-level details of each problem are tested in ``test_load_errors.py``; this module is
about what commands and exporters make of the same inputs. The second half renders a VALID
model whose every free-text value is hostile through every exporter and checks the output with
a real parser for its format.

The subprocesses run several at a time (one scheduler in the main thread, so ``preexec_fn`` is
safe); each test then checks its own run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.export.csv_report import COLUMNS
from scoping_tui.export.dot import render_dot
from scoping_tui.export.html import SCRIPT
from scoping_tui.export.json_report import render_json
from scoping_tui.export.markdown import render_markdown
from scoping_tui.export.mermaid import render_mermaid
from scoping_tui.export.sarif import render_sarif
from scoping_tui.export.view import DiagramView, clean
from scoping_tui.formats.registry import render_report
from scoping_tui.model.load import DEFAULT_MAX_BYTES
from scoping_tui.model.text import printable
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_model
from tests.tools_support import required_program

HOSTILE = Path(__file__).parent / "data" / "hostile"
CATALOGS = HOSTILE / "catalog"
AS_OF = "2026-06-01"
TIMEOUT = 20.0
"""Seconds one command may take, start to exit, however hostile its input."""
MEMORY = 1 << 30
"""Address-space limit of each command (RLIMIT_AS): a bomb that gets past the loader dies."""
MAX_RSS_KIB = 400 * 1024
"""Peak resident memory of one command; a normal run needs well under 100 MiB."""
MARKER = "hostile-marker"
DOT_TIMEOUT = "2"
"""SCOPING_TUI_DOT_TIMEOUT for the runs, so the model too big to lay out fails fast."""
CATALOG_MODEL = HOSTILE / "hostile-names.yaml"
"""The valid model run with the hostile catalogs (it has an agent, so catalog rules fire)."""


# ---------------------------------------------------------------------------------------------
# The corpus: each file and what `validate` must say about it (None: it is valid and must work).

CORPUS: dict[str, tuple[str, ...] | None] = {
    # Resource exhaustion.
    "alias-bomb.yaml": ("expands to more than 1,000,000 values", "aliases"),
    "alias-bomb-in-extension.yaml": ("expands to more than 1,000,000 values",),
    "nesting-10000-deep.yaml": ("nested more than 64 levels deep",),
    "nesting-mappings-10000-deep.yaml": ("nested more than 64 levels deep",),
    "huge-integer-version.yaml": ("is too large to read",),
    "base-60-version.yaml": ("version: '1:1:1:1:", "is not allowed (expected one of: 1)"),
    # Object-constructing and unknown tags: refused, never constructed.
    "python-object-apply.yaml": ("python/object/apply:os.system", "is not allowed"),
    "python-object-apply-in-list.yaml": ("python/object/apply:subprocess.check_call",
                                         "is not allowed"),
    "python-object-new.yaml": ("python/object/new:os.system", "is not allowed"),
    "python-name.yaml": ("python/name:os.system", "is not allowed"),
    "python-module.yaml": ("python/module:os", "is not allowed"),
    "tag-on-key.yaml": ("python/object/apply:os.system", "is not allowed"),
    "local-tag.yaml": ("'!include' is not allowed",),
    # Standard tags on values that do not fit them: located errors, not tracebacks.
    "bool-tag-on-text.yaml": ("bool-tag-on-text.yaml:15:16: error: 'customer' is not a valid "
                              "!!bool (true or false)",),
    "empty-number-tags.yaml": ("empty-number-tags.yaml:4:21: error: an empty value is not a "
                               "valid !!float",),
    # Not text, or not UTF-8.
    "binary.yaml": ("NUL bytes", "binary"),
    "binary-after-text.yaml": ("NUL bytes",),
    "invalid-utf8.yaml": ("not valid UTF-8", "0xe9"),
    "utf16.yaml": ("UTF-16", "save it as UTF-8"),
    "surrogate-escape.yaml": ("invalid Unicode character escape",),
    # Encodings and line endings that must simply work.
    "bom.yaml": None,
    "crlf.yaml": None,
    "bom-crlf.yaml": None,
    # Broken YAML.
    "tab-indentation.yaml": ("tab character", "indent with spaces"),
    "unclosed-bracket.yaml": ("invalid YAML", "flow mapping"),
    "unclosed-quote.yaml": ("invalid YAML", "quoted scalar"),
    "two-documents.yaml": ("more than one YAML document",),
    "duplicate-keys.yaml": ("duplicate key 'name'", "line 3"),
    "duplicate-top-level-keys.yaml": ("duplicate key 'components'", "line 4"),
    "duplicate-key-and-misspelling.yaml": ("duplicate key 'name'",
                                           "unknown key 'tpye' in components[0] (user)"),
    # Nothing, or not a model.
    "empty.yaml": ("file is empty",),
    "whitespace-only.yaml": ("file is empty",),
    "whitespace-with-tab.yaml": ("file is empty",),
    "bom-only.yaml": ("file is empty",),
    "comments-only.yaml": ("file is empty",),
    "document-marker-only.yaml": ("file is empty",),
    "top-level-list.yaml": ("a model is a mapping", "holds a list"),
    "top-level-scalar.yaml": ("a model is a mapping", "the text 'just a sentence"),
    "top-level-number.yaml": ("a model is a mapping", "the number 42"),
    # Numbers where numbers go, and where text goes.
    "nan-scope.yaml": ("generative_scope", "not-a-number"),
    "inf-scope.yaml": ("agentic_scope", "-inf"),
    "huge-integer-scope.yaml": ("generative_scope", "must be at most 5"),
    "float-version.yaml": ("version", "1e+308"),
    "nan-as-name.yaml": ("system.name", "expected text", "put quotes around it"),
    "number-as-name.yaml": ("name", "expected text, got the number 12345"),
    "bool-as-id.yaml": ("id", "expected text, got the boolean true"),
    # Dates: kept as the text written; an impossible one is refused.
    "date-as-name.yaml": None,
    "impossible-date.yaml": ("'2027-02-30' is not a real calendar date",),
    "timestamp-expiry.yaml": ("is not a date", "YYYY-MM-DD"),
    # Invalid ids, each rejected with the reason.
    "id-with-space.yaml": ("'my app' is not a valid id", "found ' '"),
    "id-uppercase.yaml": ("'App' is not a valid id", "start with a lowercase letter"),
    "id-with-angle.yaml": ("'app<script>' is not a valid id", "found '<', '>'"),
    "id-with-newline.yaml": ("'app\\n' is not a valid id", "found '\\n'"),
    "id-with-escape.yaml": ("'app\\x1b[2J\\x1b[31m' is not a valid id", "found '\\x1b'"),
    "dangling-hostile-reference.yaml": ("'nobody\\u202e' is not a valid id",),
    # Hostile text echoed back in error messages.
    "control-chars-in-errors.yaml": ("unknown key '\\x1b]0;pwned\\x07\\x1b[2J'",
                                     "'us\\x1b[31mer\\u202e' is not allowed"),
    "hostile-unknown-key.yaml": ("unknown key '<script>alert(1)</script>'",
                                 "unknown key '| --> `x` ]]'",
                                 "'<img src=x onerror=alert(1)>' is not allowed"),
    # Valid models full of hostile text.
    "hostile-names.yaml": None,
    "nul-and-noncharacters.yaml": None,
}

# Generated into a temporary folder by `Runner`, never committed.
ESCAPE_NAME = "evil-\x1b[2J-<script>-|`name`.yaml"
UNDECODABLE_NAME = os.fsdecode(b"latin1-\xe9-name.yaml")
GENERATED: dict[str, tuple[str, ...] | None] = {
    "above-size-limit.yaml": (f"larger than the {DEFAULT_MAX_BYTES:,}-byte limit",
                              "--max-size"),
    "hostile-file-name": None,
    "hostile-file-name-invalid": ("file is empty",),
    "undecodable-file-name": None,
    "many-components.yaml": None,
}
GENERATED_PATHS = {
    "hostile-file-name": ESCAPE_NAME,
    "hostile-file-name-invalid": "empty-" + ESCAPE_NAME,
    "undecodable-file-name": UNDECODABLE_NAME,
}
EXPECTED = {**CORPUS, **GENERATED}
VALID = frozenset(name for name, says in EXPECTED.items() if says is None)

CATALOG_CORPUS: dict[str, tuple[str, ...] | None] = {
    "object-tag.yaml": ("python/object/apply:os.system", "is not allowed"),
    "alias-bomb.yaml": ("expands to more than 1,000,000 values",),
    "unknown-fact.yaml": ("no component fact is named 'agent.is_evil'",),
    "eval-fact.yaml": ("no component fact is named \"__import__('os').system(",),
    "eval-operator.yaml": ("unknown operator \"__import__('os').system(",),
    "hostile-text.yaml": None,
}


# ---------------------------------------------------------------------------------------------
# Commands.

@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...]
    """With ``{model}`` and ``{out}`` to fill in (``--catalog`` is added for catalog runs)."""
    output: str | None = None
    """The file the command writes, if any."""
    valid_code: int = 0
    """Exit code for a valid model: `check` fails its gate on these (a verdict, not a refusal)."""


def _command(name: str, *args: str, output: str | None = None, valid_code: int = 0,
             ) -> Command:
    return Command(name, args, output, valid_code)


REPORT = ("report", "{model}", "--as-of", AS_OF, "-o", "{out}")
COMMANDS = {c.name: c for c in (
    _command("validate", "validate", "{model}"),
    _command("analyze", "analyze", "{model}", "--as-of", AS_OF),
    _command("check", "check", "{model}", "--as-of", AS_OF, valid_code=1),
    _command("report-md", *REPORT, output="report.md"),
    _command("report-json", *REPORT, output="report.json"),
    _command("report-sarif", *REPORT, output="report.sarif"),
    _command("report-csv", *REPORT, output="report.csv"),
    _command("report-html", *REPORT, output="report.html"),
    _command("diagram-svg", "diagram", "{model}", "--as-of", AS_OF, "-o", "{out}",
             output="diagram.svg"),
    _command("diagram-mmd", "diagram", "{model}", "--as-of", AS_OF, "-o", "{out}",
             output="diagram.mmd"),
    _command("open-summary", "open", "{model}", "--summary", "--as-of", AS_OF),
    # Markdown on standard output, where a terminal would show it.
    _command("analyze-markdown", "analyze", "{model}", "--format", "markdown", "--as-of", AS_OF),
    _command("catalog-list", "catalog", "list"),
    # A model against itself: both sides go through the loader, the report through the
    # Markdown escaping a pull-request comment relies on.
    _command("diff-markdown", "diff", "{model}", "{model}", "--format", "markdown", "--as-of",
             AS_OF),
)}
# An invalid model is refused before any format is chosen, by one of two paths: `validate` and
# `open` load it their own way, `analyze`, `check`, `report` and `diagram` share one. So every
# file goes through each path with two commands, every other command and format through a
# representative set of invalid files, and every command and format through every valid file,
# where they really differ. (All commands for all files take minutes on a small machine.)
EVERY_FILE = ("validate", "analyze", "report-md", "open-summary")
OTHER_FORMATS = ("check", "diff-markdown", "diagram-mmd", "report-json", "report-sarif",
                 "report-csv", "report-html", "diagram-svg")
REPRESENTATIVE = ("alias-bomb.yaml", "python-object-apply.yaml", "nesting-10000-deep.yaml",
                  "invalid-utf8.yaml", "id-with-angle.yaml", "above-size-limit.yaml",
                  "hostile-file-name-invalid")
# The encodings that must simply work read exactly as the plain file: the formats that differ
# are covered by the other valid files.
PLAIN_VALID = ("bom.yaml", "crlf.yaml", "bom-crlf.yaml")
PLAIN_COMMANDS = ("validate", "analyze", "check", "report-md", "report-json", "diagram-mmd",
                  "open-summary")
BIG = "many-components.yaml"
BIG_COMMANDS = ("validate", "analyze", "diagram-svg", "report-html")
CATALOG_COMMANDS = ("validate", "analyze", "catalog-list")
VALID_CATALOG_COMMANDS = ("validate", "analyze", "check", "report-md", "diagram-mmd",
                          "catalog-list", "report-html")


@dataclass(frozen=True)
class Invocation:
    entry: str
    """A key of EXPECTED, or of CATALOG_CORPUS when ``catalog`` is set."""
    command: str
    catalog: bool = False
    env: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        extra = "-" + "-".join(f"{k}={v}" for k, v in self.env) if self.env else ""
        kind = "catalog/" if self.catalog else ""
        return f"{kind}{self.entry}:{self.command}{extra}"

    @property
    def valid_input(self) -> bool:
        says = CATALOG_CORPUS[self.entry] if self.catalog else EXPECTED[self.entry]
        return says is None

    @property
    def expected_codes(self) -> tuple[int, ...]:
        if (self.entry, self.command) == (BIG, "diagram-svg"):
            # dot is stopped after DOT_TIMEOUT seconds (a very fast machine might finish)
            return (2, 0)
        return (COMMANDS[self.command].valid_code if self.valid_input else 2,)


# The runner fixture starts every selected command at once, in parallel processes; under
# pytest-xdist each worker would start the whole matrix again, so the module stays on one
# worker (`--dist loadgroup`, see the Makefile) and the others take the rest of the suite.
pytestmark = pytest.mark.xdist_group("hostile-corpus")

MATRIX = [Invocation(name, command) for name in EXPECTED if name not in VALID
          for command in EVERY_FILE]
MATRIX += [Invocation(name, command) for name in REPRESENTATIVE for command in OTHER_FORMATS]
MATRIX += [Invocation(name, command) for name in sorted(VALID - {BIG, *PLAIN_VALID})
           for command in COMMANDS if command != "catalog-list"]
MATRIX += [Invocation(name, command) for name in PLAIN_VALID for command in PLAIN_COMMANDS]
MATRIX += [Invocation(BIG, command) for command in BIG_COMMANDS]
CATALOG_MATRIX = [Invocation(name, command, catalog=True) for name, says in CATALOG_CORPUS.items()
                  for command in (CATALOG_COMMANDS if says else VALID_CATALOG_COMMANDS)]
ASCII_MATRIX = [Invocation("hostile-names.yaml", command, env=(("PYTHONIOENCODING", "ascii"),))
                for command in ("analyze", "analyze-markdown")]


# ---------------------------------------------------------------------------------------------
# Running the commands.

@dataclass
class Result:
    invocation: Invocation
    args: list[str]
    model: str
    """The model path as given on the command line."""
    folder: Path
    """Working folder of the run; the command's output file goes here too."""
    code: int | None = None
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    max_rss_kib: int = 0
    timed_out: bool = False

    @property
    def text(self) -> str:
        return self.stdout + self.stderr

    @property
    def output(self) -> Path | None:
        name = COMMANDS[self.invocation.command].output
        return self.folder / name if name else None

    def describe(self) -> str:
        return (f"{' '.join(map(repr, self.args))}\nexit {self.code} in {self.seconds:.2f} s, "
                f"{self.max_rss_kib // 1024} MiB\n--- stdout\n{self.stdout[-3000:]}\n"
                f"--- stderr\n{self.stderr[-3000:]}")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@dataclass
class _Running:
    result: Result
    process: subprocess.Popen[bytes]
    started: float
    stdout: Path
    stderr: Path


@dataclass
class Runner:
    """Runs invocations as subprocesses, several at a time, and keeps their results."""

    base: Path
    results: dict[Invocation, Result] = field(default_factory=dict)
    counter: int = 0

    def __post_init__(self) -> None:
        self.generated = self.base / "generated"
        self.generated.mkdir()
        _generate(self.generated)

    def model_path(self, invocation: Invocation) -> Path:
        if invocation.catalog:
            return CATALOG_MODEL
        if invocation.entry in GENERATED:
            return self.generated / GENERATED_PATHS.get(invocation.entry, invocation.entry)
        return HOSTILE / invocation.entry

    def result(self, invocation: Invocation) -> Result:
        if invocation not in self.results:
            self.run_all([invocation])
        return self.results[invocation]

    def _start(self, invocation: Invocation) -> _Running:
        self.counter += 1
        folder = self.base / f"run{self.counter:04d}"
        folder.mkdir()
        command = COMMANDS[invocation.command]
        model = str(self.model_path(invocation))
        out = str(folder / command.output) if command.output else ""
        args = [a.format(model=model, out=out) for a in command.args]
        if invocation.catalog:
            args += ["--catalog", str(CATALOGS / invocation.entry)]
        argv = [sys.executable, "-m", "scoping_tui", *args]
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("SCOPING_TUI_") and k != "PYTHONIOENCODING"}
        env.update({"SCOPING_TUI_DOT_TIMEOUT": DOT_TIMEOUT, "PYTHONUTF8": "0",
                    "LC_ALL": "C.UTF-8", **dict(invocation.env)})
        stdout, stderr = folder / ".stdout", folder / ".stderr"
        with stdout.open("wb") as out_file, stderr.open("wb") as err_file:
            process = subprocess.Popen(
                argv, cwd=folder, stdin=subprocess.DEVNULL, stdout=out_file, stderr=err_file,
                env=env, preexec_fn=_limit_memory, start_new_session=True)
        result = Result(invocation, args, model, folder)
        return _Running(result, process, time.monotonic(), stdout, stderr)

    def run_all(self, invocations: list[Invocation]) -> None:
        pending = [i for i in dict.fromkeys(invocations) if i not in self.results]
        workers = max(2, min(8, os.cpu_count() or 1))
        running: dict[int, _Running] = {}
        while pending or running:
            while pending and len(running) < workers:
                started = self._start(pending.pop(0))
                running[started.process.pid] = started
            for pid, run in list(running.items()):
                waited, status, usage = os.wait4(pid, os.WNOHANG)
                elapsed = time.monotonic() - run.started
                if waited == 0:
                    if elapsed > TIMEOUT:
                        run.result.timed_out = True
                        os.killpg(pid, signal.SIGKILL)
                    continue
                del running[pid]
                run.result.code = os.waitstatus_to_exitcode(status)
                run.process.returncode = run.result.code
                run.result.seconds = elapsed
                run.result.max_rss_kib = usage.ru_maxrss
                # Strict: every message and report must be valid UTF-8.
                run.result.stdout = run.stdout.read_bytes().decode("utf-8")
                run.result.stderr = run.stderr.read_bytes().decode("utf-8")
                self.results[run.result.invocation] = run.result
            time.sleep(0.005)


def _generate(folder: Path) -> None:
    valid = (HOSTILE / "crlf.yaml").read_bytes()
    big = folder / "above-size-limit.yaml"
    with big.open("wb") as handle:
        handle.write(valid)
        line = b"# " + b"x" * 1021 + b"\n"
        while handle.tell() <= DEFAULT_MAX_BYTES:
            handle.write(line)
    assert big.stat().st_size > DEFAULT_MAX_BYTES
    (folder / ESCAPE_NAME).write_bytes(valid)
    (folder / ("empty-" + ESCAPE_NAME)).write_bytes(b"")
    (folder / UNDECODABLE_NAME).write_bytes(valid)
    # Valid and far below the size limit, but too many elements for dot to lay out quickly.
    lines = ["version: 1", "system:", "  name: Many components", "components:"]
    count = 1200
    lines += [f"  - {{id: c{i}, name: Component {i}, type: service}}" for i in range(count)]
    lines.append("flows:")
    lines += [f"  - {{id: f{i}, from: c{i % count}, to: c{(i * 7 + 1) % count}}}"
              for i in range(2 * count)]
    (folder / "many-components.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def runner(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """The results of every invocation the selected tests of this module ask for, run at once."""
    found = Runner(tmp_path_factory.mktemp("hostile"))
    wanted = [item.callspec.params["invocation"] for item in request.session.items
              if isinstance(item, pytest.Function) and hasattr(item, "callspec")
              and isinstance(item.callspec.params.get("invocation"), Invocation)]
    found.run_all(wanted)
    return found


def _shown(path: str) -> str:
    """How the CLI names a model file in a diagnostic: one printable line."""
    path = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in path)


def _check_answer(result: Result, names: str) -> None:
    """The guarantees every run gives, whatever the input."""
    invocation = result.invocation
    assert not result.timed_out, f"no answer in {TIMEOUT:g} s\n{result.describe()}"
    assert "Traceback" not in result.text, result.describe()
    assert result.code in invocation.expected_codes, result.describe()
    assert result.max_rss_kib < MAX_RSS_KIB, result.describe()
    # Nothing from the input may drive the terminal.
    assert "\x1b" not in result.text and "\x9b" not in result.text, result.describe()
    # Nothing was executed: the object tags would have created marker files here.
    assert not list(result.folder.glob(f"{MARKER}*")), result.describe()
    assert not list(Path.cwd().glob(f"{MARKER}*"))
    made = {p.name for p in result.folder.iterdir()} - {".stdout", ".stderr"}
    if not invocation.valid_input:
        # A clear message naming the file (and for a diagnostic, where in it).
        assert re.search(re.escape(names) + r":\d+:\d+: error: \S", result.text), \
            result.describe()
        assert not made, f"an invalid input produced {made}\n{result.describe()}"
    elif result.code == 2:
        assert result.stderr.startswith(f"wrote {result.folder}"), result.describe()
        assert made == {"diagram.dot"}, result.describe()
    elif result.output is not None:
        assert made == {result.output.name}, result.describe()
        assert result.output.stat().st_size > 0


# ---------------------------------------------------------------------------------------------
# 1. Every command answers every file.

def test_the_corpus_is_registered_and_documented() -> None:
    on_disk = {p.name for p in HOSTILE.iterdir() if p.suffix == ".yaml"}
    assert on_disk == set(CORPUS)
    assert {p.name for p in CATALOGS.iterdir()} == set(CATALOG_CORPUS)
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    for name in [*CORPUS, *GENERATED, *(f"catalog/{c}" for c in CATALOG_CORPUS)]:
        assert f"`{name}`" in readme, f"{name} is not described in the corpus README"
    for name in CORPUS:
        assert (HOSTILE / name).stat().st_size < 64 * 1024, f"{name} is not small"


@pytest.mark.parametrize("invocation", MATRIX, ids=lambda i: i.id)
def test_every_command_answers_every_hostile_file(invocation: Invocation,
                                                  runner: Runner) -> None:
    result = runner.result(invocation)
    _check_answer(result, _shown(result.model))


KNOWN_BAD_MESSAGES = {
    "whitespace-with-tab.yaml": "a line holding only a tab is blank (YAML 1.2 allows tabs as "
    "separation space), but the loader reports 'tab character where YAML expects indentation' "
    "instead of 'file is empty' (scoping_tui/model/load.py follows libyaml here)",
}


@pytest.mark.parametrize("invocation", [
    pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BAD_MESSAGES[i.entry]))
    if i.entry in KNOWN_BAD_MESSAGES else i
    for i in MATRIX if i.command == "validate"], ids=lambda i: i.entry)
def test_validate_says_what_is_wrong(invocation: Invocation, runner: Runner) -> None:
    result = runner.result(invocation)
    says = EXPECTED[invocation.entry]
    if says is None:
        assert result.code == 0 and re.search(r": valid \(0 errors", result.stdout), \
            result.describe()
        return
    for words in says:
        assert words in result.text, result.describe()


@pytest.mark.parametrize("invocation", ASCII_MATRIX, ids=lambda i: i.id)
def test_a_terminal_that_cannot_show_the_names_gets_escapes(invocation: Invocation,
                                                            runner: Runner) -> None:
    """CJK and emoji names printed to an ASCII (or cp1252) console: escapes, not a crash."""
    result = runner.result(invocation)
    _check_answer(result, _shown(result.model))
    assert "\\U0001f525" in result.stdout, result.describe()


@pytest.mark.parametrize(("value", "says"), [
    ("-5", "'-5' is not a positive number of bytes"),
    ("0", "'0' is not a positive number of bytes"),
    ("lots", "'lots' is not a positive number of bytes"),
    ("100", "is larger than the 100-byte limit"),
])
def test_a_hostile_size_limit_is_refused_without_a_traceback(value: str, says: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scoping_tui", "validate", str(HOSTILE / "crlf.yaml"),
         "--max-size", value],
        capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory, check=False)
    assert done.returncode == 2 and says in done.stdout + done.stderr, done
    assert "Traceback" not in done.stderr


def test_bom_and_crlf_read_exactly_as_plain_lf(runner: Runner) -> None:
    reports = {}
    for name in ("bom.yaml", "crlf.yaml", "bom-crlf.yaml"):
        output = runner.result(Invocation(name, "report-json")).output
        assert output is not None
        reports[name] = json.loads(output.read_text(encoding="utf-8"))
    for report in reports.values():
        assert report["model"]["name"] == "Demo"
    # Findings and the review's questions, each with the line it points at.
    findings = [[(f["id"], f["line"]) for f in r["findings"]]
                + [(q["fact"], e["id"], e["line"]) for q in r["questions"] for e in q["elements"]]
                for r in reports.values()]
    assert findings[0] and findings[0] == findings[1] == findings[2]


def test_a_date_where_a_name_goes_is_the_name(runner: Runner) -> None:
    result = runner.result(Invocation("date-as-name.yaml", "report-json"))
    assert result.output is not None
    report = json.loads(result.output.read_text(encoding="utf-8"))
    assert report["model"]["name"] == "2024-01-01"
    names = {f["target_name"] for f in report["findings"] if f["target"] == "app"}
    assert names <= {"2024-01-01 12:30:00"}
    summary = runner.result(Invocation("date-as-name.yaml", "open-summary")).stdout
    assert summary.startswith("2024-01-01  (")


def test_a_model_too_big_to_lay_out_fails_fast_and_keeps_the_dot_source(runner: Runner,
                                                                         ) -> None:
    # The generated model has 1,200 components: dot needs far longer than the 2 s allowed here.
    diagram = runner.result(Invocation("many-components.yaml", "diagram-svg"))
    if diagram.code == 0:
        pytest.skip("dot laid out the big model within the time limit on this machine")
    assert diagram.code == 2 and "took more than 2 s" in diagram.stderr, diagram.describe()
    assert (diagram.folder / "diagram.dot").is_file()
    report = runner.result(Invocation("many-components.yaml", "report-html"))
    assert report.code == 0 and "the report has no diagram" in report.stderr, report.describe()


# ---------------------------------------------------------------------------------------------
# 3. Hostile catalogs.

@pytest.mark.parametrize("invocation", CATALOG_MATRIX, ids=lambda i: i.id)
def test_every_command_answers_every_hostile_catalog(invocation: Invocation,
                                                     runner: Runner) -> None:
    result = runner.result(invocation)
    catalog = str(CATALOGS / invocation.entry)
    says = CATALOG_CORPUS[invocation.entry]
    if says is None:
        # A valid catalog: `catalog list` and the reports work; the gate is a verdict.
        expected = {"check": 1}.get(invocation.command, 0)
        assert result.code == expected, result.describe()
        assert "Traceback" not in result.text and "\x1b" not in result.text, result.describe()
        if invocation.command in ("analyze", "catalog-list", "check"):
            assert "ORG-HOSTILE-TEXT" in result.stdout, result.describe()
        return
    _check_answer(result, _shown(catalog))
    for words in says:
        assert words in result.stderr, result.describe()
    assert "the catalog has errors; nothing was analysed" in result.stderr


def test_hostile_catalog_text_stays_text_in_the_html_report(runner: Runner) -> None:
    result = runner.result(Invocation("hostile-text.yaml", "report-html", catalog=True))
    assert result.code == 0 and result.output is not None, result.describe()
    page = result.output.read_text(encoding="utf-8")
    doc = _parse_html(page)
    _assert_html_locked_down(doc)
    assert "<script>alert('threat')</script>" in doc.text
    assert "<script>alert('example')</script>" not in page


# ---------------------------------------------------------------------------------------------
# 2. A valid model whose every text is hostile, through every exporter.

def _texts(model: SystemModel) -> list[str]:
    """Every name and flow name of the model: what the diagrams show."""
    return [model.system.name, *(b.name for b in model.boundaries),
            *(c.name for c in model.components), *(f.name or "" for f in model.flows)]


@dataclass(frozen=True)
class Hostile:
    model: SystemModel
    assessment: Assessment

    def texts(self) -> list[str]:
        return _texts(self.model)


@pytest.fixture(scope="module")
def hostile() -> Hostile:
    catalog = load_catalog()
    loaded = load_model(HOSTILE / "hostile-names.yaml", "hostile-names.yaml")
    assert loaded.model is not None and loaded.ok, [d.format() for d in loaded.diagnostics]
    model = loaded.model
    # The YAML escapes really made the characters this is about.
    everything = "".join(_texts(model))
    for char in "\n\x1b\x07\u202e\u200f\"'\\<>|`":
        assert char in everything, repr(char)
    return Hostile(model, assess(model, catalog, None, dt.date.fromisoformat(AS_OF)))


def _squash(text: str) -> str:
    return "".join(text.split())


def test_dot_source_goes_through_real_dot_without_a_warning(hostile: Hostile) -> None:
    dot = required_program("dot")
    source = render_dot(hostile.model, hostile.assessment, DiagramView())
    # Identifiers are synthetic: model text only ever appears inside the HTML-like labels...
    statement = re.compile(r"\s*(digraph dfd \{|\}|graph \[|node \[|edge \[|label=<<TABLE |"
                           r"n\d+ (-> n\d+ )?\[|subgraph cluster_c\d+ \{|"
                           r"style=\"dashed,rounded\";)")
    for line in source.splitlines():
        assert statement.match(line), line
    # ... and every label is well-formed markup whose text is the model's text.
    labels = re.findall(r"label=<(<TABLE .*?</TABLE>)>", source)
    label_text = ""
    for label in labels:
        label_text += "".join(ET.fromstring(label).itertext())
    for text in hostile.texts():
        for line in clean(text).split("\n"):
            # Graphviz reads backslash escapes inside labels too: they are doubled.
            assert _squash(line.replace("\\", "\\\\")) in _squash(label_text), repr(line)
    done = subprocess.run([dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
                          timeout=60, check=False)
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    root = ET.fromstring(done.stdout)
    for element in root.iter():
        local = element.tag.rpartition("}")[2]
        assert local not in {"script", "foreignObject", "a", "image", "use"}, local
        for name, value in element.attrib.items():
            assert not name.rpartition("}")[2].startswith("on"), name
            assert "javascript:" not in value.lower()
    shown = _squash("".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")))
    for text in hostile.texts():
        for line in clean(text).split("\n"):
            assert _squash(line) in shown, repr(line)


_MERMAID_LABEL = r'(?:[^"<>\n]|<br>)*'
_MERMAID_LINE = re.compile("|".join([
    r"flowchart (LR|TB)",
    rf'n\d+(\["|\("|\{{\{{"|\[\("){_MERMAID_LABEL}("\]|"\)|"\}}\}}|"\)\])',
    rf'subgraph (c\d+|legend)\["{_MERMAID_LABEL}"\]',
    r"end",
    rf'n\d+ (-->|==>|-\.->)(\|"{_MERMAID_LABEL}"\|)? n\d+',
    rf'l\d+(\["|\("|\{{\{{"|\[\("){_MERMAID_LABEL}("\]|"\)|"\}}\}}|"\)\])',
    r"l\d+( ~~~ l\d+)+",
    r"classDef \w+ [\w:#,.\- ]+",
    r"class [\w,]+ \w+",
    r"style \w+ [\w:#,.\- ]+",
    r"linkStyle [\d,]+ [\w:#,.\- ]+",
]))


def _mermaid_labels(source: str) -> list[str]:
    """Label texts with Mermaid's entity codes decoded and <br> as a line break."""
    labels = re.findall(r'"((?:[^"\n])*)"', source)

    def decode(match: re.Match[str]) -> str:
        code = match.group(1)
        named = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
        return named[code] if code in named else chr(int(code))

    return [re.sub(r"#(quot|lt|gt|amp|\d+);", decode, label).replace("<br>", "\n")
            for label in labels]


def test_mermaid_labels_hold_the_names_and_nothing_else(hostile: Hostile) -> None:
    source = render_mermaid(hostile.model, hostile.assessment, DiagramView())
    for line in source.splitlines():
        assert _MERMAID_LINE.fullmatch(line.strip()), line
    assert "%%" not in source and "\x1b" not in source
    labels = "\n".join(_mermaid_labels(source))
    for text in hostile.texts()[1:]:  # all but the system name, which Mermaid does not show
        for line in clean(text).split("\n"):
            assert line in labels, repr(line)


def _unescaped(line: str, char: str) -> list[int]:
    """Positions of ``char`` in Markdown not escaped by a backslash."""
    found: list[int] = []
    skip = False
    for position, current in enumerate(line):
        if skip:
            skip = False
        elif current == "\\":
            skip = True
        elif current == char:
            found.append(position)
    return found


def _markdown_checks(text: str) -> None:
    """Tables keep their shape, no HTML is live, no fence but the diagram's."""
    from markdown_it import MarkdownIt

    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    fences = [n for n, line in enumerate(text.splitlines())
              if line.startswith(("```", "~~~"))]
    assert [text.splitlines()[n] for n in fences] == ["```mermaid", "```"]
    header_cells: int | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header_cells = None
            continue
        cells = len(_unescaped(line, "|"))
        header_cells = header_cells or cells
        assert cells == header_cells, line
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    flat = [t for token in tokens for t in [token, *(token.children or [])]]
    assert not [t for t in flat if t.type in ("html_block", "html_inline")], \
        [t.content for t in flat if t.type in ("html_block", "html_inline")]
    assert [t.info for t in flat if t.type == "fence"] == ["mermaid"]
    assert not [t for t in flat if t.type in ("code_block", "s_open", "hr")]
    # Findings are a table per element; a model without findings has none to check.
    assert [t for t in flat if t.type == "tr_open"] or "\n## Findings\n\nNo findings.\n" in text


def test_markdown_keeps_its_shape_and_shows_the_names_as_text(hostile: Hostile) -> None:
    text = render_markdown(hostile.assessment)
    _markdown_checks(text)
    # Title, then the description as one paragraph, then the facts as a list.
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    assert [t.type for t in tokens[:7]] == ["heading_open", "inline", "heading_close",
                                            "paragraph_open", "inline", "paragraph_close",
                                            "bullet_list_open"]
    first = text.splitlines()[0]
    assert first.startswith("# Threat model: ")
    assert re.sub(r"\\(.)", r"\1", first.removeprefix("# Threat model: ")) == " ".join(
        hostile.model.system.name.split())
    # A right-to-left override is kept, isolated so that it reorders nothing after it.
    owner = next(line for line in text.splitlines() if line.startswith("| LLM09"))
    assert "| \u2068\\+reason \\| with \\`ticks\\` \ufffd\\[31m\u2069 |" not in owner
    assert "\u2068\u202eticket" not in text  # the ticket is not in the Markdown report
    description = text.splitlines()[2]
    assert description.startswith("\u2068") and description.endswith("\u2069")
    # The description starts with ~~~: escaped, it opens no code fence.
    assert text.splitlines()[2].startswith("\u2068\\~\\~\\~ first \\| line")


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.in_script = False
        self.texts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.texts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.in_script = tag == "script"
        if self.in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.scripts[-1] += data
        else:
            self.texts.append(data)


def _parse_html(page: str) -> _Html:
    parser = _Html()
    parser.feed(page)
    parser.close()
    return parser


def _assert_html_locked_down(doc: _Html) -> None:
    assert doc.scripts == [SCRIPT]
    for tag, attrs in doc.tags:
        assert tag not in {"img", "iframe", "object", "embed", "link", "base", "image", "use",
                           "foreignobject", "form", "audio", "video", "frame", "b", "i"}, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name == "href":
                assert (value or "").startswith("#"), value
            assert "javascript:" not in (value or "").lower() or tag == "bdi", (tag, value)


def test_html_report_shows_the_names_and_runs_nothing(hostile: Hostile) -> None:
    page = render_report("html", hostile.assessment, load_catalog())
    doc = _parse_html(page)
    _assert_html_locked_down(doc)
    assert "<svg" in page  # the diagram is there, sanitised
    model = hostile.model

    def shown(text: str) -> str:
        return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "\ufffd", text)

    for text in [model.system.name, *(c.name for c in model.components),
                 *(b.name for b in model.boundaries), model.accepted_risks[0].owner]:
        assert shown(text) in doc.text, repr(text)
    h1 = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert h1 and "&lt;script&gt;alert(1)&lt;/script&gt;" in h1.group(1)
    assert "\x1b" not in page


def test_json_and_sarif_are_valid_and_round_trip_the_names(hostile: Hostile) -> None:
    model = hostile.model
    report = json.loads(render_json(hostile.assessment))
    assert report["model"]["name"] == model.system.name
    names = {c.id: c.name for c in model.components}
    findings = report["findings"]
    assert findings
    for finding in findings:
        if finding["target_kind"] == "component":
            assert finding["target_name"] == names[finding["target"]]
    accepted = [f for f in findings if f["acceptance"]]
    assert accepted[0]["acceptance"]["owner"] == model.accepted_risks[0].owner
    assert accepted[0]["acceptance"]["reason"] == model.accepted_risks[0].reason
    sarif = json.loads(render_sarif(hostile.assessment))
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    justification = suppressed[0]["suppressions"][0]["justification"]
    assert model.accepted_risks[0].reason in justification
    assert model.accepted_risks[0].owner in justification


def test_csv_neutralises_formulas_and_round_trips(hostile: Hostile) -> None:
    text = render_report("csv", hostile.assessment)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(COLUMNS)
    names = {c.id: c.name for c in hostile.model.components}
    for row in rows[1:]:
        assert len(row) == len(COLUMNS), row
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
        record = dict(zip(COLUMNS, row, strict=True))
        if record["target_kind"] == "component":
            # Control characters come out as visible escapes, line breaks as they are.
            name = printable(names[record["target"]], keep_newlines=True)
            expected = "'" + name if name.startswith(("=", "+", "-", "@", "\t", "\r")) else name
            assert record["target_name"] == expected


@pytest.mark.parametrize("entry", ["hostile-names.yaml", "nul-and-noncharacters.yaml"])
def test_terminal_output_carries_no_control_characters(entry: str, runner: Runner) -> None:
    for command in ("analyze", "check", "open-summary", "validate", "analyze-markdown"):
        result = runner.result(Invocation(entry, command))
        assert result.code == COMMANDS[command].valid_code, result.describe()
        # Bidi controls only inside an isolate (FSI ... PDI) that confines their effect.
        isolated = re.sub("\u2068[^\u2068\u2069]*\u2069", "", result.stdout)
        bad = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", isolated)
        assert not bad, (command, bad)
        if command == "analyze-markdown":
            _markdown_checks(result.stdout)


def test_markdown_of_nul_and_noncharacters_is_clean(runner: Runner) -> None:
    result = runner.result(Invocation("nul-and-noncharacters.yaml", "report-md"))
    assert result.output is not None
    text = result.output.read_text(encoding="utf-8")
    assert "\x00" not in text and "\x1b" not in text and "\x9b" not in text
    assert text.startswith("# Threat model: nul \ufffd here")


